"""Word-similarity evaluation: do cosine similarities rank word pairs the way people do?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..similarity import normalize

if TYPE_CHECKING:
    from ..embeddings import Embeddings

__all__ = ["WordPairResult", "evaluate_word_pairs"]


@dataclass
class WordPairResult:
    """Spearman's rho between model and human scores, over the pairs the vocabulary covers."""

    spearman: float
    pearson: float
    n_pairs: int
    oov: int

    @property
    def oov_ratio(self) -> float:
        total = self.n_pairs + self.oov
        return self.oov / total if total else 0.0


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks with ties averaged (as in Spearman's rho)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=float)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / counts)[inverse]


def evaluate_word_pairs(
    emb: Embeddings, pairs: Sequence[tuple[str, str, float]], restrict: int | None = None
) -> WordPairResult:
    """Correlate cosine similarity with human judgements; pairs with unknown words are skipped.

    Lookup is case-insensitive and limited to the first ``restrict`` words, as in
    gensim's ``evaluate_word_pairs``.
    """
    n = len(emb) if restrict is None else min(int(restrict), len(emb))
    vocab: dict[str, int] = {}
    for i, w in enumerate(emb.words[:n]):
        vocab.setdefault(w.lower(), i)
    known = [(vocab[a.lower()], vocab[b.lower()], s) for a, b, s in pairs if a.lower() in vocab and b.lower() in vocab]
    if len(known) < 3:
        raise ValueError(f"only {len(known)} of {len(pairs)} pairs are in the vocabulary; cannot correlate.")
    ia, ib, human = (np.array(col) for col in zip(*known, strict=True))
    unit = normalize(emb.vectors[np.concatenate([ia, ib])].astype(np.float64))
    model = np.sum(unit[: len(ia)] * unit[len(ia) :], axis=1)
    spearman = float(np.corrcoef(_ranks(model), _ranks(human))[0, 1])
    pearson = float(np.corrcoef(model, human)[0, 1])
    return WordPairResult(spearman=spearman, pearson=pearson, n_pairs=len(known), oov=len(pairs) - len(known))
