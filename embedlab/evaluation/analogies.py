"""Analogy evaluation ("a is to b as c is to ?") over a whole question set, several methods at once.

The protocol is the one of word2vec's ``compute-accuracy`` and gensim's
``KeyedVectors.evaluate_word_analogies``: candidates are the ``restrict`` most
frequent words, matching is case-insensitive, the three question words (and
their case variants) are never the answer unless ``exclude_inputs=False``, and
a question with any word outside the candidates is skipped (counted as out of
vocabulary). Scores come from :mod:`embedlab.evaluation.scoring`, the engine
``Embeddings.most_similar`` uses too.

Speed: the question words of the Google set are only ~900 distinct words, so
their cosines with a block of candidates are one small matrix product; each
block of questions gathers its rows, scores them for every requested method and
keeps a running top-1 per question. Memory stays bounded (blocks of candidates)
whatever the vocabulary size.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .scoring import check_method, exclude, term

if TYPE_CHECKING:
    from ..embeddings import Embeddings

__all__ = ["AnalogyResult", "Question", "config_name", "evaluate_analogies", "sweep_analogies"]

Question = tuple[str, str, str, str]
#: candidates scored per block (columns) and questions per block (rows): a few MB of scores each
CANDIDATE_BLOCK = 8192
QUESTION_BLOCK = 64


@dataclass
class AnalogyResult:
    """Outcome of an analogy evaluation with one method."""

    correct: int
    total: int
    oov: int
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list, repr=False)
    predictions: list[str] = field(default_factory=list, repr=False)
    method: str = "3cosadd"
    exclude_inputs: bool = True
    #: questions whose top answer is one of their own three words (only possible with exclude_inputs=False)
    input_answers: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def input_answer_rate(self) -> float:
        """Share of answered questions whose top answer is one of the question's own words."""
        return self.input_answers / self.total if self.total else 0.0

    def section_accuracy(self) -> dict[str, float]:
        """Accuracy of every section (category), in the order of the question set."""
        return {name: c / t if t else 0.0 for name, (c, t) in self.sections.items()}

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


def config_name(method: str, exclude_inputs: bool = True) -> str:
    """The key of one (method, exclude_inputs) setting in :func:`sweep_analogies`'s result."""
    return check_method(method) + ("" if exclude_inputs else "+inputs")


@dataclass
class _Prepared:
    """The questions as row numbers of the candidate table, and what is needed to score them."""

    n: int
    row_ids: np.ndarray  # each candidate row -> the row of its lowercase form (case variants share one)
    ids: np.ndarray  # (questions, 4) rows of a, b, c, d
    excluded: np.ndarray  # (questions, k) rows a question may not answer with, padded with -1
    kept: list[Question]
    kept_section: list[str]
    oov: int


