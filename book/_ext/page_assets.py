"""Sphinx extension: heavy scripts only on the pages that need them.

* plotly.js (4.8 MB) is copied once into the site's ``_static`` from the installed
  ``plotly`` package and loaded only by pages with a figure. The figures themselves are
  written by ``embedlab.plots``' renderer as a div plus a ``Plotly.newPlot`` call with no
  plotly.js inside.
* MathJax (2.1 MB) is dropped from pages whose own body has no formula. Sphinx decides
  per page too, but counts formulas of every page below a toctree, so the root page
  (whose table of contents lists all chapters) and every page under a toctree loaded it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PLOTLY_MARK = "plotly-graph-div"
MATH_MARK = 'class="math'


def plotly_source() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_filename() -> str:
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"  # the version in the name busts stale caches


def add_page_assets(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if PLOTLY_MARK in body:
        # a plain (blocking) script in <head>, so Plotly exists before the figures' inline calls
        app.add_js_file(plotly_filename(), priority=200)


def drop_unused_mathjax(app, pagename, templatename, context, doctree) -> None:
    if MATH_MARK in context.get("body", ""):
        return
    scripts = context.get("script_files", [])
    scripts[:] = [s for s in scripts if "mathjax" not in (getattr(s, "filename", None) or str(s)).lower()]


def copy_plotly(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / plotly_filename()
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(plotly_source(), target)


def setup(app):
    app.connect("html-page-context", add_page_assets, priority=400)
    app.connect("html-page-context", drop_unused_mathjax, priority=900)  # after sphinx.ext.mathjax (500)
    app.connect("build-finished", copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
