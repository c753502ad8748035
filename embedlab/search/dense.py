"""Exact dense search: a normalised matrix, one product, ``argpartition`` for the top k.

For unit vectors the dot product is the cosine, so scoring every document is one
matrix product; ``argpartition`` then finds the k best in linear time and only
those k are sorted. Ties are broken by the smaller document number, also at the
k-th place, so the same query always returns the same list.
"""

from __future__ import annotations

import numpy as np

from ..similarity import normalize

__all__ = ["DenseIndex", "cosine_top_k", "rank_titles", "top_k_stable"]


def top_k_stable(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores per row, best first; equal scores in index order."""
    scores = np.atleast_2d(np.asarray(scores))
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}.")
    n = scores.shape[1]
    k = min(int(k), n)
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(scores, part, axis=1).min(axis=1)
        # rows where a tie straddles the k-th place: argpartition chose among the tied at random
        crowded = np.flatnonzero((scores >= kth[:, None]).sum(axis=1) > k)
        for row in crowded:
            candidates = np.flatnonzero(scores[row] >= kth[row])
            part[row] = candidates[np.lexsort((candidates, -scores[row, candidates]))][:k]
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    values = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -values), axis=1)
    return np.take_along_axis(part, order, axis=1)


def rank_titles(scores: np.ndarray, titles: list[str], depth: int = 100) -> list[list[str]]:
    """Per query (row of ``scores`` over passages), the passages' ``titles`` best first, each title once.

    A document cut into passages is found when any of its passages is: the ``depth``
    best passages are ranked and each document keeps the place of its best passage.
    """
    scores = np.atleast_2d(np.asarray(scores))
    if scores.shape[1] != len(titles):
        raise ValueError(f"scores have {scores.shape[1]} columns for {len(titles)} titles.")
    return [list(dict.fromkeys(titles[i] for i in row)) for row in top_k_stable(scores, depth)]


def cosine_top_k(query: np.ndarray, documents: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` documents most cosine-similar to ``query`` (one vector): (indices, cosines), best first."""
    query, documents = np.asarray(query, dtype=np.float64), np.asarray(documents, dtype=np.float64)
    if query.ndim != 1 or documents.ndim != 2 or documents.shape[1] != len(query):
        raise ValueError(f"need a query vector (d,) and documents (n, d); got {query.shape} and {documents.shape}.")
    scores = normalize(documents) @ normalize(query)
    best = top_k_stable(scores, k)[0]
    return best, scores[best]


class DenseIndex:
    """Exact cosine search over a matrix of vectors (normalised once, at construction)."""

    def __init__(self, vectors: np.ndarray):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) == 0:
            raise ValueError(f"DenseIndex needs a non-empty (n, d) matrix, got shape {vectors.shape}.")
        self.vectors = normalize(vectors).astype(np.float32, copy=False)

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Cosine of every query (rows) with every document (columns)."""
        queries = normalize(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if queries.shape[1] != self.vectors.shape[1]:
            raise ValueError(f"queries have {queries.shape[1]} dimensions, the index {self.vectors.shape[1]}.")
        return queries @ self.vectors.T

    def search(self, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(indices, cosines) of the ``k`` nearest documents for each query, shape (n_queries, k)."""
        scores = self.scores(queries)
        best = top_k_stable(scores, k)
        return best, np.take_along_axis(scores, best, axis=1)
