"""Combining rankings: reciprocal rank fusion and a weighted sum of normalised scores.

Dense and keyword search fail on different queries, so a hybrid can beat both,
but only when the combination is tuned on held-out queries. Reciprocal rank
fusion (Cormack et al., 2009) ignores the scores and adds ``1 / (k + rank)``
over the systems; the weighted sum rescales each system's scores to [0, 1] per
query and mixes them with a weight chosen on a development split.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction

import numpy as np

__all__ = ["minmax", "reciprocal_rank_fusion", "weighted_sum"]


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hashable]], k: float = 60.0) -> dict[Hashable, float]:
    """Fused score of every document that appears in any ranking: sum of ``1 / (k + rank)``.

    Ranks start at 1 (the best document of each ranking adds ``1 / (k + 1)``).
    The result is ordered best first; equal scores keep the order of first appearance.
    Equal means exactly equal: a true tie such as 1/3 + 1/12 + 1/12 and 1/6 + 1/3 (k = 1) is not
    broken by the last bit of a float sum (scores that close are summed again as fractions).
    """
    ranks: dict[Hashable, list[int]] = {}  # in order of first appearance
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            ranks.setdefault(doc, []).append(rank)
    fused = {doc: sum(1.0 / (k + rank) for rank in doc_ranks) for doc, doc_ranks in ranks.items()}
    order = sorted(fused, key=lambda doc: -fused[doc])
    start = 0
    for end in range(1, len(order) + 1):  # runs of nearly equal floats, ordered by their exact sums
        if end < len(order) and fused[order[start]] - fused[order[end]] <= 1e-12 * fused[order[start]]:
            continue
        if end - start > 1:
            exact = {doc: sum(1 / (Fraction(k) + rank) for rank in ranks[doc]) for doc in order[start:end]}
            first_seen = {doc: i for i, doc in enumerate(ranks) if doc in exact}
            order[start:end] = sorted(exact, key=lambda doc: (-exact[doc], first_seen[doc]))
            fused.update({doc: float(score) for doc, score in exact.items()})
        start = end
    return {doc: fused[doc] for doc in order}


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scores rescaled to [0, 1] along the last axis (all zeros where every score is equal)."""
    scores = np.asarray(scores, dtype=np.float64)
    low, high = scores.min(axis=-1, keepdims=True), scores.max(axis=-1, keepdims=True)
    span = high - low
    return np.divide(scores - low, span, out=np.zeros_like(scores), where=span > 0)


def weighted_sum(dense_scores: np.ndarray, keyword_scores: np.ndarray, weight: float) -> np.ndarray:
    """``weight * minmax(dense) + (1 - weight) * minmax(keyword)``, per query (row)."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"weight must be between 0 and 1, got {weight}.")
    return weight * minmax(dense_scores) + (1.0 - weight) * minmax(keyword_scores)
