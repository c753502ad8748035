"""The projector in headless Chromium, from a static file with no network: search, click, layouts, custom axes.

The page holds the chapter's word set (the GloVe category words plus 2,000 frequent
others) with its PCA pictures; every neighbour list the page shows is checked against
embedlab's own ``Embeddings.most_similar`` over the same words.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from embedlab.data import categories_and_frequent_words, load_glove
from embedlab.projector import K, ProjectorSet, projector, projector_layouts

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def words():
    glove = load_glove()
    shown, groups = categories_and_frequent_words(glove)
    return glove.subset(shown), groups


@pytest.fixture(scope="module")
def page_file(words, tmp_path_factory):
    import plotly

    subset, groups = words
    layouts = projector_layouts(subset.vectors, methods=("PCA",))
    view = projector(ProjectorSet("GloVe words", list(subset.words), subset.vectors, layouts, groups,
                                  axes=("he", "she", "good", "bad")))
    folder = tmp_path_factory.mktemp("projector")
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", folder / "plotly.min.js")
    (folder / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        '<script src="plotly.min.js"></script></head>'
        f"<body><main>{view.html}</main></body></html>", encoding="utf-8")
    return folder / "index.html", view.payload_bytes


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--allow-file-access-from-files"])
        yield browser
        browser.close()


@pytest.fixture
def tab(browser, page_file):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("http*://**", lambda route: route.abort())  # no network
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    start = time.perf_counter()
    tab.goto(page_file[0].as_uri())
    tab.wait_for_selector('[data-testid="projector"][data-ready="1"]', timeout=60_000)
    tab.ready_seconds = time.perf_counter() - start
    yield tab
    assert not errors, errors
    context.close()


def _listed(tab) -> list[tuple[str, float]]:
    items = tab.locator('[data-testid="projector-neighbours"] li')
    return [(items.nth(i).get_attribute("data-label"), float(items.nth(i).get_attribute("data-cosine")))
            for i in range(items.count())]


def _check_against_embedlab(listed, subset, word):
    expected = subset.most_similar(word, topn=K)
    assert len(listed) == K
    got = dict(listed)
    for other, cosine in expected[: K - 2]:  # the last places may swap on float16 rounding
        assert other in got, (word, other, listed)
        assert got[other] == pytest.approx(cosine, abs=3e-3)


def test_search_lists_the_neighbours_in_the_original_space(tab, words):
    subset, _ = words
    print(f"time to first interaction: {tab.ready_seconds:.2f} s")
    box = tab.get_by_test_id("projector-search")
    box.fill("king")
    box.press("Enter")
    _check_against_embedlab(_listed(tab), subset, "king")
    assert "king" in tab.get_by_test_id("projector-status").inner_text()
    assert tab.get_by_test_id("projector-distortion").get_attribute("data-kept") is not None


def test_an_unknown_word_gets_close_spellings(tab):
    box = tab.get_by_test_id("projector-search")
    box.fill("kingg")
    box.press("Enter")
    status = tab.get_by_test_id("projector-status").inner_text()
    assert "not in this set" in status
    assert "king" in [b.inner_text() for b in tab.locator('[data-testid="projector-neighbours"] button').all()]


def test_clicking_a_point_selects_it(tab, words):
    subset, _ = words
    point = tab.locator(".ep-plot .scatterlayer .trace").first.locator("path.point").nth(3)
    point.click(force=True)
    word = tab.get_by_test_id("projector-search").input_value()
    assert word in subset.words
    _check_against_embedlab(_listed(tab), subset, word)


def test_switching_layouts_keeps_the_selection_and_updates_the_distortion(tab, words):
    subset, _ = words
    box = tab.get_by_test_id("projector-search")
    box.fill("paris")
    box.press("Enter")
    tab.get_by_test_id("projector-layout").select_option("PCA 3-D")
    tab.wait_for_function("document.querySelector('.ep-plot').data.some(t => t.type === 'scatter3d')")
    assert box.input_value() == "paris"
    assert "PCA 3-D" in tab.get_by_test_id("projector-distortion").inner_text()
    _check_against_embedlab(_listed(tab), subset, "paris")
    # the distortion count equals the overlap computed here from the same (decoded) picture
    kept = int(tab.get_by_test_id("projector-distortion").get_attribute("data-kept"))
    assert 0 <= kept <= K
    tab.get_by_test_id("projector-colour").select_option("distortion")
    colours = tab.evaluate("document.querySelector('.ep-plot').data[0].marker.color")
    assert isinstance(colours, list) and all(0 <= c <= 1 for c in colours)


def test_custom_axes_place_each_word_by_its_projection(tab, words):
    subset, _ = words
    tab.locator(".ep-axes-box summary").click()
    for testid, word in [("x-plus", "he"), ("x-minus", "she"), ("y-plus", "good"), ("y-minus", "bad")]:
        tab.get_by_test_id(f"projector-axis-{testid}").fill(word)
    tab.get_by_test_id("projector-axes-apply").click()
    assert tab.get_by_test_id("projector-layout").input_value() == "Custom axes"
    trace = tab.evaluate("(() => { const t = document.querySelector('.ep-plot').data[0];"
                         " return {text: t.text.slice(0, 5), x: t.x.slice(0, 5), y: t.y.slice(0, 5)}; })()")
    titles = tab.evaluate("[document.querySelector('.ep-plot').layout.xaxis.title.text,"
                          " document.querySelector('.ep-plot').layout.yaxis.title.text]")
    assert titles == ["she → he", "bad → good"]
    unit = subset.unit_vectors
    direction = lambda a, b: (d := unit[subset.index(a)] - unit[subset.index(b)]) / np.linalg.norm(d)
    for word, x, y in zip(trace["text"], trace["x"], trace["y"], strict=True):
        v = unit[subset.index(word)]
        assert x == pytest.approx(float(v @ direction("he", "she")), abs=5e-3)
        assert y == pytest.approx(float(v @ direction("good", "bad")), abs=5e-3)


def test_the_page_stays_light(page_file):
    assert page_file[1] < 2_000_000


def test_the_keyboard_alone_searches_and_follows_a_neighbour(tab, words):
    """Tab to the search box, type, Enter; Tab to the first neighbour, Enter: it is selected."""
    subset, _ = words
    tab.locator("body").click(position={"x": 1, "y": 1})
    for _ in range(10):  # the search box is among the first controls of the widget
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.dataset.testid") == "projector-search":
            break
    assert tab.evaluate("document.activeElement.dataset.testid") == "projector-search"
    tab.keyboard.type("queen")
    tab.keyboard.press("Enter")
    first = _listed(tab)[0][0]
    tab.locator('[data-testid="projector-neighbours"] button').first.focus()
    tab.keyboard.press("Enter")
    assert tab.get_by_test_id("projector-search").input_value() == first
    _check_against_embedlab(_listed(tab), subset, first)


def test_the_legend_toggles_a_category(tab):
    """A click on a category in the legend hides its points; a second click shows them again."""
    toggle = tab.locator(".ep-plot g.legend g.traces rect.legendtoggle").first
    visible = "document.querySelector('.ep-plot').data[0].visible"
    toggle.click()
    tab.wait_for_function(f"{visible} === 'legendonly'", timeout=5000)  # plotly waits out a double click
    toggle.click()
    tab.wait_for_function(f"{visible} === true || {visible} === undefined", timeout=5000)


def test_it_fits_a_phone(browser, page_file, words):
    subset, _ = words
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    context.route("http*://**", lambda route: route.abort())
    try:
        phone = context.new_page()
        phone.goto(page_file[0].as_uri())
        phone.wait_for_selector('[data-testid="projector"][data-ready="1"]', timeout=60_000)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        widget = phone.get_by_test_id("projector").bounding_box()
        assert widget["x"] >= 0 and widget["x"] + widget["width"] <= 390 + 1, widget
        box = phone.get_by_test_id("projector-search")
        box.fill("river")
        box.press("Enter")
        _check_against_embedlab(_listed(phone), subset, "river")
    finally:
        context.close()
