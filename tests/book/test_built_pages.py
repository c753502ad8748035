"""The built pages stay light and complete (reads _build/html after the README's build command).

Every page of the toc: at most 2 MB of its own HTML; plotly.js never inline, loaded once per
site from _static and only by pages with a figure; MathJax only on pages with a formula;
every image of a cell output captioned with real alt text; exercises numbered from 1 on
each page.
"""

from __future__ import annotations

import re

import pytest
from book_helpers import toc_pages

pytestmark = pytest.mark.slow

MAX_PAGE_BYTES = 2_000_000
PLOTLY_BANNER = re.compile(r"plotly\.js v\d|Plotly\.register|window\.PlotlyConfig")


def html(site, page: str) -> str:
    return (site / f"{page}.html").read_text(encoding="utf-8")


def script_sources(text: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', text)


@pytest.mark.parametrize("page", toc_pages())
def test_page_is_light_and_loads_plotly_only_from_the_site(site, page):
    text = html(site, page)
    size = len(text.encode("utf-8"))
    assert size <= MAX_PAGE_BYTES, f"{page}.html is {size / 1e6:.1f} MB (limit {MAX_PAGE_BYTES / 1e6:.0f} MB)"
    assert not PLOTLY_BANNER.search(text), f"{page}.html has plotly.js inline; it must load from _static"
    plotly_scripts = [s for s in script_sources(text) if "plotly" in s.lower()]
    if "plotly-graph-div" in text:
        # the full plotly.js (_static/plotly-V.min.js) or a partial bundle (_static/plotly/plotly-KIND-V.min.js)
        assert len(plotly_scripts) == 1 and re.search(r"_static/(plotly/)?plotly-", plotly_scripts[0]), plotly_scripts
        assert (site / f"{page}.html").parent.joinpath(plotly_scripts[0].split("?")[0]).resolve().is_file()
    else:
        assert plotly_scripts == [], f"{page} has no figure but loads {plotly_scripts}"


@pytest.mark.parametrize("page", toc_pages())
def test_mathjax_only_where_there_is_math(site, page):
    text = html(site, page)
    loads_mathjax = any("mathjax" in s.lower() for s in script_sources(text))
    has_math = 'class="math' in text
    assert loads_mathjax == has_math, f"{page}: math on the page {has_math}, MathJax loaded {loads_mathjax}"


@pytest.mark.parametrize("page", toc_pages())
def test_output_images_have_captions_and_alt_text(site, page):
    text = html(site, page)
    images = re.findall(r"<img [^>]*src=\"[^\"]*_images/[^>]*>", text)
    for img in images:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, f"{page}: an output image without real alt text: {img[:160]}"
        assert not re.search(r"\.(png|svg|jpe?g)$", alt.group(1)), f"{page}: alt text is a file name: {img[:160]}"
    assert text.count("<figcaption") >= len(images), f"{page}: {len(images)} images, fewer captions"


@pytest.mark.parametrize("page", toc_pages())
def test_exercises_are_numbered_from_one_on_each_page(site, page):
    numbers = [int(n) for n in re.findall(r'<span class="caption-number">Exercise (\d+)', html(site, page))]
    assert numbers == list(range(1, len(numbers) + 1)), f"{page}: exercises numbered {numbers}"
