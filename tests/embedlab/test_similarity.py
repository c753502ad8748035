import numpy as np
import pytest

from embedlab import cosine_similarity, dot, euclidean_distance, normalize, top_k

rng = np.random.default_rng(0)
A = rng.standard_normal((4, 3))
B = rng.standard_normal((5, 3))


def test_cosine_vector_pair_is_a_float_in_range():
    value = cosine_similarity([1.0, 0.0], [1.0, 1.0])
    assert isinstance(value, float)
    assert value == pytest.approx(1 / np.sqrt(2))


@pytest.mark.parametrize(
    "a, b, shape",
    [(A[0], B, (5,)), (A, B[0], (4,)), (A, B, (4, 5))],
    ids=["vector-matrix", "matrix-vector", "matrix-matrix"],
)
def test_cosine_shapes_match_loop(a, b, shape):
    out = cosine_similarity(a, b)
    assert out.shape == shape
    expected = np.array(
        [[u @ v / np.linalg.norm(u) / np.linalg.norm(v) for v in np.atleast_2d(b)] for u in np.atleast_2d(a)]
    ).reshape(shape)
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_cosine_of_zero_vector_is_zero_not_nan():
    assert cosine_similarity([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]) == 0.0
    out = cosine_similarity(np.zeros((2, 3)), B)
    assert not np.isnan(out).any() and (out == 0).all()


def test_cosine_is_scale_invariant_and_bounded():
    assert cosine_similarity(A[0] * 1e6, A[0]) == pytest.approx(1.0)
    assert cosine_similarity(A[0], -A[0]) == pytest.approx(-1.0)
    assert np.abs(cosine_similarity(A, A)).max() <= 1.0


def test_dimension_mismatch_is_a_clear_value_error():
    with pytest.raises(ValueError, match="dimension mismatch.*3.*4"):
        cosine_similarity(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="dimension mismatch"):
        dot(np.ones((2, 3)), np.ones((2, 4)))


def test_wrong_rank_and_type_are_refused():
    with pytest.raises(ValueError, match=r"shape \(2, 2, 2\)"):
        cosine_similarity(np.ones((2, 2, 2)), np.ones(2))
    with pytest.raises(TypeError, match="numeric"):
        dot(["a", "b"], [1, 2])


def test_dot_matches_numpy():
    assert dot([1, 2, 3], [4, 5, 6]) == 32.0
    np.testing.assert_allclose(dot(A, B), A @ B.T)


def test_euclidean_matches_explicit_difference():
    np.testing.assert_allclose(euclidean_distance(A, B), np.linalg.norm(A[:, None] - B[None], axis=-1))
    np.testing.assert_allclose(euclidean_distance(A[0], B), np.linalg.norm(B - A[0], axis=1))
    assert euclidean_distance([0, 0], [3, 4]) == pytest.approx(5.0)
    assert euclidean_distance(A[1], A[1]) == 0.0  # never sqrt of a tiny negative


def test_normalize_gives_unit_rows_and_keeps_zero_rows():
    x = np.vstack([A, np.zeros(3)])
    n = normalize(x)
    np.testing.assert_allclose(np.linalg.norm(n[:-1], axis=1), 1.0)
    assert (n[-1] == 0).all()


def test_top_k_orders_best_first():
    scores = np.array([0.1, 0.9, -1.0, 0.5, 0.7])
    assert top_k(scores, 3).tolist() == [1, 4, 3]
    assert top_k(scores, 2, largest=False).tolist() == [2, 0]
    assert top_k(scores, 99).tolist() == [1, 4, 3, 0, 2]  # k larger than n: everything, ordered


def test_top_k_rowwise_and_bad_k():
    scores = rng.standard_normal((3, 50))
    np.testing.assert_array_equal(top_k(scores, 5), np.argsort(-scores, axis=1)[:, :5])
    with pytest.raises(ValueError, match="positive integer"):
        top_k(scores, 0)
