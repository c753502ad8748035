"""Compare a student's plain-data answers with the references, in the grader's own process.

Answers arrive as validated plain data (see :mod:`autograder.protocol`) and are
coerced to numpy arrays, floats, strings and lists here before any comparison,
so no object from the submission can decide whether it is equal to anything.
A 0-d array counts as the number it holds, as a numpy scalar does. Every value
that is not a finite number of a sane size (NaN, inf, an integer of 70 bits, a
ragged array) is judged wrong with a message, never an exception. Messages say
what differs, with enough digits to see it: which value of a tuple, which
positions of an index or label array, how to turn a list into the array that is
expected. Which case's message the feedback shows, or which near miss explains
them all, is decided across the cases by :mod:`autograder.diagnosis`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .kernel_side import encode
from .protocol import GRADER_ERRORS, bounded
from .safetext import clean
from .spec import Case, Exercise

__all__ = ["ExerciseResult", "Failure", "equal", "expected_plain", "in_canonical_form", "judge_case",
           "judge_mutation", "to_plain"]


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


@dataclass(frozen=True)
class Failure:
    """Why one case failed. ``targeted``: the message names the mistake (no hint needed);
    ``crashed``: the code raised, hung or killed its kernel instead of returning;
    ``compared``: it returned a value that was compared and found wrong, ``answer`` (plain, in the
    canonical form), which the diagnosis across cases compares with the near misses
    (:mod:`autograder.diagnosis`)."""

    message: str
    targeted: bool = False
    crashed: bool = False
    answer: Any = field(default=None, compare=False, repr=False)
    compared: bool = field(default=False, compare=False, repr=False)


class _Opaque(str):
    """A placeholder for a value that was not plain data (its text names what it was)."""


_MAX_CELLS = 200_000


def _array(data: Any, shape: Any) -> Any:
    """An array from its encoding; a 0-d array is the number (or string) it holds, as a numpy scalar is."""
    if shape == [] and not isinstance(data, (list, dict)):
        return to_plain(data)
    try:
        arr = np.array(data)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return _Opaque("ragged or malformed array")
    if arr.dtype == object or arr.dtype.kind not in "biufU":
        return _Opaque("ragged or non-numeric array")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(isinstance(n, int) and 0 <= n <= _MAX_CELLS
                                                                  for n in shape)):
        return _Opaque("malformed array")
    try:
        return arr.reshape(shape)
    except ValueError:
        return _Opaque("malformed array")


def to_plain(value: Any) -> Any:
    """Coerce validated data into numpy arrays, floats, ints, strings, lists or :class:`_Opaque`."""
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return _array(value["__ndarray__"], value.get("shape"))
        if value.get("__missing__") is True:
            return _Opaque("missing")
        return _Opaque(clean(value.get("__object__", "object"), 80))
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
    return to_plain(bounded(json.loads(json.dumps(encode(value)))))


# -- describing values -----------------------------------------------------------------------------

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _finite(v: Any) -> bool:
    return _is_number(v) and math.isfinite(v)


def _numeric_array(v: Any) -> np.ndarray | None:
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return v.astype(np.float64)
    return None


def _short(value: Any) -> str:
    if isinstance(value, str):
        return repr(clean(value, 40))
    if _is_number(value):
        return f"{value:.6g}"
    return describe(value)


def describe(value: Any) -> str:
    if isinstance(value, _Opaque):
        return "nothing (not defined)" if value == "missing" else f"an object that is not plain data ({value})"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if _is_number(value):
        return f"the number {value:.6g}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, str):
        return f"the string {clean(value, 40)!r}"
    if len(value) <= 10 and all(isinstance(v, str) for v in value):
        return f"the list {[clean(v, 30) for v in value]}"
    return f"a list of {len(value)} items"


def _two_numbers(got: float, expected: float) -> tuple[str, str]:
    """Both numbers with the fewest significant digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        a, b = f"{got:#.{digits}g}", f"{expected:#.{digits}g}"
        if a != b:
            return a, b
    return repr(got), repr(expected)


