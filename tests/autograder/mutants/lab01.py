"""Lab 1's generic mutants (token embeddings and cosine similarity); the near misses come from the spec."""

from __future__ import annotations

import numpy as np


def _unit(E):
    E = np.asarray(E, dtype=float)
    return E / np.linalg.norm(E, axis=-1, keepdims=True)


def _cos(u, v):
    return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def _row(token, E, labels):
    return np.asarray(E)[list(labels).index(token)]


def _ranked(scores, token, k, labels):
    order = np.argsort(-np.asarray(scores), kind="stable")
    return [labels[i] for i in order if labels[i] != token][:k]


def _similar(token, k, E, labels, score=lambda E, row: _unit(E) @ _unit(row)):
    return _ranked(score(E, _row(token, E, labels)), token, k, labels)


def _printing(value):
    """A print_similarity that prints the lab's line with ``value(...)`` and returns it."""
    def wrong(t1, t2, E, labels):
        sim = value(_row(t1, E, labels), _row(t2, E, labels))
        print(f'Cosine similarity between "{t1}" and "{t2}" = {sim:.2f}')
        return sim
    return wrong


def _silent(t1, t2, E, labels):
    return _cos(_row(t1, E, labels), _row(t2, E, labels))


U, V = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

MUTANTS = {
    "arrays": {
        "u and v swapped": (V, U, M, (2, 3)),
        "M transposed": (U, V, M.T, (3, 2)),
        "M from u and v as columns": (U, V, np.stack([U, V], axis=1), (3, 2)),
        "lists instead of arrays": (U.tolist(), V.tolist(), M.tolist(), (2, 3)),
    },
    "get_row": {
        "constant zeros": lambda E, i: np.zeros(np.shape(E)[1]),
        "the input echoed": lambda E, i: E,
        "the first row": lambda E, i: E[0],
        "the last row": lambda E, i: E[-1],
        "off by one": lambda E, i: E[i - 1],
        "off by one (next)": lambda E, i: E[(i + 1) % len(E)],
        "a unit row": lambda E, i: _unit(E[i]),
    },
    "get_column": {
        "constant zeros": lambda E, j: np.zeros(len(E)),
        "the input echoed": lambda E, j: E,
        "the first column": lambda E, j: E[:, 0],
        "the last column": lambda E, j: E[:, -1],
        "off by one": lambda E, j: E[:, j - 1],
        "the row sums": lambda E, j: E.sum(axis=1),
    },
    "dot_product": {
        "constant 0": lambda u, v: 0.0,
        "the sum of both": lambda u, v: float(np.sum(u) + np.sum(v)),
        "a flipped sign": lambda u, v: -float(u @ v),
        "the mean of the products": lambda u, v: float(np.mean(u * v)),
        "the cosine": _cos,
        "u with itself": lambda u, v: float(u @ u),
        "the product of the lengths": lambda u, v: float(np.linalg.norm(u) * np.linalg.norm(v)),
    },
    "cos_sim": {
        "constant 0": lambda u, v: 0.0,
        "constant 1": lambda u, v: 1.0,
        "a flipped sign": lambda u, v: -_cos(u, v),
        "the absolute value": lambda u, v: abs(_cos(u, v)),
        "squared lengths": lambda u, v: float(u @ v / (u @ u * (v @ v))),
        "integer division": lambda u, v: float(u @ v // (np.linalg.norm(u) * np.linalg.norm(v))),
        "the sum of the lengths": lambda u, v: float(u @ v / (np.linalg.norm(u) + np.linalg.norm(v))),
    },
    "get_embedding": {
        "constant zeros": lambda t, E, labels: np.zeros(np.shape(E)[1]),
        "the first row": lambda t, E, labels: np.asarray(E)[0] if t in labels else labels.index(t),
        "off by one": lambda t, E, labels: np.asarray(E)[labels.index(t) - 1],
        "the column": lambda t, E, labels: np.asarray(E)[:, labels.index(t) % np.shape(E)[1]],
        "a unit row": lambda t, E, labels: _unit(_row(t, E, labels)),
    },
    "print_similarity": {
        "prints nothing": _silent,
        "prints and returns the dot product": _printing(lambda u, v: float(u @ v)),
        "prints and returns a flipped sign": _printing(lambda u, v: -_cos(u, v)),
        "prints and returns the distance": _printing(lambda u, v: 1.0 - _cos(u, v)),
        "prints the cosine, returns 0": lambda t1, t2, E, labels: (_printing(_cos)(t1, t2, E, labels), 0.0)[1],
    },
    "similarity_matrix": {
        "the identity": lambda E: np.eye(len(E)),
        "the input echoed": lambda E: E,
        "only one side normalised": lambda E: _unit(E) @ np.asarray(E).T,
        "the distance 1 - cos": lambda E: 1.0 - _unit(E) @ _unit(E).T,
        "a flipped sign": lambda E: -(_unit(E) @ _unit(E).T),
        "normalised by the largest row": lambda E: E @ E.T / np.max(np.sum(E * E, axis=1)),
    },
    "most_similar": {
        "the first k labels": lambda t, k, E, labels: [w for w in labels if w != t][:k],
        "one too many": lambda t, k, E, labels: _similar(t, k + 1, E, labels),
        "one too few": lambda t, k, E, labels: _similar(t, k - 1, E, labels),
        "the row numbers": lambda t, k, E, labels: [labels.index(w) for w in _similar(t, k, E, labels)],
        "by Euclidean distance": lambda t, k, E, labels: _similar(
            t, k, E, labels, lambda E, row: -np.linalg.norm(np.asarray(E) - row, axis=1)),
    },
}
