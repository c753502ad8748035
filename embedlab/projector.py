"""An embedding projector that runs in a static page: search, neighbours, layouts, custom axes, distortion.

Like the TensorFlow Embedding Projector, but built into the book's page with no
server: :func:`projector` packs one or more sets of labelled vectors and their
pictures (PCA, t-SNE, UMAP; 2-D and 3-D) into a compact JSON payload and returns
an object that shows as HTML: a Plotly scatter driven by ``projector.js`` (a few
hundred lines of plain JavaScript in this package). The payload is small because

* vectors ship as int8 codes, each row scaled so that its largest entry is ±127
  (the page normalises every row, so the per-row scale need not travel), when the
  cosines of every point's nearest neighbours stay within :data:`COSINE_TOLERANCE`
  of the exact ones; otherwise (e.g. GloVe's 50 dimensions) as 12-bit codes, two
  base64 characters per number (a quarter less than float16 in base64);
* picture coordinates ship as 12-bit codes with an offset and a step per axis;
* nearest neighbours are not shipped: the page computes them from the vectors.

In the page a reader can

* type a word and press Enter (or click a point): it is highlighted and its
  nearest neighbours *in the original space* are listed with their cosines;
  an unknown word gets "not in this set" and the closest spellings;
* switch layouts, keeping the selection;
* place the points on two directions of their own (custom axes, e.g. he - she
  and good - bad);
* colour the points by how much the current picture distorts them: the share of
  each point's 10 nearest neighbours in the original space that are also among
  its 10 nearest in the picture (and read that number for the selected point).

:func:`projector_layouts` computes the six standard pictures with
:mod:`embedlab.projection`, cached on disk by their inputs.
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["ProjectorSet", "ProjectorView", "projector", "projector_layouts", "projector_payload"]

#: neighbours listed for a selected point, and the neighbourhood size of the distortion colouring
K = 10
#: the largest error allowed on the cosines of each point's K nearest neighbours for int8 vectors
COSINE_TOLERANCE = 2.5e-3
_SCRIPT = Path(__file__).with_name("projector.js")
_BASE64 = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", dtype=np.uint8)


@dataclass(frozen=True)
class ProjectorSet:
    """One set of labelled points: their vectors, their groups and their pictures (name -> (n, 2|3) coords).

    ``axes``: the four words (x+, x-, y+, y-) the custom-axes fields start with; each must be a label.
    """

    name: str
    labels: Sequence[str]
    vectors: np.ndarray
    layouts: Mapping[str, np.ndarray]
    groups: Sequence[str] | None = None
    axes: tuple[str, str, str, str] | None = None
    metric_note: str = "cosine"

    def __post_init__(self) -> None:
        vectors = np.asarray(self.vectors)
        n = len(self.labels)
        if vectors.ndim != 2 or len(vectors) != n:
            raise ValueError(f"{self.name}: vectors must have shape ({n}, d), one row per label; got {vectors.shape}.")
        if len(set(self.labels)) != n:
            raise ValueError(f"{self.name}: labels must be unique (a search finds one point per label).")
        if n <= K:
            raise ValueError(f"{self.name}: a projector needs more than {K} points; got {n}.")
        if self.groups is not None and len(self.groups) != n:
            raise ValueError(f"{self.name}: {n} points need {n} groups; got {len(self.groups)}.")
        if not self.layouts:
            raise ValueError(f"{self.name}: give at least one layout (e.g. from projector_layouts).")
        for name, coords in self.layouts.items():
            shape = np.shape(coords)
            if len(shape) != 2 or shape[0] != n or shape[1] not in (2, 3):
                raise ValueError(f"{self.name}: layout {name!r} must have shape ({n}, 2) or ({n}, 3); got {shape}.")
        if self.axes is not None:
            missing = [w for w in self.axes if w not in set(self.labels)]
            if len(self.axes) != 4 or missing:
                raise ValueError(f"{self.name}: axes must be four of the labels (x+, x-, y+, y-); "
                                 f"not in the set: {missing}.")


def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _q12(codes: np.ndarray) -> str:
    """Integers in [0, 4096) as two base64 characters each (high six bits first)."""
    codes = np.asarray(codes, dtype=np.int64).ravel()
    if codes.size and (codes.min() < 0 or codes.max() > 4095):
        raise ValueError("12-bit codes must lie in [0, 4096).")
    chars = np.empty(2 * codes.size, dtype=np.uint8)
    chars[0::2], chars[1::2] = _BASE64[codes >> 6], _BASE64[codes & 63]
    return chars.tobytes().decode("ascii")


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("a vector of length zero has no direction; drop it before projecting.")
    return vectors / norms


def _row_codes(unit: np.ndarray, largest: int) -> np.ndarray:
    """Each row scaled so that its largest entry is +-``largest``, rounded (the page needs directions only)."""
    return np.round(unit / np.abs(unit).max(axis=1, keepdims=True) * largest)


def _neighbour_cosine_error(unit: np.ndarray, approx: np.ndarray, k: int = K, chunk: int = 1024) -> float:
    """The largest error of ``approx``'s cosines over each row's ``k`` nearest other rows of ``unit``."""
    approx = _unit(approx)
    worst = 0.0
    for start in range(0, len(unit), chunk):
        rows = np.arange(start, min(start + chunk, len(unit)))
        exact = unit[rows] @ unit.T
        exact[np.arange(len(rows)), rows] = -np.inf
        near = np.argpartition(-exact, k, axis=1)[:, :k]
        got = np.einsum("rd,rkd->rk", approx[rows], approx[near])
        worst = max(worst, float(np.abs(got - np.take_along_axis(exact, near, axis=1)).max()))
    return worst


def _encode_vectors(unit: np.ndarray) -> dict:
    """int8 rows when their neighbour cosines are within COSINE_TOLERANCE, else 12-bit rows."""
    codes = _row_codes(unit, 127)
    error = _neighbour_cosine_error(unit, codes)
    if error <= COSINE_TOLERANCE:
        return {"vectorCodec": "int8", "vectors": _b64(codes, "i1"), "cosineError": round(error, 5)}
    codes = _row_codes(unit, 2047)
    return {"vectorCodec": "q12", "vectors": _q12(codes + 2048),
            "cosineError": round(_neighbour_cosine_error(unit, codes), 5)}


def _encode_layout(name: str, coords: np.ndarray) -> dict:
    """Coordinates as 12-bit codes: axis a of a point is ``offset[a] + code * step[a]``."""
    coords = np.asarray(coords, dtype=np.float64)
    low, high = coords.min(axis=0), coords.max(axis=0)
    step = np.where(high > low, (high - low) / 4095, 1.0)
    codes = np.round((coords - low) / step)
    return {"name": name, "dims": int(coords.shape[1]), "offset": low.tolist(), "step": step.tolist(),
            "coords": _q12(codes)}


def _encode_set(data: ProjectorSet) -> dict:
    unit = _unit(data.vectors)
    groups = ["all"] * len(data.labels) if data.groups is None else [str(g) for g in data.groups]
    group_names = list(dict.fromkeys(groups))
    index = {g: i for i, g in enumerate(group_names)}
    return {
        "name": data.name,
        "labels": [str(label) for label in data.labels],
        "groupNames": group_names,
        "groups": [index[g] for g in groups],
        "dim": int(unit.shape[1]),
        **_encode_vectors(unit),
        "k": K,
        "layouts": [_encode_layout(name, coords) for name, coords in data.layouts.items()],
        "axes": list(data.axes) if data.axes else None,
        "metric": data.metric_note,
    }


def projector_payload(sets: Sequence[ProjectorSet]) -> dict:
    """The JSON-able data the page's script reads (see the module docstring for what it holds)."""
    if not sets:
        raise ValueError("give at least one ProjectorSet.")
    return {"version": 2, "sets": [_encode_set(s) for s in sets]}


