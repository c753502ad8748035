"""How much a 2-D (or 3-D) picture of a space lies, in numbers.

* **trustworthiness@k** (Venna & Kaski; scikit-learn's implementation): 1 when
  every point's k nearest neighbours in the picture were also close in the
  original space, lower when the picture invents neighbours;
* **neighbours kept**: the share of each point's k nearest neighbours in the
  original space that are still among its k nearest in the picture (the point
  itself never counts as its own neighbour);
* **k-NN accuracy**: leave-one-out majority vote of the k nearest other points'
  labels, in any space, so the picture can be compared with the full space.

:func:`projection_report` runs PCA, t-SNE and UMAP on the same data and
measures all three; chapter 6's table and ``benchmarks/bench_projections.py``
come from it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..data._packages import require
from .linear import _matrix, pca
from .nonlinear import tsne, umap

__all__ = [
    "knn_accuracy", "knn_predict", "nearest_neighbours", "neighbour_preservation", "projection_report",
    "trustworthiness",
]

_CHUNK = 1024


def _check_k(k: int, n: int) -> int:
    if not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise ValueError(f"k must be an integer from 1 to {n - 1} (the other points); got {k!r}.")
    return int(k)


def nearest_neighbours(X, k: int, metric: str = "euclidean") -> np.ndarray:
    """Indices ``(n, k)`` of each row's k nearest other rows, nearest first (``"euclidean"`` or ``"cosine"``)."""
    X = _matrix(X)
    k = _check_k(k, len(X))
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    elif metric != "euclidean":
        raise ValueError(f"unknown metric {metric!r}; use 'euclidean' or 'cosine'.")
    squared = np.einsum("ij,ij->i", X, X)
    out = np.empty((len(X), k), dtype=np.int64)
    for start in range(0, len(X), _CHUNK):
        rows = slice(start, start + _CHUNK)
        dist = squared[rows, None] + squared[None, :] - 2 * X[rows] @ X.T  # squared distances (same ranking)
        dist[np.arange(dist.shape[0]), np.arange(start, start + dist.shape[0])] = np.inf  # not yourself
        part = np.argpartition(dist, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(dist, part, axis=1), axis=1, kind="stable")
        out[rows] = np.take_along_axis(part, order, axis=1)
    return out


def _same_rows(X_high: np.ndarray, X_low: np.ndarray) -> None:
    if len(X_high) != len(X_low):
        raise ValueError(f"the picture has {len(X_low)} points but the original space {len(X_high)}; "
                         f"pass the coordinates of the same rows in the same order.")


def neighbour_preservation(X_high, X_low, k: int = 10, metric: str = "euclidean") -> float:
    """Mean share of each point's k nearest neighbours in ``X_high`` that stay among its k nearest in ``X_low``.

    ``metric`` applies to the original space; the picture is always Euclidean.
    """
    X_high, X_low = _matrix(X_high, "X_high"), _matrix(X_low, "X_low")
    _same_rows(X_high, X_low)
    high, low = nearest_neighbours(X_high, k, metric), nearest_neighbours(X_low, k)
    rows = np.arange(len(high))[:, None]
    in_low = np.zeros((len(high), len(high)), dtype=bool) if len(high) <= 4096 else None
    if in_low is not None:
        in_low[rows, low] = True
        return float(in_low[rows, high].sum(axis=1).mean() / k)
    kept = [len(np.intersect1d(h, lo, assume_unique=True)) for h, lo in zip(high, low, strict=True)]
    return float(np.mean(kept) / k)


def knn_predict(X, labels: Sequence | np.ndarray, k: int = 10, metric: str = "euclidean") -> np.ndarray:
    """Each point's label as voted by its k nearest *other* points (ties: the smallest label wins)."""
    X = _matrix(X)
    labels = np.asarray(labels)
    if labels.shape != (len(X),):
        raise ValueError(f"need one label per row: {len(X)} rows but labels of shape {labels.shape}.")
    classes, codes = np.unique(labels, return_inverse=True)
    neighbours = nearest_neighbours(X, k, metric)
    votes = np.zeros((len(X), len(classes)), dtype=np.int64)
    np.add.at(votes, (np.repeat(np.arange(len(X)), k), codes[neighbours].ravel()), 1)
    return classes[votes.argmax(axis=1)]


def knn_accuracy(X, labels: Sequence | np.ndarray, k: int = 10, metric: str = "euclidean") -> float:
    """Leave-one-out k-NN accuracy: the share of points whose own label wins their neighbours' vote."""
    return float(np.mean(knn_predict(X, labels, k, metric) == np.asarray(labels)))


def trustworthiness(X_high, X_low, k: int = 10, metric: str = "euclidean") -> float:
    """scikit-learn's trustworthiness@k of the picture ``X_low`` of ``X_high`` (1 = no invented neighbours)."""
    X_high, X_low = _matrix(X_high, "X_high"), _matrix(X_low, "X_low")
    _same_rows(X_high, X_low)
    if not 1 <= k < len(X_high) / 2:
        raise ValueError(f"trustworthiness needs k < n / 2 = {len(X_high) / 2}; got {k}.")
    manifold = require("sklearn.manifold", "scikit-learn", "trustworthiness")
    return float(manifold.trustworthiness(X_high, X_low, n_neighbors=k, metric=metric))


METHODS = {
    "PCA": lambda X, seed, dims: pca(X, dims).coords,
    "t-SNE": lambda X, seed, dims: tsne(X, seed=seed, n_components=dims),
    "UMAP": lambda X, seed, dims: umap(X, seed=seed, n_components=dims),
}


def projection_report(X, labels, k: int = 10, seed: int = 0, methods: Sequence[str] = tuple(METHODS),
                      n_components: int = 2) -> dict[str, dict[str, float | np.ndarray]]:
    """Each method's picture of ``X`` (default settings, one seed), its time and its three quality figures.

    Returns ``{method: {"coords", "seconds", "trustworthiness", "neighbours_kept", "knn_accuracy"}}`` plus
    ``"full space": {"knn_accuracy"}`` for comparison. Distances are Euclidean: pass unit vectors to
    measure cosine neighbourhoods.
    """
    X = _matrix(X)
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown methods {sorted(unknown)}; choose from {list(METHODS)}.")
    report: dict[str, dict[str, float | np.ndarray]] = {"full space": {"knn_accuracy": knn_accuracy(X, labels, k)}}
    for name in methods:
        start = time.perf_counter()
        coords = METHODS[name](X, seed, n_components)
        seconds = time.perf_counter() - start
        report[name] = {
            "coords": coords,
            "seconds": seconds,
            "trustworthiness": trustworthiness(X, coords, k),
            "neighbours_kept": neighbour_preservation(X, coords, k),
            "knn_accuracy": knn_accuracy(coords, labels, k),
        }
    return report
