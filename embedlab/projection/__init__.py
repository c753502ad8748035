"""Pictures of embedding spaces and how much each one lies.

* :mod:`~embedlab.projection.linear`: PCA by SVD (with explained variance) and
  projections onto directions you choose (e.g. he - she, good - bad);
* :mod:`~embedlab.projection.nonlinear`: seeded t-SNE (scikit-learn) and UMAP
  (umap-learn) that return coordinates and nothing else;
* :mod:`~embedlab.projection.quality`: trustworthiness@k, the share of each
  point's k nearest neighbours kept in the picture, k-NN label accuracy, and one
  report that measures PCA, t-SNE and UMAP side by side (chapter 6 and
  ``benchmarks/bench_projections.py`` both use it).
"""

from .linear import PCAResult, explained_variance_ratio, pca, project_onto
from .nonlinear import tsne, umap
from .quality import (
    knn_accuracy,
    knn_predict,
    nearest_neighbours,
    neighbour_preservation,
    projection_report,
    trustworthiness,
)

__all__ = [
    "PCAResult",
    "explained_variance_ratio",
    "knn_accuracy",
    "knn_predict",
    "nearest_neighbours",
    "neighbour_preservation",
    "pca",
    "project_onto",
    "projection_report",
    "trustworthiness",
    "tsne",
    "umap",
]
