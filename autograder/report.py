"""A grading report and its forms: JSON (the contract), JUnit XML, a markdown table, text lines.

Every string in a report that came from the submission was already made safe
by :func:`autograder.safetext.clean` when it was judged; the writers clean again
(cheaply) so that no path into a log, XML or CSV skips it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .judge import ExerciseResult
from .safetext import clean

__all__ = [
    "GRADER_VERSION",
    "MAX_ERRORS",
    "Report",
    "classroom_result",
    "load_report",
    "markdown_table",
    "text_summary",
    "write_json",
    "write_junit",
]


def _version() -> str:
    try:
        return metadata.version("embedlab")  # one source: the package metadata (pyproject.toml)
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


#: the version of the package the grader comes from, recorded in every report
GRADER_VERSION = _version()
#: at most this many notebook-level errors are kept (a report stays small whatever the notebook does)
MAX_ERRORS = 20


@dataclass
class Report:
    lab: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_score_if_empty: float = 0.0
    seed: int | None = None
    #: what isolated the kernel (see ``autograder.sandbox``)
    isolation: dict = field(default_factory=dict)

    def add_error(self, text: str) -> None:
        """Record a notebook-level problem (cleaned, capped; beyond MAX_ERRORS only counted)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(clean(text))
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append("more errors were not recorded")

    @property
    def score(self) -> float:
        return round(sum(ex.score for ex in self.exercises), 4)

    @property
    def max_score(self) -> float:
        return float(sum(ex.max_score for ex in self.exercises)) if self.exercises else self.max_score_if_empty

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    def as_dict(self) -> dict:
        return {"lab": self.lab, "score": self.score, "max_score": self.max_score,
                "exercises": [ex.as_dict() for ex in self.exercises], "errors": [clean(e) for e in self.errors],
                "seed": self.seed, "grader_version": GRADER_VERSION, "isolation": self.isolation}


def _number(x: float) -> str:
    return f"{x:g}"


def text_summary(report: Report) -> list[str]:
    """Human-readable lines, one per exercise and per error; the last one is ``score: X/Y``."""
    lines = [f"lab {clean(report.lab, 40)}" + (f" (seed {report.seed})" if report.seed is not None else "")]
    for ex in report.exercises:
        mark = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}[ex.status]
        points = f"{_number(ex.score)}/{_number(ex.max_score)}"
        first, *more = ex.feedback.split("\n")  # the judge's own line breaks: the hint gets its own line
        lines.append(f"  {mark:<5} {ex.name:<20} {points}  {clean(first, 600)}")
        lines += [f"{'':34}{clean(line, 600)}" for line in more]
    lines += [f"  error: {clean(e)}" for e in report.errors]
    lines.append(f"score: {_number(report.score)}/{_number(report.max_score)}")
    return lines


def write_json(report: Report, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")


def write_junit(report: Report, path: str | Path) -> None:
    """One test case per exercise: ``<failure>`` when its answers are wrong, ``<error>`` when it crashed.

    The suite's ``failures`` and ``errors`` counts are the numbers of those elements;
    notebook-level problems (a cell that raised) go to ``<system-err>``.
    """
    failures = sum(ex.status == "failed" for ex in report.exercises)
    errors = sum(ex.status == "error" for ex in report.exercises)
    suite = ET.Element("testsuite", name=f"autograder.{clean(report.lab, 40)}", tests=str(len(report.exercises)),
                       failures=str(failures), errors=str(errors))
    for ex in report.exercises:
        case = ET.SubElement(suite, "testcase", classname=f"autograder.{clean(report.lab, 40)}", name=ex.name)
        ET.SubElement(case, "properties").append(ET.Element("property", name="score",
                                                            value=f"{_number(ex.score)}/{_number(ex.max_score)}"))
        if ex.status != "passed":
            text = clean(ex.feedback, 1000)
            ET.SubElement(case, "failure" if ex.status == "failed" else "error", message=text[:500]).text = text
    if report.errors:
        ET.SubElement(suite, "system-err").text = "\n".join(clean(e) for e in report.errors)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def load_report(path: str | Path) -> dict:
    """A JSON report written by ``grade --json`` (``ValueError`` with the reason when it is not one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ValueError(f"{path}: not a readable JSON report ({clean(err, 120)}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
        raise ValueError(f"{path}: not an autograder report (no 'exercises' list).")
    return data


def _cell(text: object) -> str:
    return clean(text, 600).replace("|", "\\|")


def markdown_table(data: dict) -> str:
    """The report as a markdown table (for ``$GITHUB_STEP_SUMMARY``)."""
    lines = [f"### {_cell(data.get('lab', '?'))}: {_number(data.get('score', 0))}/{_number(data.get('max_score', 0))}",
             "", "| exercise | points | result | feedback |", "|---|---|---|---|"]
    for ex in data["exercises"]:
        mark = "✅" if ex.get("passed") else "❌"
        lines.append(f"| {_cell(ex.get('name'))} | {_number(ex.get('score', 0))}/{_number(ex.get('max_score', 0))} "
                     f"| {mark} | {_cell(ex.get('feedback', ''))} |")
    if data.get("errors"):
        lines += ["", "**Errors while running the notebook**", ""] + [f"- {_cell(e)}" for e in data["errors"]]
    return "\n".join(lines) + "\n"


def classroom_result(data: dict) -> dict:
    """The report as a GitHub Classroom runner result (what ``autograding-grading-reporter`` adds up)."""
    tests = [{"name": ex.get("name"), "status": "pass" if ex.get("passed") else "fail",
              "score": ex.get("score", 0), "max_score": ex.get("max_score", 0),
              "message": clean(ex.get("feedback", ""), 600), "test_code": "", "filename": "", "line_no": 0,
              "duration": 0}
             for ex in data["exercises"]]
    status = "error" if not tests else ("pass" if all(t["status"] == "pass" for t in tests) else "fail")
    return {"version": 1, "status": status, "max_score": data.get("max_score", 0), "tests": tests}
