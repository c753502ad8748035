"""The Colab notebooks generated from the chapters (tools/colab_notebooks.py) are plain notebooks.

Fast tests convert small MyST snippets; the slow ones generate every chapter of the toc from
the built book and check what Colab would show: no MyST left, glued numbers filled in, the
install cell first and pinned to the commit, exercises and figures numbered per chapter, solutions
at the end, labs changed only in their install cell and links (test_plumbing.py checks that no
build-only code is left).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from html import unescape

import nbformat
import pytest
from book_helpers import ROOT, colab_url

from tools import colab_notebooks as cn

jupytext = pytest.importorskip("jupytext")


def chapter(glue: dict[str, str] | None = None) -> cn.Chapter:
    return cn.Chapter(glue=glue or {}, site=cn.Site("https://org.github.io/repo", "book/02_x"))


def convert(md: str, glue: dict[str, str] | None = None) -> nbformat.NotebookNode:
    front = "---\njupytext:\n  formats: ipynb,md:myst\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
    return cn.convert_notebook(jupytext.reads(front + md, fmt="md:myst"), chapter(glue))


def markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_admonitions_become_block_quotes_and_dropdowns_details():
    nb = convert(":::{admonition} Learning goals\n:class: tip\n\nYou can *do* it.\n:::\n\n"
                 "```{admonition} Hint\n:class: dropdown\n\nUse `np.eye`.\n```\n")
    text = markdown(nb)
    assert "> **Learning goals**\n>\n> You can *do* it." in text
    assert "<details>\n<summary><b>Hint</b></summary>\n\nUse `np.eye`.\n\n</details>" in text
    assert cn.leftover_myst(nb) == []


def test_glue_roles_take_the_executed_values_with_their_format():
    nb = convert("Rows: {glue:text}`V:,d`, share {glue:text}`share:.0%`, {glue:text}`x:.2f`.",
                 {"V": "30522", "share": "0.516", "x": "1.23456"})
    assert "Rows: 30,522, share 52%, 1.23." in markdown(nb)


def test_a_missing_glue_value_says_to_build_the_book():
    with pytest.raises(KeyError, match="make book"):
        convert("{glue:text}`nowhere:.2f`")


def test_exercises_are_numbered_per_chapter_and_solutions_move_to_the_end():
    md = """# Ch

```{exercise} First
:label: ex-a

Do a.
```

```{solution-start} ex-a
:class: dropdown
```

```{code-cell} ipython3
answer = 1
```

Because.

```{solution-end}
```

```{exercise} Second
:label: ex-b

Do b, after {ref}`ex-a`.
```
"""
    nb = convert(md)
    text = markdown(nb)
    assert "### Exercise 1: First" in text and "### Exercise 2: Second" in text
    assert "after Exercise 1" in text
    sources = [c.source for c in nb.cells]
    solutions = sources.index("## Solutions\n\nTry each exercise before you read its solution.")
    assert sources.index("answer = 1") > solutions and sources.index("Because.") > solutions
    assert sources[solutions + 1] == "### Solution to exercise 1: First"
    assert "Do a.\n\n*A solution is at the end of this notebook.*" in sources[0]
    assert cn.leftover_myst(nb) == []


def test_removed_cells_go_and_visible_cells_are_copied_as_the_site_shows_them():
    md = """```{code-cell} ipython3
x = 2
for key in ("a", "b"):
    print(key, x)
```

