"""Shared pytest settings. Group-specific fixtures live in each tests/<group>/conftest.py."""

from __future__ import annotations

from collections import Counter
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


def _group(item) -> str:
    return item.get_closest_marker("xdist_group").args[0]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks to group the tests
def pytest_collection_modifyitems(config, items):
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(xdist_group_of(Path(str(item.path)))))
    order_for_workers(items)


def order_for_workers(items: list) -> None:
    """Sort ``items`` (stable) into the order the workers take their groups (``make test`` passes
    ``--no-loadscope-reorder``): the book first (the longest: it executes the chapters two at a time);
    then the groups that run notebooks in the sandbox, whose timeouts and restarts mostly wait, while
    the chapters keep both cores busy; then the other slow groups (all computing: mutants, sweeps);
    the quick unit tests last, to fill the end. Larger groups first within each kind. pytest-xdist's
    own order (most tests first) left files of a few slow tests, which wait on timeouts, to the end."""
    def kinds(marker: str) -> set[str]:
        return {_group(i) for i in items if i.get_closest_marker(marker)}

    sizes, sandboxed, slow = Counter(map(_group, items)), kinds("notebooks"), kinds("slow")
    items.sort(key=lambda item: (_group(item) != "book", _group(item) not in sandboxed, _group(item) not in slow,
                                 -sizes[_group(item)]))
