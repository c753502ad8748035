"""Fixtures of the autograder tests: the hostile suite on disk, graded once per session by the batch grader."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from agtest_helpers import FAST, UNISOLATED_OK, hostile_submissions

if UNISOLATED_OK:  # no sandbox on this machine and not CI: the CLI tests grade unisolated too
    os.environ["AUTOGRADER_ALLOW_UNISOLATED"] = "1"


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory) -> tuple[Path, dict[str, float]]:
    """A folder of hostile submissions and the score each must get."""
    folder = tmp_path_factory.mktemp("submissions")
    expected = {}
    for name, (content, score) in hostile_submissions().items():
        filename = f"{name}.lab01.ipynb" if name.startswith("no_metadata") else f"{name}.ipynb"
        data = content if isinstance(content, bytes) else nbformat.writes(content).encode()
        (folder / filename).write_bytes(data)
        expected[filename] = score
    return folder, expected


@pytest.fixture(scope="session")
def graded_batch(hostile_dir, tmp_path_factory):
    """The hostile suite graded once with the batch grader (2 workers); rows by file name."""
    from autograder.batch import grade_directory

    folder, expected = hostile_dir
    csv_path = tmp_path_factory.mktemp("gradebook") / "gradebook.csv"
    rows = grade_directory(folder, csv_path, lab_id=None, limits=FAST, workers=2)
    return {Path(r["submission"]).name: r for r in rows}, expected, csv_path
