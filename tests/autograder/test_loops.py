"""The loop rule (issue 17): decided by running the function at two sizes, never by reading its source.

Every pattern runs as a notebook would run it: each cell compiled under its own file name and
known to ``linecache`` (as IPython does), then the exercise judged in process through the same
request/reply path as ``check()``. Honest vectorised code keeps full points however it is written;
a loop over the data loses half wherever it hides; a call that hides its work from the tracer
counts as a loop. The ``slow`` tests grade real notebooks in the sandboxed kernel.
"""

from __future__ import annotations

import linecache
import sys
import textwrap
import threading

import numpy as np
import pytest

from autograder.definitions import CodeIndex
from autograder.evaluate import evaluate
from autograder.kernel_side import handle
from autograder.labs import get_lab
from autograder.loops import FACTOR, SIZE, judge_probe
from autograder.spec import PUBLIC_SEED, Exercise

from agtest_helpers import FAST, SOLUTION, _append, _load, _replace_def

LOOP_NOTE = "loses half the points for looping over the data"
UNIT = "U = E / np.linalg.norm(E, axis=1, keepdims=True)"


def run_cells(*cells: str, namespace: dict | None = None) -> dict:
    """Run ``cells`` like a notebook: cell i is file ``<cell i>`` (its text in linecache, as IPython
    keeps it); a ``%%time``/``%%capture`` cell runs its body, as the magic does."""
    namespace = {"np": np, "__name__": "__main__"} if namespace is None else namespace
    for number, source in enumerate(cells, start=1):
        source = textwrap.dedent(source)
        if source.startswith("%%time"):
            exec(compile(source.partition("\n")[2], "<timed exec>", "exec"), namespace)
            continue
        body = source.partition("\n")[2] if source.startswith("%%capture") else source
        name = f"<cell {number}>"
        linecache.cache[name] = (len(source), None, source.splitlines(True), name)
        exec(compile("\n" * (source != body) + body, name, "exec"), namespace)
    return namespace


def judge(cells: tuple[str, ...], exercise: str = "similarity_matrix", lab: str = "lab01"):
    ex = get_lab(lab).exercise(exercise)
    namespace = run_cells(*cells)
    code = CodeIndex.from_cells([textwrap.dedent(c) for c in cells], [f"cell [{i}]" for i in range(1, len(cells) + 1)])
    return ex, evaluate(ex, np.random.default_rng(PUBLIC_SEED), lambda request: handle(request, namespace), code=code)


# -- honest vectorised answers keep full points -----------------------------------------------------

