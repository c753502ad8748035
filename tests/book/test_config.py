"""The book's configuration keeps the promises the course makes (fast: reads files only)."""

from __future__ import annotations

import fnmatch
import re

import pytest
from book_helpers import ROOT, colab_url, is_notebook_page, load_config, page_source, toc_pages


def test_repository_and_colab_are_configured(config):
    assert config["repository"]["url"].startswith("https://github.com/")
    assert config["repository"]["branch"] == "main"
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


def test_execution_is_cached_strict_and_time_limited(config):
    execute = config["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["raise_on_error"] is True and execute["allow_errors"] is False
    assert 0 < execute["timeout"] <= 300
    assert execute["stderr_output"] in ("warn", "error", "severe")  # stray stderr fails the -W build


def test_labs_are_never_executed_at_build_time(config):
    patterns = config["execute"]["exclude_patterns"]
    assert any(fnmatch.fnmatch("labs/lab01_token_embeddings.ipynb", p) for p in patterns)
    assert not any(fnmatch.fnmatch("book/01_lookup_tables.md", p) for p in patterns)


@pytest.mark.parametrize("page", toc_pages())
def test_every_toc_page_exists_and_notebooks_have_an_ipynb_for_colab(page):
    source = page_source(page)
    if is_notebook_page(page):
        assert (ROOT / f"{page}.ipynb").exists(), f"{source.name} has no {page}.ipynb for the Colab button"
        assert colab_url(page, load_config()).endswith(f"/blob/notebooks/{page}.ipynb")


def test_toc_lists_the_first_three_chapters_in_order():
    pages = toc_pages()
    chapters = [p for p in pages if re.match(r"book/\d\d_", p) and not re.match(r"book/\d\d_\d_", p)]
    assert chapters[:3] == ["book/01_lookup_tables", "book/02_dot_products", "book/03_cosine_similarity"]
    sections = [p for p in pages if re.match(r"book/\d\d_\d_", p)]
    for section in sections:  # a section (book/05_2_...) comes after its chapter's first page
        first = next(c for c in chapters if c[5:7] == section[5:7])
        assert pages.index(first) < pages.index(section), f"{section} comes before its chapter {first}"
    assert pages[0] == "book/intro"
