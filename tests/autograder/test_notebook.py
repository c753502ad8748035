"""Reading submissions and telling which lab they are."""

from __future__ import annotations

import nbformat
import pytest

from autograder.labs import UnknownLabError, get_lab
from autograder.inputs import read_submission
from autograder.notebook import SubmissionError, parse_notebook


def read_notebook(path):
    """As grade_submission reads a submission: the bytes once, checked, then parsed."""
    return parse_notebook(read_submission(path), path)


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00\x80", "not UTF-8"),
    (b'{"cells": [', "invalid JSON"),
    (b'{"hello": "world"}', "not a readable notebook"),
])
def test_unreadable_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        read_notebook(path)


def test_missing_file(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        read_notebook(tmp_path / "nope.ipynb")


def test_nbformat_3_is_upgraded(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")], metadata={"autograder": {"lab": "lab01"}})
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(nbformat.convert(nb, 3), version=3))
    upgraded = read_notebook(path)
    assert upgraded.nbformat == 4 and upgraded.cells[0].source == "x = 1"
    assert get_lab(notebook=upgraded, path=path).id == "lab01"


def test_lab_from_option_metadata_or_file_name(tmp_path):
    bare = nbformat.v4.new_notebook()
    assert get_lab("lab01", notebook=bare, path=tmp_path / "x.ipynb").id == "lab01"
    assert get_lab(notebook=bare, path=tmp_path / "alice_lab01_token_embeddings.ipynb").id == "lab01"
    stamped = nbformat.v4.new_notebook(metadata={"autograder": {"lab": "lab02"}})
    assert get_lab(notebook=stamped, path=tmp_path / "lab01.ipynb").id == "lab02"  # metadata wins
    with pytest.raises(UnknownLabError, match="cannot tell which lab"):
        get_lab(notebook=bare, path=tmp_path / "homework.ipynb")
    with pytest.raises(UnknownLabError, match="unknown lab 'lab99'"):
        get_lab("lab99", notebook=bare, path=tmp_path / "x.ipynb")


def test_grading_parses_the_bytes_that_were_checked(tmp_path, monkeypatch):
    """The file is read once: a notebook swapped in after the checks is not what gets graded."""
    import autograder.grade as grade

    path = tmp_path / "lab01.ipynb"
    nbformat.write(nbformat.v4.new_notebook(metadata={"autograder": {"lab": "lab01"}}), path)
    monkeypatch.setattr(grade, "read_submission", lambda p: b'{"cells": [')  # what the checked read saw
    with pytest.raises(SubmissionError, match="invalid JSON"):
        grade.grade_submission(path)
