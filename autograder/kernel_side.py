"""The code that runs next to the student's code: call a target, turn the result into plain JSON.

The grader sends this module's source into the submission's kernel and talks
to it with JSON requests; ``check()`` imports it directly. It uses only the
standard library and numpy. Whatever it returns is plain data (numbers,
strings, lists, arrays as nested lists): the grader validates and compares it
in its own process (:mod:`autograder.protocol`, :mod:`autograder.judge`), so
nothing here needs to be trusted.

A "probe" request calls a function under a line tracer and reports how often
each line of notebook code ran; :mod:`autograder.loops` judges whether that
grows with the input (the loop rule).
"""

import _thread
import contextlib
import io
import itertools
import json
import os
import sys
import sysconfig
import threading
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


# -- the loop probe: count the lines a call executes in notebook code ------------------------------

MAX_PROBE_LINES = 300
#: audit events by which a call could hide what it executes: another process, the tracer or the
#: grader's frames reached or changed. ``sys.settrace`` once in a thread the call started is the
#: probe starting to trace that thread, which is allowed; ``sys._getframe`` counts only when the frame
#: it hands out is not library code the probe saw start (library code asks for its own frames all the
#: time, e.g. ``collections.namedtuple``, pandas' warnings).
_HIDING = {"sys.settrace": "changed the tracer", "sys.setprofile": "changed the profiler",
           "sys.monitoring.register_callback": "changed the tracer",
           "gc.get_objects": "searched the garbage collector", "gc.get_referrers": "searched the garbage collector",
           "gc.get_referents": "searched the garbage collector",
           "sys._current_frames": "looked at the call stack", "sys._getframe": "looked at the call stack",
           "object.__getattr__": "looked at a frame",
           "os.fork": "started a process", "os.forkpty": "started a process", "os.posix_spawn": "started a process",
           "os.spawn": "started a process", "os.exec": "started a process", "os.system": "started a process",
           "subprocess.Popen": "started a process", "ctypes.dlopen": "used ctypes", "ctypes.dlsym": "used ctypes",
           "ctypes.call_function": "used ctypes", "ctypes.addressof": "used ctypes", "ctypes.cdata": "used ctypes"}
#: the ``object.__getattr__`` audit event also covers ``f_code``, ``__code__``, ``__defaults__``, which
#: library code reads all the time; only these attributes hand out a frame
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
#: where threads are started (``threading`` keeps its own reference), by Python version
_THREAD_STARTERS = ((_thread, "start_new_thread"), (_thread, "start_new"), (_thread, "start_joinable_thread"),
                    (threading, "_start_new_thread"), (threading, "_start_joinable_thread"))
_watching = []  # while a call is probed: (the list that collects its audit events, its probe)
_hooked = []  # the audit hook is added once (it cannot be removed)


def _audit(event, args):
    if not _watching or event not in _HIDING:
        return
    records, probe = _watching[-1]
    if event == "object.__getattr__" and not (len(args) == 2 and args[1] in _FRAME_ATTRIBUTES):
        return
    if event == "sys._getframe" and args and probe.library.get(getattr(args[0], "f_code", None)) is True:
        return
    records.append((event, threading.get_ident()))


def _traced_start(start, tracer):
    """``start`` (a thread starter) whose threads run their function under ``tracer``."""
    def start_traced(function, *args, **kwargs):
        def run(*a, **k):
            sys.settrace(tracer)
            return function(*a, **k)
        return start(run, *args, **kwargs)
    return start_traced


def _grader_code():
    """The code objects of this module that can run inside a probed call: never counted."""
    todo, codes = [_CappedText.write.__code__, _audit.__code__, _traced_start.__code__], set()
    while todo:
        code = todo.pop()
        codes.add(code)
        todo.extend(c for c in code.co_consts if isinstance(c, type(code)))
    return codes


def _library_roots():
    """Folders of library code: the interpreter's, site-packages, and ``embedlab`` (the course's helpers)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    helpers = getattr(sys.modules.get("embedlab"), "__file__", None)
    if helpers:
        roots.add(os.path.dirname(helpers))
    real = {os.path.realpath(r) for r in roots if r}
    return tuple(os.path.join(r, "") for r in real - {os.sep})  # an interpreter installed at / claims no files


def _is_library(frame, roots):
    """Library code: a function of a module loaded from under ``roots``, or of a frozen module, running
    in that module's namespace (code compiled under a library's file name elsewhere is not). Notebook
    cells, ``exec``'d strings and modules the notebook wrote are not library code."""
    filename = frame.f_code.co_filename
    if filename.startswith("<frozen "):
        name = filename[len("<frozen "):-1]
    elif filename.startswith("<") or not os.path.realpath(filename).startswith(roots):
        return False
    else:
        name = None
    module = sys.modules.get(frame.f_globals.get("__name__"))
    return getattr(module, "__dict__", None) is frame.f_globals and name in (None, module.__name__)


def _genuine(fn, module, name=None):
    """True when ``fn`` is a builtin of ``module`` (named ``name``), not a stand-in a cell put there."""
    return type(fn) is type(len) and fn.__self__ is module and name in (None, fn.__name__)


