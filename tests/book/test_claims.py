"""Every number in the book's prose is glued or explained (tools/claims.py; see its docstring).

Fast tests run the extractor on HTML snippets shaped like myst-nb's output; the slow ones check
every book page of the built site against book/claims.yml, and the measures that a chapter and
the benchmark appendix both report.
"""

from __future__ import annotations

import json

import pytest

from tools import claims

PAGE = "book/09_demo"


def page(body: str) -> str:
    return f'<html><body><nav>Chapter 9 of 12, 2025</nav><article class="bd-article">{body}</article></body></html>'


def check(body: str, allowed: list[dict] | None = None) -> claims.PageReport:
    return claims.check_page(page(body), PAGE, {"allowed": {PAGE: allowed or []}})


def unexplained(report: claims.PageReport) -> list[str]:
    return [n.text for n in report.unexplained]


def test_glued_values_code_outputs_math_and_navigation_are_not_prose():
    report = check(
        '<h1>9. Demo<a class="headerlink" href="#x">#</a></h1>'
        '<p>The table has <span class="pasted-text">30,522</span> rows and 384 columns.</p>'
        '<p>Use <code class="docutils literal"><span>top_k(s, 10)</span></code> and $x$: '
        '<span class="math notranslate nohighlight">\\(10^5\\)</span>.</p>'
        '<div class="cell docutils container"><div class="cell_input"><pre>x = 42</pre></div>'
        '<div class="cell_output"><pre>0.772</pre></div></div>'
    )
    assert unexplained(report) == ["384"]
    assert (report.glued, report.structural) == (1, 1)  # the pasted span; the 9 of the title


def test_numbers_inside_names_are_not_numbers_but_free_standing_ones_are():
    report = check("<p>word2vec, all-MiniLM-L6-v2, float32, GloVe 6B, WordSim-353 and 3CosAdd; "
                   "a 50-d table of 1,000 rows, 0.75 and 12.5%.</p>")
    assert unexplained(report) == ["50", "1,000", "0.75", "12.5"]


def test_references_to_the_books_structure_are_explained():
    report = check('<p>Chapters 1\u20133, chapter 5 and 7, Lab 2, see Exercise 4 and Figure 1. '
                   'Also <span class="caption-number">Fig. 3 </span>a caption, and 7 dwarfs.</p>')
    assert unexplained(report) == ["7"]
    assert report.structural == 7  # 1, 3, 5, 7, 2, 4, 1
    sections = check("<p>See sections 6.1 and 6.2; section 7.4 has 3 more.</p>")
    assert unexplained(sections) == ["3"] and sections.structural == 3
    numbered = check("<h2>2. Fill in the exercises</h2><p>2. Not a heading.</p>")
    assert unexplained(numbered) == ["2"] and numbered.structural == 1


def test_an_allowlist_phrase_explains_only_the_numbers_it_covers():
    body = "<p>The sentence vectors have 384 numbers; we keep 384 of them and 16 more.</p>"
    report = check(body, [{"reason": "a model fact", "phrases": ["vectors have 384 numbers"]}])
    assert unexplained(report) == ["384", "16"] and report.allowed == 1 and report.ok is False


def test_a_selector_explains_a_generated_table():
    body = "<p>Intro 2.</p><section id='r'><table><tr><td>0.4622</td><td>19544</td></tr></table></section>"
    report = check(body, [{"reason": "written by the benchmark scripts", "selector": "section#r"}])
    assert unexplained(report) == ["2"] and report.allowed == 2


def test_stale_entries_are_reported():
    report = check("<p>Nothing here.</p>", [
        {"reason": "gone", "phrases": ["the 12 of them"]},
        {"reason": "gone too", "selector": "table"},
    ])
    assert report.unexplained == [] and len(report.stale) == 2 and not report.ok


def test_an_entry_needs_a_reason_and_a_number_in_each_phrase():
    with pytest.raises(ValueError, match="reason"):
        check("<p>1</p>", [{"phrases": ["1"]}])
    with pytest.raises(ValueError, match="must contain the number"):
        check("<p>1</p>", [{"reason": "r", "phrases": ["one"]}])


def test_the_context_of_a_number_shows_where_it_is():
    (number,) = check("<ul><li>First item with 3 words.<ul><li>nested, no number</li></ul></li></ul>").unexplained
    assert number.block == "First item with 3 words." and "3 words" in number.context()


def test_same_measures_agree_or_are_explained(tmp_path):
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    (site / "book" / "09_demo.html").write_text(page("<p>Here t-SNE keeps more, because of another seed.</p>"))
    executed = tmp_path / "jupyter_execute" / "book"
    executed.mkdir(parents=True)
    (executed / "09_demo.glue.json").write_text(json.dumps({"acc": {"data": {"text/plain": "0.821"}}}))
    results = tmp_path / "results"
    results.mkdir()
    (results / "proj.json").write_text(json.dumps({"tsne_knn_accuracy": 0.848}))
    entry = {"page": PAGE, "glue": "acc", "benchmark": "proj", "figure": "tsne_knn_accuracy"}

    def problems(**extra):
        return claims.check_same_measures({"same_measures": [{**entry, **extra}]}, site, results)

    assert "the chapter says 0.821, the appendix 0.848" in problems()[0]
    assert problems(tolerance=0.05) == []
    assert problems(explained_by="because of another seed") == []
    assert "is not on the page" in problems(explained_by="because of a bug")[0]
    assert "glues no value" in problems(glue="nothing")[0]


def test_the_allowlist_file_loads():
    data = claims.load_claims()
    for page_name in data.get("allowed") or {}:
        claims.allowances(data, page_name)  # raises on an entry without a reason or number


# ------------------------------------------------------------------ the built site
@pytest.mark.slow
@pytest.mark.parametrize("page_name", claims.checked_pages())
def test_every_prose_number_is_glued_or_explained(site, page_name):
    (report,) = claims.check_site(site, pages=[page_name])
    lines = [f"{n.text!r}: {n.context()}" for n in report.unexplained] + [f"stale: {s}" for s in report.stale]
    assert report.ok, (f"{page_name}: glue these numbers or list them with a reason in book/claims.yml "
                       f"(python -m tools.claims shows them all):\n" + "\n".join(lines))


@pytest.mark.slow
def test_chapters_and_the_appendix_report_the_same_measures_alike(site):
    assert claims.check_same_measures(claims.load_claims(), site) == []


def test_a_code_cells_figure_caption_is_prose_and_its_output_is_not():
    report = check('<div class="cell_output"><pre>printed 42</pre><figure><img alt="a plot"/>'
                   '<figcaption><p><span class="caption-number">Fig. 2 </span>Loss over the 5 epochs.</p>'
                   '</figcaption></figure></div>')
    assert unexplained(report) == ["5"]


def test_an_allowlist_selector_also_covers_the_captions_inside_it():
    body = ('<section id="results"><div class="cell_output"><figure><figcaption><p>Loss over the 5 epochs.</p>'
            '</figcaption></figure></div></section>')
    report = check(body, [{"reason": "a generated section", "selector": "section#results"}])
    assert unexplained(report) == []
