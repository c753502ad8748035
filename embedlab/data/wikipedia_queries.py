"""The course's judged queries over the Wikipedia slice: which article answers each question.

48 paraphrased questions share no content word with the answering article's
title or evidence sentence (dense search should win there) and 16 keyword
queries name rare names, numbers or terms (BM25 should win). Relevance is by
article title; ``evidence`` is the answering text, found in the article's first
passages. Written for chapter 7; shipped in ``wikipedia_queries.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._packages import DataIntegrityError

__all__ = ["JudgedQuery", "load_wikipedia_queries"]

_FILE = Path(__file__).with_name("wikipedia_queries.json")
_KINDS = {"paraphrase": 40, "keyword": 10}  # kind -> the fewest queries the set must hold


@dataclass(frozen=True)
class JudgedQuery:
    """A query, the kind of query it is, the title of the article that answers it, and the answering text."""

    id: str
    kind: str
    query: str
    title: str
    evidence: str


@lru_cache(maxsize=1)
def _queries() -> tuple[JudgedQuery, ...]:
    try:
        rows = json.loads(_FILE.read_text(encoding="utf-8"))["queries"]
        queries = tuple(JudgedQuery(**row) for row in rows)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DataIntegrityError(f"cannot read the judged queries in {_FILE} ({err}); reinstall embedlab.") from err
    for kind, fewest in _KINDS.items():
        if sum(q.kind == kind for q in queries) < fewest:
            raise DataIntegrityError(f"{_FILE} holds fewer than {fewest} {kind} queries; reinstall embedlab.")
    if len({q.id for q in queries}) != len(queries) or {q.kind for q in queries} - set(_KINDS):
        raise DataIntegrityError(f"{_FILE} has duplicate ids or unknown kinds; reinstall embedlab.")
    return queries


def load_wikipedia_queries(kind: str | None = None) -> list[JudgedQuery]:
    """The judged queries (``kind="paraphrase"`` or ``"keyword"`` for one kind only)."""
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose 'paraphrase' or 'keyword'.")
    return [q for q in _queries() if kind is None or q.kind == kind]
