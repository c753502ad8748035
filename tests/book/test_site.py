"""The built website in headless Chromium, with no network: every page of the toc loads without
JavaScript errors, every plotly figure is drawn, formulas are typeset, and the Colab button opens
the page's notebook from the configured repository.

The fixture builds the book with the README's command (`jupyter-book build . -W -n --keep-going`;
execution is cached, so an unchanged book rebuilds in seconds) and serves _build/html on 127.0.0.1.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from book_helpers import ROOT, colab_url, is_notebook_page, load_config, toc_pages

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
HTML = ROOT / "_build" / "html"


def _chromium_or_skip() -> Path:
    found = CHROMIUM if CHROMIUM.exists() else (Path(p) if (p := shutil.which("chromium")) else None)
    if found is None:
        reason = "Chromium is not installed (apt-get install -y chromium); the site test needs it."
        if os.environ.get("CI"):
            pytest.fail(reason + " CI must install it (see .ci/run).")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def site() -> Path:
    """Build the book (cached execution makes an unchanged rebuild fast) and return _build/html."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return HTML


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(executable),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield browser
        browser.close()


def _source_makes_plotly_figures(page: str) -> bool:
    """Whether the page's source draws with plotly (directly or through embedlab.plots)."""
    from book_helpers import page_source

    text = page_source(page).read_text(encoding="utf-8")
    return bool(re.search(r"\bplots\.\w*heatmap\(|import plotly|from plotly", text))


@pytest.mark.parametrize("page", toc_pages())
def test_page_in_a_real_browser(page, base_url, browser):
    console_errors: list[str] = []
    page_errors: list[str] = []
    blocked: list[str] = []

    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def offline(route):  # the site must work with no network: only our own server answers
        host = urlparse(route.request.url).hostname
        if host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    tab = context.new_page()
    tab.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda err: page_errors.append(str(err)))
    try:
        response = tab.goto(f"{base_url}/{page}.html", wait_until="load")
        assert response is not None and response.ok, f"{page}.html did not load ({response and response.status})"
        tab.wait_for_load_state("networkidle")
        assert tab.locator("main h1").count() >= 1, "the page has no title"

        # plotly: every figure embedded in the page is drawn, with its traces; and a page whose
        # source draws with plotly really has figures (myst-nb drops plotly's default mimetype output)
        expected = response.text().count("Plotly.newPlot(")
        if _source_makes_plotly_figures(page):
            assert expected >= 1, f"{page} draws plotly figures but none reached the page"
        figures = tab.locator("div.plotly-graph-div")
        assert figures.count() == expected, f"{expected} plotly figures in the HTML, {figures.count()} in the page"
        for i in range(expected):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            figure.locator("svg.main-svg").first.wait_for(state="attached", timeout=15000)
            traces = figure.evaluate("gd => (gd._fullData || []).length")
            drawn = figure.locator("svg.main-svg g.trace, svg.main-svg g.hm, svg.main-svg .heatmaplayer image").count()
            assert traces > 0 and drawn > 0, f"plotly figure {i} on {page} has no drawn traces"

        # formulas: typeset by the vendored MathJax (no CDN)
        if tab.locator("div.math, span.math").count():
            tab.locator("mjx-container").first.wait_for(state="attached", timeout=15000)

        # the Colab button opens this page's notebook on GitHub, as configured in _config.yml
        anchors = tab.locator('a[href*="colab.research.google.com"]').all()
        colab_links = sorted({a.get_attribute("href") for a in anchors})
        if is_notebook_page(page):
            assert colab_links == [colab_url(page, load_config())]
            notebook = ROOT / f"{page}.ipynb"
            assert notebook.exists(), f"the Colab link points at {page}.ipynb, which is not in the repository"
        else:
            assert colab_links == [], f"{page} is not a notebook but links to Colab: {colab_links}"

        # no executed cell left an error or stderr on the page
        assert tab.locator("div.cell_output .output.error, div.cell_output .output.stderr").count() == 0

        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]", "_", page)
        tab.evaluate("window.scrollTo(0, 0)")
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        if expected:
            figures.first.scroll_into_view_if_needed()
            tab.wait_for_timeout(300)
            tab.screenshot(path=str(ARTIFACTS / f"{name}-plotly.png"))
    finally:
        context.close()

    assert page_errors == [], f"JavaScript errors on {page}: {page_errors}"
    assert console_errors == [], f"console errors on {page}: {console_errors} (blocked requests: {blocked})"
    assert blocked == [], f"{page} tried to load from the network: {blocked}"
