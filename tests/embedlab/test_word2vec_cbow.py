"""CBOW's step: context means, the loss it lowers and the updates it makes, against plain loops and numbers."""

import numpy as np
import pytest

from embedlab.word2vec import cbow_step, context_means, sgns_loss


@pytest.fixture
def block():
    rng = np.random.default_rng(3)
    tokens = rng.integers(0, 7, size=12)
    windows = rng.integers(1, 4, size=12)
    sentences = np.repeat([0, 1, 2], [5, 1, 6])  # the middle sentence is one word: no context
    negatives = rng.integers(0, 7, size=(12, 3))
    w_in, w_out = rng.normal(0, 0.3, (7, 5)), rng.normal(0, 0.3, (7, 5))
    return tokens, windows, sentences, negatives, w_in, w_out


def _contexts(windows, sentences, i):
    return [j for j in range(len(windows)) if j != i and abs(j - i) <= windows[i] and sentences[j] == sentences[i]]


def test_context_means_match_a_loop(block):
    tokens, windows, sentences, _, w_in, _ = block
    contexts, h = context_means(w_in, tokens, windows, sentences)
    expected = {i: _contexts(windows, sentences, i) for i in range(len(tokens))}
    assert list(contexts.positions) == [i for i, c in expected.items() if c]
    assert 5 not in contexts.positions  # the one-word sentence predicts nothing
    counts = contexts.counts.toarray()
    for row, i in enumerate(contexts.positions):
        np.testing.assert_allclose(h[row], w_in[tokens[expected[i]]].mean(axis=0))
        words, times = np.unique(tokens[expected[i]], return_counts=True)
        assert dict(zip(contexts.rows[counts[row] > 0], counts[row][counts[row] > 0], strict=True)) == dict(
            zip(words, times, strict=True))


def _loss(w_in, w_out, tokens, windows, sentences, negatives):
    contexts, h = context_means(w_in, tokens, windows, sentences)
    return sgns_loss(h, w_out[tokens[contexts.positions]], w_out[negatives[contexts.positions]]).sum()


def test_the_step_moves_w_out_down_the_gradient_and_gives_each_context_word_the_whole_update(
        block, numerical_gradient):
    tokens, windows, sentences, negatives, w_in, w_out = block
    lr = 1e-3
    f = lambda: _loss(w_in, w_out, tokens, windows, sentences, negatives)
    grad_out = numerical_gradient(f, w_out)
    # the gradient with respect to each mean h, and the update word2vec.c gives the context rows
    contexts, h = context_means(w_in, tokens, windows, sentences)
    positions = contexts.positions
    h_var = h.copy()
    grad_h = numerical_gradient(
        lambda: sgns_loss(h_var, w_out[tokens[positions]], w_out[negatives[positions]]).sum(), h_var)
    expected_in = w_in.copy()  # a plain loop: every context word of every prediction gets its whole update
    for row, i in enumerate(positions):
        for j in _contexts(windows, sentences, i):
            expected_in[tokens[j]] -= lr * grad_h[row]
    before = f()
    new_in, new_out = w_in.copy(), w_out.copy()
    loss, predictions = cbow_step(new_in, new_out, tokens, windows, sentences, negatives, lr)
    assert predictions == len(positions) and loss == pytest.approx(before)
    np.testing.assert_allclose(new_out, w_out - lr * grad_out, atol=1e-8)
    np.testing.assert_allclose(new_in, expected_in, atol=1e-8)
    assert _loss(new_in, new_out, tokens, windows, sentences, negatives) < before


def test_a_block_without_context_changes_nothing():
    w_in, w_out = np.ones((3, 2)), np.ones((3, 2))
    assert cbow_step(w_in, w_out, np.array([1]), np.array([2]), None, np.zeros((1, 2), int), 0.1) == (0.0, 0)
    assert (w_in == 1).all() and (w_out == 1).all()


def test_negatives_need_one_row_per_token(block):
    tokens, windows, sentences, negatives, w_in, w_out = block
    with pytest.raises(ValueError, match=r"one row per token, shape \(12, K\)"):
        cbow_step(w_in, w_out, tokens, windows, sentences, negatives[:5], 0.1)
