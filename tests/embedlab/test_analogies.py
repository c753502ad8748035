import numpy as np
import pytest

from embedlab import Embeddings, evaluate_analogies
from embedlab.data import load_analogy_questions

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
