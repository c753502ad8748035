"""Helpers of the autograder tests: the lab's notebooks, short limits and the hostile suite.

The hostile submissions are generated from the solution notebook, each with the
score it must get (out of 12). A plain module (not a package: a tests/autograder
package would shadow the real ``autograder``); conftest.py puts it on sys.path.
"""

from __future__ import annotations

import copy
import json
import linecache
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np

from autograder.evaluate import evaluate
from autograder.kernel_side import handle
from autograder.labs import get_lab
from autograder.definitions import CodeIndex
from autograder.sandbox import Limits, isolation_available
from autograder.spec import PUBLIC_SEED

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ROOT / "solutions" / "lab01_token_embeddings.ipynb"
LAB = ROOT / "labs" / "lab01_token_embeddings.ipynb"
FULL = get_lab("lab01").max_score  # the spec is the one source of the points
#: short limits keep the suite fast (real grading uses the defaults): every hostile loop spins for a
#: whole cell timeout. Not under 12 s: lab 1's slowest cell takes 1.4 s on an idle 2-core machine, and
#: on one loaded to 12-22 its import cell once took over 8 s and whole submissions lost their points
#: without root and bubblewrap (a developer's laptop) the grading tests run the kernel unisolated;
#: in CI (``$CI`` set) they must not, so a missing sandbox fails them with the grader's own message
UNISOLATED_OK = not isolation_available() and not os.environ.get("CI")
FAST = Limits(cell_timeout=12, call_timeout=4, total_timeout=180, allow_unisolated=UNISOLATED_OK)
#: the seeds of every in-process judgement of a lab: the public cases (what check() shows) and fresh hidden
#: ones (one definition; each seed draws an exercise's n_cases cases)
HIDDEN_SEEDS = (1, 2, 3)
SEEDS = (PUBLIC_SEED, *HIDDEN_SEEDS)
REPO_PROBE = ROOT / "tests" / "autograder" / "HOSTILE_WAS_HERE"


def grade_with_cli(submissions: dict[str, Path], folder: Path, *options: str,
                   timeout: float = 900) -> dict[str, tuple[int, dict]]:
    """Each submission graded by ``python -m autograder grade`` (all at once, as a CI job would):
    name -> (exit code, JSON report)."""
    running = {name: subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(path), *options,
                                       "--json", str(folder / f"{name}.json")],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, path in submissions.items()}
    results = {}
    for name, proc in running.items():
        out, err = proc.communicate(timeout=timeout)
        assert (folder / f"{name}.json").exists(), f"{name}: no report\n{out}\n{err}"
        results[name] = (proc.returncode, json.loads((folder / f"{name}.json").read_text()))
    return results


def judge_in_process(exercise, objects, seed: int = PUBLIC_SEED):
    """``exercise`` judged on ``objects`` (its targets, in order) in this process, as ``check()`` does:
    through the same plain-data boundary and judge as grading."""
    namespace = dict(zip(exercise.targets, objects, strict=True))
    return evaluate(exercise, np.random.default_rng(seed), lambda request: handle(request, namespace))


def judge_source(exercise, source: str, seed: int = PUBLIC_SEED):
    """``exercise`` judged on the function that ``source`` defines, run as cell [2] of a notebook
    whose cell [1] imports numpy (its text in linecache, as IPython keeps it, so messages cite its lines)."""
    namespace: dict = {"np": np}
    linecache.cache["<cell 2>"] = (len(source), None, source.splitlines(True), "<cell 2>")
    exec(compile(source, "<cell 2>", "exec"), namespace)
    code = CodeIndex.from_cells(["import numpy as np", source], ["cell [1]", "cell [2]"])
    return evaluate(exercise, np.random.default_rng(seed), lambda request: handle(request, namespace), code=code)


def _load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _tagged(nb, name: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if f"exercise:{name}" in c.metadata.get("tags", []))


def _replace_def(nb, name: str, body: str, defined_as: str | None = None) -> None:
    """Replace the solution of function exercise ``name`` by ``body`` (indented function body)."""
    cell = nb.cells[_tagged(nb, name)]
    head, _, rest = cell.source.partition(f"def {name}(")
    signature, _, _ = rest.partition("\n")
    tail = rest.partition("### END SOLUTION")[2].partition("\n")[2]
    new_name = defined_as or name
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    cell.source = f"{head}def {new_name}({signature}\n{indented}\n{tail}"


def _append(nb, code: str, at: int | None = None) -> None:
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.insert(len(nb.cells) if at is None else at, cell)


def _hardcoded_cos_sim() -> str:
    """A cos_sim that knows the answers of the public cases and returns 0.0 otherwise."""
    ex = get_lab("lab01").exercise("cos_sim")
    table = {json.dumps(np.round(np.concatenate(c.args), 6).tolist()): ex.reference(*c.args)
             for c in ex.cases(np.random.default_rng(PUBLIC_SEED))}
    return (f"answers = {table!r}\n"
            "key = json.dumps(np.round(np.concatenate([u, v]), 6).tolist())\n"
            "return answers.get(key, 0.0)")


