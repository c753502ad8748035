"""Sphinx extension: executed chapters are reused only while the code they ran is unchanged.

jupyter-cache (``execute_notebooks: cache``) keys a chapter by its own code cells. A chapter
whose cells did not change but whose ``embedlab`` functions or pinned libraries did would be
served with the old outputs, and the page would show results of code that no longer exists.
So the cache lives in a folder named after :func:`embedlab.cache.package_fingerprint` (the
package's source and the computing libraries' versions) and the saved benchmark figures that
chapters show (``benchmarks/results/*.json``, read by ``load_benchmark_results``),
``_build/.jupyter_cache/<fingerprint>``: a change of either starts from an empty cache, and the
folders of other fingerprints go.

Chapters that are not in the cache are executed before Sphinx reads them, several at a time
(one per CPU, each on one thread, the slowest of the last build first: ``durations.json``
beside the fingerprint folders), and cached exactly as MyST-NB caches them; Sphinx then finds every chapter executed.
A chapter whose kernel fails (dies, or never starts: two kernels picking the same free port is one
way) is executed once more here; a chapter that still fails, or whose cell raises, is left to MyST-NB,
which executes it again and reports the error.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path, PurePosixPath

from sphinx.util import logging

logger = logging.getLogger(__name__)

FINGERPRINT_LENGTH = 16


def execution_fingerprint(repository: Path) -> str:
    """embedlab's fingerprint combined with the saved benchmark figures the chapters read."""
    from embedlab.cache import package_fingerprint

    digest = hashlib.sha256(package_fingerprint().encode())
    for path in sorted((repository / "benchmarks" / "results").glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def fingerprinted_cache(app, config) -> None:
    if config.nb_execution_cache_path:
        return  # a path chosen by hand is left alone
    root = Path(app.outdir).parent / ".jupyter_cache"
    fingerprint = execution_fingerprint(Path(app.srcdir))
    for old in root.glob("*"):
        if old.is_dir() and re.fullmatch(rf"[0-9a-f]{{{FINGERPRINT_LENGTH}}}", old.name) and old.name != fingerprint:
            shutil.rmtree(old)
    config.nb_execution_cache_path = str(root / fingerprint)


#: one thread per chapter when as many chapters as cores execute at once: OpenMP's spinning
#: threads (torch, BLAS) then cost more than they gain
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _execute(notebook, cwd: str, timeout: int | None, allow_errors: bool):
    """Run one chapter in a fresh kernel (in a worker process, whose environment the kernel
    inherits); returns the execution result."""
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ.update(ONE_THREAD)
    return single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=allow_errors, meta_override=True)


def _stale_chapters(env, docnames) -> list[tuple[str, Path, object, dict | None]]:
    """(docname, path, notebook, read format) of the chapters to be read that the cache does not hold."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    md_config, nb_config = env.myst_config, env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)
    stale = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if any(PurePosixPath(path.as_posix()).match(p) for p in nb_config.execution_excludepatterns):
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), md_config, nb_config, text)
        if reader is None:
            continue  # a page of plain Markdown
        notebook = reader.read(text)
        if notebook.metadata.get(nb_config.metadata_key, {}).get("execution_mode", "cache") != "cache":
            continue  # the page chose another execution mode for itself: MyST-NB follows it
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            stale.append((docname, path, notebook, reader.read_fmt))
    return stale


def _cache_executed(cache, path: Path, read_fmt: dict | None, result) -> None:
    """Store an executed chapter as MyST-NB would have (same record, same notebook hash)."""
    from jupyter_cache.base import CacheBundleIn

    record = (cache.add_nb_to_project(str(path), read_data=read_fmt) if read_fmt is not None
              else cache.add_nb_to_project(str(path)))
    cache.cache_notebook_bundle(CacheBundleIn(result.nb, record.uri, data={"execution_seconds": result.time}),
                                check_validity=False, overwrite=True)


def execute_stale_chapters(app, env, docnames) -> None:
    """Execute the chapters the cache lacks in parallel and cache them as MyST-NB would."""
    nb_config = getattr(env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache" or not docnames:
        return
    from jupyter_cache import get_cache

    stale = _stale_chapters(env, docnames)
    if len(stale) < 2:
        return  # nothing to gain: MyST-NB executes a single chapter itself
    durations_file = Path(nb_config.execution_cache_path).parent / "durations.json"
    durations = json.loads(durations_file.read_text()) if durations_file.exists() else {}
    stale.sort(key=lambda item: -durations.get(item[0], 0.0))  # the slowest first: the last to finish is short
    workers = min(len(stale), os.cpu_count() or 1)
    logger.info(f"executing {len(stale)} chapters, {workers} at a time")
    cache = get_cache(nb_config.execution_cache_path)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending: dict = {}  # future -> (docname, path, notebook, read format)

        def submit(docname, path, notebook, read_fmt):  # the worker gets a copy: `notebook` stays unexecuted
            future = pool.submit(_execute, notebook, str(path.parent), nb_config.execution_timeout,
                                 nb_config.execution_allow_errors)
            pending[future] = (docname, path, notebook, read_fmt)

        for chapter in stale:
            submit(*chapter)
        tried_again: set[str] = set()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                docname, path, _, read_fmt = chapter = pending.pop(future)
                try:
                    result = future.result()
                except Exception as err:  # the kernel failed, not a cell: it died, or never started
                    if docname not in tried_again:
                        tried_again.add(docname)
                        logger.info(f"{docname}: its kernel failed ({err}); executing it once more")
                        submit(*chapter)
                    else:
                        logger.info(f"{docname}: its kernel failed again ({err}); MyST-NB runs it to report the error")
                    continue
                if result.err is not None:
                    logger.info(f"{docname}: failed in parallel execution; MyST-NB runs it again to report the error")
                    continue
                _cache_executed(cache, path, read_fmt, result)
                durations[docname] = round(result.time, 1)
                logger.info(f"{docname}: executed in {result.time:.1f} s")
    durations_file.write_text(json.dumps(durations, indent=1, sort_keys=True))


def setup(app):
    app.connect("config-inited", fingerprinted_cache)
    app.connect("env-before-read-docs", execute_stale_chapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
