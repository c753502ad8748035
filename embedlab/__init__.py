"""embedlab: the small library behind the Embeddings course.

Chapters and labs import it; the autograder uses it for reference answers.
It imports neither the book nor the autograder.
"""

from importlib.metadata import PackageNotFoundError, version

from . import data
from .embeddings import Embeddings, UnknownWordError
from .evaluation import AnalogyResult, WordPairResult, evaluate_analogies, evaluate_word_pairs
from .similarity import cosine_similarity, dot, euclidean_distance, normalize, top_k

try:  # one source of truth: pyproject.toml, through the installed package's metadata
    __version__ = version("embedlab")
except PackageNotFoundError:  # imported from a bare copy (e.g. the grading sandbox's view)
    __version__ = "unknown"

__all__ = [
    "AnalogyResult",
    "Embeddings",
    "UnknownWordError",
    "WordPairResult",
    "cosine_similarity",
    "data",
    "dot",
    "euclidean_distance",
    "evaluate_analogies",
    "evaluate_word_pairs",
    "normalize",
    "top_k",
]
