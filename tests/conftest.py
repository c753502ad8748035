"""Shared pytest settings. Group-specific fixtures live in each tests/<group>/conftest.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

BOOK_TESTS = Path(__file__).parent / "book"
#: a sandboxed group of this many tests grades in bulk (computes) rather than probing edge cases (waits)
LARGE_GROUP = 40


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
    ``--no-loadscope-reorder``), so that waiting overlaps computing:

    1. the book (the longest: it executes the chapters two at a time, keeping both cores busy);
    2. meanwhile, on the other worker, the groups that grade a few notebooks in the sandbox, smallest
       first: hostile and edge cases, which mostly wait on timeouts, restarts and kernels starting;
    3. the large sandboxed groups (every lab's solution, the plausible notebooks), which compute, while
       the book's worker drives the browser; then the other slow groups (mutants, sweeps), largest first;
    4. the quick unit tests, to fill the end.

    pytest-xdist's own order (most tests first) left the groups of a few slow tests, which wait, to the
    end, with one worker idle beside them."""
    sizes = Counter(map(_group, items))
    sandboxed = {_group(i) for i in items if i.get_closest_marker("notebooks")}
    slow = {_group(i) for i in items if i.get_closest_marker("slow")}
    large = {group for group in sandboxed if sizes[group] >= LARGE_GROUP}

    def rank(item) -> tuple[int, int]:
        group = _group(item)
        if group == "book":
            return 0, 0
        if group in sandboxed and group not in large:
            return 1, sizes[group]
        if group in slow:
            return 2, -sizes[group]
        return 3, -sizes[group]
    items.sort(key=rank)
