"""BERT's WordPiece tokenizer in plain Python: text -> tokens -> row numbers of the embedding table.

It does what the ``tokenizers`` library does for all-MiniLM-L6-v2 (``BertNormalizer``,
``BertPreTokenizer``, greedy longest-match-first ``WordPiece``), written out so a
reader can follow every step. Chapter 1 derives it; the tests compare it with
``tokenizers`` on real Wikipedia text.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path

__all__ = ["WordPieceTokenizer", "basic_tokenize", "wordpiece"]

UNK, CLS, SEP = "[UNK]", "[CLS]", "[SEP]"


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True  # all non-letter, non-digit printable ASCII, e.g. "$", "^", "`"
    return unicodedata.category(ch).startswith("P")


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F
    )


def _normalize(text: str, lowercase: bool = True) -> str:
    """Drop control characters, unify whitespace, space out CJK, lower-case and strip accents."""
    out = []
    for ch in text:
        if ch == "\x00" or ch == "\ufffd" or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(ch):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    text = "".join(out)
    if lowercase:
        text = unicodedata.normalize("NFD", text)
        # Lower-case character by character, like the Rust ``tokenizers`` library
        # (``str.lower`` would turn a word-final "Σ" into "ς", a different token).
        text = "".join(ch.lower() for ch in text if unicodedata.category(ch) != "Mn")
    return text


def basic_tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split text into words and single punctuation marks: ``"Don't!" -> ["don", "'", "t", "!"]``."""
    words: list[str] = []
    for chunk in _normalize(text, lowercase).split():
        current = ""
        for ch in chunk:
            if _is_punctuation(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


def wordpiece(word: str, vocab, unk: str = UNK, max_chars: int = 100) -> list[str]:
    """Greedy longest-match-first split of one word into vocabulary pieces.

    Pieces after the first carry the ``##`` prefix. If some part of the word
    matches no piece, the whole word becomes ``unk``.
    """
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        else:  # no prefix of the rest is in the vocabulary
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


class WordPieceTokenizer:
    """Text to WordPiece tokens and ids with a BERT vocabulary (one token per line of ``vocab.txt``)."""

    def __init__(self, vocab: Sequence[str], lowercase: bool = True, max_chars: int = 100):
        self.vocab: list[str] = list(vocab)
        self.ids: dict[str, int] = {tok: i for i, tok in enumerate(self.vocab)}
        for special in (UNK, CLS, SEP):
            if special not in self.ids:
                raise ValueError(f"the vocabulary has no {special} token; is this a BERT vocab.txt?")
        self.lowercase = lowercase
        self.max_chars = max_chars

    @classmethod
    def from_folder(cls, folder: str | os.PathLike | None = None) -> WordPieceTokenizer:
        """The tokenizer of a model folder with a ``vocab.txt`` (default: the packaged all-MiniLM-L6-v2)."""
        if folder is None:
            from .data import minilm_path

            folder = minilm_path()
        vocab = (Path(folder) / "vocab.txt").read_text(encoding="utf-8").splitlines()
        return cls(vocab)

    def __len__(self) -> int:
        return len(self.vocab)

    def tokenize(self, text: str) -> list[str]:
        """WordPiece tokens of ``text``, without ``[CLS]``/``[SEP]``."""
        tokens: list[str] = []
        for word in basic_tokenize(text, self.lowercase):
            tokens.extend(wordpiece(word, self.ids, UNK, self.max_chars))
        return tokens

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Row numbers of the tokens in the embedding table, framed by ``[CLS]`` and ``[SEP]`` by default."""
        tokens = self.tokenize(text)
        if add_special_tokens:
            tokens = [CLS, *tokens, SEP]
        return [self.ids[t] for t in tokens]

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.vocab[i] for i in ids]
