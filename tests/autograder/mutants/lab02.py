"""Lab 2's generic mutants (word2vec by hand); the near misses come from the spec."""

from __future__ import annotations

from collections import Counter

import numpy as np

from embedlab import word2vec as w2v


def _vocab(sentences, min_count, key=lambda wc: (-wc[1], wc[0]), keep=lambda c, m: c >= m):
    kept = sorted(((w, c) for w, c in Counter(w for s in sentences for w in s).items() if keep(c, min_count)),
                  key=key)
    return [w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64)


def _keep(counts, t, formula):
    f = np.asarray(counts, dtype=float) / np.sum(counts)
    return formula(f, t)


def _pairs(ids, window, sentence_ids, offsets):
    ids, sentence_ids = np.asarray(ids), np.asarray(sentence_ids)
    n = len(ids)
    centers, contexts = [], []
    for i in range(n):
        for o in offsets(window):
            j = i + o
            if 0 <= j < n and sentence_ids[i] == sentence_ids[j]:
                centers.append(ids[i])
                contexts.append(ids[j])
    return np.array(centers, dtype=int), np.array(contexts, dtype=int)


def _both_sides(w):
    return [o for o in range(-w, w + 1) if o]


def _loss(c, o, n, pos=lambda x: -w2v.log_sigmoid(x), neg=lambda x: -w2v.log_sigmoid(-x)):
    scores_pos, scores_neg = np.einsum("bd,bd->b", c, o), np.einsum("bd,bkd->bk", c, n)
    return pos(scores_pos) + neg(scores_neg).sum(axis=1)


def _swap_first_two(fn):
    def wrong(*args):
        first, second, third = fn(*args)
        return second, first, third
    return wrong


def _step_in_place(w_in, w_out, centers, contexts, negatives, lr):
    """The right update, but done on the caller's arrays (the lab asks for updated copies)."""
    v, u_o, u_n = w_in[centers], w_out[contexts], w_out[negatives]
    loss = w2v.sgns_loss(v, u_o, u_n)
    d_v, d_o, d_n = w2v.sgns_gradients(v, u_o, u_n)
    np.add.at(w_in, centers, -lr * d_v)
    np.add.at(w_out, contexts, -lr * d_o)
    np.add.at(w_out, negatives, -lr * d_n)
    return w_in.copy(), w_out.copy(), float(loss.mean())


def _step_lr(lr_used):
    def wrong(w_in, w_out, centers, contexts, negatives, lr):
        w_in, w_out = np.array(w_in, dtype=float), np.array(w_out, dtype=float)
        loss = w2v.sgd_step(w_in, w_out, centers, contexts, negatives, lr_used(lr))
        return w_in, w_out, loss
    return wrong


def _step_loss(reduce):
    def wrong(w_in, w_out, centers, contexts, negatives, lr):
        w_in, w_out = np.array(w_in, dtype=float), np.array(w_out, dtype=float)
        loss = w2v.sgns_loss(w_in[centers], w_out[contexts], w_out[negatives])
        w2v.sgd_step(w_in, w_out, centers, contexts, negatives, lr)
        return w_in, w_out, reduce(loss)
    return wrong


