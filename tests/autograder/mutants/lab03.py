"""Lab 3's generic mutants (analogies and bias); the near misses come from the spec."""

from __future__ import annotations

import numpy as np

from embedlab import bias


def _unit(x):
    x = np.asarray(x, dtype=float)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _best(scores, excluded):
    scores = np.array(scores, dtype=float)
    scores[list(excluded)] = -np.inf
    return int(np.argmax(scores))


def _cosadd(vectors, a, b, c, query=lambda u, a, b, c: u[b] - u[a] + u[c]):
    unit = _unit(vectors)
    return _best(unit @ query(unit, a, b, c), (a, b, c))


def _cosmul_scores(vectors, a, b, c):
    unit = _unit(vectors)
    cos_a, cos_b, cos_c = ((unit @ unit[i] + 1) / 2 for i in (a, b, c))
    return cos_b * cos_c / (cos_a + 1e-6)


def _cosmul(vectors, a, b, c):
    return _best(_cosmul_scores(vectors, a, b, c), (a, b, c))


def _euclidean(vectors, a, b, c):
    """The row nearest to b - a + c by Euclidean distance, without normalising (on unit rows this ranks
    like the cosine, so it would be right)."""
    v = np.asarray(vectors, dtype=float)
    return _best(-np.linalg.norm(v - (v[b] - v[a] + v[c]), axis=1), (a, b, c))


def _argmin(vectors, a, b, c):
    unit = _unit(vectors)
    scores = unit @ (unit[b] - unit[a] + unit[c])
    scores[[a, b, c]] = np.inf
    return int(np.argmin(scores))


def _accuracy(vectors, questions, categories, answer=_cosadd, per=lambda hits, cats, k: hits[cats == k].mean()):
    questions, categories = np.asarray(questions), np.asarray(categories)
    hits = np.array([answer(vectors, *q[:3]) == q[3] for q in questions], dtype=float)
    return np.array([per(hits, categories, k) for k in range(int(categories.max()) + 1)])


def _s(w, a, b):
    w, a, b = _unit(w), _unit(a), _unit(b)
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


def _neutralize_in_place(vectors, direction):
    g = _unit(direction)
    vectors -= np.outer(vectors @ g, g)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


MUTANTS = {
    "analogy_3cosadd": {
        "3CosMul": _cosmul,
        "only b (the baseline)": lambda v, a, b, c: _cosadd(v, a, b, c, query=lambda u, a, b, c: u[b]),
        "a flipped sign (a - b + c)": lambda v, a, b, c: _cosadd(v, b, a, c),
        "the least similar": _argmin,
        "constant 0": lambda v, a, b, c: 0,
        "Euclidean nearest, rows as they are": _euclidean,
    },
    "analogy_3cosmul": {
        "3CosAdd": _cosadd,
        "only b (the baseline)": lambda v, a, b, c: _cosadd(v, a, b, c, query=lambda u, a, b, c: u[b]),
        "a and b swapped": lambda v, a, b, c: _cosmul(v, b, a, c),
        "the least similar": lambda v, a, b, c: _best(-_cosmul_scores(v, a, b, c), (a, b, c)),
        "constant 0": lambda v, a, b, c: 0,
    },
    "accuracy_by_category": {
        "constant zeros": lambda v, q, c: np.zeros(int(np.max(c)) + 1),
        "the error rate": lambda v, q, c: 1 - _accuracy(v, q, c),
        "answered by 3CosMul": lambda v, q, c: _accuracy(v, q, c, answer=_cosmul),
        "divided by all questions": lambda v, q, c: _accuracy(
            v, q, c, per=lambda hits, cats, k: hits[cats == k].sum() / len(hits)),
        "categories shifted by one": lambda v, q, c: np.roll(_accuracy(v, q, c), 1),
    },
    "bias_direction": {
        "the first pair only": lambda f, s: _unit(np.asarray(f)[0] - np.asarray(s)[0]),
        "rows normalised first": lambda f, s: _unit((_unit(f) - _unit(s)).mean(axis=0)),
        "unit differences averaged": lambda f, s: _unit(_unit(np.asarray(f) - np.asarray(s)).mean(axis=0)),
        "the mean of first": lambda f, s: _unit(np.asarray(f).mean(axis=0)),
        "summed over the wrong axis": lambda f, s: _unit((np.asarray(f) - np.asarray(s)).mean(axis=1)),
    },
    "project": {
        "a flipped sign": lambda v, g: -(np.asarray(v) @ _unit(g)),
        "divided by |g| squared": lambda v, g: np.asarray(v) @ g / (g @ g),
        "the absolute value": lambda v, g: np.abs(np.asarray(v) @ _unit(g)),
        "constant zeros": lambda v, g: np.zeros(len(v)),
        "the row lengths": lambda v, g: np.linalg.norm(v, axis=1),
    },
    "weat_effect_size": {
        "a flipped sign (X and Y swapped)": lambda x, y, a, b: bias.weat_effect_size(y, x, a, b),
        "not divided by the spread": lambda x, y, a, b: float(_s(x, a, b).mean() - _s(y, a, b).mean()),
        "the mean of the two spreads": lambda x, y, a, b: float(
            (_s(x, a, b).mean() - _s(y, a, b).mean())
            / ((np.std(_s(x, a, b), ddof=1) + np.std(_s(y, a, b), ddof=1)) / 2)),
        "constant 0": lambda x, y, a, b: 0.0,
        "A and B averaged together": lambda x, y, a, b: float(
            ((_unit(x) @ _unit(a).T).mean() - (_unit(y) @ _unit(a).T).mean())
            / np.std(np.concatenate([(_unit(x) @ _unit(a).T).mean(axis=1), (_unit(y) @ _unit(a).T).mean(axis=1)]),
                     ddof=1)),
    },
    "neutralize": {
        "changed in place": _neutralize_in_place,
        "the input echoed": lambda v, g: np.array(v, dtype=float),
        "only rescaled": lambda v, g: _unit(v),
        "returned the component": lambda v, g: np.outer(np.asarray(v) @ _unit(g), _unit(g)),
        "rescaled along the wrong axis": lambda v, g: (
            lambda out: out / np.linalg.norm(out, axis=0, keepdims=True))(
            np.asarray(v) - np.outer(np.asarray(v) @ _unit(g), _unit(g))),
    },
}
