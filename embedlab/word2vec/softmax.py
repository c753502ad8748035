"""The textbook skip-gram: a softmax over the whole vocabulary for every (center, context) pair.

``P(context = o | center = c) = exp(u_o · v_c) / Σ_w exp(u_w · v_c)``. Exact, but every
pair touches all V output vectors, which is why word2vec replaces it with negative
sampling; here it trains on toy corpora, for teaching.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..embeddings import Embeddings
from .sampling import context_pairs
from .trainer import Word2VecResult
from .vocab import build_vocab, encode

__all__ = ["softmax_gradients", "softmax_loss", "train_softmax_skipgram"]


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_loss(center: np.ndarray, w_out: np.ndarray, contexts: np.ndarray) -> np.ndarray:
    """Cross-entropy ``-log P(context | center)`` of each pair, shape (B,).

    ``center`` (B, d): input vectors of the center words; ``w_out`` (V, d): every
    output vector; ``contexts`` (B,): the ids of the true context words.
    """
    log_p = _log_softmax(center @ w_out.T)
    return -log_p[np.arange(len(contexts)), contexts]


def softmax_gradients(
    center: np.ndarray, w_out: np.ndarray, contexts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``softmax_loss(...).sum()``: ``(d_center (B, d), d_w_out (V, d))``.

    With ``P`` the (B, V) softmax and ``Y`` the one-hot contexts, the score gradient
    is ``P - Y``; then ``d_center = (P - Y) @ w_out`` and ``d_w_out = (P - Y).T @ center``.
    Note ``d_w_out`` has a row for *every* word: that is the cost negative sampling avoids.
    """
    d_scores = np.exp(_log_softmax(center @ w_out.T))
    d_scores[np.arange(len(contexts)), contexts] -= 1
    return d_scores @ w_out, d_scores.T @ center


def train_softmax_skipgram(
    sentences: Sequence[Sequence[str]],
    vector_size: int = 10,
    window: int = 2,
    epochs: int = 200,
    lr: float = 0.5,
    seed: int = 0,
) -> Word2VecResult:
    """Full-batch gradient descent on the mean softmax loss of every pair (fixed window).

    Returns the input vectors as embeddings and the mean loss of every epoch.
    """
    vocab = build_vocab(sentences, min_count=1)
    ids, sentence_ids = encode(sentences, vocab)
    centers, contexts = context_pairs(ids, np.full(len(ids), window), sentence_ids)
    rng = np.random.default_rng(seed)
    w_in = rng.normal(0, 0.1, (len(vocab), vector_size))
    w_out = rng.normal(0, 0.1, (len(vocab), vector_size))
    losses = []
    for _ in range(epochs):
        v = w_in[centers]
        losses.append(float(softmax_loss(v, w_out, contexts).mean()))
        d_center, d_w_out = softmax_gradients(v, w_out, contexts)
        np.add.at(w_in, centers, -lr * d_center / len(centers))
        w_out -= lr * d_w_out / len(centers)
    return Word2VecResult(Embeddings(vocab.words, w_in), np.array(losses), vocab, seconds=float("nan"))
