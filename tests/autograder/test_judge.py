"""The grader-side judge: plain data only, strict about types and shapes, never crashed by a reply,
and messages that say what differs (issue 8, classes 1 and 9)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograder.judge import judge_case
from autograder.plain import equal, expected_plain, to_plain
from autograder.kernel_side import encode
from autograder.labs import get_lab
from autograder.protocol import (MAX_DEPTH, MAX_NODES, TOO_LARGE_INT, BadReply, bounded, call_outcomes, error_outcome,
                                 parse_reply, values_outcome)
from autograder.spec import Case

from agtest_helpers import judge_in_process

COS_SIM = get_lab("lab01").exercise("cos_sim")


def roundtrip(value):
    return to_plain(parse_reply(json.dumps(encode(value))))


def test_arrays_and_numbers_survive_the_roundtrip():
    arr = roundtrip(np.arange(6.0).reshape(2, 3))
    assert isinstance(arr, np.ndarray) and arr.shape == (2, 3)
    assert roundtrip(np.float32(0.5)) == 0.5 and isinstance(roundtrip(np.float32(0.5)), float)
    assert roundtrip(["a", "b"]) == ["a", "b"]


def test_objects_become_opaque_and_never_equal():
    class Sneaky:
        def __eq__(self, other):
            return True

    class EqList(list):
        def __eq__(self, other):
            return True

    for value in (Sneaky(), EqList(), np.array([object()], dtype=object)):
        assert not equal(0.5, roundtrip(value), 1e-5, 1e-6)
        assert not equal(["a"], roundtrip(value), 1e-5, 1e-6)


def test_float_needs_a_number_not_an_array_and_not_nan():
    assert not equal(0.5, roundtrip(np.array([[0.5]])), 1e-5, 1e-6)
    assert not equal(0.5, roundtrip(float("nan")), 1e-5, 1e-6)
    assert equal(0.5, roundtrip(0.5 + 1e-9), 1e-5, 1e-6)


def test_arrays_must_match_in_shape():
    assert not equal(np.zeros(3), roundtrip(np.zeros((1, 3))), 1e-5, 1e-6)
    assert not equal(np.zeros(3), roundtrip([0.0, 0.0, 0.0]), 1e-5, 1e-6)


# -- class 1: replies that used to crash the judge ---------------------------------------------------

def _judge_value(value, expected=0.5):
    """Judge a raw (already decoded JSON) value as cos_sim's answer, as the grader does."""
    (outcome,) = call_outcomes({"results": [{"value": value, "stdout": ""}]}, 1)
    return judge_case(COS_SIM, Case((np.ones(2), np.ones(2))), expected, outcome)


@pytest.mark.parametrize("value", [
    2**70, -(2**80), 2**200, float("inf"), float("-inf"), float("nan"), 1e308 * 10,
    {"__ndarray__": [[1, 2], [3]], "shape": [2, 2]},             # ragged
    {"__ndarray__": [1, 2], "shape": [10**30]},                   # absurd shape
    {"__ndarray__": [1, 2], "shape": "2"},                        # shape of the wrong type
    {"__ndarray__": [2**70, 1], "shape": [2]},                    # huge ints inside an array
    {"__ndarray__": [["a", 1]], "shape": [1, 2]},                 # mixed
    {"__object__": "x" * 10_000},                                 # a long class name
    {"unexpected": "keys"}, [], [[[]]], "0.5", True, None,
])
def test_odd_values_are_judged_wrong_with_a_message_never_an_exception(value):
    failure = judge_case(COS_SIM, Case((np.ones(2), np.ones(2))), 0.5,
                         call_outcomes({"results": [{"value": value, "stdout": ""}]}, 1)[0])
    assert failure is not None and failure.message
    assert len(failure.message) < 400 and "\n" not in failure.message


def test_a_huge_int_in_an_int_list_is_judged_wrong():
    failure = judge_case(COS_SIM, Case(), [1, 2], call_outcomes({"results": [{"value": [1, 2**70]}]}, 1)[0])
    assert failure is not None and "integer too large" in failure.message


