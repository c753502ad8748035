"""`train_word2vec`: skip-gram with negative sampling on a list of tokenised sentences.

Each epoch subsamples frequent words, draws every center's reduced window, cuts the
surviving tokens into blocks of whole sentences and runs one SGD step per block,
``workers`` blocks at a time in threads that share the two weight matrices without
locks (Hogwild, as word2vec and gensim do; numpy releases the GIL in the heavy work).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from tqdm import tqdm

from ..embeddings import Embeddings
from .sampling import context_pairs, draw_negatives, keep_probabilities, noise_distribution, reduced_windows
from .sgns import sgd_step
from .shared_negatives import shared_negative_step
from .vocab import Vocabulary, build_vocab, encode

__all__ = ["Word2VecResult", "sentence_blocks", "train_word2vec"]

METHODS = ("shared", "per_pair")


@dataclass
class Word2VecResult:
    """The trained vectors plus what the training looked like."""

    embeddings: Embeddings
    loss_history: np.ndarray  # mean loss per (center, context) pair of each block, in training order
    vocab: Vocabulary
    seconds: float


def sentence_blocks(sentence_ids: np.ndarray, block_size: int) -> list[slice]:
    """Cut a token stream into slices of about ``block_size`` tokens that end at sentence ends."""
    starts = np.flatnonzero(np.r_[True, sentence_ids[1:] != sentence_ids[:-1]])
    cuts = np.unique(starts[np.searchsorted(starts, np.arange(0, len(sentence_ids), block_size))])
    bounds = np.r_[cuts, len(sentence_ids)]
    return [slice(int(a), int(b)) for a, b in pairwise(bounds) if b > a]


def _initial_weights(n_words: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """word2vec's start: small uniform input vectors, zero output vectors."""
    w_in = ((rng.random((n_words, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    return w_in, np.zeros((n_words, dim), dtype=np.float32)


def train_word2vec(
    sentences: Sequence[Sequence[str]],
    vector_size: int = 100,
    window: int = 5,
    min_count: int = 5,
    negative: int = 5,
    sample: float = 1e-3,
    epochs: int = 5,
    alpha: float = 0.025,
    min_alpha: float = 1e-4,
    seed: int = 0,
    workers: int = 2,
    method: str = "shared",
    block_size: int = 1024,
    group_size: int = 32,
    shared_noise: int = 32,
    hot_row_cap: float | None = 4.0,
    progress: bool = True,
    on_epoch_end: Callable[[int, Embeddings], None] | None = None,
) -> Word2VecResult:
    """Train skip-gram word vectors with negative sampling; gensim's parameter names and defaults.

    ``method="shared"`` (fast) shares ``shared_noise`` noise words among each
    ``group_size`` neighbouring centers, weighted to match ``negative`` independent
    negatives per pair, and caps how far a frequently hit row moves in one block
    (``hot_row_cap``; see :mod:`embedlab.word2vec.shared_negatives`);
    ``method="per_pair"`` draws ``negative`` noise words for every pair (the textbook
    step, :func:`embedlab.word2vec.sgns.sgd_step`). The learning rate decays linearly
    from ``alpha`` to ``min_alpha``. ``seed`` fixes every random draw; with
    ``workers=1`` the result is then bit-for-bit reproducible (several threads
    interleave their updates in a different order each run). ``on_epoch_end(epoch,
    embeddings)`` is called after every epoch with a copy of the vectors so far.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}.")
    vocab = build_vocab(sentences, min_count)
    ids, sentence_ids = encode(sentences, vocab)
    keep, noise = keep_probabilities(vocab.counts, sample), noise_distribution(vocab.counts)
    w_in, w_out = _initial_weights(len(vocab), vector_size, np.random.default_rng(seed))

    def run_block(epoch: int, tokens, sents, windows, start: int, block: int) -> tuple[float, int]:
        rng = np.random.default_rng((seed, epoch, block))
        lr = alpha - (alpha - min_alpha) * (epoch + start / len(ids)) / epochs
        if method == "shared":
            noise_ids = draw_negatives(noise, (-(-len(tokens) // group_size), shared_noise), rng)
            return shared_negative_step(w_in, w_out, tokens, sents, windows, noise_ids, negative, lr, hot_row_cap)
        centers, contexts = context_pairs(tokens, windows, sents)
        negatives = draw_negatives(noise, (len(centers), negative), rng)
        return sgd_step(w_in, w_out, centers, contexts, negatives, lr) * len(centers), len(centers)

    losses: list[float] = []
    bar = tqdm(total=epochs * len(ids), unit="word", unit_scale=True, disable=not progress, desc="word2vec")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for epoch in range(epochs):
            rng = np.random.default_rng((seed, epoch))
            kept = np.flatnonzero(rng.random(len(ids)) < keep[ids])
            tokens, sents = ids[kept], sentence_ids[kept]
            windows = reduced_windows(len(tokens), window, rng)
            blocks = sentence_blocks(sents, block_size)
            jobs = [(epoch, tokens[b], sents[b], windows[b], int(kept[b.start]), i) for i, b in enumerate(blocks)]
            ends = [int(kept[b.stop - 1]) + 1 for b in blocks]
            done = 0
            for (loss, pairs), end in zip(pool.map(lambda job: run_block(*job), jobs), ends, strict=True):
                losses.append(loss / max(pairs, 1))
                bar.update(end - done)
                done = end
                bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}", refresh=False)
            bar.update(len(ids) - done)
            if on_epoch_end is not None:
                on_epoch_end(epoch + 1, Embeddings(vocab.words, w_in.copy()))
    bar.close()
    seconds = time.perf_counter() - started
    return Word2VecResult(Embeddings(vocab.words, w_in), np.array(losses), vocab, seconds)
