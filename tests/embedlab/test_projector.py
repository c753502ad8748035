"""The projector's payload: what the page receives decodes to the vectors, pictures and neighbours it stands for."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from embedlab.projection import nearest_neighbours, pca
from embedlab.projector import K, ProjectorSet, projector, projector_layouts, projector_payload


def _decode(text: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).reshape(shape)


@pytest.fixture(scope="module")
def small_set() -> ProjectorSet:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 8))
    labels = [f"w{i}" for i in range(60)]
    return ProjectorSet("toy", labels, vectors, {"PCA 2-D": pca(vectors, 2).coords}, groups=["a", "b", "c"] * 20,
                        axes=("w0", "w1", "w2", "w3"))


def test_the_payload_decodes_to_unit_vectors_layouts_and_cosine_neighbours(small_set):
    encoded = projector_payload([small_set])["sets"][0]
    vectors = _decode(encoded["vectors"], "<f2", (60, 8)).astype(np.float64)
    unit = small_set.vectors / np.linalg.norm(small_set.vectors, axis=1, keepdims=True)
    np.testing.assert_allclose(vectors, unit, atol=1e-3)
    coords = _decode(encoded["layouts"][0]["coords"], "<f2", (60, 2))
    np.testing.assert_allclose(coords, small_set.layouts["PCA 2-D"], atol=2e-3, rtol=1e-3)
    neighbours = _decode(encoded["neighbours"], "<u2", (60, K))
    # an independent oracle: cosine neighbours are Euclidean neighbours of the unit vectors
    expected = nearest_neighbours(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), K)
    assert (np.sort(neighbours, axis=1) == np.sort(expected, axis=1)).mean() > 0.99
    assert encoded["groupNames"] == ["a", "b", "c"] and encoded["groups"][:4] == [0, 1, 2, 0]
    assert encoded["axes"] == ["w0", "w1", "w2", "w3"]


def test_the_html_carries_the_payload_safely_and_marks_the_page_for_plotly():
    labels = [f"</script><b>{i}" for i in range(12)]
    vectors = np.eye(12) + 0.1
    view = projector(ProjectorSet("hostile labels", labels, vectors, {"PCA 2-D": pca(vectors, 2).coords}))
    html = view._repr_html_()
    assert "plotly-graph-div" in html and 'data-testid="projector-search"' in html
    payload = re.search(r'<script type="application/json" class="ep-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in payload
    assert json.loads(payload)["sets"][0]["labels"] == labels


@pytest.mark.parametrize(("change", "message"), [
    (dict(vectors=np.ones((5, 3))), r"shape \(60, d\)"),
    (dict(labels=["same"] * 60), "unique"),
    (dict(layouts={"bad": np.ones((60, 4))}), r"layout 'bad' must have shape \(60, 2\) or \(60, 3\)"),
    (dict(layouts={}), "at least one layout"),
    (dict(axes=("w0", "w1", "w2", "nope")), r"not in the set: \['nope'\]"),
    (dict(groups=["a"] * 3), "60 points need 60 groups"),
])
def test_bad_input_says_what_is_wrong(small_set, change, message):
    fields = dict(name="toy", labels=small_set.labels, vectors=small_set.vectors, layouts=small_set.layouts)
    with pytest.raises(ValueError, match=message):
        ProjectorSet(**{**fields, **change})


def test_layouts_are_cached_by_their_inputs(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))
    vectors = np.random.default_rng(1).normal(size=(40, 6))
    first = projector_layouts(vectors, methods=("PCA",))
    assert set(first) == {"PCA 2-D", "PCA 3-D"} and first["PCA 3-D"].shape == (40, 3)
    assert len(list(tmp_path.rglob("*.npy"))) == 2
    again = projector_layouts(vectors, methods=("PCA",))
    np.testing.assert_array_equal(again["PCA 2-D"], first["PCA 2-D"])
    projector_layouts(vectors + 1.0, methods=("PCA",))
    assert len(list(tmp_path.rglob("*.npy"))) == 4
    with pytest.raises(ValueError, match="unknown layout method"):
        projector_layouts(vectors, methods=("MDS",))
