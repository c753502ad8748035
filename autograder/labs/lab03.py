"""Lab 3: analogies and bias (3CosAdd, 3CosMul, accuracy by category, a bias direction, projection,
WEAT effect size, neutralising).

References come from :mod:`embedlab.evaluation` (the analogy engine) and
:mod:`embedlab.bias`; students get raw arrays (no ``Embeddings`` object, whose
``most_similar`` is the answer). Inputs are small random tables drawn from the
grading seed, built so that every near miss differs from the reference: rows of
very different lengths (forgetting to normalise changes the answer), a question
whose a and b are almost the same word (so ``b - a + c`` stays next to ``c`` and
an input wins when inputs are not excluded), and negative cosines (so 3CosMul
without the shift to [0, 1] ranks differently). Each analogy question is drawn
again until every known mistake (those, the other method, a - b + c, only b)
answers it differently; 3CosMul's questions also have the same answer for any
epsilon up to the paper's 1e-3, which the lab accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from embedlab import bias
from embedlab.evaluation import evaluate_analogies, scoring
from embedlab.similarity import normalize

from ..spec import Case, Exercise, Lab, NearMiss

# -- input generators -------------------------------------------------------------------------

def _table(rng: np.random.Generator, n: int | None = None, d: int | None = None) -> np.ndarray:
    """Random word vectors with lengths spread over two orders of magnitude."""
    n, d = n or int(rng.integers(25, 40)), d or int(rng.integers(4, 8))
    return rng.standard_normal((n, d)) * np.exp(rng.uniform(-2, 2.5, (n, 1)))


def _trap_question(rng: np.random.Generator, vectors: np.ndarray,
                   spread: float = 0.05) -> tuple[np.ndarray, int, int, int]:
    """a and b nearly equal (b differs from a by ``spread`` of its length): b - a + c is close to c, so c
    wins when the inputs are not excluded; and a long row moderately aligned with that query, which wins
    when the rows are not normalised."""
    vectors = vectors.copy()
    a, b, c, decoy = (int(i) for i in rng.choice(len(vectors), 4, replace=False))
    vectors[b] = vectors[a] * 1.3 + spread * np.linalg.norm(vectors[a]) * rng.standard_normal(vectors.shape[1])
    unit_c = vectors[c] / np.linalg.norm(vectors[c])
    noise = rng.standard_normal(vectors.shape[1])
    noise -= (noise @ unit_c) * unit_c
    vectors[decoy] = 60 * (0.6 * unit_c + 0.8 * noise / np.linalg.norm(noise))
    return vectors, a, b, c


def _telling_question(rng: np.random.Generator, method: str, mistakes: Sequence[Callable],
                      same: Sequence[Callable] = ()) -> Case:
    """A trap question (drawn again until it fits) whose answer by ``method`` differs from the answer of
    every one of ``mistakes`` and equals that of every one of ``same`` (the variants the lab accepts).
    The quick numpy versions screen the draws; the reference confirms the one kept."""
    right_by = {"3cosadd": lambda *q: _raw_3cosadd(*q, normalise=True), "3cosmul": _3cosmul_with}[method]
    while True:
        args = _trap_question(rng, _table(rng), spread=float(rng.uniform(0.05, 0.5)))
        right = right_by(*args)
        if (all(wrong(*args) != right for wrong in mistakes) and all(ok(*args) == right for ok in same)
                and _analogy(*args, method) == right):
            return Case(args)


def _questions(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Questions (q, 4) over ``n`` words, in 3 categories; some are answerable (d = the 3CosAdd answer)."""
    q = int(rng.integers(12, 20))
    ids = np.stack([rng.choice(n, 4, replace=False) for _ in range(q)])
    return ids, rng.integers(0, 3, q)


def _accuracy_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(3):
        vectors = _table(rng)
        ids, categories = _questions(rng, len(vectors))
        # make about half of the questions right, so accuracies are neither 0 nor 1
        for i in range(0, len(ids), 2):
            ids[i, 3] = _analogy(vectors, *ids[i, :3], "3cosadd")
        # one trap question per case: with the inputs kept, its answer is c
        trapped, a, b, c = _trap_question(rng, vectors)
        ids[1] = [a, b, c, _analogy(trapped, a, b, c, "3cosadd")]
        categories[:3] = [0, 1, 2]  # every category has questions
        cases.append(Case((trapped, ids, categories)))
    return cases


