"""Text that came from a submission, made safe to print, store and put in XML.

Exception names and messages, printed output and anything else the kernel
sends is capped in length and loses control characters and line breaks, so a
submission can neither bloat a report nor print a second ``score:`` line or a
GitHub ``::error`` workflow command into the grader's log.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_TEXT", "clean"]

#: default cap of one piece of untrusted text, in characters
MAX_TEXT = 300

_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")


def _printable(ch: str) -> bool:
    # C* = control, format (e.g. bidi overrides), surrogates, private use, unassigned
    return not unicodedata.category(ch).startswith("C")


def clean(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` on one line: breaks become spaces, other control characters go, at most ``limit`` chars."""
    s = str(text)[: 4 * limit]
    s = _BREAKS.sub(" ", s)
    s = "".join(ch for ch in s if _printable(ch))
    s = s.replace("::", ": :")  # never a workflow command, wherever the line starts
    return s if len(s) <= limit else s[: limit - 1] + "…"
