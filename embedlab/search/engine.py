"""A small search engine over passages: dense (MiniLM), keyword (BM25) or hybrid.

Vectors come from :func:`embedlab.search.encoding.encode` (cached per text) and
the whole matrix is cached too, keyed by the model and every passage, so that
reopening the same collection loads one array.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..cache import cached
from .bm25 import BM25Index
from .chunking import Passage
from .dense import DenseIndex, top_k_stable
from .encoding import DEFAULT_MODEL, encode
from .fusion import weighted_sum

__all__ = ["DEFAULT_DENSE_WEIGHT", "METHODS", "Hit", "SearchEngine"]

METHODS = ("dense", "bm25", "hybrid")
#: weight of the dense scores in the hybrid (chapter 7 tunes it on a development split)
DEFAULT_DENSE_WEIGHT = 0.7


@dataclass(frozen=True)
class Hit:
    """One result: the passage's title and text, its score under the method used, its number."""

    title: str
    text: str
    score: float
    passage: int


class SearchEngine:
    """Dense, BM25 and hybrid search over the same passages."""

    def __init__(self, passages: Sequence[Passage], model=None, model_name: str = DEFAULT_MODEL,
                 progress: bool = False):
        """Index ``passages``; their vectors are computed (or loaded from the cache) on the first dense search.

        ``model`` is a loaded ``SentenceTransformer`` (default: all-MiniLM-L6-v2 when
        something must be encoded); ``progress`` shows a bar while passages are encoded.
        """
        if not passages:
            raise ValueError("nothing to index: the collection has no passages.")
        self.passages = list(passages)
        self.model, self.model_name, self.progress = model, model_name, progress
        self._dense: DenseIndex | None = None
        self._bm25: BM25Index | None = None

    @property
    def dense(self) -> DenseIndex:
        """The passages' vectors (only passages never encoded before are encoded)."""
        if self._dense is None:
            texts = [p.text for p in self.passages]
            vectors = cached("search_matrix", (self.model_name, texts),
                             lambda: encode(texts, self.model, self.model_name, progress=self.progress))
            self._dense = DenseIndex(vectors)
        return self._dense

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            self._bm25 = BM25Index([f"{p.title} {p.text}" for p in self.passages])
        return self._bm25

    def scores(self, query: str, method: str = "dense", weight: float = DEFAULT_DENSE_WEIGHT) -> np.ndarray:
        """The score of every passage for ``query`` under ``method`` (one of :data:`METHODS`)."""
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}.")
        if not query.strip():
            raise ValueError("the query is empty; type a few words to search for.")
        if method == "bm25":
            return self.bm25.scores(query)
        dense = self.dense.scores(encode([query], self.model, self.model_name))[0]
        if method == "dense":
            return dense
        return weighted_sum(dense, self.bm25.scores(query), weight).astype(np.float32)

    def search(self, query: str, method: str = "dense", k: int = 5,
               weight: float = DEFAULT_DENSE_WEIGHT) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        scores = self.scores(query, method, weight)
        best = top_k_stable(scores, k)[0]
        return [Hit(self.passages[i].title, self.passages[i].text, float(scores[i]), int(i)) for i in best]
