"""Sphinx extension: executed chapters are reused only while the code they ran is unchanged.

jupyter-cache (``execute_notebooks: cache``) keys a chapter by its own code cells. A chapter
whose cells did not change but whose ``embedlab`` functions or pinned libraries did would be
served with the old outputs, and the page would show results of code that no longer exists.
So the cache lives in a folder named after :func:`embedlab.cache.package_fingerprint` (the
package's source and the computing libraries' versions) and the saved benchmark figures that
chapters show (``benchmarks/results/*.json``, read by ``load_benchmark_results``),
``_build/.jupyter_cache/<fingerprint>``: a change of either starts from an empty cache, and the
folders of other fingerprints go.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

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


def setup(app):
    app.connect("config-inited", fingerprinted_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
