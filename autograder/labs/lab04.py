"""Lab 4: projections (PCA by SVD, explained variance, neighbours kept, k-NN predictions, a task-trained
embedding's forward pass and gradients, projecting onto chosen directions).

References come from :mod:`embedlab.projection` and :mod:`embedlab.supervised`. PCA's signs are
arbitrary, so answers are compared up to the sign of each component (with its column of
coordinates): both sides are brought to scikit-learn's convention before the comparison.
Inputs are small random arrays drawn from the seed chosen at grading time, built so that every
near miss differs from the reference: data far from the origin (centring matters), well separated
variances (stable components), even k and three classes (vote ties), padded batches with repeated
token ids.
"""

from __future__ import annotations

import numpy as np

from embedlab import projection, supervised

from ..spec import Case, Exercise, Lab, NearMiss

# -- input generators -------------------------------------------------------------------------


def _data(rng: np.random.Generator, n: int | None = None, d: int | None = None) -> np.ndarray:
    """Rows far from the origin with clearly different variances along random directions."""
    n = int(rng.integers(10, 21)) if n is None else n
    d = int(rng.integers(3, 7)) if d is None else d
    rotation = np.linalg.qr(rng.normal(size=(d, d)))[0]
    scales = np.geomspace(4.0, 0.4, d)
    return rng.normal(size=(n, d)) * scales @ rotation + rng.normal(0, 5, d)


def _pca_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for _ in range(5):
        X = _data(rng)
        cases.append(Case((X, int(rng.integers(1, min(3, X.shape[1] - 1) + 1)))))  # k < d: k + 1 shows
    return cases


