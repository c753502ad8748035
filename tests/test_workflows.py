"""The GitHub Actions workflows (and the Classroom template) pass actionlint and zizmor, and do
what the course promises: CI runs the README's test command, publish deploys the site with the
official Pages actions and pushes the Colab notebooks, a weekly job checks links."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CLASSROOM = ROOT / "autograder" / "templates" / "classroom.yml"
ALL = [*WORKFLOWS, CLASSROOM]
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    found = Path(sys.executable).parent / name
    if found.exists():
        return str(found)
    if which := shutil.which(name):
        return which
    pytest.fail(f"{name} is not installed; it is pinned in requirements.txt (make setup)")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "publish.yml", "linkcheck.yml"}


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_actionlint_finds_nothing(path):
    result = subprocess.run([tool("actionlint"), "-no-color", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"actionlint on {path.name}:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_zizmor_finds_nothing(path):
    result = subprocess.run([tool("zizmor"), "--offline", "--format", "json", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    findings = json.loads(result.stdout or "[]")
    summary = [f"{f['ident']}: {f['desc']}" for f in findings]
    assert findings == [], f"zizmor on {path.name}: {summary}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_action_is_pinned_by_commit_sha(path):
    uses = [step["uses"] for step in steps(load(path)) if "uses" in step]
    unpinned = [u for u in uses if not SHA_PIN.match(u)]
    assert unpinned == [], f"{path.name}: pin these by a full commit SHA (tag as a comment): {unpinned}"


def test_ci_runs_the_readme_test_command_on_push_and_pull_request():
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    runs = " ".join(step.get("run", "") for step in steps(workflow))
    assert "bash .ci/run" in runs
    assert "make test" in (ROOT / ".ci" / "run").read_text() and "make test" in (ROOT / "README.md").read_text()
    cached = " ".join(str(step.get("with", {}).get("path", "")) for step in steps(workflow))
    assert ".cache/pip" in cached and "_build/.jupyter_cache" in cached


RESULT_PATHS = ("_build/.jupyter_cache", ".cache/embedlab")
RESULT_INPUTS = ("book/**", "embedlab/**", "requirements.txt", "requirements-nodeps.txt", "constraints.txt",
                 "pyproject.toml", "_config.yml")


def result_caches(path: Path) -> list[dict]:
    """The cache steps of a workflow that hold computed results (executed chapters, cached())."""
    return [step["with"] for step in steps(load(path)) if "actions/cache" in step.get("uses", "")
            and any(p in str(step["with"].get("path", "")) for p in RESULT_PATHS)]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_result_caches_come_only_from_the_same_code(path):
    """A results cache is keyed by every file that computes the results and is never restored from
    a prefix match (restore-keys), which would bring back results of older code."""
    for cache in result_caches(path):
        assert "restore-keys" not in cache, f"{path.name}: a results cache must not fall back to older entries"
        inputs = re.findall(r"'([^']+)'", re.search(r"hashFiles\(([^)]*)\)", cache["key"]).group(1))
        assert set(RESULT_INPUTS) <= set(inputs), f"{path.name}: the key misses {set(RESULT_INPUTS) - set(inputs)}"
    keys = {cache["key"] for p in WORKFLOWS for cache in result_caches(p)}
    assert len(keys) == 1, f"the workflows should share one results key, not {keys}"


def test_ci_containers_let_the_grading_sandbox_create_namespaces():
    """bwrap needs namespaces and a tmpfs, which Docker refuses a default container; the
    grading tests run strict under CI=true, so the test job's container must be privileged."""
    job = load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]["test"]
    container = job["container"]
    assert isinstance(container, dict) and "--privileged" in container.get("options", "")


def test_publish_deploys_pages_and_the_colab_notebooks():
    workflow = load(ROOT / ".github" / "workflows" / "publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    uses = [step["uses"].split("@")[0] for step in steps(workflow) if "uses" in step]
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    runs = " ".join(step.get("run", "") for step in steps(workflow))
    assert "make book" in runs and "make colab" in runs
    branch = load(ROOT / "_config.yml")["sphinx"]["config"]["colab_notebooks_branch"]
    assert "push --force" in runs and runs.rstrip().endswith(branch)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_link_check_is_scheduled():
    workflow = load(ROOT / ".github" / "workflows" / "linkcheck.yml")
    assert workflow["on"]["schedule"]
    assert "make linkcheck" in " ".join(step.get("run", "") for step in steps(workflow))
    assert "--builder linkcheck" in (ROOT / "Makefile").read_text()
