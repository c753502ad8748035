"""The trainers recover planted structure, are reproducible and fail clearly."""

import numpy as np
import pytest

from embedlab.word2vec import train_softmax_skipgram, train_word2vec

GROUPS, GROUP_SIZE = 4, 8


def planted_corpus(n_sentences=1500, seed=0):
    """Sentences whose words all come from one group: words co-occur only within their group."""
    rng = np.random.default_rng(seed)
    groups = [[f"g{g}w{i}" for i in range(GROUP_SIZE)] for g in range(GROUPS)]
    return [list(rng.choice(groups[rng.integers(GROUPS)], 10)) for _ in range(n_sentences)]


def group_accuracy(emb):
    """Share of words whose nearest neighbour is in the same group."""
    hits = [emb.most_similar(w, topn=1)[0][0].split("w")[0] == w.split("w")[0] for w in emb.words]
    return np.mean(hits)


@pytest.mark.parametrize(("method", "workers"), [
    ("shared", 1), ("shared", 2), ("cbow", 1), ("cbow", 2),
    pytest.param("per_pair", 1, marks=pytest.mark.slow), pytest.param("per_pair", 2, marks=pytest.mark.slow),
])
def test_trained_vectors_recover_the_planted_groups(method, workers):
    result = train_word2vec(
        planted_corpus(), vector_size=16, min_count=1, epochs=3, sample=0, method=method,
        block_size=64, workers=workers, progress=False,
    )
    assert group_accuracy(result.embeddings) == 1.0
    assert result.loss_history[-10:].mean() < 0.7 * result.loss_history[0]


def test_untrained_vectors_do_not_recover_the_groups():
    """The check above can fail: with no training the groups are not found."""
    result = train_word2vec(planted_corpus(), vector_size=16, min_count=1, epochs=1, alpha=1e-9,
                            min_alpha=1e-9, sample=0, workers=1, progress=False)
    assert group_accuracy(result.embeddings) < 0.6


def test_same_seed_same_vectors_with_one_worker():
    kwargs = dict(vector_size=8, min_count=1, epochs=1, workers=1, progress=False, block_size=128)
    a, b = (train_word2vec(planted_corpus(300), seed=3, **kwargs) for _ in range(2))
    c = train_word2vec(planted_corpus(300), seed=4, **kwargs)
    np.testing.assert_array_equal(a.embeddings.vectors, b.embeddings.vectors)
    assert not np.allclose(a.embeddings.vectors, c.embeddings.vectors)


def test_on_epoch_end_sees_every_epoch():
    seen = []
    train_word2vec(planted_corpus(200), vector_size=8, min_count=1, epochs=2, workers=2, progress=False,
                   on_epoch_end=lambda epoch, emb: seen.append((epoch, len(emb))))
    assert seen == [(1, GROUPS * GROUP_SIZE), (2, GROUPS * GROUP_SIZE)]


def test_clear_errors():
    with pytest.raises(ValueError, match="empty"):
        train_word2vec([], progress=False)
    with pytest.raises(ValueError, match="leaves no vocabulary"):
        train_word2vec([["rare", "words"]], min_count=2, progress=False)
    with pytest.raises(ValueError, match="unknown method"):
        train_word2vec(planted_corpus(10), min_count=1, method="hs", progress=False)


@pytest.mark.slow
def test_full_softmax_skipgram_learns_the_groups():
    result = train_softmax_skipgram(planted_corpus(200), vector_size=8, epochs=150)
    assert result.loss_history[-1] < result.loss_history[0] - 0.3
    assert group_accuracy(result.embeddings) == 1.0


@pytest.mark.parametrize("method", ["shared", "cbow"])
def test_a_learning_rate_that_blows_up_stops_with_advice_instead_of_returning_noise(method):
    advice = r"diverged in epoch 1.*alpha=50.*try 0\.025"
    with np.errstate(over="ignore", invalid="ignore"), pytest.raises(FloatingPointError, match=advice):
        train_word2vec(planted_corpus(), vector_size=16, min_count=1, epochs=2, alpha=50.0, min_alpha=50.0,
                       sample=0, method=method, block_size=64, workers=1, progress=False)
