"""Wrong versions of every exercise of every lab (mutants), to show that the hidden cases catch them.

One module per lab (``labNN.py``) defines ``MUTANTS``: exercise name -> {mutant name -> wrong answer}.
A function exercise's mutant is a function with the student's signature; a values exercise's mutant
is the tuple of values (in the order of ``Exercise.targets``). Each lab's registered near misses are
mutants too; :func:`mutants_of` adds them, so these modules hold only the generic mistakes (a constant,
the input echoed, the wrong axis, off by one, a flipped sign, ...).

``tests/autograder/test_mutants.py`` walks every registered lab: an exercise without mutants here
fails it, and every mutant must lose at least 75% of its exercise's points on every one of 50 seeds.
A module may also define ``PARTLY_CAUGHT`` for a mistake that no set of cases can catch that well
together with the others (it says why); such a mutant must still lose points on every seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograder.spec import Exercise

from . import lab01, lab02, lab03, lab04, lab05

_MODULES = {"lab01": lab01, "lab02": lab02, "lab03": lab03, "lab04": lab04, "lab05": lab05}

#: lab id -> exercise name -> mutant name -> wrong answer
REGISTRY: dict[str, dict[str, dict[str, Any]]] = {lab_id: module.MUTANTS for lab_id, module in _MODULES.items()}

#: lab id -> exercise name -> mutant name -> a wrong answer that must lose points on every seed, for the
#: few mistakes that no set of cases can make lose 75% together with the others (each says why)
PARTLY_CAUGHT: dict[str, dict[str, dict[str, Any]]] = {
    lab_id: getattr(module, "PARTLY_CAUGHT", {}) for lab_id, module in _MODULES.items()}


def mutants_of(lab_id: str, exercise: Exercise) -> dict[str, Callable | tuple]:
    """The exercise's generic mutants and its registered near misses (``near miss N``), by name."""
    generic = REGISTRY.get(lab_id, {}).get(exercise.name, {})
    near = {f"near miss {i}": nm.wrong for i, nm in enumerate(exercise.near_misses)}
    return {**generic, **near}
