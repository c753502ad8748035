"""The fast SGNS step: a block of running text at once, as a few small matrix products.

The block's tokens are cut into chunks of ``c`` consecutive centers. For one chunk,

* **positives** are the chunk's centers against the ``c + 2h`` tokens around it
  (``h`` = the largest window): one ``(c, d) @ (d, c + 2h)`` product scores every
  pair at once; a mask keeps the pairs inside each center's reduced window and
  sentence. One gather per *token* replaces one gather per *pair*.
* **negatives** are shared: the chunk's centers all use the same ``N`` noise words,
  appended to the same product. A center with ``m`` pairs would get ``m K``
  independent negatives; weighting each shared one by ``m K / N`` keeps the expected
  gradient exactly that of K independent negatives per pair.

So the scores of a chunk are ``V_chunk @ [U_around; U_noise].T`` and both gradients
are two more products with the same matrices, batched over all chunks.

One more change makes large blocks safe. All updates of a step are computed from
the same (stale) vectors; word2vec applies them one at a time, and the sigmoid
saturates after a few. Summed, the hundreds of updates a frequent word collects in
one block overshoot and training diverges (measured: blocks of 2048 tokens). So a
row hit ``h`` times in a step moves by its mean update times ``min(h, hot_row_cap)``.
"""

from __future__ import annotations

import numpy as np

from .sgns import RowGroups, sigmoid

__all__ = ["shared_negative_step"]


def _log(p: np.ndarray) -> np.ndarray:
    """``log p`` for probabilities, with 0 clipped to the smallest float32 so a loss stays finite."""
    return np.log(np.maximum(p, np.finfo(np.float32).tiny))


def shared_negative_step(
    w_in: np.ndarray,
    w_out: np.ndarray,
    tokens: np.ndarray,
    sentence_ids: np.ndarray,
    windows: np.ndarray,
    noise_ids: np.ndarray,
    negative: int,
    lr: float,
    hot_row_cap: float | None = 4.0,
) -> tuple[float, int]:
    """One SGD step of skip-gram with negative sampling on a block of consecutive tokens.

    ``tokens``, ``sentence_ids``, ``windows`` (B,): the (already subsampled) word ids,
    the sentence each belongs to (pairs never cross sentences) and each center's
    reduced window. ``noise_ids`` (G, N): N shared noise words for each of G chunks
    of ``c = ceil(B / G)`` consecutive centers (``c`` must be at least the largest
    window). ``negative``: the K the weighting emulates. ``hot_row_cap``: see the
    module docstring (``None`` sums every update). Updates ``w_in`` and
    ``w_out`` (V, d) in place; returns ``(summed loss, number of pairs)``.
    """
    n, dim = len(tokens), w_in.shape[1]
    n_chunks, n_noise = noise_ids.shape
    c = -(-n // n_chunks)
    h = int(windows.max(initial=1))
    if c < h:
        raise ValueError(f"chunks of {c} centers are shorter than the window {h}; use fewer chunks.")
    span, padded = c + 2 * h, n_chunks * c
    # Token-aligned arrays with h slots of padding before and after (sentence -1 matches nothing).
    token_pad = np.zeros(padded + 2 * h, dtype=np.intp)
    token_pad[h : h + n] = tokens
    sentence_pad = np.full(padded + 2 * h, -1, dtype=np.int64)
    sentence_pad[h : h + n] = sentence_ids
    window_pad = np.zeros(padded, dtype=np.int64)
    window_pad[:n] = windows
    around = np.arange(n_chunks)[:, None] * c + np.arange(span)  # (G, span) positions in the padded arrays

    v = np.zeros((padded, dim), dtype=w_in.dtype)
    np.take(w_in, tokens, axis=0, out=v[:n])
    v_chunks = v.reshape(n_chunks, c, dim)
    u = np.empty((n_chunks, span + n_noise, dim), dtype=w_out.dtype)  # [around; noise] per chunk
    np.take(w_out, token_pad[around], axis=0, out=u[:, :span])
    np.take(w_out, noise_ids, axis=0, out=u[:, span:])
    prob = sigmoid(v_chunks @ u.transpose(0, 2, 1))  # (G, c, span + N)

    distance = np.abs(np.arange(span)[None, :] - h - np.arange(c)[:, None])  # (c, span)
    is_pair = (
        (distance >= 1)
        & (distance <= window_pad.reshape(n_chunks, c, 1))
        & (sentence_pad[around][:, None, :] == sentence_pad[h : h + padded].reshape(n_chunks, c, 1))
    ).astype(w_in.dtype)
    pairs = is_pair.sum(axis=2, keepdims=True)  # (G, c, 1): pairs of each center
    weight = pairs * (negative / n_noise)
    positive, noise = prob[:, :, :span], prob[:, :, span:]
    loss = -float(np.sum(_log(positive) * is_pair) + np.sum(_log(1 - noise) * weight))

    # -lr times the gradient of the scores, then of both sides of the product.
    step = np.empty_like(prob)
    np.multiply(positive - 1, is_pair * -lr, out=step[:, :, :span])
    np.multiply(noise, weight * -lr, out=step[:, :, span:])
    dv = (step @ u).reshape(padded, dim)
    du = step.transpose(0, 2, 1) @ v_chunks  # (G, span + N, d)

    # Fold each chunk's "around" rows back onto token positions, c rows at a time (no overlaps).
    du_tokens = np.zeros((padded + span, dim), dtype=w_out.dtype)
    for k in range(0, span, c):
        width = min(c, span - k)
        du_tokens[k : k + padded].reshape(n_chunks, c, dim)[:, :width] += du[:, k : k + width]
    same_token = RowGroups(tokens, hot_row_cap)
    same_token.add_to(w_in, dv[:n])
    same_token.add_to(w_out, du_tokens[h : h + n])
    RowGroups(noise_ids, hot_row_cap).add_to(w_out, du[:, span:])
    return loss, int(pairs.sum())
