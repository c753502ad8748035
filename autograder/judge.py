"""Compare a student's plain-data answers with the references, in the grader's own process.

Answers arrive as plain JSON data (see :mod:`autograder.kernel_side`) and are
coerced to numpy arrays, floats, strings and lists here before any comparison,
so no object from the submission can decide whether it is equal to anything.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .kernel_side import encode
from .spec import Case, Exercise

__all__ = ["ExerciseResult", "expected_plain", "has_loop", "judge_case", "score_exercise", "to_plain"]


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


class _Opaque(str):
    """A placeholder for a value that was not plain data (its text names the type)."""


def to_plain(value: Any) -> Any:
    """Coerce decoded JSON into numpy arrays, floats, ints, strings, lists or :class:`_Opaque`."""
    if isinstance(value, dict):
        if "__ndarray__" in value:
            arr = np.array(value["__ndarray__"])
            if arr.dtype == object or arr.dtype.kind not in "biufU":
                return _Opaque("a ragged or non-numeric array")
            try:
                return arr.reshape([int(n) for n in value.get("shape", arr.shape)])
            except (TypeError, ValueError):
                return _Opaque("a malformed array")
        if value.get("__missing__"):
            return _Opaque("missing")
        return _Opaque(str(value.get("__object__", "an object"))[:80])
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return _Opaque(type(value).__name__)


def expected_plain(value: Any) -> Any:
    """A reference answer through the same encoding as a student's, so both sides have one form."""
    return to_plain(json.loads(json.dumps(encode(value))))


def describe(value: Any) -> str:
    if isinstance(value, _Opaque):
        return "nothing (not defined)" if value == "missing" else f"a {value}"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, (int, float)):
        return f"the number {value:.4g}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if len(value) <= 10 and all(isinstance(v, str) for v in value):
        return f"the list {value}"
    return f"a list of {len(value)} items"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _numeric_array(v: Any) -> np.ndarray | None:
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return v.astype(np.float64)
    return None


def equal(expected: Any, got: Any, rtol: float, atol: float) -> bool:
    """Tolerant equality of plain values; arrays must match in type and shape, floats must be numbers."""
    if isinstance(got, _Opaque):
        return False
    if _is_number(expected):
        return _is_number(got) and bool(np.isfinite(got)) and bool(np.isclose(got, expected, rtol, atol))
    if isinstance(expected, np.ndarray):
        if expected.dtype.kind == "U":
            return isinstance(got, np.ndarray) and got.shape == expected.shape and bool(np.all(got == expected))
        arr = _numeric_array(got)
        return (arr is not None and arr.shape == expected.shape and bool(np.all(np.isfinite(arr)))
                and bool(np.allclose(arr, expected, rtol, atol)))
    if isinstance(expected, list):
        items = got.tolist() if isinstance(got, np.ndarray) and got.dtype.kind == "U" else got
        return (isinstance(items, list) and len(items) == len(expected)
                and all(equal(e, g, rtol, atol) for e, g in zip(expected, items, strict=True)))
    return type(got) is type(expected) and got == expected


def _generic_message(expected: Any, got: Any, rtol: float = 1e-5, atol: float = 1e-6) -> str:
    if (isinstance(expected, list) and isinstance(got, list) and len(got) == len(expected)
            and any(isinstance(e, (list, np.ndarray)) for e in expected)):
        # several arrays returned at once (a tuple): say which one is wrong
        wrong = [i for i, (e, g) in enumerate(zip(expected, got, strict=True)) if not equal(e, g, rtol, atol)]
        if wrong:
            i = wrong[0]
            return f"value {i + 1} of the {len(got)} it returned is wrong: {_generic_message(expected[i], got[i])}"
    if got is None:
        return "returned None: did you forget `return`?"
    if isinstance(got, _Opaque) and got == "missing":
        return "is not defined: run the cell that defines it (and do not rename it)."
    arr = _numeric_array(got)
    if (arr is not None and not np.all(np.isfinite(arr))) or (_is_number(got) and not np.isfinite(got)):
        return "contains NaN or inf: check for a division by zero."
    if _is_number(expected) and arr is not None and arr.size == 1:
        return (f"returned an array of shape {arr.shape} instead of a number: "
                f"convert it with float(...) or .item().")
    if isinstance(expected, np.ndarray) and isinstance(got, list):
        return "returned a Python list: wrap it with np.array(...)."
    if isinstance(expected, np.ndarray) and arr is not None and arr.shape != expected.shape:
        hint = " (transposed: check the axis)" if arr.shape == expected.shape[::-1] else ""
        return f"returned an array of shape {arr.shape}, expected shape {expected.shape}{hint}."
    if _is_number(expected) and _is_number(got):
        return f"returned {got:.4g}, expected {expected:.4g}."
    if isinstance(expected, np.ndarray) and arr is not None:
        return f"wrong values (largest difference {np.max(np.abs(arr - expected)):.3g})."
    return f"returned {describe(got)}, expected {describe(expected)}."


def _args_text(case: Case) -> str:
    parts = [repr(a) if isinstance(a, (str, int)) else describe(a) for a in case.args]
    return ", ".join(parts)


def judge_case(exercise: Exercise, case: Case, expected: Any, outcome: dict) -> str | None:
    """``None`` when the student's outcome for ``case`` is right, else a short message."""
    error = outcome.get("error")
    if case.raises:
        if error and error.get("type") == case.raises:
            return None
        what = f"raised {error.get('type')}" if error else f"returned {describe(to_plain(outcome.get('value')))}"
        return f"({_args_text(case)}) should raise {case.raises}; it {what}."
    if error:
        return f"raised {error.get('type')}: {str(error.get('message'))[:200]}"
    got = to_plain(outcome.get("value"))
    if equal(expected, got, exercise.rtol, exercise.atol):
        if exercise.check_stdout:
            return exercise.check_stdout(case, expected, str(outcome.get("stdout", "")))
        return None
    for near in exercise.near_misses:
        if equal(expected_plain(near.wrong(*case.args)), got, exercise.rtol, exercise.atol):
            return near.message
    return _generic_message(expected, got, exercise.rtol, exercise.atol)


def has_loop(source: str | None) -> bool:
    """True when ``source`` contains a for/while loop or a comprehension."""
    if not source:
        return False
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    loops = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    return any(isinstance(node, loops) for node in ast.walk(tree))


def score_exercise(exercise: Exercise, failures: list[str | None], looped: bool = False) -> ExerciseResult:
    """Points in proportion to the cases passed; the first failure message and the hint as feedback."""
    n = len(failures)
    bad = [f for f in failures if f is not None]
    fraction = (n - len(bad)) / n if n else 0.0
    notes = []
    if bad:
        notes.append(f"{n - len(bad)}/{n} cases pass. {bad[0]}")
        if exercise.hint:
            notes.append(f"Hint: {exercise.hint}")
    if looped:
        fraction *= 0.5
        notes.append("Uses a Python loop: vectorise it with array operations (half marks).")
    score = round(exercise.points * fraction, 4)
    crashed = bool(bad) and all(f.startswith(("raised", "did not return", "crashed")) or " raised " in f
                                or "did not return" in f or "crashed the kernel" in f for f in bad)
    status = "passed" if not bad and not looped else ("error" if crashed else "failed")
    return ExerciseResult(exercise.name, score, float(exercise.points), status,
                          " ".join(notes) if notes else f"all {n} cases pass.")
