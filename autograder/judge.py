"""Judge one case: a student's outcome against the reference's answer, in the grader's own process.

The outcome arrives validated (:mod:`autograder.protocol`); its value is made
plain (:mod:`autograder.plain`) and put in the exercise's canonical form before
it is compared, so no object from the submission decides whether it is equal
to anything. Every value that is not a finite number of a sane size (NaN, inf,
an integer of 70 bits, a ragged array) is judged wrong with a message
(:mod:`autograder.messages`), never an exception. A wrong value keeps the
answer, so that :mod:`autograder.diagnosis` can weigh the near misses across
all the cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .messages import Failure, message
from .plain import describe, equal, expected_plain, to_plain
from .protocol import GRADER_ERRORS
from .safetext import clean
from .spec import Case, Exercise

#: Failure and expected_plain come with the judge, for its callers (:mod:`autograder.evaluate`)
__all__ = ["ExerciseResult", "Failure", "expected_plain", "in_canonical_form", "judge_case", "judge_mutation"]


@dataclass
class ExerciseResult:
    """One exercise's outcome. ``status``: passed, failed (wrong answers) or error (it crashed)."""

    name: str
    score: float
    max_score: float
    status: str
    feedback: str

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def as_dict(self) -> dict:
        return {"name": self.name, "score": self.score, "max_score": self.max_score, "passed": self.passed,
                "status": self.status, "feedback": self.feedback}


def in_canonical_form(exercise: Exercise, value: Any) -> Any:
    """``value`` in the exercise's canonical form (unchanged without one, or if the mapping fails)."""
    if exercise.canonical is None:
        return value
    try:
        return exercise.canonical(value)
    except Exception:  # an odd student value: compare it as it is (it will be judged wrong)
        return value


def judge_case(exercise: Exercise, case: Case, expected: Any, outcome: dict) -> Failure | None:
    """``None`` when the student's outcome for ``case`` is right, else why not (a wrong value keeps the
    answer, for the near misses, which are weighed across all the cases)."""
    error = outcome.get("error")
    if error and error["type"] in GRADER_ERRORS:  # no answer at all (timeout, crash, unreadable reply)
        return Failure(error["message"], crashed=True)
    if case.raises:
        if error and error["type"] == case.raises:
            return None
        what = f"raised {error['type']}" if error else f"returned {describe(to_plain(outcome.get('value')))}"
        return Failure(f"should raise {case.raises} for this input; it {what}.", targeted=True)
    if error:
        where = f" in your helper `{error['where']}`" if error.get("where") else ""
        text = f": {error['message']}" if error.get("message") else ""
        return Failure(f"raised {error['type']}{where}{text}", crashed=True)
    got = in_canonical_form(exercise, to_plain(outcome.get("value")))
    expected = in_canonical_form(exercise, expected)
    if equal(expected, got, exercise.rtol, exercise.atol):
        if exercise.check_stdout:
            complaint = exercise.check_stdout(case, expected, str(outcome.get("stdout", "")))
            return Failure(clean(complaint, 400), targeted=True) if complaint else None
        return None
    failure = message(expected, got, exercise.rtol, exercise.atol)
    return Failure(failure.message, failure.targeted, answer=got, compared=True)


def judge_mutation(case: Case, outcome: dict, params: list[str]) -> Failure | None:
    """A failure when the call changed one of its arguments in place (``Exercise.forbid_mutation``)."""
    if "error" in outcome or "args_after" not in outcome:
        return None
    after = to_plain(outcome["args_after"])
    if not isinstance(after, list) or len(after) != len(case.args):
        return Failure("changed its arguments in place: work on copies.", targeted=True)
    for i, (before, now) in enumerate(zip(case.args, after, strict=True)):
        if not equal(expected_plain(before), now, 0.0, 0.0):
            name = f"`{params[i]}`" if i < len(params) else f"number {i + 1}"
            return Failure(f"changed its argument {name} in place: the caller's arrays must stay as they were; "
                           f"work on a copy ({name.strip('`')}.copy()).", targeted=True)
    return None