HONEST = {
    "plain": (f"def similarity_matrix(E):\n    {UNIT}\n    return U @ U.T",),
    "except_as_ex_elsewhere": (
        "def safe_ratio(a, b):\n    try:\n        return a / b\n    except ZeroDivisionError as ex:\n"
        "        print(ex)\n        return 0.0",
        "try:\n    1 / 0\nexcept ZeroDivisionError as ex:\n    print('caught', ex)",
        f"def similarity_matrix(E):\n    {UNIT}\n    return U @ U.T"),
    "vars_globals_setattr_elsewhere": (
        "import types\nsettings = types.SimpleNamespace()\nsetattr(settings, 'scale', 1.0)\n"
        "print(sorted(vars(settings)), 'np' in globals(), len(locals()))",
        f"def similarity_matrix(E):\n    {UNIT}\n    return U @ U.T"),
    "defined_in_a_time_cell": (f"%%time\ndef similarity_matrix(E):\n    {UNIT}\n    return U @ U.T",),
    "defined_in_a_capture_cell": (f"%%capture\ndef similarity_matrix(E):\n    {UNIT}\n    return U @ U.T",),
    "local_helper_shares_a_global_name": (
        "def unit(E):\n    return np.array([row / np.linalg.norm(row) for row in E])  # loopy, but not called",
        "def similarity_matrix(E):\n    def unit(M):\n        return M / np.linalg.norm(M, axis=1, keepdims=True)\n"
        "    U = unit(E)\n    return U @ U.T"),
    "loop_over_three_fixed_items": (
        f"def similarity_matrix(E):\n    {UNIT}\n    S = U @ U.T\n    for bound in (-1.0, 1.0, 1.0):\n"
        "        S = np.clip(S, -1.0, 1.0) if bound else S\n    return S",),
    "comprehension_over_axis_names": (
        "def similarity_matrix(E):\n    axes = {name: i for i, name in enumerate(('rows', 'columns'))}\n"
        "    norms = np.linalg.norm(E, axis=axes['columns'], keepdims=True)\n    U = E / norms\n    return U @ U.T",),
    "einsum_and_a_guard_that_raises_and_catches": (
        "def similarity_matrix(E):\n    try:\n        E = np.asarray(E, dtype=float)\n    except TypeError as ex:\n"
        "        raise ValueError('numbers only') from ex\n    n = np.sqrt(np.einsum('ij,ij->i', E, E))[:, None]\n"
        "    return (E / n) @ (E / n).T",),
    "vectorised_helper_in_another_cell": (
        "def normalise(M):\n    return M / np.linalg.norm(M, axis=1, keepdims=True)",
        "def similarity_matrix(E):\n    U = normalise(E)\n    return U @ U.T"),
    "logs_a_line_and_logging_looks_at_its_own_frames": (
        "import logging\nlog = logging.getLogger('similarity')\nlog.addHandler(logging.NullHandler())",
        f"def similarity_matrix(E):\n    {UNIT}\n    log.warning('%d rows', len(U))\n    return U @ U.T"),
    "pandas_dataframe_whose_own_code_loops_over_columns": (
        "import pandas as pd",
        "def similarity_matrix(E):\n    frame = pd.DataFrame(E)\n"
        "    unit = frame.div(np.sqrt((frame ** 2).sum(axis=1)), axis=0)\n    return (unit @ unit.T).to_numpy()"),
    "prints_what_it_computes": (
        f"def similarity_matrix(E):\n    {UNIT}\n    print('rows:', len(U))\n    return U @ U.T",),
    "lambda": ("similarity_matrix = lambda E: (E / np.linalg.norm(E, axis=1, keepdims=True)) @ "
               "(E / np.linalg.norm(E, axis=1, keepdims=True)).T",),
}


@pytest.mark.parametrize("name", HONEST)
def test_honest_vectorised_answers_keep_full_points(name):
    ex, result = judge(HONEST[name])
    assert result.score == ex.points and LOOP_NOTE not in result.feedback, result.feedback


@pytest.mark.parametrize(("lab", "exercise", "cells"), [
    ("lab02", "sgns_loss", (
        "def log_sig(x):\n    return -np.logaddexp(0.0, -x)",
        "def sgns_loss(center, context, negatives):\n    pos = np.einsum('bd,bd->b', center, context)\n"
        "    neg = np.einsum('bd,bkd->bk', center, negatives)\n    return -log_sig(pos) - log_sig(-neg).sum(axis=1)")),
    ("lab05", "mean_pool", (
        "def mean_pool(token_vectors, mask):\n    w = np.asarray(mask, dtype=float)[:, :, None]\n"
        "    return (np.asarray(token_vectors) * w).sum(axis=1) / w.sum(axis=1)",)),
])
def test_honest_answers_in_the_other_labs_keep_full_points(lab, exercise, cells):
    ex, result = judge(cells, exercise, lab)
    assert result.score == ex.points, result.feedback


# -- hidden loops lose half --------------------------------------------------------------------------

