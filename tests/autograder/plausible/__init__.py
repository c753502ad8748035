"""Plausible student notebooks: each lab's solution with some exercises written the way students write them.

One module per lab (``labNN.py``) defines ``VARIANTS``, a list of :class:`Variant`: correct answers
written differently from the reference (loops where the lab allows them, other numpy idioms, helper
functions, other names, plain Python, extra cells and prints) and common mistakes. A variant names the
exercises that must lose points (``wrong``); every other exercise must keep full marks.

``tests/autograder/test_plausible.py`` grades every variant with ``check()`` (in this process, on the
public cases) and with the real CLI grader (sandboxed, hidden cases): no wrong exercise keeps full
marks, no correct one loses a point, and both paths agree on pass/fail.
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from dataclasses import dataclass, field

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from autograder.notebook import exercise_tag

__all__ = ["BEGIN", "END", "Variant", "build", "cell_code", "definitions"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


@dataclass(frozen=True)
class Variant:
    """One student's notebook: the solution with some cells rewritten.

    ``blocks``: exercise -> the code that replaces its solution block (between the markers, dedented);
    ``cells``: exercise -> the new source of its whole cell; ``added``: (exercise or ``None``, source)
    pairs, each a new cell inserted after that exercise's cell (``None``: at the end);
    ``wrong``: the exercises that must lose points; ``bug``: a known grader bug that makes this
    variant's verdict wrong today (its test is an expected failure naming it).
    """

    name: str
    blocks: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    added: tuple[tuple[str | None, str], ...] = ()
    wrong: frozenset[str] = frozenset()
    bug: str | None = None


def _cell_of(nb: nbformat.NotebookNode, exercise: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if exercise_tag(exercise) in c.metadata.get("tags", []))


def _replace_block(source: str, exercise: str, code: str) -> str:
    """``source`` with the solution block of ``exercise`` (the one after ``def exercise(``, if any) replaced."""
    after = source.find(f"def {exercise}(")
    begin = source.index(BEGIN, max(after, 0))
    line_start = source.rfind("\n", 0, begin) + 1
    indent = source[line_start:begin]
    line_end = source.find("\n", source.index(END, begin))
    end = len(source) if line_end == -1 else line_end + 1
    body = textwrap.indent(textwrap.dedent(code).strip("\n"), indent) + "\n"
    return source[:line_start] + body + source[end:]


def build(solution: nbformat.NotebookNode, variant: Variant) -> nbformat.NotebookNode:
    """The variant's notebook (a copy of ``solution``)."""
    nb = copy.deepcopy(solution)
    for exercise, code in variant.blocks.items():
        cell = _cell_of(nb, exercise)
        cell.source = _replace_block(cell.source, exercise, code)
    for exercise, source in variant.cells.items():
        _cell_of(nb, exercise).source = textwrap.dedent(source).strip("\n")
    for exercise, source in variant.added:
        at = len(nb.cells) if exercise is None else nb.cells.index(_cell_of(nb, exercise)) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(textwrap.dedent(source).strip("\n")))
    return nb


#: a cell magic's first line (``%%time``): the cell's code runs as written, so the line is dropped
_CELL_MAGIC = re.compile(r"\A\s*%%[^\n]*\n?")


def cell_code(source: str) -> str:
    """The Python a notebook cell runs: IPython's syntax translated, a cell magic's line dropped."""
    return TransformerManager().transform_cell(_CELL_MAGIC.sub("", source))


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    if not isinstance(node, ast.Assign):
        return False
    if isinstance(node.value, ast.Lambda):
        return True
    try:  # a constant such as EPS = 1e-6
        ast.literal_eval(node.value)
    except ValueError:
        return False
    return True


def definitions(nb: nbformat.NotebookNode, values_exercises: set[str]) -> list[str]:
    """What a student's kernel would define, without running the notebook's data cells: each code cell
    reduced to its imports, functions, classes and constants (a cell magic's line dropped); a cell tagged with a
    values exercise is kept whole."""
    kept = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell_code(cell.source)
        if any(exercise_tag(name) in cell.metadata.get("tags", []) for name in values_exercises):
            kept.append(source)
            continue
        tree = ast.parse(source)
        tree.body = [node for node in tree.body if _is_definition(node)]
        kept.append(ast.unparse(tree))
    return kept
