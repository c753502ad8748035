"""Plotly figures for the course, rendered so they survive the book build.

Importing this module picks the plotly renderer once for every chapter. The
``"embedlab"`` renderer writes each figure as a ``<div>`` plus a short script that
calls ``Plotly.newPlot`` (no require.js), and leaves plotly.js itself out:
the book loads one copy per site from ``_static`` on the pages that have figures
(``book/_ext/page_assets.py``; each div names its trace types so the page gets the smallest
bundle that draws them), instead of 4.8 MB embedded in every page. Run in a
local Jupyter, where no page provides plotly.js, the figure loads it once from plotly's
CDN. In Colab the ``"colab"`` renderer is kept, because each Colab output lives in its
own frame. Figures are responsive: they take the width of the page, and on a phone-sized
width they drop the numbers printed in heatmap cells and use smaller labels.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

__all__ = ["OFFLINE_RENDERER", "figure_html", "heatmap", "setup_plotly", "similarity_heatmap"]

OFFLINE_RENDERER = "embedlab"
FIGURE_CONFIG = {"responsive": True, "displaylogo": False}  # responsive: the figure follows the page width
_FIGURE_HTML = """<div id="{id}" class="plotly-graph-div" data-plotly-traces="{traces}"
 style="height:{height}px; width:100%;"></div>
