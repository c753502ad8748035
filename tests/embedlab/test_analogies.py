import numpy as np
import pytest

from embedlab import Embeddings, evaluate_analogies
from embedlab.data import load_analogy_questions
from embedlab.evaluation import analogies as analogy_module
from embedlab.evaluation import scoring, sweep_analogies

# Four words on a square: b - a + c lands exactly on d.
PLANE = Embeddings(
    ["man", "woman", "king", "queen", "Queen", "apple"],
    np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [0, 1, 1], [0, 1, 1.01], [5, 5, -5]], dtype=np.float32),
)


def test_answers_a_planted_analogy_and_counts_oov():
    result = evaluate_analogies(PLANE, {"royal": [("man", "woman", "king", "queen"), ("man", "woman", "x", "y")]})
    assert (result.correct, result.total, result.oov) == (1, 1, 1)
    assert result.predictions == ["queen"]
    assert result.sections == {"royal": (1, 1)}


def test_question_words_and_their_case_variants_are_never_the_answer():
    # Asking man:king :: woman:? with "queen" as the expected answer; "Queen" is a case
    # variant of the answer and counts as correct, the question words never do.
    result = evaluate_analogies(PLANE, [("man", "king", "woman", "queen")])
    assert result.accuracy == 1.0


def test_restrict_limits_candidates():
    result = evaluate_analogies(PLANE, [("man", "woman", "king", "queen")], restrict=3)
    assert result.total == 0 and result.oov == 1


def test_malformed_question_is_refused():
    with pytest.raises(ValueError, match="4 words"):
        evaluate_analogies(PLANE, [("man", "woman", "king")])


def test_google_set_shape():
    questions = load_analogy_questions()
    assert len(questions) == 14
    assert sum(map(len, questions.values())) == 19544
    assert questions["capital-common-countries"][0] == ("Athens", "Greece", "Baghdad", "Iraq")


def test_glove_google_accuracy_matches_published_protocol(glove):
    result = glove.evaluate_analogies(load_analogy_questions(), restrict=30_000)
    assert result.total + result.oov == 19544
    assert result.accuracy == pytest.approx(0.4969, abs=5e-5)
    assert result.semantic_accuracy == pytest.approx(0.509, abs=1e-3)
    assert result.syntactic_accuracy == pytest.approx(0.489, abs=1e-3)


@pytest.mark.slow
def test_glove_analogies_equal_gensim_on_same_vectors(glove):
    from gensim.models import KeyedVectors
    from gensim.test.utils import datapath

    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words[:30_000], glove.vectors[:30_000])
    score, sections = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=30_000)
    ours = glove.head(30_000).evaluate_analogies(load_analogy_questions())
    assert ours.accuracy == score
    assert ours.correct == len(sections[-1]["correct"])


# -- the engine: one formula per method, shared with most_similar ---------------------------------


# a : b :: c : ? with hand-computed cosines of three candidates x0, x1, x2
COS_A, COS_B, COS_C = np.array([0.9, 0.0, -0.5]), np.array([0.1, 0.8, 0.0]), np.array([0.2, 0.5, 0.9])


def test_3cosadd_is_the_sum_of_cosines_with_signs():
    np.testing.assert_allclose(scoring.score([COS_B, COS_C], [COS_A], "3cosadd"), [-0.6, 1.3, 1.4])


def test_3cosmul_is_levy_and_goldbergs_ratio_of_shifted_cosines():
    expected = (COS_B + 1) / 2 * (COS_C + 1) / 2 / ((COS_A + 1) / 2 + 1e-6)  # [0.3158, 0.675, 1.71]
    log_scores = scoring.score([COS_B, COS_C], [COS_A], "3cosmul")
    np.testing.assert_allclose(scoring.reported(log_scores, "3cosmul"), expected, rtol=1e-9)
    assert np.argmax(expected) == 2


def test_only_b_is_the_nearest_neighbour_of_c_and_unknown_methods_are_refused():
    np.testing.assert_array_equal(scoring.score([COS_B, COS_C], [COS_A], "only-b"), COS_C)
    with pytest.raises(ValueError, match="'3cosadd', '3cosmul', 'only-b'"):
        scoring.score([COS_B], [COS_A], "cosine")


def test_exclude_masks_only_columns_inside_the_block():
    scores = np.zeros((2, 4))
    scoring.exclude(scores, np.array([[0, 5, -1], [3, 3, 2]]))
    assert np.isneginf(scores).tolist() == [[True, False, False, False], [False, False, True, True]]


def _random_table(seed=0, n=300, d=8):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n)]
    return Embeddings(words, rng.standard_normal((n, d)).astype(np.float32)), words, rng


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul", "only-b"])
def test_evaluation_answers_what_most_similar_answers(method):
    emb, words, rng = _random_table()
    questions = [tuple(words[i] for i in rng.choice(len(words), 4, replace=False)) for _ in range(60)]
    result = emb.evaluate_analogies(questions, method=method)
    for (a, b, c, _), predicted in zip(result.questions, result.predictions, strict=True):
        assert emb.most_similar(positive=[b, c], negative=[a], topn=1, method=method)[0][0] == predicted


def test_blocks_and_threads_do_not_change_the_answers(monkeypatch):
    emb, words, rng = _random_table(seed=3)
    questions = {"s": [tuple(words[i] for i in rng.choice(len(words), 4, replace=False)) for _ in range(150)]}
    whole = sweep_analogies(emb, questions, workers=1)
    monkeypatch.setattr(analogy_module, "CANDIDATE_BLOCK", 37)
    monkeypatch.setattr(analogy_module, "QUESTION_BLOCK", 16)
    blocked = sweep_analogies(emb, questions, workers=2)
    assert set(whole) == {"3cosadd", "3cosmul", "only-b", "3cosadd+inputs"}
    for name, result in whole.items():
        assert blocked[name].predictions == result.predictions, name


def test_keeping_the_inputs_lets_an_input_win_and_counts_it():
    # b - a + c lands next to c: with the inputs kept, c itself is the top answer
    emb = Embeddings(["a", "b", "c", "d"], np.array([[1, 0, 0], [1, 0.1, 0], [0, 0, 1], [0, 0.3, 1]]))
    kept = emb.evaluate_analogies([("a", "b", "c", "d")], exclude_inputs=False)
    excluded = emb.evaluate_analogies([("a", "b", "c", "d")])
    assert kept.predictions == ["c"] and kept.input_answers == 1 and kept.accuracy == 0
    assert excluded.predictions == ["d"] and excluded.input_answers == 0 and excluded.accuracy == 1


def test_per_section_accuracy_in_question_set_order():
    result = evaluate_analogies(PLANE, {"royal": [("man", "woman", "king", "queen")],
                                        "gram-x": [("woman", "man", "queen", "apple")]})
    assert list(result.section_accuracy()) == ["royal", "gram-x"]
    assert result.section_accuracy()["royal"] == 1.0
    assert result.semantic_accuracy == 1.0 and result.syntactic_accuracy == result.section_accuracy()["gram-x"]


@pytest.mark.slow
def test_glove_full_vocabulary_sweep(glove):
    results = sweep_analogies(glove, load_analogy_questions())
    assert results["3cosadd"].total == 19544 and results["3cosadd"].oov == 0
    assert results["3cosadd"].accuracy == pytest.approx(0.462, abs=1e-3)
    assert results["3cosmul"].accuracy < results["3cosadd"].accuracy  # on GloVe, 3CosMul does worse
    assert results["only-b"].accuracy < 0.2
    assert results["3cosadd+inputs"].input_answer_rate > 0.4
