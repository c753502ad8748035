"""Keyword search with BM25: `bm25s` for real use, and the formula written out as a reference.

BM25 scores a document by the query words it contains: each word counts more
when it is rare in the collection (inverse document frequency) and its count
saturates (``k1``) and is discounted in long documents (``b``). :class:`BM25Index`
uses the maintained `bm25s` library; :func:`bm25_score` computes the same number
(bm25s's default "lucene" variant) from a document's term statistics, so the
formula can be checked against the library.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from ..data._packages import require
from .dense import top_k_stable

__all__ = ["BM25Index", "bm25_score", "bm25_tokenize"]


def _bm25s():
    return require("bm25s", "bm25s", "BM25 keyword search")


def bm25_tokenize(texts: Sequence[str], stopwords: str | None = "en") -> list[list[str]]:
    """bm25s's tokenisation: lower case, words of 2+ letters or digits, English stop words removed."""
    return _bm25s().tokenize(list(texts), stopwords=stopwords, return_ids=False, show_progress=False)


def bm25_score(
    query_terms: Sequence[str],
    doc_terms: Sequence[str],
    doc_freq: Mapping[str, int],
    n_docs: int,
    avg_doc_len: float,
    k1: float = 1.5,
    b: float = 0.75,
) -> float:
    """BM25 score of one document for a query, from its term statistics.

    For every query term ``t`` (repeated terms count again) with document frequency
    ``df`` and count ``tf`` in the document of length ``|d|``:
    ``idf(t) * tf / (tf + k1 * (1 - b + b * |d| / avg_doc_len))`` with
    ``idf(t) = ln(1 + (n_docs - df + 0.5) / (df + 0.5))``. Terms absent from the
    document add 0. This is bm25s's default ("lucene") variant.
    """
    tf = Counter(doc_terms)
    norm = k1 * (1 - b + b * len(doc_terms) / avg_doc_len)
    score = 0.0
    for term in query_terms:
        if tf[term] == 0:
            continue
        df = doc_freq[term]
        idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        score += idf * tf[term] / (tf[term] + norm)
    return score


class BM25Index:
    """A bm25s index over ``texts``; ``scores(query)`` gives every document's BM25 score."""

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75, stopwords: str | None = "en"):
        if len(texts) == 0:
            raise ValueError("BM25Index needs at least one document.")
        self.k1, self.b, self.stopwords = k1, b, stopwords
        self.n_docs = len(texts)
        self._retriever = _bm25s().BM25(k1=k1, b=b, method="lucene")
        tokens = _bm25s().tokenize(list(texts), stopwords=stopwords, show_progress=False)
        self._retriever.index(tokens, show_progress=False)
        self._vocab = set(tokens.vocab)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (0 for documents without a query word)."""
        terms = [t for t in bm25_tokenize([query], self.stopwords)[0] if t in self._vocab]
        if not terms:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(terms), dtype=np.float32)

    def search(self, query: str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores) of the ``k`` best documents, best first (ties in document order)."""
        scores = self.scores(query)
        best = top_k_stable(scores, k)[0]
        return best, scores[best]