def _pairs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Word pairs whose differences share a direction (plus noise), with rows of different lengths."""
    k, d = int(rng.integers(3, 7)), int(rng.integers(4, 9))
    g = rng.standard_normal(d) * 2
    second = _table(rng, k, d)
    return second + g + 0.5 * rng.standard_normal((k, d)), second


def _weat_sets(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    d = int(rng.integers(4, 9))
    nx, na = int(rng.integers(4, 8)), int(rng.integers(3, 6))
    shift = rng.standard_normal(d)
    return (_table(rng, nx, d) + shift * 3, _table(rng, nx, d) - shift * 3, _table(rng, na, d) + shift * 2,
            _table(rng, na, d))


def _direction(rng: np.random.Generator, d: int) -> np.ndarray:
    return rng.standard_normal(d) * float(rng.uniform(0.3, 5))


# -- references (embedlab.evaluation, embedlab.bias) -----------------------------------------------

def _analogy(vectors, a, b, c, method):
    unit = normalize(np.asarray(vectors, dtype=np.float64))
    best, _ = scoring.rank_candidates(unit, unit[[b, c]], unit[[a]], method, topn=1, excluded=[a, b, c])
    return int(best[0])


def _accuracy(vectors, questions, categories, exclude_inputs=True):
    """3CosAdd accuracy per category id (0, 1, ...), through the course's evaluation."""
    from embedlab import Embeddings  # the reference table type, never handed to students

    emb = Embeddings([f"w{i}" for i in range(len(vectors))], np.asarray(vectors, dtype=np.float64))
    by_category = {int(k): [tuple(emb.words[i] for i in q) for q, cat in zip(questions, categories, strict=True)
                            if cat == k] for k in range(int(np.max(categories)) + 1)}
    result = evaluate_analogies(emb, by_category, exclude_inputs=exclude_inputs)
    return np.array([result.section_accuracy().get(k, 0.0) for k in by_category])


def _neutralize(vectors, direction):
    return bias.neutralize(vectors, direction)


# -- near misses ----------------------------------------------------------------------------------

def _raw_3cosadd(vectors, a, b, c, keep_inputs=False, normalise=False):
    v = np.asarray(vectors, dtype=np.float64)
    rows = normalize(v) if normalise else v
    scores = rows @ (rows[b] - rows[a] + rows[c])
    if not keep_inputs:
        scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def _3cosmul_with(vectors, a, b, c, shift=True, keep_inputs=False, eps=1e-6):
    unit = normalize(np.asarray(vectors, dtype=np.float64))
    cos = unit @ unit[[a, b, c]].T
    if shift:
        cos = (cos + 1) / 2
    scores = cos[:, 1] * cos[:, 2] / (cos[:, 0] + eps)
    if not keep_inputs:
        scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def _accuracy_overall(vectors, questions, categories):
    hits = [_analogy(vectors, *q[:3], "3cosadd") == q[3] for q in questions]
    return np.full(int(np.max(categories)) + 1, np.mean(hits))


def _accuracy_counts(vectors, questions, categories):
    hits = np.array([_analogy(vectors, *q[:3], "3cosadd") == q[3] for q in questions])
    return np.array([hits[categories == k].sum() for k in range(int(np.max(categories)) + 1)], dtype=float)


def _association(w, a, b, unit=True):
    w, a, b = (normalize(x) if unit else np.asarray(x, dtype=np.float64) for x in (w, a, b))
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


def _effect_with(x, y, a, b, ddof=1, unit=True, pooled=True):
    sx, sy = _association(x, a, b, unit), _association(y, a, b, unit)
    spread = np.std(np.concatenate([sx, sy]), ddof=ddof) if pooled else np.std(sx, ddof=ddof)
    return float((sx.mean() - sy.mean()) / spread)


def _only_b(vectors, a, b, c):
    unit = normalize(np.asarray(vectors, dtype=np.float64))
    scores = unit @ unit[b]
    scores[[a, b, c]] = -np.inf
    return int(np.argmax(scores))


def _raw_nearest(vectors, a, b, c):
    """The row nearest to b - a + c by Euclidean distance without normalising (on unit rows that would
    rank like the cosine)."""
    v = np.asarray(vectors, dtype=np.float64)
    distances = np.linalg.norm(v - (v[b] - v[a] + v[c]), axis=1)
    distances[[a, b, c]] = np.inf
    return int(np.argmin(distances))


