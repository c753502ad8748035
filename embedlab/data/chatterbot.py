"""Short question-and-answer exchanges in 21 categories, from the `chatterbot-corpus` package (BSD-3-Clause).

Each YAML file of ``chatterbot_corpus/data/english`` is one category (``ai``,
``food``, ``sports``, ...) and holds conversations, lists of turns. A record is
a conversation's opening exchange: its first turn (the question), its second
turn (the answer) and the category. Chapter 6 colours sentence embeddings of the
questions by category; chapter 7 searches answers with the questions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._packages import DataIntegrityError, require

__all__ = ["CHATTERBOT_CATEGORIES", "QAPair", "load_chatterbot"]

_PACKAGE = "chatterbot-corpus==1.3.3"
#: SHA-256 over the 21 English files (sorted by name) of chatterbot-corpus 1.3.3
_SHA256 = "905a1d222567d5d83f9c7eb99789fac9dc1e6546291f06a367590022dacbf67c"
CHATTERBOT_CATEGORIES = (
    "ai", "botprofile", "coding", "computers", "conversations", "emotion", "food", "gossip", "greetings",
    "health", "history", "humor", "literature", "money", "movies", "politics", "psychology", "science",
    "sports", "tech_support", "trivia",
)
_N_RECORDS = 2026


@dataclass(frozen=True)
class QAPair:
    """The opening exchange of one conversation and the category (file) it comes from."""

    question: str
    answer: str
    category: str


def _english_folder() -> Path:
    package = require("chatterbot_corpus", _PACKAGE.split("==")[0], "The chatterbot corpus")
    return Path(package.__file__).parent / "data" / "english"


@lru_cache(maxsize=1)
def _records() -> tuple[QAPair, ...]:
    yaml = require("yaml", "pyyaml", "Reading the chatterbot corpus")
    folder = _english_folder()
    files = sorted(folder.glob("*.yml"))
    if tuple(f.stem for f in files) != CHATTERBOT_CATEGORIES:
        raise DataIntegrityError(f"{folder} holds {[f.stem for f in files]}; expected the 21 categories "
                                 f"{list(CHATTERBOT_CATEGORIES)}. Install `pip install {_PACKAGE}`.")
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    if digest != _SHA256:
        raise DataIntegrityError(f"the chatterbot corpus in {folder} is not version 1.3.3 (SHA-256 {digest[:12]}...); "
                                 f"install `pip install {_PACKAGE}`.")
    records = []
    for f in files:
        for turns in yaml.safe_load(f.read_text(encoding="utf-8"))["conversations"]:
            records.append(QAPair(str(turns[0]).strip(), str(turns[1]).strip(), f.stem))
    if len(records) != _N_RECORDS:
        raise DataIntegrityError(f"read {len(records)} conversations from {folder}; expected {_N_RECORDS}.")
    return tuple(records)


def load_chatterbot(categories: tuple[str, ...] | None = None) -> list[QAPair]:
    """The 2,026 (question, answer, category) records, optionally only those of some ``categories``."""
    records = _records()
    if categories is None:
        return list(records)
    unknown = set(categories) - set(CHATTERBOT_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)}; choose from {list(CHATTERBOT_CATEGORIES)}.")
    return [r for r in records if r.category in categories]
