"""Word categories from the analogy questions: each word once, lower-cased, filtered by a vocabulary."""

from embedlab.data import load_word_categories


def test_categories_words_and_vocabulary_filter():
    pairs = load_word_categories()
    words = [w for w, _ in pairs]
    assert len(words) == len(set(words)) and all(w == w.lower() for w in words)
    category = dict(pairs)
    assert (category["athens"], category["greece"], category["texas"], category["sister"]) == (
        "capital", "country", "US state", "family")
    assert category["amazingly"] == "adverb" and category["danced"] == "past tense"
    assert load_word_categories({"athens", "sister", "zzz"}) == [("athens", "capital"), ("sister", "family")]
