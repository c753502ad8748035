"""check() in the notebook: verdicts on the public cases (near misses of every lab: test_labs.py)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import check
from autograder.evaluate import draw_cases
from autograder.labs import find_exercise
from autograder.spec import PUBLIC_SEED

from agtest_helpers import ROOT, judge_in_process


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

    exercise = find_exercise("get_embedding")
    result = _evaluate("get_embedding", lookup)
    assert "should raise ValueError for this input; it raised KeyError" in result.feedback
    cases = draw_cases(exercise, np.random.default_rng(PUBLIC_SEED))
    known = sum(case.raises is None for case in cases)
    assert 0 < known < len(cases)
    assert result.score == pytest.approx(exercise.points * known / len(cases))  # partial credit: the known tokens


def test_print_similarity_checks_the_printed_line():
    def quiet(t1, t2, E, labels):
        return cos_sim(E[labels.index(t1)], E[labels.index(t2)])

    assert "should print a line such as `Cosine similarity between" in _evaluate("print_similarity", quiet).feedback


@pytest.mark.parametrize("wording", [
    'print(f"Cosine similarity between \\"{t1}\\" and \\"{t2}\\" = {sim:.2f}")',
    'print(f"cos({t1}, {t2}) = {sim:.3f}")',
    'print(t1, t2, round(sim, 2))',
    'print(f"The similarity of {t1!r} and {t2!r} is {sim:.2f}.")',
])
def test_print_similarity_accepts_reasonable_wordings(wording):
    namespace = {"cos_sim": cos_sim}
    exec("def print_similarity(t1, t2, E, labels):\n"
         "    sim = cos_sim(E[labels.index(t1)], E[labels.index(t2)])\n"
         f"    {wording}\n    return sim", namespace)
    result = _evaluate("print_similarity", namespace["print_similarity"])
    assert result.passed, result.feedback


def test_print_similarity_with_the_wrong_number_says_so():
    def wrong(t1, t2, E, labels):
        sim = cos_sim(E[labels.index(t1)], E[labels.index(t2)])
        print(f"similarity between {t1} and {t2} = {sim + 0.5:.2f}")
        return sim

    assert "printed a line without the similarity" in _evaluate("print_similarity", wrong).feedback


def test_always_equal_objects_do_not_pass():
    class AlwaysEqual(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

    assert _evaluate("cos_sim", lambda u, v: AlwaysEqual(0.0)).score == 0


def test_wrong_number_of_objects_is_explained(capsys):
    check("arrays", np.array([1, 2, 3]))
    assert "expects 4 object(s): u, v, M, M_shape" in capsys.readouterr().out


def test_unknown_exercise_names_the_labs(capsys):
    check("no_such_exercise", cos_sim)
    assert "'no_such_exercise' is in no lab; labs: lab01" in capsys.readouterr().out


def test_check_with_no_objects_names_an_undefined_variable_instead_of_a_name_error(capsys):
    # this module defines none of u, v, M, M_shape: check reads the caller's names
    check("arrays")
    out = capsys.readouterr().out
    assert "❌ arrays: not yet" in out and "`u` is not defined: run the cell that defines it" in out


def test_in_ipython_the_verdict_has_a_plain_text_version(monkeypatch):
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    check("cos_sim", lambda u, v: 0.25)
    ((bundle, raw),) = shown
    assert raw and set(bundle) == {"text/plain", "text/html"}
    text = bundle["text/plain"]
    assert text.startswith("❌ cos_sim: not yet. ") and "IPython.core.display" not in text
    assert "\n   Hint: " in text  # the hint on its own line
    assert "<br>" in bundle["text/html"]


def test_the_exercise_name_is_printed_once(capsys):
    check("cos_sim", lambda u, v: 0.25)
    assert capsys.readouterr().out.count("cos_sim") == 2  # the title and the failing input, no `cos_sim` prefix


def test_a_zero_dimensional_array_for_a_float_is_converted_not_zeroed(capsys):
    check("cos_sim", lambda u, v: np.array(cos_sim(u, v)))
    assert capsys.readouterr().out.startswith("✅ cos_sim: correct")


def test_a_changed_argument_is_named_as_the_cli_names_it(capsys):
    exercise = find_exercise("sgd_step")

    def sgd_step(w_in, w_out, centers, contexts, negatives, lr):
        result = exercise.reference(w_in, w_out, centers, contexts, negatives, lr)
        w_in[...] = result[0]
        return result

    check("sgd_step", sgd_step)
    out = capsys.readouterr().out
    assert "changed its argument `w_in` in place" in out and "number 1" not in out, out


def test_check_names_the_near_miss_that_explains_the_failures_not_a_coincidence(capsys):
    """The issue's lab 4 example through check(): k - 1 neighbours, which the tie-breaking near miss
    reproduces only where k = 2 (one neighbour, or two that tie, vote alike)."""
    exercise = find_exercise("knn_predict")

    def knn_predict(X, labels, k):
        dist = np.linalg.norm(X[:, None] - X[None], axis=2)
        np.fill_diagonal(dist, np.inf)
        votes = labels[np.argsort(dist, axis=1, kind="stable")[:, :max(k - 1, 1)]]
        return np.array([np.bincount(row).argmax() for row in votes])

    check("knn_predict", knn_predict)
    out = capsys.readouterr().out
    assert "knn_predict: not yet" in out and exercise.near_misses[0].message not in out, out
    assert "they differ at" in out or "entries differ" in out, out


def test_a_renamed_parameter_is_named_as_the_student_wrote_it(capsys):
    """check() reads the notebook's code as the grader does, so both cite the student's own name."""
    exercise = find_exercise("sgd_step")
    namespace = {"np": np, "reference": exercise.reference, "check": check}
    cell = ("def sgd_step(W_in, W_out, centers, contexts, negatives, lr):\n"
            "    result = reference(W_in, W_out, centers, contexts, negatives, lr)\n"
            "    W_in[...] = result[0]\n"
            "    return result\n")
    namespace["In"] = ["", cell, "check('sgd_step')"]
    exec(cell, namespace)
    exec("check('sgd_step')", namespace)
    assert "changed its argument `W_in` in place" in capsys.readouterr().out


def test_the_verdicts_quoted_on_the_submitting_page_are_what_check_prints(capsys):
    """book/submitting_labs.md quotes check() on a lab 1 notebook with planted mistakes (the loop
    verdict cites that notebook's cell, so only these two are rerun here)."""
    page = (ROOT / "book" / "submitting_labs.md").read_text(encoding="utf-8")
    check("dot_product", lambda u, v: float(np.matmul(u, v)))
    check("cos_sim", lambda u, v: float(u @ v))  # forgets to divide by the lengths
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and printed[1].startswith("❌ cos_sim: not yet. 0/24 cases pass. returned the plain")
    assert [line for line in printed if line not in page] == []
