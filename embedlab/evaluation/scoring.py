"""The analogy engine: how candidate words are scored from their cosines with the query words.

One formula per method, shared by :meth:`embedlab.Embeddings.most_similar` and
:func:`embedlab.evaluation.evaluate_analogies`, so the two cannot disagree.
Every method scores a candidate ``x`` as a sum over the query words,

    score(x) = sum over positive words w of term(cos(x, w))
             - sum over negative words w of term_neg(cos(x, w)),

which lets the evaluation precompute the terms of each distinct question word
once per block of candidates (see :mod:`.analogies`).

* ``3cosadd`` (Mikolov et al., 2013): the term is the cosine itself, so for
  ``a : b :: c : ?`` the score is ``cos(x, b) + cos(x, c) - cos(x, a)``, which
  ranks words exactly as the cosine with ``b - a + c`` of unit vectors.
* ``3cosmul`` (Levy & Goldberg, 2014): ``cos'(x, b) cos'(x, c) / (cos'(x, a) + eps)``
  with cosines shifted to ``[0, 1]`` by ``cos' = (cos + 1) / 2``, so one large
  similarity cannot dominate. Scored as its logarithm (the same ranking, and
  a sum like the others): the terms are ``log cos'`` and ``log(cos' + eps)``;
  :func:`reported` turns the score back into the ratio.
* ``only-b`` (Linzen, 2016): the nearest neighbour of the last positive word
  (``c`` in ``a : b :: c : ?``), ignoring the offset: the baseline every
  analogy result should beat.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["EPSILON", "METHODS", "check_method", "exclude", "rank_candidates", "reported", "score", "term"]

METHODS = ("3cosadd", "3cosmul", "only-b")
#: keeps 3CosMul finite when a negative word is diametrically opposite a candidate (as in gensim)
EPSILON = 1e-6


def check_method(method: str) -> str:
    """``method`` if it is a known scoring method, else a ``ValueError`` listing them."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(map(repr, METHODS))}.")
    return method


def term(cos: np.ndarray, method: str, negative: bool = False) -> np.ndarray:
    """One query word's contribution to the score, from the candidates' cosines with it (a new array)."""
    if method == "3cosmul":
        shifted = (np.asarray(cos) + 1.0) * 0.5
        if negative:
            shifted += EPSILON
        with np.errstate(divide="ignore"):  # cos = -1 gives log 0 = -inf: the worst score, as it should
            return np.log(shifted, out=shifted)
    return np.array(cos, copy=True)


def score(positive: Sequence[np.ndarray], negative: Sequence[np.ndarray], method: str) -> np.ndarray:
    """Scores of every candidate given its cosines with each positive and each negative word.

    ``positive[i]`` holds the cosines of all candidates with the i-th positive
    word (any shape, the same for every array); for ``a : b :: c : ?`` that is
    ``positive = [cos_b, cos_c]`` and ``negative = [cos_a]``. Higher is better.
    """
    check_method(method)
    if method == "only-b":
        if len(positive) == 0:
            raise ValueError("the only-b baseline needs a positive word (c in a : b :: c : ?).")
        return term(positive[-1], method)
    if len(positive) == 0 and len(negative) == 0:
        raise ValueError("scoring needs the cosines of at least one query word.")
    total = term(positive[0], method) if len(positive) else -term(negative[0], method, negative=True)
    for cos in positive[1:]:
        total += term(cos, method)
    for cos in negative[0 if len(positive) else 1 :]:
        total -= term(cos, method, negative=True)
    return total


def reported(scores: np.ndarray, method: str) -> np.ndarray:
    """Scores as people quote them: 3CosMul's ratio rather than its logarithm (in place)."""
    return np.exp(scores, out=scores) if method == "3cosmul" else scores


def exclude(scores: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Set ``scores[i, columns[i, j]]`` to ``-inf`` in place; columns outside the block are ignored.

    ``scores`` is ``(n_queries, n_candidates)`` and ``columns`` ``(n_queries, k)``:
    the candidates each query may not answer with (its own input words), as
    column numbers of this block (so a block of a larger vocabulary passes
    ``rows - start``; padding with ``-1`` is fine).
    """
    rows, cols = np.nonzero((columns >= 0) & (columns < scores.shape[-1]))
    scores[rows, columns[rows, cols]] = -np.inf
    return scores


def rank_candidates(
    candidates: np.ndarray,
    positive: np.ndarray,
    negative: np.ndarray,
    method: str = "3cosadd",
    topn: int = 10,
    excluded: np.ndarray | Sequence[int] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """The ``topn`` best candidates for one query, best first, and their reported scores.

    ``candidates`` (n, d), ``positive`` (p, d) and ``negative`` (m, d) are unit
    vectors; ``excluded`` lists candidate rows that may not be returned (the query
    words themselves). 3CosAdd scores are reported as the cosine with
    ``sum(positive) - sum(negative)``, 3CosMul scores as the ratio.
    """
    check_method(method)
    if topn < 1:
        raise ValueError(f"topn must be a positive integer; got {topn!r}.")
    cos = np.concatenate([positive, negative]) @ candidates.T  # (query words, candidates)
    scores = score(cos[: len(positive)], cos[len(positive) :], method)
    if method == "3cosadd":  # the same ranking, reported as the cosine with the query vector
        query = positive.sum(0) - negative.sum(0)
        scores /= max(float(np.linalg.norm(query)), 1e-12)
    excluded = np.unique(np.asarray(excluded, dtype=np.int64))
    exclude(scores[None, :], excluded[None, :])
    k = min(topn, len(scores) - int(np.sum((excluded >= 0) & (excluded < len(scores)))))
    if k < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=scores.dtype)
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return best, reported(scores[best], method)
