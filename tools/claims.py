"""Every number in the prose of the built book is a glued value or an explained, listed exception.

The course promises that the numbers on a page come from code the reader can run. This module
checks that promise over the built HTML (``_build/html``), so it holds for what a reader sees:

* **Prose** is the text of the article: paragraphs, list items, table cells, headings, figure
  captions (those a code cell's figure carries too), admonitions and solutions. Not prose (never
  checked): code cells and their outputs,
  inline code, math (``$…$``: notation such as $10^5$ or $K + 1$), the navigation, and the
  numbering Sphinx adds itself (``Fig. 2``, ``Exercise 3``).
* A **number** is a run of digits standing on its own (``384``, ``1,000``, ``0.75``, ``50`` in
  ``50-d``); digits inside a name (``word2vec``, ``L6``, ``float32``, ``6B``, ``WordSim-353``)
  are not numbers.
  Numbers written in words ("five words") are not found: a careful reread must cover them.
* A number is **explained** when it is

  1. a glued value: ``{glue:text}`name:fmt``` renders as ``<span class="pasted-text">``;
  2. a reference to the book's own structure: right after "chapter(s)", "lab(s)", "exercise",
     "figure", "section" or "table" (``chapters 1-3``, ``Lab 2``), or the number that opens a
     heading (``3. Cosine similarity``, ``2. Fill in the exercises``);
  3. covered by an entry of the allowlist, ``book/claims.yml`` (``allowed:``): per page, a
     ``reason`` and the ``phrases`` around the numbers it explains,
     each a short exact quote of the page's text, or a CSS ``selector`` whose elements are all
     explained (tables that a script writes). Reasons are things such as years, numbers in
     citations, facts about a model or data set (384 dimensions), and the inputs a code cell
     on the page visibly sets (a window of 5, 1,000 sampled sentences). An entry that explains
     nothing any more is reported too, so the list stays short and true.

**Qualitative claims** about an output (which words are neighbours, what a figure shows, which
method wins) cannot be glued. The convention: the chapter asserts them in a removed cell right
after the glue calls of the output they describe, with the comment ``# the claim made in the
text below``::

    ```{code-cell} ipython3
    :tags: [remove-cell]

    glue("dot_len", dot_len), glue("cos_len", cos_len);
    assert dot_len > cos_len  # the claim made in the text below
    ```

so that the build fails when a change of data or code makes the sentence false.

**The same measure in a chapter and in the benchmark appendix** (``same_measures:`` in
``book/claims.yml``): each entry names a page's glued value and a figure of
``benchmarks/results/<benchmark>.json``; they must agree within ``tolerance`` (relative), or the
entry gives ``explained_by``, a phrase of that page that says why they differ.

Usage: ``python -m tools.claims [_build/html] [--page book/03_cosine_similarity]`` lists the
unexplained numbers of every checked page with their context and the stale allowlist entries,
and exits 1 if there are any. ``tests/book/test_claims.py`` runs the same check on the built site.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

ROOT = Path(__file__).resolve().parents[1]
CLAIMS_FILE = ROOT / "book" / "claims.yml"
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results"

# Elements whose text a reader does not read as prose.
NOT_PROSE = ", ".join([
    "script", "style", "pre", "code", "kbd", "math", "svg",
    "div.cell_input", "div.cell_output", "div.output",  # code cells and their outputs
    ".math", "span.caption-number", "a.headerlink",  # formulas, Sphinx's own numbering, ¶ links
    ".toctree-wrapper",  # the intro's generated list of pages
])
# Elements that start a new block of prose (a number's context is its block).
BLOCKS = {"p", "li", "td", "th", "figcaption", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
          "dt", "dd", "summary", "blockquote", "div", "section", "aside", "details"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
GLUED = "pasted-text"
GLUE_OPEN, GLUE_CLOSE = "\u27e6", "\u27e7"  # ⟦glued value⟧ in a block's text
NUMBER = re.compile(r"(?<![\w.,\u27e6])(?<![^\W\d_]-)\d+(?:[.,]\d+)*(?![\w\u27e7]|[.,]\d)")
STRUCTURE = re.compile(
    r"\b(?:chapters?|labs?|exercises?|figures?|fig\.|sections?|tables?)\s+"
    r"(?:\d+(?:\.\d+)?(?:\s*(?:\u2013|-|,|and|to|or)\s*)?)*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    """One number of a page's prose, in the text of its block."""

    page: str
    text: str
    block: str
    start: int

    def context(self, width: int = 60) -> str:
        left = max(0, self.start - width)
        right = self.start + len(self.text) + width
        return ("…" if left else "") + self.block[left:right] + ("…" if right < len(self.block) else "")