```{code-cell} ipython3
:tags: [remove-cell]

glue("x", x);
assert x > 1  # the claim made in the text below
```
"""
    nb = convert(md)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code == ['x = 2\nfor key in ("a", "b"):\n    print(key, x)']
    assert cn.plumbing(nb) == []


def test_plumbing_left_in_a_visible_cell_is_reported():
    nb = convert("```{code-cell} ipython3\nx = 2\nglue(\"x\", x)\n```\n")
    assert cn.plumbing(nb) == ["cell 0: a glue(...) call: 'glue('"]


def test_relative_links_point_to_the_website():
    nb = convert("Practise this in [Lab 1](../labs/lab01_token_embeddings.ipynb) and [the intro](intro.md#top).")
    text = markdown(nb)
    assert "(https://org.github.io/repo/labs/lab01_token_embeddings.html)" in text
    assert "(https://org.github.io/repo/book/intro.html#top)" in text


def test_the_colab_lab_role_becomes_a_markdown_link_to_the_lab_in_colab(config):
    md = "Practise this in [Lab 3](../labs/lab03_analogies.ipynb) ({colab-lab}`lab03_analogies`)."
    site = cn.Site("https://org.github.io/repo", "book/05_x", lambda path: cn.colab_url(config, path))
    nb = cn.convert_notebook(jupytext.reads(md, fmt="md:myst"), cn.Chapter(glue={}, site=site))
    assert markdown(nb) == ("Practise this in [Lab 3](https://org.github.io/repo/labs/lab03_analogies.html) "
                            f"([open Lab 3 in Colab]({colab_url('labs/lab03_analogies', config)})).")
    assert cn.leftover_myst(nb) == []


FIGURE_CELL = """```{{code-cell}} ipython3
---
{tags}mystnb:
  figure:
    caption: '{caption}'
    name: {name}
  image:
    alt: '{alt}'
---
plot()
```
"""


def figure_cell(name: str, caption: str = "A caption.", alt: str = "A description.", tags: str = "") -> str:
    return FIGURE_CELL.format(name=name, caption=caption, alt=alt, tags=f"tags: [{tags}]\n" if tags else "")


def test_a_code_cell_figure_is_followed_by_its_numbered_caption_and_description():
    md = ("# Ch\n\n" + figure_cell("fig-a", "The cosine of every pair.", "Two grids: fruit pairs near +1.")
          + "\nText between, see {numref}`fig-b`.\n\n"
          + figure_cell("fig-b", "Norms of n_neighbors words, with {glue:text}`n:,d` rows.", "A *line* & [x]"))
    nb = convert(md, {"n": "30522"})
    sources = [c.source for c in nb.cells]
    first = sources.index("plot()")
    assert sources[first + 1] == ("*Fig. 1: The cosine of every pair.*\n\n"
                                  "<details>\n<summary>Description of Fig. 1</summary>\n\n"
                                  "Two grids: fruit pairs near +1.\n\n</details>")
    second = sources.index("plot()", first + 1)
    assert sources[second + 1].startswith("*Fig. 2: Norms of n_neighbors words, with 30,522 rows.*\n\n")
    assert r"A \*line\* & \[x\]" in sources[second + 1]  # alt text is plain text: no Markdown
    assert "see Fig. 2." in markdown(nb)
    assert [c.cell_type for c in nb.cells].count("markdown") == 4
    assert cn.leftover_myst(nb) == []


def test_figures_are_numbered_as_on_the_site_and_a_figure_in_a_solution_keeps_its_caption():
    md = ("# Ch\n\n" + figure_cell("fig-hidden", tags="remove-cell") + "\n"
          + figure_cell("fig-no-output", tags="remove-output") + "\n"
          + "```{exercise} Plot\n:label: ex-p\n\nPlot it.\n```\n\n"
          "```{solution-start} ex-p\n:class: dropdown\n```\n\n"
          + figure_cell("fig-solution", "In the solution.") + "\n```{solution-end}\n```\n\n"
          + figure_cell("fig-last", "After the exercise.", tags="hide-input"))
    nb = convert(md)
    text = markdown(nb)
    # Sphinx numbers the figures in page order; removed outputs make no figure
    assert "*Fig. 1: In the solution.*" in text and "*Fig. 2: After the exercise.*" in text
    assert "Fig. 3" not in text
    sources = [c.source for c in nb.cells]
    solution = sources.index("*Fig. 1: In the solution.*\n\n<details>\n<summary>Description of Fig. 1</summary>"
                             "\n\nA description.\n\n</details>")
    assert sources[solution - 1] == "plot()" and solution > sources.index("### Solution to exercise 1: Plot")
    assert sources.index("*Fig. 2: After the exercise.*\n\n<details>\n<summary>Description of Fig. 2</summary>"
                         "\n\nA description.\n\n</details>") < solution


def test_an_image_without_a_caption_gets_its_description_only():
    md = "```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: Dots.\n---\nplot()\n```\n"
    nb = convert(md)
    assert [c.source for c in nb.cells] == [
        "plot()", "<details>\n<summary>Description of the figure</summary>\n\nDots.\n\n</details>"]


def test_a_figure_directive_keeps_its_alt_text_and_gets_its_number():
    md = ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: First.\n    name: fig-1\n---\nplot()\n```\n\n"
          ":::{figure} ../images/map.png\n:name: fig-map\n:alt: A map of the words.\n\nThe map.\n:::\n\n"
          "```{figure} ../images/other.png\n:alt: Unnamed.\n\nNo number.\n```\n")
    text = markdown(convert(md))
    assert "*Fig. 1: First.*" in text
    # Sphinx serves a directive's image from _images/
    assert "![A map of the words.](https://org.github.io/repo/_images/map.png)\n\n*Fig. 2: The map.*" in text
    assert "![Unnamed.](https://org.github.io/repo/_images/other.png)\n\n*No number.*" in text


def test_a_link_to_a_file_that_is_not_a_page_keeps_its_name():
    text = markdown(convert("The [data](../data/pairs.csv#L2) and [page](03_y.ipynb)."))
    assert "(https://org.github.io/repo/data/pairs.csv#L2)" in text
    assert "(https://org.github.io/repo/book/03_y.html)" in text


# ------------------------------------------------------------------ install pin and labs
SHA = "0123456789abcdef0123456789abcdef01234567"


def install(config, ref: str) -> str:
    repo = config["repository"]
    return ('import sys\nif "google.colab" in sys.modules:  # in Colab\n'
            f'    %pip install -q "embedlab[data] @ git+{repo["url"]}@{ref}"')


def test_the_install_cell_is_pinned_to_the_commit_and_nothing_else_changes(config):
    branch = config["repository"]["branch"]
    assert cn.pin_install(install(config, branch), config, SHA) == install(config, SHA)
    assert cn.pin_install(install(config, branch) + "\n", config, SHA) == install(config, SHA) + "\n"
    others = [install(config, branch + "line"), install(config, "v1"),
              f'%pip install "x @ git+https://github.com/other/repo@{branch}"', "print('main')"]
    assert [cn.pin_install(other, config, SHA) for other in others] == others


def test_the_commit_is_github_sha_else_the_checkout_head(tmp_path):
    assert cn.source_commit(tmp_path, {"GITHUB_SHA": SHA}) == SHA

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t",
                               *args], capture_output=True, text=True, check=True).stdout.strip()

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "a commit")
    head = git("rev-parse", "HEAD")
    assert cn.source_commit(tmp_path, {}) == head and re.fullmatch(r"[0-9a-f]{40}", head)
    assert cn.source_commit(tmp_path, {"GITHUB_SHA": SHA}) == SHA  # the workflow's commit wins


def test_without_github_sha_or_a_checkout_the_generator_says_why_and_how(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above tmp_path either
    with pytest.raises(cn.NoCommit, match="not a git checkout.*--ref main"):
        cn.source_commit(tmp_path, {})

    def no_commit(*args, **kwargs):
        raise cn.NoCommit("not a git checkout")

    monkeypatch.setattr(cn, "source_commit", no_commit)
    assert cn.main(["--build", str(tmp_path)]) == 1
    assert "error: not a git checkout" in capsys.readouterr().err


def lab_json(cells: list[dict]) -> str:
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_a_lab_gets_the_pinned_install_and_links_to_the_website_and_nothing_else(config):
    branch = config["repository"]["branch"]
    md = ["# Lab 1 — tokens\n", "\n", "Read [lookup tables](../book/01_lookup_tables.md#top) and "
          "[Lab 2](lab02_word2vec.ipynb),\n", "not ![a plot](plot.png), [data](data.csv) or [a site](https://x.org/a.md).\n"]
    code = (install(config, branch) + "\n").splitlines(keepends=True)
    exercise = ["def f(x):\n", "    raise NotImplementedError  # [link](../book/02_x.md)\n"]
    cells = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": md},
             {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {"tags": ["x"]},
              "outputs": [], "source": code},
             {"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
              "source": exercise}]
    original = lab_json(cells)
    converted = json.loads(cn.convert_lab(original, "labs/lab01_x", config, SHA))
    base = cn.site_url(config)
    assert converted["cells"][0]["source"] == [
        "# Lab 1 — tokens\n", "\n", f"Read [lookup tables]({base}/book/01_lookup_tables.html#top) and "
        f"[Lab 2]({base}/labs/lab02_word2vec.html),\n", md[3]]
    assert "".join(converted["cells"][1]["source"]) == install(config, SHA) + "\n"
    assert converted["cells"][2]["source"] == exercise  # links only in Markdown cells
    expected = json.loads(original)
    expected["cells"][0]["source"], expected["cells"][1]["source"] = (converted["cells"][0]["source"],
                                                                    converted["cells"][1]["source"])
    assert converted == expected
    assert cn.convert_lab(lab_json(cells[2:]), "labs/lab01_x", config, SHA) == lab_json(cells[2:])  # byte for byte


@pytest.mark.parametrize("page", cn.lab_notebooks())
def test_each_lab_changes_only_in_its_install_line_and_relative_links(config, page):
    original = (ROOT / f"{page}.ipynb").read_text(encoding="utf-8")
    converted = cn.convert_lab(original, page, config, SHA)
    changed = [(a, b) for a, b in zip(original.splitlines(), converted.splitlines(), strict=True) if a != b]
    assert changed, f"{page}: neither an install cell nor a link to a chapter"
    base, branch = cn.site_url(config), config["repository"]["branch"]
    for before, after in changed:  # the JSON lines of the notebook: a quote in a source is \"
        expected = re.sub(r"\]\(\.\./book/(\w+)\.md(#[\w-]+)?\)", lambda m: f"]({base}/book/{m[1]}.html{m[2] or ''})",
                          before).replace(f'@{branch}\\"', f'@{SHA}\\"')
        assert after == expected, f"{page}: {before!r} became {after!r}"
    assert f"@{SHA}" in converted and f'@{branch}\\"' not in converted
    assert "../book/" not in converted and re.search(r"\]\([^)]*\.md[)#]", converted) is None


# ------------------------------------------------------------------ the download button
def test_the_generated_notebooks_are_copied_where_the_download_buttons_point(tmp_path):
    out, html = tmp_path / "colab", tmp_path / "html"
    written = []
    for page in ("book/01_x", "labs/lab01_y"):
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / f"{page}.ipynb").write_text(f"clean {page}", encoding="utf-8")
        written.append(out / f"{page}.ipynb")
    (html / "_sources" / "book").mkdir(parents=True)
    (html / "_sources" / "book" / "01_x.ipynb").write_text("executed, with {glue:text}`x`", encoding="utf-8")
    copies = cn.publish_downloads(written, out, html)
    assert copies == [html / "_sources" / "book" / "01_x.ipynb", html / "_sources" / "labs" / "lab01_y.ipynb"]
    assert [p.read_text(encoding="utf-8") for p in copies] == ["clean book/01_x", "clean labs/lab01_y"]


def _download_menus(tmp_path) -> dict[str, list[tuple[str, str]]]:
    """Build a tiny book with the theme and the extension: each page's download menu (href, tooltip)."""
    from io import StringIO

    from sphinx.application import Sphinx

    src = tmp_path / "src"
    (src / "labs").mkdir(parents=True)
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'notebook_downloads']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "nb_execution_mode = 'off'\n"
        "html_theme_options = {'repository_url': 'https://github.com/org/repo',\n"
        "                      'launch_buttons': {'colab_url': 'https://colab.research.google.com'}}\n",
        encoding="utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\nchapter\nlabs/lab\n```\n", encoding="utf-8")
    front = ("---\njupytext:\n  text_representation:\n    format_name: myst\n"
             "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n")
    (src / "chapter.md").write_text(front + "# Chapter\n\n```{code-cell} ipython3\nx = 1\n```\n", encoding="utf-8")
    lab = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lab"), nbformat.v4.new_code_cell("x = 1")])
    lab.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    nbformat.write(lab, src / "labs" / "lab.ipynb")
    warnings = StringIO()
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
    menus = {}
    for page in ("index", "chapter", "labs/lab"):
        html = (tmp_path / "out" / f"{page}.html").read_text(encoding="utf-8")
        menu = html[html.index("dropdown-download-buttons"):].split("</ul>")[0]
        menus[page] = [(m[1], m[2]) for m in re.finditer(r'<a href="([^"]+)"[^>]*?title="([^"]*)"', menu, re.DOTALL)]
        for href, _ in menus[page]:
            assert (tmp_path / "out" / page).parent.joinpath(href).exists(), f"{page}: {href} is not in the site"
    return menus


