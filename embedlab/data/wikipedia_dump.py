"""Parse the Wikipedia slice bundled with gensim's test data into plain articles, once per machine.

gensim's ``WikiCorpus`` helpers do the work (``extract_pages`` reads the XML dump,
``filter_wiki`` removes the markup). The result is written as JSON to the course's
cache, keyed by the dump and the code that parsed it, so the loaders in
:mod:`embedlab.data.wikipedia` read it with the standard library alone: the grading
sandbox of lab 2 gets this file instead of gensim (``autograder.labs.lab02``).
"""

from __future__ import annotations

import bz2
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from ..cache import cache_dir, cache_key, code_fingerprint
from ._packages import require, sha256_of

__all__ = ["WIKIPEDIA_FILE", "articles_file", "parse_dump"]

WIKIPEDIA_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
_BLANK_LINES = re.compile(r"\n\s*\n+")
_EMPHASIS = re.compile(r"'{2,}")  # ''italic'' and '''bold''' quotes left by filter_wiki
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$", re.MULTILINE)


def _gensim(module: str):
    return require(f"gensim.{module}", "gensim", "The Wikipedia slice (bundled with gensim's test data)")


def _clean(markup: str) -> str:
    text = _gensim("corpora.wikicorpus").filter_wiki(markup)
    text = _HEADING.sub(r"\2", _EMPHASIS.sub("", text))
    text = re.sub(r"[ \t]+", " ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def parse_dump(path: Path) -> list[dict[str, str]]:
    """The dump's articles (namespace 0, redirects dropped) as ``{"title", "pageid", "text"}`` without markup."""
    extract_pages = _gensim("corpora.wikicorpus").extract_pages
    with bz2.open(path) as dump:
        return [{"title": title, "pageid": pageid, "text": _clean(markup)}
                for title, markup, pageid in extract_pages(dump, ("0",))
                if not markup.lstrip().lower().startswith("#redirect")]


@lru_cache(maxsize=1)
def articles_file() -> Path:
    """The parsed slice as a JSON file in the course's cache (parsed on first use: about 3 s)."""
    dump = Path(_gensim("test.utils").datapath(WIKIPEDIA_FILE))
    key = cache_key(WIKIPEDIA_FILE, sha256_of(dump), code_fingerprint(parse_dump))
    folder = cache_dir() / "wikipedia_articles"
    folder.mkdir(exist_ok=True)
    path = folder / f"{key}.json"
    if not path.exists():
        articles = parse_dump(dump)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(articles, f, ensure_ascii=False)
            os.chmod(tmp, 0o644)  # readable by all, like any cache entry (mkstemp makes it private)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return path
