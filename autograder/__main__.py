"""``python -m autograder assign|grade|summary|classroom|regrade`` (see autograder/README.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .sandbox import Limits

EXIT_OK, EXIT_BELOW, EXIT_UNGRADABLE = 0, 1, 2


def _assign(args: argparse.Namespace) -> int:
    from .assign import AssignError, assign, stale_labs

    root = Path(args.root)
    try:
        if args.check:
            problems = stale_labs(root)
            for p in problems:
                print(f"stale: {p}", file=sys.stderr)
            if problems:
                print("labs/ is out of date: run `python -m autograder assign`.", file=sys.stderr)
                return 1
            print("labs/ is up to date with solutions/.")
            return 0
        for path in assign(root):
            print(f"wrote {path}")
        return 0
    except AssignError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(cell_timeout=args.cell_timeout, call_timeout=args.call_timeout,
                  total_timeout=args.total_timeout, memory_mb=args.memory_mb, disk_mb=args.disk_mb,
                  cpus=args.cpus, allow_unisolated=args.allow_unisolated)


def _cores(text: str) -> float:
    """``--cpus``: a positive number of cores (0.5 is half of one)."""
    try:
        cores = float(text)
    except ValueError:
        cores = 0.0
    if not 0 < cores < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of cores above 0 (e.g. 1 or 0.5)")
    return cores


def _write_reports(args: argparse.Namespace, report) -> None:
    """``--json`` / ``--junit``, each written to a temporary file and renamed (a planted symlink is replaced)."""
    from .inputs import safe_output
    from .report import write_json, write_junit

    for destination, write in ((args.json, write_json), (args.junit, write_junit)):
        if destination:
            with safe_output(destination) as path:
                write(report, path)


def _ungradable(args: argparse.Namespace, message: str) -> int:
    """Exit 2 with ``message``; the reports still say 0 out of the lab's points (GitHub Classroom posts them)."""
    from .labs import get_lab
    from .report import Report
    from .sandbox import isolation_report

    print(f"error: {message}", file=sys.stderr)
    try:
        lab = get_lab(args.lab, path=args.submission)
    except Exception:  # the lab cannot be told: 0 out of 0
        lab = None
    _write_reports(args, Report(lab.id if lab else args.lab or "unknown", errors=[message],
                                max_score_if_empty=lab.max_score if lab else 0.0,
                                isolation=isolation_report(_limits(args))))
    return EXIT_UNGRADABLE


def _grade_folder(args: argparse.Namespace, folder: Path) -> int:
    from .batch import grade_directory

    if not args.csv:
        print(f"error: {folder} is a folder; grading a folder needs --csv GRADEBOOK.csv", file=sys.stderr)
        return EXIT_UNGRADABLE
    rows = grade_directory(folder, Path(args.csv), args.lab, _limits(args), args.workers, args.seed)
    print(f"graded {len(rows)} submissions into {args.csv}")
    return EXIT_OK


def _grade(args: argparse.Namespace) -> int:
    from .grade import grade_submission
    from .notebook import SubmissionError
    from .report import text_summary
    from .runner import KernelStartError
    from .sandbox import IsolationUnavailable, isolation_note, require_isolation

    try:
        require_isolation(_limits(args))
    except IsolationUnavailable as err:
        return _ungradable(args, str(err))
    print(f"sandbox: {isolation_note()}")
    target = Path(args.submission)
    if target.is_dir() and not target.is_symlink():
        return _grade_folder(args, target)
    try:
        report = grade_submission(target, args.lab, _limits(args), args.seed)
    except (SubmissionError, KernelStartError) as err:
        return _ungradable(args, str(err))
    _write_reports(args, report)
    if not report.isolation.get("isolated"):
        print(f"WARNING: {isolation_note()}")
    print("\n".join(text_summary(report)))
    if args.fail_under is not None and report.percent < args.fail_under:
        return EXIT_BELOW
    return EXIT_OK


