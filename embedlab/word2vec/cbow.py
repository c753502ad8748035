"""Continuous bag of words (CBOW) with negative sampling: predict each word from the mean of its context.

Skip-gram makes one prediction per (center, context) pair: the center's input vector
``v`` scores each context word. CBOW turns this around and makes one prediction per
position: the mean ``h`` of the context words' input vectors scores the center word
``t`` against ``K`` noise words, with the same logistic loss

    -log sig(u_t · h) - Σ_k log sig(-u_k · h)

so :func:`~embedlab.word2vec.sgns.sgns_loss` and its gradients serve both: CBOW feeds
them ``h`` where skip-gram feeds ``v``. The update of ``h`` goes to every context
word's input vector whole, as in word2vec.c and gensim (``cbow_mean=1``), not divided
by the number of context words as the exact gradient of a mean would have it.
A window of ``2w`` words makes one prediction instead of ``2w``: CBOW does about
``2w`` times fewer dot products per word than skip-gram.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy as np

from .sampling import context_positions
from .sgns import scatter_add, sgns_gradients, sgns_loss

__all__ = ["cbow_step", "context_means"]


def context_means(w_in: np.ndarray, tokens: np.ndarray, windows: np.ndarray,
                  sentences: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every position with at least one context word: ``(positions, h, context_positions, owner)``.

    ``h[i]`` is the mean input vector of position ``positions[i]``'s context words
    (within its reduced window and its sentence); ``context_positions`` lists those
    words, each tagged with the row of ``h`` it belongs to (``owner``).
    """
    center_pos, context_pos = context_positions(windows, sentences)
    positions, starts, counts = np.unique(center_pos, return_index=True, return_counts=True)
    if len(positions) == 0:
        return positions, np.zeros((0, w_in.shape[1]), w_in.dtype), context_pos, np.zeros(0, np.int64)
    sums = np.add.reduceat(w_in[tokens[context_pos]], starts, axis=0)
    owner = np.repeat(np.arange(len(positions)), counts)
    return positions, sums / counts[:, None].astype(w_in.dtype), context_pos, owner


def cbow_step(
    w_in: np.ndarray,
    w_out: np.ndarray,
    tokens: np.ndarray,
    windows: np.ndarray,
    sentences: np.ndarray | None,
    negatives: np.ndarray,
    lr: float,
    lock: AbstractContextManager | None = None,
) -> tuple[float, int]:
    """One SGD step of CBOW over a block of ``tokens`` (word ids), updating ``w_in`` and ``w_out`` in place.

    ``windows``: each position's reduced window; ``sentences``: each position's sentence
    (contexts do not cross them); ``negatives``: ``(len(tokens), K)`` noise word ids, one
    row per position (rows of positions without context are unused). ``lock`` is held
    while the updates are added (see :meth:`~embedlab.word2vec.sgns.RowGroups.add_to`).
    Returns ``(summed loss before the step, number of predictions)``.
    """
    tokens, negatives = np.asarray(tokens), np.asarray(negatives)
    if negatives.ndim != 2 or len(negatives) != len(tokens):
        raise ValueError(f"negatives must have one row per token, shape ({len(tokens)}, K); got {negatives.shape}.")
    positions, h, context_pos, owner = context_means(w_in, tokens, windows, sentences)
    if len(positions) == 0:
        return 0.0, 0
    targets, noise = tokens[positions], negatives[positions]
    u_t, u_neg = w_out[targets], w_out[noise]
    loss = sgns_loss(h, u_t, u_neg)
    d_h, d_target, d_noise = sgns_gradients(h, u_t, u_neg)
    scatter_add(w_in, tokens[context_pos], -lr * d_h[owner], lock)
    scatter_add(w_out, np.concatenate([targets, noise.ravel()]),
                -lr * np.concatenate([d_target, d_noise.reshape(-1, w_out.shape[1])]), lock)
    return float(loss.sum()), len(positions)
