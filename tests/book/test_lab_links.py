"""book/_ext/lab_links.py: {colab-lab}`lab03_analogies` links the lab's Colab notebook (fast: a tiny build)."""

from __future__ import annotations

import importlib.util
import re

import pytest
from book_helpers import ROOT, load_config

_spec = importlib.util.spec_from_file_location("lab_links", ROOT / "book" / "_ext" / "lab_links.py")
lab_links = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lab_links)


def test_the_link_text_names_the_lab_by_number():
    assert lab_links.lab_link_text("lab03_analogies") == "open Lab 3 in Colab"
    assert lab_links.lab_link_text("lab12_x") == "open Lab 12 in Colab"
    with pytest.raises(ValueError, match="not a lab name"):
        lab_links.lab_link_text("analogies")


def test_the_address_is_built_from_the_config_and_the_notebooks_branch():
    config = load_config()
    url = lab_links.colab_notebook_url(config["repository"]["url"], config["launch_buttons"]["colab_url"],
                                       config["sphinx"]["config"]["colab_notebooks_branch"],
                                       "labs/lab03_analogies.ipynb")
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    assert url == f"https://colab.research.google.com/github/{repo}/blob/notebooks/labs/lab03_analogies.ipynb"


def _build(tmp_path, text: str, page: str = "index") -> tuple[str, str]:
    """Build one MyST page with the extension; its HTML and the build's warnings."""
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "labs").mkdir(parents=True)
    (src / "labs" / "lab03_analogies.ipynb").write_text("{}", encoding="utf-8")
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'lab_links']  # as the book: myst_nb's parser registry is process-wide\n"
        "exclude_patterns = ['labs/*.ipynb']\n"
        "html_theme_options = {'repository_url': 'https://github.com/org/repo',\n"
        "                      'launch_buttons': {'colab_url': 'https://colab.research.google.com'}}\n",
        encoding="utf-8")
    (src / f"{page}.md").parent.mkdir(parents=True, exist_ok=True)
    (src / f"{page}.md").write_text(f"# Page\n\n{text}\n", encoding="utf-8")
    if page != "index":
        (src / "index.md").write_text(f"# Home\n\n```{{toctree}}\n{page}\n```\n", encoding="utf-8")
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
    return (tmp_path / "out" / f"{page}.html").read_text(encoding="utf-8"), warnings.getvalue()


def test_the_role_renders_a_link_to_the_notebook_in_colab(tmp_path):
    html, warnings = _build(tmp_path, "Practise this in [Lab 3](labs/lab03_analogies.ipynb) "
                                      "({colab-lab}`lab03_analogies`).")
    link = re.search(r'<a class="[^"]*colab-lab[^"]*" href="([^"]+)">open Lab 3 in Colab</a>', html)
    assert link, html[html.find("Practise"):][:400]
    assert link[1] == ("https://colab.research.google.com/github/org/repo/blob/notebooks/"
                       "labs/lab03_analogies.ipynb")
    assert "colab-lab" not in warnings, warnings


def test_a_lab_that_does_not_exist_or_a_bad_name_warns(tmp_path):
    _, warnings = _build(tmp_path, "{colab-lab}`lab09_nothing` and {colab-lab}`analogies`")
    assert "labs/lab09_nothing.ipynb does not exist" in warnings
    assert "'analogies' is not a lab name" in warnings


def test_a_lab_page_says_first_that_it_is_an_exercise_to_run_in_colab(tmp_path):
    html, warnings = _build(tmp_path, "Practises chapter 5.", page="labs/lab03_analogies")
    banner = html.index(lab_links.BANNER_TITLE)
    assert html.index("<h1>Page") < banner < html.index("Practises chapter 5.")
    assert re.search(r'href="https://colab\.research\.google\.com/github/org/repo/blob/notebooks/'
                     r'labs/lab03_analogies\.ipynb">Open Lab 3 in Colab</a> \(nothing to install\)', html)
    assert "does not exist" not in warnings and "lab name" not in warnings, warnings


def test_other_pages_get_no_banner(tmp_path):
    html, _ = _build(tmp_path, "A chapter.", page="book/05_analogies")
    assert lab_links.BANNER_TITLE not in html
