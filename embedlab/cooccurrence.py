"""Word-word co-occurrence counts, and the conditional probabilities and ratios GloVe starts from.

``X[i, k]`` counts how often word ``k`` occurs within ``window`` positions of word ``i``
in the same sentence (each position weighted 1; GloVe's own counter weights a context
at distance ``d`` by ``1/d``). Pennington et al. (2014) explain why analogy offsets
come out linear with ratios of these counts: ``P(k | ice) / P(k | steam)`` is large for
``k = solid``, small for ``gas`` and near 1 for ``water`` and ``fashion``, and a model
whose dot products fit ``log X`` turns such ratios into vector differences. Section 5.3
counts a Wikipedia slice with :func:`cooccurrence_counts` and compares
:meth:`Cooccurrence.log_ratio` over the probe words of :meth:`Cooccurrence.shared_contexts`
with GloVe's vectors. The vocabulary and the (center, context) positions come from
:mod:`embedlab.word2vec`, always at full window width (word2vec shrinks its windows at random).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .word2vec.sampling import context_positions
from .word2vec.vocab import Vocabulary, build_vocab, encode

__all__ = ["Cooccurrence", "cooccurrence_counts"]


@dataclass
class Cooccurrence:
    """Co-occurrence counts of a corpus: ``counts[i, k]`` for the words of ``vocab`` (a sparse matrix)."""

    vocab: Vocabulary
    counts: sp.csr_matrix
    window: int

    def _id(self, word: str) -> int:
        try:
            return self.vocab.index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the counted vocabulary ({len(self.vocab):,} words).") from None

    def _ids(self, words: Sequence[str]) -> np.ndarray:
        return np.array([self._id(w) for w in words], dtype=np.int64)

    def occurrences(self, word: str) -> int:
        """How often ``word`` occurs in the corpus."""
        return int(self.vocab.counts[self._id(word)])

    def count(self, word: str, contexts: Sequence[str]) -> np.ndarray:
        """``X[word, k]`` for each ``k`` in ``contexts``, shape ``(len(contexts),)``."""
        return self.counts[self._id(word)].toarray().ravel()[self._ids(contexts)]

    def context_total(self, word: str) -> int:
        """``X[word]``: all context positions around ``word`` (the denominator of ``P(k | word)``)."""
        return int(self.counts[self._id(word)].sum())

    def conditional(self, word: str, contexts: Sequence[str], smoothing: float = 0.0) -> np.ndarray:
        """``P(k | word) = X[word, k] / X[word]`` for each ``k`` in ``contexts``.

        ``smoothing`` adds that many pseudo-counts to every cell of the word's row (all
        ``V`` contexts), so that a pair never seen gets a small probability instead of 0.
        """
        if smoothing < 0:
            raise ValueError(f"smoothing must be at least 0, got {smoothing}.")
        total = self.context_total(word) + smoothing * len(self.vocab)
        if total == 0:
            return np.full(len(contexts), np.nan)
        return (self.count(word, contexts) + smoothing) / total

    def ratio(self, numerator: str, denominator: str, contexts: Sequence[str], smoothing: float = 0.0) -> np.ndarray:
        """``P(k | numerator) / P(k | denominator)`` for each ``k``: ``inf`` for x / 0, ``nan`` for 0 / 0."""
        top = self.conditional(numerator, contexts, smoothing)
        bottom = self.conditional(denominator, contexts, smoothing)
        with np.errstate(divide="ignore", invalid="ignore"):
            return top / bottom

    def log_ratio(
        self, numerator: str, denominator: str, contexts: Sequence[str], smoothing: float = 0.0
    ) -> np.ndarray:
        """``log P(k | numerator) / P(k | denominator)`` for each ``k`` (natural log).

        What Pennington et al. (2014) ask the offset ``numerator - denominator`` to
        reproduce, up to a constant, in its dot products with the context vectors. A count
        of 0 gives ``-inf`` or ``inf`` (``nan`` for 0 / 0), without a warning; choose
        contexts with :meth:`shared_contexts` to keep every value finite.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(self.ratio(numerator, denominator, contexts, smoothing))

    def shared_contexts(self, words: Sequence[str], min_count: int = 1) -> list[str]:
        """Context words seen at least ``min_count`` times near *each* of ``words``, most frequent first.

        The probe words whose ratios the corpus can estimate for all of ``words`` at once
        (``words`` themselves are left out). Raising ``min_count`` trades probe words for
        less noisy counts.
        """
        if min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}.")
        ids = self._ids(words)
        rows = self.counts[ids].toarray()
        keep = (rows >= min_count).all(axis=0)
        keep[ids] = False
        return [self.vocab.words[i] for i in np.flatnonzero(keep)]


def cooccurrence_counts(sentences: Sequence[Sequence[str]], window: int = 5, min_count: int = 1) -> Cooccurrence:
    """Count every pair of words at most ``window`` positions apart inside a sentence.

    ``sentences``: lists of tokens; words seen fewer than ``min_count`` times are dropped
    before the windows are laid (as word2vec does). The count is symmetric,
    ``X[i, k] == X[k, i]``, and the row of a word sums to the number of context positions
    around its occurrences.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}.")
    vocab = build_vocab(sentences, min_count=min_count)
    ids, sentence_ids = encode(sentences, vocab)
    centers, contexts = context_positions(np.full(len(ids), window), sentence_ids)
    n = len(vocab)
    counts = sp.coo_matrix(
        (np.ones(len(centers), dtype=np.int64), (ids[centers], ids[contexts])), shape=(n, n)
    ).tocsr()  # duplicate (i, k) entries are summed
    return Cooccurrence(vocab=vocab, counts=counts, window=window)