def test_nesting_50000_deep_is_refused_without_recursion_error():
    deep = "[" * 50_000 + "]" * 50_000
    with pytest.raises(BadReply, match="nested"):
        parse_reply(deep)
    nested: list = []
    for _ in range(MAX_DEPTH + 5):
        nested = [nested]
    outcomes = call_outcomes({"results": [{"value": nested}]}, 1)
    assert outcomes[0]["error"]["type"] == "NoResult" and "nested" in outcomes[0]["error"]["message"]


def test_the_items_of_a_flat_array_count_towards_the_size_limit():
    """Plain items (floats, booleans, None, ints and short strings) are counted where they sit, not queued
    one by one: the limit still holds."""
    assert bounded([0.5] * (MAX_NODES - 1)) == [0.5] * (MAX_NODES - 1)  # with the list itself: MAX_NODES
    for leaf in (0.5, True, None, 3, "x"):
        with pytest.raises(BadReply, match="items"):
            bounded([leaf] * MAX_NODES)


def test_a_float_one_level_too_deep_is_refused_like_any_other_item():
    def nest(value, levels):
        for _ in range(levels):
            value = [value]
        return value
    for leaf in (0.5, 3, "x"):
        assert bounded(nest(leaf, MAX_DEPTH)) == nest(leaf, MAX_DEPTH)
        with pytest.raises(BadReply, match="nested"):
            bounded(nest(leaf, MAX_DEPTH + 1))


def test_long_strings_and_huge_ints_among_floats_are_still_cut():
    assert bounded([0.5, "x" * 30_000, 2**70, np.float64(0.25)]) == [0.5, "x" * 20_000, TOO_LARGE_INT, 0.25]


@pytest.mark.parametrize("reply", [
    None, 42, "text", [], {"results": "no"}, {"results": [1, 2, 3]}, {"results": [None]},
    {"results": [{"stdout": 5}]}, {"error": "a string, not an object"}, {"error": {"type": ["x"], "message": 7}},
    {"results": [{"error": None}]}, {1: 2}, {"results": [{"value": 1, "args_after": {"__ndarray__": "x"}}]},
])
def test_replies_of_the_wrong_shape_become_failures(reply):
    outcomes = call_outcomes(reply, 1, args_back=True)
    assert len(outcomes) == 1
    failure = judge_case(COS_SIM, Case((np.ones(2), np.ones(2))), 0.5, outcomes[0])
    assert failure is not None and "\n" not in failure.message
    assert isinstance(values_outcome(reply, 2), str)


def test_oversized_or_invalid_json_text_is_refused():
    with pytest.raises(BadReply, match="characters"):
        parse_reply("[" + "1," * 3_000_000 + "1]")
    with pytest.raises(BadReply, match="not valid JSON"):
        parse_reply('{"results": [')


def test_exception_names_and_messages_are_cleaned():
    raw = {"results": [{"error": {"type": "X" * 60_000 + "\nscore: 12/12", "message": "a\n::error::pwned\r\x1b[2J"}}]}
    error = call_outcomes(raw, 1)[0]["error"]
    assert len(error["type"]) <= 60 and "\n" not in error["type"]
    assert "\n" not in error["message"] and "\r" not in error["message"] and "\x1b" not in error["message"]
    assert "::error" not in error["message"]


# -- class 9: messages a student can act on --------------------------------------------------------

def test_numbers_are_shown_with_enough_digits_to_differ():
    failure = _judge_value(-0.45712, expected=-0.45701)
    assert failure.message == "returned -0.4571, expected -0.4570."
    assert _judge_value(0.70710, expected=0.70712).message == "returned 0.70710, expected 0.70712."


def test_lists_of_equal_length_say_which_item_differs():
    ex = get_lab("lab01").exercise("most_similar")
    expected = expected_plain(["cat", "dog", "car"])
    failure = judge_case(ex, Case(), expected, {"value": ["cat", "bus", "car"], "stdout": ""})
    assert failure.message == "item 2 of the list is 'bus', expected 'dog'."
    failure = judge_case(ex, Case(), expected, {"value": ["cat"], "stdout": ""})
    assert "a list of 1 items, expected 3 items" in failure.message


