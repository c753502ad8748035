"""The random parts of word2vec: subsampling, the dynamic window, (center, context) pairs and negatives.

Every function that draws takes a ``numpy.random.Generator``, so a seed fixes the result.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "context_pairs",
    "draw_negatives",
    "keep_probabilities",
    "noise_distribution",
    "reduced_windows",
    "subsample",
]


def keep_probabilities(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """Probability of keeping each occurrence of a word, shape ``(V,)`` like ``counts``.

    word2vec's formula: with ``f`` the word's share of the corpus and ``t = sample``,
    ``keep = (sqrt(f / t) + 1) * t / f``, capped at 1. Rare words are always kept;
    a word making up 5% of the corpus keeps about 16% of its occurrences (t = 1e-3).
    ``sample=0`` switches subsampling off.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(counts)
    ratio = sample * counts.sum() / counts  # t / f
    return np.minimum(1.0, np.sqrt(ratio) + ratio)


def subsample(ids: np.ndarray, keep: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask, shape ``(n_tokens,)``: which tokens of ``ids`` survive subsampling."""
    return rng.random(len(ids)) < keep[ids]


def reduced_windows(n_tokens: int, window: int, rng: np.random.Generator) -> np.ndarray:
    """The dynamic window: each center word looks ``b ~ Uniform{1..window}`` words to each side.

    Near words are thus used more often than far ones (distance 1 always, distance
    ``window`` with probability ``1/window``). Shape ``(n_tokens,)``, int.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}.")
    return rng.integers(1, window + 1, size=n_tokens)


def context_positions(windows: np.ndarray, sentence_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All ``(center, context)`` position pairs with the context at most ``windows[i]`` positions from center ``i``.

    ``windows``: each center's window, shape ``(n,)``; ``sentence_ids``: optional, shape
    ``(n,)``, pairs never cross a sentence boundary. Returns two position arrays of equal
    length, ordered by center position, then by offset ``-window..-1, 1..window``.
    Vectorised: one pass per offset, no loop over tokens.
    """
    windows = np.asarray(windows)
    n = len(windows)
    max_window = int(windows.max(initial=0))
    offsets = [o for o in range(-max_window, max_window + 1) if o != 0]
    positions = np.arange(n)
    centers, contexts = [], []
    for o in offsets:
        ctx = positions + o
        ok = (ctx >= 0) & (ctx < n) & (abs(o) <= windows)
        if sentence_ids is not None:
            ok &= sentence_ids == sentence_ids[np.clip(ctx, 0, n - 1)]
        centers.append(positions[ok])
        contexts.append(ctx[ok])
    center_pos, context_pos = np.concatenate(centers), np.concatenate(contexts)
    order = np.argsort(center_pos, kind="stable")  # group by center, offsets in increasing order
    return center_pos[order], context_pos[order]


def context_pairs(
    ids: np.ndarray, windows: np.ndarray, sentence_ids: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All ``(center, context)`` id pairs of :func:`context_positions` (same order).

    ``ids``: token ids, shape ``(n,)``, the same shape as ``windows``.
    """
    ids, windows = np.asarray(ids), np.asarray(windows)
    if ids.shape != windows.shape:
        raise ValueError(f"ids {ids.shape} and windows {windows.shape} must have the same shape.")
    center_pos, context_pos = context_positions(windows, sentence_ids)
    return ids[center_pos], ids[context_pos]


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """The negative-sampling distribution ``P(w) ∝ count(w) ** power``, shape ``(V,)``, sums to 1.

    The power 0.75 flattens the unigram distribution: rare words are drawn more
    often than their frequency alone would give, frequent words less.
    """
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def draw_negatives(noise: np.ndarray, shape: int | tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Word ids drawn independently from ``noise``, as an int array of the given shape.

    Inverse-CDF sampling (``searchsorted`` on the cumulative distribution), which is
    what ``rng.choice(p=noise)`` does, without re-checking ``noise`` on every call.
    """
    cdf = np.cumsum(noise)
    cdf /= cdf[-1]
    return np.searchsorted(cdf, rng.random(shape), side="right").astype(np.int32)
