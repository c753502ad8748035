"""The on-disk result cache: computes once per key, never unpickles, recovers from a broken file."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab import cache as cache_module
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



def _import_fresh(path, name):
    """Import ``path`` as module ``name`` as a new kernel would (the module's current source)."""
    import importlib.util
    import sys

    sys.modules.pop(name, None)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_editing_the_function_that_computes_a_result_recomputes_it(tmp_path):
    """Same namespace and key, but the module defining ``compute`` was edited: not the old result."""
    source = tmp_path / "projection_demo.py"
    source.write_text("import numpy as np\n\ndef project():\n    return np.ones(2) * 2\n")
    module = _import_fresh(source, "projection_demo")
    np.testing.assert_array_equal(cached("demo", "inputs", module.project), [2, 2])
    module = _import_fresh(source, "projection_demo")
    np.testing.assert_array_equal(cached("demo", "inputs", module.project), [2, 2])
    assert len(list((tmp_path / "demo").glob("*.npy"))) == 1  # unchanged code: read back (negative control)

    source.write_text("import numpy as np\n\ndef project():\n    return np.ones(2) * 3  # fixed\n")
    module = _import_fresh(source, "projection_demo")
    np.testing.assert_array_equal(cached("demo", "inputs", module.project), [3, 3])


def test_editing_the_package_recomputes_what_its_code_computed(tmp_path, monkeypatch):
    """A result computed by package code is recomputed after any edit to the package (a new process)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "projection.py").write_text("SCALE = 2\n")
    monkeypatch.setattr(cache_module, "PACKAGE_ROOT", package)

    def run(scale):
        cache_module.package_fingerprint.cache_clear()  # what a fresh kernel sees
        return cached("demo", "inputs", lambda: np.ones(2) * scale)

    np.testing.assert_array_equal(run(2), [2, 2])
    np.testing.assert_array_equal(run(3), [2, 2])  # same package code: the stored result
    (package / "projection.py").write_text("SCALE = 3\n")
    np.testing.assert_array_equal(run(3), [3, 3])
    cache_module.package_fingerprint.cache_clear()


def test_library_versions_are_part_of_the_fingerprint(monkeypatch):
    before = cache_module.package_fingerprint()
    real_version = cache_module.importlib.metadata.version
    monkeypatch.setattr(cache_module.importlib.metadata, "version",
                        lambda name: "0.0.1" if name == "numpy" else real_version(name))
    cache_module.package_fingerprint.cache_clear()
    try:
        assert cache_module.package_fingerprint() != before
    finally:
        monkeypatch.undo()
        cache_module.package_fingerprint.cache_clear()


def _slow_result(log: str) -> np.ndarray:
    """A result that takes a while and leaves a line in ``log`` each time it is computed."""
    import time

    with open(log, "a") as f:
        f.write("computed\n")
    time.sleep(1.0)
    return np.arange(3.0)


def _two_processes_ask_for(key: str, log: str) -> list[np.ndarray]:
    import functools
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(2) as pool:
        return pool.starmap(cached, [("shared", key, functools.partial(_slow_result, log))] * 2)


def test_two_processes_asking_at_once_compute_once_and_leave_no_lock(tmp_path):
    """Chapters execute in parallel: the second process waits for the first one's result."""
    log = tmp_path / "log.txt"
    results = _two_processes_ask_for("k", str(log))
    assert log.read_text().splitlines() == ["computed"]
    for result in results:
        np.testing.assert_array_equal(result, np.arange(3.0))
    assert not list((tmp_path / "shared").glob("*.lock"))


def test_a_failed_computation_releases_the_lock_for_the_next_caller():
    with pytest.raises(ZeroDivisionError):
        cached("demo", "fails", lambda: 1 / 0)
    np.testing.assert_array_equal(cached("demo", "fails", lambda: np.ones(2)), np.ones(2))
