"""Word lists for bias measurements, shipped in the package (``word_lists.json``), sources cited there.

* the WEAT stimuli of Caliskan et al. (2017): flowers/insects and
  instruments/weapons against pleasant/unpleasant, male/female names against
  career/family, math and science against arts with male/female terms;
* Bolukbasi et al. (2016): the ten definitional gender pairs, and selections of
  their gender-specific words and professions.

The loader checks the file (known SHA-256, the shape of every list) and fails
with a clear message rather than measuring bias on damaged lists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from ._packages import DataIntegrityError, sha256_of

__all__ = [
    "WORD_LISTS_SHA256",
    "WeatTest",
    "load_definitional_pairs",
    "load_gender_specific_words",
    "load_professions",
    "load_weat_tests",
    "word_list_sources",
]

#: SHA-256 of the shipped ``word_lists.json``; update it together with the file.
WORD_LISTS_SHA256 = "1131318b81cfa1e90b672017ca6cfa8ea071bbb2085658f0f6bb9a6dbf6035d1"


@dataclass(frozen=True)
class WeatTest:
    """One WEAT: targets X and Y, attributes A and B (word lists), with their names and source."""

    name: str
    test: str
    x_name: str
    y_name: str
    a_name: str
    b_name: str
    x: tuple[str, ...]
    y: tuple[str, ...]
    a: tuple[str, ...]
    b: tuple[str, ...]
    source: str


def _fail(problem: str) -> DataIntegrityError:
    return DataIntegrityError(
        f"embedlab's word_lists.json {problem}. The package is damaged or was edited: "
        f"reinstall with `pip install --force-reinstall embedlab`.")


def _words(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(f"has no word list at {where}")
    if not all(isinstance(w, str) and w and w == w.lower() and " " not in w for w in value):
        raise _fail(f"has an entry at {where} that is not a single lowercase word")
    if len(set(value)) != len(value):
        raise _fail(f"repeats a word at {where}")
    return tuple(value)


def _load() -> dict:
    path = resources.files("embedlab.data") / "word_lists.json"
    with resources.as_file(path) as real:
        if not real.exists():
            raise _fail("is missing")
        if sha256_of(real) != WORD_LISTS_SHA256:
            raise _fail(f"does not have the expected SHA-256 ({WORD_LISTS_SHA256[:12]}...)")
        return json.loads(real.read_text(encoding="utf-8"))


def word_list_sources() -> dict[str, str]:
    """The papers the lists come from, by key (``caliskan2017``, ``bolukbasi2016``)."""
    return dict(_load()["sources"])


def load_weat_tests() -> dict[str, WeatTest]:
    """The WEAT tests by name: ``flowers_insects``, ``instruments_weapons``, ``career_family``, ...

    X and Y have the same number of words, and so have A and B, as WEAT's
    permutation test requires.
    """
    data = _load()
    tests = {}
    for name, t in data["weat"].items():
        lists = {k: _words(t.get(k), f"weat.{name}.{k}") for k in "XYAB"}
        if len(lists["X"]) != len(lists["Y"]) or len(lists["A"]) != len(lists["B"]):
            raise _fail(f"has target or attribute lists of different sizes in weat.{name}")
        if t.get("source") not in data["sources"]:
            raise _fail(f"cites an unknown source in weat.{name}")
        tests[name] = WeatTest(name, t["test"], t["X_name"], t["Y_name"], t["A_name"], t["B_name"],
                               lists["X"], lists["Y"], lists["A"], lists["B"], t["source"])
    return tests


def load_definitional_pairs() -> list[tuple[str, str]]:
    """Bolukbasi et al.'s ten definitional pairs, female word first: ``[("she", "he"), ("her", "his"), ...]``."""
    pairs = _load()["definitional_pairs"]["pairs"]
    if len(pairs) != 10 or not all(len(_words(p, "definitional_pairs")) == 2 for p in pairs):
        raise _fail("does not hold ten definitional pairs of two words")
    return [(f, m) for f, m in pairs]


def load_gender_specific_words() -> list[str]:
    """Words whose gender is part of their meaning (king, queen, mother, ...): hard debiasing leaves them alone."""
    return list(_words(_load()["gender_specific"]["words"], "gender_specific"))


def load_professions() -> list[str]:
    """Profession words that should be gender-neutral (nurse, engineer, homemaker, ...)."""
    return list(_words(_load()["professions"]["words"], "professions"))
