"""Chapter 7's data: the judged Wikipedia queries (answers really in the indexed passages) and the Lee corpus."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.data import load_lee, load_wikipedia, load_wikipedia_queries
from embedlab.search import bm25_tokenize, wikipedia_passages


def test_the_query_set_has_enough_queries_of_each_kind():
    assert len(load_wikipedia_queries("paraphrase")) >= 40
    assert len(load_wikipedia_queries("keyword")) >= 10
    with pytest.raises(ValueError, match="paraphrase"):
        load_wikipedia_queries("other")


def test_paraphrased_queries_share_no_content_word_with_their_answer():
    for q in load_wikipedia_queries("paraphrase"):
        shared = set(bm25_tokenize([q.query])[0]) & set(bm25_tokenize([f"{q.title} {q.evidence}"])[0])
        assert not shared, (q.id, shared)


@pytest.mark.slow
def test_every_answer_is_in_its_articles_first_four_passages():
    titles = {a.title for a in load_wikipedia()}
    lead: dict[str, str] = {}
    for p in wikipedia_passages(per_article=4):
        lead[p.title] = lead.get(p.title, "") + " " + p.text
    for q in load_wikipedia_queries():
        assert q.title in titles, q.id
        assert " ".join(q.evidence.split()) in lead[q.title], q.id


def test_lee_ratings_are_symmetric_with_known_values():
    lee = load_lee()
    assert len(lee.documents) == 50 and lee.documents[0].startswith("The national executive of the strife-torn")
    np.testing.assert_array_equal(lee.ratings, lee.ratings.T)
    assert lee.ratings[0, 1] == pytest.approx(0.3) and lee.ratings[3, 0] == pytest.approx(0.2)
    rows, cols = lee.pairs()
    assert len(rows) == 1225 and np.all(rows < cols)
