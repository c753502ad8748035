"""Sphinx extension: the ``{colab-lab}`` role, a link that opens a lab's notebook in Colab.

A chapter's "Practise" paragraph links its lab twice: the lab's page on the site, and the
notebook a student works in. ``{colab-lab}`lab03_analogies``` renders "open Lab 3 in Colab",
linking the generated notebook on the branch the Colab buttons open (``colab_notebooks_branch``;
see colab_links.py), built from _config.yml's repository url and launch_buttons.colab_url.

A lab's page on the site is the student notebook, unexecuted, with empty exercise cells; so that
nobody takes it for a chapter, every ``labs/labNN_*`` page gets a box under its title that says so,
with the Colab link first (site only: the notebook itself stays plain Markdown for Colab and Jupyter).

:func:`colab_notebook_url` is the one place that spells a Colab notebook address:
``tools/colab_notebooks.py`` (which turns the role into a Markdown link in the Colab notebooks)
and the book tests load it from here.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes

LAB_NAME = re.compile(r"lab(?P<number>\d+)_[a-z0-9_]+")
LAB_PAGE = re.compile(r"labs/(?P<lab>lab\d+_[a-z0-9_]+)")
BANNER_TITLE = "An exercise notebook, to run in Colab"
BANNER_TEXT = (" (nothing to install), write your code in the empty exercise cells and run the check "
               "under each one. This page shows the notebook as you get it: nothing has run here.")


def colab_notebook_url(repository_url: str, colab_url: str, branch: str, path: str) -> str:
    """The Colab address of ``path`` (e.g. ``labs/lab03_analogies.ipynb``) on ``branch`` of the repository."""
    repo = repository_url.rstrip("/").removeprefix("https://github.com/")
    return f"{colab_url.rstrip('/')}/github/{repo}/blob/{branch}/{path}"


def lab_link_text(lab: str) -> str:
    """The words of the link: ``lab03_analogies`` -> "open Lab 3 in Colab"."""
    match = LAB_NAME.fullmatch(lab)
    if match is None:
        raise ValueError(f"{lab!r} is not a lab name like lab03_analogies")
    return f"open Lab {int(match['number'])} in Colab"


def _lab_url(config, lab: str) -> str:
    theme = config.html_theme_options
    return colab_notebook_url(theme["repository_url"], theme["launch_buttons"]["colab_url"],
                              config.colab_notebooks_branch, f"labs/{lab}.ipynb")


def add_lab_banner(app, doctree) -> None:
    """Under a lab page's title: what the page is, and the link that opens it in Colab."""
    found = LAB_PAGE.fullmatch(app.env.docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if found is None or section is None:
        return
    text = lab_link_text(found["lab"])
    link = nodes.reference("", text[0].upper() + text[1:], refuri=_lab_url(app.config, found["lab"]),
                           classes=["colab-lab"])
    banner = nodes.admonition("", nodes.title("", BANNER_TITLE), nodes.paragraph("", "", link,
                              nodes.Text(BANNER_TEXT)), classes=["tip", "lab-banner"])
    title = next((i for i, child in enumerate(section.children) if isinstance(child, nodes.title)), -1)
    section.insert(title + 1, banner)


def colab_lab_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{colab-lab}`lab03_analogies``` -> a link to labs/lab03_analogies.ipynb in Colab."""
    env = inliner.document.settings.env
    lab = text.strip()
    try:
        label = lab_link_text(lab)
    except ValueError as err:
        message = inliner.reporter.error(str(err), line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    messages = []
    if not (Path(env.srcdir) / "labs" / f"{lab}.ipynb").exists():
        messages.append(inliner.reporter.warning(f"{{colab-lab}}: labs/{lab}.ipynb does not exist", line=lineno))
    node = nodes.reference(rawtext, label, refuri=_lab_url(env.config, lab), classes=["colab-lab"])
    return [node], messages


def setup(app):
    app.setup_extension("colab_links")  # defines colab_notebooks_branch
    app.add_role("colab-lab", colab_lab_role)
    app.connect("doctree-read", add_lab_banner)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
