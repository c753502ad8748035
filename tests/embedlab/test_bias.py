"""embedlab.bias against small cases computed by hand, and the shipped word lists."""

from itertools import combinations

import numpy as np
import pytest

from embedlab import bias
from embedlab.data import (
    DataIntegrityError,
    load_definitional_pairs,
    load_gender_specific_words,
    load_professions,
    load_weat_tests,
    word_list_sources,
)
from embedlab.data import word_lists as word_lists_module

# she/he and her/his in 3-d: the first axis is "gender", the others are shared or noise
SHE, HE = np.array([1.0, 1.0, 0.0]), np.array([-1.0, 1.0, 0.0])
HER, HIS = np.array([2.0, 0.0, 1.0]), np.array([0.0, 0.0, 1.0])


def test_mean_direction_is_the_normalised_mean_difference():
    # differences (2, 0, 0) and (2, 0, 0): the direction is the first axis
    np.testing.assert_allclose(bias.pair_direction([SHE, HER], [HE, HIS]), [1, 0, 0])
    with pytest.raises(ValueError, match="cancel out"):
        bias.pair_direction([SHE, HE], [HE, SHE])
    with pytest.raises(ValueError, match="same shape"):
        bias.pair_direction([SHE, HER], [HE])


def test_pca_of_centred_pairs():
    # pairs differing along (1, 1, 0) and (1, -1, 0) by 2 and 1: centred vectors +-(1, 1, 0)/sqrt2*... by hand:
    first = np.array([[1.0, 1.0, 5.0], [0.5, -0.5, 5.0]])
    second = np.array([[-1.0, -1.0, 5.0], [-0.5, 0.5, 5.0]])
    components, ratio = bias.definitional_pca(first, second)
    # centred: +-(1, 1, 0) twice and +-(.5, -.5, 0) twice: variances 2*2 and 2*0.5 -> 0.8, 0.2
    np.testing.assert_allclose(ratio[:2], [0.8, 0.2], atol=1e-12)
    np.testing.assert_allclose(components[0], np.array([1, 1, 0]) / np.sqrt(2), atol=1e-12)  # oriented to first
    np.testing.assert_allclose(bias.pair_direction(first, second, method="pca"), components[0])
    with pytest.raises(ValueError, match="'mean' or 'pca'"):
        bias.pair_direction(first, second, method="svd")


