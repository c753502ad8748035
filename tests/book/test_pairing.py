"""Every chapter source book/*.md is paired (jupytext) with a same-named .ipynb that Colab opens."""

from __future__ import annotations

import pytest
from book_helpers import ROOT, is_notebook_page

jupytext = pytest.importorskip("jupytext")

MD_SOURCES = sorted((ROOT / "book").glob("*.md"))
CHAPTERS = [p for p in MD_SOURCES if is_notebook_page(str(p.relative_to(ROOT).with_suffix("")))]


def cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_there_are_chapters_to_check():
    assert len(CHAPTERS) >= 3


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_ipynb_is_in_sync_with_its_markdown_source(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no paired notebook; run: jupytext --to ipynb {md.relative_to(ROOT)}"
    expected = cells(jupytext.read(md))
    actual = cells(jupytext.read(ipynb))
    hint = f"out of sync; run: jupytext --to ipynb {md.relative_to(ROOT)}"
    assert len(actual) == len(expected), f"{ipynb.name}: {len(actual)} cells, source has {len(expected)}; {hint}"
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        assert a == e, f"{ipynb.name} cell {i} differs from {md.name}; {hint}"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_committed_notebook_carries_no_outputs(md):
    nb = jupytext.read(md.with_suffix(".ipynb"))
    with_outputs = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("outputs")]
    assert with_outputs == [], "the Colab notebook should be clean; outputs are produced by the build"