def _report_or_zero(path: str, lab_id: str | None) -> dict:
    """The JSON report at ``path``; when there is none (grading did not finish) and ``lab_id`` is given,
    a report of 0 out of that lab's points, so GitHub Classroom still posts a score."""
    from .labs import UnknownLabError, get_lab
    from .report import Report, load_report

    try:
        return load_report(path)
    except ValueError as err:
        if lab_id is None:
            raise
        try:
            lab = get_lab(lab_id)
        except UnknownLabError as unknown:
            raise ValueError(str(unknown)) from None
        return Report(lab.id, errors=[f"no grading report: {err}"], max_score_if_empty=lab.max_score).as_dict()


def _summary(args: argparse.Namespace) -> int:
    import base64
    import json

    from .report import classroom_result, markdown_table

    try:
        data = _report_or_zero(args.report, args.lab)
        if args.format == "classroom":
            print(base64.b64encode(json.dumps(classroom_result(data)).encode()).decode())
        else:
            print(markdown_table(data), end="")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNGRADABLE
    return EXIT_OK


def _classroom(args: argparse.Namespace) -> int:
    from .classroom import workflow
    from .labs import UnknownLabError, get_lab

    try:
        print(workflow(get_lab(args.lab)), end="")
    except UnknownLabError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNGRADABLE
    return EXIT_OK


