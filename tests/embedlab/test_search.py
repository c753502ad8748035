"""embedlab.search: chunking, the per-text encoding cache, dense top-k, BM25 against bm25s, fusion, metrics, store."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from embedlab.search import (
    BM25Index,
    DenseIndex,
    PassageStore,
    bm25_score,
    bm25_tokenize,
    chunk_spans,
    chunk_text,
    cosine_top_k,
    encode,
    evaluate,
    mean_pool,
    rank_titles,
    recall_at_k,
    reciprocal_rank,
    reciprocal_rank_fusion,
    top_k_stable,
    weighted_sum,
)

# -- chunking -----------------------------------------------------------------------------------


def test_spans_overlap_by_exactly_overlap_words_and_cover_the_text():
    spans = chunk_spans(23, size=10, overlap=3)
    assert spans == [(0, 10), (7, 17), (14, 23)]
    assert all(b[0] == a[1] - 3 for a, b in itertools.pairwise(spans))


def test_no_span_is_contained_in_the_previous_one_and_short_texts_give_one_span():
    assert chunk_spans(10, size=10, overlap=3) == [(0, 10)]
    assert chunk_spans(11, size=10, overlap=3) == [(0, 10), (7, 11)]
    assert chunk_spans(0, size=10, overlap=3) == []


def test_word_piece_limit_shortens_spans_and_a_giant_word_stays_alone():
    pieces = [1] * 5 + [50] + [1] * 5
    spans = chunk_spans(11, size=8, overlap=2, pieces=pieces, max_pieces=10)
    for s, e in spans:
        assert sum(pieces[s:e]) <= 10 or e - s == 1
    assert spans[-1][1] == 11


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (5, 5), (5, -1)])
def test_bad_chunk_parameters_are_refused(size, overlap):
    with pytest.raises(ValueError, match="size|overlap"):
        chunk_spans(20, size, overlap)


def test_chunk_text_keeps_titles_and_words():
    text = " ".join(f"w{i}" for i in range(30))
    passages = chunk_text("T", text, size=12, overlap=4)
    assert [p.title for p in passages] == ["T"] * len(passages)
    assert passages[1].text.split()[:4] == passages[0].text.split()[-4:]
    assert passages[-1].text.split()[-1] == "w29"


# -- encoding cache ------------------------------------------------------------------------------


class CountingModel:
    """Stands in for a SentenceTransformer: a deterministic vector per text, and a log of what it encoded."""

    def __init__(self):
        self.seen: list[str] = []
        self.batches: list[list[str]] = []

    def encode(self, texts, batch_size=32, normalize_embeddings=True, **_):
        self.seen += list(texts)
        self.batches.append(list(texts))
        out = np.array([[len(t), sum(map(ord, t)) % 7 + 1, 1.0] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_encode_sends_only_unseen_texts_to_the_model(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))
    model = CountingModel()
    first = encode(["a cat", "a dog"], model=model, model_name="fake")
    assert sorted(model.seen) == ["a cat", "a dog"]
    again = encode(["a dog", "a bird", "a cat", "a bird"], model=model, model_name="fake")
    assert sorted(model.seen) == ["a bird", "a cat", "a dog"]  # only the new passage, once
    np.testing.assert_array_equal(again[[2, 0]], first)
    np.testing.assert_array_equal(again[1], again[3])
    encode(["a cat"], model=model, model_name="another model")
    assert model.seen[-1] == "a cat"  # the cache is keyed by the model too


def test_encode_batches_texts_of_about_one_length_and_answers_in_the_callers_order(tmp_path, monkeypatch):
    """A batch is padded to its longest text: sending the texts shortest first keeps the padding small."""
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    texts = [f"{i:02d} " + " ".join(["word"] * int(n)) for i, n in enumerate(rng.integers(1, 200, 70))]
    model = CountingModel()
    vectors = encode(texts, model=model, model_name="fake", batch_size=32)
    assert [len(b) for b in model.batches] == [32, 32, 6]
    longest = [max(map(len, b)) for b in model.batches]
    shortest = [min(map(len, b)) for b in model.batches]
    assert longest[0] <= shortest[1] and longest[1] <= shortest[2]
    np.testing.assert_array_equal(vectors, CountingModel().encode(texts))  # row i is texts[i]


def test_encode_refuses_an_empty_list():
    with pytest.raises(ValueError, match="non-empty"):
        encode([], model=CountingModel(), model_name="fake")


def test_mean_pool_ignores_padding():
    tokens = np.arange(24, dtype=float).reshape(2, 3, 4)
    mask = np.array([[1, 1, 0], [1, 1, 1]])
    pooled = mean_pool(tokens, mask)
    np.testing.assert_allclose(pooled[0], tokens[0, :2].mean(axis=0))
    np.testing.assert_allclose(pooled[1], tokens[1].mean(axis=0))


# -- dense ---------------------------------------------------------------------------------------


def test_top_k_breaks_ties_by_index_even_at_the_kth_place():
    scores = np.array([[0.5, 0.9, 0.5, 0.5, 0.1, 0.5]])
    for _ in range(5):
        assert top_k_stable(scores, 3).tolist() == [[1, 0, 2]]
    assert top_k_stable(scores, 10).tolist() == [[1, 0, 2, 3, 5, 4]]


def test_top_k_matches_a_full_sort_on_random_scores_with_many_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, size=(20, 50)).astype(float)
    expected = np.array([np.lexsort((np.arange(50), -row))[:7] for row in scores])
    np.testing.assert_array_equal(top_k_stable(scores, 7), expected)


def test_dense_index_normalises_and_agrees_with_cosine_top_k():
    rng = np.random.default_rng(1)
    docs, queries = rng.normal(size=(40, 8)) * rng.uniform(0.1, 10, (40, 1)), rng.normal(size=(3, 8))
    ids, scores = DenseIndex(docs).search(queries, k=5)
    for q, row, row_scores in zip(queries, ids, scores, strict=True):
        best, cos = cosine_top_k(q, docs, 5)
        np.testing.assert_array_equal(row, best)
        np.testing.assert_allclose(row_scores, cos, rtol=1e-5)
        assert np.all(np.diff(row_scores) <= 0)


def test_rank_titles_keeps_each_document_at_its_best_passage():
    scores = np.array([[0.1, 0.9, 0.8, 0.3], [0.5, 0.2, 0.2, 0.7]])
    titles = ["A", "B", "A", "C"]
    assert rank_titles(scores, titles) == [["B", "A", "C"], ["C", "A", "B"]]
    assert rank_titles(scores, titles, depth=1) == [["B"], ["C"]]
    with pytest.raises(ValueError, match="titles"):
        rank_titles(scores, titles[:3])


def test_dense_index_rejects_wrong_dimensions():
    with pytest.raises(ValueError, match="dimensions"):
        DenseIndex(np.ones((3, 4))).search(np.ones(5))


# -- BM25 ----------------------------------------------------------------------------------------

DOCS = ["the cat sat on the mat", "dogs chase cats in the park", "a quick brown fox jumps over the lazy dog",
        "the dog barks at the cat and the cat runs", "stock markets fell sharply on monday",
        "the cat is a small domesticated carnivorous mammal"]


@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (1.2, 0.5), (2.0, 1.0), (0.9, 0.0)])
@pytest.mark.parametrize("query", ["cat", "cat dog", "cat cat mammal", "markets fell", "lazy brown fox"])
def test_the_written_out_formula_agrees_with_bm25s(query, k1, b):
    index = BM25Index(DOCS, k1=k1, b=b)
    docs = bm25_tokenize(DOCS)
    df = {t: sum(t in d for d in docs) for d in docs for t in d}
    avg = sum(map(len, docs)) / len(docs)
    terms = bm25_tokenize([query])[0]
    ours = [bm25_score(terms, d, df, len(docs), avg, k1, b) for d in docs]
    np.testing.assert_allclose(index.scores(query), ours, rtol=1e-5)


def test_bm25_idf_and_saturation_by_hand():
    # one term in a 2-word document of a 4-document collection where 1 document has it, avg length 2
    idf = math.log(1 + (4 - 1 + 0.5) / (1 + 0.5))
    assert bm25_score(["cat"], ["cat", "mat"], {"cat": 1}, 4, 2.0) == pytest.approx(idf * 1 / (1 + 1.5))
    assert bm25_score(["dog"], ["cat", "mat"], {"cat": 1}, 4, 2.0) == 0.0


def test_bm25_search_ranks_keyword_matches_and_unknown_words_score_zero():
    index = BM25Index(DOCS)
    ids, scores = index.search("cat", k=3)
    assert set(ids) <= {0, 3, 5} and scores[0] > 0
    assert not index.scores("zebra giraffe").any()


# -- fusion and evaluation ------------------------------------------------------------------------


def test_reciprocal_rank_fusion_counts_ranks_from_one():
    fused = reciprocal_rank_fusion([[3, 1, 2], [1, 4]], k=60)
    assert fused[1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 61)
    assert next(iter(fused)) == 1


def test_reciprocal_rank_fusion_keeps_a_true_tie_in_order_of_first_appearance():
    """With k = 1, "a" (ranks 11, 2, 11) and "b" (ranks 5, 2) both score exactly 1/2, but float sums in
    ranking order give a 0.49999999999999994 and b 0.5: a float fusion puts b first, an exact one a."""
    filler = [f"f{i}" for i in range(10)]
    rankings = [[*filler, "a"], ["x", "a", "y", "z", "b"], ["c", "b", *filler[:8], "a"]]
    float_sums: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            float_sums[doc] = float_sums.get(doc, 0.0) + 1.0 / (1 + rank)
    assert float_sums["a"] < float_sums["b"]  # the float order, which the fusion must not follow
    fused = reciprocal_rank_fusion(rankings, k=1)
    assert list(fused).index("a") < list(fused).index("b")
    assert fused["a"] == fused["b"] == 0.5


def test_reciprocal_rank_fusion_orders_like_exact_fractions():
    """An independent oracle: the fused order of random small rankings is that of the exact sums
    (fractions.Fraction, ties by first appearance), and each score is the exact one rounded."""
    for seed in range(300):
        rng = np.random.default_rng(seed)
        k = int(rng.integers(1, 5))
        rankings = [rng.permutation(12)[: int(rng.integers(3, 12))].tolist() for _ in range(int(rng.integers(2, 5)))]
        exact: dict[int, Fraction] = {}
        for ranking in rankings:
            for rank, doc in enumerate(ranking, start=1):
                exact[doc] = exact.get(doc, Fraction(0)) + Fraction(1, k + rank)
        fused = reciprocal_rank_fusion(rankings, k)
        assert list(fused) == sorted(exact, key=lambda doc: -exact[doc]), seed
        assert all(abs(fused[doc] - float(exact[doc])) <= 1e-15 for doc in fused), seed


def test_weighted_sum_rescales_each_system_per_query():
    dense, keyword = np.array([[0.2, 0.4, 0.3]]), np.array([[10.0, 0.0, 5.0]])
    np.testing.assert_allclose(weighted_sum(dense, keyword, 0.5), [[0.5, 0.5, 0.5]])
    np.testing.assert_allclose(weighted_sum(dense, keyword, 1.0), [[0.0, 1.0, 0.5]])
    with pytest.raises(ValueError, match="between 0 and 1"):
        weighted_sum(dense, keyword, 1.5)


def test_metrics_by_hand_and_through_ir_measures():
    rankings = {"q1": ["d3", "d1", "d2"], "q2": ["d9", "d8"], "q3": ["d5"]}
    qrels = {"q1": {"d1": 1}, "q2": {"d7": 1}, "q3": ["d5", "d6"]}
    assert recall_at_k(rankings["q1"], {"d1"}, 1) == 0 and recall_at_k(rankings["q1"], {"d1"}, 2) == 1
    assert reciprocal_rank(rankings["q1"], {"d1"}) == 0.5
    assert reciprocal_rank(rankings["q2"], {"d7"}) == 0.0
    scores = evaluate(rankings, qrels)
    assert scores["R@1"] == pytest.approx((0 + 0 + 0.5) / 3)
    assert scores["R@5"] == pytest.approx((1 + 0 + 0.5) / 3)
    assert scores["RR@10"] == pytest.approx((0.5 + 0 + 1) / 3)
    ndcg_q1 = 1 / math.log2(3)
    ndcg_q3 = 1 / (1 + 1 / math.log2(3))
    assert scores["nDCG@10"] == pytest.approx((ndcg_q1 + 0 + ndcg_q3) / 3)


def test_evaluate_keeps_our_order_for_tied_documents_and_counts_unanswered_queries():
    # trec_eval would sort equal scores by document id; positions keep the ranking as given
    assert evaluate({"q": ["b", "a"]}, {"q": ["a"]}, ["RR@10"])["RR@10"] == 0.5
    per = evaluate({"q": ["a"]}, {"q": ["a"], "missing": ["x"]}, ["RR@10"], per_query=True)
    assert per["RR@10"] == {"q": 1.0, "missing": 0.0}


# -- persistent store ------------------------------------------------------------------------------


@pytest.mark.slow
def test_store_reloads_and_filters_by_metadata(tmp_path):
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(30, 16)).astype(np.float32)
    titles = [f"doc{i % 3}" for i in range(30)]
    PassageStore.create(tmp_path, vectors, titles, [f"text {i}" for i in range(30)])
    store = PassageStore.open(tmp_path)
    assert len(store) == 30
    np.testing.assert_allclose(store.vectors(), vectors)
    hits = store.search(vectors[4], k=3)
    assert hits[0].id == 4 and hits[0].score == pytest.approx(1.0, abs=1e-5)
    expected = DenseIndex(vectors).search(vectors[4], k=3)[0][0]
    assert [h.id for h in hits] == expected.tolist()
    filtered = store.search(vectors[4], k=5, where="title = 'doc2'")
    assert len(filtered) == 5 and {h.title for h in filtered} == {"doc2"}


def test_opening_a_missing_store_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="PassageStore.create"):
        PassageStore.open(tmp_path)