# -- equality --------------------------------------------------------------------------------------

def equal(expected: Any, got: Any, rtol: float, atol: float) -> bool:
    """Tolerant equality of plain values; arrays must match in type and shape, floats must be finite numbers."""
    if isinstance(got, _Opaque):
        return False
    if _is_number(expected):
        return _finite(got) and abs(got - expected) <= atol + rtol * abs(expected)
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


# -- messages -------------------------------------------------------------------------------------

def _sequence_message(expected: list, got: Any, rtol: float, atol: float) -> Failure | None:
    """A list, or several values at once (a tuple, when any of them is an array or a list): one
    stacked array instead, a wrong count, or which one differs and how."""
    k, several = len(expected), any(isinstance(e, (list, np.ndarray)) for e in expected)
    if several and isinstance(got, np.ndarray) and got.ndim >= 1 and got.shape[0] == k:
        inside = all(equal(e, g, rtol, atol) for e, g in zip(expected, list(got), strict=True))
        return Failure(f"returned one array of shape {got.shape} where {k} separate values are expected: "
                       f"return them as a tuple (`return a, b`), not stacked into one array"
                       + (" (the values inside are right)." if inside else "."), targeted=True)
    if not isinstance(got, list):
        return None
    if len(got) != k:
        return Failure(f"returned {len(got)} values, expected {k}." if several else
                       f"returned a list of {len(got)} items, expected {k} items.", targeted=several)
    for i, (e, g) in enumerate(zip(expected, got, strict=True)):
        if equal(e, g, rtol, atol):
            continue
        if not several and not isinstance(g, (list, np.ndarray)):
            return Failure(f"item {i + 1} of the list is {_short(g)}, expected {_short(e)}.")
        inner = _message(e, g, rtol, atol)
        where = f"value {i + 1} of the {k} it returned" if several else f"item {i + 1} of the list"
        return Failure(f"{where} is wrong: {inner.message}", inner.targeted)
    return None


def _stacked(items: list) -> np.ndarray | None:
    """What ``np.array(items)`` makes of a list of numbers or numeric arrays (None for anything else)."""
    try:
        arr = np.array(items)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return None
    return _numeric_array(arr) if arr.size <= _MAX_CELLS else None


def _list_for_array_message(expected: np.ndarray, got: list, rtol: float, atol: float) -> Failure:
    """A list or tuple where one array is expected: wrap it, or stack its parts as columns, whichever fits."""
    rows = _stacked(got)
    if rows is not None and rows.ndim == 2 and rows.T.shape == expected.shape \
            and (rows.shape != expected.shape or equal(expected, rows.T, rtol, atol)):
        inside = " (the values inside are right)" if equal(expected, rows.T, rtol, atol) else ""
        return Failure(f"returned {len(got)} separate arrays (a tuple or list){inside}: they are the columns of "
                       f"one array of shape {expected.shape}, so stack them with np.stack([...], axis=1) "
                       f"(np.array(...) would make them its rows).", targeted=True)
    if rows is not None and rows.shape == expected.shape:
        inside = " (the values inside are right)" if equal(expected, rows, rtol, atol) else ""
        return Failure(f"returned a Python list{inside}: wrap it with np.array(...).", targeted=True)
    return Failure(f"returned a list of {len(got)} items where an array of shape {expected.shape} is expected.",
                   targeted=True)


_SHOWN_CELLS = 12  # a vector this short is shown whole in a message


def _listed(arr: np.ndarray) -> str:
    """A short vector as a list, floats with 4 significant digits: ``[0.25, 1, 3]``."""
    return f"[{', '.join(f'{x:.4g}' if isinstance(x, float) else repr(x) for x in arr.tolist())}]"


def _elements(arr: np.ndarray) -> str:
    return "strings" if arr.dtype.kind == "U" else "numbers"


