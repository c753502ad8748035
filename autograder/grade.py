"""Grade one submission: run it in the sandbox, then call its functions on fresh inputs.

The notebook's code cells run in order in a sandboxed kernel (a cell that
raises does not stop the others). Then :mod:`autograder.kernel_side` is loaded
into that kernel and every exercise's cases, drawn from the submission's seed
(:mod:`autograder.seeding`), are sent as JSON requests; the answers come back
as plain JSON and are validated (:mod:`autograder.protocol`) and judged here.
Whether a function loops is measured there too, by running it at two sizes
(:mod:`autograder.loops`); the cells are read only to name what messages cite.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import kernel_side
from .definitions import CodeIndex, cell_label
from .evaluate import Ask, evaluate
from .inputs import read_submission
from .kernel_view import Allowed
from .labs import UnknownLabError, get_lab
from .notebook import SubmissionError, parse_notebook
from .protocol import KERNEL_DIED, MAX_REPLY_CHARS, NO_RESULT, TIMEOUT, BadReply, parse_reply
from .report import Report
from .runner import KernelRunner
from .safetext import clean
from .sandbox import Limits, isolation_report
from .seeding import submission_seed

__all__ = ["grade_submission"]

_HARNESS = Path(kernel_side.__file__).read_text(encoding="utf-8")
_SETUP = f"__autograder__ = {{}}\nexec({_HARNESS!r}, __autograder__)"


def _asker(runner: KernelRunner, limits: Limits) -> Ask:
    """Requests to the kernel; the reply is the last marker line of what the call printed, parsed
    and bounded by :func:`autograder.protocol.parse_reply`, or an error saying why there is none."""
    def ask(request: dict) -> dict:
        # a fresh copy of the harness for every request: what an earlier call did to the last one is gone
        code = f"{_SETUP}\n__autograder__['serve']({json.dumps(request)!r}, globals())"
        run = runner.run(code, timeout=limits.call_timeout, keep=False, output_cap=MAX_REPLY_CHARS + 1000)
        if run.status == "timeout":
            return {"error": {"type": TIMEOUT, "message": f"did not return within {limits.call_timeout:g} s."}}
        if run.status == "died":
            return {"error": {"type": KERNEL_DIED, "message": "crashed the kernel (os._exit, a crash or "
                                                              "the memory limit)."}}
        lines = [ln for ln in run.stdout().split("\n") if ln.startswith(kernel_side.MARKER)]
        if not lines:
            detail = f" ({clean(run.error, 200)})" if run.error else ""
            return {"error": {"type": NO_RESULT, "message": f"gave no readable result{detail}."}}
        try:
            return parse_reply(lines[-1][len(kernel_side.MARKER):])
        except BadReply as err:
            return {"error": {"type": NO_RESULT, "message": f"gave {err}."}}
    return ask


def grade_submission(path: str | Path, lab_id: str | None = None, limits: Limits | None = None,
                     seed: int | None = None) -> Report:
    """Grade the notebook at ``path``; :class:`~autograder.notebook.SubmissionError` if it is not gradable."""
    limits = limits or Limits()
    # Read once: a regular file of bounded size, not a link out of its folder; the bytes
    # checked are the bytes graded (a file swapped after the check is not read again).
    nb = parse_notebook(read_submission(path), path)
    try:
        lab = get_lab(lab_id, notebook=nb, path=path)
    except UnknownLabError as err:
        raise SubmissionError(str(err)) from None
    cells = [(number, str(cell.source)) for number, cell in enumerate(nb.cells, start=1)
             if cell.cell_type == "code" and str(cell.source).strip()]
    seed = submission_seed(source for _, source in cells) if seed is None else seed
    report = Report(lab.id, max_score_if_empty=lab.max_score, seed=seed,
                    isolation=isolation_report(limits))
    with KernelRunner(limits, Allowed.of(lab)) as runner:
        for number, source in cells:
            run = runner.run(source)
            if run.status != "ok":
                report.add_error(f"cell {number}: {run.error}")
            if run.truncated:
                report.add_error(f"cell {number}: output beyond {limits.output_bytes:,} bytes was dropped")
        setup = runner.run(_SETUP)
        if setup.status != "ok":
            report.add_error(f"the grader could not start inside the notebook: {setup.error}")
        ask = _asker(runner, limits)
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]  # cited as the student sees them
        code = CodeIndex.from_cells([str(c.source) for c in code_cells],
                                    [cell_label(c.get("execution_count"), i) for i, c in enumerate(code_cells, 1)])
        broken: set[str] = set()
        for index, exercise in enumerate(lab.exercises):
            result = evaluate(exercise, np.random.default_rng([seed, index]), ask, code, broken)
            report.exercises.append(result)
            if exercise.kind == "function" and not result.passed and not result.feedback.startswith("values correct"):
                broken.update(exercise.targets)
        for note in runner.notes:
            report.add_error(note)
    return report
