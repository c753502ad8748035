"""The projector's payload: what the page receives decodes to the vectors, pictures and neighbours it stands for."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from embedlab.projection import nearest_neighbours, pca
from embedlab import projector as projector_module
from embedlab.projector import (
    COSINE_TOLERANCE,
    K,
    ProjectorSet,
    projector,
    projector_layouts,
    projector_payload,
)


def _decode(text: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype).reshape(shape)


def _q12(text: str, shape: tuple[int, ...]) -> np.ndarray:
    """Two base64 characters per 12-bit code, decoded independently of the module's encoder."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    codes = [alphabet.index(text[i]) * 64 + alphabet.index(text[i + 1]) for i in range(0, len(text), 2)]
    return np.array(codes, dtype=np.float64).reshape(shape)


def _vectors(encoded: dict, shape: tuple[int, int]) -> np.ndarray:
    if encoded["vectorCodec"] == "int8":
        raw = _decode(encoded["vectors"], "i1", shape).astype(np.float64)
    else:
        raw = _q12(encoded["vectors"], shape) - 2048
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def small_set() -> ProjectorSet:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(60, 96))  # spread like a sentence model's rows
    labels = [f"w{i}" for i in range(60)]
    return ProjectorSet("toy", labels, vectors, {"PCA 2-D": pca(vectors, 2).coords}, groups=["a", "b", "c"] * 20,
                        axes=("w0", "w1", "w2", "w3"))


def _exact_neighbour_error(unit: np.ndarray, decoded: np.ndarray) -> float:
    exact, got = unit @ unit.T, decoded @ decoded.T
    near = nearest_neighbours(unit, K)  # an independent oracle: cosine neighbours = Euclidean ones of unit vectors
    return float(np.abs(np.take_along_axis(got - exact, near, axis=1)).max())


@pytest.mark.parametrize("tolerance", [COSINE_TOLERANCE, 0.0])
def test_the_payload_decodes_to_unit_vectors_and_layouts(small_set, monkeypatch, tolerance):
    monkeypatch.setattr(projector_module, "COSINE_TOLERANCE", tolerance)
    encoded = projector_payload([small_set])["sets"][0]
    assert encoded["vectorCodec"] == ("int8" if tolerance else "q12")  # no int8 error is within 0
    vectors = _vectors(encoded, (60, 96))
    unit = small_set.vectors / np.linalg.norm(small_set.vectors, axis=1, keepdims=True)
    np.testing.assert_allclose(vectors, unit, atol=2e-2 if tolerance else 2e-3)
    error = _exact_neighbour_error(unit, vectors)
    assert error == pytest.approx(encoded["cosineError"], abs=1e-5)
    assert error <= COSINE_TOLERANCE
    layout = encoded["layouts"][0]
    coords = layout["offset"] + _q12(layout["coords"], (60, 2)) * layout["step"]
    expected = small_set.layouts["PCA 2-D"]
    np.testing.assert_allclose(coords, expected, atol=np.ptp(expected, axis=0).max() / 4095)
    assert "neighbours" not in encoded  # the page computes them from the vectors
    assert encoded["groupNames"] == ["a", "b", "c"] and encoded["groups"][:4] == [0, 1, 2, 0]
    assert encoded["axes"] == ["w0", "w1", "w2", "w3"]


def test_vectors_whose_int8_cosines_drift_ship_as_12_bit_codes():
    """GloVe-like rows with one large entry: int8 steps are too coarse for the tolerance."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(300, 50))
    vectors[:, 0] *= 8
    encoded = projector_payload([ProjectorSet("spiky", [str(i) for i in range(300)], vectors,
                                              {"PCA 2-D": pca(vectors, 2).coords})])["sets"][0]
    assert encoded["vectorCodec"] == "q12" and encoded["cosineError"] < 5e-4
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assert _exact_neighbour_error(unit, _vectors(encoded, (300, 50))) < 5e-4


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


@pytest.mark.slow
def test_the_3d_tsne_summarises_far_points_more_coarsely_than_the_2d(monkeypatch, tmp_path):
    """3-D t-SNE uses a Barnes-Hut angle of 0.7 (its octree is costly), 2-D scikit-learn's 0.5."""
    from embedlab.projection import tsne

    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))
    vectors = np.random.default_rng(2).normal(size=(80, 6))
    unit = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    layouts = projector_layouts(vectors, methods=("t-SNE",))
    np.testing.assert_array_equal(layouts["t-SNE 2-D"], tsne(unit, seed=0, n_components=2, angle=0.5))
    np.testing.assert_array_equal(layouts["t-SNE 3-D"], tsne(unit, seed=0, n_components=3, angle=0.7))
