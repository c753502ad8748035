"""The on-disk result cache: computes once per key, never unpickles, recovers from a broken file."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.cache import cache_key, cached


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))


def test_computes_once_per_key():
    calls = []

    def compute():
        calls.append(1)
        return np.arange(5.0)

    first = cached("demo", ("model", [1, 2]), compute)
    second = cached("demo", ("model", [1, 2]), compute)
    np.testing.assert_array_equal(first, second)
    assert len(calls) == 1
    cached("demo", ("model", [1, 3]), compute)
    assert len(calls) == 2


def test_dict_of_arrays_round_trips():
    out = cached("demo", "k", lambda: {"x": np.ones((2, 3)), "labels": np.array(["a", "b"])})
    again = cached("demo", "k", lambda: pytest.fail("recomputed"))
    assert set(again) == {"x", "labels"}
    assert again["labels"].tolist() == ["a", "b"]
    np.testing.assert_array_equal(out["x"], again["x"])


def test_key_depends_on_array_contents():
    assert cache_key(np.zeros(3)) != cache_key(np.ones(3))
    assert cache_key({"b": 1, "a": 2}) == cache_key({"a": 2, "b": 1})
    with pytest.raises(TypeError, match="cache key"):
        cache_key(object())


def test_refuses_objects_and_bad_namespace():
    with pytest.raises(TypeError, match="numeric or string"):
        cached("demo", "obj", lambda: np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="plain name"):
        cached("../escape", "k", lambda: np.zeros(1))


def test_broken_file_is_recomputed(tmp_path):
    cached("demo", "k", lambda: np.zeros(2))
    (path,) = (tmp_path / "demo").glob("*.npy")
    path.write_bytes(b"not numpy")
    np.testing.assert_array_equal(cached("demo", "k", lambda: np.ones(2)), np.ones(2))