def test_a_notebook_page_offers_its_notebook_only_and_other_pages_their_source(tmp_path):
    path = ROOT / "book" / "_ext" / "notebook_downloads.py"
    spec = importlib.util.spec_from_file_location("notebook_downloads", path)
    extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extension)
    menus = _download_menus(tmp_path)
    assert menus["chapter"] == [("_sources/chapter.ipynb", extension.TOOLTIP)]  # no MyST .md to download
    assert menus["labs/lab"] == [("../_sources/labs/lab.ipynb", extension.TOOLTIP)]
    assert menus["index"] == [("_sources/index.md", "Download source file")]


def test_the_extension_is_configured(config):
    assert config["sphinx"]["local_extensions"]["notebook_downloads"] == "book/_ext"


def test_the_leftover_detector_catches_myst():
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in [
        ":::{note}\nx\n:::", "{glue:text}`a`", "```{exercise} T\n:label: e\n```", "(my-label)=", "{ref}`x`"]])
    assert len({problem.split(":")[0] for problem in cn.leftover_myst(bad)}) == 5


# ------------------------------------------------------------------ every chapter, from the built book
@pytest.fixture(scope="module")
def generated(site, tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    out = tmp_path_factory.mktemp("colab")
    paths = cn.generate(out, ref=SHA)
    return {str(p.relative_to(out).with_suffix("")): nbformat.read(p, as_version=4) for p in paths}


def install_cell(page: str = "book/01_lookup_tables") -> str:
    """The source page's first code cell: its Colab install line (test_colab_cells.py checks its form)."""
    source = (ROOT / f"{page}.md").read_text(encoding="utf-8")
    return source.split("```{code-cell} ipython3\n")[1].split("\n```")[0]


@pytest.mark.slow
@pytest.mark.parametrize("page", cn.lab_notebooks())
def test_generated_lab_shows_no_plumbing(generated, page):
    assert cn.plumbing(generated[page]) == [], f"{page}: build plumbing in the lab's code cells"


@pytest.mark.slow
def test_every_chapter_and_lab_is_generated(generated):
    expected = set(cn.chapter_pages()) | set(cn.lab_notebooks())
    assert set(generated) == expected and len(cn.chapter_pages()) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("page", cn.chapter_pages())
def test_generated_chapter_is_plain_for_colab(generated, page, config):
    nb = generated[page]
    assert cn.leftover_myst(nb) == [], f"{page}: MyST left in the Colab notebook"
    code = [c for c in nb.cells if c.cell_type == "code"]
    pinned = cn.pin_install(install_cell(page), config, SHA)
    assert f"@{SHA}" in pinned, f"{page}: the install cell names no branch to pin"
    assert code[0].source.strip() == pinned.strip(), f"{page}: the pinned install cell must be the first code cell"
    assert all(not c.get("outputs") for c in code)
    assert cn.plumbing(nb) == [], f"{page}: build plumbing in the Colab notebook's code cells"
    text = markdown(nb)
    exercises = [int(n) for n in re.findall(r"(?m)^### Exercise (\d+)", text)]
    assert exercises == list(range(1, len(exercises) + 1)), f"{page}: exercises numbered {exercises}"
    if "{solution-start}" in (ROOT / f"{page}.md").read_text(encoding="utf-8"):
        assert "## Solutions" in text


@pytest.mark.slow
@pytest.mark.parametrize("page", cn.lab_notebooks())
def test_generated_lab_installs_the_commit_and_links_the_website(generated, page, config):
    nb = generated[page]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert f"git+{config['repository']['url']}@{SHA}" in code[0].source
    text = markdown(nb)
    assert "../book/" not in text and f"]({cn.site_url(config)}/book/" in text


def site_captions(html: str) -> list[tuple[int, str]]:
    """(number, first words) of every numbered figure caption of a built page."""
    found = re.findall(r'<span class="caption-number">Fig\. (\d+) </span><span class="caption-text">([^<]*)', html)
    return [(int(number), " ".join(unescape(text).split()[:4])) for number, text in found]


@pytest.mark.slow
@pytest.mark.parametrize("page", cn.chapter_pages())
def test_generated_figures_are_numbered_and_captioned_as_on_the_site(generated, site, page):
    """Fig. N on the site is Fig. N in Colab, with the same caption, and each has its description."""
    html = (site / f"{page}.html").read_text(encoding="utf-8")
    nb = generated[page]
    notes = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("*Fig. ")]
    captions = [(int(m[1]), " ".join(m[2].split()[:4])) for note in notes
                for m in [re.match(r"\*Fig\. (\d+): (.*?)\*?\n", note)]]
    plain = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2019": "'", "\u2018": "'"})  # Sphinx's smart quotes
    assert captions == [(n, text.translate(plain)) for n, text in site_captions(html)], page
    for i, note in enumerate(notes, start=1):
        assert f"<summary>Description of Fig. {i}</summary>" in note, f"{page}: Fig. {i} has no description"
