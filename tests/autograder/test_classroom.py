"""Issue 8, class 7: the GitHub Classroom template posts points, and a student's checkout cannot shadow the grader.

actionlint and zizmor run on the template in tests/test_workflows.py; this file checks
what those linters cannot know: the contract with Classroom's reporter action and the
way the grader is started, and that each lab's workflow (``python -m autograder classroom LAB_ID``)
takes its lab and notebook names from the lab's spec.
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

from autograder.classroom import TEMPLATE, workflow
from autograder.labs import LABS, get_lab

from agtest_helpers import ROOT


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
    assert (result["status"], result["max_score"], result["tests"]) == ("error", get_lab("lab01").max_score, [])


# -- the lab's names come from its spec ----------------------------------------------------------------

def test_the_template_as_it_stands_is_a_registered_labs_workflow():
    env = _workflow()["env"]
    assert get_lab(env["LAB"]).notebook == env["NOTEBOOK"]


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_each_labs_workflow_names_its_spec_and_changes_nothing_else(lab_id):
    lab = get_lab(lab_id)
    text = workflow(lab)
    env = yaml.safe_load(text)["env"]
    assert (env["LAB"], env["NOTEBOOK"]) == (lab.id, lab.notebook)
    template = TEMPLATE.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(template, text.splitlines(), strict=True) if old != new]
    assert {new.split(":")[0].strip() for _, new in changed} <= {"LAB", "NOTEBOOK"}


def test_a_template_that_does_not_name_the_lab_once_is_refused():
    with pytest.raises(ValueError, match="LAB exactly once"):
        workflow(get_lab("lab02"), template="env:\n  NOTEBOOK: x.ipynb\n")


@pytest.mark.slow  # a CLI subprocess: about 1 s
def test_the_classroom_command_prints_the_labs_workflow():
    run = subprocess.run([sys.executable, "-m", "autograder", "classroom", "lab05"], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0 and run.stdout == workflow(get_lab("lab05"))
    unknown = subprocess.run([sys.executable, "-m", "autograder", "classroom", "lab99"], capture_output=True,
                             text=True, cwd=ROOT)
    assert unknown.returncode == 2 and "known labs: lab01" in unknown.stderr
