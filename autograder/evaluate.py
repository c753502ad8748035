"""Run one exercise's cases through an ``ask`` function and score the answers.

``ask(request) -> reply`` is the only link to the student's code: in the
notebook it calls :func:`autograder.kernel_side.handle` in process; in CI it
sends the request to the sandboxed kernel. Both therefore grade alike. Every
reply goes through :mod:`autograder.protocol` before it is judged.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import inspect
import io
from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from .diagnosis import call_text, diagnose
from .judge import ExerciseResult, Failure, expected_plain, judge_case, judge_mutation
from .kernel_side import encode
from .definitions import CodeIndex
from .loops import LoopFinding, find_loop
from .protocol import call_outcomes, values_outcome
from .spec import Case, Exercise

__all__ = ["Ask", "draw_cases", "evaluate", "score_exercise"]

Ask = Callable[[dict], Any]


def draw_cases(exercise: Exercise, rng: np.random.Generator) -> list[Case]:
    """Whole draws of ``exercise.cases(rng)`` until there are at least ``exercise.n_cases``."""
    cases: list[Case] = []
    while len(cases) < exercise.n_cases:
        batch = list(exercise.cases(rng))
        if not batch:
            raise ValueError(f"exercise {exercise.name!r}: cases(rng) returned no case.")
        cases += batch
    return cases


def _expected(exercise: Exercise, case: Case) -> Any:
    """The reference's answer on a copy of the case (what it prints is not the grader's output)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return expected_plain(exercise.reference(*copy.deepcopy(case.args)))


def _values(exercise: Exercise, ask: Ask) -> list[Failure | None]:
    values = values_outcome(ask({"kind": "values", "targets": list(exercise.targets)}), len(exercise.targets))
    if isinstance(values, str):
        return [Failure(values, crashed=True)] * len(exercise.targets)
    failures: list[Failure | None] = []
    for name, expected, value in zip(exercise.targets, exercise.reference(), values, strict=True):
        failure = judge_case(exercise, Case(), expected_plain(expected), {"value": value})
        failures.append(failure and dataclasses.replace(failure, message=f"`{name}` {failure.message}"))
    return failures


def _calls(exercise: Exercise, cases: list[Case], ask: Ask, params: list[str]) -> list[Failure | None]:
    (target,) = exercise.targets
    expected = [None if case.raises else _expected(exercise, case) for case in cases]
    reply = ask({"kind": "calls", "target": target, "calls": [encode(list(c.args)) for c in cases],
                 "args_back": exercise.forbid_mutation})
    outcomes = call_outcomes(reply, len(cases), exercise.forbid_mutation)
    failures: list[Failure | None] = []
    for case, exp, outcome in zip(cases, expected, outcomes, strict=True):
        failure = judge_case(exercise, case, exp, outcome)
        if failure is None and exercise.forbid_mutation:
            failure = judge_mutation(case, outcome, params)
        failures.append(failure)
    return failures


def evaluate(exercise: Exercise, rng: np.random.Generator, ask: Ask, code: CodeIndex | None = None,
             broken: Collection[str] = ()) -> ExerciseResult:
    """Score ``exercise`` on the cases drawn from ``rng``.

    ``code``: the submission's code cells, for argument names, helpers and the line a
    loop repeats (whether it loops is measured by running it, :mod:`autograder.loops`);
    ``broken``: functions of other exercises that already failed, named when this
    exercise calls them.
    """
    if exercise.kind == "values":
        return score_exercise(exercise, _values(exercise, ask))
    (target,) = exercise.targets
    cases = draw_cases(exercise, rng)
    failures = _calls(exercise, cases, ask, _param_names(exercise, code))
    passed_some = any(f is None for f in failures)  # no points to halve otherwise
    loop = find_loop(exercise, rng, ask, code) if exercise.forbid_loops and passed_some else None
    helpers = sorted(code.helpers(target) & set(broken)) if code is not None else []
    return score_exercise(exercise, failures, cases, loop, helpers)


def _param_names(exercise: Exercise, code: CodeIndex | None) -> list[str]:
    """The target's parameter names: the submission's own (from its code), else the reference's, which
    the lab's stub repeats; ``check()`` and the grader name a changed argument alike."""
    names = code.params(exercise.targets[0]) if code is not None else []
    if names:
        return names
    try:
        return list(inspect.signature(exercise.reference).parameters)
    except (TypeError, ValueError):  # a builtin without a signature: arguments are named by number
        return []


def score_exercise(exercise: Exercise, failures: list[Failure | None], cases: list[Case] | None = None,
                   loop: LoopFinding | None = None, broken_helpers: Collection[str] = ()) -> ExerciseResult:
    """Points in proportion to the cases passed (halved for a loop); feedback a student can act on:
    the diagnosis across the failing cases (:func:`autograder.diagnosis.diagnose`), the failing input
    when it is small, the hint on its own line only when no targeted message applies."""
    n = len(failures)
    bad = [(i, f) for i, f in enumerate(failures) if f is not None]
    fraction = (n - len(bad)) / n if n else 0.0
    if loop:
        fraction *= 0.5
    score = round(exercise.points * fraction, 4)
    loop_note = f"{loop.message()}: vectorise it with array operations." if loop else ""
    if not bad:
        feedback = f"all {n} cases pass." if not loop else \
            f"values correct; loses half the points for looping over the data: {loop_note}"
        return ExerciseResult(exercise.name, score, float(exercise.points), "passed" if not loop else "failed",
                              feedback)
    index, chosen = diagnose(exercise, failures, cases)
    line = f"{n - len(bad)}/{n} cases pass. {chosen.message}"
    shown = call_text(exercise.targets[0], cases[index]) if cases and exercise.kind == "function" else None
    if shown:
        line += f" Failing input: {shown}"
    if broken_helpers:
        names = ", ".join(f"`{h}`" for h in broken_helpers)
        line += f" It calls {names}, which does not pass its own exercise yet: fix that first."
    if loop:
        line += f" Also loses half the points for looping over the data: {loop_note}"
    lines = [line]
    if not chosen.targeted and exercise.hint and not broken_helpers:
        lines.append(f"Hint: {exercise.hint}")
    status = "error" if all(f.crashed for _, f in bad) else "failed"
    return ExerciseResult(exercise.name, score, float(exercise.points), status, "\n".join(lines))
