"""What a grading kernel sees of the course: only the ``embedlab`` modules its lab allows.

The sandbox mounts this view (read-only) instead of the real packages, so the
answer key stays out of reach: the lab specs (``autograder``) and the
reference implementations (the rest of ``embedlab``) are neither importable
nor readable from disk. The view holds

* the allowed modules, copied from ``embedlab``;
* each package on their path, with an ``__init__.py`` reduced to its relative
  imports of modules in the view (so ``from embedlab.data import
  wikipedia_sentences`` still works while ``embedlab.data.minilm`` is absent);
* a stub ``autograder`` whose ``check()`` does nothing (lab notebooks call it);
* a minimal ``etc/passwd`` and ``etc/group`` naming the sandbox's user.

Every ``embedlab`` module an allowed module imports must itself be allowed:
:func:`build_view` refuses otherwise and names the import, so a lab can never
hand out a reference through the back door of a data loader.
"""

from __future__ import annotations

import ast
import atexit
import functools
import importlib.util
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .spec import KernelData, Lab

__all__ = ["PACKAGE", "VIEW_PACKAGES", "Allowed", "ViewError", "build_view", "import_closure"]

PACKAGE = "embedlab"
#: the top-level packages the view provides (the course package, reduced, and the stub autograder)
VIEW_PACKAGES = (PACKAGE, "autograder")
_STUB = '''"""Stand-in for the autograder inside the grading sandbox: the specs are not here."""


def check(*args, **kwargs):
    """Does nothing while a notebook is graded (the grader calls your functions itself)."""
'''
_PASSWD = "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
_GROUP = "nogroup:x:65534:\n"


@dataclass(frozen=True)
class Allowed:
    """What a lab lets its grading kernel import: course ``modules`` and third-party ``packages``
    (besides the standard library), and the ``data`` files those modules read there; ``lab`` names the
    lab in the message of a refused import."""

    lab: str = "this lab"
    modules: tuple[str, ...] = ()
    packages: tuple[str, ...] = Lab.allowed_packages
    data: tuple[KernelData, ...] = ()

    @classmethod
    def of(cls, lab: Lab) -> Allowed:
        return cls(lab.id, tuple(lab.allowed_modules), tuple(lab.allowed_packages), tuple(lab.kernel_data))


class ViewError(ValueError):
    """A lab's ``allowed_modules`` names an unknown module or one that imports a module not allowed."""


def _package_root() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ViewError(f"the {PACKAGE} package is not installed, so no course view can be built.")
    return Path(next(iter(spec.submodule_search_locations)))


def _source(module: str, root: Path) -> Path:
    """The file of ``module`` (dotted, under ``PACKAGE``) in the package folder ``root``."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        raise ViewError(f"{module!r} is not an {PACKAGE} module; allowed_modules lists {PACKAGE} modules only.")
    base = root.joinpath(*parts[1:])
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    raise ViewError(f"allowed module {module!r} does not exist (looked for {base}.py and {base}/__init__.py).")


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _imports(module: str, path: Path) -> set[str]:
    """The ``PACKAGE`` modules that ``module`` (stored at ``path``) imports, relative or absolute."""
    package = module if _is_package(path) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)  # `from pkg import submodule`
    return found


def import_closure(modules: tuple[str, ...] | list[str], root: Path | None = None) -> dict[str, str]:
    """Every existing ``PACKAGE`` module reachable from ``modules``: name -> the module that imports it."""
    root = root or _package_root()
    seen: dict[str, str] = dict.fromkeys(modules, "")
    todo = list(modules)
    while todo:
        module = todo.pop()
        for target in sorted(_imports(module, _source(module, root))):
            try:
                _source(target, root)
            except ViewError:
                continue  # `from pkg import name` where name is not a module
            if target not in seen:
                seen[target] = module
                todo.append(target)
    return seen


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _reduced_init(package: str, path: Path, view: set[str], exported: dict[str, set[str]]) -> str:
    """The package's ``__init__`` keeping only its relative imports of modules in ``view``.

    ``exported`` holds the names that already reduced subpackages still provide: a name
    re-exported from a subpackage is kept only when that subpackage still has it. This
    package's own names are added to it.
    """
    kept = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.ImportFrom) and node.level == 1):
            continue
        if node.module and f"{package}.{node.module}" in view:
            source = f"{package}.{node.module}"
            names = [a for a in node.names
                     if source not in exported or a.name in exported[source] or f"{source}.{a.name}" in view]
            if names:
                kept.append(ast.ImportFrom(module=node.module, names=names, level=1))
        elif not node.module:
            names = [a for a in node.names if f"{package}.{a.name}" in view]
            if names:
                kept.append(ast.ImportFrom(module=None, names=names, level=1))
    exported[package] = {a.asname or a.name for node in kept for a in node.names}
    header = f'"""{package} as the grading sandbox shows it: only the modules this lab allows."""\n\n'
    return header + "".join(ast.unparse(n) + "\n" for n in kept)


def _check_closed(allowed: tuple[str, ...], root: Path) -> None:
    closure = import_closure(allowed, root)
    leaks = {m: by for m, by in closure.items() if m not in allowed and by}
    if leaks:
        detail = "; ".join(f"{by} imports {m}" for m, by in sorted(leaks.items()))
        raise ViewError(f"allowed_modules {list(allowed)} is not closed under import ({detail}). Allow those "
                        f"modules too (if none is an exercise's reference) or use a module that needs less.")


@functools.lru_cache(maxsize=8)
def build_view(allowed: tuple[str, ...]) -> Path:
    """A read-only folder (built once per process) with ``python/`` and ``etc/`` for the sandbox."""
    root = _package_root()
    _check_closed(allowed, root)
    folder = Path(tempfile.mkdtemp(prefix="ag-view-"))
    atexit.register(shutil.rmtree, folder, True)
    folder.chmod(0o755)
    python = folder / "python"
    packages = {p for m in allowed for p in _parents(m)}
    view = set(allowed) | packages
    exported: dict[str, set[str]] = {}
    for module in sorted(view, key=lambda m: (-m.count("."), m)):  # subpackages before their parents
        source = _source(module, root)
        target = python.joinpath(*module.split("."))
        if _is_package(source):
            target.mkdir(parents=True, exist_ok=True)
            target = target / "__init__.py"
        else:
            target = target.with_suffix(".py")
            target.parent.mkdir(parents=True, exist_ok=True)
        if module in allowed:
            shutil.copyfile(source, target)
            data = source.with_suffix(".json")  # a module's data file, <module>.json beside it, goes along
            if not _is_package(source) and data.is_file():
                shutil.copyfile(data, target.with_suffix(".json"))
        else:
            target.write_text(_reduced_init(module, source, view, exported), encoding="utf-8")
    (python / "autograder").mkdir(parents=True)
    (python / "autograder" / "__init__.py").write_text(_STUB, encoding="utf-8")
    (folder / "etc").mkdir()
    (folder / "etc" / "passwd").write_text(_PASSWD, encoding="utf-8")
    (folder / "etc" / "group").write_text(_GROUP, encoding="utf-8")
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder
