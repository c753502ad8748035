"""Quantised search: the codes match sentence-transformers', Hamming distances a loop, and recall behaves."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.search import DenseIndex, QuantizedIndex, quantize_binary, quantize_int8, recall_against_exact
from embedlab.search.quantized import hamming


@pytest.fixture(scope="module")
def clustered():
    """Unit vectors around 40 centres (like topics), and queries near some of them."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(40, 64))
    docs = centres[rng.integers(40, size=2000)] + rng.normal(0, 0.8, (2000, 64))
    queries = centres[rng.integers(40, size=60)] + rng.normal(0, 0.8, (60, 64))
    return docs, queries


@pytest.mark.slow  # seconds: every seed, or sentence-transformers' import, or a timed window
def test_int8_and_binary_codes_match_sentence_transformers(clustered):
    quantization = pytest.importorskip("sentence_transformers.quantization")
    docs, _ = clustered
    ours = quantize_int8(docs)
    ranges = np.stack([docs.min(axis=0), docs.max(axis=0)])
    theirs = quantization.quantize_embeddings(docs.astype(np.float32), "int8", ranges=ranges)
    assert (ours.codes.astype(int) - theirs.astype(int)).__abs__().max() <= 1  # float32 floor at a step's edge
    assert (ours.codes == theirs).mean() > 0.999
    np.testing.assert_array_equal(quantize_binary(docs), quantization.quantize_embeddings(docs, "ubinary"))


def test_decoded_int8_is_within_half_a_step(clustered):
    docs, _ = clustered
    codes = quantize_int8(docs)
    assert np.all(np.abs(codes.decode() - docs) <= codes.step * 0.5001)  # float32 rounding at the top step


def test_hamming_counts_the_differing_bits():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 20)), rng.normal(size=(7, 20))
    expected = [[int(np.sum((x > 0) != (y > 0))) for y in b] for x in a]
    np.testing.assert_array_equal(hamming(quantize_binary(a), quantize_binary(b), chunk=2), expected)


def test_recall_and_memory_of_each_code(clustered):
    docs, queries = clustered
    exact, _ = DenseIndex(docs).search(queries, 10)
    recall = {}
    for kind in ("int8", "binary", "binary+rescore"):
        index = QuantizedIndex(docs, kind)
        found, scores = index.search(queries, 10)
        assert found.shape == (60, 10) and np.all(np.diff(scores, axis=1) <= 1e-6)  # best first
        recall[kind] = recall_against_exact(found, exact)
    assert recall["int8"] > 0.9
    assert recall["binary"] < recall["binary+rescore"] <= recall["int8"] + 0.02
    assert QuantizedIndex(docs, "int8").memory_bytes == 2000 * 64
    assert QuantizedIndex(docs, "binary").memory_bytes == 2000 * 8
    # a check that can fail: random results recall almost nothing
    random = np.random.default_rng(2).integers(0, 2000, size=(60, 10))
    assert recall_against_exact(random, exact) < 0.05


def test_bad_input_is_named(clustered):
    docs, _ = clustered
    with pytest.raises(ValueError, match="unknown kind 'int4'"):
        QuantizedIndex(docs, "int4")
    with pytest.raises(ValueError, match="rescore must be a positive integer"):
        QuantizedIndex(docs, rescore=0)
    with pytest.raises(ValueError, match="queries have 3 dimensions, the index 64"):
        QuantizedIndex(docs).search(np.ones(3))
    with pytest.raises(ValueError, match=r"non-empty \(n, d\) matrix"):
        quantize_int8(np.ones(5))
