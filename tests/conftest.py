"""Shared pytest settings. Group-specific fixtures live in each tests/<group>/conftest.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
#: the group of every test file that uses the built site: one worker builds it once and runs them all
SITE_GROUP = "book"
#: a sandboxed group of this many tests grades in bulk (computes) rather than probing edge cases (waits)
LARGE_GROUP = 40


def xdist_groups(items: list) -> dict[Path, str]:
    """The pytest-xdist group of each test file (``make test`` runs two workers with ``--dist loadgroup``).

    A file's tests stay on one worker, so its module fixtures (a lab graded once, a browser) are made
    once. The files with a test that uses the built site (the ``site`` fixture) share one group, whose
    worker builds the book once; the other files, the book's own unit tests included, run on either
    worker, so a file that executes small books of its own can run beside the build.
    """
    paths = {Path(str(item.path)) for item in items}
    using_site = {Path(str(item.path)) for item in items if "site" in getattr(item, "fixturenames", ())}
    return {path: SITE_GROUP if path in using_site else path.relative_to(TESTS).as_posix() for path in paths}


def _group(item) -> str:
    return item.get_closest_marker("xdist_group").args[0]


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks to group the tests
def pytest_collection_modifyitems(config, items):
    groups = xdist_groups(items)
    for item in items:
        if not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(groups[Path(str(item.path))]))
    order_for_workers(items)


def order_for_workers(items: list) -> None:
    """Sort ``items`` (stable) into the order the workers take their groups (``make test`` passes
    ``--no-loadscope-reorder``), so that waiting overlaps computing:

    1. the built site's tests (the longest group: its build executes the chapters two at a time, keeping
       both cores busy);
    2. meanwhile, on the other worker, the groups that execute a few notebooks (graded in the sandbox, or
       small books of their own), smallest first: hostile and edge cases, which mostly wait on timeouts,
       restarts and kernels starting;
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
        if group == SITE_GROUP:
            return 0, 0
        if group in sandboxed and group not in large:
            return 1, sizes[group]
        if group in slow:
            return 2, -sizes[group]
        return 3, -sizes[group]
    items.sort(key=rank)
