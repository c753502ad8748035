"""embedlab.tokenizer gives exactly the ids of the model's own tokenizer (the `tokenizers` library)."""

from __future__ import annotations

import pytest

from embedlab.data import load_token_embeddings, load_wikipedia, minilm_path
from embedlab.tokenizer import WordPieceTokenizer, basic_tokenize, wordpiece

tokenizers = pytest.importorskip("tokenizers")


@pytest.fixture(scope="module")
def ours() -> WordPieceTokenizer:
    return WordPieceTokenizer.from_folder()


@pytest.fixture(scope="module")
def reference():
    tok = tokenizers.Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()  # the packaged tokenizer.json pads every input to 128 tokens
    return tok


TRICKY = [
    "The quick brown fox jumps over the lazy dog.",
    "Embeddings are lookup tables!",
    "Don't stop-believing: it's 3.14159 (roughly)...",
    "Café naïve façade Ångström résumé",  # accents are stripped
    "ΑΧΙΛΛΕΥΣ i.e. Achilles",  # word-final capital sigma lower-cases like tokenizers does (not to final sigma)
    "東京は日本の首都です",  # CJK characters become single-character words
    "tab\tnew\nline\r\u00a0nbsp zero\u200bwidth",  # whitespace and format characters
    "emoji 🙂 and ☃ snowman",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "x" * 150,  # longer than 100 characters: one [UNK]
    "$^`~|{}<>@#%&*_=+\\/",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_ids_match_the_tokenizers_library(ours, reference, text):
    assert ours.encode(text) == reference.encode(text).ids


@pytest.mark.slow  # tokenizes Wikipedia articles with both tokenizers: over a second
def test_ids_match_on_wikipedia_articles(ours, reference):
    lines = [ln for a in load_wikipedia()[:15] for ln in a.text.splitlines() if ln.strip()]
    assert len(lines) > 500
    mismatches = [ln for ln in lines if ours.encode(ln) != reference.encode(ln).ids]
    assert mismatches == []


@pytest.mark.slow
def test_ids_match_on_the_whole_wikipedia_slice(ours, reference):
    lines = [ln for a in load_wikipedia() for ln in a.text.splitlines() if ln.strip()]
    mismatches = [ln[:80] for ln in lines if ours.encode(ln) != reference.encode(ln).ids]
    assert mismatches == []


def test_wordpiece_is_greedy_longest_match_first():
    vocab = {"un", "unaff", "##aff", "##able", "##a", "##ffable"}
    # longest first piece "unaff", then the longest continuation "##able"
    assert wordpiece("unaffable", vocab) == ["unaff", "##able"]
    assert wordpiece("unx", vocab) == ["[UNK]"]  # an unmatched remainder makes the whole word unknown
    assert wordpiece("", vocab) == []


def test_basic_tokenize_splits_punctuation_and_lowercases():
    assert basic_tokenize("Don't STOP!") == ["don", "'", "t", "stop", "!"]
    assert basic_tokenize("Don't", lowercase=False) == ["Don", "'", "t"]


def test_encode_frames_with_cls_and_sep_and_ids_index_the_table(ours):
    ids = ours.encode("embeddings")
    assert ours.convert_ids_to_tokens(ids) == ["[CLS]", "em", "##bed", "##ding", "##s", "[SEP]"]
    assert ours.encode("embeddings", add_special_tokens=False) == ids[1:-1]
    table = load_token_embeddings()
    assert len(ours) == len(table)
    assert [table.words[i] for i in ids] == ours.convert_ids_to_tokens(ids)


def test_a_vocabulary_without_special_tokens_is_refused():
    with pytest.raises(ValueError, match=r"\[UNK\]"):
        WordPieceTokenizer(["a", "b"])
