"""Import a data package or explain, in one sentence, how to install it."""

from __future__ import annotations

import hashlib
import importlib
import os
from functools import lru_cache
from types import ModuleType

__all__ = ["DataIntegrityError", "MissingPackageError", "require", "sha256_of"]


class MissingPackageError(ModuleNotFoundError):
    """A package that holds course data (or a library a loader needs) is not installed."""


class DataIntegrityError(RuntimeError):
    """A data file exists but is not what it should be (wrong checksum, shape or values)."""


def require(module: str, pip_name: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingPackageError` naming the pip package."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        raise MissingPackageError(
            f"{purpose} needs the Python package {pip_name!r}, which is not installed. "
            f"Install it with `pip install {pip_name}` (or `pip install 'embedlab[all]'` "
            f"for everything the course uses)."
        ) from err


@lru_cache(maxsize=16)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path: str | os.PathLike) -> str:
    """SHA-256 of a file, computed once per (path, size, mtime) in a process."""
    st = os.stat(path)
    return _sha256_cached(os.fspath(path), st.st_size, st.st_mtime_ns)
