"""Every chapter executes top to bottom once per test run: in the book build, not a second time here.

The ``site`` fixture builds the book with the README's command. A cell that fails fails
that build (``raise_on_error``, ``-W``), and jupyter-cache keeps each chapter's execution
in a folder named after embedlab's fingerprint and the saved benchmark figures
(``book/_ext/execution_cache.py``), so an
execution made by older code is never reused. This test reads the build's record instead
of running every chapter again (which nbval did, doubling the slowest part of CI): every
executed page of the toc has a cached execution of the code it holds now. The seconds each
chapter took are printed (``pytest -s``) as a record of where build time goes.
"""

from __future__ import annotations

import importlib.util

import pytest
from book_helpers import ROOT, is_notebook_page, toc_pages

jupytext = pytest.importorskip("jupytext")
jupyter_cache = pytest.importorskip("jupyter_cache")

_spec = importlib.util.spec_from_file_location("execution_cache", ROOT / "book" / "_ext" / "execution_cache.py")
execution_cache = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execution_cache)


def chapter_sources() -> list[str]:
    """The MyST source of every executed page in the toc (labs are graded elsewhere and contain stubs)."""
    return [f"{page}.md" for page in toc_pages()
            if page.startswith("book/") and is_notebook_page(page) and (ROOT / f"{page}.md").exists()]


def build_cache():
    fingerprint = execution_cache.execution_fingerprint(ROOT)
    return jupyter_cache.get_cache(ROOT / "_build" / ".jupyter_cache" / fingerprint)


@pytest.mark.slow
@pytest.mark.notebooks
def test_every_chapter_was_executed_by_the_build_with_its_current_code(site):
    sources = chapter_sources()
    assert len(sources) >= 7
    cache = build_cache()
    missing, seconds = [], {}
    for source in sources:
        try:
            record = cache.match_cache_notebook(jupytext.read(ROOT / source))
        except KeyError:
            missing.append(source)
            continue
        seconds[source] = record.data.get("execution_seconds")
    for source, took in seconds.items():
        print(f"{source:40s} executed in {took:.0f} s" if took is not None else f"{source:40s} (no time recorded)")
    assert not missing, f"no execution of the current code of {missing} in the build's cache"
