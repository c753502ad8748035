"""The Wikipedia slice bundled with gensim's test data, as clean articles and token lists.

About 200 pages from the start of an English Wikipedia dump (Anarchism, Autism,
Albedo, ...); redirects and non-article pages are dropped and the wiki markup is
removed with gensim's own cleaner.
"""

from __future__ import annotations

import bz2
import re
from dataclasses import dataclass
from functools import lru_cache

from ._packages import require

__all__ = ["WIKIPEDIA_FILE", "Article", "load_wikipedia", "tokenize", "wikipedia_sentences"]

WIKIPEDIA_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_EMPHASIS = re.compile(r"'{2,}")  # ''italic'' and '''bold''' quotes left by filter_wiki
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*\1\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Article:
    """One Wikipedia article: its title, page id and plain text (no wiki markup)."""

    title: str
    pageid: str
    text: str


def _gensim(module: str):
    return require(f"gensim.{module}", "gensim", "The Wikipedia slice (bundled with gensim's test data)")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens the way gensim's ``WikiCorpus`` makes them (2-15 letters, no digits)."""
    return _gensim("corpora.wikicorpus").tokenize(text, 2, 15, True)


def _clean(markup: str) -> str:
    wikicorpus = _gensim("corpora.wikicorpus")
    text = wikicorpus.filter_wiki(markup)
    text = _HEADING.sub(r"\2", _EMPHASIS.sub("", text))
    text = re.sub(r"[ \t]+", " ", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


@lru_cache(maxsize=1)
def _articles(min_words: int) -> tuple[Article, ...]:
    wikicorpus = _gensim("corpora.wikicorpus")
    path = _gensim("test.utils").datapath(WIKIPEDIA_FILE)
    out = []
    with bz2.open(path) as dump:
        for title, markup, pageid in wikicorpus.extract_pages(dump, ("0",)):
            if markup.lstrip().lower().startswith("#redirect"):
                continue
            text = _clean(markup)
            if len(tokenize(text)) >= min_words:
                out.append(Article(title=title, pageid=pageid, text=text))
    return tuple(out)


def load_wikipedia(min_words: int = 50) -> list[Article]:
    """Articles of the gensim Wikipedia slice (redirects and stubs under ``min_words`` tokens dropped)."""
    return list(_articles(min_words))


def wikipedia_sentences(min_tokens: int = 3) -> list[list[str]]:
    """The slice split into sentences, each a list of lower-cased tokens (for training word2vec)."""
    sentences = []
    for article in _articles(50):
        for chunk in _SENTENCE_END.split(article.text):
            tokens = tokenize(chunk)
            if len(tokens) >= min_tokens:
                sentences.append(tokens)
    return sentences