ROW_BY_ROW = "np.array([U @ row for row in U])"
HIDDEN = {
    "for_loop": (f"def similarity_matrix(E):\n    {UNIT}\n    S = np.empty((len(U), len(U)))\n"
                 "    for i in range(len(U)):\n        S[i] = U @ U[i]\n    return S",),
    "recursion": (
        "def rows(U, i=0):\n    return [] if i == len(U) else [U @ U[i]] + rows(U, i + 1)",
        f"def similarity_matrix(E):\n    {UNIT}\n    return np.array(rows(U))"),
    "sorted_key": (
        f"def similarity_matrix(E):\n    {UNIT}\n    order = sorted(range(len(U)), key=lambda i: i)\n"
        "    return U[order] @ U.T",),
    "iter_callable_sentinel": (
        f"def similarity_matrix(E):\n    {UNIT}\n    indices = iter(range(len(U)))\n"
        "    order = list(iter(lambda: next(indices, -1), -1))\n    return U[order] @ U.T",),
    "pandas_series_apply": (
        "import pandas as pd",
        f"def similarity_matrix(E):\n    {UNIT}\n"
        "    return np.stack(pd.Series(list(U)).apply(lambda row: U @ row).to_list())"),
    "match_capture": (
        "def rows(U, todo):\n    match todo:\n        case [first, *rest]:\n"
        "            return [U @ U[first]] + rows(U, rest)\n        case _:\n            return []",
        f"def similarity_matrix(E):\n    {UNIT}\n    return np.array(rows(U, list(range(len(U)))))"),
    "np_vectorize": (
        f"def similarity_matrix(E):\n    {UNIT}\n"
        "    return np.vectorize(lambda i, j: U[i] @ U[j])(*np.indices((len(U), len(U))))",),
    "map": (f"def similarity_matrix(E):\n    {UNIT}\n    return np.array(list(map(lambda row: U @ row, U)))",),
    "map_over_a_library_function": (
        "def similarity_matrix(E):\n    norms = np.array(list(map(np.linalg.norm, E)))[:, None]\n"
        "    U = E / norms\n    return U @ U.T",),
    "a_thread": (
        "import threading",
        f"def similarity_matrix(E):\n    {UNIT}\n    out = []\n"
        f"    worker = threading.Thread(target=lambda: out.extend({ROW_BY_ROW}))\n"
        "    worker.start()\n    worker.join()\n    return np.array(out)"),
    "line_magic_rebinds_the_function": (  # what `similarity_matrix = %time loopy` leaves bound
        f"def similarity_matrix(E):\n    {UNIT}\n    return U @ U.T",
        f"def loopy(E):\n    {UNIT}\n    return {ROW_BY_ROW}",
        "similarity_matrix = loopy"),
    "cache_across_calls": (
        "cache = {}",
        f"def similarity_matrix(E):\n    key = E.tobytes()\n    if key not in cache:\n        {UNIT}\n"
        f"        cache[key] = {ROW_BY_ROW}\n    return cache[key]"),
    "loops_when_no_tracer_is_visible": (
        "import sys",
        f"def similarity_matrix(E):\n    {UNIT}\n    if sys.gettrace() is None:\n        return {ROW_BY_ROW}\n"
        "    return U @ U.T"),
    "decorator_that_loops": (
        "def rowwise(f):\n    def wrapper(E):\n        return np.array([f(E, i) for i in range(len(E))])\n"
        "    return wrapper",
        f"@rowwise\ndef similarity_matrix(E, i):\n    {UNIT}\n    return U @ U[i]"),
    "a_raw_thread": (
        "import _thread, time",
        f"def similarity_matrix(E):\n    {UNIT}\n    out, done = [], _thread.allocate_lock()\n    done.acquire()\n"
        f"    _thread.start_new_thread(lambda: (out.extend({ROW_BY_ROW}), done.release()), ())\n"
        "    done.acquire()\n    time.sleep(0.05)\n    return np.array(out)"),
    "a_thread_with_threadings_trace_hook_taken_away": (
        "import threading",
        f"def similarity_matrix(E):\n    {UNIT}\n    out, hook = [], threading.gettrace()\n"
        "    threading.settrace(None)\n"
        f"    worker = threading.Thread(target=lambda: out.extend({ROW_BY_ROW}))\n"
        "    worker.start()\n    threading.settrace(hook)\n    worker.join()\n    return np.array(out)"),
    "helper_compiled_under_a_stdlib_file_name": (
        f"import os\nsrc = 'def all_rows(U):\\n    return {ROW_BY_ROW}'\nexec(compile(src, os.__file__, 'exec'))",
        f"def similarity_matrix(E):\n    {UNIT}\n    return all_rows(U)"),
    "helper_compiled_as_a_frozen_module": (
        f"src = 'def all_rows(U):\\n    return {ROW_BY_ROW}'\nexec(compile(src, '<frozen os>', 'exec'))",
        f"def similarity_matrix(E):\n    {UNIT}\n    return all_rows(U)"),
    "a_thread_pool_started_earlier": (
        "from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor(2)\n"
        "pool.submit(print, 'warm').result()",
        f"def similarity_matrix(E):\n    {UNIT}\n    return np.array(list(pool.map(lambda row: U @ row, U)))"),
    "exec_of_computed_code": (
        f"code = 'def similarity_matrix(E):\\n    {UNIT}\\n    return ' + {ROW_BY_ROW!r}\nexec(code)",),
}


