"""The set-up files agree with each other: one pinned stack for venv, conda and CI."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)", line.strip())
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_torch_is_pinned_in_constraints_not_in_package_metadata():
    assert _pins(ROOT / "constraints.txt")["torch"] == "2.13.0"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *(d for group in project["optional-dependencies"].values() for d in group)]
    assert not [d for d in declared if d.startswith("torch")], "Colab brings its own torch: do not pin it here"


def test_requirements_agree_with_constraints():
    requirements, constraints = _pins(ROOT / "requirements.txt"), _pins(ROOT / "constraints.txt")
    assert "-c constraints.txt" in (ROOT / "requirements.txt").read_text()
    for name, version in requirements.items():
        assert constraints.get(name) == version, f"{name}=={version} in requirements.txt disagrees with constraints.txt"


def test_conda_environment_installs_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.txt" in pip_section
    assert any(d.startswith("python=3.11") for d in env["dependencies"] if isinstance(d, str))


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
