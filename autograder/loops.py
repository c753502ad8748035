"""Does a graded function loop over its data? Decided by running it, at two sizes.

For an exercise with ``forbid_loops`` the grader asks the kernel to call the
function on fresh inputs of size n, k·n and n again (``Exercise.sized_case``)
under a line tracer (:func:`autograder.kernel_side._probe_one`) that counts the
lines executed in code that is not library code: the notebook's cells, code
they ``exec``, modules they wrote. A line that runs more often on the larger
input is a loop over the data; a loop over a handful of fixed items runs as
often at both sizes. A call that hid its work from the tracer (removed or
replaced it, started a process, searched the garbage collector or the call
stack), raised, or never started under it cannot be checked and counts as a
loop. The reply is untrusted: anything malformed counts the same way.

The notebook's source is read only to point at the line that repeats, as the
student sees it ("line 3 of cell [5] ran 64 times for 64 rows").
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .definitions import CodeIndex
from .kernel_side import encode
from .protocol import BadReply, bounded
from .safetext import clean
from .spec import Exercise

__all__ = ["FACTOR", "SIZE", "LoopFinding", "find_loop", "judge_probe"]

#: the small size n and the factor k of the larger input; the inputs are n, k·n, n (fresh each time,
#: the small one again after the large one so that a cache filled by the first call does not help)
SIZE, FACTOR = 16, 4
#: notebook code (a line, or all lines together) that runs at least this many times more at size k·n
#: than at size n repeats with the data; a branch taken for one input and not another adds a line or two
GROWTH = 8
_FIELDS = 7  # file, line, count, function, its first line, the line's text, "ran" or "called"
_KINDS = {"ran": "ran", "called": "called library code"}


@dataclass(frozen=True)
class LoopFinding:
    """Why a function counts as looping over its data."""

    what: str
    unverifiable: bool = False

    def message(self) -> str:
        if self.unverifiable:
            return f"could not be checked for Python loops ({self.what})"
        return self.what


@dataclass(frozen=True)
class _Line:
    file: str
    number: int
    count: int
    function: str
    first: int
    text: str
    kind: str

    @property
    def key(self) -> tuple[str, int, str]:
        return self.file, self.number, self.kind


@dataclass(frozen=True)
class _Call:
    lines: tuple[_Line, ...]
    executed: int
    started: bool
    hidden: str
    error: str


def find_loop(exercise: Exercise, rng: np.random.Generator, ask: Callable[[dict], Any],
              code: CodeIndex | None) -> LoopFinding | None:
    """Call ``exercise``'s function through ``ask`` at sizes n, k·n, n (``exercise.sized_case``, which
    :class:`~autograder.spec.Exercise` requires with ``forbid_loops``) and judge the line counts."""
    sizes = (SIZE, SIZE * FACTOR, SIZE)
    cases = [exercise.sized_case(rng, size) for size in sizes]
    reply = ask({"kind": "probe", "target": exercise.targets[0], "calls": [encode(list(c.args)) for c in cases]})
    return judge_probe(reply, sizes, exercise.size_unit, code)


def judge_probe(reply: Any, sizes: tuple[int, ...], unit: str, code: CodeIndex | None) -> LoopFinding | None:
    """The verdict on a probe reply: None (no loop over the data), a loop with its line, or unverifiable."""
    calls = _calls(reply, len(sizes))
    if isinstance(calls, str):
        return LoopFinding(calls, unverifiable=True)
    for size, call in zip(sizes, calls, strict=True):
        if call.hidden:
            return LoopFinding(f"it {call.hidden} while it ran", unverifiable=True)
        if call.error:
            return LoopFinding(f"it raised {call.error} for an input of {size:,} {unit}", unverifiable=True)
        if not call.started:
            return LoopFinding("the grader never saw it start: define it with a plain def in a code cell",
                               unverifiable=True)
    small, large = min(sizes), max(sizes)
    smalls = [call for size, call in zip(sizes, calls, strict=True) if size == small]
    bigs = [call for size, call in zip(sizes, calls, strict=True) if size == large]
    before: dict[tuple[str, int, str], int] = {}
    for line in (line for call in smalls for line in call.lines):
        before[line.key] = max(before.get(line.key, 0), line.count)
    grown = [(line.count - before.get(line.key, 0), line) for call in bigs for line in call.lines]
    # the line to show: one that grew, preferably a line that ran (the loop itself) over one that called
    growth, line = max(grown, key=lambda item: (item[0] >= GROWTH, item[1].kind == "ran", item[0]),
                       default=(0, None))
    executed = (max(c.executed for c in bigs), max(c.executed for c in smalls))
    if growth < GROWTH and executed[0] - executed[1] < GROWTH:
        return None
    if line is None or growth < GROWTH:  # the work grew, spread thin over lines that each grew a little
        return LoopFinding(f"its code ran {executed[0]:,} steps for {large:,} {unit} "
                           f"({executed[1]:,} for {small:,})")
    return LoopFinding(f"{_where(line, code)} {_KINDS[line.kind]} {line.count:,} times for {large:,} {unit} "
                       f"({before.get(line.key, 0):,} times for {small:,})")


def _calls(reply: Any, n: int) -> list[_Call] | str:
    """The ``n`` probed calls of a reply, or why the reply cannot be used."""
    try:
        reply = bounded(reply)
    except BadReply as err:
        return f"the notebook gave {err}"
    raw = reply.get("probe") if isinstance(reply, dict) else None
    if not isinstance(raw, list) or len(raw) != n:
        error = reply.get("error") if isinstance(reply, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        return f"no readable answer: {clean(message, 120)}" if isinstance(message, str) and message \
            else "no readable answer from the notebook"
    calls = [_call(item) for item in raw]
    return "an answer of the wrong shape from the notebook" if None in calls else calls


def _call(item: Any) -> _Call | None:
    if not isinstance(item, dict) or not isinstance(item.get("lines"), list):
        return None
    executed, started, hidden, error = (item.get(key) for key in ("executed", "started", "hidden", "error"))
    if not (_count(executed) and isinstance(started, bool) and isinstance(hidden, str) and isinstance(error, str)):
        return None
    lines = [_line(raw) for raw in item["lines"]]
    if None in lines:
        return None
    return _Call(tuple(lines), executed, started, clean(hidden, 80), clean(error, 60))


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _line(raw: Any) -> _Line | None:
    if not (isinstance(raw, list) and len(raw) == _FIELDS):
        return None
    file, number, count, function, first, text, kind = raw
    if not (isinstance(file, str) and isinstance(function, str) and isinstance(text, str) and kind in _KINDS
            and all(map(_count, (number, count, first)))):
        return None
    return _Line(file, number, count, function, first, text, kind)


def _where(line: _Line, code: CodeIndex | None) -> str:
    """``line 3 of cell [5]`` when the line is found in a cell, else the file or function it is in."""
    for label, source in reversed(code.cells if code else []):
        rows = source.splitlines()
        for offset in (0, 1) if source.lstrip().startswith("%%") else (0,):  # a cell magic's body: line 2 on
            if _matches(rows, line, offset):
                return f"line {line.number + offset} of {label}"
    if not line.file.startswith("<"):
        return f"line {line.number} of {clean(os.path.basename(line.file), 60)}"
    inside = "" if line.function.startswith("<") else f", in `{clean(line.function, 60)}`"
    return f"line {line.number} of code the notebook made while it ran ({clean(line.file, 60)}{inside})"


def _matches(rows: list[str], line: _Line, offset: int) -> bool:
    """The cell holds this line: its text where the tracer saw it, or, with no text (code run by a cell
    magic), the ``def`` of its function on the function's first line."""
    def row(number: int) -> str | None:
        index = number - 1 + offset
        return rows[index].strip() if 0 <= index < len(rows) else None

    if line.text:
        return row(line.number) == line.text
    definition = row(line.first)
    return definition is not None and re.match(rf"(async\s+)?def\s+{re.escape(line.function)}\b", definition) \
        is not None
