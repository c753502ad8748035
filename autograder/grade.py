"""Grade one submission: run it in the sandbox, then call its functions on fresh inputs.

The notebook's code cells run in order in a sandboxed kernel (a cell that
raises does not stop the others). Then :mod:`autograder.kernel_side` is loaded
into that kernel and every exercise's cases, drawn from a seed chosen now, are
sent as JSON requests; the answers come back as plain JSON and are judged here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import kernel_side
from .evaluate import KERNEL_DIED, TIMEOUT, Ask, evaluate
from .inputs import check_submission
from .labs import UnknownLabError, get_lab
from .notebook import SubmissionError, read_notebook
from .report import Report
from .runner import KernelRunner
from .sandbox import Limits, isolation_report
from .seeding import submission_seed

__all__ = ["grade_submission"]

_HARNESS = Path(kernel_side.__file__).read_text(encoding="utf-8")
_SETUP = f"__autograder__ = {{}}\nexec({_HARNESS!r}, __autograder__)"


def _asker(runner: KernelRunner, limits: Limits) -> Ask:
    def ask(request: dict) -> dict:
        code = f"__autograder__['serve']({json.dumps(request)!r}, globals())"
        run = runner.run(code, timeout=limits.call_timeout, keep=False)
        if run.status == "timeout":
            return {"error": {"type": TIMEOUT, "message": f"did not return within {limits.call_timeout:g} s."}}
        if run.status == "died":
            return {"error": {"type": KERNEL_DIED, "message": "crashed the kernel (os._exit, a crash or "
                                                              "the memory limit)."}}
        lines = [ln for ln in run.stdout().split("\n") if ln.startswith(kernel_side.MARKER)]
        try:
            reply = json.loads(lines[-1][len(kernel_side.MARKER):])
            if not isinstance(reply, dict):
                raise ValueError("not an object")
            return reply
        except (IndexError, ValueError):
            detail = f" ({run.error})" if run.error else ""
            return {"error": {"type": "NoResult", "message": f"gave no readable result{detail}."}}
    return ask


def grade_submission(path: str | Path, lab_id: str | None = None, limits: Limits | None = None,
                     seed: int | None = None) -> Report:
    """Grade the notebook at ``path``; :class:`~autograder.notebook.SubmissionError` if it is not gradable."""
    limits = limits or Limits()
    check_submission(path)  # a regular file of bounded size, not a link out of its folder
    nb = read_notebook(path)
    try:
        lab = get_lab(lab_id, notebook=nb, path=path)
    except UnknownLabError as err:
        raise SubmissionError(str(err)) from None
    cells = [(number, str(cell.source)) for number, cell in enumerate(nb.cells, start=1)
             if cell.cell_type == "code" and str(cell.source).strip()]
    seed = submission_seed(source for _, source in cells) if seed is None else seed
    report = Report(lab.id, max_score_if_empty=lab.max_score, seed=seed,
                    isolation=isolation_report(limits))
    with KernelRunner(limits, lab.allowed_modules) as runner:
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
        for index, exercise in enumerate(lab.exercises):
            report.exercises.append(evaluate(exercise, np.random.default_rng([seed, index]), ask))
        for note in runner.notes:
            report.add_error(note)
    return report
