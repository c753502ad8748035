"""Does a graded function loop over its data? Decided grader-side from the submission's code cells.

The vectorisation rule (``Exercise.forbid_loops``) must not trust anything the
kernel says, nor read only the text of one ``def``. So the grader parses the
notebook's code cells itself and follows what the graded function can execute:

* every definition of a name counts (``def`` nested under ``if``/``try``/another
  function, ``lambda``, assignments, classes: all their methods); a later
  top-level definition replaces an earlier one, as running the cells in order does;
* every name the function mentions is followed, transitively, so a loop in a
  helper (or in a decorator, or behind a ``functools.wraps`` decoy) is found;
* code given to ``exec``/``eval``/``compile`` as a literal string is parsed like a
  cell; any other dynamic definition (a computed ``exec``, ``globals()``,
  ``setattr``, an import of a module the notebook may have written) makes the
  function *unverifiable*, which the rule treats like a loop;
* comprehensions and ``for`` loops over a handful of literal items
  (``for x in (a, b, c)``, ``range(3)``) are not loops over the data; ``map``,
  ``np.vectorize``, ``np.apply_along_axis`` and friends are.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["CodeIndex", "LoopFinding"]

#: at most this many literal items make a loop "over the arguments", not over the data
SMALL = 8
#: calls that run a Python function once per element
LOOPY_CALLS = frozenset({"map", "filter", "reduce", "vectorize", "apply_along_axis", "apply_over_axes",
                         "fromiter", "frompyfunc", "starmap", "accumulate", "iterrows", "itertuples"})
#: names and attributes that let code define or replace functions out of sight
DYNAMIC = frozenset({"globals", "locals", "vars", "setattr", "delattr", "__import__", "import_module",
                     "FunctionType", "LambdaType", "MethodType", "__code__", "__globals__", "__builtins__",
                     "__wrapped__", "__dict__", "__call__", "reload", "run_cell", "run_code",
                     "run_cell_magic", "push", "ex", "ev", "user_ns", "user_global_ns", "safe_execfile"})
EXEC = frozenset({"exec", "eval", "compile"})
#: modules whose functions are library code, not the student's (anything else imported is unverifiable)
LIBRARIES = frozenset({"numpy", "scipy", "math", "cmath", "collections", "functools", "itertools", "operator",
                       "typing", "re", "json", "random", "statistics", "string", "dataclasses", "embedlab",
                       "autograder", "pandas", "matplotlib", "time", "copy", "heapq", "bisect", "__future__",
                       "tqdm", "sklearn", "gensim", "IPython", "pathlib", "os", "sys"})
_MAGIC = re.compile(r"^(\s*)[%!?]")
_MAX_NESTED_SOURCE = 5


@dataclass(frozen=True)
class LoopFinding:
    """Why a function counts as looping: ``where`` names the function (and cell) that loops."""

    where: str
    what: str
    unverifiable: bool = False

    def message(self) -> str:
        if self.unverifiable:
            return (f"could not be checked for Python loops ({self.what}, {self.where}): "
                    "define it with a plain def")
        return f"{self.what} in {self.where}"


@dataclass
class _Definition:
    node: ast.AST
    cell: int
    name: str


@dataclass
class CodeIndex:
    """The definitions of a submission's code cells (in the order they run), ready to be queried."""

    definitions: dict[str, list[_Definition]] = field(default_factory=dict)
    dynamic: str | None = None  # the first dynamic feature seen anywhere, if any
    outside: dict[str, str] = field(default_factory=dict)  # names imported from modules that are not libraries

    @classmethod
    def from_cells(cls, cells: Sequence[str]) -> CodeIndex:
        index = cls()
        for number, source in enumerate(cells, start=1):
            tree = _parse(source)
            if tree is not None:
                index._add_module(tree, number, depth=0)
        return index

    # -- building --------------------------------------------------------------------------------
    def _bind(self, name: str, definition: _Definition, replace: bool) -> None:
        if replace:
            self.definitions[name] = [definition]
            self.outside.pop(name, None)
        else:
            self.definitions.setdefault(name, []).append(definition)

    def _add_module(self, tree: ast.Module, cell: int, depth: int) -> None:
        top = set(map(id, tree.body))
        for node in _walk(tree):
            replace = id(node) in top
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(node.name, _Definition(node, cell, node.name), replace)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                value = node.value if node.value is not None else ast.Constant(None)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in _bound_names(target):
                        self._bind(name, _Definition(value, cell, name), replace and isinstance(target, ast.Name))
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                for name in _bound_names(node.target):
                    self._bind(name, _Definition(node.iter, cell, name), False)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                for name in _bound_names(node.optional_vars):
                    self._bind(name, _Definition(node.context_expr, cell, name), False)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self._add_import(node, cell, replace)
            self._note_dynamic(node, cell, depth)

    def _add_import(self, node: ast.Import | ast.ImportFrom, cell: int, replace: bool) -> None:
        module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
        for alias in node.names:
            root = (module or alias.name).split(".")[0]
            name = alias.asname or alias.name.split(".")[0]
            if isinstance(node, ast.ImportFrom) and node.level:
                root = ""  # a relative import: the notebook's own files
            if root in LIBRARIES:
                if replace:
                    self.definitions.pop(name, None)
                    self.outside.pop(name, None)
            else:
                self.outside[name] = f"imported from {root or 'a local file'!r} in cell {cell}"

    def _note_dynamic(self, node: ast.AST, cell: int, depth: int) -> None:
        if isinstance(node, ast.Call) and _called_name(node) in EXEC:
            source = _literal_source(node)
            if source is not None and depth < _MAX_NESTED_SOURCE:
                tree = _parse(source)
                if tree is not None:
                    self._add_module(tree, cell, depth + 1)
                    return
            self.dynamic = self.dynamic or f"{_called_name(node)}() of computed code in cell {cell}"
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in DYNAMIC:
            self.dynamic = self.dynamic or f"{name} in cell {cell}"
        # sys.modules[...] / sys.modules.get(...) reach a module's namespace; `"x" in sys.modules` does not
        inner = node.value if isinstance(node, (ast.Subscript, ast.Attribute)) else None
        if isinstance(inner, ast.Attribute) and inner.attr == "modules":
            self.dynamic = self.dynamic or f"sys.modules in cell {cell}"

    # -- queries ---------------------------------------------------------------------------------
    def reached(self, target: str) -> list[_Definition]:
        """Every definition the function ``target`` may execute (its own first)."""
        seen: set[str] = set()
        order: list[_Definition] = []
        todo = [target]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for definition in self.definitions.get(name, []):
                order.append(definition)
                todo.extend(sorted(_mentioned(definition.node) - seen))
        return order

    def params(self, target: str) -> list[str]:
        """The parameter names of the last top-level ``def target`` (empty when there is none)."""
        for definition in reversed(self.definitions.get(target, [])):
            if isinstance(definition.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return [a.arg for a in (*definition.node.args.posonlyargs, *definition.node.args.args)]
        return []

    def helpers(self, target: str) -> set[str]:
        """The notebook-defined names ``target`` reaches (itself excluded)."""
        return {d.name for d in self.reached(target)} - {target}

    def loop_in(self, target: str) -> LoopFinding | None:
        """Why ``target`` counts as looping over its data, or None when it does not."""
        if self.dynamic:
            return LoopFinding(self.dynamic, "code changed out of sight", unverifiable=True)
        reached = self.reached(target)
        if not reached:
            return LoopFinding("the notebook", f"no definition of `{target}` was found", unverifiable=True)
        names = {d.name for d in reached} | set().union(*(_mentioned(d.node) for d in reached))
        for name in sorted(names & set(self.outside)):
            return LoopFinding(f"`{name}`", self.outside[name], unverifiable=True)
        for definition in reached:
            what = _loop_kind(definition.node)
            if what:
                helper = "" if definition.name == target else "your helper "
                return LoopFinding(f"{helper}`{definition.name}` (cell {definition.cell})", what)
        return None


# -- AST helpers ------------------------------------------------------------------------------------

def _parse(source: str) -> ast.Module | None:
    """A cell as Python (IPython magics blanked out); None when it would not run at all."""
    if source.lstrip().startswith("%%"):
        return None
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


def _bound_names(target: ast.AST) -> list[str]:
    return [n.id for n in _walk(target) if isinstance(n, ast.Name)]


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal_source(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _own_scope(fn: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's own scope (nested functions and classes contribute only their names)."""
    body = fn.body if isinstance(fn.body, list) else [fn.body]
    todo = list(body)
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (*_SCOPES, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))


def _locals(fn: ast.AST) -> frozenset[str]:
    """Parameters and names the function binds itself (minus ``global``/``nonlocal`` ones)."""
    a = fn.args
    names = {x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg) if x is not None}
    declared = set()
    for n in _own_scope(fn):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)) and n.name:
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {alias.asname or alias.name.split(".")[0] for alias in n.names}
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            declared |= set(n.names)
    return frozenset(names - declared)


