"""`Embeddings`: a vocabulary and its matrix, the one type every chapter, lab and grader shares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np

from .evaluation.analogies import AnalogyResult, evaluate_analogies
from .evaluation.scoring import rank_candidates
from .similarity import as_vectors, cosine_similarity, normalize, top_k

__all__ = ["Embeddings", "UnknownWordError"]


class UnknownWordError(KeyError):
    """A word that is not in the vocabulary; the message suggests close matches."""

    def __init__(self, word: str, suggestions: Sequence[str] = (), vocab_size: int = 0):
        self.word = word
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        self.message = f"{word!r} is not in the vocabulary ({vocab_size:,} words).{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would print the message inside quotes
        return self.message


class Embeddings:
    """Words (or tokens) and their vectors: row ``i`` of :attr:`vectors` embeds ``words[i]``."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray):
        vectors = np.asarray(vectors)
        words = [str(w) for w in words]
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-D matrix (n_words, dim); got shape {vectors.shape}.")
        if len(words) != vectors.shape[0]:
            raise ValueError(
                f"{len(words)} words but {vectors.shape[0]} vectors: need exactly one row per word."
            )
        if not np.issubdtype(vectors.dtype, np.floating):
            vectors = vectors.astype(np.float32)
        self.words: list[str] = words
        self.vectors: np.ndarray = vectors
        self._index: dict[str, int] = {}
        for i, w in enumerate(words):
            self._index.setdefault(w, i)  # first (most frequent) occurrence wins
        self._unit: np.ndarray | None = None

    @classmethod
    def from_arrays(cls, words: Sequence[str], vectors) -> Embeddings:
        """Build from a word list and a matching ``(n_words, dim)`` array."""
        return cls(words, np.asarray(vectors))

    # -- the vocabulary -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __repr__(self) -> str:
        preview = ", ".join(self.words[:5]) + (", ..." if len(self) > 5 else "")
        return f"Embeddings({len(self):,} words x {self.dim} dims: {preview})"

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def index(self, word: str) -> int:
        """Row number of ``word``; :class:`UnknownWordError` (a ``KeyError``) if absent."""
        try:
            return self._index[word]
        except KeyError:
            raise UnknownWordError(word, self.suggest(word), len(self)) from None
        except TypeError:
            raise TypeError(f"words are strings; got {type(word).__name__} {word!r}.") from None

    def suggest(self, word: str, n: int = 3) -> list[str]:
        """Vocabulary words spelled like ``word``: close spellings (difflib), earliest rows first."""
        if not isinstance(word, str) or not word:
            return []
        low = word.lower()
        if low != word and low in self._index:
            return [low]
        pool = [w for w in self._index if w[:1] == low[:1] and abs(len(w) - len(low)) <= 2]
        close = difflib.get_close_matches(low, pool, n=10, cutoff=0.7)
        return sorted(close, key=self._index.__getitem__)[:n]  # frequent words first

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.index(word)]

    def indices(self, words: Iterable[str]) -> np.ndarray:
        return np.fromiter((self.index(w) for w in words), dtype=np.int64)

    # -- similarity -----------------------------------------------------------------
    def normalized(self) -> Embeddings:
        """The same vocabulary with every vector scaled to unit length."""
        return Embeddings(self.words, self.unit_vectors)

    @property
    def unit_vectors(self) -> np.ndarray:
        if self._unit is None:
            self._unit = normalize(self.vectors).astype(self.vectors.dtype, copy=False)
        return self._unit

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity between two words."""
        return float(cosine_similarity(self[a], self[b]))

    def most_similar(
        self,
        positive: Sequence[str] | str = (),
        negative: Sequence[str] | str = (),
        topn: int = 10,
        method: str = "3cosadd",
        restrict: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words closest to ``sum(positive) - sum(negative)``, excluding the query words.

        ``method="3cosadd"`` ranks by cosine with the sum of the unit vectors
        (positive weighted +1, negative -1) and reports that cosine, like gensim.
        ``method="3cosmul"`` multiplies cosines shifted to [0, 1] instead (Levy &
        Goldberg, 2014), which stops one large similarity from dominating.
        ``method="only-b"`` ignores everything but the last positive word (the
        baseline of analogy tests). The formulas live in
        :mod:`embedlab.evaluation.scoring`. ``restrict`` limits candidates to the
        first ``restrict`` words (the most frequent, for frequency-ordered tables).
        """
        positive = [positive] if isinstance(positive, str) else list(positive)
        negative = [negative] if isinstance(negative, str) else list(negative)
        if not positive and not negative:
            raise ValueError("most_similar needs at least one word in positive or negative.")
        pos, neg = self.indices(positive), self.indices(negative)
        unit = self.unit_vectors
        best, scores = rank_candidates(unit if restrict is None else unit[:restrict], unit[pos], unit[neg],
                                       method, topn, excluded=np.concatenate([pos, neg]))
        return [(self.words[i], float(s)) for i, s in zip(best, scores, strict=True)]

    def nearest(self, vector, topn: int = 10) -> list[tuple[str, float]]:
        """Words whose vectors have the highest cosine with an arbitrary ``vector``."""
        vector = as_vectors(vector, "vector")
        if vector.shape != (self.dim,):
            raise ValueError(f"vector must have shape ({self.dim},); got {vector.shape}.")
        scores = self.unit_vectors @ normalize(vector)
        return [(self.words[i], float(scores[i])) for i in top_k(scores, topn)]

    # -- derived tables -------------------------------------------------------------
    def subset(self, words: Iterable[str]) -> Embeddings:
        """A smaller table with just ``words``, in the order given."""
        words = list(words)
        return Embeddings(words, self.vectors[self.indices(words)])

    def head(self, n: int) -> Embeddings:
        """The first ``n`` words (the ``n`` most frequent for a frequency-ordered table)."""
        return Embeddings(self.words[:n], self.vectors[:n])

    def evaluate_analogies(
        self, questions, restrict: int | None = None, method: str = "3cosadd", exclude_inputs: bool = True
    ) -> AnalogyResult:
        """Accuracy on analogy questions; see :func:`embedlab.evaluation.evaluate_analogies`."""
        return evaluate_analogies(self, questions, restrict=restrict, method=method, exclude_inputs=exclude_inputs)
