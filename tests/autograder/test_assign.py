"""assign: labs/ is generated from solutions/ and --check notices when it is stale."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.assign import AssignError, stale_labs, student_version

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


def test_unbalanced_markers_are_refused(tmp_path):
    root = _copy_repo(tmp_path)
    path = root / "solutions" / SOLUTION.name
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "exercise:cos_sim" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("### END SOLUTION", "")
    nbformat.write(nb, path)
    with pytest.raises(AssignError, match="unbalanced"):
        student_version(path)
