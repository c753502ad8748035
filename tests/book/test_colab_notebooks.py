"""The Colab notebooks generated from the chapters (tools/colab_notebooks.py) are plain notebooks.

Fast tests convert small MyST snippets; the slow ones generate every chapter of the toc from
the built book and check what Colab would show: no MyST left, glued numbers filled in, the
install cell first, exercises numbered per chapter, solutions at the end (test_plumbing.py checks
that no build-only code is left).
"""

from __future__ import annotations

import re

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


def test_the_leftover_detector_catches_myst():
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(s) for s in [
        ":::{note}\nx\n:::", "{glue:text}`a`", "```{exercise} T\n:label: e\n```", "(my-label)=", "{ref}`x`"]])
    assert len({problem.split(":")[0] for problem in cn.leftover_myst(bad)}) == 5


# ------------------------------------------------------------------ every chapter, from the built book
@pytest.fixture(scope="module")
def generated(site, tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    out = tmp_path_factory.mktemp("colab")
    paths = cn.generate(out)
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
def test_generated_chapter_is_plain_for_colab(generated, page):
    nb = generated[page]
    assert cn.leftover_myst(nb) == [], f"{page}: MyST left in the Colab notebook"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source.strip() == install_cell(page).strip(), f"{page}: the install cell must be the first code cell"
    assert all(not c.get("outputs") for c in code)
    assert cn.plumbing(nb) == [], f"{page}: build plumbing in the Colab notebook's code cells"
    text = markdown(nb)
    exercises = [int(n) for n in re.findall(r"(?m)^### Exercise (\d+)", text)]
    assert exercises == list(range(1, len(exercises) + 1)), f"{page}: exercises numbered {exercises}"
    if "{solution-start}" in (ROOT / f"{page}.md").read_text(encoding="utf-8"):
        assert "## Solutions" in text
