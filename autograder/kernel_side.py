"""The code that runs next to the student's code: call a target, turn the result into plain JSON.

The grader sends this module's source into the submission's kernel and talks
to it with JSON requests; ``check()`` imports it directly. It uses only the
standard library and numpy. Whatever it returns is plain data (numbers,
strings, lists, arrays as nested lists): the grader validates and compares it
in its own process (:mod:`autograder.protocol`, :mod:`autograder.judge`), so
nothing here needs to be trusted.
"""

import contextlib
import io
import json
import sys
import traceback

MARKER = "\x1eautograder-result:"
MAX_ARRAY_SIZE = 100_000
MAX_STDOUT = 2_000
MAX_MESSAGE = 300
MAX_DEPTH = 20


class _CappedText(io.StringIO):
    """A stdout replacement that keeps only the first ``MAX_STDOUT`` characters."""

    def write(self, s):
        room = MAX_STDOUT - self.tell()
        return super().write(str(s)[: max(room, 0)]) if room > 0 else len(s)


def _describe(value):
    return {"__object__": type(value).__name__}


def encode(value, depth=0):
    """``value`` as JSON-ready plain data; anything exotic becomes ``{"__object__": type name}``."""
    if depth > MAX_DEPTH:
        return _describe(value)
    if value is None or type(value) in (bool, str, int, float):
        return value
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufU" or value.size > MAX_ARRAY_SIZE:
            return {"__object__": f"ndarray(dtype={value.dtype}, shape={value.shape})"}
        return {"__ndarray__": value.tolist(), "shape": list(value.shape)}
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "biufU":
        return encode(value.item(), depth + 1)
    if type(value) in (list, tuple):
        return [encode(v, depth + 1) for v in value]
    return _describe(value)


def decode(value):
    """Inverse of :func:`encode` for arguments: ``{"__ndarray__": ...}`` becomes a numpy array."""
    if isinstance(value, dict) and "__ndarray__" in value:
        import numpy as np

        return np.array(value["__ndarray__"]).reshape(value["shape"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _where(err, fn):
    """The name of the student's function in which ``err`` was raised (None: in the graded one itself)."""
    code = getattr(fn, "__code__", None)
    libraries = (sys.prefix, sys.base_prefix, __file__ if "__file__" in globals() else "\0")
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not f.filename.startswith(libraries) and "/embedlab/" not in f.filename]
    if not frames or (code is not None and frames[-1].name == code.co_name):
        return None
    return frames[-1].name


def _error(err, fn=None):
    try:
        message = str(err)[:MAX_MESSAGE]
    except BaseException:
        message = "(its message could not be shown)"
    return {"type": type(err).__name__[:MAX_MESSAGE], "message": message, "where": _where(err, fn)}


def _call_one(fn, args, args_back):
    out = _CappedText()
    args = decode(args)
    try:
        with contextlib.redirect_stdout(out):
            value = fn(*args)
        outcome = {"value": encode(value), "stdout": out.getvalue()}
    except BaseException as err:
        outcome = {"error": _error(err, fn), "stdout": out.getvalue()}
    if args_back:
        outcome["args_after"] = encode(list(args))
    return outcome


def _calls(namespace, request):
    fn = namespace.get(request["target"])
    if fn is None:
        return {"error": {"type": "NameError", "message": f"{request['target']} is not defined", "where": None}}
    return {"results": [_call_one(fn, args, request.get("args_back")) for args in request["calls"]]}


def _values(namespace, request):
    missing = {"__missing__": True}
    return {"values": [encode(namespace[name]) if name in namespace else missing for name in request["targets"]]}


HANDLERS = {"calls": _calls, "values": _values}


def handle(request, namespace):
    """Answer one request (a dict) against ``namespace`` (the notebook's globals)."""
    return HANDLERS[request["kind"]](namespace, request)


def serve(request_json, namespace, stream=sys.stdout):
    """Kernel entry point: answer a JSON request with one ``MARKER``-prefixed JSON line on ``stream``."""
    reply = handle(json.loads(request_json), namespace)
    stream.write(MARKER + json.dumps(reply) + "\n")
    stream.flush()
