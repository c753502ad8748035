"""book/_ext/page_assets.py: each page loads the smallest plotly.js bundle that draws its figures, no icon script."""

from __future__ import annotations

import importlib.util
import re

import plotly.graph_objects as go
import pytest
from book_helpers import ROOT

from embedlab.plots import figure_html

_spec = importlib.util.spec_from_file_location("page_assets", ROOT / "book" / "_ext" / "page_assets.py")
page_assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(page_assets)


def _figure(*traces) -> str:
    return figure_html(go.Figure(data=list(traces)).to_plotly_json())


@pytest.mark.parametrize(("body", "bundle"), [
    ("<p>no figure</p>", None),
    (_figure(go.Heatmap(z=[[1, 2]])), "plotly-cartesian"),
    (_figure(go.Scatter(x=[1], y=[2]), go.Bar(x=[1], y=[2])), "plotly-cartesian"),
    (_figure(go.Scatter3d(x=[1], y=[2], z=[3])), "plotly-gl3d"),
    (_figure(go.Heatmap(z=[[1]])) + _figure(go.Scatter3d(x=[1], y=[2], z=[3])), "plotly"),  # no bundle has both
    (_figure(go.Scatterpolar(r=[1], theta=[0])), "plotly"),  # in no partial bundle
    ('<div class="plotly-graph-div" style="height:9px"></div>', "plotly"),  # a figure that does not say
], ids=["no-figure", "heatmap", "scatter-and-bar", "scatter3d", "heatmap-and-scatter3d", "scatterpolar",
        "traces-unknown"])  # stable ids: the figures' HTML holds random element ids, and pytest-xdist
                            # workers must collect the same test names
def test_a_page_gets_the_smallest_bundle_that_draws_its_figures(body, bundle):
    assert page_assets.bundle_for(body) == bundle


def test_the_vendored_bundles_are_the_installed_plotly_version():
    version = page_assets.plotly_version()
    for name in page_assets.BUNDLES:
        path = ROOT / "book" / "_static" / page_assets.plotly_filename(name)
        header = path.read_text(encoding="utf-8")[:200]
        kind = name.removeprefix("plotly-")
        assert re.search(rf"plotly\.js \({kind} - minified\) v{re.escape(version)}\b", header), (path, header)


def test_the_font_awesome_script_is_removed_and_nothing_else():
    head = ('<script src="_static/scripts/bootstrap.js?digest=1"></script>\n'
            '<script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>\n'
            '<link rel="preload" as="script" href="_static/scripts/fontawesome.js?digest=55c2" />\n'
            '<script src="_static/sphinx_thebe.js"></script>\n')
    assert page_assets.FONTAWESOME.sub("", head) == (
        '<script src="_static/scripts/bootstrap.js?digest=1"></script>\n'
        '<script src="_static/sphinx_thebe.js"></script>\n')
