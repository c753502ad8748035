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

from contextlib import AbstractContextManager
from functools import lru_cache

import numpy as np

from .sgns import RowGroups

__all__ = ["shared_negative_step", "window_reach"]

_BIG = 1e30  # exp(-score) is clipped here: a score below -69 counts as -69


def window_reach(sentence_ids: np.ndarray, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many words each center's window reaches to its left and right without leaving its sentence.

    ``sentence_ids`` (n,): each token's sentence, every sentence one contiguous run;
    ``windows`` (n,): each center's reduced window. Returns ``(left, right)``, int32 (n,);
    the center has ``left + right`` pairs.
    """
    n = len(sentence_ids)
    positions = np.arange(n, dtype=np.int32)
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(sentence_ids[1:], sentence_ids[:-1], out=new[1:])
    start = np.maximum.accumulate(np.where(new, positions, 0))
    ends = np.ones(n, dtype=bool)
    ends[:-1] = new[1:]
    last = np.where(ends, positions, n)  # a sentence's last position, else n
    end = np.minimum.accumulate(last[::-1])[::-1]
    return np.minimum(windows, positions - start), np.minimum(windows, end - positions)


@lru_cache(maxsize=16)
def _band(c: int, h: int, dtype: np.dtype) -> np.ndarray:
    """``band[l, r, i, j]`` = 1 if around-slot ``j`` is a context of center ``i`` with reach ``(l, r)``.

    Center ``i`` of a chunk sits at slot ``i + h`` of the chunk's ``c + 2h`` around-slots.
    """
    offset = np.arange(c + 2 * h)[None, :] - h - np.arange(c)[:, None]  # (c, span)
    reach = np.arange(h + 1)
    band = ((offset[None, None] >= -reach[:, None, None, None]) & (offset[None, None] <= reach[None, :, None, None])
            & (offset != 0))
    band = band.astype(dtype)
    band.flags.writeable = False
    return band


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
    lock: AbstractContextManager | None = None,
) -> tuple[float, int]:
    """One SGD step of skip-gram with negative sampling on a block of consecutive tokens.

    ``tokens``, ``sentence_ids``, ``windows`` (B,): the (already subsampled) word ids,
    the sentence each belongs to (each sentence one contiguous run; pairs never cross
    sentences) and each center's reduced window. ``noise_ids`` (G, N): N shared noise
    words for each of G chunks of ``c = ceil(B / G)`` consecutive centers (``c`` must
    be at least the largest window). ``negative``: the K the weighting emulates.
    ``hot_row_cap``: see the module docstring (``None`` sums every update). Updates
    ``w_in`` and ``w_out`` (V, d) in place, holding ``lock`` (if given) only while the
    updates are added (see :meth:`RowGroups.add_to`); returns ``(summed loss, number of pairs)``.
    """
    n, dim, dtype = len(tokens), w_in.shape[1], w_in.dtype
    n_chunks, n_noise = noise_ids.shape
    c = -(-n // n_chunks)
    h = int(windows.max(initial=1))
    if c < h:
        raise ValueError(f"chunks of {c} centers are shorter than the window {h}; use fewer chunks.")
    span, padded = c + 2 * h, n_chunks * c

    # Weight of every score: 1 for a (center, context) pair, 0 for other around-slots
    # (a precomputed band looked up by each center's reach), m K / N for the noise words.
    reach = np.zeros((2, padded), dtype=np.intp)  # padding centers reach nothing
    reach[:, :n] = window_reach(sentence_ids, windows)
    weight = np.empty((n_chunks, c, span + n_noise), dtype=dtype)
    weight[:, :, :span] = _band(c, h, dtype)[reach[0].reshape(n_chunks, c), reach[1].reshape(n_chunks, c),
                                             np.arange(c)]
    pairs = reach.sum(axis=0).reshape(n_chunks, c, 1)
    np.multiply(pairs, negative / n_noise, out=weight[:, :, span:], casting="unsafe")

    # Gather the centers' input vectors and, per chunk, the output vectors of the around
    # tokens and, negated, of the noise words: then every score is that of the right answer.
    v = np.empty((padded, dim), dtype=dtype)
    v[n:] = 0  # padding centers
    np.take(w_in, tokens, axis=0, out=v[:n])
    v_chunks = v.reshape(n_chunks, c, dim)
    token_pad = np.zeros(padded + 2 * h, dtype=np.intp)
    token_pad[h : h + n] = tokens
    around = token_pad[np.arange(0, padded, c)[:, None] + np.arange(span)]  # (G, span) word ids
    u = np.empty((n_chunks, span + n_noise, dim), dtype=dtype)  # [around; -noise] per chunk
    np.take(w_out, around, axis=0, out=u[:, :span])
    np.take(w_out, noise_ids, axis=0, out=u[:, span:])
    np.negative(u[:, span:], out=u[:, span:])

    # With e = exp(-score): loss = Σ weight log(1 + e); d loss / d score = -weight e / (1 + e).
    e = np.matmul(v_chunks, u.transpose(0, 2, 1))  # (G, c, span + N) scores, then e in place
    with np.errstate(over="ignore"):
        np.exp(np.negative(e, out=e), out=e)
    np.minimum(e, _BIG, out=e)  # keeps log(1 + e) and e / (1 + e) finite
    grad = np.add(e, 1)
    loss = float(np.vdot(np.log(grad), weight))  # np.log is vectorised, np.log1p is not
    np.divide(e, grad, out=grad)
    grad *= weight  # minus the gradient of the loss with respect to the scores

    # Back through the products; lr goes into the scatter (noise rows were negated: +lr).
    dv = np.matmul(grad, u).reshape(padded, dim)
    du = np.matmul(grad.transpose(0, 2, 1), v_chunks)  # (G, span + N, d)

    # Fold each chunk's around rows back onto token positions, c rows at a time (no overlaps).
    du_tokens = np.empty((padded + span, dim), dtype=dtype)
    du_tokens[:padded] = du[:, :c].reshape(padded, dim)  # the first c slots of every chunk tile the block
    du_tokens[padded:] = 0
    for k in range(c, span, c):
        width = min(c, span - k)
        du_tokens[k : k + padded].reshape(n_chunks, c, dim)[:, :width] += du[:, k : k + width]
    same_token = RowGroups(tokens, hot_row_cap, factor=lr)
    same_token.add_to(w_in, dv[:n], lock)
    same_token.add_to(w_out, du_tokens[h : h + n], lock)
    RowGroups(noise_ids, hot_row_cap, factor=-lr).add_to(w_out, du[:, span:], lock)
    return loss, int(pairs.sum())
