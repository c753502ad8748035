"""Directions inside embeddings, and the bias they carry: a gender direction, projections, WEAT, hard debiasing.

* :func:`pair_direction` — a direction from word pairs (she/he, woman/man, ...):
  the mean of their differences, or the first principal component of the
  pairs centred on their own means (Bolukbasi et al., 2016);
* :func:`project` — where words fall along that direction;
* :func:`weat` — the Word Embedding Association Test (Caliskan et al., 2017):
  its statistic, effect size and permutation p-value, vectorised and seeded;
* :func:`neutralize` and :func:`equalize` — "hard debiasing" (Bolukbasi et al.,
  2016), which removes the direction from words that should not carry it.

Every function takes plain arrays (one row per word), so it works on any table
and on the arrays a lab hands out. Cosines are computed on unit vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np

from .similarity import as_vectors, normalize

__all__ = [
    "WeatResult",
    "definitional_pca",
    "equalize",
    "neutralize",
    "pair_direction",
    "project",
    "weat",
    "weat_association",
    "weat_effect_size",
    "weat_statistic",
]


def _rows(x, name: str) -> np.ndarray:
    arr = as_vectors(x, name)
    if arr.ndim != 2 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty matrix with one word vector per row; got shape {arr.shape}.")
    return arr.astype(np.float64)


def _pairs(first, second) -> tuple[np.ndarray, np.ndarray]:
    first, second = _rows(first, "first"), _rows(second, "second")
    if first.shape != second.shape:
        raise ValueError(f"first and second must be matching pairs (same shape); got {first.shape} and {second.shape}.")
    return first, second


def definitional_pca(first, second) -> tuple[np.ndarray, np.ndarray]:
    """Principal components of word pairs centred on their own means, and their shares of the variance.

    Each pair (``first[i]``, ``second[i]``) contributes its two vectors minus the
    pair's mean, so only what differs *within* pairs is left. Returns
    ``(components, explained_variance_ratio)``, components as unit rows, the
    first one oriented from ``second`` towards ``first``.
    """
    first, second = _pairs(first, second)
    centre = (first + second) / 2
    centred = np.concatenate([first - centre, second - centre])
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2
    if components[0] @ (first - second).sum(0) < 0:
        components[0] = -components[0]
    return components, variance / variance.sum()


def pair_direction(first, second, method: str = "mean") -> np.ndarray:
    """A unit direction from ``second`` towards ``first`` (e.g. first = she, her, woman; second = he, his, man).

    ``method="mean"``: the normalised mean of the differences ``first - second``;
    ``method="pca"``: the first principal component of the centred pairs (Bolukbasi et al., 2016).
    Pass unit vectors if every pair should weigh the same.
    """
    first, second = _pairs(first, second)
    if method == "mean":
        diff = (first - second).mean(axis=0)
        norm = np.linalg.norm(diff)
        if norm == 0:
            raise ValueError("the pairs' differences cancel out (their mean is zero): no direction to return.")
        return diff / norm
    if method == "pca":
        return definitional_pca(first, second)[0][0]
    raise ValueError(f"unknown method {method!r}; use 'mean' or 'pca'.")


def _unit_direction(direction) -> np.ndarray:
    direction = as_vectors(direction, "direction")
    if direction.ndim != 1:
        raise ValueError(f"direction must be one vector (d,); got shape {direction.shape}.")
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise ValueError("direction is the zero vector.")
    return direction / norm


def project(vectors, direction) -> np.ndarray:
    """Scalar projection of each row of ``vectors`` on the (normalised) ``direction``: ``vectors @ g``."""
    vectors, g = as_vectors(vectors, "vectors"), _unit_direction(direction)
    if vectors.shape[-1] != g.shape[0]:
        raise ValueError(f"vectors have {vectors.shape[-1]} dimensions but direction has {g.shape[0]}.")
    return vectors @ g


def neutralize(vectors, direction, renormalize: bool = True) -> np.ndarray:
    """Remove the component along ``direction`` from every row (hard debiasing's "neutralise" step).

    With ``renormalize`` the rows are scaled back to unit length, as Bolukbasi
    et al. do; the result has zero projection on the direction either way.
    """
    vectors = as_vectors(vectors, "vectors").astype(np.float64)
    g = _unit_direction(direction)
    out = vectors - np.multiply.outer(vectors @ g, g)
    return normalize(out) if renormalize else out


def equalize(first, second, direction) -> tuple[np.ndarray, np.ndarray]:
    """Make each pair (she/he, ...) symmetric about the neutral subspace (hard debiasing's "equalise" step).

    Both words keep their pair's shared neutral part and get equal and opposite
    components along ``direction``, with unit length; so a neutral word is then
    equally close to both. Inputs are taken as unit vectors.
    """
    first, second = _pairs(normalize(first), normalize(second))
    g = _unit_direction(direction)
    mean = (first + second) / 2
    neutral = mean - np.multiply.outer(mean @ g, g)
    height = np.sqrt(np.clip(1 - np.sum(neutral**2, axis=1), 0, None))
    side = np.sign((first - second) @ g)
    side[side == 0] = 1
    along = np.multiply.outer(height * side, g)
    return neutral + along, neutral - along


# -- WEAT (Caliskan et al., 2017) ----------------------------------------------------------------

def weat_association(words, a, b) -> np.ndarray:
    """``s(w, A, B)`` for every row ``w``: mean cosine with ``A`` minus mean cosine with ``B``."""
    w, a, b = (normalize(_rows(x, n)) for x, n in ((words, "words"), (a, "A"), (b, "B")))
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


def weat_statistic(x, y, a, b) -> float:
    """``sum_x s(x, A, B) - sum_y s(y, A, B)``: how much more X leans to A (and Y to B)."""
    return float(weat_association(x, a, b).sum() - weat_association(y, a, b).sum())


def weat_effect_size(x, y, a, b) -> float:
    """Cohen's-d-like effect size: ``(mean_x s - mean_y s) / std_{w in X u Y} s`` (sample std, ddof=1)."""
    return _effect(weat_association(x, a, b), weat_association(y, a, b))


def _effect(sx: np.ndarray, sy: np.ndarray) -> float:
    return float((sx.mean() - sy.mean()) / np.std(np.concatenate([sx, sy]), ddof=1))


@dataclass(frozen=True)
class WeatResult:
    """One WEAT: the statistic, the effect size and the one-sided permutation p-value."""

    statistic: float
    effect_size: float
    p_value: float
    n_permutations: int
    exact: bool  # True when every equal-size partition of X u Y was enumerated


def _partitions(n: int, k: int, n_permutations: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Rows of a 0/1 matrix marking which of ``n`` words go to X': all C(n, k) choices when that is
    at most ``n_permutations`` (and n is small enough to enumerate), else ``n_permutations`` random ones."""
    if n <= 24 and comb(n, k) <= n_permutations:
        codes = np.arange(2**n, dtype=np.int64)
        bits = (codes[:, None] >> np.arange(n)) & 1
        return bits[bits.sum(axis=1) == k].astype(bool), True
    order = rng.permuted(np.tile(np.arange(n), (n_permutations, 1)), axis=1)
    member = np.zeros((n_permutations, n), dtype=bool)
    np.put_along_axis(member, order[:, :k], True, axis=1)
    return member, False


def weat(x, y, a, b, n_permutations: int = 10_000, seed: int = 0) -> WeatResult:
    """The WEAT of targets X, Y (e.g. flowers, insects) against attributes A, B (pleasant, unpleasant).

    The p-value is the share of equal-size re-partitions (X', Y') of X u Y whose
    statistic is at least the observed one (the observed partition included):
    exact when there are at most ``n_permutations`` partitions (and at most 24
    words), otherwise estimated from ``n_permutations`` random ones drawn with ``seed``.
    """
    if n_permutations < 1:
        raise ValueError(f"n_permutations must be a positive integer; got {n_permutations!r}.")
    sx, sy = weat_association(x, a, b), weat_association(y, a, b)
    s = np.concatenate([sx, sy])
    observed = sx.sum() - sy.sum()
    rng = np.random.default_rng(seed)
    n, k = len(s), len(sx)
    member, exact = _partitions(n, k, n_permutations, rng)
    stats = 2 * (member @ s) - s.sum()  # sum over X' minus sum over Y'
    p_value = float(np.mean(stats >= observed - 1e-12))
    return WeatResult(float(observed), _effect(sx, sy), p_value, len(member), exact)
