"""check() in the notebook: verdicts on the public cases (near misses of every lab: test_labs.py)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import check
from autograder.labs import find_exercise

from agtest_helpers import judge_in_process


def _evaluate(name: str, *objects):
    return judge_in_process(find_exercise(name), objects)


def cos_sim(u, v):
    return float(np.matmul(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def test_correct_function_passes_with_full_points(capsys):
    check("cos_sim", cos_sim)
    out = capsys.readouterr().out
    assert out.startswith("✅ cos_sim: correct")
    result = _evaluate("cos_sim", cos_sim)
    assert result.passed and result.score == result.max_score == 2


def test_a_one_by_one_array_is_named(capsys):
    check("cos_sim", lambda u, v: np.array([[cos_sim(u, v)]]))
    assert "array of shape (1, 1) instead of a number" in capsys.readouterr().out


def test_a_missing_return_is_named():
    assert "did you forget `return`" in _evaluate("cos_sim", lambda u, v: None).feedback


def test_an_exception_is_reported_not_raised(capsys):
    def todo(u, v):
        raise NotImplementedError("Replace this line with your solution.")

    check("cos_sim", todo)
    assert "raised NotImplementedError" in capsys.readouterr().out


def test_wrong_error_type_for_an_unknown_token():
    def lookup(token, embeddings, labels):
        return embeddings[{w: i for i, w in enumerate(labels)}[token]]

    result = _evaluate("get_embedding", lookup)
    assert "should raise ValueError; it raised KeyError" in result.feedback
    assert result.score == pytest.approx(0.75)  # 3 of 4 cases: partial credit


def test_print_similarity_checks_the_printed_line():
    def quiet(t1, t2, E, labels):
        return cos_sim(E[labels.index(t1)], E[labels.index(t2)])

    assert "should print a line like `Cosine similarity between" in _evaluate("print_similarity", quiet).feedback


def test_always_equal_objects_do_not_pass():
    class AlwaysEqual(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

    assert _evaluate("cos_sim", lambda u, v: AlwaysEqual(0.0)).score == 0


def test_wrong_number_of_objects_is_explained(capsys):
    check("arrays", np.array([1, 2, 3]))
    assert "expects 4 object(s): u, v, M, M_shape" in capsys.readouterr().out


def test_unknown_exercise_names_the_labs():
    with pytest.raises(LookupError, match="no lab"):
        check("no_such_exercise", cos_sim)