def hostile_submissions() -> dict[str, tuple[object, float]]:
    """name -> (notebook, or raw bytes for unreadable files, expected score).

    print_similarity calls the student's cos_sim, so breaking cos_sim (2 points) costs 3.
    """
    sol = _load(SOLUTION)
    subs: dict[str, tuple[object, float]] = {"solution": (sol, FULL), "untouched_lab": (_load(LAB), 0.0)}

    def variant(name: str, expected: float, edit) -> None:
        nb = copy.deepcopy(sol)
        edit(nb)
        subs[name] = (nb, expected)

    variant("numpy_comparisons_patched", FULL - 3, lambda nb: (
        _append(nb, "import numpy\nnumpy.allclose = numpy.isclose = numpy.array_equal = lambda *a, **k: True\n"
                    "numpy.testing.assert_allclose = lambda *a, **k: None"),
        _replace_def(nb, "cos_sim", "return 0.5")))
    variant("fake_score_lines", 0.0, lambda nb: (
        nb.cells.__setitem__(slice(None), _load(LAB).cells),
        _append(nb, 'print("score: 12/12")\nprint("\\x1eautograder-result:" + \'{"value": 1.0}\')')))
    variant("forged_report", 0.0, lambda nb: (
        nb.cells.__setitem__(slice(None), _load(LAB).cells),
        _append(nb, "import json, pathlib\nforged = json.dumps({'lab': 'lab01', 'score': 12, 'max_score': 12})\n"
                    f"for p in ['report.json', '/tmp/report.json', {str(REPO_PROBE)!r}]:\n"
                    "    try:\n        pathlib.Path(p).write_text(forged)\n    except OSError as e:\n"
                    "        print('blocked', p, e)")))
    variant("always_equal_objects", FULL - 7, lambda nb: (
        _append(nb, "class AlwaysEqual(float):\n    __eq__ = lambda self, other: True\n    __hash__ = float.__hash__\n"
                    "class EqArray(np.ndarray):\n    __eq__ = lambda self, other: np.ones(1, bool)\n"
                    "class EqList(list):\n    __eq__ = lambda self, other: True", at=3),
        _replace_def(nb, "cos_sim", "return AlwaysEqual(0.0)"),
        _replace_def(nb, "similarity_matrix", "return np.zeros((len(E), len(E))).view(EqArray)"),
        _replace_def(nb, "most_similar", "return EqList()")))
    variant("nan_and_inf", FULL - 4, lambda nb: (
        _replace_def(nb, "cos_sim", "return float('nan')"),
        _replace_def(nb, "dot_product", "return float('inf')")))
    variant("hardcoded_public_cases", FULL - 3, lambda nb: (
        _append(nb, "import json", at=3), _replace_def(nb, "cos_sim", _hardcoded_cos_sim())))
    variant("os_exit_in_a_cell", FULL, lambda nb: _append(nb, "import os\nos._exit(3)", at=3))
    variant("os_exit_when_called", FULL - 3, lambda nb: _replace_def(nb, "cos_sim", "import os\nos._exit(0)"))
    variant("sys_exit", FULL - 1, lambda nb: (
        _append(nb, "import sys\nsys.exit(1)", at=3), _replace_def(nb, "dot_product", "raise SystemExit(0)")))
    variant("infinite_loop_cell", FULL, lambda nb: _append(nb, "while True:\n    pass", at=3))
    variant("uninterruptible_loop_cell", FULL, lambda nb: _append(
        nb, "while True:\n    try:\n        while True:\n            pass\n"
            "    except BaseException:\n        pass", at=3))
    variant("memory_bomb", FULL, lambda nb: _append(nb, "hog = bytearray(64 * 2**30)", at=3))
    variant("output_flood", FULL, lambda nb: _append(nb, "for _ in range(3000):\n    print('spam ' * 200)", at=3))
    variant("sleeps_when_called", FULL - 2,
            lambda nb: _replace_def(nb, "most_similar", "import time\ntime.sleep(3600)"))
    variant("deleted_exercise_cells", FULL - 4, lambda nb: [
        nb.cells.pop(_tagged(nb, name)) for name in ("similarity_matrix", "most_similar")])
    variant("renamed_function", FULL - 3, lambda nb: _replace_def(
        nb, "cos_sim", "return float(np.matmul(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))",
        defined_as="cosine"))
    variant("split_cells", FULL, lambda nb: _split_cell(nb, _tagged(nb, "get_row")))
    # the patched kernel cannot answer the grader's messages any more: like a crashed kernel it is
    # restarted without that cell, and the (correct) functions are graded
    variant("patched_json_and_stdout", FULL, lambda nb: _append(
        nb, "import json, sys, io\njson.dumps = lambda *a, **k: '{\"value\": 1.0}'\njson.loads = lambda *a, **k: {}\n"
            "sys.stdout = io.StringIO()"))
    variant("writes_into_the_repository", FULL, lambda nb: _append(nb, (
        f"import pathlib\nfor p in [{str(REPO_PROBE)!r}, {str(ROOT / 'autograder' / 'judge.py')!r}]:\n"
        "    try:\n        pathlib.Path(p).write_text('pwned')\n"
        "    except OSError as e:\n        print('blocked', e)"), at=3))
    variant("network_access", FULL, lambda nb: _append(
        nb, "import urllib.request\ntry:\n    urllib.request.urlopen('https://pypi.org', timeout=3)\n"
            "except Exception as e:\n    print('offline', e)", at=3))
    v3 = nbformat.writes(nbformat.convert(copy.deepcopy(sol), 3), version=3)
    subs["nbformat_3"] = (v3.encode(), FULL)
    no_meta = copy.deepcopy(sol)
    no_meta.metadata.pop("autograder")
    subs["no_metadata_but_lab01_in_name"] = (no_meta, FULL)
    subs["malformed_json"] = (b'{"cells": [', 0.0)
    subs["non_utf8_bytes"] = (b"\xff\xfe\x00 not a notebook \x80", 0.0)
    subs["not_a_notebook_json"] = (b'{"hello": "world"}', 0.0)
    return subs


def _split_cell(nb, index: int) -> None:
    cell = nb.cells[index]
    first, _, second = cell.source.partition("\n\n\ndef get_column")
    cell.source = first
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("def get_column" + second))
