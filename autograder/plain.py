"""Plain answers: what a student's reply becomes in the grader, and tolerant equality.

Answers arrive as validated plain data (see :mod:`autograder.protocol`) and are
coerced to numpy arrays, floats, ints, strings and lists here before any
comparison, so no object from the submission can decide whether it is equal to
anything. A 0-d array counts as the number it holds, as a numpy scalar does.
Whatever is not plain data becomes an :class:`Opaque` placeholder, which equals
nothing. A reference's answer goes through the same encoding
(:func:`expected_plain`), so both sides have one form.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from .kernel_side import encode
from .protocol import bounded
from .safetext import clean

__all__ = ["MAX_CELLS", "Opaque", "describe", "equal", "expected_plain", "is_number", "numeric_array", "to_plain"]


class Opaque(str):
    """A placeholder for a value that was not plain data (its text names what it was)."""


MAX_CELLS = 200_000


def _array(data: Any, shape: Any) -> Any:
    """An array from its encoding; a 0-d array is the number (or string) it holds, as a numpy scalar is."""
    if shape == [] and not isinstance(data, (list, dict)):
        return to_plain(data)
    try:
        arr = np.array(data)
    except (ValueError, TypeError, OverflowError, MemoryError):
        return Opaque("ragged or malformed array")
    if arr.dtype == object or arr.dtype.kind not in "biufU":
        return Opaque("ragged or non-numeric array")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(isinstance(n, int) and 0 <= n <= MAX_CELLS
                                                                  for n in shape)):
        return Opaque("malformed array")
    try:
        return arr.reshape(shape)
    except ValueError:
        return Opaque("malformed array")


def to_plain(value: Any) -> Any:
    """Coerce validated data into numpy arrays, floats, ints, strings, lists or :class:`Opaque`."""
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return _array(value["__ndarray__"], value.get("shape"))
        if value.get("__missing__") is True:
            return Opaque("missing")
        return Opaque(clean(value.get("__object__", "object"), 80))
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return Opaque(type(value).__name__)


def expected_plain(value: Any) -> Any:
    """A reference answer through the same encoding as a student's, so both sides have one form."""
    return to_plain(bounded(json.loads(json.dumps(encode(value)))))



# -- describing values -----------------------------------------------------------------------------

def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _finite(v: Any) -> bool:
    return is_number(v) and math.isfinite(v)


def numeric_array(v: Any) -> np.ndarray | None:
    if isinstance(v, np.ndarray) and v.dtype.kind in "biuf":
        return v.astype(np.float64)
    return None

def describe(value: Any) -> str:
    if isinstance(value, Opaque):
        return "nothing (not defined)" if value == "missing" else f"an object that is not plain data ({value})"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if is_number(value):
        return f"the number {value:.6g}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, str):
        return f"the string {clean(value, 40)!r}"
    if len(value) <= 10 and all(isinstance(v, str) for v in value):
        return f"the list {[clean(v, 30) for v in value]}"
    return f"a list of {len(value)} items"


# -- equality --------------------------------------------------------------------------------------

def equal(expected: Any, got: Any, rtol: float, atol: float) -> bool:
    """Tolerant equality of plain values; arrays must match in type and shape, floats must be finite numbers."""
    if isinstance(got, Opaque):
        return False
    if is_number(expected):
        return _finite(got) and abs(got - expected) <= atol + rtol * abs(expected)
    if isinstance(expected, np.ndarray):
        if expected.dtype.kind == "U":
            return isinstance(got, np.ndarray) and got.shape == expected.shape and bool(np.all(got == expected))
        arr = numeric_array(got)
        return (arr is not None and arr.shape == expected.shape and bool(np.all(np.isfinite(arr)))
                and bool(np.allclose(arr, expected, rtol, atol)))
    if isinstance(expected, list):
        items = got.tolist() if isinstance(got, np.ndarray) and got.dtype.kind == "U" else got
        return (isinstance(items, list) and len(items) == len(expected)
                and all(equal(e, g, rtol, atol) for e, g in zip(expected, items, strict=True)))
    return type(got) is type(expected) and got == expected
