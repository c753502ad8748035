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

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .sampling import context_positions
from .sgns import scatter_add, sgns_gradients, sgns_loss

__all__ = ["Contexts", "cbow_step", "context_means"]


@dataclass(frozen=True)
class Contexts:
    """Which words make up each prediction's context: ``counts[i, j]`` occurrences of word ``rows[j]``
    in the context of position ``positions[i]`` (a sparse matrix, so sums over contexts are products)."""

    positions: np.ndarray  # (P,) positions with at least one context word
    rows: np.ndarray  # (U,) the distinct context words (ids)
    counts: sparse.csr_matrix  # (P, U)

    def sizes(self) -> np.ndarray:
        """How many context words each prediction has."""
        return np.asarray(self.counts.sum(axis=1)).ravel()


def context_means(w_in: np.ndarray, tokens: np.ndarray, windows: np.ndarray,
                  sentences: np.ndarray | None = None) -> tuple[Contexts, np.ndarray]:
    """The contexts of every position that has one, and their mean input vectors ``h`` (P, d).

    A position's context is the words within its reduced window and its sentence.
    """
    center_pos, context_pos = context_positions(windows, sentences)
    positions, owner = np.unique(center_pos, return_inverse=True)
    rows, column = np.unique(tokens[context_pos], return_inverse=True)
    counts = sparse.csr_matrix((np.ones(len(owner), w_in.dtype), (owner, column)), shape=(len(positions), len(rows)))
    contexts = Contexts(positions, rows, counts)
    h = (counts @ w_in[rows]) / contexts.sizes()[:, None].astype(w_in.dtype)
    return contexts, h


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
    contexts, h = context_means(w_in, tokens, windows, sentences)
    if len(contexts.positions) == 0:
        return 0.0, 0
    targets, noise = tokens[contexts.positions], negatives[contexts.positions]
    u_t, u_neg = w_out[targets], w_out[noise]
    loss = sgns_loss(h, u_t, u_neg)
    d_h, d_target, d_noise = sgns_gradients(h, u_t, u_neg)
    to_context_words = contexts.counts.T @ (-lr * d_h)  # each occurrence gets the whole update of its h
    with lock or nullcontext():
        w_in[contexts.rows] += to_context_words.astype(w_in.dtype, copy=False)
    scatter_add(w_out, np.concatenate([targets, noise.ravel()]),
                -lr * np.concatenate([d_target, d_noise.reshape(-1, w_out.shape[1])]), lock)
    return float(loss.sum()), len(contexts.positions)
