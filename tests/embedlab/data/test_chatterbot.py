"""chatterbot-corpus: 2,026 opening exchanges in 21 categories, checked against the released files."""

import pytest

from embedlab.data import DataIntegrityError, load_chatterbot
from embedlab.data import chatterbot


def test_records_categories_and_the_first_one():
    records = load_chatterbot()
    assert len(records) == 2026
    assert {r.category for r in records} == set(chatterbot.CHATTERBOT_CATEGORIES)
    assert (records[0].question, records[0].category) == ("What is AI?", "ai")
    assert records[0].answer.startswith("Artificial Intelligence is the branch of engineering")
    assert all(r.question and r.answer for r in records)
    assert sum(r.category == "tech_support" for r in records) == 1050


def test_selecting_categories():
    food = load_chatterbot(("food", "sports"))
    assert {r.category for r in food} == {"food", "sports"} and len(food) == 17 + 22
    with pytest.raises(ValueError, match="unknown categories \\['cooking'\\]"):
        load_chatterbot(("cooking",))


def test_a_changed_corpus_is_refused(monkeypatch):
    chatterbot._records.cache_clear()
    monkeypatch.setattr(chatterbot, "_SHA256", "0" * 64)
    try:
        with pytest.raises(DataIntegrityError, match="not version 1.3.3"):
            load_chatterbot()
    finally:
        chatterbot._records.cache_clear()
