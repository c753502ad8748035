"""word2vec's building blocks: loss, gradients (checked numerically), sampling and pairs."""

import numpy as np
import pytest

from embedlab.word2vec import (
    RowGroups,
    build_vocab,
    context_pairs,
    draw_negatives,
    encode,
    keep_probabilities,
    noise_distribution,
    reduced_windows,
    scatter_add,
    sgd_step,
    sgns_gradients,
    sgns_loss,
    shared_negative_step,
    softmax_gradients,
    softmax_loss,
    window_reach,
)


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    return rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(4, 3, 6))


def test_sgns_gradients_match_numerical_gradients(batch, numerical_gradient):
    center, context, negatives = batch
    analytic = sgns_gradients(center, context, negatives)
    total = lambda: sgns_loss(center, context, negatives).sum()
    for x, grad in zip((center, context, negatives), analytic, strict=True):
        np.testing.assert_allclose(grad, numerical_gradient(total, x), atol=1e-6)


def test_sgns_loss_is_log2_per_word_at_zero():
    zeros = np.zeros((2, 5))
    np.testing.assert_allclose(sgns_loss(zeros, zeros, np.zeros((2, 4, 5))), 5 * np.log(2))


def test_softmax_gradients_match_numerical_gradients(numerical_gradient):
    rng = np.random.default_rng(1)
    center, w_out, contexts = rng.normal(size=(3, 4)), rng.normal(size=(7, 4)), np.array([0, 6, 2])
    d_center, d_w_out = softmax_gradients(center, w_out, contexts)
    total = lambda: softmax_loss(center, w_out, contexts).sum()
    np.testing.assert_allclose(d_center, numerical_gradient(total, center), atol=1e-6)
    np.testing.assert_allclose(d_w_out, numerical_gradient(total, w_out), atol=1e-6)


def test_shared_negative_step_matches_its_loss_numerically(numerical_gradient):
    """The block step's update is -lr times the gradient of the loss it reports."""
    rng = np.random.default_rng(2)
    w_in, w_out = rng.normal(0, 0.3, (9, 4)), rng.normal(0, 0.3, (9, 4))
    tokens = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3])
    sentences, windows = np.repeat([0, 1], 6), rng.integers(1, 3, 12)
    noise = np.array([[1, 5, 7], [2, 3, 8], [0, 4, 6]])

    def loss_at(a, b):
        return shared_negative_step(a.copy(), b.copy(), tokens, sentences, windows, noise, 5, 0.0, None)[0]

    new_in, new_out = w_in.copy(), w_out.copy()
    lr = 1e-3
    shared_negative_step(new_in, new_out, tokens, sentences, windows, noise, 5, lr, hot_row_cap=None)
    for before, after in ((w_in, new_in), (w_out, new_out)):
        numerical = numerical_gradient(lambda: loss_at(w_in, w_out), before)
        np.testing.assert_allclose((before - after) / lr, numerical, atol=1e-5)


def test_shared_negative_step_counts_the_same_pairs_as_context_pairs():
    rng = np.random.default_rng(3)
    tokens, sentences, windows = rng.integers(0, 20, 50), np.repeat(np.arange(5), 10), rng.integers(1, 6, 50)
    w = np.zeros((20, 8), np.float32)
    _, n_pairs = shared_negative_step(w, w.copy(), tokens, sentences, windows, np.zeros((5, 4), int), 5, 0.1)
    assert n_pairs == len(context_pairs(tokens, windows, sentences)[0])


def test_context_pairs_respect_window_and_sentences():
    centers, contexts = context_pairs(np.array([10, 11, 12, 13]), np.array([1, 2, 1, 1]), np.array([0, 0, 0, 1]))
    assert list(zip(centers, contexts, strict=True)) == [(10, 11), (11, 10), (11, 12), (12, 11)]


def test_keep_probabilities_follow_word2vec_formula():
    counts = np.array([9000, 900, 1])
    keep = keep_probabilities(counts, sample=1e-3)
    ratio = 1e-3 * 9901 / counts
    np.testing.assert_allclose(keep, np.minimum(1, np.sqrt(ratio) + ratio))
    assert keep[0] < keep[1] < keep[2] == 1
    np.testing.assert_array_equal(keep_probabilities(counts, sample=0), 1)


def test_noise_distribution_and_draws_are_seeded_and_follow_unigram_075():
    noise = noise_distribution(np.array([16, 1, 0]))
    np.testing.assert_allclose(noise, [8 / 9, 1 / 9, 0])
    draws = draw_negatives(noise, (20000,), np.random.default_rng(4))
    assert np.array_equal(draws, draw_negatives(noise, (20000,), np.random.default_rng(4)))
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / len(draws), noise, atol=0.01)


def test_reduced_windows_cover_one_to_window():
    windows = reduced_windows(5000, 5, np.random.default_rng(5))
    assert set(np.unique(windows)) == {1, 2, 3, 4, 5}


