"""Standard evaluation sets shipped with gensim's test data.

* the Google analogy questions (Mikolov et al., 2013): 19,544 questions in 14 sections;
* WordSim-353 (Finkelstein et al., 2002): relatedness of 353 word pairs, 0-10;
* SimLex-999 (Hill et al., 2015): similarity (not relatedness) of 999 pairs, 0-10.
"""

from __future__ import annotations

from pathlib import Path

from ._packages import DataIntegrityError, require

__all__ = ["gensim_datapath", "load_analogy_questions", "load_simlex999", "load_wordsim353"]


def gensim_datapath(name: str) -> Path:
    """Path of a file in gensim's bundled test data."""
    utils = require("gensim.test.utils", "gensim", "The evaluation sets (bundled with gensim's test data)")
    return Path(utils.datapath(name))


def load_analogy_questions() -> dict[str, list[tuple[str, str, str, str]]]:
    """Google analogy questions grouped by section: ``{"capital-common-countries": [(a, b, c, d), ...]}``."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in gensim_datapath("questions-words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(": "):
            current = sections.setdefault(line[2:].strip(), [])
        elif line.strip():
            words = line.split()
            if current is None or len(words) != 4:
                raise DataIntegrityError(f"malformed line in questions-words.txt: {line!r}")
            current.append(tuple(words))
    return sections


def _load_pairs(name: str, expected: int) -> list[tuple[str, str, float]]:
    pairs = []
    for line in gensim_datapath(name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        a, b, score = line.split("\t")
        pairs.append((a, b, float(score)))
    if len(pairs) != expected:
        raise DataIntegrityError(f"{name} has {len(pairs)} pairs; expected {expected}.")
    return pairs


def load_wordsim353() -> list[tuple[str, str, float]]:
    """WordSim-353 as ``(word1, word2, human_score)`` triples."""
    return _load_pairs("wordsim353.tsv", 353)


def load_simlex999() -> list[tuple[str, str, float]]:
    """SimLex-999 as ``(word1, word2, human_score)`` triples."""
    return _load_pairs("simlex999.txt", 999)
