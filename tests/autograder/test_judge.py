"""The grader-side comparison: plain data only, strict about types and shapes."""

from __future__ import annotations

import json

import numpy as np

from autograder.judge import equal, has_loop, to_plain
from autograder.kernel_side import encode


def roundtrip(value):
    return to_plain(json.loads(json.dumps(encode(value))))


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


def test_loop_detection():
    assert has_loop("def f(E):\n    return [x for x in E]\n")
    assert has_loop("def f(E):\n    for x in E:\n        pass\n")
    assert not has_loop("def f(E):\n    return E @ E.T\n")
