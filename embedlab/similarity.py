"""Similarity and distance between vectors, the arithmetic every chapter uses.

Each function accepts a single vector (shape ``(d,)``) or a matrix of row
vectors (shape ``(n, d)``) on either side, so one call covers a pair, one
query against a table, and a full pairwise matrix.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_vectors", "cosine_similarity", "dot", "euclidean_distance", "normalize", "top_k"]


def as_vectors(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a float array of shape ``(d,)`` or ``(n, d)``; refuse anything else."""
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be numeric, got an array of dtype {arr.dtype}.")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be a vector (d,) or a matrix of row vectors (n, d); got shape {arr.shape}."
        )
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    return arr


def _check_dims(a: np.ndarray, b: np.ndarray) -> None:
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"dimension mismatch: a has {a.shape[-1]} components (shape {a.shape}) "
            f"but b has {b.shape[-1]} (shape {b.shape}); both must live in the same space."
        )


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b.T`` for every vector/matrix combination (a scalar for two vectors)."""
    return a @ b.T if b.ndim == 2 else a @ b


def dot(a, b) -> np.ndarray | float:
    """Dot products: a float for two vectors, a vector for vector/matrix, a matrix for two matrices."""
    a, b = as_vectors(a, "a"), as_vectors(b, "b")
    _check_dims(a, b)
    out = _pairwise(a, b)
    return float(out) if out.ndim == 0 else out


def normalize(x) -> np.ndarray:
    """Scale each vector to unit length; zero vectors stay zero (instead of becoming NaN)."""
    x = as_vectors(x)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def cosine_similarity(a, b) -> np.ndarray | float:
    """Cosine of the angle between vectors: ``a·b / (|a| |b|)``, in [-1, 1].

    A zero vector has no direction, so its similarity to anything is 0 (not NaN).
    """
    a, b = as_vectors(a, "a"), as_vectors(b, "b")
    _check_dims(a, b)
    out = np.clip(_pairwise(normalize(a), normalize(b)), -1.0, 1.0)
    return float(out) if out.ndim == 0 else out


def euclidean_distance(a, b) -> np.ndarray | float:
    """Straight-line distance ``|a - b|`` with the same vector/matrix broadcasting as :func:`dot`."""
    a, b = as_vectors(a, "a"), as_vectors(b, "b")
    _check_dims(a, b)
    # |a-b|^2 = |a|^2 + |b|^2 - 2 a·b, computed without materialising (n, m, d).
    a_sq = np.sum(a * a, axis=-1)
    if b.ndim == 2:  # one column per row of b
        a_sq = np.asarray(a_sq)[..., None]
    sq = a_sq + np.sum(b * b, axis=-1) - 2 * _pairwise(a, b)
    out = np.sqrt(np.maximum(sq, 0.0))
    return float(out) if out.ndim == 0 else out


def top_k(scores, k: int, largest: bool = True) -> np.ndarray:
    """Indices of the ``k`` best scores in order (best first), in O(n + k log k) via argpartition.

    For a 2-D array the selection runs along each row.
    """
    scores = np.asarray(scores)
    if scores.ndim not in (1, 2):
        raise ValueError(f"scores must be 1-D or 2-D, got shape {scores.shape}.")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    n = scores.shape[-1]
    k = min(int(k), n)
    keyed = -scores if largest else scores
    part = np.argpartition(keyed, k - 1, axis=-1)[..., :k]
    order = np.argsort(np.take_along_axis(keyed, part, axis=-1), axis=-1, kind="stable")
    return np.take_along_axis(part, order, axis=-1)
