"""embedlab.plots: figures that survive the book build (plotly.js embedded, no mimetype-only output)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pio = pytest.importorskip("plotly.io")
from embedlab import plots  # noqa: E402


def test_importing_selects_the_self_contained_notebook_renderer():
    assert pio.renderers.default == plots.OFFLINE_RENDERER
    bundle = pio.renderers._build_mime_bundle(plots.heatmap(np.eye(2)).to_dict())
    # the build keeps text/html; a bare application/vnd.plotly.v1+json would be dropped by myst-nb
    assert "text/html" in bundle and "application/vnd.plotly.v1+json" not in bundle
    html = bundle["text/html"]
    assert "Plotly.newPlot" in html
    assert "<script src=" not in html  # nothing fetched from a CDN (plotly's own MathJax tag removed)


def test_colab_keeps_its_own_renderer(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", object())
    try:
        assert plots.setup_plotly() == "colab"
        assert pio.renderers.default == "colab"
    finally:
        monkeypatch.delitem(sys.modules, "google.colab")
        plots.setup_plotly()
    assert pio.renderers.default == plots.OFFLINE_RENDERER


def test_heatmap_keeps_values_and_labels():
    values = np.arange(6.0).reshape(2, 3)
    fig = plots.heatmap(values, x=["a", "b", "c"], y=["r1", "r2"], title="t")
    (trace,) = fig.data
    np.testing.assert_array_equal(np.asarray(trace.z), values)
    assert list(trace.x) == ["a", "b", "c"] and list(trace.y) == ["r1", "r2"]
    with pytest.raises(ValueError, match="labels"):
        plots.heatmap(values, x=["a"], y=["r1", "r2"])


def test_similarity_heatmap_uses_the_full_cosine_range():
    words = ["king", "queen", "car"]
    sims = np.array([[1, 0.7, 0.1], [0.7, 1, 0.0], [0.1, 0.0, 1]])
    (trace,) = plots.similarity_heatmap(words, sims).data
    assert (trace.zmin, trace.zmax) == (-1, 1)
    with pytest.raises(ValueError):
        plots.similarity_heatmap(words, np.eye(2))
