"""A grading report and its forms: JSON (the contract), JUnit XML, a markdown table, text lines."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .judge import ExerciseResult

__all__ = [
    "Report",
    "classroom_result",
    "load_report",
    "markdown_table",
    "text_summary",
    "write_json",
    "write_junit",
]


@dataclass
class Report:
    lab: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    max_score_if_empty: float = 0.0

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
                "exercises": [ex.as_dict() for ex in self.exercises], "errors": list(self.errors)}


def _number(x: float) -> str:
    return f"{x:g}"


def text_summary(report: Report) -> list[str]:
    """Human-readable lines; the last one is ``score: X/Y``."""
    lines = [f"lab {report.lab}"]
    for ex in report.exercises:
        mark = "PASS" if ex.passed else "FAIL"
        lines.append(f"  {mark} {ex.name:<20} {_number(ex.score)}/{_number(ex.max_score)}  {ex.feedback}")
    lines += [f"  error: {e}" for e in report.errors]
    lines.append(f"score: {_number(report.score)}/{_number(report.max_score)}")
    return lines


def write_json(report: Report, path: str | Path) -> None:
    Path(path).write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")


def write_junit(report: Report, path: str | Path) -> None:
    """One test case per exercise; a failed exercise carries its feedback as the failure message."""
    failures = sum(not ex.passed for ex in report.exercises)
    suite = ET.Element("testsuite", name=f"autograder.{report.lab}", tests=str(len(report.exercises)),
                       failures=str(failures), errors=str(len(report.errors)))
    for ex in report.exercises:
        case = ET.SubElement(suite, "testcase", classname=f"autograder.{report.lab}", name=ex.name)
        ET.SubElement(case, "properties").append(ET.Element("property", name="score",
                                                            value=f"{_number(ex.score)}/{_number(ex.max_score)}"))
        if not ex.passed:
            ET.SubElement(case, "failure", message=ex.feedback[:500]).text = ex.feedback
    if report.errors:
        ET.SubElement(suite, "system-err").text = "\n".join(report.errors)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def load_report(path: str | Path) -> dict:
    """A JSON report written by ``grade --json`` (``ValueError`` with the reason when it is not one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a readable JSON report ({err}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), list):
        raise ValueError(f"{path}: not an autograder report (no 'exercises' list).")
    return data


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


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
              "message": ex.get("feedback", ""), "test_code": "", "filename": "", "line_no": 0, "duration": 0}
             for ex in data["exercises"]]
    status = "error" if not tests else ("pass" if all(t["status"] == "pass" for t in tests) else "fail")
    return {"version": 1, "status": status, "max_score": data.get("max_score", 0), "tests": tests}
