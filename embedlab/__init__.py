"""embedlab: the small library behind the Embeddings course.

Chapters and labs import it; the autograder uses it for reference answers.
It imports neither the book nor the autograder.
"""

from . import data
from .analogies import AnalogyResult, evaluate_analogies
from .embeddings import Embeddings, UnknownWordError
from .similarity import cosine_similarity, dot, euclidean_distance, normalize, top_k
from .word_similarity import WordPairResult, evaluate_word_pairs

__version__ = "0.1.0"

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