def _positions_message(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> Failure:
    """Whole numbers (indices, labels, counts) or strings: where they differ, not by how much."""
    if expected.dtype.kind != "U" and got.dtype.kind == "f" and not np.all(got == np.round(got)):
        fraction = got[got != np.round(got)].flat[0]
        return Failure(f"returned fractional numbers (such as {fraction:.4g}) where whole numbers are expected "
                       f"(indices, labels or counts, not scores).", targeted=True)
    where = [tuple(int(n) for n in p) if expected.ndim > 1 else int(p[0])
             for p in np.argwhere(got != expected if expected.dtype.kind == "U"
                                  else ~np.isclose(got, expected, rtol, atol))]
    if expected.ndim == 1 and expected.size <= _SHOWN_CELLS:
        at = ", ".join(str(p) for p in where[:-1]) + (" and " if len(where) > 1 else "") + str(where[-1])
        index = "indices" if len(where) > 1 else "index"
        return Failure(f"returned {_listed(got)}, expected {_listed(expected)}: they differ at {index} {at}.")
    first = where[0]
    return Failure(f"{len(where)} of {expected.size} entries differ; the first at index {first}: "
                   f"{got[first]}, expected {expected[first]}.")


def _values_message(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> Failure:
    """Arrays of the right shape with other values (small ones shown whole)."""
    if expected.dtype.kind in "biuU":
        return _positions_message(expected, got, rtol, atol)
    largest = f"largest difference {np.max(np.abs(got.astype(np.float64) - expected)):.3g}"
    if expected.ndim == 1 and expected.size <= _SHOWN_CELLS:
        return Failure(f"returned {_listed(got)}, expected {_listed(expected)} ({largest}).")
    return Failure(f"wrong values ({largest}).")


def _message(expected: Any, got: Any, rtol: float = 1e-5, atol: float = 1e-6) -> Failure:
    if isinstance(expected, list) and expected:
        listed = _sequence_message(expected, got, rtol, atol)
        if listed:
            return listed
    if got is None:
        return Failure("returned None: did you forget `return`?", targeted=True)
    if isinstance(got, _Opaque) and got == "missing":
        return Failure("is not defined: run the cell that defines it (and do not rename it).", targeted=True)
    if isinstance(got, _Opaque):
        return Failure(f"returned {describe(got)}: return numbers, strings, lists or numpy arrays.", targeted=True)
    arr = _numeric_array(got)
    if (arr is not None and not np.all(np.isfinite(arr))) or (_is_number(got) and not math.isfinite(got)):
        return Failure("contains NaN or inf: check for a division by zero.", targeted=True)
    if _is_number(expected) and arr is not None and arr.size == 1:
        return Failure(f"returned an array of shape {arr.shape} instead of a number: "
                       f"convert it with float(...) or .item().", targeted=True)
    if isinstance(expected, np.ndarray) and isinstance(got, list):
        return _list_for_array_message(expected, got, rtol, atol)
    if isinstance(expected, np.ndarray) and arr is not None and arr.shape != expected.shape:
        hint = " (transposed: check the axis)" if arr.shape == expected.shape[::-1] else ""
        return Failure(f"returned an array of shape {arr.shape}, expected shape {expected.shape}{hint}.",
                       targeted=True)
    if _is_number(expected) and _is_number(got):
        a, b = _two_numbers(float(got), float(expected))
        return Failure(f"returned {a}, expected {b}.")
    if isinstance(expected, np.ndarray) and isinstance(got, np.ndarray) and got.shape == expected.shape:
        if (got.dtype.kind == "U") == (expected.dtype.kind == "U"):
            return _values_message(expected, got, rtol, atol)
        return Failure(f"returned an array of {_elements(got)}, expected an array of {_elements(expected)} "
                       f"(shape {got.shape}).", targeted=True)
    return Failure(f"returned {describe(got)}, expected {describe(expected)}.")


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
            message = exercise.check_stdout(case, expected, str(outcome.get("stdout", "")))
            return Failure(clean(message, 400), targeted=True) if message else None
        return None
    failure = _message(expected, got, exercise.rtol, exercise.atol)
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
