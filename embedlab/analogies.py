"""Analogy evaluation ("a is to b as c is to ?"), vectorised over all questions at once.

The protocol is the one of word2vec's ``compute-accuracy`` and gensim's
``KeyedVectors.evaluate_word_analogies``: candidates are the ``restrict`` most
frequent words, matching is case-insensitive, the three question words are
never an answer, and a question with any word outside the candidates is
skipped (counted as out of vocabulary). Only the scoring is batched: one
matrix product per block of questions instead of one ``most_similar`` call each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .embeddings import Embeddings

__all__ = ["AnalogyResult", "evaluate_analogies"]

Question = tuple[str, str, str, str]


@dataclass
class AnalogyResult:
    """Outcome of an analogy evaluation."""

    correct: int
    total: int
    oov: int
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list, repr=False)
    predictions: list[str] = field(default_factory=list, repr=False)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def _accuracy_where(self, keep) -> float:
        c = sum(c for name, (c, _) in self.sections.items() if keep(name))
        t = sum(t for name, (_, t) in self.sections.items() if keep(name))
        return c / t if t else 0.0

    @property
    def semantic_accuracy(self) -> float:
        """Accuracy over the Google set's semantic sections (those not named ``gram*``)."""
        return self._accuracy_where(lambda name: not name.startswith("gram"))

    @property
    def syntactic_accuracy(self) -> float:
        """Accuracy over the Google set's syntactic sections (``gram1-...`` to ``gram9-...``)."""
        return self._accuracy_where(lambda name: name.startswith("gram"))


def _lowercase_ids(words: Sequence[str]) -> tuple[dict[str, int], np.ndarray]:
    """Map each lowercased word to its first row, and each row to that id."""
    first: dict[str, int] = {}
    ids = np.empty(len(words), dtype=np.int64)
    for i, w in enumerate(words):
        ids[i] = first.setdefault(w.lower(), i)
    return first, ids


def evaluate_analogies(
    emb: Embeddings,
    questions: Mapping[str, Sequence[Question]] | Sequence[Question],
    restrict: int | None = None,
    method: str = "3cosadd",
    batch_size: int = 256,
) -> AnalogyResult:
    """Answer every question ``a:b :: c:?`` with ``b - a + c`` and count exact hits.

    ``questions`` is either a flat list of 4-tuples or a mapping from section
    name to such lists (as :func:`embedlab.data.load_analogy_questions` returns).
    """
    if method not in ("3cosadd", "3cosmul"):
        raise ValueError(f"unknown method {method!r}; use '3cosadd' or '3cosmul'.")
    sections = questions if isinstance(questions, Mapping) else {"all": questions}
    n = len(emb) if restrict is None else min(int(restrict), len(emb))
    vocab, row_ids = _lowercase_ids(emb.words[:n])
    unit = emb.unit_vectors[:n]
    unit_t = np.ascontiguousarray(unit.T)  # (dim, n): the layout BLAS multiplies fastest
    # Only a vocabulary with case variants ("Paris", "paris") needs the slower mask.
    case_variants = bool(np.any(row_ids != np.arange(n)))

    kept: list[Question] = []
    kept_section: list[str] = []
    oov = 0
    for name, qs in sections.items():
        for q in qs:
            if len(q) != 4:
                raise ValueError(f"an analogy question has 4 words, got {q!r} in section {name!r}.")
            low = tuple(w.lower() for w in q)
            if all(w in vocab for w in low):
                kept.append(low)
                kept_section.append(name)
            else:
                oov += 1
    ids = np.array([[vocab[w] for w in q] for q in kept], dtype=np.int64).reshape(-1, 4)

    predicted = np.empty(len(ids), dtype=np.int64)
    for start in range(0, len(ids), batch_size):
        block = ids[start : start + batch_size]
        a, b, c = unit[block[:, 0]], unit[block[:, 1]], unit[block[:, 2]]
        if method == "3cosadd":
            scores = (b + c - a) @ unit_t  # the query's length does not change the ranking
        else:
            cos = lambda x: (x @ unit_t + 1) / 2
            scores = cos(b) * cos(c) / (cos(a) + 1e-6)
        if case_variants:  # never answer with a question word or a case variant of one
            for j in range(3):
                scores[row_ids[None, :] == block[:, j, None]] = -np.inf
        else:
            scores[np.arange(len(block))[:, None], block[:, :3]] = -np.inf
        predicted[start : start + len(block)] = row_ids[np.argmax(scores, axis=1)]

    hits = predicted == ids[:, 3]
    per_section: dict[str, tuple[int, int]] = {}
    for name, hit in zip(kept_section, hits, strict=True):
        c, t = per_section.get(name, (0, 0))
        per_section[name] = (c + int(hit), t + 1)
    words = emb.words
    return AnalogyResult(
        correct=int(hits.sum()),
        total=len(ids),
        oov=oov,
        sections=per_section,
        questions=kept,
        predictions=[words[i] for i in predicted],
    )
