"""Lab 4 (projections): what the generic contract (test_labs.py) does not cover.

PCA written another way (eigh of the covariance) with the sign convention gets full marks;
the targeted messages show through ``check()``; the references agree with numerical
gradients and with scikit-learn; the solution imports only what the sandbox allows; and a
solution that forgets to centre, graded by the real CLI, loses exactly the PCA points.
"""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograder import check
from autograder.kernel_view import import_closure
from autograder.labs import get_lab

from agtest_helpers import HIDDEN_SEEDS, ROOT, _load, _replace_def, judge_in_process

LAB = get_lab("lab04")
SOLUTION = ROOT / "solutions" / LAB.notebook


def test_lab04_has_seven_exercises_and_only_the_loaders_in_its_sandbox():
    assert [ex.name for ex in LAB.exercises] == ["pca", "explained_variance_ratio", "neighbour_preservation",
                                                 "knn_predict", "sentiment_forward", "sentiment_gradients",
                                                 "project_onto"]
    allowed = set(LAB.allowed_modules)
    assert {"embedlab.data.glove", "embedlab.data.word_categories", "embedlab.data.sentiment"} <= allowed
    assert not {m for m in allowed if m.startswith(("embedlab.projection", "embedlab.supervised"))}
    assert set(import_closure(LAB.allowed_modules)) == allowed


def test_the_solution_imports_embedlab_data_only():
    nb = _load(SOLUTION)
    imported = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith("%") else line
                           for line in cell.source.splitlines())  # IPython magics are not Python
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    used = {m for m in imported if m.startswith("embedlab")}
    assert used == {"embedlab.data"}  # the package, reduced in the sandbox to the allowed loaders


def _pca_by_eigh(X, k):
    """PCA from the eigenvectors of the covariance matrix, with the lab's sign convention."""
    Xc = X - X.mean(axis=0)
    vectors = np.linalg.eigh(Xc.T @ Xc)[1]
    components = vectors[:, ::-1][:, :k].T
    signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
    components = components * signs[:, None]
    return Xc @ components.T, components


def test_pca_by_eigh_with_the_sign_convention_gets_full_marks_on_hidden_seeds():
    for seed in HIDDEN_SEEDS:
        assert judge_in_process(LAB.exercise("pca"), (_pca_by_eigh,), seed).passed, seed


def test_either_sign_of_each_component_gets_full_marks_but_not_inconsistent_coordinates():
    def flip_first(X, k):
        coords, components = _pca_by_eigh(X, k)
        coords[:, 0] *= -1
        components[0] *= -1
        return coords, components

    def flip_components_only(X, k):
        coords, components = _pca_by_eigh(X, k)
        return coords, -components

    exercise = LAB.exercise("pca")
    for seed in HIDDEN_SEEDS:
        assert judge_in_process(exercise, (flip_first,), seed).passed, seed
        assert not judge_in_process(exercise, (flip_components_only,), seed).passed, seed


@pytest.mark.parametrize(("name", "wrong", "message"), [
    ("neighbour_preservation", 0, "included each point among its own neighbours"),
    ("knn_predict", 1, "let each point vote for itself"),
    ("sentiment_gradients", 2, "dE[ids] += ... keeps only one"),
    ("project_onto", 0, "forgot to normalise the directions"),
])
def test_check_shows_targeted_messages(name, wrong, message, capsys):
    check(name, LAB.exercise(name).near_misses[wrong].wrong, lab="lab04")
    out = capsys.readouterr().out
    assert f"{name}: not yet" in out and message in out


def test_reference_gradients_match_numerical_ones_on_a_graded_case():
    E, w, b, ids, mask, y = LAB.exercise("sentiment_gradients").cases(np.random.default_rng(7))[0].args
    forward = LAB.exercise("sentiment_forward").reference

    def loss():
        p = forward(E, w, b, ids, mask)[1]
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    dE, _, _ = LAB.exercise("sentiment_gradients").reference(E, w, b, ids, mask, y)
    eps, (row, col) = 1e-6, (int(ids[0, 0]), 1)
    E[row, col] += eps
    up = loss()
    E[row, col] -= 2 * eps
    down = loss()
    E[row, col] += eps
    assert dE[row, col] == pytest.approx((up - down) / (2 * eps), abs=1e-7)
    assert np.all(dE[0] == 0)  # id 0 is padding in the graded batches


@pytest.mark.slow
@pytest.mark.notebooks
def test_forgetting_to_centre_costs_the_pca_points_through_the_sandbox(tmp_path):
    nb = copy.deepcopy(_load(SOLUTION))
    _replace_def(nb, "pca", """
_, _, Vt = np.linalg.svd(X, full_matrices=False)
components = Vt[:k]
signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
components = components * signs[:, None]
return X @ components.T, components""")
    path = tmp_path / "uncentred.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json", str(tmp_path / "r.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    report = json.loads((tmp_path / "r.json").read_text())
    feedback = {ex["name"]: ex for ex in report["exercises"]}
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert feedback["pca"]["score"] == 0 and "forgot to centre" in feedback["pca"]["feedback"]
    assert report["score"] == report["max_score"] - 2