def test_project_and_neutralize():
    g = np.array([2.0, 0.0, 0.0])  # not unit: project normalises it
    words = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0]])
    np.testing.assert_allclose(bias.project(words, g), [3.0, 0.0])
    np.testing.assert_allclose(bias.neutralize(words, g, renormalize=False), [[0, 4, 0], [0, 0, 2]])
    np.testing.assert_allclose(bias.neutralize(words, g), [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_allclose(bias.project(bias.neutralize(words, g), g), 0, atol=1e-12)
    with pytest.raises(ValueError, match="zero vector"):
        bias.project(words, np.zeros(3))


def test_equalize_makes_pairs_symmetric_and_unit():
    g = np.array([1.0, 0.0, 0.0])
    f, m = bias.equalize([[0.9, 0.3, 0.1]], [[-0.2, 0.5, 0.4]], g)
    np.testing.assert_allclose(np.linalg.norm(f), 1) and np.testing.assert_allclose(np.linalg.norm(m), 1)
    np.testing.assert_allclose(f[0, 1:], m[0, 1:])  # the same neutral part
    assert f[0, 0] == pytest.approx(-m[0, 0]) and f[0, 0] > 0
    neutral = np.array([0.0, 0.6, 0.8])
    assert f[0] @ neutral == pytest.approx(m[0] @ neutral)  # a neutral word is as close to both


# -- WEAT, with one-dimensional-ish vectors whose cosines are easy -------------------------------

A = np.array([[1.0, 0.0]])  # attribute "pleasant": the x axis
B = np.array([[0.0, 1.0]])  # attribute "unpleasant": the y axis
X = np.array([[1.0, 0.0], [3.0, 4.0]])  # s = 1 - 0 = 1 and 0.6 - 0.8 = -0.2
Y = np.array([[0.0, 2.0], [4.0, 3.0]])  # s = 0 - 1 = -1 and 0.8 - 0.6 = 0.2


def test_weat_statistic_and_effect_size_by_hand():
    np.testing.assert_allclose(bias.weat_association(X, A, B), [1.0, -0.2])
    assert bias.weat_statistic(X, Y, A, B) == pytest.approx((1 - 0.2) - (-1 + 0.2))  # 1.6
    s = np.array([1.0, -0.2, -1.0, 0.2])
    assert bias.weat_effect_size(X, Y, A, B) == pytest.approx((0.4 - -0.4) / np.std(s, ddof=1))


def test_weat_exact_p_value_enumerates_the_six_partitions():
    result = bias.weat(X, Y, A, B)
    s = [1.0, -0.2, -1.0, 0.2]
    stats = [sum(s[i] for i in xs) - sum(s[i] for i in range(4) if i not in xs) for xs in combinations(range(4), 2)]
    assert result.exact and result.n_permutations == 6
    assert result.p_value == pytest.approx(np.mean(np.array(stats) >= 1.6 - 1e-12))  # 2 of 6: {1, .2} and {1, -.2}
    assert result.p_value == pytest.approx(2 / 6)
    assert result.statistic == pytest.approx(1.6)


def test_weat_sampled_p_value_is_seeded():
    rng = np.random.default_rng(0)
    x, y, a, b = (rng.standard_normal((15, 5)) for _ in range(4))
    first = bias.weat(x, y, a, b, n_permutations=500, seed=1)
    assert not first.exact and first.n_permutations == 500
    assert bias.weat(x, y, a, b, n_permutations=500, seed=1) == first
    assert 0 < first.p_value < 1


# -- the shipped word lists ------------------------------------------------------------------------

def test_word_lists_load_with_their_sources():
    tests = load_weat_tests()
    assert list(tests) == ["flowers_insects", "instruments_weapons", "career_family", "math_arts", "science_arts"]
    assert len(tests["flowers_insects"].x) == 25 and tests["career_family"].x[:2] == ("john", "paul")
    assert load_definitional_pairs()[0] == ("she", "he") and len(load_definitional_pairs()) == 10
    assert "king" in load_gender_specific_words() and "nurse" in load_professions()
    assert not set(load_professions()) & set(load_gender_specific_words())
    assert "Caliskan" in word_list_sources()["caliskan2017"]


def test_a_changed_word_list_file_is_refused(monkeypatch):
    monkeypatch.setattr(word_lists_module, "WORD_LISTS_SHA256", "0" * 64)
    with pytest.raises(DataIntegrityError, match="expected SHA-256.*reinstall"):
        load_weat_tests()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["weat"]["math_arts"]["X"].pop(), "different sizes"),
    (lambda d: d["weat"]["math_arts"]["A"].append("Man"), "single lowercase word"),
    (lambda d: d["weat"]["math_arts"].update(source="nobody2020"), "unknown source"),
])
def test_malformed_lists_are_refused_with_what_is_wrong(monkeypatch, edit, message):
    data = word_lists_module._load()
    edit(data)
    monkeypatch.setattr(word_lists_module, "_load", lambda: data)
    with pytest.raises(DataIntegrityError, match=message):
        load_weat_tests()


def test_glove_weat_effect_sizes_match_caliskan_style_measurements(glove):
    def vectors(words):
        return glove.vectors[glove.indices([w for w in words if w in glove])]

    t = load_weat_tests()["career_family"]
    result = bias.weat(vectors(t.x), vectors(t.y), vectors(t.a), vectors(t.b), n_permutations=2000)
    assert result.effect_size == pytest.approx(1.71, abs=0.01)
    assert result.p_value < 0.01