def _prepare(words: Sequence[str], questions, restrict: int | None) -> _Prepared:
    sections = questions if isinstance(questions, Mapping) else {"all": questions}
    n = len(words) if restrict is None else min(int(restrict), len(words))
    if n < 1:
        raise ValueError(f"restrict must leave at least one candidate word; got {restrict!r}.")
    lowered = [w.lower() for w in words[:n]]
    vocab = dict(zip(reversed(lowered), range(n - 1, -1, -1), strict=True))  # backwards: the first row wins
    row_ids = np.arange(n)
    variants: dict[int, list[int]] = {}  # lowercase row -> its other spellings ("Paris" for "paris")
    if len(vocab) < n:
        row_ids = np.fromiter((vocab[w] for w in lowered), dtype=np.int64, count=n)
        for row in np.flatnonzero(row_ids != np.arange(n)):
            variants.setdefault(int(row_ids[row]), []).append(int(row))
    kept: list[Question] = []
    kept_section: list[str] = []
    oov = 0
    for name, qs in sections.items():
        for q in qs:
            if len(q) != 4 or not all(isinstance(w, str) for w in q):
                raise ValueError(f"an analogy question is 4 words (a, b, c, d); got {q!r} in section {name!r}.")
            low = tuple(w.lower() for w in q)
            if all(w in vocab for w in low):
                kept.append(low)
                kept_section.append(name)
            else:
                oov += 1
    ids = np.array([[vocab[w] for w in q] for q in kept], dtype=np.int64).reshape(-1, 4)
    rows = [[r for i in q[:3] for r in (i, *variants.get(i, ()))] for q in ids.tolist()]
    width = max((len(r) for r in rows), default=3)
    excluded = np.full((len(ids), width), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        excluded[i, : len(r)] = r
    return _Prepared(n, row_ids, ids, excluded, kept, kept_section, oov)


class _Scanner:
    """Scores the questions against one block of candidates at a time (see :meth:`scan`).

    With the terms of :mod:`.scoring`, a question's score is ``term(b) - term_neg(a) + term(c)``.
    The distinct words (~900 in the Google set) and distinct (a, b) pairs (~550)
    are scored once per block of candidates; each question then costs two row
    gathers, one addition and one argmax per method.
    """

    def __init__(self, unit: np.ndarray, prep: _Prepared, configs: list[tuple[str, bool]]):
        self.unit, self.prep, self.configs = unit, prep, configs
        words, word_of = np.unique(prep.ids[:, :3], return_inverse=True)
        self.word_of = word_of.reshape(-1, 3)
        self.pairs, pair_of = np.unique(self.word_of[:, :2], axis=0, return_inverse=True)
        self.pair_of = pair_of.reshape(-1)
        self.query_unit = unit[words]
        self.methods = list(dict.fromkeys(m for m, _ in configs))

    def scan(self, start: int) -> dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]]:
        """Best (score, row) of every question among candidates ``start:start + CANDIDATE_BLOCK``."""
        q, stop = len(self.prep.ids), min(start + CANDIDATE_BLOCK, self.prep.n)
        cos = self.query_unit @ self.unit[start:stop].T  # (distinct question words, candidates)
        best = {cfg: (np.empty(q, dtype=cos.dtype), np.empty(q, dtype=np.int64)) for cfg in self.configs}
        scores = np.empty((QUESTION_BLOCK, stop - start), dtype=cos.dtype)
        gathered = np.empty_like(scores)
        for method in self.methods:
            if method == "only-b":
                self._nearest_to_c(cos, start, best)
                continue
            last = term(cos, method)
            offset = last[self.pairs[:, 1]] - term(cos[self.pairs[:, 0]], method, negative=True)
            for lo in range(0, q, QUESTION_BLOCK):
                rows = slice(lo, min(lo + QUESTION_BLOCK, q))
                block = scores[: rows.stop - lo]
                np.take(last, self.word_of[rows, 2], axis=0, out=block, mode="clip")
                extra = gathered[: rows.stop - lo]
                np.take(offset, self.pair_of[rows], axis=0, out=extra, mode="clip")
                block += extra
                for excluding in (False, True):
                    if (method, excluding) in best:
                        if excluding:
                            exclude(block, self.prep.excluded[rows] - start)
                        value, row = best[method, excluding]
                        row[rows] = block.argmax(axis=1)
                        value[rows] = block[np.arange(len(block)), row[rows]]
                        row[rows] += start
        return best

    def _nearest_to_c(self, cos: np.ndarray, start: int, best: dict) -> None:
        """only-b: a question's answer is the candidate nearest its c word, so the nearest few
        candidates of each distinct word are found once (one more than a question may exclude, by
        repeated argmax: ties go to the earlier row) and each question takes its first allowed one."""
        excluded = self.prep.excluded
        depth = min(excluded.shape[1] + 1, cos.shape[1])
        work = cos.copy()
        nearest = np.empty((len(cos), depth), dtype=np.int64)
        for j in range(depth):
            nearest[:, j] = work.argmax(axis=1)
            work[np.arange(len(cos)), nearest[:, j]] = -np.inf
        c_words = self.word_of[:, 2]
        rows = nearest[c_words] + start  # (questions, depth) candidate rows, nearest first
        for excluding in (False, True):
            if ("only-b", excluding) not in best:
                continue
            allowed = ~(rows[:, :, None] == excluded[:, None, :]).any(axis=2) if excluding else np.ones_like(
                rows, dtype=bool)
            first = allowed.argmax(axis=1)  # every question keeps at least one: depth > its exclusions
            chosen = rows[np.arange(len(rows)), first]
            value, row = best["only-b", excluding]
            row[:] = chosen
            value[:] = np.where(allowed.any(axis=1), cos[c_words, chosen - start], -np.inf)


