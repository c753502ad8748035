"""Run one exercise's cases through an ``ask`` function and score the answers.

``ask(request) -> reply`` is the only link to the student's code: in the
notebook it calls :func:`autograder.kernel_side.handle` in process; in CI it
sends the request to the sandboxed kernel. Both therefore grade alike.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Callable

import numpy as np

from .judge import ExerciseResult, expected_plain, has_loop, judge_case, score_exercise
from .kernel_side import encode
from .spec import Case, Exercise

__all__ = ["KERNEL_DIED", "TIMEOUT", "Ask", "evaluate"]

Ask = Callable[[dict], dict]
TIMEOUT, KERNEL_DIED = "Timeout", "KernelDied"


def _expected(exercise: Exercise, case: Case):
    """The reference's answer on a copy of the case (what it prints is not the grader's output)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return expected_plain(exercise.reference(*copy.deepcopy(case.args)))


def _values(exercise: Exercise, ask: Ask) -> list[str | None]:
    reply = ask({"kind": "values", "targets": list(exercise.targets)})
    values = reply.get("values")
    if not isinstance(values, list) or len(values) != len(exercise.targets):
        reason = reply.get("error", {}).get("message", "the answer was malformed")
        return [f"could not be read: {reason}"] * len(exercise.targets)
    failures = []
    for name, expected, value in zip(exercise.targets, exercise.reference(), values, strict=True):
        message = judge_case(exercise, Case(), expected_plain(expected), {"value": value})
        failures.append(None if message is None else f"`{name}` {message}")
    return failures


def _calls(exercise: Exercise, rng: np.random.Generator, ask: Ask) -> list[str | None]:
    (target,) = exercise.targets
    failures: list[str | None] = []
    cases = list(exercise.cases(rng))
    for i, case in enumerate(cases):
        expected = None if case.raises else _expected(exercise, case)
        reply = ask({"kind": "call", "target": target, "args": encode(list(case.args))})
        if reply.get("error", {}).get("type") in (TIMEOUT, KERNEL_DIED):
            # a function that hangs (or kills its kernel) once will do it again: the rest fail unasked
            failures.extend([f"`{target}` {reply['error']['message']}"] * (len(cases) - i))
            break
        message = judge_case(exercise, case, expected, reply)
        failures.append(None if message is None else f"`{target}` {message}")
    return failures


def evaluate(exercise: Exercise, rng: np.random.Generator, ask: Ask) -> ExerciseResult:
    """Score ``exercise`` on the cases drawn from ``rng``."""
    if exercise.kind == "values":
        return score_exercise(exercise, _values(exercise, ask))
    failures = _calls(exercise, rng, ask)
    looped = exercise.forbid_loops and has_loop(
        ask({"kind": "source", "target": exercise.targets[0]}).get("source")
    )
    return score_exercise(exercise, failures, looped)
