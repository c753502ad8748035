"""Shared pytest settings. Group-specific fixtures live in each tests/<group>/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

BOOK_TESTS = Path(__file__).parent / "book"


def xdist_group_of(path: Path) -> str:
    """The pytest-xdist group of a test file (``make test`` runs two workers with ``--dist loadgroup``).

    A file's tests stay on one worker, so its module fixtures (a lab graded once, a browser) are made
    once; the book's tests share one worker, which builds the site once (the ``site`` fixture) while
    the other worker runs the rest.
    """
    return "book" if BOOK_TESTS in path.parents else path.relative_to(BOOK_TESTS.parent).as_posix()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks to group the tests
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(xdist_group_of(Path(str(item.path)))))
