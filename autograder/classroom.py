"""``python -m autograder classroom LAB_ID``: the GitHub Classroom workflow of one lab.

The template (``templates/classroom.yml``) is a working workflow for lab 1; this fills in
its ``LAB`` and ``NOTEBOOK`` from the lab's spec, so an instructor copies the output into
the assignment's template repository and sets nothing by hand but the course release
(``COURSE_REF``). Nothing else of the template changes.
"""

from __future__ import annotations

import re
from pathlib import Path

from .spec import Lab

__all__ = ["TEMPLATE", "workflow"]

TEMPLATE = Path(__file__).with_name("templates") / "classroom.yml"
#: the two lines of the template's ``env:`` that name the lab (two-space indented, one each)
_ENV_LINE = r"^(  {key}: ).*$"


def workflow(lab: Lab, template: str | None = None) -> str:
    """The template's text with ``LAB`` and ``NOTEBOOK`` set to ``lab``'s id and notebook."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    for key, value in (("LAB", lab.id), ("NOTEBOOK", lab.notebook)):
        text, found = re.subn(_ENV_LINE.format(key=key), lambda m, v=value: m.group(1) + v, text, flags=re.MULTILINE)
        if found != 1:
            raise ValueError(f"the Classroom template must set {key} exactly once in its env (found {found}).")
    return text
