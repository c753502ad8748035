"""``check("cos_sim", cos_sim)``: the in-notebook feedback under each exercise.

Runs the exercise's public cases in this process (the student's own kernel),
through the same protocol and judge the grader uses, and shows a short verdict:
a text/html and a text/plain version of the same message, so every front end
(Colab, Jupyter, a terminal, a converted notebook) shows words, not an object's
repr. It never asks for input and never raises for a wrong answer.

``check("arrays")`` with no objects reads the exercise's names from the
notebook itself, so a variable that is not defined yet gets a message instead
of a ``NameError`` traceback.
"""

from __future__ import annotations

import html
import inspect
import sys
from pathlib import Path

import numpy as np

from .definitions import CodeIndex, cell_label
from .evaluate import evaluate
from .judge import ExerciseResult
from .kernel_side import handle
from .labs import UnknownLabError, find_exercise
from .spec import PUBLIC_SEED

__all__ = ["check", "verdict_text"]


def verdict_text(result: ExerciseResult) -> str:
    """The plain-text verdict: a first line with the mark and name, then the feedback lines."""
    mark = "✅" if result.passed else "❌"
    first, *rest = result.feedback.split("\n")
    head = f"{mark} {result.name}: {'correct' if result.passed else 'not yet'}. {first}"
    return "\n".join([head, *(f"   {line}" for line in rest)])


def _show(result: ExerciseResult) -> None:
    text = verdict_text(result)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    colour = "#1a7f37" if result.passed else "#cf222e"
    first, *rest = html.escape(text).split("\n")
    body = "<br>".join([f"<b>{first}</b>", *rest])
    display({"text/plain": text,
             "text/html": f'<div style="border-left:4px solid {colour};padding:4px 8px">{body}</div>'}, raw=True)


def _typed_history(namespace: dict) -> list | None:
    """The cells as the student typed them: IPython's raw input history (``In`` holds them with the
    magics already translated, a ``%%time`` cell as one line), else ``In``."""
    history = namespace.get("In")
    try:
        from IPython import get_ipython
    except ImportError:
        return history
    raw = getattr(getattr(get_ipython(), "history_manager", None), "input_hist_raw", None)
    return raw if isinstance(raw, list) and isinstance(history, list) and len(raw) == len(history) else history


def _notebook_code(namespace: dict, objects: tuple) -> CodeIndex | None:
    """The code the student ran: IPython's input history, else the source file of the checked function."""
    history = _typed_history(namespace)
    if isinstance(history, list) and all(isinstance(cell, str) for cell in history):
        # In[n] is the cell the student sees as [n], so messages cite "cell [n]" as the grader does
        return CodeIndex.from_cells(history, [cell_label(n, n) for n in range(len(history))])
    for obj in objects:
        module = inspect.getmodule(obj)
        try:
            return CodeIndex.from_cells([inspect.getsource(module)], [Path(module.__file__).name]) if module else None
        except (OSError, TypeError):
            continue
    return None


def check(name: str, *objects, lab: str | None = None) -> None:
    """Check exercise ``name`` on its public cases: ``check("cos_sim", cos_sim)``.

    Pass the objects the exercise asks for, in order (one function, or the
    variables of a "values" exercise, e.g. ``check("arrays", u, v, M, M_shape)``),
    or none at all to check the names defined in the notebook: ``check("arrays")``.
    """
    try:
        exercise = find_exercise(name, lab)
    except (UnknownLabError, KeyError) as err:
        print(f"❌ {err.args[0] if err.args else err}")
        return
    caller = sys._getframe(1).f_globals
    if objects and len(objects) != len(exercise.targets):
        names = ", ".join(exercise.targets)
        print(f"❌ check({name!r}, ...) expects {len(exercise.targets)} object(s): {names}.")
        return
    namespace = dict(zip(exercise.targets, objects, strict=True)) if objects else \
        {t: caller[t] for t in exercise.targets if t in caller}
    code = _notebook_code(caller, objects)  # the loop's line, and the parameter names the grader cites
    result = evaluate(exercise, np.random.default_rng(PUBLIC_SEED), lambda request: handle(request, namespace),
                      code=code)
    _show(result)
