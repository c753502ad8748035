"""Every notebook starts with the one-line Colab install of the course package, at the configured URL.

The repository URL and branch live only in _config.yml; this test derives the pip
line from them, so a notebook that names another repository or branch fails.
"""

from __future__ import annotations

import re

import pytest
from book_helpers import ROOT, load_config

nbformat = pytest.importorskip("nbformat")


def canonical_cell(extras: str = "data") -> str:
    repo = load_config()["repository"]
    url, branch = repo["url"].rstrip("/"), repo["branch"]
    return (
        "import sys\n"
        'if "google.colab" in sys.modules:  # in Colab: install the course package '
        "(elsewhere it is already installed)\n"
        f'    %pip install -q "embedlab[{extras}] @ git+{url}@{branch}"'
    )


def needed_extras(nb) -> str:
    """``data`` always; ``plots`` when the notebook runs UMAP (umap-learn), ``search`` when it uses
    embedlab.search (bm25s, ir-measures, lancedb, faiss-cpu): none of them is preinstalled in Colab."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    extras = ["data"]
    if re.search(r"\bumap\b", code):
        extras.append("plots")
    if re.search(r"embedlab\.search|from embedlab import .*\bsearch\b", code):
        extras.append("search")
    return ",".join(extras)


NOTEBOOKS = sorted(p for folder in ("book", "labs", "solutions") for p in (ROOT / folder).glob("*.ipynb"))


def test_book_notebooks_are_found():
    assert any(p.parent.name == "book" for p in NOTEBOOKS)


def test_canonical_cell_uses_the_configured_repository():
    config = load_config()["repository"]
    assert f"git+{config['url']}@{config['branch']}" in canonical_cell()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_code_cell_installs_the_course_in_colab_only(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    expected = canonical_cell(needed_extras(nb))
    assert code[0].source.strip() == expected, (
        f"the first code cell of {path.relative_to(ROOT)} must be exactly:\n{expected}"
    )
