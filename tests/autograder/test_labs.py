"""The contract every registered lab keeps (one parametrised file, so a new lab is covered by registering it).

For each lab in ``autograder.labs.LABS``:

* its spec is sound: the reference passes its own cases through the plain-data
  boundary, and every registered near miss loses points with its targeted
  message, on the public seed and on fresh hidden seeds;
* every ``labNN`` module is registered and the book's table of contents lists its notebook;
* ``labs/`` is in sync with ``solutions/`` and every exercise has its tagged cell,
  a stub in the student notebook and a ``check()`` call;
* graded by the real grader (sandboxed kernel), the solution notebook scores full
  marks with no error and the untouched lab scores 0 without a timeout or a crash.

The slow part grades every lab's two notebooks once (module-scoped, in parallel).
"""

from __future__ import annotations

import ast
import sys
from pathlib import PurePath

import nbformat
import numpy as np
import pytest
import yaml

from autograder import check
from autograder.assign import BEGIN, student_version
from autograder.batch import grade_many
from autograder.kernel_side import handle
from autograder.labs import LAB_MODULES, LABS, get_lab
from autograder.loops import FACTOR, SIZE, find_loop
from autograder.notebook import exercise_tag
from autograder.sandbox import Limits

from agtest_helpers import ROOT, SEEDS, UNISOLATED_OK, judge_in_process
from plausible import cell_code

LAB_IDS = sorted(LABS)
EXERCISES = [pytest.param(lab.id, ex.name, id=f"{lab.id}-{ex.name}") for lab in LABS.values() for ex in lab.exercises]
NEAR_MISSES = [pytest.param(lab.id, ex.name, i, id=f"{lab.id}-{ex.name}-{i}")
               for lab in LABS.values() for ex in lab.exercises for i in range(len(ex.near_misses))]


def _reference_objects(exercise):
    """The reference as a student hands it in: the values, or a function defined in the notebook (the loop
    rule follows only code that is not library code, and the references live in the installed embedlab)."""
    if exercise.kind == "values":
        return exercise.reference()

    def answer(*args):
        return exercise.reference(*args)

    return (answer,)


# -- the spec ------------------------------------------------------------------------------------

def test_lab_ids_and_notebooks_are_unique():
    assert len({lab.notebook for lab in LABS.values()}) == len(LABS)
    for lab_id, lab in LABS.items():
        assert lab_id == lab.id and lab.exercises and lab.max_score > 0
        assert get_lab(lab_id) is lab


def test_the_registry_holds_every_lab_module_under_its_own_name():
    """Found, not listed: every ``autograder/labs/labNN.py`` is registered, with ``LAB.id`` its module name."""
    on_disk = sorted(p.stem for p in (ROOT / "autograder" / "labs").glob("lab*.py"))
    assert LAB_MODULES == on_disk == LAB_IDS


def test_the_book_lists_every_labs_student_notebook():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    labs_part = next(part for part in toc["parts"] if part["caption"] == "Labs")
    listed = [entry["file"] for entry in labs_part["chapters"] if entry["file"].startswith("labs/")]
    assert listed == [f"labs/{PurePath(get_lab(lab_id).notebook).stem}" for lab_id in LAB_IDS]


@pytest.mark.parametrize(("lab_id", "name"), EXERCISES)
def test_the_reference_passes_its_own_cases(lab_id, name):
    exercise = get_lab(lab_id).exercise(name)
    for seed in SEEDS:
        result = judge_in_process(exercise, _reference_objects(exercise), seed)
        assert result.passed, (seed, result.feedback)


@pytest.mark.slow  # 117 near misses, each on 4 seeds; the same near misses go through check() in the fast set
@pytest.mark.parametrize(("lab_id", "name", "index"), NEAR_MISSES)
def test_every_near_miss_loses_points_with_its_message(lab_id, name, index):
    exercise = get_lab(lab_id).exercise(name)
    near = exercise.near_misses[index]
    for seed in SEEDS:
        result = judge_in_process(exercise, (near.wrong,), seed)
        assert result.score < exercise.points, seed
        assert near.message in result.feedback, (seed, result.feedback)


@pytest.mark.parametrize(("lab_id", "name", "index"), NEAR_MISSES)
def test_check_in_the_notebook_shows_each_near_miss_message(lab_id, name, index, capsys):
    """The student's path: ``check()`` on the public cases prints "not yet" and the targeted message."""
    exercise = get_lab(lab_id).exercise(name)
    if exercise.kind != "function":
        pytest.skip("values exercises are checked on the notebook's own variables")
    near = exercise.near_misses[index]
    check(name, near.wrong, lab=lab_id)
    out = capsys.readouterr().out
    assert f"{name}: not yet" in out and near.message in out, out