@pytest.mark.parametrize("name", HIDDEN)
def test_hidden_loops_lose_half_the_points(name):
    ex, result = judge(HIDDEN[name])
    assert result.score == ex.points / 2 and LOOP_NOTE in result.feedback, result.feedback


@pytest.mark.xfail(sys.version_info < (3, 12), strict=True,
                   reason="Python 3.11 cannot trace a thread that was already running (README, loop rule)")
def test_a_whole_loop_handed_to_a_thread_that_was_already_running_is_seen():
    ex, result = judge(("from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor(1)\n"
                        "pool.submit(print, 'warm').result()",
                        f"def similarity_matrix(E):\n    {UNIT}\n"
                        f"    return pool.submit(lambda: {ROW_BY_ROW}).result()"))
    assert result.score == ex.points / 2 and LOOP_NOTE in result.feedback, result.feedback


def test_a_module_written_at_run_time_and_star_imported_is_notebook_code(tmp_path, monkeypatch):
    (tmp_path / "rowwise_helpers.py").write_text(f"import numpy as np\n\ndef all_rows(U):\n    return {ROW_BY_ROW}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    ex, result = judge(("from rowwise_helpers import *",
                        f"def similarity_matrix(E):\n    {UNIT}\n    return all_rows(U)"))
    sys.modules.pop("rowwise_helpers", None)
    assert result.score == ex.points / 2 and "line 4 of rowwise_helpers.py ran" in result.feedback, result.feedback


def test_the_message_names_the_line_as_the_student_sees_it_and_how_often_it_ran():
    _, result = judge(HIDDEN["for_loop"])
    large = SIZE * FACTOR
    assert f"line 4 of cell [1] ran {large + 1:,} times for {large:,} rows ({SIZE + 1} times for {SIZE})" \
        in result.feedback, result.feedback  # the `for` line: once per row and once more to stop
    _, result = judge(("%%time\n" + HIDDEN["recursion"][0], HIDDEN["recursion"][1]))
    assert "line 3 of cell [1] ran" in result.feedback, result.feedback  # counted from the %%time line
    _, result = judge(HIDDEN["match_capture"])
    assert "of cell [1] ran" in result.feedback, result.feedback
    _, result = judge(HIDDEN["exec_of_computed_code"])
    assert "line 3 of code the notebook made while it ran (<string>) ran" in result.feedback, result.feedback


def test_check_cites_the_cell_as_the_student_sees_it(capsys):
    """In a notebook, ``In[n]`` is the cell shown as ``[n]``: check() cites that number, as the CLI does."""
    from autograder import check

    namespace = run_cells(*HIDDEN["recursion"])
    namespace.update(check=check, In=["", *HIDDEN["recursion"], "check('similarity_matrix', similarity_matrix)"])
    exec(compile(namespace["In"][-1], "<cell 3>", "exec"), namespace)
    out = capsys.readouterr().out
    assert "line 2 of cell [1] ran" in out, out


# -- calls that hide their work cannot be checked and count as loops --------------------------------

