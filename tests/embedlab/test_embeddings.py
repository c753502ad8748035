import numpy as np
import pytest

from embedlab import Embeddings, UnknownWordError

WORDS = ["king", "queen", "man", "woman", "apple"]
VECS = np.array(
    [[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.2, 0.1]], dtype=np.float32
)


@pytest.fixture
def toy():
    return Embeddings.from_arrays(WORDS, VECS)


def test_vocabulary_protocol(toy):
    assert len(toy) == 5 and toy.dim == 3
    assert "queen" in toy and "prince" not in toy
    assert toy.index("man") == 2
    np.testing.assert_array_equal(toy["woman"], VECS[3])
    assert "5 words x 3 dims" in repr(toy)


def test_unknown_word_is_a_keyerror_with_suggestions(toy):
    with pytest.raises(KeyError) as info:
        toy["quen"]
    err = info.value
    assert isinstance(err, UnknownWordError)
    assert "'quen' is not in the vocabulary" in str(err)
    assert "Did you mean: queen" in str(err)


def test_unknown_capitalised_word_suggests_lowercase(toy):
    with pytest.raises(UnknownWordError, match="Did you mean: king"):
        toy.index("King")


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="3 words but 2 vectors"):
        Embeddings(["a", "b", "c"], np.zeros((2, 4)))
    with pytest.raises(ValueError, match="2-D"):
        Embeddings(["a"], np.zeros(4))


def test_normalized_and_similarity(toy):
    unit = toy.normalized()
    np.testing.assert_allclose(np.linalg.norm(unit.vectors, axis=1), 1.0, rtol=1e-6)
    assert toy.similarity("king", "queen") == pytest.approx(0.5)


def test_most_similar_excludes_query_words(toy):
    result = toy.most_similar(positive=["king", "woman"], negative=["man"], topn=2)
    words = [w for w, _ in result]
    assert words[0] == "queen"
    assert not {"king", "woman", "man"} & set(words)
    assert toy.most_similar("king", topn=1)[0][0] != "king"


def test_most_similar_3cosmul_and_bad_method(toy):
    assert toy.most_similar(positive=["king", "woman"], negative=["man"], topn=1, method="3cosmul")[0][0] == "queen"
    with pytest.raises(ValueError, match="3cosadd"):
        toy.most_similar("king", method="cosine")
    with pytest.raises(ValueError, match="at least one word"):
        toy.most_similar()


def test_subset_head_and_nearest(toy):
    sub = toy.subset(["woman", "king"])
    assert sub.words == ["woman", "king"]
    np.testing.assert_array_equal(sub.vectors, VECS[[3, 0]])
    assert toy.head(2).words == ["king", "queen"]
    assert toy.nearest(VECS[1], topn=1)[0][0] == "queen"
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        toy.nearest(np.ones(4))
    with pytest.raises(UnknownWordError):
        toy.subset(["king", "prince"])


def test_most_similar_only_b_is_the_nearest_neighbour_of_the_last_positive_word(toy):
    top = toy.most_similar(positive=["king", "woman"], negative=["man"], topn=1, method="only-b")[0][0]
    others = [w for w, _ in toy.most_similar("woman", topn=4) if w not in {"king", "man"}]
    assert top == others[0]


def test_3cosmul_reports_levy_and_goldbergs_ratio(toy):
    (word, value), = toy.most_similar(positive=["king", "woman"], negative=["man"], topn=1, method="3cosmul")
    shifted = lambda a, b: (toy.similarity(a, b) + 1) / 2
    assert value == pytest.approx(shifted(word, "king") * shifted(word, "woman") / (shifted(word, "man") + 1e-6),
                                  rel=1e-5)
