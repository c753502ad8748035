"""Reading submissions and telling which lab they are."""

from __future__ import annotations

import nbformat
import pytest

from autograder.labs import UnknownLabError, get_lab
from autograder.notebook import SubmissionError, read_notebook


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
    with pytest.raises(SubmissionError, match="cannot read"):
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