# -- the notebooks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_labs_folder_is_in_sync_with_solutions(lab_id):
    lab = get_lab(lab_id)
    solution, student = ROOT / "solutions" / lab.notebook, ROOT / "labs" / lab.notebook
    assert solution.exists(), f"{lab_id}: no solution notebook {solution}"
    generated_lab, text = student_version(solution)
    assert generated_lab is lab
    assert student.read_text(encoding="utf-8") == text, "run `python -m autograder assign`"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_every_exercise_has_a_tagged_stub_and_a_check_call(lab_id):
    lab = get_lab(lab_id)
    solution = nbformat.read(ROOT / "solutions" / lab.notebook, as_version=4)
    student = nbformat.read(ROOT / "labs" / lab.notebook, as_version=4)
    for ex in lab.exercises:
        tagged = [c for c in student.cells if exercise_tag(ex.name) in c.metadata.get("tags", [])]
        assert len(tagged) == 1, ex.name
        assert "raise NotImplementedError" in tagged[0].source and BEGIN not in tagged[0].source
        if ex.kind == "function":
            assert f"def {ex.name}(" in tagged[0].source
        assert any(f'check("{ex.name}"' in c.source for c in solution.cells), f"no check({ex.name!r}, ...) cell"


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_the_loop_rules_inputs_grow_in_every_dimension_and_tell_loops_apart(lab_id):
    """``sized_case`` grows every array argument in every dimension (so a loop over any of them shows);
    on those inputs the reference has no loop and the same reference called row by row has one."""
    for ex in get_lab(lab_id).exercises:
        if not ex.forbid_loops:
            continue
        rng = np.random.default_rng(0)
        small, large = ex.sized_case(rng, SIZE), ex.sized_case(rng, SIZE * FACTOR)
        for a, b in zip(small.args, large.args, strict=True):
            if isinstance(a, np.ndarray):
                assert all(y > x for x, y in zip(a.shape, b.shape, strict=True)), (ex.name, a.shape, b.shape)
        (answer,) = _reference_objects(ex)

        def row_by_row(*args, ex=ex):
            return [ex.reference(*(a[i:i + 1] for a in args)) for i in range(len(args[0]))]

        for function, loops in ((answer, False), (row_by_row, True)):
            namespace = {ex.targets[0]: function}
            finding = find_loop(ex, rng, lambda request, ns=namespace: handle(request, ns), None)
            assert (finding is not None and not finding.unverifiable) == loops, (ex.name, finding)


def test_every_solution_notebook_belongs_to_a_registered_lab():
    registered = {lab.notebook for lab in LABS.values()}
    assert {p.name for p in (ROOT / "solutions").glob("*.ipynb")} <= registered


def _imported_packages(cells: list[str]) -> set[str]:
    """Top-level packages the cells import, except imports guarded by ``except ImportError`` (optional ones)."""
    optional, found = set(), set()
    for source in cells:
        tree = ast.parse(cell_code(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any("ImportError" in ast.unparse(h.type) for h in node.handlers if h.type):
                optional |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                found |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.partition(".")[0])
    return found - set(sys.stdlib_module_names) - {"embedlab", "autograder"}


@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_the_solution_imports_only_the_packages_its_spec_allows(lab_id):
    lab = get_lab(lab_id)
    nb = nbformat.read(ROOT / "solutions" / lab.notebook, as_version=4)
    assert _imported_packages([c.source for c in nb.cells if c.cell_type == "code"]) <= set(lab.allowed_packages)


def test_an_unlisted_import_is_found_and_a_guarded_one_is_not():
    cells = ["import numpy as np\nfrom scipy.spatial import distance", "%%time\nimport sklearn.manifold",
             "try:\n    import umap\nexcept ImportError:\n    umap = None", "import os, collections"]
    assert _imported_packages(cells) == {"numpy", "scipy", "sklearn"}


@pytest.fixture(scope="module")
def graded():
    """Every lab's solution and untouched student notebook, graded once by the real grader (2 at a time)."""
    paths = {(lab.id, kind): ROOT / folder / lab.notebook
             for lab in LABS.values() for kind, folder in (("solution", "solutions"), ("untouched", "labs"))}
    # generous cell timeout: lab 2's corpus cell takes ~20 s cold, more on a loaded 2-core machine
    outcomes = grade_many(paths.values(), limits=Limits(cell_timeout=120, allow_unisolated=UNISOLATED_OK), workers=2)
    return {key: outcomes[path] for key, path in paths.items()}


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_the_solution_scores_full_marks(graded, lab_id):
    report = graded[(lab_id, "solution")]
    assert not isinstance(report, str), report
    lab = get_lab(lab_id)
    assert report.lab == lab_id and report.errors == []
    assert [ex.name for ex in report.exercises] == [ex.name for ex in lab.exercises]
    failed = {ex.name: ex.feedback for ex in report.exercises if not ex.passed}
    assert not failed
    assert report.score == report.max_score == lab.max_score


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize("lab_id", LAB_IDS)
def test_the_untouched_lab_scores_zero_without_crashing(graded, lab_id):
    report = graded[(lab_id, "untouched")]
    assert not isinstance(report, str), report
    assert report.score == 0 and report.max_score == get_lab(lab_id).max_score
    assert len(report.exercises) == len(get_lab(lab_id).exercises)
    # the stubs raise; nothing times out or kills the kernel
    assert not [e for e in report.errors if "timed out" in e or "died" in e or "not restarted" in e], report.errors
    for ex in report.exercises:
        assert "timed out" not in ex.feedback and "crashed" not in ex.feedback, (ex.name, ex.feedback)