def test_one_stacked_array_instead_of_a_tuple_is_named():
    ex = get_lab("lab02").exercise("context_pairs")

    def stacked(ids, window, sentence_ids):
        return np.stack(ex.reference(ids, window, sentence_ids))

    result = judge_in_process(ex, (stacked,))
    assert "returned one array of shape (2," in result.feedback
    assert "return them as a tuple" in result.feedback and "(the values inside are right)" in result.feedback
    assert "Hint:" not in result.feedback  # a targeted message needs no hint


def test_the_failing_input_is_shown_and_the_hint_has_its_own_line():
    result = judge_in_process(COS_SIM, (lambda u, v: 0.25,))
    first, hint = result.feedback.split("\n")
    assert "Failing input: cos_sim(np.array([" in first
    assert hint.startswith("Hint: ") and "cos_sim" not in first.split("cases pass.")[0]
    assert not result.feedback.startswith("`cos_sim`")  # the name is the title's, not repeated


def test_a_bug_in_a_helper_is_named_as_the_helper():
    def helper(u, v):
        raise ValueError("shapes do not match")

    def cos_sim(u, v):
        return helper(u, v)

    result = judge_in_process(COS_SIM, (cos_sim,))
    assert "raised ValueError in your helper `helper`: shapes do not match" in result.feedback
    assert result.status == "error"


def test_mutating_arguments_fails_where_the_lab_forbids_it():
    ex = get_lab("lab02").exercise("sgd_step")
    assert ex.forbid_mutation

    def in_place(w_in, w_out, centers, contexts, negatives, lr):
        result = ex.reference(w_in, w_out, centers, contexts, negatives, lr)
        w_in[...] = result[0]
        return result

    result = judge_in_process(ex, (in_place,))
    assert result.score == 0 and "changed its argument `w_in` in place" in result.feedback, result.feedback
    assert judge_in_process(ex, (ex.reference,)).passed


def test_no_answer_is_named_even_where_an_exception_was_expected():
    ex = get_lab("lab01").exercise("get_embedding")
    outcome = error_outcome("NoResult", "gave an answer nested too deeply.")
    failure = judge_case(ex, Case(("x",), raises="ValueError"), None, outcome)
    assert failure.message == "gave an answer nested too deeply." and failure.crashed


def test_a_canonical_form_is_applied_to_both_sides_and_never_raises():
    from autograder.spec import Exercise

    exercise = Exercise(name="direction", points=1, targets=("direction",), reference=lambda: np.array([1.0, -2.0]),
                        canonical=lambda v: v * np.sign(v[np.abs(v).argmax()]))
    expected = expected_plain(np.array([1.0, -2.0]))
    assert judge_case(exercise, Case(), expected, {"value": encode(np.array([-1.0, 2.0]))}) is None
    assert judge_case(exercise, Case(), expected, {"value": encode(np.array([1.0, 2.0]))}) is not None
    # a value the mapping cannot take is compared as it is (and judged wrong), not a crash
    assert judge_case(exercise, Case(), expected, {"value": encode("a string")}) is not None


# -- issue 17: answers a student could reasonably give, messages that say what really differs ---------------

def test_a_zero_dimensional_array_or_a_numpy_scalar_is_a_number():
    for value, number in ((np.array(0.5), 0.5), (np.float32(0.5), 0.5), (np.array(3), 3), (np.int64(3), 3)):
        plain = roundtrip(value)
        assert plain == number and type(plain) is type(number), (value, plain)
    assert _judge_value(encode(np.array(0.5))) is None
    assert _judge_value(encode(np.array([0.5]))) is not None  # a 1-element array is still not a number


def test_a_wrong_array_inside_a_tuple_with_a_number_says_what_differs():
    ex = get_lab("lab02").exercise("sgd_step")

    def one_row_off(*args):
        w_in, w_out, loss = ex.reference(*args)
        w_in[0] += 0.5
        return w_in, w_out, loss

    result = judge_in_process(ex, (one_row_off,))
    assert "value 1 of the 3 it returned is wrong: wrong values (largest difference 0.5" in result.feedback, \
        result.feedback
    assert "expected an array of shape" not in result.feedback