def test_scatter_add_equals_add_at():
    rng = np.random.default_rng(6)
    rows, values = rng.integers(0, 5, 40), rng.normal(size=(40, 3))
    expected, got = np.zeros((5, 3)), np.zeros((5, 3))
    np.add.at(expected, rows, values)
    scatter_add(got, rows, values)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_row_groups_cap_hot_rows_and_scale_by_a_factor():
    rows, values = np.array([0, 0, 0, 0, 2, 0]), np.arange(12.0).reshape(6, 2)
    target = np.ones((3, 2))
    RowGroups(rows, cap=2, factor=-0.5).add_to(target, values)
    hot = values[[0, 1, 2, 3, 5]].mean(axis=0) * 2  # hit 5 times: the mean, counted twice
    np.testing.assert_allclose(target, [1 - 0.5 * hot, [1, 1], 1 - 0.5 * values[4]], rtol=1e-6)


class RecordingLock:
    """A lock that records what the guarded array looked like on entry and on exit."""

    def __init__(self, target):
        self.target, self.seen = target, []

    def __enter__(self):
        self.seen.append(self.target.copy())

    def __exit__(self, *exc):
        self.seen.append(self.target.copy())


def test_row_groups_add_the_updates_while_holding_the_lock():
    """Hogwild threads must not interleave inside ``target[rows] += sums``: the write happens under the lock."""
    target = np.zeros((4, 2))
    lock = RecordingLock(target)
    RowGroups(np.array([1, 3, 1])).add_to(target, np.ones((3, 2)), lock)
    before, after = lock.seen
    np.testing.assert_array_equal(before, 0)  # nothing written before the lock was taken
    np.testing.assert_array_equal(after, [[0, 0], [2, 2], [0, 0], [1, 1]])  # all of it before it was let go
    np.testing.assert_array_equal(target, after)


def test_no_update_of_a_step_escapes_the_lock():
    rng = np.random.default_rng(9)
    w_in, w_out = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    tokens, sentences, windows = rng.integers(0, 6, 40), np.repeat(np.arange(4), 10), rng.integers(1, 4, 40)
    locks = [RecordingLock(w_in), RecordingLock(w_out)]

    class Both:
        def __enter__(self):
            [lock.__enter__() for lock in locks]

        def __exit__(self, *exc):
            [lock.__exit__() for lock in locks]

    start_in, start_out = w_in.copy(), w_out.copy()
    shared_negative_step(w_in, w_out, tokens, sentences, windows, rng.integers(0, 6, (4, 3)), 5, 0.1, 4.0, Both())
    # Between one release and the next acquire nothing changes: every write was made under the lock.
    for lock, start in zip(locks, (start_in, start_out), strict=True):
        states = lock.seen
        np.testing.assert_array_equal(states[0], start)
        for released, acquired in zip(states[1::2], states[2::2], strict=False):
            np.testing.assert_array_equal(released, acquired)
        np.testing.assert_array_equal(states[-1], lock.target)
    assert not np.array_equal(w_in, start_in) and not np.array_equal(w_out, start_out)


def test_window_reach_counts_each_centers_pairs():
    rng = np.random.default_rng(8)
    sentences = np.repeat(np.arange(8), rng.integers(1, 9, 8))
    windows = rng.integers(1, 6, len(sentences))
    left, right = window_reach(sentences, windows)
    centers, _ = context_pairs(np.arange(len(sentences)), windows, sentences)
    np.testing.assert_array_equal(left + right, np.bincount(centers, minlength=len(sentences)))
    assert left[0] == 0 and right[-1] == 0


def test_sgd_step_lowers_the_loss_of_its_batch():
    rng = np.random.default_rng(7)
    w_in, w_out = rng.normal(0, 0.5, (10, 6)), rng.normal(0, 0.5, (10, 6))
    centers, contexts, negatives = rng.integers(0, 10, 8), rng.integers(0, 10, 8), rng.integers(0, 10, (8, 5))
    before = sgd_step(w_in, w_out, centers, contexts, negatives, lr=0.05)
    after = sgns_loss(w_in[centers], w_out[contexts], w_out[negatives]).mean()
    assert after < before


def test_vocab_orders_by_frequency_and_encodes_in_vocabulary_words():
    vocab = build_vocab([["b", "a", "b"], ["c", "b", "a"]], min_count=2)
    assert vocab.words == ["b", "a"] and vocab.counts.tolist() == [3, 2]
    ids, sentence_ids = encode([["b", "a", "c"], ["a"]], vocab)
    assert ids.tolist() == [0, 1, 1] and sentence_ids.tolist() == [0, 0, 1]


@pytest.mark.parametrize(
    "sentences, message", [([], "empty"), ([[]], "empty"), ([["a", "b"]], "min_count=5 leaves no vocabulary")]
)
def test_vocab_errors_are_clear(sentences, message):
    with pytest.raises(ValueError, match=message):
        build_vocab(sentences, min_count=5)
