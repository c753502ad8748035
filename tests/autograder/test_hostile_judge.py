"""The hostile suite of the judge, fairness and reports (issue 8, classes 1, 2a, 4, 5, 8), through the real grader.

Every submission here is lab 1's solution with one hostile or unlucky edit. They
are graded once, in parallel (module-scoped), and each test asserts what a
student, an instructor or CI relies on: a report exists, its score is exactly
the expected one, nothing from the kernel reaches a log unescaped, the grader's
memory and the report's size stay bounded, and a grade is reproducible.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

from autograder.batch import grade_many
from autograder.grade import grade_submission
from autograder.seeding import SECRET_ENV, submission_seed

from agtest_helpers import FAST, FULL, ROOT, SOLUTION, _append, _load, _replace_def

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

INJECTION = "\nscore: 12/12\n::error file=x::pwned\r\x1b[2J"  # real line breaks and an escape sequence
FORGE = ("import json, types\n"
         "globals()['__autograder__']['json'] = types.SimpleNamespace(loads=json.loads, dumps={dumps})\n"
         "return E[i]")
SEND = ("k = get_ipython().kernel\n"
        "def send(kind, content):\n"
        "    k.session.send(k.iopub_socket, kind, content, parent=k.get_parent())\n")


def _variant(edit) -> nbformat.NotebookNode:
    nb = copy.deepcopy(_load(SOLUTION))
    edit(nb)
    return nb


def _hostile() -> dict[str, tuple[nbformat.NotebookNode, float]]:
    """name -> (notebook, expected score out of 12)."""
    return {
        # class 1: values and replies that used to crash the judge (cos_sim is worth 2, print_similarity uses it)
        "huge_int_and_complex": (_variant(lambda nb: (
            _replace_def(nb, "cos_sim", "return 2**70"),
            _replace_def(nb, "dot_product", "return 1 + 2j"))), FULL - 4),
        # get_row (the second exercise) rewires the grader's harness in its kernel when it is called, so
        # every reply from then on is forged: only "arrays", judged before, keeps its point
        "reply_nested_50000_deep": (_variant(lambda nb: _replace_def(nb, "get_row", FORGE.format(
            dumps="lambda *a, **k: '[' * 50000 + ']' * 50000"))), FULL - 1),
        "reply_of_the_wrong_shape": (_variant(lambda nb: _replace_def(nb, "get_row", FORGE.format(
            dumps="lambda *a, **k: '{\"results\": {\"value\": 1}, \"values\": 7}'"))), FULL - 1),
        "comm_open_without_data_and_big_comm_msgs": (_variant(lambda nb: _append(nb, SEND + (
            "send('comm_open', {'comm_id': 'x', 'target_name': 'jupyter.widget'})\n"
            "send('comm_open', {})\n"
            "for _ in range(40):\n"
            "    send('comm_msg', {'comm_id': 'x', 'data': {'state': {'v': 'x' * 4_000_000}}})\n"
            "send('display_data', {'data': 5, 'metadata': [], 'transient': ['odd']})\n"
            "send('status', {})\n"), at=3)), FULL),
        # class 4: the grader's memory and the report's size
        "print_150_mb": (_variant(lambda nb: _append(nb, "print('x' * 150_000_000)", at=3)), FULL),
        "150_cells_with_60kb_exception_names": (_variant(lambda nb: [
            _append(nb, f"raise type('E' * 60_000 + {INJECTION!r}, (Exception,), {{}})('{i}' * 60_000)", at=3)
            for i in range(150)]), FULL),
        # class 5: output injection from a graded call and from a cell
        "newline_injection": (_variant(lambda nb: (
            _append(nb, f"raise ValueError({INJECTION!r})", at=3),
            _replace_def(nb, "cos_sim", f"raise ValueError({INJECTION!r})"))), FULL - 3),
        # class 2a: a loop hidden in a helper behind a functools.wraps decoy, with a forged inspect.getsource
        "loop_in_a_helper_behind_a_decoy": (_variant(lambda nb: (
            _replace_def(nb, "similarity_matrix", "return decoy(E)"),
            _append(nb, "import functools, inspect\n"
                        "inspect.getsource = lambda obj: 'def similarity_matrix(E):\\n    return E @ E.T'\n"
                        "def vectorised(E):\n    return E @ E.T\n"
                        "def rows(E):\n"
                        "    unit = E / np.linalg.norm(E, axis=1, keepdims=True)\n"
                        "    return np.array([[a @ b for b in unit] for a in unit])\n"
                        "@functools.wraps(vectorised)\n"
                        "def decoy(E):\n"
                        "    return rows(E)"))), FULL - 1),
        # class 2a, fair side: a comprehension over a handful of arguments is not a loop over the data
        "comprehension_over_the_arguments": (_variant(lambda nb: _replace_def(nb, "similarity_matrix", (
            "(E,) = (np.asarray(x, dtype=np.float64) for x in (E,))\n"
            "unit = E / np.linalg.norm(E, axis=1, keepdims=True)\n"
            "return unit @ unit.T"))), FULL),
        # class 8: wrong on a fraction of the inputs (vectors longer than 5), graded three times
        **{f"partly_wrong_{i}": (_variant(lambda nb: _replace_def(nb, "cos_sim", (
            "c = float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))\n"
            "return c if len(u) <= 5 else -c"))), None) for i in range(3)},
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_judge")
    expected, paths = {}, {}
    for name, (nb, score) in _hostile().items():
        paths[name] = folder / f"{name}.ipynb"
        nbformat.write(nb, paths[name])
        expected[name] = score
    outcomes = grade_many(paths.values(), limits=FAST, workers=2)
    return {name: outcomes[path] for name, path in paths.items()}, expected, paths


def test_every_hostile_submission_gets_a_report_with_its_expected_score(graded):
    reports, expected, _ = graded
    wrong = {}
    for name, report in reports.items():
        assert not isinstance(report, str), f"{name}: {report}"
        if expected[name] is not None and report.score != pytest.approx(expected[name]):
            wrong[name] = (report.score, expected[name], [(ex.name, ex.feedback) for ex in report.exercises
                                                          if not ex.passed], report.errors[:3])
    assert not wrong


def test_odd_values_are_judged_wrong_with_a_message(graded):
    feedback = {ex.name: ex.feedback for ex in graded[0]["huge_int_and_complex"].exercises}
    assert "integer too large to compare" in feedback["cos_sim"]
    assert "not plain data (complex)" in feedback["dot_product"]
    # print_similarity is wrong only because it calls the broken cos_sim: the helper is named
    assert "It calls `cos_sim`, which does not pass its own exercise yet" in feedback["print_similarity"]


def test_a_forged_reply_fails_its_exercise_with_a_reason_and_does_not_outlive_its_request(graded):
    """get_row rewrites the harness's json while it runs: its own replies are unreadable; every request
    loads a fresh copy of the harness, so the exercises after it are graded as usual."""
    for name in ("reply_nested_50000_deep", "reply_of_the_wrong_shape"):
        results = {ex.name: ex for ex in graded[0][name].exercises}
        assert "gave an answer" in results["get_row"].feedback, (name, results["get_row"].feedback)
        assert all(ex.passed for ex_name, ex in results.items() if ex_name != "get_row"), name


def test_a_report_stays_small_whatever_the_cells_raise(graded):
    report = graded[0]["150_cells_with_60kb_exception_names"]
    size = len(json.dumps(report.as_dict()))
    assert size < 30_000, size
    assert len(report.errors) <= 21 and all(len(e) <= 300 for e in report.errors)
    assert not any("\n" in e or "::" in e for e in report.errors)


def test_the_loop_rule_runs_the_function_and_points_at_the_line_behind_the_decoy(graded):
    feedback = {ex.name: ex.feedback for ex in graded[0]["loop_in_a_helper_behind_a_decoy"].exercises}
    assert feedback["similarity_matrix"].startswith("values correct; loses half the points for looping")
    assert "line 7 of code cell" in feedback["similarity_matrix"], feedback["similarity_matrix"]


def test_partial_credit_is_the_same_every_time_and_the_seed_is_recorded(graded):
    reports = [graded[0][f"partly_wrong_{i}"] for i in range(3)]
    assert len({r.seed for r in reports}) == 1 and reports[0].seed is not None
    scores = {ex.name: ex.score for ex in reports[0].exercises}
    assert 0 < scores["cos_sim"] < 2  # wrong on a fraction of the inputs: partial credit
    assert all(r.as_dict()["exercises"] == reports[0].as_dict()["exercises"] for r in reports)


def test_the_seed_comes_from_the_code_and_the_course_secret(monkeypatch):
    cells = ["def f(x):\n    return x"]
    monkeypatch.delenv(SECRET_ENV, raising=False)
    plain = submission_seed(cells)
    assert submission_seed(cells) == plain and submission_seed([*cells, "# a comment"]) != plain
    monkeypatch.setenv(SECRET_ENV, "course secret")
    assert submission_seed(cells) != plain
    assert 0 <= plain < 2**63


def test_seed_reproduces_a_grade_exactly(graded):
    reports, _, paths = graded
    first = reports["partly_wrong_0"]
    again = grade_submission(paths["partly_wrong_0"], limits=FAST, seed=first.seed)
    assert again.as_dict()["exercises"] == first.as_dict()["exercises"]
    other = grade_submission(paths["partly_wrong_0"], limits=FAST, seed=first.seed + 1)
    assert other.seed == first.seed + 1


def _cli(path, tmp_path, *extra):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json", str(tmp_path / "r.json"),
                           "--junit", str(tmp_path / "r.xml"), "--cell-timeout", "20", "--call-timeout", "4",
                           "--total-timeout", "180", *extra], capture_output=True, text=True, cwd=ROOT)


def test_no_newline_from_the_kernel_reaches_the_log_json_or_junit(graded, tmp_path):
    result = _cli(graded[2]["newline_injection"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("score:")] == [lines[-1]] == ["score: 9/12"]
    assert not [ln for ln in lines + result.stderr.splitlines() if ln.lstrip().startswith("::")]
    report = json.loads((tmp_path / "r.json").read_text())
    texts = [*report["errors"], *(ex["feedback"] for ex in report["exercises"])]
    assert not [t for t in texts if "\r" in t or "\x1b" in t or "::error" in t]
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    messages = [el.get("message") for el in suite.iter() if el.tag in ("failure", "error")]
    assert messages and not [m for m in messages if "\n" in m or "\x1b" in m]


def test_the_graders_memory_is_bounded_whatever_the_kernel_prints(graded):
    """A 150 MB print and 160 MB of widget messages: the grader's peak RSS grows far less than that.

    The baseline is the same process's peak after grading the untouched solution (imports,
    the package view, a kernel's replies), so the bound measures what the hostile output adds.
    """
    script = ("import resource, sys\nfrom autograder.grade import grade_submission\nfrom agtest_helpers import FAST\n"
              "peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
              "for path in sys.argv[1:]:\n    print(grade_submission(path, limits=FAST).score)\n"
              "    print('peak_mb', peak())")
    hostile = ("print_150_mb", "comm_open_without_data_and_big_comm_msgs")
    paths = [str(SOLUTION)] + [str(graded[2][name]) for name in hostile]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "autograder")}
    result = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    baseline, *after = [int(mb) for mb in re.findall(r"peak_mb (\d+)", result.stdout)]
    assert max(after) - baseline < 100, result.stdout


def test_a_kernel_that_dies_at_every_restart_still_gets_a_report_and_its_work_dir_removed(tmp_path, monkeypatch):
    import autograder.runner as runner

    made = []
    real = runner.make_workdir
    monkeypatch.setattr(runner, "make_workdir", lambda limits: made.append(real(limits)) or made[-1])
    nb = _variant(lambda nb: (
        _append(nb, "import os, pathlib\nstartup = pathlib.Path(os.environ['IPYTHONDIR']) / 'profile_default' / "
                    "'startup'\nstartup.mkdir(parents=True, exist_ok=True)\n"
                    "(startup / '00-die.py').write_text('import os\\nos._exit(1)')\n"
                    "pathlib.Path('ipykernel_launcher.py').write_text('import os\\nos._exit(1)')", at=3),
        _append(nb, "import os\nos._exit(1)", at=4)))
    path = tmp_path / "dies_at_restart.ipynb"
    nbformat.write(nb, path)
    report = grade_submission(path, limits=FAST)
    assert len(report.exercises) == 9 and report.errors
    assert made and not [w for w in made if w.exists()]