def _project_exercise():
    return get_lab("lab04").exercise("project_onto")


def _unit(a):
    return a / np.linalg.norm(a)


def test_two_columns_returned_as_a_tuple_are_told_to_stack_them_as_columns():
    def as_tuple(X, u, v):
        return X @ _unit(u), X @ _unit(v)

    result = judge_in_process(_project_exercise(), (as_tuple,))
    assert "np.stack([...], axis=1)" in result.feedback and "the values inside are right" in result.feedback, \
        result.feedback
    assert "wrap it with np.array" not in result.feedback


def test_a_list_of_the_right_shape_is_told_to_wrap_it():
    def as_list(X, u, v):
        return np.stack([X @ _unit(u), X @ _unit(v)], axis=1).tolist()

    result = judge_in_process(_project_exercise(), (as_list,))
    assert "wrap it with np.array(...)" in result.feedback and "the values inside are right" in result.feedback


def test_index_answers_say_which_positions_differ_not_a_numeric_difference():
    ex = get_lab("lab05").exercise("cosine_top_k")
    expected = expected_plain(np.array([4, 0, 7]))
    failure = judge_case(ex, Case(), expected, {"value": encode(np.array([4, 7, 0]))})
    assert failure.message == "returned [4, 7, 0], expected [4, 0, 7]: they differ at indices 1 and 2."
    failure = judge_case(ex, Case(), expected, {"value": encode(np.array([0.97, 0.5, 0.1]))})
    assert "largest difference" not in failure.message and "whole numbers" in failure.message


def test_long_index_answers_name_the_first_differing_position():
    ex = get_lab("lab05").exercise("cosine_top_k")
    got = np.arange(40)
    got[[7, 30]] = got[[30, 7]]
    failure = judge_case(ex, Case(), expected_plain(np.arange(40)), {"value": encode(got)})
    assert failure.message == "2 of 40 entries differ; the first at index 7: 30, expected 7."


def test_numpy_strings_and_numbers_in_the_failing_input_are_shown_plain():
    from autograder.diagnosis import call_text

    text = call_text("bm25_score", Case(([np.str_("city"), "cat"], np.float64(1.5), np.int64(3))))
    assert text == "bm25_score(['city', 'cat'], 1.5, 3)"


def test_strings_where_numbers_are_expected_say_so():
    expected = expected_plain(np.array([1.0, 2.0]))
    failure = judge_case(COS_SIM, Case(), expected, {"value": encode(np.array(["a", "b"]))})
    assert failure.message == "returned an array of strings, expected an array of numbers (shape (2,))."


def test_small_float_arrays_are_shown_whole():
    expected = expected_plain(np.array([0.5, 0.25]))
    failure = judge_case(COS_SIM, Case(), expected, {"value": encode(np.array([0.5, 0.3]))})
    assert failure.message == "returned [0.5, 0.3], expected [0.5, 0.25] (largest difference 0.05)."


@pytest.mark.parametrize("value", [
    ["1.5", "2"], [None, None], [[1.0, 2.0], [3.0]], [{"__object__": "x"}], [[0.5] * 3] * 2, [True, 2.0],
    [2**70, 1.0], [[[]]],
])
def test_odd_lists_where_an_array_is_expected_get_a_message_never_an_exception(value):
    expected = expected_plain(np.zeros((3, 2)))
    failure = judge_case(COS_SIM, Case(), expected, call_outcomes({"results": [{"value": value}]}, 1)[0])
    assert failure is not None and failure.message and "values inside are right" not in failure.message


def test_strings_that_look_like_numbers_are_not_the_right_values():
    failure = judge_case(COS_SIM, Case(), expected_plain(np.zeros(2)), {"value": ["0", "0"]})
    assert "values inside are right" not in failure.message and "wrap it" not in failure.message, failure.message
