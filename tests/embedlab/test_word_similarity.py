import numpy as np
import pytest
from scipy.stats import spearmanr

from embedlab import Embeddings, evaluate_word_pairs
from embedlab.data import load_simlex999, load_wordsim353


def test_spearman_matches_scipy_with_ties_and_skips_unknown_words():
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(20)]
    emb = Embeddings(words, rng.standard_normal((20, 8)))
    pairs = [(words[i], words[(i * 7 + 3) % 20], float(i % 4)) for i in range(20)] + [("w1", "nope", 5.0)]
    result = evaluate_word_pairs(emb, pairs)
    model = [emb.similarity(a, b) for a, b, _ in pairs[:-1]]
    assert result.spearman == pytest.approx(spearmanr(model, [s for *_, s in pairs[:-1]]).statistic)
    assert (result.n_pairs, result.oov) == (20, 1)


def test_too_few_known_pairs_is_a_clear_error():
    emb = Embeddings(["a", "b"], np.eye(2))
    with pytest.raises(ValueError, match="only 1 of 2 pairs"):
        evaluate_word_pairs(emb, [("a", "b", 1.0), ("a", "zzz", 2.0)])


def test_glove_on_wordsim_and_simlex(glove):
    ws = evaluate_word_pairs(glove, load_wordsim353())
    sl = evaluate_word_pairs(glove, load_simlex999())
    assert ws.n_pairs == 353 and sl.n_pairs == 999
    assert ws.spearman == pytest.approx(0.503, abs=2e-3)
    assert sl.spearman == pytest.approx(0.265, abs=2e-3)
