"""The supervised sentiment embedding: pooling ignores padding, gradients match numerical ones, training learns."""

import numpy as np
import pytest

from embedlab.supervised import bce_loss, forward, gradients, pad_batch, train_sentiment_embeddings



@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    E, w, b = rng.normal(size=(7, 4)), rng.normal(size=4), 0.3
    ids, mask = pad_batch([[1, 2, 2], [3], [4, 5, 6, 1, 1]])  # repeated ids and padding (id 0)
    return E, w, b, ids, mask, np.array([1, 0, 1])


def test_pad_batch_shapes_and_mask():
    ids, mask = pad_batch([[5, 6], [7]], pad_id=0)
    np.testing.assert_array_equal(ids, [[5, 6], [7, 0]])
    np.testing.assert_array_equal(mask, [[1, 1], [1, 0]])
    with pytest.raises(ValueError, match="at least one token"):
        pad_batch([[1], []])


def test_forward_means_the_real_tokens_only(batch):
    E, w, b, ids, mask, _ = batch
    pooled, p = forward(E, w, b, ids, mask)
    np.testing.assert_allclose(pooled[1], E[3])
    np.testing.assert_allclose(pooled[0], (E[1] + 2 * E[2]) / 3)
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-(pooled @ w + b))))


def test_gradients_match_numerical_gradients(batch, numerical_gradient):
    E, w, b, ids, mask, y = batch
    dE, dw, db = gradients(E, w, b, ids, mask, y)
    loss = lambda: bce_loss(forward(E, w, b, ids, mask)[1], y)
    np.testing.assert_allclose(dE, numerical_gradient(loss, E), atol=1e-7)
    np.testing.assert_allclose(dw, numerical_gradient(loss, w), atol=1e-7)
    b_box = np.array([b])
    db_num = numerical_gradient(lambda: bce_loss(forward(E, w, b_box[0], ids, mask)[1], y), b_box)[0]
    assert db == pytest.approx(db_num, abs=1e-7)
    assert np.all(dE[0] == 0)  # the padding row gets no gradient


def test_training_finds_the_planted_sentiment_words():
    rng = np.random.default_rng(1)
    good, bad, neutral = [1, 2], [3, 4], list(range(5, 20))
    sentences, labels = [], []
    for _ in range(400):
        label = int(rng.integers(0, 2))
        cue = rng.choice(good if label else bad)
        sentences.append([int(cue), *rng.choice(neutral, size=4).tolist()])
        labels.append(label)
    model = train_sentiment_embeddings(sentences, labels, vocab_size=20, dim=4, epochs=5, seed=0)
    assert model.loss_history[-1] < 0.3 * model.loss_history[0]
    scores = model.E @ model.w
    assert min(scores[good]) > max(scores[bad])  # every positive cue scores above every negative one
    assert np.mean((model.predict(sentences) > 0.5) == np.array(labels)) > 0.95


def test_bad_shapes_are_refused(batch):
    E, w, b, ids, mask, _ = batch
    with pytest.raises(ValueError, match="E must be"):
        forward(E, w[:2], b, ids, mask)
    with pytest.raises(ValueError, match="one label"):
        train_sentiment_embeddings([[1]], [2], vocab_size=3)
