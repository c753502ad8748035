"""Reading submitted notebooks safely (which lab a notebook is: :func:`autograder.labs.get_lab`)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

__all__ = ["SubmissionError", "exercise_tag", "parse_notebook"]



class SubmissionError(Exception):
    """The file cannot be graded at all (not a notebook, unknown lab): exit status 2."""


def parse_notebook(data: bytes, path: str | Path) -> nbformat.NotebookNode:
    """``data`` (the bytes of the file at ``path``, named in errors) as an nbformat v4 notebook."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except UnicodeDecodeError:
        raise SubmissionError(f"{path}: not a notebook (the file is not UTF-8 text).") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as err:
        raise SubmissionError(f"{path}: not a notebook (invalid JSON: {str(err)[:120]}).") from None
    except Exception as err:  # nbformat raises assorted errors for JSON that is not a notebook
        raise SubmissionError(f"{path}: not a readable notebook ({type(err).__name__}: {str(err)[:120]}).") from None
    if not isinstance(nb.get("cells"), list):
        raise SubmissionError(f"{path}: not a notebook (no list of cells).")
    return nb


def exercise_tag(name: str) -> str:
    """The cell tag that marks the cell holding exercise ``name``."""
    return f"exercise:{name}"
