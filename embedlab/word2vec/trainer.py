"""`train_word2vec`: skip-gram (or CBOW) with negative sampling on a list of tokenised sentences.

Each epoch subsamples frequent words, draws every center's reduced window, cuts the
surviving tokens into blocks of whole sentences (:class:`.epoch.Epoch`) and runs one
SGD step per block. ``workers`` threads take the blocks from one queue, each the next
one not yet taken, as gensim's workers take jobs, so a thread on a slower core simply
trains fewer blocks. The threads share the two weight matrices (Hogwild, as word2vec
and gensim do); numpy releases Python's global interpreter lock inside its array
operations, which is where the threads overlap. One lock is held only while a step
adds its summed updates to the matrices (:meth:`.sgns.RowGroups.add_to`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from ..embeddings import Embeddings
from .cbow import cbow_step
from .epoch import Epoch
from .sampling import context_pairs, draw_negatives, keep_probabilities, noise_distribution
from .sgns import sgd_step
from .shared_negatives import shared_negative_step
from .vocab import Vocabulary, build_vocab, encode

__all__ = ["Word2VecResult", "train_word2vec"]

METHODS = ("shared", "per_pair", "cbow")


@dataclass
class Word2VecResult:
    """The trained vectors plus what the training looked like."""

    embeddings: Embeddings
    loss_history: np.ndarray  # mean loss per prediction (skip-gram: pair; CBOW: word) of each block, in text order
    vocab: Vocabulary
    seconds: float


def _initial_weights(n_words: int, dim: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """word2vec's start: small uniform input vectors, zero output vectors."""
    w_in = ((rng.random((n_words, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    return w_in, np.zeros((n_words, dim), dtype=np.float32)


def _stop_if_diverged(epoch: int, losses: list[float], w_in: np.ndarray, negative: int, alpha: float,
                      workers: int) -> None:
    """Raise when training has blown up, instead of returning vectors that look trained but are noise.

    Untrained vectors score every prediction (1 + ``negative``) * log 2; a healthy run only goes
    down from there. An epoch whose mean loss is 3 times that, or any non-finite number, means the
    steps were too large (``alpha``; with several workers, updates of the same rows also add up).
    """
    start = (1 + negative) * np.log(2)
    mean = float(np.mean(losses)) if losses else 0.0
    if np.isfinite(mean) and mean <= 3 * start and np.isfinite(w_in).all():
        return
    raise FloatingPointError(
        f"word2vec diverged in epoch {epoch}: mean loss per prediction {mean:.3g}, against {start:.2f} for "
        f"untrained vectors. The learning rate alpha={alpha:g} is too large for these settings"
        f"{f' with {workers} workers' if workers > 1 else ''}: try 0.025 (gensim's default) or smaller."
    )


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
    """Train word vectors with negative sampling: skip-gram, or CBOW; gensim's parameter names and defaults.

    ``method="shared"`` (fast) shares ``shared_noise`` noise words among each
    ``group_size`` neighbouring centers, weighted to match ``negative`` independent
    negatives per pair, and caps how far a frequently hit row moves in one block
    (``hot_row_cap``; see :mod:`embedlab.word2vec.shared_negatives`);
    ``method="per_pair"`` draws ``negative`` noise words for every pair (the textbook
    step, :func:`embedlab.word2vec.sgns.sgd_step`); ``method="cbow"`` trains continuous bag
    of words instead (gensim's ``sg=0``): each word is predicted from the mean of its
    context, with ``negative`` noise words per word (:mod:`embedlab.word2vec.cbow`).
    The learning rate decays linearly
    from ``alpha`` to ``min_alpha`` with the share of the corpus done. ``workers`` threads
    train the blocks of an epoch side by side, sharing the vectors (Hogwild; see the
    module docstring). ``seed`` fixes every random draw; with ``workers=1`` the result
    is then bit-for-bit reproducible (several threads interleave their updates in a
    different order each run). ``seconds`` is the wall time of the whole call,
    vocabulary included. ``on_epoch_end(epoch, embeddings)`` is called after every
    epoch with a copy of the vectors so far.
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
    update_lock = threading.Lock() if workers > 1 else None  # see RowGroups.add_to

    def train_blocks(epoch: Epoch, queue: Iterator[int]) -> list[tuple[int, float]]:
        """One worker: take the next block of the epoch until none is left; (block, loss) pairs."""
        losses = []
        for i in queue:  # next() on a shared itertools.count is atomic: no block is taken twice
            if i >= len(epoch.blocks):
                break
            b = epoch.blocks[i]
            lr = alpha - (alpha - min_alpha) * (epoch.number + b.start / len(epoch.tokens)) / epochs
            if method == "shared":
                loss, pairs = shared_negative_step(w_in, w_out, epoch.tokens[b], epoch.sentences[b],
                                                   epoch.windows[b], epoch.block_noise(i), negative, lr,
                                                   hot_row_cap, update_lock)
            elif method == "cbow":
                negatives = draw_negatives(noise, (b.stop - b.start, negative), epoch.block_rng(i))
                loss, pairs = cbow_step(w_in, w_out, epoch.tokens[b], epoch.windows[b], epoch.sentences[b],
                                        negatives, lr, update_lock)
            else:
                centers, contexts = context_pairs(epoch.tokens[b], epoch.windows[b], epoch.sentences[b])
                negatives = draw_negatives(noise, (len(centers), negative), epoch.block_rng(i))
                pairs = len(centers)
                loss = sgd_step(w_in, w_out, centers, contexts, negatives, lr, update_lock) * pairs
            losses.append((i, loss / max(pairs, 1)))
            if progress:
                with bar_lock:
                    bar.update(epoch.corpus_words(b))
                    bar.set_postfix(loss=f"{np.mean([x for _, x in losses[-20:]]):.3f}", refresh=False)
        return losses

    history: list[float] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number in range(epochs):
            epoch = Epoch.draw(number, ids, sentence_ids, keep, noise, window, block_size, group_size,
                               shared_noise if method == "shared" else 0, seed)
            queue = itertools.count()
            done = [train_blocks(epoch, queue)] if workers == 1 else list(
                pool.map(train_blocks, [epoch] * workers, [queue] * workers))
            epoch_losses = [loss for _, loss in sorted(itertools.chain(*done))]  # in block order
            history += epoch_losses
            _stop_if_diverged(number + 1, epoch_losses, w_in, negative, alpha, workers)
            if progress:
                bar.n = (number + 1) * len(ids)
                bar.refresh()
            if on_epoch_end is not None:
                on_epoch_end(number + 1, Embeddings(vocab.words, w_in.copy()))
    bar.close()
    seconds = time.perf_counter() - started
    return Word2VecResult(Embeddings(vocab.words, w_in), np.array(history), vocab, seconds)
