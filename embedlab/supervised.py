"""Word embeddings learned from a task: an embedding table, mean pooling and a logistic output, in numpy.

The model of a sentence with token ids ``t_1..t_L`` is

    pooled = mean_j E[t_j]            (d,)
    p      = sigmoid(pooled @ w + b)  probability of the positive class

trained with the mean binary cross-entropy over a batch. Sentences of a batch
are padded to one length; ``mask`` (1 for a real token, 0 for padding) keeps
padding out of the mean and out of the gradients. Because the only thing the
loss can see of a word is ``E[t] @ w``, the table learns one useful direction
(the sentiment axis), which chapter 6 shows.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .word2vec.sgns import sigmoid

__all__ = ["SentimentModel", "bce_loss", "forward", "gradients", "pad_batch", "train_sentiment_embeddings"]


def pad_batch(sentences: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Token-id lists as ``ids (B, L)`` padded with ``pad_id`` and ``mask (B, L)`` (1.0 = real token)."""
    if not sentences or any(len(s) == 0 for s in sentences):
        raise ValueError("every sentence needs at least one token id (drop empty sentences first).")
    length = max(map(len, sentences))
    ids = np.full((len(sentences), length), pad_id, dtype=np.int64)
    mask = np.zeros((len(sentences), length))
    for i, s in enumerate(sentences):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1.0
    return ids, mask


def _check(E, w, ids, mask) -> None:
    if E.ndim != 2 or w.shape != (E.shape[1],):
        raise ValueError(f"E must be (V, d) and w (d,); got {E.shape} and {w.shape}.")
    if ids.shape != mask.shape or ids.ndim != 2:
        raise ValueError(f"ids and mask must both be (B, L); got {ids.shape} and {mask.shape}.")
    if np.any(mask.sum(axis=1) == 0):
        raise ValueError("a sentence in the batch has no real token (its mask row is all zeros).")


def forward(E: np.ndarray, w: np.ndarray, b: float, ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(pooled (B, d), p (B,))``: the mean of each sentence's real token vectors and its positive probability."""
    E, w, ids, mask = np.asarray(E, float), np.asarray(w, float), np.asarray(ids), np.asarray(mask, float)
    _check(E, w, ids, mask)
    pooled = np.einsum("bl,bld->bd", mask, E[ids]) / mask.sum(axis=1, keepdims=True)
    return pooled, sigmoid(pooled @ w + b)


def bce_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy of probabilities ``p`` against labels ``y`` in {0, 1}."""
    p = np.clip(np.asarray(p, float), 1e-12, 1 - 1e-12)
    y = np.asarray(y, float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def gradients(E, w, b, ids, mask, y) -> tuple[np.ndarray, np.ndarray, float]:
    """Gradients ``(dE (V, d), dw (d,), db)`` of the batch's mean binary cross-entropy.

    With ``g = (p - y) / B`` per sentence: ``dw = pooled.T @ g``, ``db = sum(g)``, and each real
    token of sentence ``i`` adds ``g_i * w / length_i`` to its row of ``dE`` (repeated ids add up).
    """
    E, w, ids, mask = np.asarray(E, float), np.asarray(w, float), np.asarray(ids), np.asarray(mask, float)
    pooled, p = forward(E, w, b, ids, mask)
    g = (p - np.asarray(y, float)) / len(p)
    per_token = (g / mask.sum(axis=1))[:, None] * mask  # (B, L): d loss / d pooled, spread over the tokens
    dE = np.zeros_like(E)
    np.add.at(dE, ids.ravel(), per_token.ravel()[:, None] * w[None, :])
    return dE, pooled.T @ g, float(g.sum())


@dataclass
class SentimentModel:
    """A trained table ``E (V, d)``, output ``w (d,)``, ``b``, and the mean loss of every epoch."""

    E: np.ndarray
    w: np.ndarray
    b: float
    loss_history: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def predict(self, sentences: Sequence[Sequence[int]]) -> np.ndarray:
        """Positive-class probability of each sentence (lists of token ids)."""
        return forward(self.E, self.w, self.b, *pad_batch(sentences))[1]


def train_sentiment_embeddings(sentences: Sequence[Sequence[int]], labels, vocab_size: int, dim: int = 16,
                               epochs: int = 10, lr: float = 0.5, batch_size: int = 32, seed: int = 0,
                               pad_id: int = 0) -> SentimentModel:
    """Mini-batch SGD (Adagrad-scaled, so rare words still move) on the mean binary cross-entropy."""
    labels = np.asarray(labels, float)
    if len(sentences) != len(labels) or not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError("need one label in {0, 1} per sentence.")
    rng = np.random.default_rng(seed)
    E = rng.normal(0, 0.1, (vocab_size, dim))
    w, b = rng.normal(0, 0.1, dim), 0.0
    acc = [np.full_like(E, 1e-8), np.full_like(w, 1e-8), 1e-8]
    model = SentimentModel(E, w, b)
    start = time.perf_counter()
    for _ in range(epochs):
        losses = []
        order = rng.permutation(len(sentences))
        for at in range(0, len(order), batch_size):
            chosen = order[at : at + batch_size]
            ids, mask = pad_batch([sentences[i] for i in chosen], pad_id)
            losses.append(bce_loss(forward(E, w, b, ids, mask)[1], labels[chosen]))
            dE, dw, db = gradients(E, w, b, ids, mask, labels[chosen])
            acc[0] += dE**2
            acc[1] += dw**2
            acc[2] += db**2
            E -= lr * dE / np.sqrt(acc[0])
            w -= lr * dw / np.sqrt(acc[1])
            b -= lr * db / np.sqrt(acc[2])
        model.loss_history.append(float(np.mean(losses)))
    model.b, model.seconds = b, time.perf_counter() - start
    return model
