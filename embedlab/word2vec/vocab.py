"""The vocabulary: which words get a vector, how often each occurs, and the corpus as integer ids."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat

import numpy as np

__all__ = ["Vocabulary", "build_vocab", "encode"]


@dataclass
class Vocabulary:
    """Words in descending frequency order (ties alphabetical) and their corpus counts.

    ``words[i]`` has id ``i`` and occurs ``counts[i]`` times; ``index`` maps a word to its id.
    """

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.counts = np.asarray(self.counts, dtype=np.int64)
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    @property
    def total(self) -> int:
        """Number of corpus tokens the vocabulary covers."""
        return int(self.counts.sum())


def build_vocab(sentences: Iterable[Sequence[str]], min_count: int = 5) -> Vocabulary:
    """Count every word and keep those seen at least ``min_count`` times.

    Raises ``ValueError`` for an empty corpus or when no word reaches ``min_count``.
    """
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}.")
    counter = Counter(chain.from_iterable(sentences))
    if not counter:
        raise ValueError("the corpus is empty: there are no words to build a vocabulary from.")
    kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    if not kept:
        raise ValueError(
            f"min_count={min_count} leaves no vocabulary: the most frequent word occurs only "
            f"{max(counter.values())} times. Lower min_count or use a larger corpus."
        )
    words, counts = zip(*kept, strict=True)
    return Vocabulary(list(words), np.array(counts))


def encode(sentences: Sequence[Sequence[str]], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """The corpus as one flat id array plus the sentence number of every token.

    Words outside the vocabulary are dropped (as word2vec does). Returns
    ``(ids, sentence_ids)``, both int32 of shape ``(n_tokens,)``.
    """
    lengths = np.fromiter(map(len, sentences), dtype=np.int64)
    ids = np.fromiter(map(vocab.index.get, chain.from_iterable(sentences), repeat(-1)), dtype=np.int32,
                      count=int(lengths.sum()))
    sentence_ids = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    known = ids >= 0
    return ids[known], sentence_ids[known]