@dataclass
class Allowance:
    """One ``allowed:`` entry of ``book/claims.yml``: a reason and what it covers on a page."""

    reason: str
    phrases: list[str] = field(default_factory=list)
    selector: str | None = None


@dataclass
class PageReport:
    """What the check found on one page: counts of explained numbers, the unexplained, stale entries."""

    page: str
    glued: int = 0
    structural: int = 0
    allowed: int = 0
    unexplained: list[Number] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # allowlist phrases / selectors that explain nothing

    @property
    def ok(self) -> bool:
        return not self.unexplained and not self.stale


# ----------------------------------------------------------------------------- reading pages
def article(html: str) -> Tag:
    """The page's article (its content without the theme's navigation)."""
    soup = BeautifulSoup(html, "html.parser")
    found = soup.select_one("article.bd-article") or soup.select_one("main") or soup.body or soup
    return found


def _block_of(node: NavigableString, root: Tag) -> Tag:
    for parent in node.parents:
        if parent is root or parent.name in BLOCKS:
            return parent
    return root


def _excluded(ancestors: list[Tag], not_prose: set[int], skipped: set[int]) -> bool:
    """Whether a text node is left out: under an allowlisted element, or under a non-prose element
    unless a figure caption is nearer (a code cell's figure keeps its caption, typed by the author,
    inside the cell's output)."""
    if any(id(ancestor) in skipped for ancestor in ancestors):
        return True
    for ancestor in ancestors:  # nearest first
        if id(ancestor) in not_prose:
            return True
        if ancestor.name == "figcaption":
            return False
    return False


def prose_blocks(root: Tag, skip: Iterable[Tag] = ()) -> Iterator[tuple[Tag, str]]:
    """(block element, its own prose text) in document order; glued values as ⟦value⟧.

    ``skip`` holds elements whose numbers are explained wholesale (allowlist selectors).
    """
    not_prose, skipped = set(map(id, root.select(NOT_PROSE))), set(map(id, skip))
    texts: dict[int, list[str]] = {}
    blocks: dict[int, Tag] = {}
    for node in root.find_all(string=True):
        if not isinstance(node, NavigableString) or type(node) is not NavigableString:
            continue  # comments, doctype, CDATA
        ancestors = list(node.parents)
        if _excluded(ancestors, not_prose, skipped):
            continue
        text = str(node)
        if any(GLUED in (a.get("class") or []) for a in ancestors if isinstance(a, Tag)):
            text = f"{GLUE_OPEN}{text}{GLUE_CLOSE}"
        block = _block_of(node, root)
        blocks.setdefault(id(block), block)
        texts.setdefault(id(block), []).append(text)
    for key, parts in texts.items():
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        if text:
            yield blocks[key], text


def numbers_in(text: str) -> Iterator[re.Match]:
    """Numbers of a block's text that are not glued values."""
    glued = [(m.start(), m.end()) for m in re.finditer(f"{GLUE_OPEN}[^{GLUE_CLOSE}]*{GLUE_CLOSE}", text)]
    for match in NUMBER.finditer(text):
        if not any(start <= match.start() < end for start, end in glued):
            yield match


def is_structural(text: str, match: re.Match, is_heading: bool) -> bool:
    """A chapter, lab, exercise, figure, section or table number, or the number of a heading."""
    if is_heading and match.start() == 0 and text[match.end():match.end() + 1] == ".":
        return True
    return bool(STRUCTURE.search(text[:match.start()]))


# ----------------------------------------------------------------------------- the allowlist
def load_claims(path: Path = CLAIMS_FILE) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"allowed", "same_measures"}
    if unknown:
        raise ValueError(f"{path.name}: unknown top-level keys {sorted(unknown)} (allowed, same_measures)")
    return data


def allowances(claims: dict, page: str) -> list[Allowance]:
    """The ``allowed:`` entries of ``page``."""
    found = []
    for entry in (claims.get("allowed") or {}).get(page) or []:
        if not str(entry.get("reason", "")).strip():
            raise ValueError(f"claims.yml, {page}: every entry needs a reason: {entry}")
        phrases = [re.sub(r"\s+", " ", p).strip() for p in entry.get("phrases") or []]
        bad = [p for p in phrases if not re.search(r"\d", p)]
        if bad:
            raise ValueError(f"claims.yml, {page}: a phrase must contain the number it explains: {bad}")
        found.append(Allowance(entry["reason"], phrases, entry.get("selector")))
    return found


def _covered(text: str, match: re.Match, phrase: str) -> bool:
    start = text.find(phrase)
    while start != -1:
        if start <= match.start() and match.end() <= start + len(phrase):
            return True
        start = text.find(phrase, start + 1)
    return False


