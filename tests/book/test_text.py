"""The book's text keeps its promises to readers (fast: reads the sources only).

Written for every chapter and lab of the toc, so chapters added later are held to the same
rules: chapters named in the text exist in the toc; every chapter ends by pointing to its
lab and every lab page starts with the chapters it follows; code a reader sees fits in 88
columns; every figure has a caption and alt text.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from book_helpers import ROOT, is_notebook_page, page_source, toc_pages

jupytext = pytest.importorskip("jupytext")

CHAPTER_PAGES = [p for p in toc_pages() if re.match(r"book/\d\d_", p)]
CHAPTER_NUMBERS = {int(re.match(r"book/(\d\d)_", p).group(1)) for p in CHAPTER_PAGES}
LAB_PAGES = [p for p in toc_pages() if p.startswith("labs/")]
MAX_COLUMNS = 88
# "chapter 3", "Chapters 1\u20133" (en dash), "chapters 5-7", "chapters 2 to 4", "chapters 2 and 3"
CHAPTER_MENTION = re.compile(r"\b[Cc]hapters?\s+(\d+)(?:\s*(\u2013|-|to|and)\s*(\d+))?")
# Long lines in sections owned by other engineers, named exactly (each must still exist):
LONG_LINE_EXCEPTIONS: set[tuple[str, str]] = set()
PLOTLY_CALL = re.compile(r"\bplots\.(\w*heatmap|projector)\(")


def markdown_text(page: str) -> str:
    source = page_source(page)
    if source.suffix == ".ipynb":
        nb = nbformat.read(source, as_version=4)
        return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return source.read_text(encoding="utf-8")


def mentioned_chapters(text: str) -> set[int]:
    numbers: set[int] = set()
    for match in CHAPTER_MENTION.finditer(text):
        first, joiner, second = int(match.group(1)), match.group(2), match.group(3)
        if joiner == "and":
            numbers.update({first, int(second)})
        else:
            numbers.update(range(first, int(second or first) + 1))
    return numbers


def code_cells(page: str) -> list:
    return [c for c in jupytext.read(page_source(page)).cells if c.cell_type == "code"]


def test_mention_parser():
    text = "Chapter 1 and chapters 2\u20133; see chapters 5 and 7, chapters 8-9"
    assert mentioned_chapters(text) == {1, 2, 3, 5, 7, 8, 9}


@pytest.mark.parametrize("page", toc_pages())
def test_every_chapter_named_in_the_text_is_in_the_toc(page):
    missing = mentioned_chapters(markdown_text(page)) - CHAPTER_NUMBERS
    assert not missing, f"{page} names chapter(s) {sorted(missing)}, which are not in _toc.yml"
    if page in CHAPTER_PAGES and re.search(r"\bnext chapter\b", markdown_text(page)):
        number = int(page[5:7])
        assert number + 1 in CHAPTER_NUMBERS, f"{page} refers to 'the next chapter', which is not in _toc.yml"


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_chapter_ends_by_pointing_to_its_lab(page):
    text = markdown_text(page).rstrip()
    last_paragraph = text.split("\n\n")[-1]
    match = re.match(r"Practise this in \[Lab (\d+)\]\(([^)]+)\)", last_paragraph)
    assert match, f"{page} must end with 'Practise this in [Lab N](../labs/...)'; it ends with {last_paragraph[:80]!r}"
    target = re.sub(r"^\.\./|\.(ipynb|md)$", "", match.group(2))
    assert target in LAB_PAGES, f"{page} points to {target}, which is not a lab page of the toc"


@pytest.mark.parametrize("page", LAB_PAGES)
def test_lab_page_starts_with_the_chapters_it_follows(page):
    first = markdown_text(page).split("\n\n")
    assert first[0].startswith("# "), f"{page} should start with its title"
    intro = first[1]
    assert re.match(r"\*?Practises \[?chapters? \d", intro), f"{page}: under the title, say 'Practises chapter N'"
    assert mentioned_chapters(intro) <= CHAPTER_NUMBERS
    linked = set(re.findall(r"\]\(\.\./book/([\w]+)\.md\)", intro))
    assert any(re.match(r"\d\d_", name) for name in linked), f"{page}: link the chapter(s) it practises"
    assert "submitting_labs" in linked, f"{page}: link 'How to do and submit a lab' under the title"


@pytest.mark.parametrize("page", [p for p in toc_pages() if p.startswith("book/") and is_notebook_page(p)])
def test_visible_code_fits_in_88_columns(page):
    cells = code_cells(page)[1:]  # the first is the Colab install cell, fixed by test_colab_cells (stated exception)
    long = [(i, line) for i, cell in enumerate(cells, start=1) if "remove-cell" not in cell.metadata.get("tags", [])
            for line in cell.source.splitlines() if len(line) > MAX_COLUMNS]
    excepted = {line for owner, line in LONG_LINE_EXCEPTIONS if owner == page}
    assert excepted <= {line for _, line in long}, f"{page}: now fits; remove it from LONG_LINE_EXCEPTIONS"
    long = [(i, line) for i, line in long if line not in excepted]
    assert not long, f"{page}: code lines over {MAX_COLUMNS} columns (code cell, line): {long[:5]}"


@pytest.mark.parametrize("page", [p for p in toc_pages() if p.startswith("book/") and is_notebook_page(p)])
def test_every_figure_has_a_caption_and_alt_text(page):
    nb = jupytext.read(page_source(page))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "remove-cell" in cell.metadata.get("tags", []):
            continue
        if re.search(r"\bplt\.(show|subplots|figure)\(", cell.source):
            meta = cell.metadata.get("mystnb", {})
            caption = meta.get("figure", {}).get("caption", "")
            alt = meta.get("image", {}).get("alt", "")
            assert len(caption) > 20, f"{page} cell {i}: a matplotlib figure needs mystnb.figure.caption"
            assert len(alt) > 20 and not re.search(r"\.(png|svg|jpg)$", alt), f"{page} cell {i}: needs real alt text"
        if PLOTLY_CALL.search(cell.source):
            assert "title=" in cell.source, f"{page} cell {i}: a plotly figure needs a title"
            after = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
            assert after is not None and after.cell_type == "markdown" and after.source.startswith("*"), (
                f"{page} cell {i}: a plotly figure needs a caption sentence (in italics) right after it"
            )


def test_intro_has_a_roadmap_of_seven_chapters_and_five_labs():
    text = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    rows = re.findall(r"(?m)^\| (\d) \| ", text)
    assert rows == [str(n) for n in range(1, 8)]
    assert all(f"Lab {n}" in text for n in range(1, 6))


def _last_page_of_each_chapter() -> list[str]:
    last: dict[int, str] = {}
    for page in CHAPTER_PAGES:
        last[int(page[5:7])] = page
    return [last[n] for n in sorted(last)]


@pytest.mark.parametrize("page", _last_page_of_each_chapter())
def test_every_chapter_ends_with_further_reading(page):
    """At least three sources, each a link with one line on why to read it (issue 20)."""
    text = markdown_text(page)
    assert "\n## Further reading\n" in text, f"{page}: the chapter's last page needs '## Further reading'"
    section = text.split("\n## Further reading\n", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"(?ms)^\* (.*?)(?=^\* |^\s*$|\Z)", section)
    sources = [item for item in items if re.search(r"\]\(https?://", item)]
    assert len(sources) >= 3, f"{page}: further reading lists {len(sources)} linked sources; give at least 3"
    why = [item for item in sources if re.search(r"\)(,? [^\n]*)?:\s+\S.{20,}", item.replace("\n", " "))]
    assert why == sources, f"{page}: say in one line why to read each source: {set(sources) - set(why)}"
