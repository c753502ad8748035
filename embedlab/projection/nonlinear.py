"""Seeded t-SNE and UMAP that return coordinates (and nothing a caller could mistake for a model).

t-SNE comes from scikit-learn, UMAP from umap-learn. UMAP is compiled by numba
on first use: 20-60 s in every fresh process unless numba can reuse compiled
code from disk. Before umap is imported we therefore point numba's cache at
``<embedlab cache>/numba`` (unless ``NUMBA_CACHE_DIR`` is already set), and after it
is imported we let numba cache the few umap functions declared without ``cache=True``
(they alone cost every later process 12 s of compiling on its first fit), so the
second process that fits UMAP reuses what the first one compiled; a process's first import and
fit wait while another process makes its own (:func:`embedlab.cache.cache_lock`), so the two do not
compile the same code side by side (importing umap compiles pynndescent's functions: two chapters
importing it at once cost 12 s more CPU than one after the other).

t-SNE runs on one OpenMP thread: scikit-learn's Barnes-Hut gradient sums in thread
order, so the thread count changes the picture slightly, and with other processes
on the machine OpenMP's busy-waiting threads cost far more than they gain (435
points: 21 s on one thread against 91 s on two, on a 2-core machine under load).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import numpy as np

from ..data._packages import require
from ..cache import cache_dir, cache_lock
from .linear import _matrix

__all__ = ["numba_cache_dir", "tsne", "umap"]


def numba_cache_dir() -> str:
    """Where numba keeps compiled UMAP code: ``$NUMBA_CACHE_DIR`` or ``<embedlab cache>/numba``."""
    return os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir() / "numba"))


def _umap_module():
    path = numba_cache_dir()
    if "numba" in sys.modules:  # numba read its settings at import: tell it now
        sys.modules["numba"].config.CACHE_DIR = path
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # import-time deprecation chatter of umap's dependencies
        umap_module = require("umap", "umap-learn", "UMAP")
    _cache_compiled_code(umap_module)
    return umap_module


def _cache_compiled_code(umap_module) -> None:
    """Let numba keep on disk what umap compiles in functions declared without ``cache=True``
    (its layout optimiser, the fuzzy set and kNN helpers): each is a plain module-level function,
    which numba caches like any other, keyed by its source file."""
    from numba.core.dispatcher import Dispatcher

    for name, module in list(sys.modules.items()):
        if name == umap_module.__name__ or name.startswith(umap_module.__name__ + "."):
            for function in list(vars(module).values()):
                if isinstance(function, Dispatcher) and not function.stats.cache_path:
                    with suppress(RuntimeError):  # numba cannot locate its source: it compiles as before
                        function.enable_caching()


def _check(X, n_components: int, seed: int) -> np.ndarray:
    X = _matrix(X)
    if n_components not in (2, 3):
        raise ValueError(f"n_components must be 2 or 3 (a picture); got {n_components!r}.")
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer so the picture can be reproduced; got {seed!r}.")
    return X


def tsne(X, perplexity: float = 30.0, seed: int = 0, n_components: int = 2, metric: str = "euclidean",
         init: str = "pca", angle: float = 0.5) -> np.ndarray:
    """t-SNE coordinates ``(n, n_components)`` from scikit-learn (automatic learning rate).

    ``init="pca"`` starts from the PCA picture, which makes the result independent of ``seed``;
    ``init="random"`` starts from random points drawn with ``seed``. ``angle`` is the Barnes-Hut
    trade-off (scikit-learn's 0.5 by default): a larger one summarises more of the far points,
    which is faster and slightly less exact.
    """
    X = _check(X, n_components, seed)
    if init not in ("pca", "random"):
        raise ValueError(f"init must be 'pca' or 'random'; got {init!r}.")
    if not 1 <= perplexity < X.shape[0]:
        raise ValueError(f"perplexity must be at least 1 and below the number of points ({X.shape[0]}); "
                         f"got {perplexity}. Typical values are 5-50.")
    manifold = require("sklearn.manifold", "scikit-learn", "t-SNE")
    threadpoolctl = require("threadpoolctl", "threadpoolctl", "t-SNE")
    model = manifold.TSNE(n_components=n_components, perplexity=perplexity, init=init, learning_rate="auto",
                          metric=metric, random_state=int(seed), angle=angle)
    # One OpenMP thread: the same seed then gives the same picture on any machine, and on a busy
    # 2-core machine spinning OpenMP threads made a fit over 4x slower (measured, see the docstring).
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        return model.fit_transform(X).astype(np.float32)


def umap(X, n_neighbors: int = 15, min_dist: float = 0.1, seed: int = 0, n_components: int = 2,
         metric: str = "euclidean") -> np.ndarray:
    """UMAP coordinates ``(n, n_components)`` from umap-learn, reproducible for a given ``seed`` (one thread)."""
    X = _check(X, n_components, seed)
    if not 2 <= n_neighbors < X.shape[0]:
        raise ValueError(f"n_neighbors must be from 2 to {X.shape[0] - 1}; got {n_neighbors}.")
    if not 0.0 <= min_dist <= 1.0:
        raise ValueError(f"min_dist must lie in [0, 1]; got {min_dist}.")
    with _first_use_in_this_process():
        umap_module = _umap_module()
        model = umap_module.UMAP(n_neighbors=n_neighbors, min_dist=min_dist, n_components=n_components,
                                 metric=metric, random_state=int(seed), n_jobs=1)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"umap\.")
            return model.fit_transform(X).astype(np.float32)


_compiled = False


@contextmanager
def _first_use_in_this_process() -> Iterator[None]:
    """A process's first import of umap and first fit compile code (or load it from numba's cache): one
    process at a time, so two chapters executing side by side do not both compile what one can share."""
    global _compiled
    if _compiled:
        yield
        return
    with cache_lock("numba", "first use of UMAP"):
        yield
    _compiled = True
