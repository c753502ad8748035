"""What the submission's code cells define, for messages: parameter names, helpers, cell labels.

Grading never depends on this reading of the source (whether a function loops is
measured by running it, :mod:`autograder.loops`); it only lets feedback use the
student's words: the name of the argument a function changed, the helper from
another exercise it calls, the cell and line that repeats, cited as the student
sees them (the execution count ``[N]`` next to the cell).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["CodeIndex", "cell_label"]

_MAGIC = re.compile(r"^(\s*)[%!?]")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def cell_label(execution_count: int | None, position: int) -> str:
    """How a message names a code cell: ``cell [7]`` (the execution count the student sees next to it),
    or its position among the code cells when the notebook was saved without counts."""
    if isinstance(execution_count, int) and not isinstance(execution_count, bool) and execution_count > 0:
        return f"cell [{execution_count}]"
    return f"code cell {position} (counting from the top)"


@dataclass
class CodeIndex:
    """The submission's code cells (in the order they ran), each with its label, and what they define."""

    cells: list[tuple[str, str]] = field(default_factory=list)
    definitions: dict[str, list[ast.AST]] = field(default_factory=dict)

    @classmethod
    def from_cells(cls, sources: Sequence[str], labels: Sequence[str] | None = None) -> CodeIndex:
        """``labels[i]`` names ``sources[i]`` in messages (default: its position among the code cells)."""
        labels = labels or [cell_label(None, i) for i in range(1, len(sources) + 1)]
        index = cls(cells=list(zip(labels, sources, strict=True)))
        for source in sources:
            tree = _parse(source)
            if tree is not None:
                index._add(tree)
        return index

    def _add(self, tree: ast.Module) -> None:
        top = set(map(id, tree.body))
        for node in _walk(tree):
            replace = id(node) in top  # a later top-level definition replaces an earlier one
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(node.name, node, replace)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        self._bind(target.id, node.value, replace)

    def _bind(self, name: str, node: ast.AST, replace: bool) -> None:
        if replace:
            self.definitions[name] = [node]
        else:
            self.definitions.setdefault(name, []).append(node)

    def params(self, target: str) -> list[str]:
        """The parameter names of the last ``def target`` (empty when there is none)."""
        for node in reversed(self.definitions.get(target, [])):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        return []

    def helpers(self, target: str) -> set[str]:
        """The notebook-defined names ``target`` may call, transitively (itself excluded)."""
        seen: set[str] = set()
        todo = [target]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in self.definitions.get(name, []):
                todo.extend(_mentioned(node) - seen)
        return {name for name in seen if name in self.definitions} - {target}


def _parse(source: str) -> ast.Module | None:
    """A cell as Python (IPython magics blanked out); None when it does not parse."""
    if source.lstrip().startswith("%%"):
        source = source.lstrip().partition("\n")[2]  # a cell magic runs the rest of the cell
    lines = [_MAGIC.sub(r"\1pass #", line) for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """ast.walk without recursion (a hostile cell can nest deeply)."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        todo.extend(ast.iter_child_nodes(current))


def _locals(fn: ast.AST) -> frozenset[str]:
    """Parameters and names the function binds in its own scope (minus ``global``/``nonlocal`` ones)."""
    a = fn.args
    names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
    declared: set[str] = set()
    todo = list(fn.body if isinstance(fn.body, list) else [fn.body])
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)) and n.name:
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in n.names}
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            declared |= set(n.names)
        if not isinstance(n, (*_SCOPES, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))
    return frozenset(names - declared)


def _mentioned(node: ast.AST) -> set[str]:
    """The free names a definition mentions, scoping respected (a parameter ``E`` is not the global ``E``)."""
    names: set[str] = set()
    todo: list[tuple[ast.AST, frozenset[str]]] = [(node, frozenset())]
    while todo:
        n, bound = todo.pop()
        if isinstance(n, _SCOPES):
            outer = [*getattr(n, "decorator_list", []), *n.args.defaults, *(d for d in n.args.kw_defaults if d)]
            todo.extend((o, bound) for o in outer)
            inner = bound | _locals(n)
            todo.extend((b, inner) for b in (n.body if isinstance(n.body, list) else [n.body]))
            continue
        if isinstance(n, ast.Name):
            if isinstance(n.ctx, ast.Load) and n.id not in bound:
                names.add(n.id)
            continue
        todo.extend((c, bound) for c in ast.iter_child_nodes(n))
    return names
