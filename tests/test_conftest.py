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


def test_the_book_first_then_sandboxed_then_other_slow_groups_largest_first_then_the_quick_ones():
    items = [_Item("unit1", "a.py"), _Item("unit2", "a.py"), _Item("unit3", "a.py"),
             _Item("sweep", "analogies.py", "slow"),
             _Item("grade", "hostile.py", "slow", "notebooks"), _Item("quick_too", "hostile.py"),
             _Item("page", "book"),
             _Item("mutant1", "mutants.py", "slow"), _Item("mutant2", "mutants.py", "slow"),
             _Item("variant1", "plausible.py", "slow", "notebooks"), _Item("check1", "plausible.py"),
             _Item("variant2", "plausible.py", "slow", "notebooks"),
             _Item("unit4", "b.py")]
    _conftest().order_for_workers(items)
    assert [i.name for i in items] == ["page", "variant1", "check1", "variant2", "grade", "quick_too",
                                       "mutant1", "mutant2", "sweep", "unit1", "unit2", "unit3", "unit4"]