@dataclass(frozen=True)
class ProjectorView:
    """What :func:`projector` returns: shows itself as the projector's HTML in a notebook or a built page."""

    html: str
    payload_bytes: int = field(default=0)

    def _repr_html_(self) -> str:
        return self.html


_TEMPLATE = """<div class="embedlab-projector" id="{id}" data-testid="projector">
<div class="ep-controls">
  <label>Set <select data-testid="projector-set" class="ep-set"></select></label>
  <label>Layout <select data-testid="projector-layout" class="ep-layout"></select></label>
  <label>Colour <select data-testid="projector-colour" class="ep-colour">
    <option value="group">by category</option>
    <option value="distortion">by neighbours kept in this picture</option></select></label>
  <label class="ep-search-label">Search <input type="search" data-testid="projector-search" class="ep-search"
    placeholder="type a word, press Enter" autocomplete="off" spellcheck="false"></label>
</div>
<details class="ep-axes-box"><summary>Custom axes: place the points on two directions you choose</summary>
  <div class="ep-axes">x: <input data-testid="projector-axis-x-plus" class="ep-ax" size="9"> &minus;
    <input data-testid="projector-axis-x-minus" class="ep-ax" size="9">
    &nbsp; y: <input data-testid="projector-axis-y-plus" class="ep-ax" size="9"> &minus;
    <input data-testid="projector-axis-y-minus" class="ep-ax" size="9">
    <button type="button" data-testid="projector-axes-apply" class="ep-axes-apply">Place the points</button></div>
</details>
<div class="ep-body">
  <!-- the class and trace types tell book/_ext/page_assets.py which plotly.js bundle the page needs -->
  <div class="ep-plot plotly-graph-div" data-plotly-traces="scatter scatter3d" style="height:{height}px;"
    role="img" aria-label="{alt}"></div>
  <div class="ep-side">
    <p class="ep-status" data-testid="projector-status" aria-live="polite"></p>
    <ol class="ep-neighbours" data-testid="projector-neighbours"></ol>
    <p class="ep-distortion" data-testid="projector-distortion"></p>
  </div>
</div>
<script type="application/json" class="ep-data">{payload}</script>
<script type="text/javascript">{script}
embedlabProjector(document.getElementById("{id}"), {cdn});</script>
</div>"""

