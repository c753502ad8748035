"""Projections: PCA against scikit-learn (signs included), chosen directions, and the quality measures."""

import json
import subprocess
import sys
from contextlib import contextmanager

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness as sk_trustworthiness

from embedlab.projection import (
    explained_variance_ratio,
    knn_accuracy,
    knn_predict,
    nearest_neighbours,
    neighbour_preservation,
    pca,
    project_onto,
    projection_report,
    trustworthiness,
    tsne,
    umap,
)


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    return rng.normal(size=(120, 8)) * np.linspace(3, 0.2, 8) + 5.0  # an offset, so centring matters


def _clusters(n_per=30, d=10, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 6, (3, d))
    X = np.concatenate([c + rng.normal(size=(n_per, d)) for c in centres])
    return X, np.repeat(np.arange(3), n_per)


def test_pca_matches_scikit_learn_including_the_signs(X):
    mine, theirs = pca(X, 3), PCA(3, svd_solver="full").fit(X)
    np.testing.assert_allclose(mine.coords, theirs.transform(X), atol=1e-10)
    np.testing.assert_allclose(mine.components, theirs.components_, atol=1e-12)
    np.testing.assert_allclose(mine.explained_variance, theirs.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(mine.explained_variance_ratio, theirs.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(mine.transform(X[:5]), mine.coords[:5], atol=1e-10)


def test_pca_sign_convention_largest_loading_positive(X):
    components = pca(X, 4).components
    assert np.all(components[np.arange(4), np.abs(components).argmax(axis=1)] > 0)


def test_explained_variance_ratio_sums_to_one_and_is_sorted(X):
    ratio = explained_variance_ratio(X)
    assert ratio.shape == (8,) and ratio.sum() == pytest.approx(1.0)
    assert np.all(np.diff(ratio) <= 0)
    np.testing.assert_allclose(explained_variance_ratio(X, 2), ratio[:2])
    np.testing.assert_allclose(pca(X, 2).explained_variance_ratio, ratio[:2])


@pytest.mark.parametrize(("args", "match"), [
    ((np.ones((1, 3)), 1), "at least 2 rows"),
    ((np.ones((5, 3)), 4), "from 1 to 3"),
    ((np.array([[1.0, np.nan], [0.0, 1.0]]), 1), "NaN"),
])
def test_pca_refuses_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        pca(*args)


def test_project_onto_uses_unit_directions():
    X = np.array([[3.0, 4.0], [1.0, 0.0]])
    np.testing.assert_allclose(project_onto(X, np.array([[2.0, 0.0], [0.0, 10.0]])), [[3, 4], [1, 0]])
    np.testing.assert_allclose(project_onto(X, np.array([1.0, 1.0])), [[7 / np.sqrt(2)], [1 / np.sqrt(2)]])
    with pytest.raises(ValueError, match="zero vector"):
        project_onto(X, np.zeros((1, 2)))


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_nearest_neighbours_match_a_full_sort_and_skip_the_point_itself(X, metric):
    Y = X / np.linalg.norm(X, axis=1, keepdims=True) if metric == "cosine" else X
    dist = np.linalg.norm(Y[:, None] - Y[None], axis=2)
    np.fill_diagonal(dist, np.inf)
    np.testing.assert_array_equal(nearest_neighbours(X, 5, metric), np.argsort(dist, axis=1)[:, :5])


def test_neighbour_preservation_is_one_for_a_faithful_picture_and_low_for_noise(X):
    assert neighbour_preservation(X, 3 * X + 1, k=10) == 1.0
    noise = np.random.default_rng(1).normal(size=(len(X), 2))
    assert neighbour_preservation(X, noise, k=10) < 0.25
    with pytest.raises(ValueError, match="same rows"):
        neighbour_preservation(X, noise[:-1])


def test_knn_accuracy_on_clusters_and_tie_breaking():
    X, labels = _clusters()
    assert knn_accuracy(X, labels, k=5) == 1.0
    assert knn_accuracy(X, np.array(["abc"[i] for i in labels]), k=5) == 1.0
    # two points per label on a line: each point's 2 neighbours vote 1-1, the smaller label wins
    line, two = np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([0, 1, 0, 1])
    assert knn_accuracy(line, two, k=1) == 0.0
    assert knn_accuracy(np.array([[0.0], [1.0], [2.0]]), np.array([0, 1, 0]), k=2) == pytest.approx(2 / 3)


def test_knn_predict_returns_the_voted_labels_in_their_own_type():
    line = np.array([[0.0], [1.0], [2.0], [10.0]])
    np.testing.assert_array_equal(knn_predict(line, np.array(["b", "a", "b", "a"]), k=2), ["a", "b", "a", "a"])
    with pytest.raises(ValueError, match="one label per row"):
        knn_predict(line, [0, 1], k=1)


def test_trustworthiness_is_scikit_learns(X):
    low = pca(X, 2).coords
    assert trustworthiness(X, low, 5) == pytest.approx(sk_trustworthiness(X, low, n_neighbors=5))
    with pytest.raises(ValueError, match="k < n / 2"):
        trustworthiness(X, low, 70)


@pytest.mark.slow
def test_tsne_and_umap_are_reproducible_for_a_seed_and_keep_clusters():
    X, labels = _clusters()
    for method in (tsne, umap):
        a, b = method(X, seed=3), method(X, seed=3)
        assert a.shape == (len(X), 2)
        np.testing.assert_array_equal(a, b)
        assert knn_accuracy(a, labels, 5) == 1.0
    np.testing.assert_array_equal(tsne(X, seed=1), tsne(X, seed=2))  # a PCA start leaves nothing to chance
    assert not np.allclose(tsne(X, seed=1, angle=0.8), tsne(X, seed=1))  # the Barnes-Hut angle reaches scikit-learn
    assert not np.allclose(tsne(X, seed=1, init="random"), tsne(X, seed=2, init="random"))
    with pytest.raises(ValueError, match="perplexity"):
        tsne(X, perplexity=len(X))
    with pytest.raises(ValueError, match="init must be"):
        tsne(X, init="spectral")
    with pytest.raises(ValueError, match="n_components must be 2 or 3"):
        umap(X, n_components=4)


_FIT_AND_REPORT_COMPILING = """
import json, sys
import numpy as np
from numba.core.dispatcher import Dispatcher
from embedlab.projection import nonlinear

def umap_functions():
    return {f"{name}.{key}": f for name, module in list(sys.modules.items()) if name.split(".")[0] == "umap"
            for key, f in vars(module).items() if isinstance(f, Dispatcher)}

nonlinear._umap_module()
before = {name: len(f.signatures) for name, f in umap_functions().items()}  # a few compile eagerly at import
nonlinear.umap(np.random.default_rng(0).normal(size=(60, 5)), n_neighbors=5)
print(json.dumps({name: {"cached": bool(f.stats.cache_path), "from_disk": bool(f.stats.cache_hits)}
                  for name, f in umap_functions().items() if len(f.signatures) > before.get(name, 0)}))
"""


@pytest.mark.slow
def test_a_second_process_fits_umap_without_compiling_it_again():
    """umap declares some functions without ``cache=True`` (its layout optimiser among them); embedlab
    lets numba cache them, so only the first process on a machine pays for compiling them."""
    def fit_in_a_new_process() -> dict:
        run = subprocess.run([sys.executable, "-c", _FIT_AND_REPORT_COMPILING], capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        return json.loads(run.stdout.strip().splitlines()[-1])

    fit_in_a_new_process()  # compiles what the cache lacks (nothing when the cache is warm)
    second = fit_in_a_new_process()
    assert "umap.layouts._nb_optimize_layout_euclidean_single_epoch" in second
    assert {name: how for name, how in second.items()
            if not (how["cached"] and how["from_disk"])} == {}


def test_a_process_imports_umap_and_fits_it_first_under_the_lock(monkeypatch):
    """Importing umap compiles pynndescent's functions: two chapters doing it side by side compiled them
    twice. The first import and fit of a process happen under the lock, later fits without it."""
    from embedlab.projection import nonlinear

    events: list[str] = []

    @contextmanager
    def lock(namespace, name):
        events.append("lock")
        yield
        events.append("unlock")

    class FakeUMAP:
        def __init__(self, n_components, **_):
            self.n_components = n_components

        def fit_transform(self, X):
            events.append("fit")
            return np.zeros((len(X), self.n_components))

    def import_umap():
        events.append("import")
        return type("umap_module", (), {"UMAP": FakeUMAP})

    monkeypatch.setattr(nonlinear, "cache_lock", lock)
    monkeypatch.setattr(nonlinear, "_umap_module", import_umap)
    monkeypatch.setattr(nonlinear, "_compiled", False)
    X = np.random.default_rng(0).normal(size=(30, 4))
    umap(X, n_neighbors=5)
    umap(X, n_neighbors=5)
    assert events == ["lock", "import", "fit", "unlock", "import", "fit"]


@pytest.mark.slow
def test_projection_report_measures_every_method_on_the_same_points():
    X, labels = _clusters()
    report = projection_report(X, labels, k=5)
    assert list(report) == ["full space", "PCA", "t-SNE", "UMAP"]
    assert report["full space"]["knn_accuracy"] == 1.0
    for name in ("PCA", "t-SNE", "UMAP"):
        row = report[name]
        assert row["coords"].shape == (len(X), 2) and row["seconds"] > 0
        assert 0.5 < row["trustworthiness"] <= 1 and 0 < row["neighbours_kept"] <= 1