def _regrade(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime, timedelta, timezone

    from . import regrade
    from .labs import UnknownLabError, get_lab

    try:
        if args.step == "plan":
            now = datetime.now(timezone.utc)
            print(json.dumps(regrade.schedule(Path(args.roster_dir), args.lab, args.deadline, now,
                                              timedelta(hours=args.due_within_hours), args.per_shard,
                                              args.max_shards)))
            return EXIT_OK
        students, lab = regrade.read_roster(args.roster), get_lab(args.lab)
        if args.step == "fetch":
            shard = regrade.shard_of(students, args.shard, args.shards)
            found = regrade.fetch(shard, regrade.parse_deadline(args.deadline), args.notebook or lab.notebook,
                                  Path(args.into))
            for f in found:
                print(f"{f.student}: {f.commit[:10] or '-'} {f.error}".rstrip())
            if found and all(f.error.startswith(regrade.CLONE_FAILED) for f in found):
                raise regrade.RegradeError(f"none of the shard's {len(found)} repositories could be cloned: can "
                                           f"${regrade.TOKEN_ENV} read them?")
            return EXIT_OK
        rows, deadline = regrade.merge(students, [Path(f) for f in args.shards], lab.id, lab.max_score)
        regrade.write_merged(rows, Path(args.csv))
        if args.summary:
            Path(args.summary).write_text(regrade.summary_markdown(rows, lab.id, deadline), encoding="utf-8")
        print(f"merged {len(args.shards)} shards: {len(rows)} students into {args.csv}")
        return EXIT_OK
    except (regrade.RegradeError, UnknownLabError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNGRADABLE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("assign", help="generate labs/ from solutions/")
    p.add_argument("--check", action="store_true", help="exit 1 when labs/ is stale instead of writing")
    p.add_argument("--root", default=".", help="the repository root (default: .)")
    p.set_defaults(func=_assign)

    d = Limits()
    p = sub.add_parser("grade", help="grade a submitted notebook (or a folder of them with --csv)")
    p.add_argument("submission", help="a notebook, or a folder of notebooks")
    p.add_argument("--lab", help="the lab id (default: from the notebook metadata or file name)")
    p.add_argument("--json", metavar="REPORT.json", help="write the report as JSON")
    p.add_argument("--junit", metavar="REPORT.xml", help="write a JUnit XML report")
    p.add_argument("--fail-under", type=float, metavar="PERCENT", help="exit 1 when the score is below PERCENT")
    p.add_argument("--csv", metavar="GRADEBOOK.csv", help="folder mode: the gradebook to write")
    p.add_argument("--workers", type=int, help="folder mode: parallel submissions (default: CPU count)")
    p.add_argument("--seed", type=int, help="seed of the hidden cases (default: derived from the notebook's "
                   "code and $AUTOGRADER_SECRET; the report records it)")
    p.add_argument("--cell-timeout", type=float, default=d.cell_timeout, help="seconds per notebook cell")
    p.add_argument("--call-timeout", type=float, default=d.call_timeout, help="seconds for one exercise's calls")
    p.add_argument("--total-timeout", type=float, default=d.total_timeout, help="seconds per submission")
    p.add_argument("--memory-mb", type=int, default=d.memory_mb, help="memory cap of the kernel (MiB)")
    p.add_argument("--disk-mb", type=int, default=d.disk_mb, help="size of the kernel's work dir (MiB)")
    p.add_argument("--cpus", type=_cores, default=d.cpus,
                   help="cores one kernel and its children share, where the cpu cgroup controller exists")
    p.add_argument("--allow-unisolated", action="store_true",
                   default=os.environ.get("AUTOGRADER_ALLOW_UNISOLATED") == "1",
                   help="grade even without the sandbox (no root or no bubblewrap); reports say NOT ISOLATED "
                        "(default: $AUTOGRADER_ALLOW_UNISOLATED=1)")
    p.set_defaults(func=_grade)

    p = sub.add_parser("summary", help="print a JSON report as a markdown table (for $GITHUB_STEP_SUMMARY)")
    p.add_argument("report", help="a report written by grade --json")
    p.add_argument("--lab", help="when the report is missing or unreadable: report 0 out of this lab's points")
    p.add_argument("--format", choices=["markdown", "classroom"], default="markdown",
                   help="markdown table, or base64 JSON for GitHub Classroom's grading reporter")
    p.set_defaults(func=_summary)

    p = sub.add_parser("classroom", help="print the GitHub Classroom workflow of a lab (LAB and NOTEBOOK filled in)")
    p.add_argument("lab", help="the lab id, e.g. lab03")
    p.set_defaults(func=_classroom)

    p = sub.add_parser("regrade", help="the instructor's regrade (grade of record): plan, fetch at the deadline, "
                       "merge (see autograder/README.md, 'Two grading paths')")
    steps = p.add_subparsers(dest="step", required=True)
    s = steps.add_parser("plan", help="print the lab, deadline, roster and job matrix (JSON) of a regrade")
    s.add_argument("--roster-dir", default="roster", help="folder of the rosters (LAB.txt, one repository per "
                   "line, or LAB.csv, Classroom's export) and deadlines.txt (default: roster)")
    s.add_argument("--lab", help="on demand: the lab id (with --deadline)")
    s.add_argument("--deadline", help="on demand: ISO 8601 with a time zone, e.g. 2026-12-20T23:59:00Z")
    s.add_argument("--due-within-hours", type=float, default=24,
                   help="on a schedule (no --lab): the lab whose deadline in deadlines.txt passed this recently")
    s.add_argument("--per-shard", type=int, default=20, help="students per shard (default: 20)")
    s.add_argument("--max-shards", type=int, default=64, help="at most this many shards (default: 64)")
    s = steps.add_parser("fetch", help="one shard's notebooks at the last commit before the deadline")
    s.add_argument("roster", help="roster file: one repository per line, or Classroom's CSV export")
    s.add_argument("--lab", required=True, help="the lab id (its notebook is fetched)")
    s.add_argument("--notebook", help="the notebook's file name in the repositories (default: the lab's)")
    s.add_argument("--deadline", required=True, help="ISO 8601 with a time zone, e.g. 2026-12-20T23:59:00Z")
    s.add_argument("--shard", type=int, default=0, help="this shard (0-based; default: 0)")
    s.add_argument("--shards", type=int, default=1, help="number of shards (default: 1)")
    s.add_argument("--into", required=True, help="folder for <student>/<notebook> and fetched.json (a token "
                   "to clone with, if needed, comes from $REGRADE_TOKEN)")
    s = steps.add_parser("merge", help="merge the shards' gradebooks into one, checked against the roster")
    s.add_argument("roster", help="the roster the shards were fetched from")
    s.add_argument("shards", nargs="+", help="shard folders, each with gradebook.csv and fetched.json")
    s.add_argument("--lab", required=True, help="the lab id")
    s.add_argument("--csv", required=True, metavar="GRADEBOOK.csv", help="the merged gradebook to write")
    s.add_argument("--summary", metavar="SUMMARY.md", help="also write a markdown summary")
    p.set_defaults(func=_regrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
