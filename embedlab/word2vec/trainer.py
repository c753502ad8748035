"""`train_word2vec`: skip-gram with negative sampling on a list of tokenised sentences.

Each epoch subsamples frequent words, draws every center's reduced window, cuts the
surviving tokens into blocks of whole sentences and runs one SGD step per block. The
blocks are split into ``workers`` contiguous parts, one per thread; the threads share
the two weight matrices without locks (Hogwild, as word2vec and gensim do). They
overlap only where numpy releases the GIL (element-wise functions, sorting; not, as
measured with numpy 2.4, in ``take``, fancy-index updates, stacked ``matmul`` or
scipy's sparse product), so a second thread gains well under a second core.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise, zip_longest

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
    block_size: int = 2048,
    group_size: int = 16,
    shared_noise: int = 4,
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
    from ``alpha`` to ``min_alpha`` with the share of the corpus done. Each epoch's
    subsampled text is cut into ``workers`` contiguous parts, trained at the same time
    by as many threads sharing the vectors without locks (Hogwild, as word2vec and
    gensim do; see the module docstring for how much they overlap). ``seed`` fixes every random
    draw; with ``workers=1`` the result is then bit-for-bit reproducible (several
    threads interleave their updates in a different order each run). ``seconds`` is the
    wall time of the whole call, vocabulary included. ``on_epoch_end(epoch,
    embeddings)`` is called after every epoch with a copy of the vectors so far.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}.")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}.")
    started = time.perf_counter()
    vocab = build_vocab(sentences, min_count)
    ids, sentence_ids = encode(sentences, vocab)
    keep, noise = keep_probabilities(vocab.counts, sample), noise_distribution(vocab.counts)
    w_in, w_out = _initial_weights(len(vocab), vector_size, np.random.default_rng(seed))
    bar = tqdm(total=epochs * len(ids), unit="word", unit_scale=True, disable=not progress, desc="word2vec")
    bar_lock = threading.Lock()

    def train_part(epoch: int, part: int, tokens, sents, windows, corpus_pos, blocks: list[slice]) -> list[float]:
        """One thread's share of an epoch: its blocks in order, noise words drawn in bulk."""
        rng = np.random.default_rng((seed, epoch, part))
        first, size = blocks[0].start, blocks[-1].stop - blocks[0].start
        if method == "shared":
            chunks = np.array([-(-(b.stop - b.start) // group_size) for b in blocks])
            noise_ids = draw_negatives(noise, (int(chunks.sum()), shared_noise), rng)
            chunk_starts = np.r_[0, np.cumsum(chunks)]
        losses = []
        for i, b in enumerate(blocks):
            lr = alpha - (alpha - min_alpha) * (epoch + (b.start - first) / size) / epochs
            if method == "shared":
                block_noise = noise_ids[chunk_starts[i] : chunk_starts[i + 1]]
                loss, pairs = shared_negative_step(w_in, w_out, tokens[b], sents[b], windows[b], block_noise,
                                                   negative, lr, hot_row_cap)
            else:
                centers, contexts = context_pairs(tokens[b], windows[b], sents[b])
                negatives = draw_negatives(noise, (len(centers), negative), rng)
                pairs = len(centers)
                loss = sgd_step(w_in, w_out, centers, contexts, negatives, lr) * pairs
            losses.append(loss / max(pairs, 1))
            if progress:
                with bar_lock:
                    bar.update(int(corpus_pos[b.stop - 1] - corpus_pos[b.start]) + 1)
                    bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}", refresh=False)
        return losses

    history: list[float] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for epoch in range(epochs):
            rng = np.random.default_rng((seed, epoch))
            kept = np.flatnonzero(rng.random(len(ids)) < keep[ids])
            tokens, sents = ids[kept], sentence_ids[kept]
            windows = reduced_windows(len(tokens), window, rng)
            parts = [p for p in np.array_split(np.array(sentence_blocks(sents, block_size)), workers) if len(p)]
            jobs = [(epoch, i, tokens, sents, windows, kept, list(p)) for i, p in enumerate(parts)]
            if workers == 1:
                part_losses = [train_part(*job) for job in jobs]
            else:
                part_losses = list(pool.map(lambda job: train_part(*job), jobs))
            # In time order: the parts ran side by side, so interleave their blocks.
            history += [x for step in zip_longest(*part_losses) for x in step if x is not None]
            if progress:
                bar.n = (epoch + 1) * len(ids)
                bar.refresh()
            if on_epoch_end is not None:
                on_epoch_end(epoch + 1, Embeddings(vocab.words, w_in.copy()))
    bar.close()
    seconds = time.perf_counter() - started
    return Word2VecResult(Embeddings(vocab.words, w_in), np.array(history), vocab, seconds)
