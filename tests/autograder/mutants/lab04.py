"""Lab 4's generic mutants (projections); the near misses come from the spec."""

from __future__ import annotations

import numpy as np

from embedlab import projection, supervised


def _svd(X):
    Xc = np.asarray(X, dtype=float) - np.mean(X, axis=0)
    return Xc, *np.linalg.svd(Xc, full_matrices=False)


def _pca_from(X, k, rows):
    """coords and components of the principal directions ``rows(Vt, k)``."""
    Xc, _, _, Vt = _svd(X)
    components = rows(Vt, k)
    return Xc @ components.T, components


def _ratio(X, k, pick=lambda v, k: v[:k]):
    S = _svd(X)[2]
    return pick(S**2 / (S**2).sum(), k)


def _neighbours(X, k, far=False):
    D = np.linalg.norm(np.asarray(X)[:, None] - np.asarray(X)[None], axis=2)
    np.fill_diagonal(D, -np.inf if far else np.inf)
    order = np.argsort(-D if far else D, axis=1, kind="stable")
    return order[:, :k]


def _kept(high, low, k, k_high=None, k_low=None, far=False):
    h, lo = _neighbours(high, k_high or k, far), _neighbours(low, k_low or k, far)
    return float(np.mean([len(set(a) & set(b)) for a, b in zip(h, lo, strict=True)]) / k)


def _knn(X, labels, k, vote=lambda votes: np.bincount(votes).argmax(), far=False):
    labels = np.asarray(labels)
    return np.array([vote(labels[row]) for row in _neighbours(X, k, far)])


def _largest_tied(votes):
    counts = np.bincount(votes)
    return int(np.flatnonzero(counts == counts.max())[-1])


def _forward(E, w, b, ids, mask, bias=True, sign=1.0, axis=1):
    vectors = np.asarray(E)[ids] * np.asarray(mask)[:, :, None]
    pooled = vectors.sum(axis=1) / np.asarray(mask).sum(axis=1, keepdims=True)
    if axis != 1:
        pooled = vectors.mean(axis=axis)[: len(ids)]
    return pooled, 1 / (1 + np.exp(-sign * (pooled @ w + (b if bias else 0.0))))


def _gradients_changed(change):
    def wrong(E, w, b, ids, mask, y):
        dE, dw, db = supervised.gradients(E, w, b, ids, mask, y)
        return change(dE, dw, db, len(y))
    return wrong


MUTANTS = {
    "pca": {
        "the last k components": lambda X, k: _pca_from(X, k, lambda Vt, k: Vt[::-1][:k]),
        "one component too many": lambda X, k: _pca_from(X, k, lambda Vt, k: Vt[: k + 1]),
        "components as columns": lambda X, k: (lambda coords, comps: (coords, comps.T))(*projection.pca(X, k)[:2]),
        "coordinates of the uncentred rows": lambda X, k: (
            lambda comps: (np.asarray(X) @ comps.T, comps))(projection.pca(X, k).components),
        "the input echoed": lambda X, k: (np.asarray(X), np.asarray(X)),
    },
    "explained_variance_ratio": {
        "all the ratios": lambda X, k: _ratio(X, k, pick=lambda v, k: v),
        "the smallest k": lambda X, k: _ratio(X, k, pick=lambda v, k: v[::-1][:k]),
        "one too many": lambda X, k: _ratio(X, k, pick=lambda v, k: v[: k + 1]),
        "cumulative": lambda X, k: np.cumsum(_ratio(X, k)),
        "constant 1 / d": lambda X, k: np.full(k, 1 / np.shape(X)[1]),
    },
    "neighbour_preservation": {
        "constant 1": lambda h, lo, k: 1.0,
        "the count, not the share": lambda h, lo, k: _kept(h, lo, k) * k,
        "k + 1 neighbours": lambda h, lo, k: _kept(h, lo, k, k_high=k + 1, k_low=k + 1),
        "the farthest points": lambda h, lo, k: _kept(h, lo, k, far=True),
        "the picture compared with itself": lambda h, lo, k: _kept(h, h, k),
    },
    "knn_predict": {
        "every point's own label": lambda X, y, k: np.asarray(y),
        "ties to the largest label": lambda X, y, k: _knn(X, y, k, vote=_largest_tied),
        "one neighbour only": lambda X, y, k: _knn(X, y, 1),
        "the farthest points vote": lambda X, y, k: _knn(X, y, k, far=True),
        "k + 1 neighbours": lambda X, y, k: _knn(X, y, k + 1),
        "the overall majority": lambda X, y, k: np.full(len(y), np.bincount(y).argmax()),
    },
    "sentiment_forward": {
        "no bias": lambda *a: _forward(*a, bias=False),
        "a flipped sign": lambda *a: _forward(*a, sign=-1.0),
        "pooled over the batch": lambda *a: _forward(*a, axis=0),
        "the probabilities of the tokens' mean score": lambda E, w, b, ids, mask: (
            supervised.forward(E, w, b, ids, mask)[0],
            (1 / (1 + np.exp(-(np.asarray(E)[ids] @ w + b))) * mask).sum(axis=1) / mask.sum(axis=1)),
    },
    "sentiment_gradients": {
        "constant zeros": lambda E, w, b, ids, mask, y: (np.zeros_like(E), np.zeros_like(w), 0.0),
        "db not summed": _gradients_changed(lambda dE, dw, db, n: (dE, dw, db / n)),
        "dE divided by B twice": _gradients_changed(lambda dE, dw, db, n: (dE / n, dw, db)),
        "dw of the sum": _gradients_changed(lambda dE, dw, db, n: (dE, dw * n, db)),
        "dE transposed": _gradients_changed(lambda dE, dw, db, n: (dE.T, dw, db)),
    },
    "project_onto": {
        "u twice": lambda X, u, v: np.stack([X @ u, X @ u], axis=1) / np.linalg.norm(u),
        "columns swapped": lambda X, u, v: np.stack([X @ v / np.linalg.norm(v), X @ u / np.linalg.norm(u)], axis=1),
        "transposed": lambda X, u, v: np.stack([X @ u / np.linalg.norm(u), X @ v / np.linalg.norm(v)]),
        "a flipped sign": lambda X, u, v: -np.stack([X @ u / np.linalg.norm(u), X @ v / np.linalg.norm(v)], axis=1),
        "divided by the squared lengths": lambda X, u, v: np.stack([X @ u / (u @ u), X @ v / (v @ v)], axis=1),
    },
}
