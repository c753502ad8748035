"""Helpers for the book tests: the repository root, _config.yml and the pages of _toc.yml."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_pages() -> list[str]:
    """Every page of _toc.yml, as a path without extension (e.g. ``book/01_lookup_tables``), in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [str(Path(p).with_suffix("")) if p.endswith((".md", ".ipynb")) else p for p in pages]


def page_source(page: str) -> Path:
    """The source file Sphinx builds for a toc page (.md wins over a paired .ipynb, as in _config.yml)."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / f"{page}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"_toc.yml lists {page!r} but neither {page}.md nor {page}.ipynb exists")


def is_notebook_page(page: str) -> bool:
    """A page that is executed as a notebook: an .ipynb, or a MyST .md with a kernelspec in its front matter."""
    source = page_source(page)
    if source.suffix == ".ipynb":
        return True
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    front = yaml.safe_load(text.split("---", 2)[1]) or {}
    return "kernelspec" in front


def colab_url(page: str, config: dict | None = None) -> str:
    """The Colab link a notebook page must carry: the generated notebook on the notebooks branch.

    Built from _config.yml's repository url and ``colab_notebooks_branch`` (the branch the
    publish workflow pushes ``make colab``'s output to), with the page's path in the repository.
    """
    from tools.colab_notebooks import colab_url as notebook_url  # the one spelling (book/_ext/lab_links.py)

    return notebook_url(config or load_config(), f"{page}.ipynb")
