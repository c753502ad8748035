"""The grader's side of the request/reply protocol: replies validated against a schema, with bounds.

A reply comes from the submission's kernel, so it may be anything: huge, nested
50,000 levels deep, valid JSON of the wrong shape, integers with thousands of
digits. Everything is checked here before the judge sees it, without recursion
and within fixed limits; whatever does not fit becomes a clear error outcome
("gave an answer the grader cannot read"), never an exception in the grader.

Normalised forms handed to the judge:

* an *outcome* of one call: ``{"value": V, "stdout": str}`` or
  ``{"error": {"type": str, "message": str, "where": str | None}, "stdout": str}``,
  plus ``"args_after": V`` when the arguments were asked back;
* values of a "values" exercise: a list with one ``V`` per target.

``V`` is plain data: None, bool, int (|n| < 2**63), float, str (capped), lists,
and dicts with string keys (the array and object encodings of
:mod:`autograder.kernel_side`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .safetext import clean

__all__ = ["GRADER_ERRORS", "KERNEL_DIED", "MAX_REPLY_CHARS", "NO_RESULT", "TIMEOUT", "BadReply", "call_outcomes",
           "error_outcome", "parse_reply", "values_outcome"]

#: error types the grader itself reports for a call that never answered
TIMEOUT, KERNEL_DIED, NO_RESULT = "Timeout", "KernelDied", "NoResult"
GRADER_ERRORS = frozenset({TIMEOUT, KERNEL_DIED, NO_RESULT})

MAX_REPLY_CHARS = 4_000_000
MAX_DEPTH = 32
MAX_NODES = 400_000
MAX_STRING = 20_000
MAX_INT = 2**63
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,60}$")
TOO_LARGE_INT = {"__object__": "integer too large to compare"}


class BadReply(ValueError):
    """A reply that is not what the protocol allows (the message says how)."""


def parse_reply(text: str) -> Any:
    """JSON text from the kernel, size-checked, parsed and bounded (:class:`BadReply` otherwise)."""
    if len(text) > MAX_REPLY_CHARS:
        raise BadReply(f"an answer of {len(text):,} characters (the limit is {MAX_REPLY_CHARS:,})")
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadReply("an answer nested too deeply") from None
    except ValueError as err:
        raise BadReply(f"an answer that is not valid JSON ({clean(err, 80)})") from None
    return bounded(data)


def bounded(data: Any) -> Any:
    """``data`` checked without recursion: depth, size, types; long strings cut, huge ints replaced."""
    nodes = 0
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        node, depth = todo.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise BadReply(f"an answer nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, list):
            for i, item in enumerate(node):
                kind = type(item)  # the bulk of an array's items hold nothing that _leaf would change:
                if (kind in _FINAL or (kind is int and -MAX_INT < item < MAX_INT)  # counted, never queued
                        or (kind is str and len(item) <= MAX_STRING)):
                    nodes += 1
                else:
                    node[i] = _leaf(item)
                    todo.append((node[i], depth + 1))
            if node and depth + 1 > MAX_DEPTH:
                raise BadReply(f"an answer nested more than {MAX_DEPTH} levels deep")
        elif isinstance(node, dict):
            for key in list(node):
                if not isinstance(key, str) or len(key) > 64:
                    raise BadReply("an answer with a malformed key")
                node[key] = _leaf(node[key])
                todo.append((node[key], depth + 1))
        elif not (node is None or isinstance(node, (bool, int, float, str))):
            raise BadReply(f"an answer holding a {type(node).__name__}")
        if nodes > MAX_NODES:
            raise BadReply(f"an answer with more than {MAX_NODES:,} items")
    return _leaf(data)


#: exact types of items that hold nothing and that ``_leaf`` always keeps as they are
_FINAL = frozenset({float, bool, type(None)})


def _leaf(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING:
        return value[:MAX_STRING]
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT < value < MAX_INT:
        return dict(TOO_LARGE_INT)
    return value


def _error(raw: Any) -> dict:
    if not isinstance(raw, dict):
        raw = {}
    kind, message, where = raw.get("type"), raw.get("message"), raw.get("where")
    return {"type": clean(kind, 60) if isinstance(kind, str) and kind else "an unnamed error",
            "message": clean(message) if isinstance(message, str) else "",
            "where": where if isinstance(where, str) and _IDENTIFIER.match(where) else None}


def error_outcome(kind: str, message: str) -> dict:
    """An outcome for a call that never answered (timeout, crash, unreadable reply)."""
    return {"error": {"type": kind, "message": message, "where": None}, "stdout": ""}


def _outcome(raw: Any, args_back: bool) -> dict:
    if not isinstance(raw, dict):
        return error_outcome(NO_RESULT, "gave an answer of the wrong shape.")
    stdout = raw.get("stdout") if isinstance(raw.get("stdout"), str) else ""
    if "error" in raw:
        outcome = {"error": _error(raw["error"]), "stdout": stdout}
    elif "value" in raw:
        outcome = {"value": raw["value"], "stdout": stdout}
    else:
        return error_outcome(NO_RESULT, "gave an answer with no value.")
    if args_back:
        outcome["args_after"] = raw.get("args_after")
    return outcome


def call_outcomes(reply: Any, n: int, args_back: bool = False) -> list[dict]:
    """One outcome per call of a "calls" request; a malformed reply fails every call with a reason."""
    try:
        reply = bounded(reply)
    except BadReply as err:
        return [error_outcome(NO_RESULT, f"gave {err}.")] * n
    if isinstance(reply, dict) and "error" in reply and "results" not in reply:
        return [{"error": _error(reply["error"]), "stdout": ""}] * n
    results = reply.get("results") if isinstance(reply, dict) else None
    if not isinstance(results, list) or len(results) != n:
        return [error_outcome(NO_RESULT, "gave an answer of the wrong shape.")] * n
    return [_outcome(r, args_back) for r in results]


def values_outcome(reply: Any, n: int) -> list[Any] | str:
    """The ``n`` values of a "values" request, or why they could not be read."""
    try:
        reply = bounded(reply)
    except BadReply as err:
        return f"could not be read: the notebook gave {err}."
    values = reply.get("values") if isinstance(reply, dict) else None
    if isinstance(values, list) and len(values) == n:
        return values
    error = _error(reply.get("error")) if isinstance(reply, dict) and "error" in reply else None
    reason = f"{error['type']}: {error['message']}" if error else "the answer was malformed"
    return f"could not be read ({reason})."
