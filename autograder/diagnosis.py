"""Which failure an exercise's feedback names, judged across all its failing cases.

A near miss (:class:`autograder.spec.NearMiss`) is a known wrong formula. It
*explains* a failing case when its answer on that case's input equals the
student's wrong answer (in the exercise's canonical form, within its
tolerance). Its message is shown only when it explains nearly all the failing
answers: at least :data:`EXPLAINED_SHARE` of the cases that returned a wrong
value, and at least :data:`MIN_EXPLAINED` of them (fewer only when the exercise
has fewer cases). On coarse answers (a label, 0.0 or 1.0, three indices) an
unrelated near miss often matches one case by coincidence; a mistake the code
really makes shows on every case it fails. When several near misses qualify,
the one that explains the most failing cases wins (on a tie, the first
registered). Cases that raised, hung, changed their arguments or printed the
wrong line returned no wrong value to explain and do not count.

Otherwise the feedback says what differs on one failing case: a failure that
names the mistake (returned None, the wrong shape, should raise ...) before a
plain wrong value, and among those the case with the smallest input (fewest
numbers, strings and items), which is the easiest to retry by hand and the
most likely to be short enough to show. ``check()`` in the notebook (public
cases) and the CLI grader (hidden cases) both come here through
:func:`autograder.evaluate.evaluate`. Near misses apply to function exercises;
a "values" exercise has no input to retry.
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .judge import in_canonical_form
from .messages import Failure
from .plain import equal, expected_plain
from .spec import Case, Exercise, NearMiss

__all__ = ["EXPLAINED_SHARE", "MIN_EXPLAINED", "call_text", "diagnose"]

#: a near miss is named only when it reproduces at least this share of the wrong answers ...
EXPLAINED_SHARE = 0.9
#: ... and at least this many of them (or all the cases, when an exercise has fewer)
MIN_EXPLAINED = 2


def diagnose(exercise: Exercise, failures: Sequence[Failure | None],
             cases: Sequence[Case] | None = None) -> tuple[int, Failure]:
    """The failing case to show (its index) and the failure to name; ``failures`` has at least one."""
    bad = [i for i, f in enumerate(failures) if f is not None]
    if cases is not None:
        explained = _best_near_miss(exercise, failures, cases)
        if explained:
            near, indices = explained
            return _smallest(indices, cases), Failure(near.message, targeted=True)
    targeted = [i for i in bad if failures[i].targeted]
    index = _smallest(targeted or bad, cases)
    return index, failures[index]


def _best_near_miss(exercise: Exercise, failures: Sequence[Failure | None],
                    cases: Sequence[Case]) -> tuple[NearMiss, list[int]] | None:
    wrong = [i for i, f in enumerate(failures) if f is not None and f.compared]
    needed = max(min(MIN_EXPLAINED, len(cases)), math.ceil(EXPLAINED_SHARE * len(wrong)))
    best: tuple[NearMiss, list[int]] | None = None
    for near in exercise.near_misses:
        indices = [i for i in wrong if _reproduces(exercise, near, cases[i], failures[i].answer)]
        if len(indices) >= needed and (best is None or len(indices) > len(best[1])):
            best = near, indices
    return best


def _reproduces(exercise: Exercise, near: NearMiss, case: Case, answer: Any) -> bool:
    """Whether ``near`` gives the student's ``answer`` on ``case`` (a near miss that raises gives nothing)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            value = expected_plain(near.wrong(*copy.deepcopy(case.args)))
    except Exception:  # a near miss undefined on this input simply does not match
        return False
    return equal(in_canonical_form(exercise, value), answer, exercise.rtol, exercise.atol)


def _size(value: Any) -> int:
    """How much there is to read in an input: numbers and strings, each counted once."""
    if isinstance(value, np.ndarray):
        return max(value.size, 1)
    if isinstance(value, (list, tuple)):
        return 1 + sum(_size(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_size(v) for v in value.values())
    return 1


def _smallest(indices: list[int], cases: Sequence[Case] | None) -> int:
    """The index (among ``indices``) of the case with the smallest input; the first on a tie."""
    if cases is None:
        return indices[0]
    return min(indices, key=lambda i: (_size(cases[i].args), i))


def _arg_text(value: Any) -> str:
    if isinstance(value, np.generic):  # np.str_('city') reads 'city' in the notebook
        return repr(value.item())
    if isinstance(value, np.ndarray):
        body = np.array2string(value, separator=", ", precision=6, threshold=10**6, max_line_width=10**6)
        return f"np.array({' '.join(body.split())})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_arg_text(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


def call_text(target: str, case: Case, limit: int = 300) -> str | None:
    """``target(args...)`` to paste into the notebook, or None when the input is too big to show."""
    text = f"{target}({', '.join(_arg_text(a) for a in case.args)})"
    return text if len(text) <= limit else None
