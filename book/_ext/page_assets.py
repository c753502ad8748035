"""Sphinx extension: heavy scripts only on the pages that need them, and the lightest that will do.

* plotly.js: each figure's div names its trace types (``data-plotly-traces``, written by
  ``embedlab.plots`` and ``embedlab.projector``), and a page loads the smallest official
  bundle that draws them all: ``plotly-cartesian`` (1.5 MB: heatmaps, bars, 2-D scatter),
  ``plotly-gl3d`` (1.75 MB: 3-D scatter), or the full plotly.js (4.8 MB, copied once into
  ``_static`` from the installed ``plotly`` package) when a page needs both or a figure does
  not say. The partial bundles are vendored in ``book/_static/plotly`` (MIT, the version
  of the installed plotly; tests/book/test_page_assets.py checks the version).
* MathJax (2.1 MB) is dropped from pages whose own body has no formula. Sphinx decides
  per page too, but counts formulas of every page below a toctree, so the root page
  (whose table of contents lists all chapters) and every page under a toctree loaded it.
* The theme's Font Awesome script (1.5 MB, it swaps icons for inline SVG) is dropped: the
  theme's style sheet already draws the same icons from its web fonts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

PLOTLY_MARK = "plotly-graph-div"
MATH_MARK = 'class="math'
_FIGURE_DIV = re.compile(r'<div\b[^>]*\bclass="[^"]*\bplotly-graph-div\b[^"]*"[^>]*>')
_TRACES = re.compile(r'\bdata-plotly-traces="([^"]*)"')
#: the official partial bundles (plotly.js's dist/README.md), smallest first: name -> trace types
BUNDLES = {
    "plotly-cartesian": frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d",
                                   "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"}),
    "plotly-gl3d": frozenset({"cone", "isosurface", "mesh3d", "scatter", "scatter3d", "streamtube", "surface",
                              "volume"}),
}
FONTAWESOME = re.compile(r'<(?:script|link)\b[^>]*_static/scripts/fontawesome\.js[^>]*>(?:</script>)?\n?')


def plotly_version() -> str:
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_source() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_filename(bundle: str = "plotly") -> str:
    """The script's path under ``_static`` (the version in the name busts stale caches)."""
    name = f"{bundle}-{plotly_version()}.min.js"
    return name if bundle == "plotly" else f"plotly/{name}"


def bundle_for(body: str) -> str | None:
    """The smallest plotly.js bundle that draws every figure in ``body`` (None: no figures)."""
    figures = _FIGURE_DIV.findall(body)
    if not figures:
        return None
    declared = [found.group(1).split() for div in figures if (found := _TRACES.search(div))]
    if len(declared) < len(figures):
        return "plotly"  # a figure that does not say what it draws gets everything
    needed = set().union(*declared)
    return next((name for name, traces in BUNDLES.items() if needed <= traces), "plotly")


def add_page_assets(app, pagename, templatename, context, doctree) -> None:
    bundle = bundle_for(context.get("body", ""))
    if bundle is not None:
        # a plain (blocking) script in <head>, so Plotly exists before the figures' inline calls
        app.add_js_file(plotly_filename(bundle), priority=200)


def drop_unused_mathjax(app, pagename, templatename, context, doctree) -> None:
    if MATH_MARK in context.get("body", ""):
        return
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if "mathjax" not in (getattr(s, "filename", None) or str(s)).lower()]


def finish(app, exception) -> None:
    """Copy the full plotly.js into ``_static``; drop the Font Awesome script from every page."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    target = out / "_static" / plotly_filename()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(plotly_source(), target)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = FONTAWESOME.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", add_page_assets, priority=400)
    app.connect("html-page-context", drop_unused_mathjax, priority=900)  # after sphinx.ext.mathjax (500)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
