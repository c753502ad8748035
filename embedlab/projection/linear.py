"""Linear pictures of a space: PCA written out with one SVD, and projections onto chosen directions.

PCA centres the rows, takes the SVD ``Xc = U S Vt`` and keeps the first ``k``
rows of ``Vt`` (the directions of largest variance). A component's sign is
arbitrary (``v`` and ``-v`` span the same line), so we fix it the way
scikit-learn does: the entry of largest absolute value in each component is
positive. That makes our coordinates equal to ``sklearn.decomposition.PCA``'s. The SVD is
scipy's (LAPACK ``gesdd``, as scikit-learn uses), which was faster than numpy's
build here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from ..similarity import as_vectors

__all__ = ["PCAResult", "explained_variance_ratio", "pca", "project_onto"]


@dataclass(frozen=True)
class PCAResult:
    """Coordinates ``(n, k)``, components ``(k, d)``, the mean ``(d,)`` and the variance each component explains."""

    coords: np.ndarray
    components: np.ndarray
    mean: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray

    def transform(self, X) -> np.ndarray:
        """Coordinates of new rows in the same picture (centred with the fitted mean)."""
        X = as_vectors(X, "X")
        if X.shape[-1] != self.mean.shape[0]:
            raise ValueError(f"X has {X.shape[-1]} columns; this PCA was fitted on {self.mean.shape[0]}.")
        return (X - self.mean) @ self.components.T


def _matrix(X, name: str = "X") -> np.ndarray:
    X = as_vectors(X, name)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"{name} must be a matrix with at least 2 rows (n, d); got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or inf; remove or fill those rows first.")
    return X


def _check_k(k: int, X: np.ndarray) -> int:
    limit = min(X.shape)
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= limit:
        raise ValueError(f"n_components must be an integer from 1 to {limit} for X of shape {X.shape}; got {k!r}.")
    return int(k)


def pca(X, n_components: int = 2) -> PCAResult:
    """Principal component analysis by one SVD of the centred matrix (signs as scikit-learn fixes them)."""
    X = _matrix(X)
    k = _check_k(n_components, X)
    mean = X.mean(axis=0)
    U, S, Vt = linalg.svd(X - mean, full_matrices=False, check_finite=False)  # finite: checked above
    signs = np.sign(Vt[np.arange(len(Vt)), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    U, Vt = U * signs, Vt * signs[:, None]
    variance = S**2 / (X.shape[0] - 1)
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    return PCAResult(
        coords=U[:, :k] * S[:k],
        components=Vt[:k],
        mean=mean,
        explained_variance=variance[:k],
        explained_variance_ratio=ratio[:k],
    )


def explained_variance_ratio(X, n_components: int | None = None) -> np.ndarray:
    """Share of the total variance along each of the first ``n_components`` principal directions."""
    X = _matrix(X)
    k = min(X.shape) if n_components is None else _check_k(n_components, X)
    S = linalg.svd(X - X.mean(axis=0), compute_uv=False, check_finite=False)
    variance = S**2
    return variance[:k] / variance.sum() if variance.sum() > 0 else np.zeros(k)


def project_onto(X, directions) -> np.ndarray:
    """Coordinates of the rows of ``X`` along each direction (a row of ``directions``), scaled to unit length.

    Column ``j`` is ``X @ directions[j] / |directions[j]|``: how far each point
    lies along that direction. The directions need not be perpendicular; the
    chapter shows how correlated directions tilt the picture.
    """
    X = _matrix(X)
    directions = as_vectors(directions, "directions")
    directions = directions[None, :] if directions.ndim == 1 else directions
    if directions.shape[1] != X.shape[1]:
        raise ValueError(f"directions have {directions.shape[1]} components; X has {X.shape[1]} columns.")
    norms = np.linalg.norm(directions, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("a direction is the zero vector (e.g. the same word twice in a difference).")
    return X @ (directions / norms).T