_STYLE = """<style>
.embedlab-projector {font-size: 0.9rem; margin: 1rem 0;}
.embedlab-projector .ep-controls {display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center;}
.embedlab-projector .ep-search {width: 16em; max-width: 100%;}  /* the whole placeholder shows */
.embedlab-projector .ep-axes {margin: 0.4rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem; align-items: center;}
.embedlab-projector .ep-body {display: flex; flex-wrap: wrap; gap: 0.8rem;}
.embedlab-projector .ep-plot {flex: 3 1 420px; min-width: 0;}
.embedlab-projector .ep-side {flex: 1 1 200px; min-width: 0;}
.embedlab-projector .ep-neighbours {padding-left: 1.6rem; margin: 0.3rem 0;}
.embedlab-projector .ep-neighbours button {all: unset; cursor: pointer; text-decoration: underline dotted;}
.embedlab-projector .ep-neighbours button:focus {outline: 2px solid #1f77b4;}
.embedlab-projector .ep-status {margin: 0.2rem 0; min-height: 1.2em;}
</style>"""


def projector(sets: ProjectorSet | Sequence[ProjectorSet], height: int = 560, alt: str = "") -> ProjectorView:
    """The in-page projector for one or more :class:`ProjectorSet` (shown as HTML when displayed).

    ``alt`` describes the picture for readers who cannot see it (the plot's ``aria-label``).

    plotly.js comes from the page (the book serves it to pages with figures); in a
    plain Jupyter it is loaded once from plotly's CDN, as :mod:`embedlab.plots` does.
    """
    from plotly.offline import get_plotlyjs_version

    sets = [sets] if isinstance(sets, ProjectorSet) else list(sets)
    payload = json.dumps(projector_payload(sets), separators=(",", ":"))
    div_id = f"projector-{uuid.uuid4().hex[:12]}"
    text = _STYLE + _TEMPLATE.format(
        id=div_id, height=int(height), alt=html.escape(alt or f"A scatter plot of {sets[0].name}", quote=True),
        payload=payload.replace("<", "\\u003c"),  # no "</script>" or "<!--" inside the script element
        script=_SCRIPT.read_text(encoding="utf-8"),
        cdn=json.dumps(f"https://cdn.plot.ly/plotly-{get_plotlyjs_version()}.min.js"),
    )
    return ProjectorView(text, len(payload))


_TSNE_ANGLE = {2: 0.5, 3: 0.7}


def projector_layouts(vectors: np.ndarray, seed: int = 0, methods: Sequence[str] = ("PCA", "t-SNE", "UMAP"),
                      dims: Sequence[int] = (2, 3)) -> dict[str, np.ndarray]:
    """The standard pictures of ``vectors`` (unit-normalised first), e.g. ``"UMAP 3-D"``, cached on disk.

    PCA by SVD, t-SNE (perplexity 30) and UMAP (15 neighbours, min_dist 0.1) from
    :mod:`embedlab.projection`, each seeded; the cache key holds the vectors, the
    method, its parameters and the seed. The 3-D t-SNE uses a Barnes-Hut angle of 0.7
    (2-D keeps scikit-learn's 0.5): its octree costs far more per step, and on chapter 6.3's
    2,435 words 0.7 keeps the same share of each word's ten neighbours (0.495) in 2/3 of the time.
    """
    from .cache import cached
    from .projection import pca, tsne, umap

    unit = _unit(vectors).astype(np.float32)
    compute = {
        "PCA": lambda d: pca(unit, d).coords,
        "t-SNE": lambda d: tsne(unit, perplexity=30.0, seed=seed, n_components=d, angle=_TSNE_ANGLE[d]),
        "UMAP": lambda d: umap(unit, n_neighbors=15, min_dist=0.1, seed=seed, n_components=d),
    }
    unknown = [m for m in methods if m not in compute]
    if unknown:
        raise ValueError(f"unknown layout method(s) {unknown}; choose from {list(compute)}.")
    layouts = {}
    for method in methods:
        for d in dims:
            key = {"vectors": unit, "method": method, "dims": int(d), "seed": int(seed)}
            if method == "t-SNE":
                key["angle"] = _TSNE_ANGLE[d]
            layouts[f"{method} {d}-D"] = np.asarray(
                cached("projector_layout", key, lambda m=method, d=d: compute[m](d)), dtype=np.float32)
    return layouts