class _Probe:
    """Counts, per line of code that is not library code, how often it ran ("ran") and how many library
    functions it called directly ("called": ``map(np.linalg.norm, rows)`` runs its line once)."""

    def __init__(self, fn, roots):
        self.target = getattr(fn, "__code__", None)  # None: a callable object, any notebook code starts it
        self.roots = roots
        self.library = dict.fromkeys(_grader_code(), True)  # code object -> is it library code
        self.counts = {}  # (code object, line number, "ran" or "called") -> how often
        self.total = itertools.count()  # every counted event once more: a cleared ``counts`` shows
        self.started = False

    def enter(self, frame, event, arg):
        code = frame.f_code
        library = self.library.get(code)
        if library is None:
            library = self.library[code] = _is_library(frame, self.roots)
        if library:
            caller = frame.f_back
            if caller is not None and self.library.get(caller.f_code) is False:
                key = (caller.f_code, caller.f_lineno, "called")
                self.counts[key] = self.counts.get(key, 0) + 1
                next(self.total)
            return None
        self.started = self.started or self.target is None or code is self.target
        return self.line

    def line(self, frame, event, arg):
        if event == "line":
            key = (frame.f_code, frame.f_lineno, "ran")
            self.counts[key] = self.counts.get(key, 0) + 1
            next(self.total)
        return self.line

    def report(self, counts, total):
        """The hot lines as plain data (file, line, count, function, its first line, the line's text,
        "ran" or "called"), how many events there were, and whether ``counts`` still adds up to that."""
        import linecache

        hot = sorted(counts.items(), key=lambda item: -item[1])[:MAX_PROBE_LINES]
        lines = [[code.co_filename[:200], line, count, code.co_name[:60], code.co_firstlineno,
                  linecache.getline(code.co_filename, line).strip()[:200], kind] for (code, line, kind), count in hot]
        executed = next(total)
        return lines, executed, sum(counts.values()) == executed


def _hiding(records, main):
    """How the call hid its work, from its audit events ("" when it did not)."""
    traced = set()
    for event, thread in records:
        if event == "sys.settrace" and thread != main and thread not in traced:
            traced.add(thread)
            continue
        return _HIDING[event]
    return ""


def _probe_one(fn, args, roots):
    """Call ``fn(*args)`` under a line tracer, threads it starts included; meanwhile ``sys.gettrace``
    shows no tracer, so the call cannot take hold of it. (Where Python traces all threads, other
    threads' tracers are gone afterwards: a debugger's, say.)"""
    args = decode(args)
    starters = [(module, name, getattr(module, name)) for module, name in _THREAD_STARTERS if hasattr(module, name)]
    # Python 3.12+ also traces the threads already running (a thread pool that an earlier call filled)
    trace_all = getattr(sys, "_settraceallthreads", None)
    replaced = "" if _genuine(sys.settrace, sys, "settrace") and _genuine(sys.gettrace, sys, "gettrace") and \
        (trace_all is None or _genuine(trace_all, sys)) else "replaced sys.settrace"
    if not replaced and not all(_genuine(start, _thread) for _, _, start in starters):
        replaced = "replaced a thread starter"
    if replaced:
        return {"lines": [], "executed": 0, "started": False, "hidden": replaced, "error": ""}
    probe, records, main = _Probe(fn, roots), [], threading.get_ident()
    counts, total, gettrace, before = probe.counts, probe.total, sys.gettrace, sys.gettrace()
    error, out = "", _CappedText()
    for module, name, start in starters:
        setattr(module, name, _traced_start(start, probe.enter))
    sys.gettrace = lambda: None
    (trace_all or sys.settrace)(probe.enter)
    _watching.append((records, probe))
    try:
        with contextlib.redirect_stdout(out):
            fn(*args)
    except BaseException as err:
        error = type(err).__name__[:MAX_MESSAGE]
    finally:
        _watching.pop()
        intact = gettrace() == probe.enter
        if trace_all:
            trace_all(None)
        sys.settrace(before)
        sys.gettrace = gettrace
        for module, name, start in starters:
            setattr(module, name, start)
    lines, executed, consistent = probe.report(counts, total)
    hidden = _hiding(records, main) or ("" if intact else "removed the tracer") or \
        ("" if consistent else "changed the tracer's counts")
    return {"lines": lines, "executed": executed, "started": probe.started, "hidden": hidden, "error": error}


def _probe(namespace, request):
    fn = namespace.get(request["target"])
    if fn is None:
        return {"error": {"type": "NameError", "message": f"{request['target']} is not defined", "where": None}}
    if not _hooked:
        try:
            sys.addaudithook(_audit)
        except BaseException:  # a cell's own audit hook refused ours
            blocked = {"lines": [], "executed": 0, "started": False, "hidden": "blocked the grader's audit hook",
                       "error": ""}
            return {"probe": [blocked] * len(request["calls"])}
        _hooked.append(True)
    roots = _library_roots()
    return {"probe": [_probe_one(fn, args, roots) for args in request["calls"]]}


HANDLERS = {"calls": _calls, "values": _values, "probe": _probe}


def handle(request, namespace):
    """Answer one request (a dict) against ``namespace`` (the notebook's globals)."""
    return HANDLERS[request["kind"]](namespace, request)


def serve(request_json, namespace, stream=sys.stdout):
    """Kernel entry point: answer a JSON request with one ``MARKER``-prefixed JSON line on ``stream``."""
    reply = handle(json.loads(request_json), namespace)
    stream.write(MARKER + json.dumps(reply) + "\n")
    stream.flush()
