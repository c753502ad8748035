"""The registry of labs: one module per lab, each defining ``LAB``."""

from __future__ import annotations

from ..spec import Lab
from . import lab01, lab02

__all__ = ["LABS", "get_lab", "find_exercise"]

LABS: dict[str, Lab] = {lab.id: lab for lab in (lab01.LAB, lab02.LAB)}


def get_lab(lab_id: str) -> Lab:
    """The registered lab ``lab_id``; ``KeyError`` naming the known labs otherwise."""
    try:
        return LABS[lab_id]
    except KeyError:
        raise KeyError(f"unknown lab {lab_id!r}; known labs: {', '.join(sorted(LABS))}.") from None


def find_exercise(name: str, lab_id: str | None = None):
    """The exercise called ``name`` (in ``lab_id`` when given, else in the one lab that has it)."""
    if lab_id is not None:
        return get_lab(lab_id).exercise(name)
    matches = [lab.exercise(name) for lab in LABS.values() if name in {ex.name for ex in lab.exercises}]
    if len(matches) != 1:
        where = "no lab" if not matches else "several labs (pass lab=...)"
        raise KeyError(f"exercise {name!r} is in {where}; labs: {', '.join(sorted(LABS))}.")
    return matches[0]
