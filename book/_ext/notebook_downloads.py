"""Sphinx extension: a notebook page's download button offers the notebook that Colab opens.

sphinx-book-theme's download menu (``use_download_button``) offers, for a MyST notebook page,
``_sources/<page>.ipynb`` (a copy of the executed notebook in ``_build/jupyter_execute``: MyST
roles such as ``{glue:text}``, the removed build cells, the solutions in place) and the MyST
source ``_sources/<page>.md``; for a lab, Sphinx's copy of ``labs/<lab>.ipynb``. ``make colab``
(``tools/colab_notebooks.py``, run after ``make book`` by the publish workflow) writes the
Colab notebooks over those ``_sources/<page>.ipynb`` files; this hook, run after the theme's,
leaves that notebook as the page's one file to download (the MyST source stays one click away
behind the repository button) and says what it is. Pages that are not notebooks keep the theme's menu.
"""

from __future__ import annotations

TOOLTIP = "Download the notebook (as it opens in Colab)"


def offer_the_notebook(app, pagename, templatename, context, doctree) -> None:
    markdown_notebook = bool(context.get("ipynb_source"))  # set by the theme for a MyST notebook page
    notebook = markdown_notebook or str(context.get("sourcename", "")).endswith(".ipynb")
    if not notebook:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        kept = []
        for button in group.get("buttons", []):
            label = button.get("label")
            if label == "download-source-button" and markdown_notebook:
                continue  # the .md: MyST that Jupyter and Colab do not render
            if label == "download-notebook-button" or (label == "download-source-button" and not markdown_notebook):
                button["tooltip"] = TOOLTIP
            kept.append(button)
        group["buttons"] = kept


def setup(app):
    # the theme adds its header buttons at priority 501; run after it
    app.connect("html-page-context", offer_the_notebook, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
