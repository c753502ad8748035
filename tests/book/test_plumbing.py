"""No plumbing in sight: the code a reader sees on the site and in Colab is the lesson (tools/plumbing.py).

Fast tests show what the detector flags and what it leaves alone; the slow one reads the code
cells of every built page of the toc (chapters and labs). test_colab_notebooks.py runs the same
detector over every generated Colab notebook.
"""

from __future__ import annotations

import pytest
from book_helpers import toc_pages
from bs4 import BeautifulSoup

from tools.plumbing import find_plumbing


@pytest.mark.parametrize("source", [
    'glue("x", x);',
    "from embedlab.notebook import glue",
    "assert a > b  # the claim made in the text below",
    'full = cached("minilm", key, lambda: model.encode(texts))',
    "from embedlab.cache import cached",
    'os.environ["TOKENIZERS_PARALLELISM"] = "false"',
    'os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")',
    "%env OMP_NUM_THREADS=1",
    "np.lib.format.read_magic(f)",
    "shape, _, dtype = np.lib.format.read_array_header_1_0(f)",
    "for key in ('a', 'b'):\n    pass",
    "x = 1\n# the claims made in the text below",
])
def test_plumbing_is_found(source):
    assert find_plumbing(source), source


@pytest.mark.parametrize("source", [
    "import numpy as np\nscores = U @ U.T  # every pair\nprint(scores.max())",
    "for word in words:\n    print(word)",
    'check("cos_sim", cos_sim)',
    "%pip install -q embedlab",
    "glued = 3  # a name that contains glue is not a call",
    "try:\n    x = f()\nexcept ValueError:\n    pass",  # an except clause may pass
])
def test_lesson_code_is_left_alone(source):
    assert find_plumbing(source) == []


# ------------------------------------------------------------------ the built site and Colab
def visible_code(html: str) -> list[str]:
    """The source of every code cell a reader sees on a built page."""
    soup = BeautifulSoup(html, "html.parser")
    return [cell.get_text() for cell in soup.select("div.cell_input pre")]


def test_visible_code_is_read_from_myst_nb_html():
    html = ('<div class="cell docutils container"><div class="cell_input docutils container">'
            '<div class="highlight-ipython3 notranslate"><div class="highlight"><pre><span></span>'
            '<span class="n">glue</span><span class="p">(</span><span class="s2">"x"</span>)\n</pre></div></div>'
            '</div><div class="cell_output"><pre>glue(</pre></div></div>')
    assert visible_code(html) == ['glue("x")\n']


@pytest.mark.slow
@pytest.mark.parametrize("page", toc_pages())
def test_no_plumbing_on_the_site(site, page):
    found = [(i, problem) for i, code in enumerate(visible_code((site / f"{page}.html").read_text(encoding="utf-8")))
             for problem in find_plumbing(code)]
    assert not found, (f"{page}: plumbing in visible code cells (cell index, what); move it into a cell "
                       f"tagged remove-cell or into an embedlab helper: {found}")
