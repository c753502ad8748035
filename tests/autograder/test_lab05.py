"""Lab 5 (semantic search by hand): its specs, what the student is told and allowed, and graded notebooks.

The contract every lab keeps (reference passes, near misses on hidden seeds,
labs/ in sync, full marks / zero) is in test_labs.py; this file checks what is
particular to lab 5: the BM25 reference agrees with bm25s and the int8 and
binary ones with sentence-transformers on the lab's own cases, the int8 cases
floor alike however honest code computes them, the binary search cases need no
tie rule at the cutoff, the grading kernel gets the loader and not
``embedlab.search``, and a notebook with the classic pooling bug loses exactly
that exercise.
"""

from __future__ import annotations

import copy
from fractions import Fraction

import nbformat
import numpy as np
import pytest

from autograder.labs import get_lab
from autograder.labs.lab05 import _ties_are_exact_in_floats
from autograder.spec import PUBLIC_SEED
from embedlab.search import BM25Index, bm25_tokenize

from agtest_helpers import ROOT, _load, _replace_def, grade_with_cli, judge_in_process

LAB = get_lab("lab05")
SOLUTION = ROOT / "solutions" / LAB.notebook


def test_lab05_is_registered_with_its_ten_exercises():
    assert [ex.name for ex in LAB.exercises] == ["mean_pool", "cosine_top_k", "chunk_words", "recall_at_k",
                                                 "mean_reciprocal_rank", "bm25_score", "reciprocal_rank_fusion",
                                                 "quantize_int8", "binary_codes", "binary_top_k"]
    assert _load(SOLUTION).metadata["autograder"] == {"lab": "lab05"}


def test_the_grading_kernel_gets_the_loader_but_no_reference():
    assert "embedlab.data.chatterbot" in LAB.allowed_modules
    assert not any(m.startswith("embedlab.search") for m in LAB.allowed_modules)
    intro = _load(SOLUTION).cells[0].source
    assert "What you may use" in intro and "load_chatterbot" in intro and "embedlab.search" in intro
    assert "chapter 7" in intro.splitlines()[2]


def test_the_bm25_reference_agrees_with_bm25s_on_a_real_collection():
    """The lab's reference (embedlab.search.bm25_score) gives bm25s's scores, with bm25s's k1 and b."""
    docs = ["The cat sat on the mat while the dog slept", "Dogs chase cats in the park every morning",
            "Stock markets fell sharply on Monday", "A cat is a small carnivorous mammal, a cat purrs"]
    reference = LAB.exercise("bm25_score").reference
    terms = bm25_tokenize(docs)
    doc_freq = {t: sum(t in d for d in terms) for d in terms for t in d}
    avg = sum(map(len, terms)) / len(terms)
    for k1, b in [(1.5, 0.75), (1.2, 1.0)]:
        index = BM25Index(docs, k1=k1, b=b)
        for query in ["cat cat mammal", "dogs park markets"]:
            query_terms = bm25_tokenize([query])[0]
            freqs = [doc_freq[t] for t in query_terms]
            ours = [reference(query_terms, d, freqs, len(docs), avg, k1, b) for d in terms]
            np.testing.assert_allclose(index.scores(query), ours, rtol=1e-5)


def test_top_k_cases_hold_exact_cosine_ties():
    ex = LAB.exercise("cosine_top_k")
    for case in ex.cases(np.random.default_rng(PUBLIC_SEED)):
        _, docs, _ = case.args
        unit = docs / np.linalg.norm(docs, axis=1, keepdims=True)
        assert len({tuple(r) for r in unit}) < len(unit)  # a tie that a wrong tie order would reveal


def _int8_cases(seeds=range(10)):
    exercise = LAB.exercise("quantize_int8")
    return [case for seed in seeds for case in exercise.cases(np.random.default_rng(seed))]


