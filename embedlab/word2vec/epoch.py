"""One epoch's random draws, made up front: the subsampled text, its windows, its blocks and its noise words.

Drawing everything before the workers start keeps training reproducible however the
blocks end up spread over the workers: block ``i`` always gets the same noise words.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .sampling import draw_negatives, reduced_windows, subsample

__all__ = ["Epoch", "sentence_blocks"]


def sentence_blocks(sentence_ids: np.ndarray, block_size: int) -> list[slice]:
    """Cut a token stream into slices of about ``block_size`` tokens that end at sentence ends."""
    starts = np.flatnonzero(np.r_[True, sentence_ids[1:] != sentence_ids[:-1]])
    cuts = np.unique(starts[np.searchsorted(starts, np.arange(0, len(sentence_ids), block_size))])
    bounds = np.r_[cuts, len(sentence_ids)]
    return [slice(int(a), int(b)) for a, b in pairwise(bounds) if b > a]


@dataclass(frozen=True)
class Epoch:
    """The text one epoch trains on, cut into blocks, with everything random already drawn."""

    number: int  # 0-based
    tokens: np.ndarray  # word ids that survived subsampling, in corpus order
    sentences: np.ndarray  # the sentence of each token
    windows: np.ndarray  # each token's reduced window
    positions: np.ndarray  # each token's position in the whole corpus
    blocks: list[slice]  # of tokens, ending at sentence ends
    noise: np.ndarray  # (chunks, shared noise) word ids for every chunk of every block
    chunk_starts: np.ndarray  # block i's chunks are noise[chunk_starts[i]:chunk_starts[i + 1]]
    seed: int

    @classmethod
    def draw(cls, number: int, ids: np.ndarray, sentence_ids: np.ndarray, keep: np.ndarray,
             noise_distribution: np.ndarray, window: int, block_size: int, group_size: int,
             shared_noise: int, seed: int) -> Epoch:
        """Subsample ``ids``, draw the windows, cut blocks of about ``block_size`` tokens
        and draw ``shared_noise`` noise words per chunk of up to ``group_size`` centers
        (none with ``shared_noise=0``)."""
        rng = np.random.default_rng((seed, number))
        positions = np.flatnonzero(subsample(ids, keep, rng))
        tokens, sentences = ids[positions], sentence_ids[positions]
        windows = reduced_windows(len(tokens), window, rng)
        blocks = sentence_blocks(sentences, block_size)
        chunks = [-(-(b.stop - b.start) // group_size) for b in blocks]
        noise = draw_negatives(noise_distribution, (sum(chunks), shared_noise), rng)
        return cls(number, tokens, sentences, windows, positions, blocks, noise, np.r_[0, np.cumsum(chunks)], seed)

    def block_noise(self, i: int) -> np.ndarray:
        """The shared noise words of block ``i``: one row per chunk."""
        return self.noise[self.chunk_starts[i] : self.chunk_starts[i + 1]]

    def block_rng(self, i: int) -> np.random.Generator:
        """A generator of block ``i``'s own, for draws made while training it."""
        return np.random.default_rng((self.seed, self.number, i))

    def corpus_words(self, block: slice) -> int:
        """How many corpus words (subsampled ones included) a block spans: progress in corpus words."""
        return int(self.positions[block.stop - 1] - self.positions[block.start]) + 1
