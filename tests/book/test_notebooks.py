"""The chapter notebooks execute top to bottom under nbval (lax: outputs such as plotly ids vary per run)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from book_helpers import ROOT, is_notebook_page, toc_pages

pytest.importorskip("nbval")


def chapter_notebooks() -> list[str]:
    """The .ipynb of every executed page in the toc (labs are graded elsewhere and contain stubs)."""
    return [
        f"{page}.ipynb"
        for page in toc_pages()
        if page.startswith("book/") and is_notebook_page(page) and (ROOT / f"{page}.ipynb").exists()
    ]


@pytest.mark.slow
@pytest.mark.notebooks
def test_chapter_notebooks_run_under_nbval_lax():
    notebooks = chapter_notebooks()
    assert len(notebooks) >= 3
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-cell-timeout=120", "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", *notebooks],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    tail = "\n".join(result.stdout.splitlines()[-40:])
    assert result.returncode == 0, f"nbval failed:\n{tail}\n{result.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail
