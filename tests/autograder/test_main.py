"""The command line: exit codes, the last line, the reports and the summary helper."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from agtest_helpers import LAB, ROOT, SOLUTION

FAST = ["--cell-timeout", "20", "--call-timeout", "5", "--total-timeout", "120"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=ROOT)


def test_not_a_notebook_exits_2_with_a_message(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(b"\x80\x81")
    result = run("grade", str(bad), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 2 and "not UTF-8" in result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["errors"]


def test_unknown_lab_exits_2(tmp_path):
    result = run("grade", str(SOLUTION), "--lab", "lab99")
    assert result.returncode == 2 and "unknown lab" in result.stderr


def test_folder_without_csv_exits_2(tmp_path):
    assert run("grade", str(tmp_path)).returncode == 2


@pytest.mark.slow
@pytest.mark.notebooks
def test_solution_scores_full_marks_with_json_and_junit(tmp_path):
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    result = run("grade", str(SOLUTION), "--json", str(report), "--junit", str(junit), *FAST)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "score: 12/12"
    data = json.loads(report.read_text())
    assert set(data) == {"lab", "score", "max_score", "exercises", "errors"}
    assert data["lab"] == "lab01" and data["score"] == data["max_score"] == 12 and data["errors"] == []
    assert {"name", "score", "max_score", "passed", "feedback"} == set(data["exercises"][0])
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "9" and suite.get("failures") == "0"
    summary = run("summary", str(report))
    assert summary.returncode == 0 and "| cos_sim | 2/2 | ✅ |" in summary.stdout
    classroom = json.loads(base64.b64decode(run("summary", str(report), "--format", "classroom").stdout))
    assert classroom["max_score"] == 12 and sum(t["score"] for t in classroom["tests"]) == 12


@pytest.mark.slow
@pytest.mark.notebooks
def test_untouched_lab_scores_zero_and_fail_under_exits_1(tmp_path):
    result = run("grade", str(LAB), "--fail-under", "50", "--json", str(tmp_path / "r.json"), *FAST)
    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1] == "score: 0/12"
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 0


def test_summary_rejects_a_file_that_is_not_a_report(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]")
    assert run("summary", str(path)).returncode == 2


def test_classroom_workflow_template_grades_and_reports():
    workflow = yaml.safe_load((ROOT / "autograder" / "templates" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "python -m autograder grade" in commands and "--junit report.xml" in commands
    assert "GITHUB_STEP_SUMMARY" in commands
    assert any("autograding-grading-reporter" in step.get("uses", "") for step in steps)
