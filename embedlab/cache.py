"""A small on-disk cache for expensive results, keyed by their inputs.

Chapters re-execute whenever their code changes, and the test suite executes
them once more; sentence encodings, projections and trained models should be
computed once. :func:`cached` stores numpy arrays (or a dict of them) under a
key made from everything the result depends on, in ``$EMBEDLAB_CACHE``
(default ``~/.cache/embedlab``). Arrays are saved with ``allow_pickle=False``,
so nothing in the cache can run code when it is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["cache_dir", "cache_key", "cached"]


def cache_dir() -> Path:
    """The cache folder: ``$EMBEDLAB_CACHE`` or ``~/.cache/embedlab`` (created on first use)."""
    root = os.environ.get("EMBEDLAB_CACHE") or Path.home() / ".cache" / "embedlab"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    """``compute()``'s result, loaded from disk when the same ``namespace`` and ``key`` were seen before.

    ``key`` must include every input the result depends on (model name, texts,
    parameters, seeds). A result is an array or a dict of arrays with string keys.
    """
    if not namespace.isidentifier():
        raise ValueError(f"cache namespace {namespace!r} must be a plain name such as 'minilm_encodings'.")
    folder = cache_dir() / namespace
    folder.mkdir(exist_ok=True)
    digest = cache_key(key)
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
