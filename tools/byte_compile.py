"""Byte-compile the installed files a grading kernel imports (``make setup`` runs it).

``make setup`` installs with ``pip --no-compile``: pip compiles every file of a fresh install
(about 16,000) one at a time. The course's own processes write bytecode the first time they import
a module, so they need none of that. A grading kernel cannot: it runs as ``nobody`` on a read-only
view of site-packages, so whatever it imports without bytecode it compiles again in every kernel.
``python -m tools.byte_compile`` therefore compiles the files of the labs' package views (about
2,900; the packages' own test suites left out), on every core.
"""

from __future__ import annotations

import os
import py_compile
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from autograder.kernel_view import Allowed
from autograder.labs import LABS
from autograder.package_view import build_package_view

_TESTS = re.compile(r"/tests?/")


def sandbox_files() -> list[Path]:
    """The ``.py`` files of every lab's package view, without the packages' test suites."""
    entries: set[Path] = set()
    for lab in LABS.values():
        allowed = Allowed.of(lab)
        entries |= set(build_package_view(allowed.lab, allowed.packages, allowed.modules).entries.values())
    files = {p for entry in entries if entry.is_dir() for p in entry.rglob("*.py")}
    files |= {entry for entry in entries if entry.suffix == ".py"}
    return sorted(f for f in files if not _TESTS.search(f.as_posix()))


def _compiled(path: Path) -> bool:
    try:
        py_compile.compile(str(path), doraise=True)
    except (py_compile.PyCompileError, OSError, ValueError):  # a file written for a newer Python
        return False
    return True


def byte_compile(files: list[Path]) -> int:
    """Compile ``files`` on every core; the number that did not compile."""
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return sum(not ok for ok in pool.map(_compiled, files, chunksize=64))


def main() -> int:
    files = sandbox_files()
    failed = byte_compile(files)
    print(f"byte-compiled {len(files) - failed:,} files that grading kernels import"
          + (f" ({failed} did not compile: written for another Python)" if failed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