def _top1(unit: np.ndarray, prep: _Prepared, configs: list[tuple[str, bool]],
          workers: int) -> dict[tuple[str, bool], np.ndarray]:
    """The best-scoring candidate row of every question under every (method, exclude_inputs) config.

    Blocks of candidates are scanned by ``workers`` threads (numpy releases the
    GIL in gathers, additions and argmax) and merged in order, so a tie goes
    to the earlier (more frequent) word, as with one ``argmax`` over all rows.
    """
    scanner = _Scanner(unit, prep, configs)
    q = len(prep.ids)
    best = {cfg: (np.full(q, -np.inf, dtype=unit.dtype), np.zeros(q, dtype=np.int64)) for cfg in configs}
    starts = range(0, prep.n, CANDIDATE_BLOCK)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for found in pool.map(scanner.scan, starts):
            for cfg, (value, row) in found.items():
                top_value, top_row = best[cfg]
                better = value > top_value  # strict: blocks arrive in order, the earlier row keeps a tie
                top_value[better], top_row[better] = value[better], row[better]
    return {cfg: top_row for cfg, (_, top_row) in best.items()}


def sweep_analogies(
    emb: Embeddings,
    questions: Mapping[str, Sequence[Question]] | Sequence[Question],
    configs: Iterable[tuple[str, bool]] = (("3cosadd", True), ("3cosmul", True), ("only-b", True),
                                           ("3cosadd", False)),
    restrict: int | None = None,
    workers: int | None = None,
) -> dict[str, AnalogyResult]:
    """Evaluate several ``(method, exclude_inputs)`` settings in one pass over the candidates.

    Returns ``{config_name(method, exclude_inputs): AnalogyResult}``, e.g. keys
    ``"3cosadd"``, ``"3cosmul"``, ``"only-b"`` and ``"3cosadd+inputs"`` for the
    defaults. ``questions`` is a flat list of 4-tuples or a mapping from section
    name to such lists (as :func:`embedlab.data.load_analogy_questions` returns).
    ``workers`` threads scan the candidates (default: the number of CPU cores).
    """
    configs = [(check_method(m), bool(x)) for m, x in configs]
    if not configs:
        raise ValueError("sweep_analogies needs at least one (method, exclude_inputs) setting.")
    prep = _prepare(emb.words, questions, restrict)
    unit = emb.unit_vectors[: prep.n]
    if len(prep.ids):
        predicted = _top1(unit, prep, configs, workers or os.cpu_count() or 1)
    else:  # nothing answerable: every question was out of vocabulary
        predicted = dict.fromkeys(configs, prep.ids[:, 0])
    names = np.array(prep.kept_section)
    section_order = list(dict.fromkeys(prep.kept_section))
    results = {}
    for method, excluding in configs:
        lowered = prep.row_ids[predicted[method, excluding]]
        hits = lowered == prep.ids[:, 3]
        sections = {s: (int(hits[names == s].sum()), int((names == s).sum())) for s in section_order}
        results[config_name(method, excluding)] = AnalogyResult(
            correct=int(hits.sum()),
            total=len(hits),
            oov=prep.oov,
            sections=sections,
            questions=prep.kept,
            predictions=[emb.words[i] for i in predicted[method, excluding]],
            method=method,
            exclude_inputs=excluding,
            input_answers=int(np.any(lowered[:, None] == prep.ids[:, :3], axis=1).sum()),
        )
    return results


def evaluate_analogies(
    emb: Embeddings,
    questions: Mapping[str, Sequence[Question]] | Sequence[Question],
    restrict: int | None = None,
    method: str = "3cosadd",
    exclude_inputs: bool = True,
) -> AnalogyResult:
    """Answer every question ``a : b :: c : ?`` with ``method`` and count exact hits (see the module)."""
    return sweep_analogies(emb, questions, [(method, exclude_inputs)], restrict=restrict)[
        config_name(method, exclude_inputs)]
