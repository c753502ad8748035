"""``python -m autograder assign [--check]``: generate labs/ from solutions/.

Every code or markdown cell may hold solution lines between ``### BEGIN
SOLUTION`` and ``### END SOLUTION``; in the student notebook they become a stub
(code: ``raise NotImplementedError``; markdown: an answer prompt). Outputs are
cleared and the lab id is stamped into the notebook metadata.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from .labs import UnknownLabError, get_lab
from .notebook import exercise_tag
from .spec import METADATA_KEY, Lab

__all__ = ["AssignError", "assign", "stale_labs", "student_version"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_BLOCK = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*(\n|$)",
                    re.MULTILINE | re.DOTALL)
CODE_STUB = '{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError("Replace this line with your solution.")\n'
MARKDOWN_STUB = "*Your answer here.*\n"


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
    extra = sorted(p.name for p in (root / "labs").glob("*.ipynb") if p.name not in expected)
    problems += [f"labs/{name} has no solution notebook" for name in extra]
    return problems