def _3cosadd_cases(rng: np.random.Generator) -> list[Case]:
    """Questions whose 3CosAdd answer differs from the inputs kept, the rows not normalised (by dot
    product or by distance), 3CosMul, a - b + c and the only-b baseline."""
    mistakes = (lambda *q: _raw_3cosadd(*q, keep_inputs=True, normalise=True), _raw_3cosadd, _raw_nearest,
                _3cosmul_with, lambda v, a, b, c: _raw_3cosadd(v, b, a, c, normalise=True), _only_b)
    return [_telling_question(rng, "3cosadd", mistakes) for _ in range(5)]


def _3cosmul_cases(rng: np.random.Generator) -> list[Case]:
    """Questions whose 3CosMul answer differs from raw cosines, the inputs kept, 3CosAdd, a and b swapped
    and the only-b baseline, and does not depend on epsilon: the lab accepts any small epsilon (the
    paper's 1e-3 as well as the lab's 1e-6)."""
    mistakes = (lambda *q: _3cosmul_with(*q, shift=False), lambda *q: _3cosmul_with(*q, keep_inputs=True),
                lambda *q: _raw_3cosadd(*q, normalise=True), lambda v, a, b, c: _3cosmul_with(v, b, a, c), _only_b)
    same = (lambda *q: _3cosmul_with(*q, eps=1e-3), lambda *q: _3cosmul_with(*q, eps=1e-9))
    return [_telling_question(rng, "3cosmul", mistakes, same) for _ in range(5)]


# -- exercises ----------------------------------------------------------------------------------

NOT_EXCLUDED = ("returned one of the question words: a, b and c are never the answer; set their scores to "
                "-np.inf before taking the argmax.")

ANALOGY_3COSADD = Exercise(
    name="analogy_3cosadd",
    points=2,
    targets=("analogy_3cosadd",),
    reference=lambda vectors, a, b, c: _analogy(vectors, a, b, c, "3cosadd"),
    cases=_3cosadd_cases,
    near_misses=(
        NearMiss(NOT_EXCLUDED, lambda v, a, b, c: _raw_3cosadd(v, a, b, c, keep_inputs=True, normalise=True)),
        NearMiss("the rows were not normalised: long vectors win dot products. Divide every row by its length "
                 "first, so that the score is a cosine.", _raw_3cosadd),
    ),
    hint="unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True); scores = unit @ (unit[b] - unit[a] + "
         "unit[c]); scores[[a, b, c]] = -np.inf; return int(np.argmax(scores)).",
)

ANALOGY_3COSMUL = Exercise(
    name="analogy_3cosmul",
    points=2,
    targets=("analogy_3cosmul",),
    reference=lambda vectors, a, b, c: _analogy(vectors, a, b, c, "3cosmul"),
    cases=_3cosmul_cases,
    near_misses=(
        NearMiss("the cosines were not shifted to [0, 1]: with raw cosines two negative ones multiply to a "
                 "positive score. Use (cos + 1) / 2 for each of the three.",
                 lambda v, a, b, c: _3cosmul_with(v, a, b, c, shift=False)),
        NearMiss(NOT_EXCLUDED, lambda v, a, b, c: _3cosmul_with(v, a, b, c, keep_inputs=True)),
    ),
    hint="cos_x = unit @ unit[x] for x in (a, b, c); shift each with (cos + 1) / 2; scores = cos_b * cos_c / "
         "(cos_a + 1e-6); exclude a, b and c; return the argmax as an int.",
)

ACCURACY_BY_CATEGORY = Exercise(
    name="accuracy_by_category",
    points=2,
    targets=("accuracy_by_category",),
    reference=_accuracy,
    cases=_accuracy_cases,
    near_misses=(
        NearMiss("returned the overall accuracy for every category: compute it separately for the questions "
                 "of each category (categories == k).", _accuracy_overall),
        NearMiss("returned the number of correct answers: divide by the number of questions of the category.",
                 _accuracy_counts),
        NearMiss(NOT_EXCLUDED, lambda v, q, c: _accuracy(v, q, c, exclude_inputs=False)),
    ),
    hint="answer every question with your analogy_3cosadd; hits = predicted == questions[:, 3]; for each "
         "category k in range(categories.max() + 1), take hits[categories == k].mean().",
)