UNVERIFIABLE = {
    "removes_the_tracer": ("import sys",
                           f"def similarity_matrix(E):\n    sys.settrace(None)\n    {UNIT}\n    return {ROW_BY_ROW}"),
    "searches_the_garbage_collector": (
        "import gc",
        f"def similarity_matrix(E):\n    gc.get_objects()\n    {UNIT}\n    return {ROW_BY_ROW}"),
    "looks_at_a_frame": (
        f"def similarity_matrix(E):\n    try:\n        raise ValueError\n    except ValueError as err:\n"
        f"        err.__traceback__.tb_frame.f_back\n    {UNIT}\n    return U @ U.T",),
    "walks_the_call_stack": (
        "import sys",
        f"def similarity_matrix(E):\n    sys._getframe().f_back\n    {UNIT}\n    return U @ U.T"),
    "starts_a_process": (
        "import subprocess, sys",
        "def similarity_matrix(E):\n    subprocess.run([sys.executable, '-c', 'pass'])\n"
        f"    {UNIT}\n    return U @ U.T"),
    "a_library_function_bound_to_the_name": (
        "from sklearn.metrics.pairwise import cosine_similarity as similarity_matrix",),
}


@pytest.mark.parametrize("name", UNVERIFIABLE)
def test_calls_that_hide_their_work_count_as_loops(name):
    ex, result = judge(UNVERIFIABLE[name])
    assert result.score == ex.points / 2, result.feedback
    assert "could not be checked for Python loops" in result.feedback, result.feedback
    assert sys.gettrace() is None or not name.startswith("removes")  # the probe restored the tracer it found


def test_a_cell_that_replaced_sys_settrace_makes_the_function_unverifiable(monkeypatch):
    monkeypatch.setattr(sys, "settrace", lambda tracer: None)
    _, result = judge(HONEST["plain"])
    assert "could not be checked for Python loops (it replaced sys.settrace" in result.feedback, result.feedback


def test_a_cell_that_replaced_a_thread_starter_makes_the_function_unverifiable(monkeypatch):
    import _thread

    monkeypatch.setattr(_thread, "start_new_thread", lambda function, args, kwargs=None: None)
    _, result = judge(HONEST["plain"])
    assert "could not be checked for Python loops (it replaced a thread starter" in result.feedback, result.feedback


def test_the_probe_leaves_the_callers_tracers_as_they_were():
    def tracer(frame, event, arg):
        return None

    before = sys.gettrace(), threading.gettrace()
    threading.settrace(tracer)
    try:
        judge(HIDDEN["for_loop"])
        assert threading.gettrace() is tracer and sys.gettrace() is before[0]
    finally:
        threading.settrace(before[1])


# -- the reply is untrusted ---------------------------------------------------------------------------

def _call(lines, executed=None, started=True, hidden="", error=""):
    executed = sum(line[2] for line in lines) if executed is None else executed
    return {"lines": lines, "executed": executed, "started": started, "hidden": hidden, "error": error}


def _line(count, number=3):
    return ["<cell 1>", number, count, "f", 1, "x = 1", "ran"]


SIZES = (SIZE, SIZE * FACTOR, SIZE)


@pytest.mark.parametrize("reply", [
    None, "text", {"probe": "x"}, {"probe": [_call([_line(1)])] * 2},
    {"probe": [_call([_line(1)]), _call([["<cell 1>", 3, -5, "f", 1, "", "ran"]]), _call([_line(1)])]},
    {"probe": [_call([_line(1)]), _call([["<cell 1>", 3, 5, "f", 1, "", "hid"]]), _call([_line(1)])]},
    {"probe": [_call([_line(1)]), {"lines": [], "started": "yes", "hidden": "", "error": ""}, _call([_line(1)])]},
    {"error": {"type": "Timeout", "message": "did not return within 4 s."}},
    {"probe": [_call([_line(1)], started=False)] * 3},
    {"probe": [_call([_line(1)], hidden="removed the tracer")] * 3},
    {"probe": [_call([_line(1)], error="MemoryError")] * 3},
])
def test_a_malformed_or_hiding_reply_is_unverifiable(reply):
    finding = judge_probe(reply, SIZES, "rows", None)
    assert finding is not None and finding.unverifiable, finding


