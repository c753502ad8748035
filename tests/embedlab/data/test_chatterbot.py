"""chatterbot-corpus: 748 distinct questions with all their answers, checked against the released files."""

import pytest

from embedlab.data import DataIntegrityError, load_chatterbot
from embedlab.data import chatterbot


def test_records_categories_and_the_first_one():
    records = load_chatterbot()
    assert len(records) == 748
    assert {r.category for r in records} == set(chatterbot.CHATTERBOT_CATEGORIES)
    assert (records[0].question, records[0].category) == ("What is AI?", "ai")
    assert records[0].answers[0].startswith("Artificial Intelligence is the branch of engineering")
    assert all(r.question and r.answers and all(r.answers) for r in records)
    assert sum(r.category == "tech_support" for r in records) == 10


def test_a_repeated_question_is_one_record_with_all_its_answers():
    by_question = {r.question: r for r in load_chatterbot()}
    assert len(by_question["Tell me a joke"].answers) == 30
    assert by_question["My printer is not printing."].answers == (
        "Ensure it's powered on and has paper, then restart it.",)  # 121 identical exchanges in the files
    assert "Will you die" in by_question and "Will you die?" not in by_question  # the same question
    # asked in two files: the category that gives it the most answers
    assert by_question["How are you doing?"].category == "greetings"
    assert len(by_question["How are you doing?"].answers) == 4


def test_merging_keeps_first_spellings_and_answer_order():
    exchanges = [("Hi?", "a", "x"), ("hi", "b", "y"), ("HI !", "b", "y"), ("Other", "c", "x")]
    merged = chatterbot._merge(exchanges)
    assert merged == (chatterbot.QAPair("Hi?", ("a", "b"), "y"), chatterbot.QAPair("Other", ("c",), "x"))


def test_selecting_categories():
    food = load_chatterbot(("food", "sports"))
    assert {r.category for r in food} == {"food", "sports"} and len(food) == 13 + 22
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
