"""Reading notebooks safely and finding which lab a notebook is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from .labs import LABS
from .spec import Lab

__all__ = ["METADATA_KEY", "SubmissionError", "exercise_tag", "identify_lab", "read_notebook"]

METADATA_KEY = "autograder"
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


def identify_lab(nb: nbformat.NotebookNode, path: str | Path, lab_id: str | None = None) -> Lab:
    """The lab named by ``lab_id``, else by the notebook's metadata, else by a lab id in the file name."""
    candidates = [lab_id] if lab_id else []
    stamped = nb.metadata.get(METADATA_KEY, {})
    if not lab_id and isinstance(stamped, dict) and isinstance(stamped.get("lab"), str):
        candidates.append(stamped["lab"])
    if not candidates:
        candidates = [lid for lid in LABS if re.search(rf"(^|[^a-z0-9]){lid}([^0-9]|$)", Path(path).name.lower())]
    if len(candidates) == 1 and candidates[0] in LABS:
        return LABS[candidates[0]]
    known = ", ".join(sorted(LABS))
    if candidates and candidates[0] not in LABS:
        raise SubmissionError(f"{path}: unknown lab {candidates[0]!r} (known labs: {known}).")
    raise SubmissionError(
        f"{path}: cannot tell which lab this is (no '{METADATA_KEY}.lab' in the notebook metadata and "
        f"no lab id in the file name); pass --lab (known labs: {known})."
    )


def exercise_tag(name: str) -> str:
    """The cell tag that marks the cell holding exercise ``name``."""
    return f"exercise:{name}"
