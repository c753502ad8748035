"""A cell whose last line is a bare ``glue(...)`` call would also print the value under the cell."""

from __future__ import annotations

import ast

import pytest
from book_helpers import ROOT

jupytext = pytest.importorskip("jupytext")

CHAPTERS = sorted((ROOT / "book").glob("*.md"))


def _is_glue_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "glue"


def ends_with_echoed_glue(source: str) -> bool:
    """True when the cell's value (its last expression) is a glue call or a tuple of them."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr) or source.rstrip().endswith(";"):
        return False
    value = body[-1].value
    return _is_glue_call(value) or (isinstance(value, ast.Tuple) and any(map(_is_glue_call, value.elts)))


def test_detector_flags_bare_glue_and_accepts_a_semicolon():
    assert ends_with_echoed_glue('x = 1\nglue("x", x)')
    assert ends_with_echoed_glue('glue("a", 1), glue("b", 2)')
    assert not ends_with_echoed_glue('glue("x", 1);')
    assert not ends_with_echoed_glue('y = glue("x", 1)')


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_no_cell_echoes_a_glued_value(md):
    nb = jupytext.read(md)
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and ends_with_echoed_glue(c.source)]
    assert not bad, f"{md.name}: cells {bad} end with glue(...); end the line with ';' so the value is not printed"
