"""Issue 18, item 4: the instructor's regrade (the grade of record), dry-run over local folders.

Local bare git repositories stand in for the students' GitHub repositories: each has commits
before and after the deadline. The end-to-end test runs the steps of .github/workflows/regrade.yml
through the CLI (plan -> fetch each shard -> grade each shard -> merge) and checks the grade of
record is what each student had pushed before the deadline.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.labs import get_lab
from autograder.seeding import submission_seed
from autograder.regrade import (
    TOKEN_ENV,
    RegradeError,
    Student,
    due,
    fetch,
    merge,
    parse_deadline,
    plan,
    read_roster,
    schedule,
    shard_of,
    write_merged,
)

from agtest_helpers import LAB, ROOT, SOLUTION

DEADLINE = "2026-11-30T23:59:00Z"
BEFORE, AFTER = "2026-11-29T12:00:00+00:00", "2026-12-01T08:00:00+00:00"
NOTEBOOK = get_lab("lab01").notebook
WORKFLOW = ROOT / ".github" / "workflows" / "regrade.yml"


def _git(*args: str, cwd: Path, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _repository(root: Path, name: str, commits: list[tuple[str, dict[str, bytes | str]]]) -> Path:
    """A bare repository ``root/name.git`` whose history is ``commits``: (date, {path: content});
    a str content is a symlink target."""
    work, bare = root / "work" / name, root / f"{name}.git"
    work.mkdir(parents=True)
    _git("init", "--quiet", "--initial-branch=main", cwd=work)
    for n, (when, files) in enumerate(commits):
        for path, content in files.items():
            (work / path).unlink(missing_ok=True)
            if isinstance(content, str):
                (work / path).symlink_to(content)
            else:
                (work / path).write_bytes(content)
        _git("add", "--all", cwd=work)
        _git("-c", "user.name=Student", "-c", "user.email=s@example.org", "commit", "--quiet", "-m", f"commit {n}",
             cwd=work, when=when)
    _git("clone", "--quiet", "--bare", str(work), str(bare), cwd=root)
    return bare


@pytest.fixture
def classroom(tmp_path) -> Path:
    """A roster of five students' repositories (local bare repos), each a case of the deadline."""
    solution, untouched = SOLUTION.read_bytes(), LAB.read_bytes()
    repos = tmp_path / "repos"
    repos.mkdir()
    histories = {
        "lab01-alice": [(BEFORE, {NOTEBOOK: solution}), (AFTER, {NOTEBOOK: untouched})],  # 12, not 0
        "lab01-bob": [(BEFORE, {NOTEBOOK: untouched}), (AFTER, {NOTEBOOK: solution})],  # 0, not 12
        "lab01-carol": [(AFTER, {NOTEBOOK: solution})],  # too late
        "lab01-dave": [(BEFORE, {"README.md": b"hello"}), (AFTER, {NOTEBOOK: solution})],  # no notebook in time
        "lab01-eve": [(BEFORE, {NOTEBOOK: "/etc/passwd"})],  # a symlink, not a notebook
    }
    paths = [_repository(repos, name, history) for name, history in histories.items()]
    roster = tmp_path / "roster" / "lab01.txt"
    roster.parent.mkdir()
    roster.write_text("# lab 1, fall 2026\n" + "".join(f"{p}\n" for p in paths) + "\n")
    return roster


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})


# -- the roster and the plan ---------------------------------------------------------------------

def test_a_text_roster_names_each_student_by_repository(tmp_path):
    roster = tmp_path / "r.txt"
    roster.write_text("course/lab01-alice  # a comment\n\nhttps://github.com/course/lab01-bob.git\n/srv/lab01-carol.git\n")
    assert read_roster(roster) == [Student("lab01-alice", "https://github.com/course/lab01-alice.git"),
                                   Student("lab01-bob", "https://github.com/course/lab01-bob.git"),
                                   Student("lab01-carol", "/srv/lab01-carol.git")]


def test_a_classroom_export_is_a_roster(tmp_path):
    roster = tmp_path / "grades.csv"
    roster.write_text("assignment_name,github_username,student_repository_url,points_awarded\n"
                      "lab01,alice,https://github.com/course/lab01-alice,3\nlab01,bob,,0\n")
    assert read_roster(roster) == [Student("lab01-alice", "https://github.com/course/lab01-alice")]


@pytest.mark.parametrize("line, why", [("--upload-pack=touch /tmp/x", "not owner/name"),
                                       ("course/lab01-alice\ncourse/lab01-alice", "more than once"),
                                       ("ssh://host/repo", "not owner/name"),
                                       ("https://github.com/x/..", "cannot name"),
                                       ("# nobody", "no repository")])
