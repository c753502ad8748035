"""Code a reader sees is the lesson: find the build's plumbing in visible code.

The website and the Colab notebooks show readers the code of a chapter or lab. Code that only
serves the build or works around a library is noise there and belongs in a cell tagged
``remove-cell`` or in an ``embedlab`` helper. :func:`find_plumbing` names what it finds in
one cell's source:

* the book's glue: ``glue(...)`` and the ``glue`` import (numbers for the prose);
* ``assert`` statements (the claims the prose makes about outputs; see ``tools.claims``);
* the result cache: ``cached(...)`` and its import;
* environment settings: ``os.environ[...] = ...``, ``os.environ.setdefault``, ``os.putenv``,
  ``%env``, and allocator switches such as ``ARROW_DEFAULT_MEMORY_POOL``;
* file formats parsed by hand: ``np.lib.format`` header reading, ``struct.unpack``;
* orphans a code generator can leave behind: a block whose only statement is ``pass``, and a
  comment with no code under it.

``tests/book/test_plumbing.py`` runs it over the code cells of the built HTML and over the
generated Colab notebooks.
"""

from __future__ import annotations

import ast
import re

PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\bglue\s*\("), "a glue(...) call"),
    (re.compile(r"\bimport\b[^\n]*\bglue\b"), "the glue import"),
    (re.compile(r"(?m)^\s*assert\b"), "an assert"),
    (re.compile(r"\bcached\s*\("), "a cached(...) wrapper"),
    (re.compile(r"\bimport\b[^\n]*\bcached\b"), "the cache import"),
    (re.compile(r"\bos\.environ\s*\[[^\]]*\]\s*="), "an environment setting"),
    (re.compile(r"\bos\.environ\.(?:setdefault|update)\s*\(|\bos\.putenv\s*\("), "an environment setting"),
    (re.compile(r"(?m)^\s*%env\b"), "an environment setting"),
    (re.compile(r"\bARROW_DEFAULT_MEMORY_POOL\b"), "an allocator setting"),
    (re.compile(r"\bnp\.lib\.format\b|\bread_array_header|\bread_magic\b"), "a hand-parsed .npy header"),
    (re.compile(r"\bstruct\.unpack"), "a hand-parsed binary format"),
]


def _python(source: str) -> ast.Module | None:
    """The cell parsed as Python, IPython magics and shell lines blanked; None if it does not parse."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def _orphans(source: str) -> list[str]:
    found = []
    tree = _python(source)
    if tree is not None:
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(node, (ast.For, ast.While, ast.If, ast.With, ast.Try))
                    and isinstance(body, list) and all(isinstance(s, ast.Pass) for s in body)):
                found.append(f"a block that only passes (line {node.lineno})")
    lines = source.rstrip().splitlines()
    if lines and lines[-1].lstrip().startswith("#"):
        found.append("a comment with no code under it (last line)")
    return found


def find_plumbing(source: str) -> list[str]:
    """What in one visible code cell is plumbing rather than lesson (empty when it is clean)."""
    found = [f"{what}: {m.group(0).strip()!r}" for pattern, what in PATTERNS for m in pattern.finditer(source)]
    return found + _orphans(source)
