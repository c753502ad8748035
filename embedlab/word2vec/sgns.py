"""Skip-gram with negative sampling (SGNS): the loss, its gradients and one SGD step, for a batch of pairs.

For a center word with input vector ``v``, its true context word with output vector
``u_o`` and ``K`` noise words with output vectors ``u_1..u_K``, the loss is

    -log sig(u_o · v) - Σ_k log sig(-u_k · v)

i.e. logistic regression that tells the true context apart from ``K`` random words.
Everything here is batched over pairs: no Python loop per pair.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import numpy as np
from scipy import sparse

__all__ = ["RowGroups", "log_sigmoid", "scatter_add", "sgd_step", "sgns_gradients", "sgns_loss", "sigmoid"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function ``sigmoid(x) = 1 / (1 + exp(-x))``, elementwise, keeping float32 as float32.

    For very negative ``x``, ``exp(-x)`` overflows to ``inf`` and the result is exactly 0.
    """
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def log_sigmoid(x: np.ndarray) -> np.ndarray:
    """``log sigmoid(x) = -log(1 + exp(-x))``, computed stably for any ``x`` (no overflow, no ``log(0)``)."""
    x = np.asarray(x)
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def sgns_loss(center: np.ndarray, context: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """The SGNS loss of every pair in a batch.

    Shapes: ``center`` (B, d) input vectors of the center words; ``context`` (B, d)
    output vectors of their true context words; ``negatives`` (B, K, d) output vectors
    of K noise words per pair. Returns shape (B,): the loss of each pair.
    """
    positive = np.einsum("bd,bd->b", center, context)
    negative = np.einsum("bd,bkd->bk", center, negatives)
    return -log_sigmoid(positive) - log_sigmoid(-negative).sum(axis=1)


def sgns_gradients(
    center: np.ndarray, context: np.ndarray, negatives: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of each pair's loss (see :func:`sgns_loss`) with respect to its three inputs.

    Returns ``(d_center, d_context, d_negatives)`` with the shapes of the inputs,
    (B, d), (B, d), (B, K, d); row ``b`` is the gradient of ``loss[b]``, so together
    they are the gradient of ``sgns_loss(...).sum()``. With ``sig`` the sigmoid function:

    * ``d_context  = (sig(u_o·v) - 1) v``
    * ``d_negatives[k] = sig(u_k·v) v``
    * ``d_center   = (sig(u_o·v) - 1) u_o + Σ_k sig(u_k·v) u_k``
    """
    g_pos = sigmoid(np.einsum("bd,bd->b", center, context)) - 1  # (B,)
    g_neg = sigmoid(np.einsum("bd,bkd->bk", center, negatives))  # (B, K)
    d_center = g_pos[:, None] * context + np.einsum("bk,bkd->bd", g_neg, negatives)
    d_context = g_pos[:, None] * center
    d_negatives = g_neg[:, :, None] * center[:, None, :]
    return d_center, d_context, d_negatives


class RowGroups:
    """Which positions of ``rows`` name the same row: built once, used to sum many value arrays.

    A sparse (n_unique, n) matrix whose product with ``values`` (n, d) sums the
    values of repeated rows; several times faster than ``np.add.at``. With ``cap``,
    a row that occurs ``h`` times gets its mean value times ``min(h, cap)`` instead
    of the sum (see :func:`embedlab.word2vec.shared_negatives.shared_negative_step`);
    every value is multiplied by ``factor`` (e.g. minus the learning rate) on the way.
    """

    def __init__(self, rows: np.ndarray, cap: float | None = None, factor: float = 1.0):
        rows = np.asarray(rows).ravel()
        self.n = len(rows)
        order = np.argsort(rows, kind="stable").astype(np.int32)  # int32 indices: scipy copies int64 ones
        sorted_rows = rows[order]
        starts = np.ones(self.n + 1, dtype=bool)  # where a new row begins, plus the end
        np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=starts[1:-1])
        bounds = np.flatnonzero(starts).astype(np.int32)
        self.unique = sorted_rows[bounds[:-1]]
        hits = np.diff(bounds)
        scale = np.full(len(hits), factor, np.float32)
        if cap is not None:
            scale *= np.minimum(1, cap / hits)
        self._matrix = sparse.csr_matrix(  # row j combines the positions order[bounds[j]:bounds[j+1]]
            (np.repeat(scale, hits), order, bounds), shape=(len(self.unique), self.n)
        )

    def add_to(self, target: np.ndarray, values: np.ndarray, lock: AbstractContextManager | None = None) -> None:
        """``target[rows[i]] += values[i]`` for every ``i``, in place.

        The sums are formed first; ``lock`` (e.g. a ``threading.Lock`` shared by
        Hogwild threads) is held only while they are added. ``target[rows] += sums``
        reads the rows, adds and writes them back, and numpy lets other threads run
        in between: without the lock, two threads updating the same row in the same
        moment keep only one of their updates.
        """
        sums = self._matrix @ values.reshape(self.n, -1)
        with lock or nullcontext():
            target[self.unique] += sums


def scatter_add(target: np.ndarray, rows: np.ndarray, values: np.ndarray,
                lock: AbstractContextManager | None = None) -> None:
    """``target[rows[i]] += values[i]`` for every ``i``, summing repeated rows (in place).

    The same result as ``np.add.at(target, rows, values)``, computed as a sparse matrix
    product; ``lock`` is held while the sums are added (see :meth:`RowGroups.add_to`).
    """
    RowGroups(rows).add_to(target, np.asarray(values, dtype=target.dtype), lock)


def sgd_step(
    w_in: np.ndarray,
    w_out: np.ndarray,
    centers: np.ndarray,
    contexts: np.ndarray,
    negatives: np.ndarray,
    lr: float,
    lock: AbstractContextManager | None = None,
) -> float:
    """One SGD step on a batch of pairs, updating ``w_in`` (V, d) and ``w_out`` (V, d) in place.

    ``centers`` (B,) and ``contexts`` (B,) are word ids, ``negatives`` (B, K) noise word
    ids. Each pair moves its rows by ``-lr`` times its own gradient (word2vec's
    per-pair step; rows shared by several pairs receive the sum), holding ``lock``
    while the updates are added (see :meth:`RowGroups.add_to`). Returns the batch's
    mean loss before the step.
    """
    v, u_o, u_neg = w_in[centers], w_out[contexts], w_out[negatives]
    loss = sgns_loss(v, u_o, u_neg)
    d_center, d_context, d_negatives = sgns_gradients(v, u_o, u_neg)
    scatter_add(w_in, centers, -lr * d_center, lock)
    scatter_add(w_out, np.concatenate([contexts, np.ravel(negatives)]),
                -lr * np.concatenate([d_context, d_negatives.reshape(-1, w_out.shape[1])]), lock)
    return float(loss.mean())