def test_growth_is_judged_per_line_and_in_total():
    flat = [_call([_line(2)]), _call([_line(2)]), _call([_line(2)])]
    assert judge_probe({"probe": flat}, SIZES, "rows", None) is None
    grows = [_call([_line(SIZE)]), _call([_line(SIZE * FACTOR)]), _call([_line(SIZE)])]
    finding = judge_probe({"probe": grows}, SIZES, "rows", None)
    assert finding is not None and not finding.unverifiable, finding
    assert "line 3 of code the notebook made while it ran (<cell 1>, in `f`)" in finding.message()
    # the same work spread over many lines that each run once or twice more is still more work
    spread = [_call([_line(1, n) for n in range(40)]), _call([_line(2, n) for n in range(40)]),
              _call([_line(1, n) for n in range(40)])]
    assert "its code ran 80 steps for 64 rows" in judge_probe({"probe": spread}, SIZES, "rows", None).message()


def test_forbid_loops_needs_sized_inputs():
    with pytest.raises(ValueError, match="sized_case"):
        Exercise("f", 1, ("f",), reference=lambda E: E, forbid_loops=True)


# -- through the real sandboxed grader ----------------------------------------------------------------

def _graded(tmp_path, edit):
    import nbformat

    from autograder.grade import grade_submission

    nb = _load(SOLUTION)
    edit(nb)
    path = tmp_path / "lab01_token_embeddings.ipynb"
    nbformat.write(nb, path)
    report = grade_submission(path, limits=FAST)
    return {ex.name: ex for ex in report.exercises}


@pytest.mark.slow
def test_sandbox_honest_code_with_except_as_and_a_time_cell_keeps_full_points(tmp_path):
    def edit(nb):
        _append(nb, "try:\n    1 / 0\nexcept ZeroDivisionError as ex:\n    print(vars(), ex)", at=3)
        _append(nb, f"%%time\ndef similarity_matrix(E):\n    {UNIT}\n    return U @ U.T")

    result = _graded(tmp_path, edit)["similarity_matrix"]
    assert result.passed and result.score == result.max_score, result.feedback


@pytest.mark.slow
def test_sandbox_loops_in_a_thread_a_written_module_and_a_line_magic_lose_half(tmp_path):
    def edit(nb):
        _append(nb, "from pathlib import Path\nPath('rowwise.py').write_text("
                    f"'import numpy as np\\ndef all_rows(U):\\n    return {ROW_BY_ROW}\\n')\nfrom rowwise import *")
        _append(nb, f"def loopy(E):\n    {UNIT}\n    return all_rows(U)")
        _append(nb, "similarity_matrix = %time loopy")

    result = _graded(tmp_path, edit)["similarity_matrix"]
    assert result.score == result.max_score / 2 and "line 3 of rowwise.py ran" in result.feedback, result.feedback

    def threaded(nb):
        _replace_def(nb, "similarity_matrix", textwrap.dedent("\n".join(HIDDEN["a_thread"][1].splitlines()[1:])))
        next(c for c in nb.cells if "def similarity_matrix" in c.source).execution_count = 7
        _append(nb, "import threading", at=3)

    result = _graded(tmp_path, threaded)["similarity_matrix"]
    assert result.score == result.max_score / 2 and LOOP_NOTE in result.feedback, result.feedback
    # the CLI cites the cell by the execution count saved next to it, the line by its place in the cell
    assert f"line 4 of cell [7] ran {SIZE * FACTOR + 1:,} times" in result.feedback, result.feedback


def test_messages_read_parameter_names_helpers_and_cell_labels_from_the_cells():
    from autograder.definitions import cell_label

    index = CodeIndex.from_cells(["def h(x):\n    return x", "%%time\ndef f(E, k):\n    return h(E)[:k]"])
    assert index.helpers("f") == {"h"} and index.params("f") == ["E", "k"]
    assert cell_label(7, 3) == "cell [7]" and cell_label(None, 3) == "code cell 3 (counting from the top)"


def test_check_in_ipython_cites_a_time_cell_by_its_count_and_line_as_typed():
    """IPython's ``In`` holds a ``%%time`` cell translated into one line; check() reads the typed cells."""
    import subprocess

    script = textwrap.dedent('''
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        for cell in ["import numpy as np\\nfrom autograder import check", %r,
                     "check('similarity_matrix', similarity_matrix)"]:
            shell.run_cell(cell, store_history=True)
    ''') % ("%%time\n" + HIDDEN["for_loop"][0])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120).stdout
    assert "line 5 of cell [2] ran 65 times for 64 rows" in out, out
