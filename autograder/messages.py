"""What differs between a wrong answer and the expected one, in words a student can act on.

Every message says what differs with enough to see it: both numbers with the
digits that tell them apart, which value of a tuple is wrong and how, which
positions of an index or label array differ (not a numeric difference), how to
turn a list or tuple into the array that is expected (wrap it, or stack its
parts as columns), a short vector shown whole. A message that names the
mistake itself (returned None, the wrong shape, NaN) is *targeted*: it needs no
hint. Which case's message the feedback shows is decided across the cases by
:mod:`autograder.diagnosis`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .plain import MAX_CELLS, Opaque, describe, equal, is_number, numeric_array
from .safetext import clean

__all__ = ["Failure", "message"]


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


def _short(value: Any) -> str:
    if isinstance(value, str):
        return repr(clean(value, 40))
    if is_number(value):
        return f"{value:.6g}"
    return describe(value)


def _two_numbers(got: float, expected: float) -> tuple[str, str]:
    """Both numbers with the fewest significant digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        a, b = f"{got:#.{digits}g}", f"{expected:#.{digits}g}"
        if a != b:
            return a, b
    return repr(got), repr(expected)


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
        inner = message(e, g, rtol, atol)
        where = f"value {i + 1} of the {k} it returned" if several else f"item {i + 1} of the list"
        return Failure(f"{where} is wrong: {inner.message}", inner.targeted)
    return None


def _stacked(items: list) -> np.ndarray | None:
    """What ``np.array(items)`` makes of a list of numbers or numeric arrays (None for anything else)."""
    try:
        arr = np.array(items)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return None
    return numeric_array(arr) if arr.size <= MAX_CELLS else None


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


def message(expected: Any, got: Any, rtol: float = 1e-5, atol: float = 1e-6) -> Failure:
    """Why ``got`` is not ``expected`` (plain values, :mod:`autograder.plain`), in one sentence."""
    if isinstance(expected, list) and expected:
        listed = _sequence_message(expected, got, rtol, atol)
        if listed:
            return listed
    if got is None:
        return Failure("returned None: did you forget `return`?", targeted=True)
    if isinstance(got, Opaque) and got == "missing":
        return Failure("is not defined: run the cell that defines it (and do not rename it).", targeted=True)
    if isinstance(got, Opaque):
        return Failure(f"returned {describe(got)}: return numbers, strings, lists or numpy arrays.", targeted=True)
    arr = numeric_array(got)
    if (arr is not None and not np.all(np.isfinite(arr))) or (is_number(got) and not math.isfinite(got)):
        return Failure("contains NaN or inf: check for a division by zero.", targeted=True)
    if is_number(expected) and arr is not None and arr.size == 1:
        return Failure(f"returned an array of shape {arr.shape} instead of a number: "
                       f"convert it with float(...) or .item().", targeted=True)
    if isinstance(expected, np.ndarray) and isinstance(got, list):
        return _list_for_array_message(expected, got, rtol, atol)
    if isinstance(expected, np.ndarray) and arr is not None and arr.shape != expected.shape:
        hint = " (transposed: check the axis)" if arr.shape == expected.shape[::-1] else ""
        return Failure(f"returned an array of shape {arr.shape}, expected shape {expected.shape}{hint}.",
                       targeted=True)
    if is_number(expected) and is_number(got):
        a, b = _two_numbers(float(got), float(expected))
        return Failure(f"returned {a}, expected {b}.")
    if isinstance(expected, np.ndarray) and isinstance(got, np.ndarray) and got.shape == expected.shape:
        if (got.dtype.kind == "U") == (expected.dtype.kind == "U"):
            return _values_message(expected, got, rtol, atol)
        return Failure(f"returned an array of {_elements(got)}, expected an array of {_elements(expected)} "
                       f"(shape {got.shape}).", targeted=True)
    return Failure(f"returned {describe(got)}, expected {describe(expected)}.")
