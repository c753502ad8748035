"""Cut long texts into overlapping passages that a sentence model reads whole.

all-MiniLM-L6-v2 reads at most 256 word pieces (``[CLS]`` and ``[SEP]`` included)
and silently drops the rest, so a whole Wikipedia article encodes as its first
paragraph. Chunking keeps everything: windows of ``size`` words, each starting
``size - overlap`` words after the previous one, so that a sentence cut by one
boundary is whole in the neighbouring passage. With a word-piece counter a window
is also shortened until it fits the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["MAX_PIECES", "Passage", "chunk_spans", "chunk_text", "piece_counter"]

#: all-MiniLM-L6-v2's limit (256) minus the two special tokens it adds.
MAX_PIECES = 254


@dataclass(frozen=True)
class Passage:
    """One chunk of a document: where it comes from and its words ``start:end``."""

    title: str
    text: str
    start: int
    end: int


def chunk_spans(
    n_words: int,
    size: int,
    overlap: int,
    pieces: Sequence[int] | None = None,
    max_pieces: int = MAX_PIECES,
) -> list[tuple[int, int]]:
    """Word spans ``(start, end)`` covering ``n_words`` words; consecutive spans share ``overlap`` words.

    ``pieces[i]`` is the number of word pieces of word ``i``; when given, a span is
    shortened until its pieces fit ``max_pieces`` (a single word longer than that
    stays alone in its span). Spans never repeat: the last one ends at ``n_words``.
    """
    if size < 1:
        raise ValueError(f"size must be at least 1 word, got {size}.")
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be between 0 and size - 1 = {size - 1} words, got {overlap}.")
    if pieces is not None and len(pieces) != n_words:
        raise ValueError(f"pieces has {len(pieces)} counts for {n_words} words.")
    spans: list[tuple[int, int]] = []
    start = 0
    while start < n_words:
        end = min(start + size, n_words)
        if pieces is not None:
            total = sum(pieces[start:end])
            while end - start > 1 and total > max_pieces:
                end -= 1
                total -= pieces[end]
        spans.append((start, end))
        if end == n_words:
            break
        start = max(end - overlap, start + 1)
    return spans


def piece_counter(tokenizer) -> Callable[[list[str]], list[int]]:
    """Word-piece counts per word from a Hugging Face tokenizer (e.g. ``model.tokenizer``)."""

    def count(words: list[str]) -> list[int]:
        if not words:
            return []
        ids = tokenizer(words, add_special_tokens=False)["input_ids"]
        return [max(1, len(x)) for x in ids]

    return count


def chunk_text(
    title: str,
    text: str,
    size: int = 128,
    overlap: int = 32,
    count_pieces: Callable[[list[str]], list[int]] | None = None,
    max_pieces: int = MAX_PIECES,
) -> list[Passage]:
    """``text`` as overlapping passages of at most ``size`` words (and ``max_pieces`` pieces with a counter)."""
    words = text.split()
    pieces = count_pieces(words) if count_pieces is not None else None
    return [Passage(title, " ".join(words[s:e]), s, e)
            for s, e in chunk_spans(len(words), size, overlap, pieces, max_pieces)]
