"""The diagnosis judged across the cases (issue 17, item 3): a near miss's message only when it reproduces
(nearly) all the failing answers, else what differs on the smallest failing input. ``check()`` and the CLI
grader share :func:`autograder.evaluate.evaluate`, so the in-process runs stand for both; the last test checks
the CLI grader itself on its hidden cases. Negative control: under the rule before (the first failing case
that some near miss reproduces), the synthetic tests fail (but the one that keeps a targeted message first)
and the issue's three examples fail on some of their seeds."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from autograder.labs import get_lab
from autograder.spec import Case, Exercise, NearMiss

from agtest_helpers import ROOT, _replace_def, grade_with_cli, judge_in_process

SQUARED = "squared x: double it instead."
TRIPLED = "tripled x: double it instead."
PLUS_ONE = "added one: double it instead."
XS = (3, *range(4, 23))  # 20 cases; the first failing one is x = 3, where 3x == x**2 by coincidence


def _doubling(near_misses: tuple[NearMiss, ...], xs=XS) -> Exercise:
    """``2 * x`` on one-number inputs, with the given near misses (registration order matters)."""
    return Exercise(name="double", points=2, targets=("double",), reference=lambda x: 2.0 * x,
                    cases=lambda rng: [Case((float(x),)) for x in xs], near_misses=near_misses, hint="x + x.")


SQUARE_THEN_TRIPLE = (NearMiss(SQUARED, lambda x: x * x), NearMiss(TRIPLED, lambda x: 3.0 * x))


def test_a_near_miss_matching_one_case_by_coincidence_loses_to_the_one_that_explains_them_all():
    result = judge_in_process(_doubling(SQUARE_THEN_TRIPLE), (lambda x: 3.0 * x,))
    assert TRIPLED in result.feedback and SQUARED not in result.feedback
    assert result.feedback.count("\n") == 0  # a targeted message needs no hint


def test_nearly_all_is_enough_one_stray_case_in_twenty():
    def mostly_tripled(x):
        return 100.0 if x == 10 else 3.0 * x  # 19 of 20 failing answers are 3x

    assert TRIPLED in judge_in_process(_doubling(SQUARE_THEN_TRIPLE), (mostly_tripled,)).feedback


def test_a_near_miss_explaining_fewer_than_nine_in_ten_is_not_named():
    def partly_tripled(x):
        return 100.0 + x if x in (10, 11, 12) else 3.0 * x  # 17 of 20: 85 %

    result = judge_in_process(_doubling(SQUARE_THEN_TRIPLE), (partly_tripled,))
    assert TRIPLED not in result.feedback and SQUARED not in result.feedback
    assert "Hint: x + x." in result.feedback


def test_one_failing_case_is_not_enough_to_name_a_near_miss():
    def wrong_once(x):
        return 9.0 if x == 3 else 2.0 * x  # reproduces both near misses on x = 3, and nothing else fails

    result = judge_in_process(_doubling(SQUARE_THEN_TRIPLE), (wrong_once,))
    assert result.feedback.startswith("19/20 cases pass. returned 9.000, expected 6.000. Failing input: double(3.0)")
    assert SQUARED not in result.feedback and TRIPLED not in result.feedback


def test_when_several_near_misses_qualify_the_one_explaining_more_failures_wins():
    # x + 1 equals 3x only at x = 0.5; both explain >= 90 % of the failures of this answer, 3x explains all
    xs = (0.5, *range(1, 20))
    near = (NearMiss(PLUS_ONE, lambda x: x + 1.0), NearMiss(TRIPLED, lambda x: 3.0 * x))

    def tripled_but_plus_one_at_the_start(x):
        return x + 1.0 if x < 2 else 3.0 * x

    result = judge_in_process(_doubling(near, xs), (tripled_but_plus_one_at_the_start,))
    assert TRIPLED in result.feedback and PLUS_ONE not in result.feedback


def test_without_an_explanation_the_smallest_failing_input_is_shown_with_expected_and_got():
    exercise = Exercise(name="total", points=1, targets=("total",), reference=lambda v: float(np.sum(v)),
                        cases=lambda rng: [Case((np.arange(float(n)),)) for n in (9, 7, 3, 5, 8)], n_cases=5)
    result = judge_in_process(exercise, (lambda v: float(np.sum(v[1:])) + 1.0,))
    assert result.feedback.startswith(
        "0/5 cases pass. returned 4.000, expected 3.000. Failing input: total(np.array([0., 1., 2.]))")


def test_a_message_that_names_the_mistake_comes_before_a_wrong_number():
    exercise = _doubling(())

    def none_sometimes(x):
        return None if x > 20 else 2.5 * x

    assert "did you forget `return`" in judge_in_process(exercise, (none_sometimes,)).feedback


# -- the examples ----------------------------------------------------------------------------

SEEDS = range(20)  # a coincidence shows on some draws only (under the old rule: seeds 11, 14, 19 at d91093c)


def _scores(query, documents):
    return (documents / np.linalg.norm(documents, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))


@pytest.mark.parametrize("seed", SEEDS)
def test_cosine_top_k_that_normalises_but_breaks_ties_the_other_way_is_told_about_ties(seed):
    exercise = get_lab("lab05").exercise("cosine_top_k")
    dot_message, tie_message = (near.message for near in exercise.near_misses[:2])

    def later_first(query, documents, k):  # a stable ascending sort, reversed: the later of tied documents first
        return np.argsort(_scores(query, documents), kind="stable")[::-1][:k]

    result = judge_in_process(exercise, (later_first,), seed)
    assert not result.passed and dot_message not in result.feedback, result.feedback
    assert tie_message in result.feedback, result.feedback


@pytest.mark.parametrize("seed", SEEDS)
def test_recall_with_ranking_to_k_is_never_told_it_looked_one_document_too_far(seed):
    exercise = get_lab("lab05").exercise("recall_at_k")
    too_far = next(near.message for near in exercise.near_misses if "one document too many" in near.message)
    any_hit = next(near for near in exercise.near_misses if "any relevant" in near.message)

    def found(ranking, relevant, k):
        return float(len(set(ranking[:k]) & set(relevant)))  # the count, not divided

    for answer in (found, any_hit.wrong):
        result = judge_in_process(exercise, (answer,), seed)
        assert too_far not in result.feedback, result.feedback
    assert any_hit.message in judge_in_process(exercise, (any_hit.wrong,), seed).feedback


@pytest.mark.parametrize("seed", SEEDS)
def test_knn_with_one_neighbour_too_few_is_not_told_about_ties(seed):
    exercise = get_lab("lab04").exercise("knn_predict")
    tie_message = exercise.near_misses[0].message

    def one_too_few(X, labels, k):
        dist = np.linalg.norm(X[:, None] - X[None], axis=2)
        np.fill_diagonal(dist, np.inf)
        votes = labels[np.argsort(dist, axis=1, kind="stable")[:, :max(k - 1, 1)]]
        return np.array([np.bincount(row).argmax() for row in votes])

    result = judge_in_process(exercise, (one_too_few,), seed)
    assert not result.passed and tie_message not in result.feedback, result.feedback


@pytest.mark.slow  # one lab-5 notebook through the real grader (sandboxed kernel, hidden cases)
def test_the_cli_grader_gives_the_same_diagnosis_on_its_hidden_cases(tmp_path):
    lab = get_lab("lab05")
    dot_message, tie_message = (near.message for near in lab.exercise("cosine_top_k").near_misses[:2])
    notebook = nbformat.read(ROOT / "solutions" / lab.notebook, as_version=4)
    _replace_def(notebook, "cosine_top_k", "documents = np.asarray(documents, dtype=float)\n"
                 "scores = documents @ query / np.linalg.norm(documents, axis=1)\n"
                 "return np.argsort(scores, kind='stable')[::-1][:k]")
    nbformat.write(notebook, tmp_path / "ties_reversed.ipynb")
    ((_, report),) = grade_with_cli({"ties_reversed": tmp_path / "ties_reversed.ipynb"}, tmp_path).values()
    feedback = next(ex["feedback"] for ex in report["exercises"] if ex["name"] == "cosine_top_k")
    assert tie_message in feedback and dot_message not in feedback, feedback
