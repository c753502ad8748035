"""Page weights of the built site: each page's own HTML and everything it loads from the site.

``python -m tools.page_weight [_build/html]`` prints one line per page of _toc.yml: the
HTML file's size, and the total of the HTML plus the scripts, style sheets and images it
references from the site (what a first visit downloads, before caching). MathJax loads
its fonts and components on demand; only its entry script is counted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlparse

from tools.colab_notebooks import load_toc_pages

ROOT = Path(__file__).resolve().parents[1]
_REFERENCE = re.compile(r'<(?:script|img)[^>]*\ssrc="([^"]+)"|<link[^>]*\shref="([^"]+\.css[^"]*)"')


def page_weight(html: Path, site: Path) -> tuple[int, int]:
    """(own HTML bytes, HTML + referenced local assets bytes) of one built page."""
    text = html.read_text(encoding="utf-8")
    total = html.stat().st_size
    seen: set[Path] = set()
    for match in _REFERENCE.finditer(text):
        url = urlparse(match.group(1) or match.group(2))
        if url.scheme or url.netloc:
            continue
        asset = (html.parent / url.path).resolve()
        if asset.is_file() and asset.is_relative_to(site.resolve()) and asset not in seen:
            seen.add(asset)
            total += asset.stat().st_size
    return html.stat().st_size, total


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    site = Path(args[0]) if args else ROOT / "_build" / "html"
    for page in load_toc_pages():
        own, total = page_weight(site / f"{page}.html", site)
        print(f"{page:40s} html {own / 1e6:6.2f} MB   with assets {total / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
