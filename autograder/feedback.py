"""``check("cos_sim", cos_sim)``: the in-notebook feedback under each exercise.

Runs the exercise's public cases in this process (the student's own kernel),
through the same judge the grader uses, and shows a one-line verdict with the
hint: HTML in a notebook front end (Colab, Jupyter), plain text elsewhere. It
never asks for input and never raises for a wrong answer.
"""

from __future__ import annotations

import html

import numpy as np

from .evaluate import evaluate
from .judge import ExerciseResult
from .kernel_side import handle
from .labs import find_exercise
from .spec import PUBLIC_SEED

__all__ = ["check"]


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show(result: ExerciseResult) -> None:
    mark = "✅" if result.passed else "❌"
    title = f"{result.name}: {'correct' if result.passed else 'not yet'}"
    if _in_notebook():
        from IPython.display import HTML, display

        colour = "#1a7f37" if result.passed else "#cf222e"
        display(HTML(f'<div style="border-left:4px solid {colour};padding:4px 8px">'
                     f"{mark} <b>{html.escape(title)}</b> {html.escape(result.feedback)}</div>"))
    else:
        print(f"{mark} {title} {result.feedback}")


def check(name: str, *objects, lab: str | None = None) -> None:
    """Check exercise ``name`` on its public cases: ``check("cos_sim", cos_sim)``.

    Pass the objects the exercise asks for, in order (one function, or the
    variables of a "values" exercise, e.g. ``check("arrays", u, v, M, M_shape)``).
    """
    exercise = find_exercise(name, lab)
    if len(objects) != len(exercise.targets):
        names = ", ".join(exercise.targets)
        print(f"❌ check({name!r}, ...) expects {len(exercise.targets)} object(s): {names}.")
        return
    namespace = dict(zip(exercise.targets, objects, strict=True))
    result = evaluate(exercise, np.random.default_rng(PUBLIC_SEED), lambda request: handle(request, namespace))
    _show(result)
