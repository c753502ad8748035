"""Evaluating embeddings: analogies ("a is to b as c is to ?") and word-pair similarity.

* :mod:`.scoring` — the analogy engine (3CosAdd, 3CosMul, the only-b baseline),
  shared with :meth:`embedlab.Embeddings.most_similar`;
* :mod:`.analogies` — accuracy over a question set, per category, several
  methods in one pass, with or without excluding the question words;
* :mod:`.word_pairs` — Spearman's rho against human ratings (WordSim-353, SimLex-999).
"""

from .analogies import AnalogyResult, config_name, evaluate_analogies, sweep_analogies
from .scoring import METHODS
from .word_pairs import WordPairResult, evaluate_word_pairs

__all__ = [
    "METHODS",
    "AnalogyResult",
    "WordPairResult",
    "config_name",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "sweep_analogies",
]