def test_a_bad_roster_is_refused_with_the_reason(tmp_path, line, why):
    roster = tmp_path / "r.txt"
    roster.write_text(line + "\n")
    with pytest.raises(RegradeError, match=why):
        read_roster(roster)


def test_the_plan_shards_every_student_exactly_once():
    students = [Student(f"s{i}", f"/r/s{i}") for i in range(45)]
    matrix = plan(students, per_shard=20)
    assert matrix == {"include": [{"shard": i, "shards": 3} for i in range(3)]}
    shards = [shard_of(students, job["shard"], job["shards"]) for job in matrix["include"]]
    assert sorted(s.name for shard in shards for s in shard) == sorted(s.name for s in students)
    assert [len(shard) for shard in shards] == [15, 15, 15]
    assert len(plan(students, per_shard=1, max_shards=10)["include"]) == 10
    with pytest.raises(RegradeError, match="shard 3 does not exist"):
        shard_of(students, 3, 3)


def test_on_a_schedule_the_lab_just_due_is_planned(tmp_path):
    (tmp_path / "deadlines.txt").write_text("# lab  deadline\nlab01 2026-11-30T23:59:00Z\nlab02 2026-12-07T23:59:00Z\n")
    (tmp_path / "lab01.csv").write_text("student_repository_url\nhttps://github.com/course/lab01-alice\n")
    now = parse_deadline("2026-12-01T00:30:00Z")
    planned = schedule(tmp_path, None, None, now, timedelta(hours=24))
    assert planned == {"lab": "lab01", "deadline": "2026-11-30T23:59:00Z", "roster": str(tmp_path / "lab01.csv"),
                       "shards": 1, "matrix": {"include": [{"shard": 0, "shards": 1}]}}
    assert due(tmp_path, parse_deadline("2026-12-02T00:30:00Z"), timedelta(hours=24)) is None
    assert schedule(tmp_path, None, None, parse_deadline("2026-12-02T00:30:00Z"), timedelta(hours=24))["shards"] == 0
    with pytest.raises(RegradeError, match="no roster for lab02"):
        schedule(tmp_path, None, None, parse_deadline("2026-12-08T00:30:00Z"), timedelta(hours=24))
    with pytest.raises(RegradeError, match="both the lab and its deadline"):
        schedule(tmp_path, "lab01", None, now, timedelta(hours=24))


def test_the_course_schedules_no_regrade_until_an_instructor_lists_a_deadline():
    assert due(ROOT / "roster", parse_deadline("2026-12-21T00:30:00Z"), timedelta(days=3650)) is None


def test_a_deadline_needs_a_time_zone():
    assert parse_deadline("2026-11-30T23:59:00+01:00").isoformat() == "2026-11-30T22:59:00+00:00"
    with pytest.raises(RegradeError, match="no time zone"):
        parse_deadline("2026-11-30T23:59:00")
    with pytest.raises(RegradeError, match="not an ISO 8601"):
        parse_deadline("next friday")


# -- fetching at the deadline --------------------------------------------------------------------

def test_fetch_takes_the_last_commit_before_the_deadline(classroom, tmp_path):
    into = tmp_path / "shard"
    found = {f.student: f for f in fetch(read_roster(classroom), parse_deadline(DEADLINE), NOTEBOOK, into)}
    assert (into / "lab01-alice" / NOTEBOOK).read_bytes() == SOLUTION.read_bytes()
    assert (into / "lab01-bob" / NOTEBOOK).read_bytes() == LAB.read_bytes()
    assert found["lab01-carol"].error == "no commit before the deadline" and not found["lab01-carol"].commit
    assert found["lab01-dave"].error == f"no {NOTEBOOK} at the deadline's commit"
    assert "not a regular file" in found["lab01-eve"].error
    assert sorted(p.name for p in into.iterdir()) == ["fetched.json", "lab01-alice", "lab01-bob"]
    assert [p.name for p in (into / "lab01-alice").iterdir()] == [NOTEBOOK]  # nothing else of the repository
    alice = _git("log", "--format=%H", "-1", "--before=2026-11-30", "main", cwd=classroom.parents[1] / "repos" /
                 "lab01-alice.git").strip()
    manifest = json.loads((into / "fetched.json").read_text())
    assert manifest["deadline"] == "2026-11-30T23:59:00+00:00" and manifest["notebook"] == NOTEBOOK
    assert {s["student"]: s["commit"] for s in manifest["students"]}["lab01-alice"] == alice


