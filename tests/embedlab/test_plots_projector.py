"""plots.projector: one trace per group, rounded coordinates, hover text, 2-D or 3-D, clear errors."""

import numpy as np
import pytest

from embedlab import plots


def test_groups_become_traces_with_rounded_coordinates_and_hover_text():
    coords = np.random.default_rng(0).normal(size=(6, 3))
    fig = plots.projector(coords, list("abcdef"), groups=["x", "y", "x", "y", "x", "y"],
                          hover=[f"near {w}" for w in "abcdef"], title="demo", show_text=["a"])
    assert [t.name for t in fig.data] == ["x", "y"] and fig.data[0].type == "scatter3d"
    assert list(fig.data[0].text) == ["a", "c", "e"] and list(fig.data[1].customdata) == ["near b", "near d", "near f"]
    np.testing.assert_array_equal(fig.data[0].x, np.round(coords[[0, 2, 4], 0], 3))
    assert fig.data[0].mode == "markers+text" and fig.data[1].mode == "markers"
    assert fig.layout.width is None  # follows the page width


def test_two_dimensions_use_an_svg_scatter_with_axis_titles():
    fig = plots.projector(np.zeros((2, 2)), ["a", "b"], axis_titles=("he - she", "good - bad"))
    assert fig.data[0].type == "scatter" and fig.layout.xaxis.title.text == "he - she"


@pytest.mark.parametrize(("coords", "labels", "match"), [
    (np.zeros((3, 4)), list("abc"), "shape \\(n, 2\\) or \\(n, 3\\)"),
    (np.zeros((3, 2)), list("ab"), "3 points need 3 labels"),
])
def test_bad_input(coords, labels, match):
    with pytest.raises(ValueError, match=match):
        plots.projector(coords, labels)
