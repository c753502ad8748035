"""Book tests: make book_helpers and tools/ importable (the suite runs with --import-mode=importlib),
and build the book once per session for the tests that need the built site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for tools/

from book_helpers import ROOT, load_config


@pytest.fixture(scope="session")
def config() -> dict:
    return load_config()


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the book with the README's command (cached execution makes an unchanged rebuild fast).

    ``EMBEDLAB_BUILT_SITE=path/to/html`` tests an already-built site instead (a CI job that has
    just built the book, or a build of part of the toc while a chapter is being written).
    """
    if built := os.environ.get("EMBEDLAB_BUILT_SITE"):
        return Path(built)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return ROOT / "_build" / "html"


def pytest_configure(config):
    config.addinivalue_line("markers", "colab: the Colab-like run in a fresh venv (selected only with -m colab)")


def pytest_collection_modifyitems(config, items):
    """The Colab-like run costs minutes (a venv with torch, every chapter): only when asked for."""
    if "colab" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="the Colab-like run is selected with -m colab (make test-colab)")
    for item in items:
        if "colab" in item.keywords:
            item.add_marker(skip)
