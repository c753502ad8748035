"""Issue 8, class 7: the GitHub Classroom template posts points, and a student's checkout cannot shadow the grader.

actionlint and zizmor run on the template in tests/test_workflows.py; this file checks
what those linters cannot know: the contract with Classroom's reporter action and the
way the grader is started.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from agtest_helpers import ROOT

TEMPLATE = ROOT / "autograder" / "templates" / "classroom.yml"


def _workflow() -> dict:
    return yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))


def _steps() -> list[dict]:
    return _workflow()["jobs"]["run-autograding-tests"]["steps"]


def test_the_job_keeps_the_id_the_reporter_looks_for_and_has_no_name():
    jobs = _workflow()["jobs"]
    assert list(jobs) == ["run-autograding-tests"]
    assert "name" not in jobs["run-autograding-tests"]


def test_the_reporter_reads_the_points_step_even_when_grading_failed():
    steps = _steps()
    reporter = next(s for s in steps if "autograding-grading-reporter@" in s.get("uses", ""))
    runners = reporter["with"]["runners"]
    assert re.fullmatch(r"([a-zA-Z0-9]+,)*[a-zA-Z0-9]+", runners)  # the reporter's own input check
    points = next(s for s in steps if s.get("id") == runners)
    assert reporter["env"][f"{runners.upper()}_RESULTS"] == f"${{{{ steps.{runners}.outputs.result }}}}"
    assert "--format classroom" in points["run"] and '--lab "$LAB"' in points["run"]
    grading = steps.index(next(s for s in steps if " grade " in s.get("run", "")))
    assert all(s.get("if") == "always()" for s in steps[grading + 1:])


def test_the_grader_runs_from_outside_the_checkout_as_an_installed_console_script():
    steps = _steps()
    runs = " ".join(s.get("run", "") for s in steps)
    assert "python -m autograder" not in runs and "-m autograder" not in runs
    for step in steps:
        if "embedlab-grade" in step.get("run", ""):
            assert step["working-directory"] == "${{ runner.temp }}"
            assert '"$RUNNER_TEMP/grader/bin/embedlab-grade"' in step["run"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["embedlab-grade"] == "autograder.__main__:main"


def test_the_course_package_is_pinned_to_a_tag_with_its_constraints_and_pip_is_cached():
    env = _workflow()["env"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", env["COURSE_REF"])
    install = next(s["run"] for s in _steps() if "pip\" install" in s.get("run", ""))
    assert "$COURSE_REF/constraints.txt" in install and "@$COURSE_REF" in install
    assert "apt-get install" in install and "bubblewrap" in install
    setup = next(s for s in _steps() if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"


@pytest.mark.slow  # installs the package into a fresh folder: over a second
def test_a_planted_autograder_package_shadows_python_m_but_not_the_console_script(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "autograder").mkdir(parents=True)
    (checkout / "autograder" / "__init__.py").write_text("")
    (checkout / "autograder" / "__main__.py").write_text("print('score: 12/12 (forged)')")
    planted = subprocess.run([sys.executable, "-m", "autograder", "summary", "x.json"], cwd=checkout,
                             capture_output=True, text=True)
    assert "forged" in planted.stdout  # the attack the template must avoid
    script = tmp_path / "bin" / "embedlab-grade"  # what pip writes for [project.scripts]
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport sys\nfrom autograder.__main__ import main\nsys.exit(main())\n")
    script.chmod(0o755)
    real = subprocess.run([str(script), "summary", "missing.json", "--lab", "lab01", "--format", "classroom"],
                          cwd=checkout, capture_output=True, text=True)
    assert "forged" not in real.stdout
    result = json.loads(base64.b64decode(real.stdout))
    assert (result["status"], result["max_score"], result["tests"]) == ("error", 12, [])  # posts 0/12
