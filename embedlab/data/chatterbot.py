"""Short questions and their answers in 21 categories, from the `chatterbot-corpus` package (BSD-3-Clause).

Each YAML file of ``chatterbot_corpus/data/english`` is one category (``ai``,
``food``, ``sports``, ...) and holds conversations, lists of turns. The files
hold 2,026 opening exchanges (first turn, second turn) but only 748 distinct
questions: ten ``tech_support`` questions are repeated about 100 times each,
some questions come back with other answers ("Tell me a joke" has 30), and
"Will you die?" also appears as "Will you die". A record is therefore one
distinct question with *all* its answers, so that every question counts once,
a split of the records is a split by question, and a retrieved answer is right
when it is any of the question's answers. Chapter 6 colours sentence
embeddings of the questions by category; chapter 7 searches the answers with
the questions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._packages import DataIntegrityError, require

__all__ = ["CHATTERBOT_CATEGORIES", "QAPair", "load_chatterbot", "question_key"]

_PACKAGE = "chatterbot-corpus==1.3.3"
#: SHA-256 over the 21 English files (sorted by name) of chatterbot-corpus 1.3.3
_SHA256 = "905a1d222567d5d83f9c7eb99789fac9dc1e6546291f06a367590022dacbf67c"
CHATTERBOT_CATEGORIES = (
    "ai", "botprofile", "coding", "computers", "conversations", "emotion", "food", "gossip", "greetings",
    "health", "history", "humor", "literature", "money", "movies", "politics", "psychology", "science",
    "sports", "tech_support", "trivia",
)
_N_EXCHANGES = 2026  # opening exchanges in the files
_N_QUESTIONS = 748  # distinct questions after merging case, spacing and final punctuation


@dataclass(frozen=True)
class QAPair:
    """One distinct question, every distinct answer the corpus gives it (file order), and its category."""

    question: str
    answers: tuple[str, ...]
    category: str


def question_key(text: str) -> str:
    """What makes two questions the same: the words, ignoring case, spacing and the final ``?``, ``.`` or ``!``."""
    return " ".join(text.casefold().split()).rstrip("?.! ")


def _english_folder() -> Path:
    package = require("chatterbot_corpus", _PACKAGE.split("==")[0], "The chatterbot corpus")
    return Path(package.__file__).parent / "data" / "english"


def _exchanges(folder: Path) -> list[tuple[str, str, str]]:
    """The (question, answer, category) of every conversation's opening exchange, checked against release 1.3.3."""
    yaml = require("yaml", "pyyaml", "Reading the chatterbot corpus")
    files = sorted(folder.glob("*.yml"))
    if tuple(f.stem for f in files) != CHATTERBOT_CATEGORIES:
        raise DataIntegrityError(f"{folder} holds {[f.stem for f in files]}; expected the 21 categories "
                                 f"{list(CHATTERBOT_CATEGORIES)}. Install `pip install {_PACKAGE}`.")
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if digest != _SHA256:
        raise DataIntegrityError(f"the chatterbot corpus in {folder} is not version 1.3.3 (SHA-256 {digest[:12]}...); "
                                 f"install `pip install {_PACKAGE}`.")
    exchanges = [(str(turns[0]).strip(), str(turns[1]).strip(), f.stem)
                 for f in files for turns in yaml.safe_load(f.read_text(encoding="utf-8"))["conversations"]]
    if len(exchanges) != _N_EXCHANGES:
        raise DataIntegrityError(f"read {len(exchanges)} conversations from {folder}; expected {_N_EXCHANGES}.")
    return exchanges


def _merge(exchanges: list[tuple[str, str, str]]) -> tuple[QAPair, ...]:
    """One record per distinct question, in order of first appearance.

    A question asked in two files ("Hello" in ``conversations`` and ``greetings``)
    takes the category that gives it the most answers (ties: the first file).
    """
    spelling: dict[str, str] = {}
    answers: dict[str, dict[str, None]] = {}
    votes: dict[str, Counter] = {}
    for question, answer, category in exchanges:
        key = question_key(question)
        spelling.setdefault(key, question)
        answers.setdefault(key, {})[answer] = None
        votes.setdefault(key, Counter())[category] += 1
    return tuple(QAPair(spelling[key], tuple(answers[key]), votes[key].most_common(1)[0][0]) for key in spelling)


@lru_cache(maxsize=1)
def _records() -> tuple[QAPair, ...]:
    folder = _english_folder()
    records = _merge(_exchanges(folder))
    if len(records) != _N_QUESTIONS:
        raise DataIntegrityError(f"found {len(records)} distinct questions in {folder}; expected {_N_QUESTIONS}.")
    return records


def load_chatterbot(categories: tuple[str, ...] | None = None) -> list[QAPair]:
    """The 748 distinct questions with their answers and category, optionally only those of some ``categories``."""
    records = _records()
    if categories is None:
        return list(records)
    unknown = set(categories) - set(CHATTERBOT_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}; choose from {list(CHATTERBOT_CATEGORIES)}.")
    return [r for r in records if r.category in categories]
