"""The instructor's regrade, the grade of record: every student repository of a lab, as it was at the
deadline, graded with the course secret and merged into one gradebook.

GitHub Classroom's workflow runs in the student's own repository, which the student controls; its score
is fast feedback. This module is the other path, run by ``.github/workflows/regrade.yml`` in the
course (a job matrix, one job per shard), or locally over folders. Three steps, each a subcommand of
``python -m autograder regrade``:

- :func:`schedule` (``plan``): which lab and deadline (given, or the lab just due on a schedule),
  its roster and the roster's shards (:func:`plan`), as JSON for the job matrix;
- :func:`fetch`: one shard's repositories, cloned bare (no checkout: nothing of the repository runs,
  and only the lab's notebook is written out) at the last commit before the deadline, each notebook
  into ``DIR/<student>/``, plus a manifest of what was fetched (commit, or why nothing was);
- then ``python -m autograder grade DIR --csv gradebook.csv`` in the sandbox, with the secret;
- :func:`merge`: the shards' gradebooks -> one gradebook with every roster student exactly once (no
  submission: 0 and the reason) and a markdown summary.

A roster is a text file, one repository per line (``owner/name``, an ``https://`` URL, or a local
path for a dry run; ``#`` comments), or GitHub Classroom's grades export (a CSV with a
``student_repository_url`` column). A student is named by the repository's name, as Classroom's
downloads name the folders.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .batch import GRADEBOOK_COLUMNS, write_gradebook
from .inputs import MAX_NOTEBOOK_BYTES
from .safetext import clean

__all__ = ["CLONE_FAILED", "DEADLINES", "MANIFEST", "TOKEN_ENV", "Fetched", "RegradeError", "Student", "due",
           "fetch", "merge", "parse_deadline", "plan", "read_roster", "roster_file", "schedule", "shard_of",
           "summary_markdown", "write_merged"]

#: the environment variable that holds a token able to read the student repositories (never printed)
TOKEN_ENV = "REGRADE_TOKEN"
#: what :func:`fetch` writes next to the notebooks, and :func:`merge` reads beside each shard's gradebook
MANIFEST = "fetched.json"
#: how :attr:`Fetched.error` starts when git could not read the repository (not the student's doing)
CLONE_FAILED = "could not fetch the repository"
#: in the roster folder: each lab's deadline, for the scheduled regrade
DEADLINES = "deadlines.txt"
#: each shard's gradebook (``grade DIR --csv DIR/gradebook.csv``), beside its manifest
GRADEBOOK = "gradebook.csv"
_OWNER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_][A-Za-z0-9._-]*")
_STUDENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")
_TEXT_COLUMNS = {"student", "submission", "lab", "commit", "feedback", "errors"}
_GIT_TIMEOUT = 300


class RegradeError(RuntimeError):
    """The roster, a shard or the merge is not what it must be (the message says what and where)."""


@dataclass(frozen=True)
class Student:
    """One roster entry: the student's name (the repository's name) and where to clone it from."""

    name: str
    repository: str


@dataclass(frozen=True)
class Fetched:
    """What :func:`fetch` found for one student: the commit graded, or why there is nothing to grade."""

    student: str
    repository: str
    commit: str = ""
    error: str = ""


# -- the roster ---------------------------------------------------------------------------------

def _student(repository: str, where: str) -> Student:
    repository = repository.strip()
    if _OWNER_NAME.fullmatch(repository):
        url = f"https://github.com/{repository}.git"
    elif repository.startswith(("https://", "file://", "/")):
        url = repository
    else:
        raise RegradeError(f"{where}: {repository[:80]!r} is not owner/name, an https:// URL or a local path.")
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if not _STUDENT.fullmatch(name):
        raise RegradeError(f"{where}: the repository name {name[:80]!r} cannot name a student folder.")
    return Student(name, url)


def read_roster(path: str | Path) -> list[Student]:
    """The students of a roster file (text, or Classroom's CSV export), in its order; each name once."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RegradeError(f"{path}: cannot read the roster ({err}).") from None
    if path.suffix == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        if rows and "student_repository_url" not in rows[0]:
            raise RegradeError(f"{path}: a Classroom export needs a student_repository_url column.")
        entries = [(f"{path}:{n}", row["student_repository_url"]) for n, row in enumerate(rows, start=2)
                   if row["student_repository_url"].strip()]
    else:
        entries = [(f"{path}:{n}", line.split("#", 1)[0]) for n, line in enumerate(text.splitlines(), start=1)
                   if line.split("#", 1)[0].strip()]
    students = [_student(repository, where) for where, repository in entries]
    names = [s.name for s in students]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RegradeError(f"{path}: these students are on the roster more than once: {', '.join(twice)}.")
    if not students:
        raise RegradeError(f"{path}: the roster lists no repository.")
    return students


def shard_of(students: Sequence[Student], shard: int, shards: int) -> list[Student]:
    """The students of shard ``shard`` (0-based) of ``shards``: every ``shards``-th, so shards are even."""
    if not 0 <= shard < shards:
        raise RegradeError(f"shard {shard} does not exist: there are {shards} shards (0 to {shards - 1}).")
    return list(students[shard::shards])


def plan(students: Sequence[Student], per_shard: int = 20, max_shards: int = 64) -> dict:
    """The job matrix: ``{"include": [{"shard": i, "shards": n}, ...]}``, about ``per_shard`` students
    each, at most ``max_shards`` jobs (GitHub allows 256 per matrix)."""
    if per_shard < 1 or not 1 <= max_shards <= 256:
        raise RegradeError("per_shard must be at least 1 and max_shards between 1 and 256.")
    shards = min(max_shards, -(-len(students) // per_shard))
    return {"include": [{"shard": i, "shards": shards} for i in range(shards)]}


def roster_file(folder: Path, lab_id: str) -> Path:
    """The roster of ``lab_id`` in ``folder``: ``<lab>.txt``, or Classroom's export saved as ``<lab>.csv``."""
    for suffix in (".txt", ".csv"):
        if (folder / f"{lab_id}{suffix}").is_file():
            return folder / f"{lab_id}{suffix}"
    raise RegradeError(f"no roster for {lab_id} in {folder}: write {lab_id}.txt (one repository per line) "
                       f"or save Classroom's grades export there as {lab_id}.csv.")


def due(folder: Path, now: datetime, within: timedelta) -> tuple[str, datetime] | None:
    """The lab whose deadline passed in the ``within`` before ``now`` (the latest, if several), from
    ``folder/deadlines.txt`` (``lab01 2026-12-20T23:59:00Z`` per line, ``#`` comments); None if none."""
    path = folder / DEADLINES
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise RegradeError(f"{path}: cannot read the deadlines ({err}).") from None
    passed = []
    for number, line in enumerate(lines, start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 2:
            raise RegradeError(f"{path}:{number}: write a lab id and its deadline, e.g. lab01 2026-12-20T23:59:00Z.")
        deadline = parse_deadline(fields[1])
        if now - within < deadline <= now:
            passed.append((deadline, fields[0]))
    return (max(passed)[1], max(passed)[0]) if passed else None


def schedule(folder: Path, lab_id: str | None, deadline: str | None, now: datetime, within: timedelta,
             per_shard: int = 20, max_shards: int = 64) -> dict:
    """What the workflow's jobs run: ``{"lab", "deadline", "roster", "shards", "matrix"}``. On demand
    ``lab_id`` and ``deadline`` are given; on a schedule (both None) the lab that is :func:`due`, and
    ``shards`` is 0 when none is."""
    if (lab_id is None) != (deadline is None):
        raise RegradeError("give both the lab and its deadline, or neither (then the deadlines file decides).")
    chosen = (lab_id, parse_deadline(deadline)) if lab_id and deadline else due(folder, now, within)
    if chosen is None:
        return {"lab": "", "deadline": "", "roster": "", "shards": 0, "matrix": {"include": []}}
    roster = roster_file(folder, chosen[0])
    matrix = plan(read_roster(roster), per_shard, max_shards)
    return {"lab": chosen[0], "deadline": chosen[1].strftime("%Y-%m-%dT%H:%M:%SZ"), "roster": str(roster),
            "shards": len(matrix["include"]), "matrix": matrix}


# -- fetching at the deadline --------------------------------------------------------------------

def parse_deadline(text: str) -> datetime:
    """An ISO 8601 time with its time zone (``2026-12-20T23:59:00Z``, ``...+01:00``), in UTC."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RegradeError(f"deadline {text[:60]!r} is not an ISO 8601 time (e.g. 2026-12-20T23:59:00Z).") from None
    if when.tzinfo is None:
        raise RegradeError(f"deadline {text[:60]!r} has no time zone: add Z (UTC) or an offset like +01:00.")
    return when.astimezone(timezone.utc)


def _git_env() -> tuple[dict[str, str], list[str]]:
    """git's environment (no prompts, no system or user config) with the token, if any, as an HTTP header
    passed through ``GIT_CONFIG_*`` (never on a command line or in a stored config); and the strings to
    scrub from any message."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": tempfile.gettempdir(), "GIT_TERMINAL_PROMPT": "0",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"}
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        return env, []
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.https://github.com/.extraheader",
               GIT_CONFIG_VALUE_0=f"AUTHORIZATION: basic {basic}")
    return env, [token, basic]


def _git(args: list[str], env: dict[str, str], secrets: list[str]) -> bytes:
    result = subprocess.run(["git", *args], env=env, capture_output=True, timeout=_GIT_TIMEOUT, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace")
        for secret in secrets:
            message = message.replace(secret, "***")
        raise RegradeError(clean(message.strip().splitlines()[-1] if message.strip() else f"git {args[0]} failed",
                                 200))
    return result.stdout


def _fetch_one(student: Student, deadline: datetime, notebook: str, into: Path, scratch: Path) -> Fetched:
    env, secrets = _git_env()
    clone = scratch / f"{student.name}.git"
    try:
        _git(["clone", "--quiet", "--bare", "--filter=blob:none", "--", student.repository, str(clone)], env, secrets)
        before = deadline.strftime("%Y-%m-%d %H:%M:%S +0000")
        commit = _git(["--git-dir", str(clone), "rev-list", "-1", f"--before={before}", "HEAD"], env,
                      secrets).decode().strip()
        if not commit:
            return Fetched(student.name, student.repository, error="no commit before the deadline")
        entry = _git(["--git-dir", str(clone), "ls-tree", "-l", commit, "--", notebook], env, secrets).decode()
        if not entry:
            return Fetched(student.name, student.repository, commit, f"no {notebook} at the deadline's commit")
        mode, kind, blob, size = entry.split("\t", 1)[0].split()
        if kind != "blob" or mode not in ("100644", "100755") or int(size) > MAX_NOTEBOOK_BYTES:
            return Fetched(student.name, student.repository, commit,
                           f"{notebook} is not a regular file of at most {MAX_NOTEBOOK_BYTES >> 20} MB")
        folder = into / student.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / notebook).write_bytes(_git(["--git-dir", str(clone), "cat-file", "blob", blob], env, secrets))
        return Fetched(student.name, student.repository, commit)
    except RegradeError as err:
        return Fetched(student.name, student.repository, error=f"{CLONE_FAILED}: {err}")
    except subprocess.TimeoutExpired:
        return Fetched(student.name, student.repository, error=f"git took over {_GIT_TIMEOUT} s")


def fetch(students: Sequence[Student], deadline: datetime, notebook: str, into: Path) -> list[Fetched]:
    """Each student's ``notebook`` at their last commit before ``deadline`` into ``into/<name>/``; the
    manifest (:data:`MANIFEST`, in ``into``) records the commit of each, or why there is none."""
    if Path(notebook).name != notebook or notebook.startswith("."):
        raise RegradeError(f"notebook {notebook[:80]!r} must be a file name at the repository's root.")
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="regrade-") as scratch:
        fetched = [_fetch_one(s, deadline, notebook, into, Path(scratch)) for s in students]
    manifest = {"deadline": deadline.isoformat(), "notebook": notebook, "students": [asdict(f) for f in fetched]}
    (into / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return fetched


# -- merging the shards ----------------------------------------------------------------------------

def _numbers(row: dict[str, str]) -> dict:
    """A gradebook row read back from CSV, its points (and seed) as numbers again."""
    out: dict = {}
    for key, value in row.items():
        if key in _TEXT_COLUMNS or value == "":
            out[key] = value
        else:
            try:
                out[key] = int(value) if key == "seed" else float(value)
            except ValueError:
                raise RegradeError(f"column {key!r} holds {value[:40]!r}, not a number.") from None
    return out


def _read_shard(folder: Path) -> tuple[dict, list[dict]]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        with open(folder / GRADEBOOK, newline="", encoding="utf-8") as f:
            rows = [_numbers(row) for row in csv.DictReader(f)]
    except (OSError, ValueError, RegradeError) as err:
        raise RegradeError(f"shard {folder}: {err}") from None
    return manifest, rows


def merge(students: Sequence[Student], shard_folders: Sequence[Path], lab_id: str,
          max_score: float) -> tuple[list[dict], str]:
    """One gradebook row per roster student, from the shards (each a folder with :data:`GRADEBOOK` and
    :data:`MANIFEST`), and the deadline they were fetched at. A student with nothing to grade gets 0 and
    the reason; a student graded twice, one missing from every shard or one not on the roster is a
    :class:`RegradeError` naming them all."""
    roster = {s.name for s in students}
    graded: dict[str, list[dict]] = {}
    fetched: dict[str, list[dict]] = {}
    deadlines = set()
    for folder in shard_folders:
        manifest, rows = _read_shard(Path(folder))
        deadlines.add(manifest.get("deadline"))
        for entry in manifest.get("students", []):
            fetched.setdefault(entry["student"], []).append(entry)
        for row in rows:
            graded.setdefault(row["student"], []).append(row)
    problems = []
    if len(deadlines) > 1:
        problems.append(f"the shards were fetched for different deadlines: {sorted(map(str, deadlines))}")
    problems += [f"{name}: fetched {len(e)} times" for name, e in sorted(fetched.items()) if len(e) > 1]
    problems += [f"{name}: graded {len(rows)} times" for name, rows in sorted(graded.items()) if len(rows) > 1]
    problems += [f"{name}: graded but never fetched" for name in sorted(set(graded) - set(fetched))]
    problems += [f"{name}: not on the roster" for name in sorted(set(graded) | set(fetched)) if name not in roster]
    problems += [f"{row['student']}: graded as {row['lab']!r}, not {lab_id}"
                 for rows in graded.values() for row in rows if row.get("lab") != lab_id]
    merged = []
    for student in sorted(roster):
        entry = fetched.get(student, [{}])[0]
        rows = graded.get(student, [])
        if len(rows) == 1:
            merged.append({**rows[0], "commit": entry.get("commit", "")})
        elif not rows and entry.get("error"):
            merged.append({"student": student, "submission": "", "commit": entry.get("commit", ""), "lab": lab_id,
                           "score": 0, "max_score": max_score, "percent": 0.0, "errors": entry["error"]})
        elif not rows:
            problems.append(f"{student}: in no shard's gradebook" + ("" if entry else " or manifest"))
    if problems:
        raise RegradeError("the shards do not add up to the roster:\n  " + "\n  ".join(problems))
    return merged, str(next(iter(deadlines), ""))


def write_merged(rows: list[dict], path: Path) -> None:
    """The merged gradebook: the batch gradebook's columns with ``commit`` (what was graded) after ``submission``."""
    write_gradebook(rows, path, first=(*GRADEBOOK_COLUMNS[:2], "commit", *GRADEBOOK_COLUMNS[2:]))


def summary_markdown(rows: list[dict], lab_id: str, deadline: str) -> str:
    """The merged gradebook in a few lines of markdown (for ``$GITHUB_STEP_SUMMARY``)."""
    percents = [float(r["percent"]) for r in rows]
    missing = [r for r in rows if not r.get("submission")]
    lines = [f"### Regrade of {clean(lab_id, 40)} at the deadline {clean(deadline, 40)}", "",
             f"- students: {len(rows)}; graded: {len(rows) - len(missing)}; nothing to grade: {len(missing)}",
             f"- mean {statistics.fmean(percents):.1f} %, median {statistics.median(percents):.1f} %" if rows else
             "- no student", "", "| student | commit | score | errors |", "|---|---|---|---|"]
    for r in rows:
        errors = clean(r.get("errors", ""), 120).replace("|", "\\|")
        lines.append(f"| {clean(r['student'], 60)} | {str(r.get('commit', ''))[:10]} "
                     f"| {float(r['score']):g}/{float(r['max_score']):g} | {errors} |")
    return "\n".join(lines) + "\n"