def test_the_token_travels_in_the_environment_and_never_into_a_message(tmp_path, monkeypatch):
    token = "ghs_0123456789abcdefSECRET"
    monkeypatch.setenv(TOKEN_ENV, token)
    (found,) = fetch([Student("lab01-x", f"/nonexistent/{token}/lab01-x.git")], parse_deadline(DEADLINE), NOTEBOOK,
                     tmp_path)
    assert "could not fetch" in found.error and "***" in found.error and token not in found.error
    assert token not in (tmp_path / "fetched.json").read_text().replace(f"/nonexistent/{token}/", "")


# -- merging -------------------------------------------------------------------------------------

def _shard(folder: Path, rows: list[dict], fetched: list[dict], deadline: str = "2026-11-30T23:59:00+00:00") -> Path:
    folder.mkdir(parents=True)
    (folder / "fetched.json").write_text(json.dumps({"deadline": deadline, "notebook": NOTEBOOK, "students": fetched}))
    with open(folder / "gradebook.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", "submission", "lab", "score", "max_score", "percent", "seed",
                                               "cos_sim", "feedback", "errors"], restval="")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _row(student: str, score: float) -> dict:
    return {"student": student, "submission": f"{student}/{NOTEBOOK}", "lab": "lab01", "score": score,
            "max_score": 12.0, "percent": round(100 * score / 12, 1), "seed": 7, "cos_sim": min(score, 2.0)}


def test_merge_puts_every_roster_student_in_once(tmp_path):
    students = [Student(n, f"/r/{n}") for n in ("a", "b", "c")]
    one = _shard(tmp_path / "0", [_row("a", 12.0)], [{"student": "a", "repository": "/r/a", "commit": "f00"},
                                                      {"student": "c", "repository": "/r/c", "error": "too late"}])
    two = _shard(tmp_path / "1", [_row("b", 6.0)], [{"student": "b", "repository": "/r/b", "commit": "ba5"}])
    rows, deadline = merge(students, [one, two], "lab01", 12.0)
    assert deadline == "2026-11-30T23:59:00+00:00"
    assert [(r["student"], r["score"], r["commit"]) for r in rows] == [("a", 12.0, "f00"), ("b", 6.0, "ba5"),
                                                                       ("c", 0, "")]
    assert rows[2]["errors"] == "too late" and rows[2]["max_score"] == 12.0
    write_merged(rows, tmp_path / "gradebook.csv")
    with open(tmp_path / "gradebook.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0])[:4] == ["student", "submission", "commit", "lab"]
    assert [row["score"] for row in table] == ["12.0", "6.0", "0"] and table[1]["cos_sim"] == "2.0"


def test_merge_refuses_a_missing_duplicated_or_unknown_student(tmp_path):
    students = [Student(n, f"/r/{n}") for n in ("a", "b", "c")]
    one = _shard(tmp_path / "0", [_row("a", 12.0), _row("x", 1.0), {**_row("c", 1.0), "lab": "lab02"}],
                 [{"student": "a", "repository": "/r/a"}, {"student": "c", "repository": "/r/c"}])
    two = _shard(tmp_path / "1", [_row("a", 3.0)], [{"student": "a", "repository": "/r/a"}],
                 deadline="2026-12-01T00:00:00+00:00")
    with pytest.raises(RegradeError) as err:
        merge(students, [one, two], "lab01", 12.0)
    problems = str(err.value).splitlines()[1:]
    assert sorted(p.strip() for p in problems) == [
        "a: fetched 2 times", "a: graded 2 times", "b: in no shard's gradebook or manifest",
        "c: graded as 'lab02', not lab01", "the shards were fetched for different deadlines: "
        "['2026-11-30T23:59:00+00:00', '2026-12-01T00:00:00+00:00']", "x: graded but never fetched",
        "x: not on the roster"]


def test_merge_refuses_a_shard_whose_points_are_not_numbers(tmp_path):
    shard = _shard(tmp_path / "0", [{**_row("a", 12.0), "score": "=1+1"}], [])
    with pytest.raises(RegradeError, match="'score' holds '=1\\+1', not a number"):
        merge([Student("a", "/r/a")], [shard], "lab01", 12.0)


# -- the workflow that runs these steps --------------------------------------------------------

def test_the_classroom_feedback_gets_no_secret_and_says_it_is_not_the_grade():
    template = (ROOT / "autograder" / "templates" / "classroom.yml").read_text()
    assert "secrets." not in template and "AUTOGRADER_SECRET:" not in template
    comments = " ".join(line.lstrip("# ") for line in template.splitlines() if line.startswith("#"))
    assert "fast feedback, not the grade of record" in comments and "regrade.yml" in comments


def test_the_workflow_runs_the_steps_with_the_secret_only_where_grading_needs_it():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert set(workflow["on"]) == {"workflow_dispatch", "schedule"}
    assert {"lab", "deadline"} <= set(workflow["on"]["workflow_dispatch"]["inputs"])
    jobs = workflow["jobs"]
    assert list(jobs) == ["plan", "grade", "merge"]
    assert "regrade plan" in " ".join(s.get("run", "") for s in jobs["plan"]["steps"])
    assert jobs["grade"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.plan).matrix }}"
    assert jobs["grade"]["environment"] == "grading"  # the secrets live in an environment limited to main
    text = WORKFLOW.read_text()
    assert text.count("secrets.AUTOGRADER_SECRET") == 1 and text.count(f"secrets.{TOKEN_ENV}") == 1
    grade_steps = jobs["grade"]["steps"]
    secret_step = next(s for s in grade_steps if "AUTOGRADER_SECRET" in s.get("env", {}))
    assert "regrade fetch" not in secret_step["run"] and " grade " in secret_step["run"]
    assert "sudo --preserve-env=AUTOGRADER_SECRET" in secret_step["run"] and "--workers 2" in secret_step["run"]
    fetch_step = next(s for s in grade_steps if "regrade fetch" in s.get("run", ""))
    assert set(fetch_step["env"]) >= {TOKEN_ENV} and "AUTOGRADER_SECRET" not in fetch_step.get("env", {})
    merge_runs = " ".join(s.get("run", "") for s in jobs["merge"]["steps"])
    assert "regrade merge" in merge_runs and "GITHUB_STEP_SUMMARY" in merge_runs
    assert all(job.get("permissions") == {"contents": "read"} or "permissions" not in job for job in jobs.values())
    assert workflow["permissions"] == {"contents": "read"}