def _pictures(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """A cloud and a noisy 2-D picture of it: some neighbourhoods survive, some do not."""
    X = _data(rng, n=int(rng.integers(15, 31)), d=int(rng.integers(4, 9)))
    low = projection.pca(X, 2).coords + rng.normal(0, 1.0, (len(X), 2))
    return X, low, int(rng.integers(2, 6))


def _labelled(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """Three overlapping classes, ids 0-2 in random order, and a k that lets votes tie; drawn again until
    ties by the nearest label, a point voting for itself and k + 1 voters each change a prediction."""
    while True:
        n, d = int(rng.integers(18, 31)), int(rng.integers(2, 5))
        labels = rng.integers(0, 3, n)
        centres = rng.normal(0, 1.5, (3, d))
        X, k = centres[labels] + rng.normal(size=(n, d)), int(rng.choice([2, 4, 5]))
        right = projection.knn_predict(X, labels, k)
        mistakes = (_knn_with(X, labels, k, ties="first"), _knn_with(X, labels, k, include_self=True),
                    _knn_with(X, labels, k, plus_self=True), _knn_with(X, labels, k + 1))
        if all(np.any(m != right) for m in mistakes):
            return X, labels, k


def _batch(rng: np.random.Generator, with_labels: bool = False) -> tuple:
    """A table E (V, d), output w, b, and a padded batch (pad id 0, mask 0) with repeated ids."""
    v, d, b = int(rng.integers(6, 11)), int(rng.integers(3, 6)), int(rng.integers(3, 6))
    lengths = rng.integers(1, 6, b)
    lengths[0] = 5
    lengths[1] = int(rng.integers(1, 4))  # at least one padded sentence
    ids, mask = supervised.pad_batch([rng.integers(1, v, n).tolist() for n in lengths])
    args = (rng.normal(0, 0.8, (v, d)), rng.normal(0, 0.8, d), float(rng.normal(0, 0.5)), ids, mask)
    return (*args, rng.integers(0, 2, b).astype(float)) if with_labels else args


def _directions(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = int(rng.integers(3, 7))
    return (rng.normal(0, 2, (int(rng.integers(5, 11)), d)), rng.normal(0, 3, d), rng.normal(0, 3, d))


# -- references (embedlab) --------------------------------------------------------------------


def _pca(X, k):
    result = projection.pca(X, k)
    return result.coords, result.components


def _project(X, u, v):
    return projection.project_onto(X, np.stack([u, v]))


# -- near misses ------------------------------------------------------------------------------


def _flip_convention(coords, components):
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    signs[signs == 0] = 1
    return coords * signs, components * signs[:, None]


def _pca_signs(value):
    """A (coords, components) answer with scikit-learn's signs, so that either sign of a component is right."""
    if not (isinstance(value, list) and len(value) == 2):
        return value
    coords, components = (np.asarray(v, dtype=float) for v in value)
    if components.ndim != 2 or coords.ndim != 2 or coords.shape[1] != components.shape[0]:
        return value
    return list(_flip_convention(coords, components))


def _pca_uncentred(X, k):
    Vt = np.linalg.svd(X, full_matrices=False)[2]
    coords, components = X @ Vt[:k].T, Vt[:k]
    return _flip_convention(coords, components)


def _pca_standardised(X, k):
    return _pca(X / X.std(axis=0), k)


def _pca_unscaled(X, k):
    coords, components = _pca(X, k)
    return coords / np.linalg.norm(coords, axis=0), components


def _ratio_with(X, k, square=True, centre=True, over_k=False, variance=False):
    Xc = X - X.mean(axis=0) if centre else X
    S = np.linalg.svd(Xc, compute_uv=False)
    values = S**2 if square else S
    if variance:
        return values[:k] / (len(X) - 1)
    return values[:k] / (values[:k].sum() if over_k else values.sum())


def _knn_sets(X, k, include_self=False):
    dist = np.linalg.norm(X[:, None] - X[None], axis=2)
    if not include_self:
        np.fill_diagonal(dist, np.inf)
    return np.argsort(dist, axis=1, kind="stable")[:, :k]


def _kept_with(X_high, X_low, k, include_self=False, per_point=False, by_rank=False):
    high, low = _knn_sets(X_high, k, include_self), _knn_sets(X_low, k, include_self)
    if by_rank:
        kept = (high == low).sum(axis=1)
    else:
        kept = np.array([len(set(h) & set(lo)) for h, lo in zip(high, low, strict=True)])
    return kept / k if per_point else float(np.mean(kept) / k)


def _knn_with(X, labels, k, include_self=False, plus_self=False, ties="smallest"):
    neighbours = _knn_sets(X, k + plus_self, include_self or plus_self)
    votes = labels[neighbours]
    if ties == "smallest":
        predicted = np.array([np.bincount(row).argmax() for row in votes])
    else:  # Counter.most_common: among tied labels, the one met first (the nearest)
        predicted = np.array([max(dict.fromkeys(row.tolist()), key=row.tolist().count) for row in votes])
    return predicted


def _forward_with(E, w, b, ids, mask, pooling="mean", logits=False):
    vectors = E[ids] * mask[:, :, None] if pooling != "mean with padding" else E[ids]
    if pooling == "sum":
        pooled = vectors.sum(axis=1)
    elif pooling == "mean with padding":
        pooled = vectors.mean(axis=1)
    else:
        pooled = vectors.sum(axis=1) / mask.sum(axis=1, keepdims=True)
    scores = pooled @ w + b
    return pooled, scores if logits else 1 / (1 + np.exp(-scores))


def _gradients_with(E, w, b, ids, mask, y, sign=1.0, mean=True, assign=False, mask_dE=True, per_length=True):
    pooled, p = supervised.forward(E, w, b, ids, mask)
    g = sign * (p - y) / (len(p) if mean else 1)
    weights = mask if mask_dE else np.ones_like(mask)
    per_token = (g / (mask.sum(axis=1) if per_length else 1))[:, None] * weights
    dE = np.zeros_like(E)
    if assign:  # dE[ids] += ...: a row that occurs twice keeps one update
        dE[ids.ravel()] += per_token.ravel()[:, None] * w[None, :]
    else:
        np.add.at(dE, ids.ravel(), per_token.ravel()[:, None] * w[None, :])
    return dE, pooled.T @ g, float(g.sum())


def _project_raw(X, u, v):
    return np.stack([X @ u, X @ v], axis=1)


def _project_unit_rows(X, u, v):
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    return _project(unit, u, v)


# -- exercises ----------------------------------------------------------------------------------

_SELF_VOTE = "let each point vote for itself: leave the point out and take its k nearest *other* points."

PCA = Exercise(
    name="pca",
    points=2,
    targets=("pca",),
    reference=_pca,
    cases=_pca_cases,
    near_misses=(
        NearMiss("forgot to centre: subtract the mean row, X - X.mean(axis=0), before the SVD (otherwise the "
                 "first component points at the mean instead of along the spread).", _pca_uncentred),
        NearMiss("scaled every column to unit variance: only centre the data, do not divide by the standard "
                 "deviation.", _pca_standardised),
        NearMiss("returned the columns of U: the coordinates are U[:, :k] * S[:k] (= Xc @ Vt[:k].T).",
                 _pca_unscaled),
    ),
    hint="Xc = X - X.mean(axis=0); U, S, Vt = np.linalg.svd(Xc, full_matrices=False); components = Vt[:k]; "
         "coords = Xc @ components.T; return (coords, components).",
    canonical=_pca_signs,  # a component and its negative are the same line: either sign is right
)

EXPLAINED_VARIANCE_RATIO = Exercise(
    name="explained_variance_ratio",
    points=1,
    targets=("explained_variance_ratio",),
    reference=projection.explained_variance_ratio,
    # 1 < k < d: the first k ratios differ from all of them, from their running sum and from shares of k
    cases=lambda rng: [Case((X, int(rng.integers(2, X.shape[1])))) for X in (_data(rng) for _ in range(4))],
    near_misses=(
        NearMiss("used the singular values themselves: the variance along a direction is proportional to the "
                 "singular value squared, S**2.", lambda X, k: _ratio_with(X, k, square=False)),
        NearMiss("forgot to centre before the SVD.", lambda X, k: _ratio_with(X, k, centre=False)),
        NearMiss("divided by the variance of the first k components only: divide by the total over all of them, "
                 "so the ratios of the first k add up to at most 1.", lambda X, k: _ratio_with(X, k, over_k=True)),
        NearMiss("returned the variances (S**2 / (n - 1)): return each one's share of the total.",
                 lambda X, k: _ratio_with(X, k, variance=True)),
    ),
    hint="S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False); return (S**2 / (S**2).sum())[:k].",
)

NEIGHBOUR_PRESERVATION = Exercise(
    name="neighbour_preservation",
    points=2,
    targets=("neighbour_preservation",),
    reference=projection.neighbour_preservation,
    cases=lambda rng: [Case(_pictures(rng)) for _ in range(4)],
    near_misses=(
        NearMiss("included each point among its own neighbours: a point is always at distance 0 from itself, so "
                 "skip it (set the diagonal of the distance matrix to np.inf).",
                 lambda h, lo, k: _kept_with(h, lo, k, include_self=True)),
        NearMiss("returned one share per point: return their mean, a single float.",
                 lambda h, lo, k: _kept_with(h, lo, k, per_point=True)),
        NearMiss("compared the neighbours rank by rank: a neighbour counts as kept if it is anywhere among the "
                 "k nearest in the picture (compare sets, not positions).",
                 lambda h, lo, k: _kept_with(h, lo, k, by_rank=True)),
    ),
    hint="for each space: D = distances between all rows, np.fill_diagonal(D, np.inf), "
         "np.argsort(D, axis=1)[:, :k]; count the common members row by row, divide by k, take the mean.",
)

KNN_PREDICT = Exercise(
    name="knn_predict",
    points=2,
    targets=("knn_predict",),
    reference=projection.knn_predict,
    cases=lambda rng: [Case(_labelled(rng)) for _ in range(5)],
    near_misses=(
        NearMiss("broke ties by the nearest neighbour's label (Counter.most_common does that): the lab asks for "
                 "the smallest label among the tied ones, which np.bincount(votes).argmax() gives.",
                 lambda X, y, k: _knn_with(X, y, k, ties="first")),
        NearMiss(_SELF_VOTE, lambda X, y, k: _knn_with(X, y, k, include_self=True)),
        NearMiss(_SELF_VOTE, lambda X, y, k: _knn_with(X, y, k, plus_self=True)),
    ),
    hint="distances between all rows, diagonal set to np.inf, the k nearest by np.argsort; for each point "
         "np.bincount(labels[neighbours]).argmax() is its predicted label; return them as an array.",
)

SENTIMENT_FORWARD = Exercise(
    name="sentiment_forward",
    points=2,
    targets=("sentiment_forward",),
    reference=supervised.forward,
    cases=lambda rng: [Case(_batch(rng)) for _ in range(4)],
    near_misses=(
        NearMiss("averaged the padding too: mean over the real tokens only, (mask-weighted sum) / mask.sum(axis=1).",
                 lambda *a: _forward_with(*a, pooling="mean with padding")),
        NearMiss("summed the token vectors: the model uses their mean (divide by the number of real tokens).",
                 lambda *a: _forward_with(*a, pooling="sum")),
        NearMiss("returned the scores pooled @ w + b: apply the sigmoid to get probabilities.",
                 lambda *a: _forward_with(*a, logits=True)),
    ),
    hint="vectors = E[ids] (B, L, d); pooled = (vectors * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, "
         "keepdims=True); p = sigmoid(pooled @ w + b); return (pooled, p).",
)

SENTIMENT_GRADIENTS = Exercise(
    name="sentiment_gradients",
    points=2,
    targets=("sentiment_gradients",),
    reference=supervised.gradients,
    cases=lambda rng: [Case(_batch(rng, with_labels=True)) for _ in range(4)],
    near_misses=(
        NearMiss("every gradient has the wrong sign: the gradient of the loss starts from p - y, not y - p.",
                 lambda *a: _gradients_with(*a, sign=-1.0)),
        NearMiss("this is the gradient of the summed loss: the loss is the mean over the batch, so divide by B.",
                 lambda *a: _gradients_with(*a, mean=False)),
        NearMiss("a token that occurs several times must add up its updates; dE[ids] += ... keeps only one. "
                 "Use np.add.at(dE, ids, ...).", lambda *a: _gradients_with(*a, assign=True)),
        NearMiss("the padding got a gradient: multiply each token's share by its mask entry.",
                 lambda *a: _gradients_with(*a, mask_dE=False)),
        NearMiss("forgot that pooling divides by the sentence length: each real token gets g_i * w / length_i.",
                 lambda *a: _gradients_with(*a, per_length=False)),
    ),
    hint="g = (p - y) / B; dw = pooled.T @ g; db = g.sum(); each real token of sentence i adds "
         "g[i] / length[i] * w to its row: np.add.at(dE, ids.ravel(), (share * mask).ravel()[:, None] * w).",
)

PROJECT_ONTO = Exercise(
    name="project_onto",
    points=1,
    targets=("project_onto",),
    reference=_project,
    cases=lambda rng: [Case(_directions(rng)) for _ in range(4)],
    near_misses=(
        NearMiss("forgot to normalise the directions: divide u and v by their lengths first, so that the "
                 "coordinates do not depend on how long the difference vectors happen to be.", _project_raw),
        NearMiss("normalised the rows of X: project the rows as they are and normalise the directions.",
                 _project_unit_rows),
    ),
    hint="u = u / np.linalg.norm(u); v = v / np.linalg.norm(v); return np.stack([X @ u, X @ v], axis=1).",
)

LAB = Lab(
    id="lab04",
    title="Projections",
    notebook="lab04_projections.ipynb",
    exercises=(PCA, EXPLAINED_VARIANCE_RATIO, NEIGHBOUR_PRESERVATION, KNN_PREDICT, SENTIMENT_FORWARD,
               SENTIMENT_GRADIENTS, PROJECT_ONTO),
    # the loaders the notebook uses and what they import (GloVe comes as an Embeddings table);
    # embedlab.projection and embedlab.supervised, the references, stay out of the sandbox
    allowed_modules=("embedlab.data.glove", "embedlab.data.glove_files", "embedlab.data.word_categories",
                     "embedlab.data.sentiment", "embedlab.data._packages", "embedlab.data.evaluation_sets",
                     "embedlab.embeddings",
                     "embedlab.similarity", "embedlab.evaluation.analogies", "embedlab.evaluation.scoring"),
    course_names=("embedlab.data.load_glove", "embedlab.data.load_word_categories",
                  "embedlab.data.load_rotten_tomatoes", "embedlab.data.sentiment_tokens"),
)
