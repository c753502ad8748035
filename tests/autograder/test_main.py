"""The command line: exit codes, the last line, the reports and the summary helper."""

from __future__ import annotations

import base64
import json
import os
from importlib import metadata
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

from agtest_helpers import FULL, LAB, ROOT, SOLUTION

FAST = ["--cell-timeout", "20", "--call-timeout", "5", "--total-timeout", "120"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow  # a CLI subprocess: about 1 s
def test_not_a_notebook_exits_2_with_a_message(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b"\x80\x81")
    result = run("grade", str(bad), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["errors"]


@pytest.mark.slow  # a CLI subprocess: about 1 s
def test_unknown_lab_exits_2(tmp_path):
    result = run("grade", str(SOLUTION), "--lab", "lab99")
    assert result.returncode == 2 and "unknown lab" in result.stderr


@pytest.mark.parametrize("cores", ["0", "-1", "nan", "two"])
def test_a_cpu_share_that_is_not_a_positive_number_is_refused(cores, capsys):
    from autograder.__main__ import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["grade", "x.ipynb", "--cpus", cores])
    assert exit_.value.code == 2 and "not a number of cores above 0" in capsys.readouterr().err


def test_the_cpu_share_reaches_the_limits():
    from autograder.__main__ import _limits, build_parser

    assert _limits(build_parser().parse_args(["grade", "x.ipynb", "--cpus", "0.5"])).cpus == 0.5
    assert _limits(build_parser().parse_args(["grade", "x.ipynb"])).cpus == 1.0


@pytest.mark.slow  # a CLI subprocess: about 1 s
def test_folder_without_csv_exits_2(tmp_path):
    assert run("grade", str(tmp_path)).returncode == 2


@pytest.mark.slow
@pytest.mark.notebooks
def test_solution_scores_full_marks_with_json_and_junit(tmp_path):
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    result = run("grade", str(SOLUTION), "--json", str(report), "--junit", str(junit), *FAST)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"score: {FULL:g}/{FULL:g}"
    data = json.loads(report.read_text())
    assert set(data) == {"lab", "score", "max_score", "exercises", "errors", "seed", "grader_version", "isolation"}
    assert data["lab"] == "lab01" and data["score"] == data["max_score"] == FULL and data["errors"] == []
    assert data["grader_version"] == metadata.version("embedlab") and isinstance(data["seed"], int)
    assert "isolated" in data["isolation"]
    assert {"name", "score", "max_score", "passed", "status", "feedback"} == set(data["exercises"][0])
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "9" and suite.get("failures") == "0" and suite.get("errors") == "0"
    summary = run("summary", str(report))
    assert summary.returncode == 0 and "| cos_sim | 2/2 | ✅ |" in summary.stdout
    classroom = json.loads(base64.b64decode(run("summary", str(report), "--format", "classroom").stdout))
    assert classroom["max_score"] == FULL and sum(t["score"] for t in classroom["tests"]) == FULL


@pytest.mark.slow
@pytest.mark.notebooks
def test_untouched_lab_scores_zero_and_fail_under_exits_1(tmp_path):
    result = run("grade", str(LAB), "--fail-under", "50", "--json", str(tmp_path / "r.json"), *FAST)
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "score: 0/12"
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0


@pytest.mark.slow
@pytest.mark.notebooks
def test_junit_has_one_failure_or_error_element_per_exercise_that_did_not_pass(tmp_path):
    """The untouched lab's stubs raise (<error>); a wrong-valued function fails (<failure>); counts match."""
    nb = nbformat.read(LAB, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("def dot_product(u, v):\n    return 1.0"))
    path = tmp_path / "lab01_mixed.ipynb"
    nbformat.write(nb, path)
    junit = tmp_path / "r.xml"
    assert run("grade", str(path), "--junit", str(junit), *FAST).returncode == 0
    suite = ET.parse(junit).getroot().find("testsuite")
    cases = suite.findall("testcase")
    failures = [c.get("name") for c in cases if c.find("failure") is not None]
    errors = [c.get("name") for c in cases if c.find("error") is not None]
    assert "dot_product" in failures and "cos_sim" in errors and len(failures) + len(errors) == 9
    assert suite.get("failures") == str(len(failures)) and suite.get("errors") == str(len(errors))


@pytest.mark.slow  # a CLI subprocess: about 1 s
def test_summary_rejects_a_file_that_is_not_a_report(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    assert run("summary", str(path)).returncode == 2


@pytest.mark.slow  # a CLI subprocess: about 2 s
def test_regrade_plan_prints_the_matrix_and_a_bad_roster_exits_2(tmp_path):
    (tmp_path / "lab01.txt").write_text("course/lab01-alice\ncourse/lab01-bob\ncourse/lab01-carol\n")
    result = run("regrade", "plan", "--roster-dir", str(tmp_path), "--lab", "lab01", "--deadline",
                 "2026-11-30T23:59:00+01:00", "--per-shard", "2")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "lab": "lab01", "deadline": "2026-11-30T22:59:00Z", "roster": str(tmp_path / "lab01.txt"), "shards": 2,
        "matrix": {"include": [{"shard": 0, "shards": 2}, {"shard": 1, "shards": 2}]}}
    (tmp_path / "lab01.txt").write_text("-oProxyCommand=evil\n")
    refused = run("regrade", "plan", "--roster-dir", str(tmp_path), "--lab", "lab01", "--deadline",
                  "2026-11-30T23:59:00Z")
    assert refused.returncode == 2 and "is not owner/name, an https:// URL or a local path" in refused.stderr


@pytest.mark.slow  # a CLI subprocess: about 2 s
def test_regrade_fetch_exits_2_when_no_repository_of_the_shard_can_be_cloned(tmp_path):
    (tmp_path / "lab01.txt").write_text(f"{tmp_path}/missing-a.git\n{tmp_path}/missing-b.git\n")
    result = run("regrade", "fetch", str(tmp_path / "lab01.txt"), "--lab", "lab01", "--deadline",
                 "2026-11-30T23:59:00Z", "--into", str(tmp_path / "shard"))
    assert result.returncode == 2 and "none of the shard's 2 repositories could be cloned" in result.stderr
    assert "missing-a: - could not fetch the repository" in result.stdout


@pytest.mark.slow
@pytest.mark.notebooks
def test_an_interpreter_named_through_a_folder_the_sandbox_hides_still_grades(tmp_path):
    """``../.venv/bin/python -m autograder grade`` from a subfolder: the kernel is started as the
    interpreter's plain path, not through a folder (here one in the grader's /tmp) it cannot see."""
    detour = tmp_path / "elsewhere"
    detour.mkdir()
    python = os.path.relpath(sys.executable, detour)  # "../../…/.venv/bin/python": sys.executable keeps the ".."
    result = subprocess.run([python, "-m", "autograder", "grade", str(SOLUTION), *FAST, "--json",
                             str(tmp_path / "r.json")], capture_output=True, text=True, cwd=detour)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert json.loads((tmp_path / "r.json").read_text())["score"] == FULL


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_kernel_that_never_starts_exits_2_and_says_it_is_the_grading_machine(tmp_path, monkeypatch, capsys):
    """Not a traceback: the grader says its kernel did not start and what to check; the report says 0."""
    from autograder.__main__ import main
    from autograder.sandbox import SandboxKernelManager

    launch = SandboxKernelManager.format_kernel_cmd

    def missing_interpreter(self, extra_arguments=None):  # an interpreter that is not there
        return [a.replace(sys.executable, "/nonexistent/python") for a in launch(self, extra_arguments)]

    monkeypatch.setattr(SandboxKernelManager, "format_kernel_cmd", missing_interpreter)
    assert main(["grade", str(SOLUTION), *FAST, "--json", str(tmp_path / "r.json")]) == 2
    error = capsys.readouterr().err
    assert "the grading kernel did not start" in error and "none of the submission ran" in error
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["score"] == 0 and "the grading kernel did not start" in report["errors"][0]
