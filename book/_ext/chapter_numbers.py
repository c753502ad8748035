"""Sphinx extension: number exercises (and figures) per chapter, not across the book.

Without a numbered toctree Sphinx counts every enumerable node (sphinx-exercise's
exercises, figures) through the whole book, so chapter 2 began at "Exercise 4". After
Sphinx assigns its numbers, this hook renumbers each page's nodes from 1 in their order on
the page, which is also how ``tools/colab_notebooks.py`` numbers the Colab notebooks.
"""

from __future__ import annotations


def renumber_per_page(app, env) -> list[str]:
    changed = []
    for docname, by_type in env.toc_fignumbers.items():
        for figtype, numbers in by_type.items():
            ordered = sorted(numbers, key=numbers.get)
            renumbered = {node_id: (i,) for i, node_id in enumerate(ordered, start=1)}
            if renumbered != numbers:
                by_type[figtype] = renumbered
                changed.append(docname)
    return sorted(set(changed))


def setup(app):
    # Sphinx's toctree collector assigns the book-wide numbers at the default priority (500)
    app.connect("env-get-updated", renumber_per_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
