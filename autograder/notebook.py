"""Reading submitted notebooks safely (which lab a notebook is: :func:`autograder.labs.get_lab`)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

__all__ = ["SubmissionError", "exercise_tag", "read_notebook"]

MAX_NOTEBOOK_BYTES = 20 << 20


class SubmissionError(Exception):
    """The file cannot be graded at all (not a notebook, unknown lab): exit status 2."""


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` as nbformat v4 (older versions are upgraded); clear errors otherwise."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise SubmissionError(f"{path}: larger than {MAX_NOTEBOOK_BYTES >> 20} MB; not graded.")
        text = path.read_bytes().decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
    except SubmissionError:
        raise
    except OSError as err:
        raise SubmissionError(f"{path}: cannot read the file ({err.strerror or err}).") from None
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
