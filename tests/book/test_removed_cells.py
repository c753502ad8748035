"""A removed cell (``remove-cell``: glue, asserts, caching) defines nothing that a kept cell uses.

The site runs every cell, but the Colab notebooks drop removed cells (tools/colab_notebooks.py):
a variable that only a removed cell defines is undefined in Colab (chapter 6.3's layouts and
5.3's profiles were, found by ``make test-colab``). This reads the cells' code, so it takes
milliseconds where the Colab-like run takes minutes.
"""

from __future__ import annotations

import ast
import builtins

import pytest
from book_helpers import ROOT, is_notebook_page, toc_pages

nbformat = pytest.importorskip("nbformat")

CHAPTERS = [p for p in toc_pages() if p.startswith("book/") and is_notebook_page(p)]


def _code(source: str) -> ast.Module:
    """A cell's Python, IPython's ``%`` and ``!`` lines read as ``pass``."""
    lines = [line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def bound(tree: ast.AST) -> set[str]:
    """Names a cell binds: assignments, loop and comprehension targets, imports, defs and their parameters."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):  # a function's or lambda's parameter
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def used(tree: ast.AST) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def only_from_removed_cells(cells: list[tuple[str, bool]]) -> list[tuple[int, list[str]]]:
    """(cell number, names) of kept cells that use a name only removed cells have defined so far."""
    kept_names, removed_names, problems = set(dir(builtins)), set(), []
    for number, (source, removed) in enumerate(cells, start=1):
        tree = _code(source)
        if removed:
            removed_names |= bound(tree)
            continue
        missing = sorted((used(tree) - bound(tree) - kept_names) & removed_names)
        if missing:
            problems.append((number, missing))
        kept_names |= bound(tree)
    return problems


@pytest.mark.parametrize("page", CHAPTERS)
def test_no_kept_cell_needs_a_removed_one(page):
    nb = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
    cells = [(c.source, "remove-cell" in c.metadata.get("tags", [])) for c in nb.cells if c.cell_type == "code"]
    assert only_from_removed_cells(cells) == [], f"{page}: kept cells use names only removed cells define"


def test_the_check_finds_a_name_only_a_removed_cell_defines():
    cells = [("import numpy as np", False), ("layouts = np.zeros(3)\nglue('n', 3)", True), ("print(layouts)", False)]
    assert only_from_removed_cells(cells) == [(3, ["layouts"])]
    cells[1] = ("layouts = np.zeros(3)", False)  # defined in a kept cell: fine
    assert only_from_removed_cells(cells) == []
