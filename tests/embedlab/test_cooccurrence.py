"""Co-occurrence counts against a plain double loop, and the probabilities and ratios built on them."""

from collections import Counter

import numpy as np
import pytest

from embedlab.cooccurrence import cooccurrence_counts

SENTENCES = [
    ["ice", "is", "solid", "water"],
    ["steam", "is", "gas", "water"],
    ["ice", "solid", "cold"],
]


def loop_counts(sentences, window):
    """The oracle: every ordered pair of positions at most ``window`` apart in one sentence."""
    found = Counter()
    for sentence in sentences:
        for i, center in enumerate(sentence):
            for j, context in enumerate(sentence):
                if i != j and abs(i - j) <= window:
                    found[center, context] += 1
    return found


@pytest.mark.parametrize("window", [1, 2, 5])
def test_counts_match_a_double_loop_on_random_sentences(window):
    rng = np.random.default_rng(window)
    words = [f"w{i}" for i in range(12)]
    sentences = [list(rng.choice(words, size=rng.integers(1, 15))) for _ in range(40)]
    co = cooccurrence_counts(sentences, window=window)
    expected = loop_counts(sentences, window)
    dense = co.counts.toarray()
    for (center, context), n in expected.items():
        assert dense[co.vocab.index[center], co.vocab.index[context]] == n
    assert dense.sum() == sum(expected.values())


def test_counts_are_symmetric_and_stay_inside_sentences():
    co = cooccurrence_counts(SENTENCES, window=5)
    dense = co.counts.toarray()
    np.testing.assert_array_equal(dense, dense.T)
    assert co.count("ice", ["steam", "gas"]).tolist() == [0, 0]  # other sentences
    assert co.count("ice", ["solid", "water", "is"]).tolist() == [2, 1, 1]


def test_conditional_probabilities_sum_to_one_and_ratios_divide_them():
    co = cooccurrence_counts(SENTENCES, window=5)
    everything = co.vocab.words
    assert co.conditional("water", everything).sum() == pytest.approx(1.0)
    assert co.context_total("ice") == 3 + 2  # 3 neighbours in the first sentence, 2 in the third
    assert co.conditional("ice", ["solid"])[0] == pytest.approx(2 / 5)
    ratio = co.ratio("ice", "steam", ["solid", "gas", "water", "cold"])
    assert ratio[0] == np.inf and ratio[1] == 0  # solid only with ice, gas only with steam
    assert ratio[2] == pytest.approx((1 / 5) / (1 / 3))
    smoothed = co.ratio("ice", "steam", ["solid", "gas"], smoothing=1.0)
    assert np.all(np.isfinite(smoothed)) and smoothed[0] > 1 > smoothed[1]


def test_zero_over_zero_is_nan_without_a_warning():
    co = cooccurrence_counts([["a", "b"], ["c", "d"], ["e"]], window=1)
    with np.errstate(all="raise"):
        assert np.isnan(co.ratio("a", "b", ["c"])[0])


def test_log_ratio_is_the_log_of_the_ratio_and_zero_counts_give_infinities_without_warnings():
    co = cooccurrence_counts(SENTENCES, window=5)
    contexts = ["solid", "gas", "water", "cold"]
    with np.errstate(all="raise"):
        logs = co.log_ratio("ice", "steam", contexts)
    assert logs[0] == np.inf and logs[1] == -np.inf and logs[3] == np.inf
    assert logs[2] == pytest.approx(np.log((1 / 5) / (1 / 3)))
    smoothed = co.log_ratio("ice", "steam", contexts, smoothing=0.5)
    np.testing.assert_allclose(smoothed, np.log(co.ratio("ice", "steam", contexts, smoothing=0.5)))
    assert np.all(np.isfinite(smoothed))


def test_shared_contexts_are_seen_often_enough_near_every_word_in_frequency_order():
    co = cooccurrence_counts(SENTENCES, window=5)
    dense = co.counts.toarray()
    for words, min_count in [(["ice", "steam"], 1), (["ice"], 2), (["is", "water"], 1), (["ice", "solid"], 1)]:
        expected = [
            k
            for k in co.vocab.words
            if k not in words and all(dense[co.vocab.index[w], co.vocab.index[k]] >= min_count for w in words)
        ]
        assert co.shared_contexts(words, min_count) == expected
    assert co.shared_contexts(["ice", "steam"]) == ["is", "water"]  # "ice" and "steam" themselves are left out
    assert co.shared_contexts(["ice"], min_count=2) == ["solid"]
    assert np.all(np.isfinite(co.log_ratio("ice", "steam", co.shared_contexts(["ice", "steam"]))))
    with pytest.raises(ValueError, match="min_count"):
        co.shared_contexts(["ice"], min_count=0)


def test_min_count_drops_rare_words_before_the_windows_and_unknown_words_say_so():
    co = cooccurrence_counts([["a", "rare", "b"], ["a", "b"]], window=1, min_count=2)
    assert co.count("a", ["b"])[0] == 2  # "rare" removed, so a and b become neighbours
    assert co.occurrences("a") == 2
    with pytest.raises(KeyError, match="rare"):
        co.count("rare", ["a"])
    with pytest.raises(ValueError, match="window"):
        cooccurrence_counts(SENTENCES, window=0)
