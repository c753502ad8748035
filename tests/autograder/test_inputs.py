"""Issue 8, class 6: hostile files around the submission, and the unisolated fallback.

Only regular files inside the graded folder are graded, read with a size cap
and without blocking; reports replace a planted symlink instead of writing
through it; one bad file in a batch costs its own row, never the gradebook.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import textwrap

import nbformat
import pytest

from autograder import sandbox
from autograder.__main__ import main
from autograder.inputs import MAX_NOTEBOOK_BYTES, UnsafeInput, read_submission, safe_output

from agtest_helpers import FULL, ROOT, SOLUTION


@pytest.fixture(autouse=True)
def no_hang():
    """Fail instead of hanging when a read blocks (the bug this file guards against)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("blocked reading a hostile file"))
    signal.alarm(120)
    yield
    signal.alarm(0)


def _tiny_notebook(path, code: str = "u = 1") -> None:
    nb = nbformat.v4.new_notebook(metadata={"autograder": {"lab": "lab01"}})
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(code))]
    nbformat.write(nb, path)


def test_a_regular_notebook_and_a_link_inside_its_folder_are_read(tmp_path):
    _tiny_notebook(tmp_path / "real.ipynb")
    (tmp_path / "link.ipynb").symlink_to("real.ipynb")
    assert read_submission(tmp_path / "link.ipynb") == (tmp_path / "real.ipynb").read_bytes()


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: os.mkfifo(p), "a FIFO"),
    (lambda p: p.symlink_to("/dev/zero"), "outside"),
    (lambda p: p.symlink_to(SOLUTION), "outside"),
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: (p.touch(), os.truncate(p, MAX_NOTEBOOK_BYTES + 1)), "more than"),
], ids=["fifo", "dev-zero", "solutions", "folder", "too-large"])
def test_hostile_files_are_refused_before_anything_is_read(tmp_path, make, reason):
    path = tmp_path / "sub.ipynb"
    make(path)
    with pytest.raises(UnsafeInput, match=reason):
        read_submission(path)


def test_a_link_inside_the_folder_to_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "sub.ipynb").symlink_to("pipe")
    with pytest.raises(UnsafeInput, match="a FIFO"):
        read_submission(tmp_path / "sub.ipynb")


def test_a_report_planted_as_a_symlink_is_replaced_not_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    report = tmp_path / "checkout" / "report.json"
    report.parent.mkdir()
    report.symlink_to(outside)
    with safe_output(report) as path:
        path.write_text("{}")
    assert outside.read_text() == "precious"
    assert not report.is_symlink() and report.read_text() == "{}"
    with pytest.raises(RuntimeError), safe_output(report) as path:  # a failed write leaves the old report
        path.write_text("half")
        raise RuntimeError
    assert report.read_text() == "{}" and sorted(p.name for p in report.parent.iterdir()) == ["report.json"]


def test_the_cli_refuses_a_fifo_with_a_zero_report_out_of_the_labs_points(tmp_path, capsys):
    os.mkfifo(tmp_path / "lab01_sub.ipynb")
    outside = tmp_path / "outside.xml"
    outside.write_text("precious")
    (tmp_path / "report.xml").symlink_to(outside)
    code = main(["grade", str(tmp_path / "lab01_sub.ipynb"), "--json", str(tmp_path / "report.json"),
                 "--junit", str(tmp_path / "report.xml"), "--allow-unisolated"])
    assert code == 2 and "FIFO" in capsys.readouterr().err
    data = json.loads((tmp_path / "report.json").read_text())
    assert (data["lab"], data["score"], data["max_score"]) == ("lab01", 0, 12)
    assert outside.read_text() == "precious" and not (tmp_path / "report.xml").is_symlink()


def test_without_a_sandbox_grading_is_refused_unless_allowed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda: (False, "no bubblewrap in this test"))
    monkeypatch.delenv("AUTOGRADER_ALLOW_UNISOLATED", raising=False)
    _tiny_notebook(tmp_path / "lab01_x.ipynb")
    code = main(["grade", str(tmp_path / "lab01_x.ipynb"), "--json", str(tmp_path / "r.json")])
    assert code == 2 and "refusing to grade without a sandbox" in capsys.readouterr().err
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and data["max_score"] == FULL and data["isolation"]["isolated"] is False


@pytest.mark.slow
@pytest.mark.notebooks
def test_allowed_unisolated_grading_says_so_loudly(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "_probe", lambda: (False, "no bubblewrap in this test"))
    _tiny_notebook(tmp_path / "lab01_x.ipynb", "u = 1\nv = 2")
    code = main(["grade", str(tmp_path / "lab01_x.ipynb"), "--json", str(tmp_path / "r.json"),
                 "--allow-unisolated", "--total-timeout", "60"])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("sandbox: NOT ISOLATED") and "WARNING: NOT ISOLATED" in out
    isolation = json.loads((tmp_path / "r.json").read_text())["isolation"]
    assert isolation["isolated"] is False and "NOT ISOLATED" in isolation["note"]


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_batch_with_hostile_files_keeps_its_gradebook(tmp_path):
    folder = tmp_path / "submissions"
    for student in ("ann", "bob", "cat", "dan", "eve"):
        (folder / student).mkdir(parents=True)
    _tiny_notebook(folder / "ann" / "lab01.ipynb", "def get_row(E, i):\n    return E[i]")
    (folder / "bob" / "lab01.ipynb").symlink_to(SOLUTION)
    os.mkfifo(folder / "cat" / "lab01.ipynb")
    (folder / "dan" / "lab01.ipynb").symlink_to("/dev/zero")
    (folder / "eve" / "lab01.ipynb").write_text("not json")
    gradebook = tmp_path / "gradebook.csv"
    outside = tmp_path / "outside.csv"
    outside.write_text("precious")
    gradebook.symlink_to(outside)
    assert main(["grade", str(folder), "--csv", str(gradebook), "--lab", "lab01", "--workers", "2",
                 "--total-timeout", "60", "--allow-unisolated"]) == 0
    rows = {r["student"]: r for r in csv.DictReader(gradebook.open())}
    assert outside.read_text() == "precious"
    assert sorted(rows) == ["ann", "bob", "cat", "dan", "eve"]
    assert float(rows["ann"]["score"]) == 1
    for student, reason in (("bob", "outside"), ("cat", "FIFO"), ("dan", "outside"), ("eve", "not a notebook")):
        assert float(rows[student]["score"]) == 0 and reason in rows[student]["errors"], rows[student]
    assert str(ROOT) not in rows["bob"]["errors"].replace(str(SOLUTION), "")  # the link is named, not read
