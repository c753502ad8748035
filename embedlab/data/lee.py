"""The Lee corpus: 50 short news documents and human ratings of how similar each pair is.

Lee, Pincombe and Welsh (2005) had students rate every pair of 50 Australian
news articles on a 1-5 scale; gensim ships the documents (``lee.cor``) and the
mean ratings rescaled to 0-1 (``similarities0-1.txt``, upper triangle). A
similarity measure is judged by its correlation with these ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._packages import DataIntegrityError, require

__all__ = ["LeeCorpus", "load_lee"]

_N = 50


@dataclass(frozen=True)
class LeeCorpus:
    """The 50 documents and the symmetric 50 x 50 matrix of mean human similarity ratings (0-1, diagonal 1)."""

    documents: tuple[str, ...]
    ratings: np.ndarray

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column indices of the 1,225 distinct pairs (upper triangle)."""
        return np.triu_indices(_N, k=1)


@lru_cache(maxsize=1)
def load_lee() -> LeeCorpus:
    """The Lee corpus from gensim's test data, checked (50 documents, ratings in [0, 1], unit diagonal)."""
    datapath = require("gensim.test.utils", "gensim", "The Lee corpus (gensim's test data)").datapath
    with open(datapath("lee.cor"), encoding="latin-1") as f:
        documents = tuple(line.strip() for line in f if line.strip())
    upper = np.loadtxt(datapath("similarities0-1.txt"), dtype=np.float64)
    if len(documents) != _N or upper.shape != (_N, _N):
        raise DataIntegrityError(f"the Lee corpus should have {_N} documents and a {_N} x {_N} rating matrix; "
                                 f"found {len(documents)} and {upper.shape}. Reinstall gensim.")
    ratings = np.triu(upper) + np.triu(upper, k=1).T
    if not (np.allclose(np.diag(ratings), 1.0) and ratings.min() >= 0 and ratings.max() <= 1):
        raise DataIntegrityError("the Lee ratings are not in [0, 1] with a unit diagonal; reinstall gensim.")
    ratings.setflags(write=False)
    return LeeCorpus(documents, ratings)