@pytest.mark.slow  # seconds: every seed, or sentence-transformers' import, or a timed window
def test_the_int8_reference_agrees_with_sentence_transformers_on_the_lab_cases():
    """An outside oracle: sentence-transformers' quantize_embeddings with the calibration's ranges."""
    quantization = pytest.importorskip("sentence_transformers.util.quantization")
    reference = LAB.exercise("quantize_int8").reference
    for vectors, calibration in (case.args for case in _int8_cases()):
        ranges = np.stack([calibration.min(axis=0), calibration.max(axis=0)])
        theirs = quantization.quantize_embeddings(vectors.astype(np.float32), "int8", ranges=ranges)
        codes, start, step = reference(vectors, calibration)
        assert theirs.dtype == codes.dtype == np.int8
        np.testing.assert_array_equal(codes, theirs)
        np.testing.assert_array_equal(start, ranges[0])
        np.testing.assert_array_equal(step * 255, ranges[1] - ranges[0])


HONEST_POSITIONS = {  # the step a value falls in, as students write it (before np.floor)
    "divide by the step": lambda x, lo, hi: (x - lo) / ((hi - lo) / 255),
    "times 255 over the range": lambda x, lo, hi: (x - lo) * 255 / (hi - lo),
    "share of the range, times 255": lambda x, lo, hi: (x - lo) / (hi - lo) * 255,
    "times the inverse step": lambda x, lo, hi: (x - lo) * (255 / (hi - lo)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_int8_cases_floor_alike_however_the_step_is_computed(dtype):
    """Every number is a multiple of 2**-13: each honest formula, in float32 or float64, gives the reference's
    codes (no value lands a rounding error away from a step's edge)."""
    reference = LAB.exercise("quantize_int8").reference
    for vectors, calibration in (case.args for case in _int8_cases()):
        x, c = vectors.astype(dtype), calibration.astype(dtype)
        lo, hi = c.min(axis=0), c.max(axis=0)
        expected = reference(vectors, calibration)[0]
        for name, position in HONEST_POSITIONS.items():
            codes = np.clip(np.floor(position(x, lo, hi)), 0, 255) - 128
            np.testing.assert_array_equal(codes, expected, err_msg=name)


def test_every_int8_case_has_values_past_both_ends_and_some_have_square_calibration():
    cases = _int8_cases()
    for vectors, calibration in (case.args for case in cases):
        lo, hi = calibration.min(axis=0), calibration.max(axis=0)
        assert np.sum(vectors < lo) >= 2 and np.sum(vectors > hi + (hi - lo) / 255) >= 2  # clipping shows
        assert len(set(zip(lo, hi, strict=True))) > 1  # the dimensions have their own ranges
    assert sum(case.args[1].shape[0] == case.args[1].shape[1] for case in cases) == 2 * len(cases) // 5


def test_the_binary_reference_agrees_with_sentence_transformers_on_the_lab_cases():
    quantization = pytest.importorskip("sentence_transformers.util.quantization")
    exercise = LAB.exercise("binary_codes")
    for seed in range(10):
        for (vectors,) in (case.args for case in exercise.cases(np.random.default_rng(seed))):
            theirs = quantization.quantize_embeddings(vectors, "ubinary")
            np.testing.assert_array_equal(exercise.reference(vectors), theirs)
            assert vectors.shape[1] % 8 and theirs.dtype == np.uint8  # a padded last byte


def _search(query, documents, k, rescore, argsort):
    """The lab's binary search from sign bits (no packing), with ``argsort`` choosing the candidates."""
    distance = ((documents > 0) != (query > 0)).sum(axis=1)
    candidates = argsort(distance)[:k * rescore]
    rows = documents[candidates]
    return candidates[np.argsort(-(rows @ query) / np.linalg.norm(rows, axis=1))[:k]]


@pytest.mark.slow  # seconds: every seed, or sentence-transformers' import, or a timed window
def test_binary_search_cases_need_no_tie_rule_and_honest_code_passes_on_every_seed():
    """The k * rescore-th nearest code is strictly nearer than the next one, so a quicksort, argpartition or a
    stable sort choose the same candidates; the reference's results are not in index order."""
    exercise = LAB.exercise("binary_top_k")
    for case in exercise.cases(np.random.default_rng(PUBLIC_SEED)):
        query, documents, k, rescore = case.args
        distance = np.sort(((documents > 0) != (query > 0)).sum(axis=1))
        assert distance[k * rescore - 1] < distance[k * rescore]
        assert np.any(np.diff(exercise.reference(*case.args)) < 0)
    sorts = {"quicksort": np.argsort, "stable": lambda h: np.argsort(h, kind="stable"),
             "descending negated": lambda h: np.argsort(-h)[::-1]}
    for seed in range(8):
        for name, argsort in sorts.items():
            result = judge_in_process(exercise, (lambda *a, s=argsort: _search(*a, s),), seed)
            assert result.passed, (name, seed, result.feedback)


def _fusion(add, zero):
    """Reciprocal rank fusion as the lab states it, with the arithmetic of ``add`` and ``zero``."""
    def reciprocal_rank_fusion(rankings, k=60):
        scores = {}
        for ranking in rankings:
            for rank, doc in enumerate(ranking, start=1):
                scores[doc] = add(scores.get(doc, zero), k + rank)
        ordered = sorted(scores, key=lambda doc: -scores[doc])
        return ordered, np.array([float(scores[doc]) for doc in ordered])
    return reciprocal_rank_fusion


EXACT_FUSION = _fusion(lambda total, denominator: total + Fraction(1, denominator), Fraction(0))
FLOAT_FUSION = _fusion(lambda total, denominator: total + 1.0 / denominator, 0.0)


def test_fusion_computed_exactly_or_with_floats_gets_full_marks_on_every_seed():
    """Equal scores go to the document seen first (the lab's rule): with fractions.Fraction or with float
    sums, an answer that follows it is right on every seed (the cases hold only ties that float sums keep)."""
    exercise = LAB.exercise("reciprocal_rank_fusion")
    for seed in range(50):
        for fusion in (EXACT_FUSION, FLOAT_FUSION):
            result = judge_in_process(exercise, (fusion,), seed)
            assert result.passed, (seed, result.feedback)


def test_fusion_cases_hold_a_tie_that_the_order_of_first_appearance_decides():
    exercise = LAB.exercise("reciprocal_rank_fusion")
    for case in exercise.cases(np.random.default_rng(PUBLIC_SEED)):
        documents, scores = exercise.reference(*case.args)
        tied = [i for i in range(len(scores) - 1) if scores[i] == scores[i + 1]]
        assert any(documents[i] > documents[i + 1] for i in tied), case.args  # not alphabetical either


def test_a_tie_that_float_sums_break_is_never_drawn():
    """With k = 1, ranks (11, 2, 11) and (5, 2) both give 1/2, but not in floats: such rankings are redrawn."""
    filler = [f"f{i}" for i in range(10)]
    fragile = [[*filler, "a"], ["x", "a", "y", "z", "b"], ["c", "b", *filler[:8], "a"]]
    assert not _ties_are_exact_in_floats(fragile, 1)
    assert _ties_are_exact_in_floats([["a", "b"], ["b", "a"]], 1)  # a swap: the same two terms


# -- graded notebooks ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pooling_bug_report(tmp_path_factory):
    """The solution with the padding averaged in (mask ignored), graded by the CLI."""
    folder = tmp_path_factory.mktemp("lab05")
    buggy = copy.deepcopy(_load(SOLUTION))
    _replace_def(buggy, "mean_pool", "return np.asarray(token_vectors).mean(axis=1)")
    nbformat.write(buggy, folder / "pooling_bug.ipynb")
    return grade_with_cli({"pooling_bug": folder / "pooling_bug.ipynb"}, folder)["pooling_bug"]


@pytest.mark.slow
@pytest.mark.notebooks
def test_the_pooling_bug_costs_mean_pool_with_its_message_through_the_sandbox(pooling_bug_report):
    code, report = pooling_bug_report
    assert code == 0
    assert report["score"] == LAB.max_score - LAB.exercise("mean_pool").points
    feedback = {ex["name"]: ex["feedback"] for ex in report["exercises"]}
    assert "averaged over every position, padding included" in feedback["mean_pool"]
