"""Documents to search: a folder of the user's text files, or the Wikipedia slice, cut into passages.

Passages are chunked word-piece aware with MiniLM's own tokenizer (the
``tokenizers`` library, no torch). The Wikipedia passages are kept in the
on-disk cache as string arrays, so a second search does not parse the dump again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..cache import cached
from ..data._packages import require
from .chunking import Passage, chunk_text

__all__ = ["CorpusError", "folder_passages", "minilm_piece_counter", "wikipedia_passages"]

_VERSION = 1  # bump when the way passages are made changes


class CorpusError(ValueError):
    """The documents to search cannot be read (missing folder, no text files, ...)."""


@lru_cache(maxsize=1)
def minilm_piece_counter() -> Callable[[list[str]], list[int]]:
    """Word pieces per word with all-MiniLM-L6-v2's tokenizer (``tokenizer.json`` of the packaged model)."""
    from ..data.minilm import minilm_path

    tokenizers = require("tokenizers", "tokenizers", "Counting word pieces")
    tokenizer = tokenizers.Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()  # the packaged tokenizer.json pads every text to 128 ids

    known: dict[str, int] = {}  # word -> pieces; a text repeats its words, so each is tokenized once

    def count(words: list[str]) -> list[int]:
        new = list(dict.fromkeys(w for w in words if w not in known))
        for word, encoding in zip(new, tokenizer.encode_batch(new, add_special_tokens=False), strict=True):
            known[word] = max(1, len(encoding.ids))
        return [known[w] for w in words]

    return count


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data[:4096]:
        return None  # a binary file
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.strip() else None


def folder_passages(folder: str | os.PathLike, size: int = 128, overlap: int = 32) -> list[Passage]:
    """Passages of every readable UTF-8 text file under ``folder`` (hidden files skipped), titled by path."""
    root = Path(folder)
    if not root.exists():
        raise CorpusError(f"the folder {root} does not exist; pass --corpus with a folder of text files.")
    if not root.is_dir():
        raise CorpusError(f"{root} is a file, not a folder; pass --corpus with a folder of text files.")
    passages: list[Passage] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        text = _read_text(path)
        if text is not None:
            passages += chunk_text(str(relative), text, size, overlap, minilm_piece_counter())
    if not passages:
        raise CorpusError(f"no readable text in {root}: it needs UTF-8 text files (.txt, .md, ...).")
    return passages


def wikipedia_passages(size: int = 128, overlap: int = 32, per_article: int | None = None) -> list[Passage]:
    """The Wikipedia slice's 106 articles as passages (``per_article``: only each article's first ones)."""
    from ..data.wikipedia import load_wikipedia
    from ..data.wikipedia_dump import WIKIPEDIA_FILE

    def build() -> dict[str, np.ndarray]:
        passages = [p for article in load_wikipedia()
                    for p in chunk_text(article.title, article.text, size, overlap, minilm_piece_counter())
                    [:per_article]]
        return {"title": np.array([p.title for p in passages]), "text": np.array([p.text for p in passages]),
                "span": np.array([(p.start, p.end) for p in passages], dtype=np.int64)}

    stored = cached("wikipedia_passages", (WIKIPEDIA_FILE, size, overlap, per_article, _VERSION), build)
    return [Passage(str(t), str(x), int(s), int(e))
            for t, x, (s, e) in zip(stored["title"], stored["text"], stored["span"], strict=True)]
