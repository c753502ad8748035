"""No loader hands out duplicates, and the chapters' dev/test splits share nothing.

A repeated item inflates a measurement (chapter 6's k-NN accuracy counted ten
tech-support questions a hundred times each) and, split at random, puts the same
text on both sides of a dev/test split. These tests check every data set the
chapters evaluate on; each duplicate check is shown to fail on a planted copy.
"""

from collections import Counter

import pytest

from embedlab.data import (
    load_chatterbot,
    load_definitional_pairs,
    load_gender_specific_words,
    load_lee,
    load_professions,
    load_rotten_tomatoes,
    load_weat_tests,
    load_wikipedia_queries,
    sentiment_tokens,
    split_by_group,
)
from embedlab.data.chatterbot import question_key


def repeated(keys) -> list:
    """The keys that occur more than once."""
    return [key for key, n in Counter(keys).items() if n > 1]


def chatterbot_keys(records):
    return [question_key(r.question) for r in records]


def review_keys(reviews):
    return [tuple(sentiment_tokens(r.text)) for r in reviews]


def query_keys(queries):
    return [" ".join(q.query.casefold().split()) for q in queries]


@pytest.mark.parametrize("load, keys", [
    (load_chatterbot, chatterbot_keys),
    (load_rotten_tomatoes, review_keys),
    (load_wikipedia_queries, query_keys),
    (lambda: list(load_lee().documents), lambda docs: [" ".join(d.split()) for d in docs]),
], ids=["chatterbot questions", "Rotten Tomatoes snippets", "judged Wikipedia queries", "Lee documents"])
def test_no_duplicates_and_the_check_can_fail(load, keys):
    items = load()
    assert repeated(keys(items)) == []
    assert len(repeated(keys(items + items[:1]))) == 1  # negative control: a planted copy is found


def test_chatterbot_answers_are_distinct_per_question():
    assert all(len(set(r.answers)) == len(r.answers) for r in load_chatterbot())


def test_word_lists_do_not_share_words():
    for name, t in load_weat_tests().items():
        lists = {"X": t.x, "Y": t.y, "A": t.a, "B": t.b}
        words = [w for ws in lists.values() for w in ws]
        assert repeated(words) == [], f"{name} uses a word in two of its lists"
    pairs = [w for pair in load_definitional_pairs() for w in pair]
    assert repeated(pairs) == []
    professions, specific = load_professions(), load_gender_specific_words()
    assert repeated(professions) == [] and repeated(specific) == []
    assert set(professions).isdisjoint(specific) and set(professions).isdisjoint(pairs)


def sides(groups, dev) -> tuple[set, set]:
    """The groups in the dev half and those in the test half."""
    return ({g for g, d in zip(groups, dev, strict=True) if d}, {g for g, d in zip(groups, dev, strict=True) if not d})


def test_split_by_group_keeps_each_group_on_one_side():
    groups = ["a", "b", "a", "c", "d", "b", "e", "f"]
    dev, test = sides(groups, split_by_group(groups, seed=3))
    assert dev.isdisjoint(test) and len(dev) == 3 and dev | test == set(groups)
    assert any(sides(groups, split_by_group(groups, seed))[0] != dev for seed in (4, 5, 6))  # the seed matters
    with pytest.raises(ValueError, match="at least two groups"):
        split_by_group(["a", "a"])


def test_the_judged_queries_split_by_article_share_no_article_or_evidence():
    queries = load_wikipedia_queries()
    dev = split_by_group([q.title for q in queries])
    for attribute in ("title", "evidence"):
        in_dev, in_test = sides([getattr(q, attribute) for q in queries], dev)
        assert in_dev.isdisjoint(in_test), attribute
    # negative control: split by query, as chapter 7 once did, one article lands on both sides
    in_dev, in_test = sides([q.title for q in queries], split_by_group([q.id for q in queries]))
    assert in_dev & in_test
