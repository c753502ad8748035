"""``python -m autograder assign|grade|summary`` (see autograder/README.md)."""

from __future__ import annotations

import argparse
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
                  total_timeout=args.total_timeout, memory_mb=args.memory_mb)


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
    from .report import Report, text_summary, write_json, write_junit
    from .sandbox import isolation_note

    target = Path(args.submission)
    if target.is_dir():
        return _grade_folder(args, target)
    print(f"sandbox: {isolation_note()}")
    try:
        report = grade_submission(target, args.lab, _limits(args), args.seed)
    except SubmissionError as err:
        print(f"error: {err}", file=sys.stderr)
        if args.json:
            write_json(Report(args.lab or "unknown", errors=[str(err)]), args.json)
        return EXIT_UNGRADABLE
    if args.json:
        write_json(report, args.json)
    if args.junit:
        write_junit(report, args.junit)
    print("\n".join(text_summary(report)))
    if args.fail_under is not None and report.percent < args.fail_under:
        return EXIT_BELOW
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    import base64
    import json

    from .report import classroom_result, load_report, markdown_table

    try:
        data = load_report(args.report)
        if args.format == "classroom":
            print(base64.b64encode(json.dumps(classroom_result(data)).encode()).decode())
        else:
            print(markdown_table(data), end="")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNGRADABLE
    return EXIT_OK


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
    p.add_argument("--seed", type=int, help="seed of the hidden cases (default: fresh and random)")
    p.add_argument("--cell-timeout", type=float, default=d.cell_timeout, help="seconds per notebook cell")
    p.add_argument("--call-timeout", type=float, default=d.call_timeout, help="seconds per graded call")
    p.add_argument("--total-timeout", type=float, default=d.total_timeout, help="seconds per submission")
    p.add_argument("--memory-mb", type=int, default=d.memory_mb, help="address-space cap of the kernel")
    p.set_defaults(func=_grade)

    p = sub.add_parser("summary", help="print a JSON report as a markdown table (for $GITHUB_STEP_SUMMARY)")
    p.add_argument("report", help="a report written by grade --json")
    p.add_argument("--format", choices=["markdown", "classroom"], default="markdown",
                   help="markdown table, or base64 JSON for GitHub Classroom's grading reporter")
    p.set_defaults(func=_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