def _mentioned(node: ast.AST) -> set[str]:
    """The free names a definition mentions: globals its code may call, scoping respected
    (a parameter ``E`` does not lead to a global ``E``); decorators, defaults and code in
    literal exec strings included."""
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
        if isinstance(n, ast.Call) and _called_name(n) in EXEC:
            tree = _parse(_literal_source(n) or "")
            if tree is not None:
                todo.append((tree, bound))
        todo.extend((c, bound) for c in ast.iter_child_nodes(n))
    return names


def _small_literal(it: ast.AST) -> bool:
    """``(a, b, c)``, ``[x, y]``, ``range(3)``, ``zip((a, b), (c, d))``: a handful of items, not the data."""
    if isinstance(it, (ast.Tuple, ast.List, ast.Set)):
        return len(it.elts) <= SMALL and not any(isinstance(e, ast.Starred) for e in it.elts)
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and not it.keywords:
        if it.func.id == "range" and it.args and all(isinstance(a, ast.Constant) and isinstance(a.value, int)
                                                     for a in it.args):
            return len(range(*[a.value for a in it.args][:3])) <= SMALL
        if it.func.id in ("zip", "enumerate", "reversed") and it.args:
            return all(_small_literal(a) for a in it.args)
    return False


def _loop_kind(node: ast.AST) -> str | None:
    """The first loop over data that calling ``node`` may run (comprehensions included), or None.

    A function or class runs its whole body. A value (``f = expression``) ran its own
    loops once, when it was defined; calling it runs only its lambdas and whatever a
    loop-in-disguise call (``np.vectorize(g)``) made of it.
    """
    executed = isinstance(node, (*_SCOPES, ast.ClassDef, ast.Module))
    todo: list[tuple[ast.AST, bool]] = [(node, executed)]
    while todo:
        n, runs = todo.pop()
        runs = runs or isinstance(n, ast.Lambda)
        if runs and isinstance(n, ast.While):
            return "a Python while loop"
        if runs and isinstance(n, (ast.For, ast.AsyncFor)) and not _small_literal(n.iter):
            return "a Python for loop"
        if runs and isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) and \
                not all(_small_literal(g.iter) for g in n.generators):
            return "a comprehension over the data"
        if isinstance(n, ast.Call) and _called_name(n) in LOOPY_CALLS:
            return f"{_called_name(n)}(), a Python loop in disguise,"
        if isinstance(n, ast.Call) and _called_name(n) in EXEC:
            tree = _parse(_literal_source(n) or "")
            if tree is not None:
                todo.append((tree, runs))
        todo.extend((c, runs) for c in ast.iter_child_nodes(n))
    return None