BIAS_DIRECTION = Exercise(
    name="bias_direction",
    points=1,
    targets=("bias_direction",),
    reference=lambda first, second: bias.pair_direction(first, second, method="mean"),
    cases=lambda rng: [Case(_pairs(rng)) for _ in range(4)],
    near_misses=(
        NearMiss("the direction must have length 1: divide the mean difference by its norm.",
                 lambda f, s: (np.asarray(f) - np.asarray(s)).mean(axis=0)),
        NearMiss("the direction points the wrong way: take first - second (e.g. she - he), not second - first.",
                 lambda f, s: bias.pair_direction(s, f)),
    ),
    hint="diff = (first - second).mean(axis=0); return diff / np.linalg.norm(diff).",
)

PROJECT = Exercise(
    name="project",
    points=1,
    targets=("project",),
    reference=bias.project,
    cases=lambda rng: [Case((t, _direction(rng, t.shape[1]))) for t in (_table(rng) for _ in range(4))],
    near_misses=(
        NearMiss("the direction was not normalised: divide it by its length, so that the projection does not "
                 "depend on how long the direction vector is.",
                 lambda v, g: np.asarray(v) @ np.asarray(g)),
        NearMiss("returned cosines (the rows were normalised): project the vectors as they are; only the "
                 "direction is normalised.", lambda v, g: bias.project(normalize(v), g)),
        NearMiss("returned the projected vectors: return one number per word, vectors @ g, shape (n,).",
                 lambda v, g: np.multiply.outer(bias.project(v, g), normalize(np.asarray(g, dtype=float)))),
    ),
    hint="g = direction / np.linalg.norm(direction); return vectors @ g.",
)

WEAT_EFFECT_SIZE = Exercise(
    name="weat_effect_size",
    points=2,
    targets=("weat_effect_size",),
    reference=bias.weat_effect_size,
    cases=lambda rng: [Case(_weat_sets(rng)) for _ in range(4)],
    near_misses=(
        NearMiss("used the population standard deviation: WEAT divides by the sample standard deviation of s "
                 "over X and Y together, np.std(..., ddof=1).",
                 lambda x, y, a, b: _effect_with(x, y, a, b, ddof=0)),
        NearMiss("used dot products: s(w, A, B) is built from cosines, so normalise every vector first.",
                 lambda x, y, a, b: _effect_with(x, y, a, b, unit=False)),
        NearMiss("divided by the standard deviation over X only: use s of every word of X and Y together.",
                 lambda x, y, a, b: _effect_with(x, y, a, b, pooled=False)),
    ),
    hint="s(W) = (unit(W) @ unit(A).T).mean(axis=1) - (unit(W) @ unit(B).T).mean(axis=1); "
         "effect = (s(X).mean() - s(Y).mean()) / np.std(np.concatenate([s(X), s(Y)]), ddof=1).",
)

NEUTRALIZE = Exercise(
    name="neutralize",
    points=2,
    targets=("neutralize",),
    reference=_neutralize,
    cases=lambda rng: [Case((t, _direction(rng, t.shape[1]))) for t in (_table(rng) for _ in range(4))],
    forbid_mutation=True,  # the lab says: return the new matrix, do not change `vectors` in place
    near_misses=(
        NearMiss("forgot to rescale: after removing the component along g, divide every row by its length.",
                 lambda v, g: bias.neutralize(v, g, renormalize=False)),
        NearMiss("the direction was not normalised: with g of length 1, the component of v along g is "
                 "(v @ g) * g.",
                 lambda v, g: normalize(np.asarray(v) - np.multiply.outer(np.asarray(v) @ g, g))),
        NearMiss("added the component instead of removing it: v - (v @ g) g.",
                 lambda v, g: normalize(np.asarray(v) + np.multiply.outer(bias.project(v, g),
                                                                        normalize(np.asarray(g, float))))),
    ),
    hint="g = direction / np.linalg.norm(direction); out = vectors - np.outer(vectors @ g, g); "
         "return out / np.linalg.norm(out, axis=1, keepdims=True).",
)

LAB = Lab(
    id="lab03",
    title="Analogies and bias",
    notebook="lab03_analogies.ipynb",
    exercises=(ANALOGY_3COSADD, ANALOGY_3COSMUL, ACCURACY_BY_CATEGORY, BIAS_DIRECTION, PROJECT, WEAT_EFFECT_SIZE,
               NEUTRALIZE),
    # the analogy questions and GloVe as plain arrays (not an Embeddings table). embedlab.evaluation and
    # embedlab.bias (the references) and embedlab.embeddings (most_similar is the answer) stay out.
    allowed_modules=("embedlab.data.evaluation_sets", "embedlab.data.glove_files", "embedlab.data._packages"),
    course_names=("embedlab.data.load_analogy_questions", "embedlab.data.load_glove_arrays"),
)
