"""PCA, t-SNE and UMAP on the same words: time and how faithful each picture is; embedlab's PCA vs scikit-learn's.

Data: the 435 GloVe 6B-50d words of ``embedlab.data.load_word_categories`` (capitals,
countries, US states, family words, ...) among the 50,000 most frequent, as unit
vectors (so Euclidean neighbours are cosine neighbours), labelled by category.
``embedlab.projection.projection_report`` measures each picture (chapter 6's table
comes from the same call): trustworthiness@k, the share of each word's k nearest
neighbours kept in 2-D, and k-NN category accuracy in 2-D next to the full space.
UMAP's first fit in a process includes numba's compilation (or loading it from
``NUMBA_CACHE_DIR``); the script also times a second fit.

Second part: ``embedlab.projection.pca`` against ``sklearn.decomposition.PCA``
(``svd_solver="full"``, the same algorithm) on all 50,000 words, best of ``--repeat``,
with the largest difference between the coordinates (signs included).

    .venv/bin/python benchmarks/bench_projections.py [--k 10] [--save]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import Goal, add_save_arguments, best_time, conditions, machine, report

GOALS = (
    Goal("pca_ratio", ">=", 1.0, "PCA of 50,000 words: scikit-learn's time over embedlab's"),
    Goal("pca_max_coordinate_difference", "<=", 1e-6, "largest coordinate difference from scikit-learn's PCA"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k", type=int, default=10, help="neighbourhood size of the quality measures")
    parser.add_argument("--repeat", type=int, default=5)
    add_save_arguments(parser)
    args = parser.parse_args()
    before = conditions()

    from sklearn.decomposition import PCA

    from embedlab.data import load_glove, load_word_categories
    from embedlab.projection import pca, projection_report, umap

    glove = load_glove(50_000)
    words, categories = zip(*load_word_categories(glove), strict=True)
    X = glove.subset(words).unit_vectors
    quality = projection_report(X, np.array(categories), k=args.k, seed=0)
    start = time.perf_counter()
    umap(X, seed=1)
    umap_second = time.perf_counter() - start

    t_ours, ours = best_time(lambda: pca(glove.vectors, 2), args.repeat)
    t_sklearn, theirs = best_time(lambda: PCA(2, svd_solver="full").fit_transform(glove.vectors), args.repeat)
    max_diff = float(np.abs(ours.coords - theirs).max())

    print(f"machine: {machine()}")
    print(f"{len(words)} words, 50-d unit vectors, k = {args.k}; "
          f"k-NN accuracy in the full space {quality['full space']['knn_accuracy']:.3f}")
    print(f"{'method':8s} {'time s':>7s} {'trust@k':>8s} {'kept@k':>7s} {'kNN 2-D':>8s}")
    figures: dict[str, float | int] = {"words": len(words), "k": args.k,
                                       "knn_accuracy_full": round(quality["full space"]["knn_accuracy"], 4)}
    for name in ("PCA", "t-SNE", "UMAP"):
        row = quality[name]
        print(f"{name:8s} {row['seconds']:7.2f} {row['trustworthiness']:8.3f} {row['neighbours_kept']:7.3f} "
              f"{row['knn_accuracy']:8.3f}")
        key = name.lower().replace("-", "")
        for measure in ("seconds", "trustworthiness", "neighbours_kept", "knn_accuracy"):
            figures[f"{key}_{measure}"] = round(float(row[measure]), 4)
    print(f"UMAP again in the same process (compiled): {umap_second:.2f} s")
    print(f"PCA of {glove.vectors.shape[0]:,} x {glove.dim}: embedlab {1000 * t_ours:.1f} ms, scikit-learn "
          f"{1000 * t_sklearn:.1f} ms, ratio {t_sklearn / t_ours:.2f} (above 1: embedlab faster); "
          f"largest coordinate difference {max_diff:.2g}")
    figures.update(umap_second_fit_seconds=round(umap_second, 3), pca_embedlab_ms=round(1000 * t_ours, 2),
                   pca_sklearn_ms=round(1000 * t_sklearn, 2), pca_ratio=round(t_sklearn / t_ours, 3),
                   pca_max_coordinate_difference=max_diff)
    report("projections", figures, args, before, GOALS)


if __name__ == "__main__":
    main()
