"""The fast SGNS step: a block of running text at once, with negatives shared by neighbouring words.

Two ideas turn per-pair work into whole-array work:

* **Positives as shifted rows.** In a block of consecutive tokens with input vectors
  ``V`` (B, d) and output vectors ``U`` (B, d), the pairs at distance ``o`` are the
  rows ``V[:-o]`` against ``U[o:]`` (and back). One gather per *token* replaces one
  gather per *pair*, and each window offset is a single elementwise product.
* **Shared negatives.** Instead of K fresh noise words per pair, each group of
  neighbouring center words shares one set of N noise words, so the negative scores
  are a small matrix product ``V_group @ U_noise.T``. A center with ``m`` pairs would
  get ``m K`` independent negatives; weighting each shared one by ``m K / N`` keeps the
  expected gradient of the loss exactly that of K independent negatives per pair.
"""

from __future__ import annotations

import numpy as np

from .sgns import RowGroups, log_sigmoid, sigmoid

__all__ = ["shared_negative_step"]


def _log(p: np.ndarray) -> np.ndarray:
    """``log p`` for probabilities, with 0 clipped to the smallest float32 so a loss stays finite."""
    return np.log(np.maximum(p, np.finfo(np.float32).tiny))


def _positive_pass(v, u, dv, du, centers, contexts, mask) -> float:
    """Score the pairs ``(v[centers], u[contexts])`` (two aligned slices), accumulate gradients, return loss."""
    prob = sigmoid(np.einsum("bd,bd->b", v[centers], u[contexts]))
    g = (prob - 1) * mask
    dv[centers] += g[:, None] * u[contexts]
    du[contexts] += g[:, None] * v[centers]
    return -float(_log(prob) @ mask)


def shared_negative_step(
    w_in: np.ndarray,
    w_out: np.ndarray,
    tokens: np.ndarray,
    sentence_ids: np.ndarray,
    windows: np.ndarray,
    noise_ids: np.ndarray,
    negative: int,
    lr: float,
) -> tuple[float, int]:
    """One SGD step of skip-gram with negative sampling on a block of consecutive tokens.

    ``tokens``, ``sentence_ids``, ``windows`` (B,): the (already subsampled) word ids,
    the sentence each belongs to (pairs never cross sentences) and each center's
    reduced window. ``noise_ids`` (G, N): N shared noise words for each of G groups
    of ``ceil(B / G)`` consecutive centers. ``negative``: the K the weighting emulates.
    Updates ``w_in`` and ``w_out`` (V, d) in place; returns ``(summed loss, n_pairs)``.
    """
    n, dim = len(tokens), w_in.shape[1]
    n_groups, n_noise = noise_ids.shape
    group = -(-n // n_groups)
    v = np.zeros((n_groups * group, dim), dtype=w_in.dtype)  # padded to whole groups
    np.take(w_in, tokens, axis=0, out=v[:n])
    u = np.take(w_out, tokens, axis=0)
    dv, du = np.zeros_like(v), np.zeros_like(u)
    pairs_per_center = np.zeros(len(v), dtype=w_in.dtype)
    loss = 0.0
    for o in range(1, int(windows.max(initial=0)) + 1):
        left, right = slice(0, n - o), slice(o, n)
        same_sentence = sentence_ids[left] == sentence_ids[right]
        for centers, contexts in ((left, right), (right, left)):
            mask = (same_sentence & (windows[centers] >= o)).astype(w_in.dtype)
            loss += _positive_pass(v, u, dv, du, centers, contexts, mask)
            pairs_per_center[centers] += mask

    # Negatives: (G, group, d) centers against (G, N, d) shared noise vectors.
    u_noise = np.take(w_out, noise_ids, axis=0)
    v_groups = v.reshape(n_groups, group, dim)
    prob = sigmoid(v_groups @ u_noise.transpose(0, 2, 1))  # (G, group, N)
    weight = (pairs_per_center * (negative / n_noise)).reshape(n_groups, group, 1)
    g = prob * weight
    dv += (g @ u_noise).reshape(-1, dim)
    d_noise = g.transpose(0, 2, 1) @ v_groups  # (G, N, d)
    loss -= float(np.sum(_log(1 - prob) * weight))

    same_tokens = RowGroups(tokens)
    same_tokens.add_to(w_in, -lr * dv[:n])
    same_tokens.add_to(w_out, -lr * du)
    RowGroups(noise_ids).add_to(w_out, -lr * d_noise)
    return loss, int(pairs_per_center.sum())