# -- the dry run: plan -> fetch -> grade -> merge, through the CLI -------------------------------

@pytest.mark.slow  # grades two notebooks in the sandbox
@pytest.mark.notebooks
def test_dry_run_of_the_regrade_over_local_repositories(classroom, tmp_path):
    planned = cli("regrade", "plan", "--roster-dir", str(classroom.parent), "--lab", "lab01", "--deadline", DEADLINE,
                  "--per-shard", "2")
    assert planned.returncode == 0, planned.stderr
    print(f"plan: {planned.stdout}")
    plan_ = json.loads(planned.stdout)
    assert (plan_["lab"], plan_["deadline"], plan_["roster"]) == ("lab01", DEADLINE, str(classroom))
    jobs = plan_["matrix"]["include"]
    assert len(jobs) == plan_["shards"] == 3
    shards = []
    for job in jobs:  # what each job of the matrix does
        shard = tmp_path / "artifacts" / f"shard-{job['shard']}"
        fetched = cli("regrade", "fetch", str(classroom), "--lab", "lab01", "--deadline", DEADLINE,
                      "--shard", str(job["shard"]), "--shards", str(job["shards"]), "--into", str(shard))
        assert fetched.returncode == 0, fetched.stderr
        graded = cli("grade", str(shard), "--lab", "lab01", "--csv", str(shard / "gradebook.csv"), "--workers", "2",
                     "--cell-timeout", "20", "--call-timeout", "5", "--total-timeout", "180",
                     env={"AUTOGRADER_SECRET": "course secret"})
        assert graded.returncode == 0, graded.stderr
        print(f"shard {job['shard']}/{job['shards']}:\n{fetched.stdout}{graded.stdout}")
        shards.append(str(shard))
    merged = cli("regrade", "merge", str(classroom), *shards, "--lab", "lab01", "--csv", str(tmp_path / "grades.csv"),
                 "--summary", str(tmp_path / "summary.md"))
    assert merged.returncode == 0, merged.stderr
    summary = (tmp_path / "summary.md").read_text()
    print(merged.stdout + summary)
    with open(tmp_path / "grades.csv", newline="") as f:
        grades = {row["student"]: row for row in csv.DictReader(f)}
    assert {name: float(row["score"]) for name, row in grades.items()} == {
        "lab01-alice": 12, "lab01-bob": 0, "lab01-carol": 0, "lab01-dave": 0, "lab01-eve": 0}
    assert grades["lab01-carol"]["errors"] == "no commit before the deadline"
    assert len(grades["lab01-alice"]["commit"]) == 40
    # the hidden cases of the grade of record cannot be computed at home: the seed needs the secret
    cells = [str(c.source) for c in nbformat.read(SOLUTION, as_version=4).cells
             if c.cell_type == "code" and str(c.source).strip()]
    assert int(grades["lab01-alice"]["seed"]) == submission_seed(cells, "course secret") != submission_seed(cells, "")
    assert "students: 5; graded: 2; nothing to grade: 3" in summary
    refused = cli("regrade", "merge", str(classroom), *shards[:2], "--lab", "lab01", "--csv", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "in no shard's gradebook" in refused.stderr
