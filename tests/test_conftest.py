"""The order in which the pytest-xdist workers take the test groups (tests/conftest.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


def _conftest():
    spec = importlib.util.spec_from_file_location("tests_conftest", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Item:
    def __init__(self, name: str, group: str, *marks: str):
        self.name = name
        self.marks = {"xdist_group": pytest.mark.xdist_group(group).mark}
        self.marks.update({mark: getattr(pytest.mark, mark).mark for mark in marks})

    def get_closest_marker(self, name: str):
        return self.marks.get(name)


def test_the_book_then_small_sandboxed_groups_then_large_and_other_slow_ones_then_the_quick_ones():
    conftest = _conftest()
    bulk = [_Item(f"variant{i}", "plausible.py", "slow", "notebooks") for i in range(conftest.LARGE_GROUP)]
    items = [_Item("unit1", "a.py"), _Item("unit2", "a.py"), _Item("unit3", "a.py"),
             _Item("sweep", "analogies.py", "slow"),
             _Item("timeout", "hostile.py", "slow", "notebooks"), _Item("quick_too", "hostile.py"),
             _Item("page", "book"),
             _Item("kill", "streams.py", "slow", "notebooks"),
             _Item("mutant1", "mutants.py", "slow"), _Item("mutant2", "mutants.py", "slow"),
             *bulk, _Item("unit4", "b.py")]
    conftest.order_for_workers(items)
    assert [i.name for i in items] == ["page", "kill", "timeout", "quick_too", *[b.name for b in bulk],
                                       "mutant1", "mutant2", "sweep", "unit1", "unit2", "unit3", "unit4"]


class _Collected:
    def __init__(self, path: Path, *fixtures: str):
        self.path, self.fixturenames = path, list(fixtures)


def test_the_files_that_use_the_built_site_share_its_group_and_the_others_keep_their_own():
    conftest = _conftest()
    tests = conftest.TESTS
    site_page, site_unit = tests / "book" / "test_site.py", tests / "book" / "test_claims.py"
    own_books, grading = tests / "book" / "test_execution_cache.py", tests / "autograder" / "test_batch.py"
    items = [_Collected(site_page, "site", "browser"), _Collected(site_page, "browser"),
             _Collected(site_unit, "tmp_path"), _Collected(site_unit, "site"),
             _Collected(own_books, "tmp_path"), _Collected(grading, "tmp_path")]
    assert conftest.xdist_groups(items) == {
        site_page: conftest.SITE_GROUP, site_unit: conftest.SITE_GROUP,  # a file stays whole
        own_books: "book/test_execution_cache.py", grading: "autograder/test_batch.py"}
