"""The code that runs next to the student's code: call a target, turn the result into plain JSON.

The grader sends this module's source into the submission's kernel and talks
to it with JSON requests; ``check()`` imports it directly. It uses only the
standard library and numpy. Whatever it returns is plain data (numbers,
strings, lists, arrays as nested lists): the grader compares in its own
process, so nothing here needs to be trusted.
"""

import contextlib
import inspect
import io
import json
import sys

MARKER = "\x1eautograder-result:"
MAX_ARRAY_SIZE = 1_000_000
MAX_STDOUT = 10_000
MAX_DEPTH = 20


class _CappedText(io.StringIO):
    """A stdout replacement that keeps only the first ``MAX_STDOUT`` characters."""

    def write(self, s):
        room = MAX_STDOUT - self.tell()
        return super().write(s[: max(room, 0)]) if room > 0 else len(s)


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


def _call(namespace, request):
    fn = namespace.get(request["target"])
    if fn is None:
        return {"error": {"type": "NameError", "message": f"{request['target']} is not defined"}}
    out = _CappedText()
    try:
        with contextlib.redirect_stdout(out):
            value = fn(*decode(request["args"]))
        return {"value": encode(value), "stdout": out.getvalue()}
    except BaseException as err:
        return {"error": {"type": type(err).__name__, "message": str(err)[:500]}, "stdout": out.getvalue()}


def _values(namespace, request):
    missing = {"__missing__": True}
    return {"values": [encode(namespace.get(name, missing)) if name in namespace else missing
                       for name in request["targets"]]}


def _source(namespace, request):
    try:
        return {"source": inspect.getsource(namespace[request["target"]])}
    except Exception:
        return {"source": None}


HANDLERS = {"call": _call, "values": _values, "source": _source}


def handle(request, namespace):
    """Answer one request (a dict) against ``namespace`` (the notebook's globals)."""
    return HANDLERS[request["kind"]](namespace, request)


def serve(request_json, namespace, stream=sys.stdout):
    """Kernel entry point: answer a JSON request with one ``MARKER``-prefixed JSON line on ``stream``."""
    reply = handle(json.loads(request_json), namespace)
    stream.write(MARKER + json.dumps(reply) + "\n")
    stream.flush()