<script type="text/javascript">
(function () {{
  var figure = {figure};
  var draw = function () {{
    if (document.getElementById("{id}").clientWidth < 560) {{  /* a phone: smaller text, no cell labels */
      figure.layout.font = {{size: 9}};
      figure.layout.title = Object.assign({{}}, figure.layout.title, {{font: {{size: 12}}}});
      figure.layout.xaxis = Object.assign({{}}, figure.layout.xaxis, {{tickangle: -90}});
      figure.data.forEach(function (trace) {{ delete trace.texttemplate; }});
    }}
    Plotly.newPlot("{id}", figure);
  }};
  if (window.Plotly) {{ draw(); return; }}
  /* outside the book (a local Jupyter), load plotly.js once from its CDN */
  var s = document.getElementById("plotly-js-loader") || document.createElement("script");
  s.addEventListener("load", draw);
  if (!s.id) {{ s.id = "plotly-js-loader"; s.src = "{cdn}"; document.head.appendChild(s); }}
}})();
</script>"""


def figure_html(fig_dict: dict, div_id: str | None = None) -> str:
    """A figure as a div plus a ``Plotly.newPlot`` call; plotly.js must come from the page."""
    import json
    import uuid

    from plotly.io.json import to_json_plotly
    from plotly.offline import get_plotlyjs_version

    layout = fig_dict.get("layout", {})
    figure = {"data": fig_dict.get("data", []), "layout": layout, "config": FIGURE_CONFIG}
    # the trace types, so that the page loads the smallest plotly.js bundle that draws them
    traces = sorted({str(trace.get("type") or "scatter") for trace in figure["data"]} or {"scatter"})
    return _FIGURE_HTML.format(
        id=div_id or str(uuid.uuid4()),
        traces=" ".join(traces),
        height=int(layout.get("height") or 450),
        figure=to_json_plotly(figure).replace("</", "<\\/"),  # no "</script>" inside the script
        cdn=json.dumps(f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js")[1:-1],
    )


def _register_offline_renderer() -> None:
    import plotly.io as pio
    from plotly.io._base_renderers import MimetypeRenderer

    class SiteScriptRenderer(MimetypeRenderer):
        """The figure's div and its newPlot call; plotly.js comes from the page (the site's _static)."""

        def to_mimebundle(self, fig_dict):
            return {"text/html": figure_html(fig_dict)}

    if OFFLINE_RENDERER not in pio.renderers:
        pio.renderers[OFFLINE_RENDERER] = SiteScriptRenderer()


def setup_plotly() -> str:
    """Choose the plotly renderer for where the code runs and return its name."""
    import plotly.io as pio

    _register_offline_renderer()
    renderer = "colab" if "google.colab" in sys.modules else OFFLINE_RENDERER
    pio.renderers.default = renderer
    return renderer


def heatmap(
    values,
    x: Sequence[str] | None = None,
    y: Sequence[str] | None = None,
    title: str = "",
    zmid: float | None = 0.0,
    colorscale: str = "RdBu_r",
    height: int | None = None,
    hover: str = "value",
):
    """An interactive heatmap of a matrix; hovering a cell shows its row, column and value."""
    import plotly.graph_objects as go

    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"a heatmap needs a 2-D matrix; got shape {values.shape}.")
    x = list(x) if x is not None else list(range(values.shape[1]))
    y = list(y) if y is not None else list(range(values.shape[0]))
    if len(x) != values.shape[1] or len(y) != values.shape[0]:
        raise ValueError(
            f"{len(y)} row labels and {len(x)} column labels for a matrix of shape {values.shape}."
        )
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=[str(v) for v in x],
            y=[str(v) for v in y],
            zmid=zmid,
            colorscale=colorscale,
            hovertemplate=f"%{{y}} / %{{x}}<br>{hover} = %{{z:.3f}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=height or max(300, 40 + 28 * len(y)),
        margin=dict(l=10, r=10, t=50 if title else 10, b=10),
        yaxis=dict(autorange="reversed", type="category"),
        xaxis=dict(type="category"),
    )
    return fig


def similarity_heatmap(words: Sequence[str], similarities, title: str = "Cosine similarity"):
    """A square word-by-word similarity matrix on a fixed [-1, 1] colour scale, values printed in the cells."""
    similarities = np.asarray(similarities, dtype=float)
    if similarities.shape != (len(words), len(words)):
        raise ValueError(f"{len(words)} words need a {len(words)}x{len(words)} matrix; got {similarities.shape}.")
    fig = heatmap(similarities, words, words, title=title, hover="cosine", height=120 + 28 * len(words))
    fig.update_traces(zmin=-1, zmax=1, texttemplate="%{z:.2f}", textfont=dict(size=9))
    fig.update_layout(xaxis=dict(tickangle=-45))
    return fig


def projector(
    coords,
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    hover: Sequence[str] | None = None,
    title: str = "",
    axis_titles: Sequence[str] = ("x", "y", "z"),
    show_text: Sequence[str] = (),
    height: int = 560,
    decimals: int = 3,
):
    """A 2-D or 3-D scatter of labelled points in the manner of the TensorFlow Embedding Projector.

    One trace per group (click the legend to hide a group); hovering a point shows
    its label and its ``hover`` text (e.g. its nearest neighbours in the original
    space). Labels listed in ``show_text`` are also written next to their points.
    Coordinates are rounded to ``decimals`` places to keep the page light.
    """
    import plotly.graph_objects as go

    coords = np.round(np.asarray(coords, dtype=float), decimals)
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ValueError(f"coords must have shape (n, 2) or (n, 3); got {coords.shape}.")
    n = len(coords)
    groups = ["all"] * n if groups is None else [str(g) for g in groups]
    hover = [""] * n if hover is None else [str(h) for h in hover]
    labels = [str(v) for v in labels]
    if not len(labels) == len(groups) == len(hover) == n:
        raise ValueError(f"{n} points need {n} labels, groups and hover texts; "
                         f"got {len(labels)}, {len(groups)} and {len(hover)}.")
    shown = set(show_text)
    fig = go.Figure()
    for group in dict.fromkeys(groups):  # first-seen order
        rows = [i for i in range(n) if groups[i] == group]
        text = [labels[i] for i in rows]
        style = dict(
            name=group, text=text, customdata=[hover[i] for i in rows],
            hovertemplate="<b>%{text}</b><br>%{customdata}<extra>" + group + "</extra>",
        )
        mode = "markers+text" if shown.intersection(text) else "markers"
        if mode == "markers+text":
            style["texttemplate"] = [t if t in shown else "" for t in text]
        xyz = {axis: coords[rows, j] for j, axis in enumerate("xyz"[: coords.shape[1]])}
        if coords.shape[1] == 3:
            fig.add_trace(go.Scatter3d(**xyz, mode=mode, marker=dict(size=2.5, opacity=0.8), **style))
        else:
            fig.add_trace(go.Scatter(**xyz, mode=mode, marker=dict(size=6, opacity=0.75),
                                     textposition="top center", **style))
    # the legend goes under the plot, so that a long title and many groups never overlap
    legend = dict(orientation="h", yanchor="top", y=0.0 if coords.shape[1] == 3 else -0.12, x=0,
                  itemsizing="constant")
    fig.update_layout(title=title, height=height, legend=legend, margin=dict(l=0, r=0, t=50 if title else 10, b=10))
    if coords.shape[1] == 3:
        fig.update_layout(scene={f"{axis}axis_title": name for axis, name in zip("xyz", axis_titles, strict=False)})
    else:
        fig.update_layout(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1])
    return fig


setup_plotly()
