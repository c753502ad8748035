"""Plausible student notebooks (tests/autograder/plausible/) graded both ways, as a student meets them.

Every registered lab has at least eight: correct answers written differently from the reference and
common mistakes. Each exercise must keep full marks when it is right and lose points when it is wrong
(no false positive, no false negative), in ``check()`` (this process, the public cases, the way the
notebook calls it) and in the real grader (sandboxed kernel, hidden cases), and the two must agree on
pass/fail. A variant whose verdict is wrong because of a known grader bug is an expected failure
(strict) that names the bug.
"""

from __future__ import annotations

import contextlib
import importlib
import io

import nbformat
import pytest

from autograder import check
from autograder.batch import grade_many
from autograder.labs import LABS, get_lab
from autograder.sandbox import Limits

from agtest_helpers import ROOT, UNISOLATED_OK
from plausible import Variant, build, definitions


def _variants(lab_id: str) -> list[Variant]:
    """The lab's plausible notebooks (none when it has no module in plausible/: the count test says so)."""
    try:
        return importlib.import_module(f"plausible.{lab_id}").VARIANTS
    except ModuleNotFoundError:
        return []


VARIANTS = {lab_id: _variants(lab_id) for lab_id in sorted(LABS)}
CASES = [pytest.param(lab_id, variant, id=f"{lab_id}-{variant.name}",
                      marks=[pytest.mark.xfail(strict=True, reason=variant.bug)] if variant.bug else [])
         for lab_id, variants in VARIANTS.items() for variant in variants]


def _notebook(lab_id: str, variant: Variant) -> nbformat.NotebookNode:
    return build(nbformat.read(ROOT / "solutions" / get_lab(lab_id).notebook, as_version=4), variant)


def _expected(lab_id: str, variant: Variant) -> dict[str, bool]:
    """Exercise -> whether it must keep full marks."""
    return {ex.name: ex.name not in variant.wrong for ex in get_lab(lab_id).exercises}


_CHECKED: dict[tuple[str, str], dict[str, bool]] = {}


def check_verdicts(lab_id: str, variant: Variant) -> dict[str, bool]:
    """Exercise -> whether ``check()`` says correct (worked out once per variant: two tests compare with it)."""
    key = (lab_id, variant.name)
    if key not in _CHECKED:
        _CHECKED[key] = _run_check(lab_id, variant)
    return _CHECKED[key]


def _run_check(lab_id: str, variant: Variant) -> dict[str, bool]:
    """``check()`` run as the notebook runs it: the notebook's definitions executed as cells (IPython's
    ``In`` holds them), then ``check(name)`` on the names they define."""
    lab = get_lab(lab_id)
    cells = definitions(_notebook(lab_id, variant), {ex.name for ex in lab.exercises if ex.kind == "values"})
    namespace = {"__name__": "__main__", "In": ["", *cells], "check": check}
    for source in cells:
        exec(compile(source, "<cell>", "exec"), namespace)
    verdicts = {}
    for ex in lab.exercises:
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            exec(compile(f"check({ex.name!r}, lab={lab_id!r})", "<check cell>", "exec"), namespace)
        verdicts[ex.name] = f"✅ {ex.name}: correct" in shown.getvalue()
    return verdicts


def test_every_lab_has_eight_plausible_notebooks_right_and_wrong():
    for lab_id, variants in VARIANTS.items():
        names = {ex.name for ex in get_lab(lab_id).exercises}
        assert len(variants) >= 8, f"{lab_id}: write at least 8 plausible notebooks in plausible/{lab_id}.py"
        assert len({v.name for v in variants}) == len(variants), lab_id
        assert any(not v.wrong for v in variants) and any(v.wrong for v in variants), lab_id
        for v in variants:
            assert v.wrong <= names and set(v.blocks) | set(v.cells) <= names, (lab_id, v.name)


def test_a_variant_replaces_the_solution_block_and_keeps_the_rest_of_the_cell():
    nb = _notebook("lab01", Variant("x", blocks={"get_column": "return E.T[j]"}))
    cell = next(c for c in nb.cells if "exercise:get_column" in c.metadata.get("tags", []))
    assert "    return E.T[j]\n" in cell.source and "return E[:, j]" not in cell.source
    assert "    return E[i]\n" in cell.source and cell.source.count("### BEGIN SOLUTION") == 1
    assert cell.source.rstrip().endswith("get_column(embeddings, 0).shape)")


@pytest.mark.parametrize(("lab_id", "variant"), CASES)
def test_check_in_the_notebook_gives_each_exercise_its_verdict(lab_id, variant):
    assert check_verdicts(lab_id, variant) == _expected(lab_id, variant)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every variant graded once by the real grader (2 at a time): (lab, variant name) -> report."""
    folder = tmp_path_factory.mktemp("plausible")
    paths = {}
    for lab_id, variants in VARIANTS.items():
        for variant in variants:
            path = folder / f"{lab_id}_{variant.name}.ipynb"
            nbformat.write(_notebook(lab_id, variant), path)
            paths[(lab_id, variant.name)] = path
    # the cell timeout of test_labs.py: lab 2's corpus cell is slow on a loaded machine
    outcomes = grade_many(paths.values(), limits=Limits(cell_timeout=120, allow_unisolated=UNISOLATED_OK), workers=2)
    return {key: outcomes[path] for key, path in paths.items()}


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize(("lab_id", "variant"), CASES)
def test_the_grader_gives_each_exercise_its_verdict_and_agrees_with_check(graded, lab_id, variant):
    report = graded[(lab_id, variant.name)]
    assert not isinstance(report, str), report
    full = {ex.name: ex.score == ex.max_score for ex in report.exercises}
    feedback = {ex.name: ex.feedback for ex in report.exercises if full[ex.name] != (ex.name not in variant.wrong)}
    assert full == _expected(lab_id, variant), feedback
    assert full == check_verdicts(lab_id, variant)