# ----------------------------------------------------------------------------- checking
def check_page(html: str, page: str, claims: dict) -> PageReport:
    """Count the glued, structural and allowed numbers of one built page; list the others."""
    root = article(html)
    report = PageReport(page)
    entries = allowances(claims, page)
    selected = {}
    for entry in entries:
        if entry.selector:
            elements = root.select(entry.selector)
            hits = [e for e in elements if any(numbers_in(e.get_text(" ")))]
            selected[entry.selector] = elements
            report.allowed += sum(len(list(numbers_in(e.get_text(" ")))) for e in hits)
            if not hits:
                report.stale.append(f"selector {entry.selector!r} ({entry.reason})")
    used: set[str] = set()
    for block, text in prose_blocks(root, skip=[e for els in selected.values() for e in els]):
        report.glued += text.count(GLUE_OPEN)
        for match in numbers_in(text):
            if is_structural(text, match, is_heading=block.name in HEADINGS):
                report.structural += 1
                continue
            phrase = next((p for e in entries for p in e.phrases if _covered(text, match, p)), None)
            if phrase is not None:
                used.add(phrase)
                report.allowed += 1
            else:
                report.unexplained.append(Number(page, match.group(), text, match.start()))
    report.stale += [f"phrase {p!r} ({e.reason})" for e in entries for p in e.phrases if p not in used]
    return report


def glued_values(executed: Path, page: str) -> dict[str, str]:
    """The values a page glued, from the build's ``jupyter_execute/<page>.glue.json``."""
    path = executed / f"{page}.glue.json"
    if not path.exists():
        return {}
    return {k: v["data"]["text/plain"] for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def check_same_measures(claims: dict, site: Path, results: Path = BENCHMARK_RESULTS) -> list[str]:
    """Problems with ``same_measures:``: a chapter's glued value against the appendix's figure."""
    executed = site.parent / "jupyter_execute"
    problems = []
    for entry in claims.get("same_measures") or []:
        page, name = entry["page"], entry["glue"]
        label = f"{page} {name} vs {entry['benchmark']}.{entry['figure']}"
        glued = glued_values(executed, page)
        if name not in glued:
            problems.append(f"{label}: the page glues no value {name!r}")
            continue
        figures = json.loads((results / f"{entry['benchmark']}.json").read_text(encoding="utf-8"))
        if entry["figure"] not in figures:
            problems.append(f"{label}: benchmarks/results/{entry['benchmark']}.json has no {entry['figure']!r}")
            continue
        ours, theirs = float(glued[name]), float(figures[entry["figure"]])
        if "explained_by" in entry:
            text = re.sub(r"\s+", " ", article((site / f"{page}.html").read_text(encoding="utf-8")).get_text(" "))
            if entry["explained_by"] not in text:
                problems.append(f"{label}: the explanation {entry['explained_by']!r} is not on the page")
        elif not math.isclose(ours, theirs, rel_tol=float(entry.get("tolerance", 0.0))):
            problems.append(f"{label}: the chapter says {ours:g}, the appendix {theirs:g}; make them agree "
                            "or say on the page why they differ (explained_by)")
    return problems


def checked_pages(root: Path = ROOT) -> list[str]:
    """The book's own pages of the toc (``book/…``). Lab pages are generated from solutions/ and
    their numbers (points, seeds) come from the lab specs, so they are not checked here."""
    from tools.colab_notebooks import load_toc_pages

    return [p for p in load_toc_pages(root) if p.startswith("book/")]


def check_site(site: Path, claims: dict | None = None, pages: list[str] | None = None) -> list[PageReport]:
    claims = load_claims() if claims is None else claims
    return [check_page((site / f"{page}.html").read_text(encoding="utf-8"), page, claims)
            for page in pages or checked_pages()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html", help="the built site")
    parser.add_argument("--page", action="append", help="check only this page (e.g. book/03_cosine_similarity)")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        print(f"error: {args.site} is not a built site; build the book first (make book)", file=sys.stderr)
        return 2
    claims = load_claims()
    reports = check_site(args.site, claims, args.page)
    for report in reports:
        print(f"{report.page}: {report.glued} glued, {report.allowed} allowed, {report.structural} structural, "
              f"{len(report.unexplained)} unexplained")
        for number in report.unexplained:
            print(f"    {number.text!r:>10}  {number.context()}")
        for stale in report.stale:
            print(f"    stale allowlist entry: {stale}")
    measures = check_same_measures(claims, args.site) if not args.page else []
    for problem in measures:
        print(f"same measure: {problem}")
    return 0 if all(r.ok for r in reports) and not measures else 1


if __name__ == "__main__":
    sys.exit(main())