MUTANTS = {
    "build_vocab": {
        "alphabetical order": lambda s, m: _vocab(s, m, key=lambda wc: wc[0]),
        "ties reverse alphabetically": lambda s, m: _vocab(s, m, key=lambda wc: (-wc[1], [-ord(ch) for ch in wc[0]])),
        "min_count off by one (keeps min_count - 1)": lambda s, m: _vocab(s, m, keep=lambda c, mc: c >= mc - 1),
        "counts of the sentences a word occurs in": lambda s, m: (
            lambda words: (words, np.array([sum(w in sent for sent in s) for w in words])))(_vocab(s, m)[0]),
        "no counts": lambda s, m: (_vocab(s, m)[0], np.zeros(len(_vocab(s, m)[0]), dtype=int)),
    },
    "keep_probabilities": {
        "constant ones": lambda counts, t: np.ones(len(counts)),
        "the input echoed": lambda counts, t: np.asarray(counts, dtype=float),
        "t / f capped": lambda counts, t: _keep(counts, t, lambda f, t: np.minimum(1.0, t / f)),
        "sqrt(f / t) capped": lambda counts, t: _keep(counts, t, lambda f, t: np.minimum(1.0, np.sqrt(f / t))),
        "f by the number of words": lambda counts, t: np.minimum(
            1.0, (np.sqrt(counts / len(counts) / t) + 1) * t / (counts / len(counts))),
    },
    "context_pairs": {
        "window + 1": lambda ids, w, s: _pairs(ids, w, s, lambda w: _both_sides(w + 1)),
        "only to the left": lambda ids, w, s: _pairs(ids, w, s, lambda w: range(-w, 0)),
        "no pairs": lambda ids, w, s: (np.zeros(0, int), np.zeros(0, int)),
        "the input echoed": lambda ids, w, s: (np.asarray(ids), np.asarray(ids)),
        "centers and contexts swapped": lambda ids, w, s: _pairs(ids, w, s, _both_sides)[::-1],
    },
    "noise_distribution": {
        "uniform": lambda counts, p: np.full(len(counts), 1.0 / len(counts)),
        "divided by the largest": lambda counts, p: np.asarray(counts, float) ** p / np.max(counts) ** p,
        "power and normalising swapped in the exponent": lambda counts, p: p ** np.asarray(counts, float) / np.sum(
            p ** np.asarray(counts, float)),
        "the power 1 / p": lambda counts, p: np.asarray(counts, float) ** (1 / p) / np.sum(
            np.asarray(counts, float) ** (1 / p)),
        "the input echoed": lambda counts, p: np.asarray(counts, dtype=float),
    },
    "sgns_loss": {
        "constant zeros": lambda c, o, n: np.zeros(len(c)),
        "sigmoid without the log": lambda c, o, n: _loss(c, o, n, pos=lambda x: -w2v.sigmoid(x),
                                                         neg=lambda x: -w2v.sigmoid(-x)),
        "the context's sign flipped": lambda c, o, n: _loss(c, o, n, pos=lambda x: -w2v.log_sigmoid(-x)),
        "summed over the wrong axis": lambda c, o, n: -w2v.log_sigmoid(np.einsum("bd,bd->b", c, o)).sum()
        - w2v.log_sigmoid(-np.einsum("bd,bkd->bk", c, n)).sum(axis=0),
        "log of the noise words' sum": lambda c, o, n: -w2v.log_sigmoid(np.einsum("bd,bd->b", c, o))
        - w2v.log_sigmoid(-np.einsum("bd,bkd->bk", c, n).sum(axis=1)),
    },
    "sgns_gradients": {
        "constant zeros": lambda c, o, n: (np.zeros_like(c), np.zeros_like(o), np.zeros_like(n)),
        "d_center and d_context swapped": _swap_first_two(w2v.sgns_gradients),
        "d_negatives summed over K": lambda c, o, n: (*w2v.sgns_gradients(c, o, n)[:2],
                                                      w2v.sgns_gradients(c, o, n)[2].sum(axis=1)),
        "d_context from the context": lambda c, o, n: (w2v.sgns_gradients(c, o, n)[0],
                                                       (w2v.sigmoid(np.einsum("bd,bd->b", c, o)) - 1)[:, None] * o,
                                                       w2v.sgns_gradients(c, o, n)[2]),
        "the inputs echoed": lambda c, o, n: (c, o, n),
    },
    "sgd_step": {
        "the inputs echoed": lambda w_in, w_out, c, o, n, lr: (np.array(w_in), np.array(w_out), 0.0),
        "updated in place": _step_in_place,
        "lr ignored (0.1)": _step_lr(lambda lr: 0.1),
        "lr twice": _step_lr(lambda lr: 2 * lr),
        "the loss of the first pair": _step_loss(lambda loss: float(loss[0])),
        "every pair's loss": _step_loss(lambda loss: loss),
    },
}
