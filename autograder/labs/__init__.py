"""The registry of labs, and the one answer to "which lab is this notebook?" (:func:`get_lab`).

Adding a lab: write ``autograder/labs/labNN.py`` defining ``LAB``. The registry finds every
``labNN`` module of this package by itself (:data:`LAB_MODULES`), and every generic test
(tests/autograder/test_labs.py) then covers it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping
from pathlib import PurePath

from ..spec import METADATA_KEY, Exercise, Lab

__all__ = ["LABS", "LAB_MODULES", "UnknownLabError", "find_exercise", "get_lab"]

#: the modules of this package named ``labNN``, each defining ``LAB`` (found, not listed by hand)
LAB_MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"lab\d+", m.name))

LABS: dict[str, Lab] = {}
for _module in LAB_MODULES:
    _lab = importlib.import_module(f"{__name__}.{_module}").LAB
    LABS[_lab.id] = _lab


class UnknownLabError(LookupError):
    """No registered lab matches (the message names the known labs and what to pass)."""


def _known() -> str:
    return ", ".join(sorted(LABS))


def _stamped(notebook: Mapping | None) -> str | None:
    meta = notebook.get("metadata", {}) if isinstance(notebook, Mapping) else {}
    stamped = meta.get(METADATA_KEY) if isinstance(meta, Mapping) else None
    lab_id = stamped.get("lab") if isinstance(stamped, Mapping) else None
    return lab_id if isinstance(lab_id, str) else None


def _from_file_name(path: str | PurePath) -> list[str]:
    name = PurePath(path).name.lower()
    return [lid for lid in LABS if re.search(rf"(^|[^a-z0-9]){re.escape(lid)}([^0-9]|$)", name)]


def get_lab(lab_id: str | None = None, *, notebook: Mapping | None = None,
            path: str | PurePath | None = None) -> Lab:
    """The registered lab: ``lab_id`` when given, else the notebook's ``autograder.lab`` metadata,
    else the one lab id found in the file name of ``path``.

    Raises :class:`UnknownLabError` saying what was tried and which labs exist.
    """
    where = f"{path}: " if path is not None else ""
    chosen = lab_id or _stamped(notebook)
    if chosen is None and path is not None:
        found = _from_file_name(path)
        chosen = found[0] if len(found) == 1 else None
    if chosen is None:
        raise UnknownLabError(
            f"{where}cannot tell which lab this is (no '{METADATA_KEY}.lab' in the notebook metadata and "
            f"no lab id in the file name); pass --lab (known labs: {_known()}).")
    if chosen not in LABS:
        raise UnknownLabError(f"{where}unknown lab {chosen[:40]!r} (known labs: {_known()}).")
    return LABS[chosen]


def find_exercise(name: str, lab_id: str | None = None) -> Exercise:
    """The exercise called ``name`` (in ``lab_id`` when given, else in the one lab that has it)."""
    if lab_id is not None:
        return get_lab(lab_id).exercise(name)
    matches = [lab.exercise(name) for lab in LABS.values() if name in {ex.name for ex in lab.exercises}]
    if len(matches) != 1:
        where = "no lab" if not matches else "several labs (pass lab=...)"
        raise UnknownLabError(f"exercise {name!r} is in {where}; labs: {_known()}.")
    return matches[0]
