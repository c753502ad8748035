"""Words with a category, taken from the Google analogy questions: capitals, countries, US states, ...

Each category is one column pair of one section of ``questions-words.txt``
(e.g. the countries of "capital-world"). Chapter 6 colours pictures of word
vectors by these categories and measures k-NN accuracy with them as labels;
``benchmarks/bench_projections.py`` uses the same words.
"""

from __future__ import annotations

from collections.abc import Container

from ._packages import DataIntegrityError
from .evaluation_sets import load_analogy_questions

__all__ = ["OTHER_WORDS", "WORD_CATEGORIES", "categories_and_frequent_words", "load_word_categories"]

#: category -> (section of the analogy set, which words of a question: 0/2 = left, 1/3 = right, all)
WORD_CATEGORIES = {
    "capital": ("capital-world", (0, 2)),
    "country": ("capital-world", (1, 3)),
    "US state": ("city-in-state", (1, 3)),
    "family": ("family", (0, 1, 2, 3)),
    "nationality": ("gram6-nationality-adjective", (1, 3)),
    "adverb": ("gram1-adjective-to-adverb", (1, 3)),
    "past tense": ("gram7-past-tense", (1, 3)),
    "plural noun": ("gram8-plural", (1, 3)),
}


def load_word_categories(vocabulary: Container[str] | None = None) -> list[tuple[str, str]]:
    """``(word, category)`` pairs, lower-cased, each word once (its first category), in a fixed order.

    With ``vocabulary`` only the words it contains are kept (e.g. a GloVe table).
    """
    questions = load_analogy_questions()
    seen: dict[str, str] = {}
    for category, (section, columns) in WORD_CATEGORIES.items():
        if section not in questions:
            raise DataIntegrityError(f"the analogy questions have no section {section!r}.")
        for question in questions[section]:
            for column in columns:
                word = question[column].lower()
                if vocabulary is None or word in vocabulary:
                    seen.setdefault(word, category)
    return list(seen.items())


#: the group of the frequent words that have no category
OTHER_WORDS = "other (frequent word)"


def categories_and_frequent_words(glove, n_others: int = 2000, among: int = 2400) -> tuple[list[str], list[str]]:
    """Chapter 6's projector set: ``glove``'s category words, then up to ``n_others`` of its ``among``
    most frequent other (alphabetic) words; returns the words and their groups (:data:`OTHER_WORDS`)."""
    pairs = load_word_categories(glove)
    words = [w for w, _ in pairs]
    known = set(words)
    others = [w for w in glove.words[:among] if w not in known and w.isalpha()][:n_others]
    return words + others, [c for _, c in pairs] + [OTHER_WORDS] * len(others)

