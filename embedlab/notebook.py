"""Helpers for the chapter notebooks: hand measured numbers to the prose.

:func:`glue` stores a value under a name so the book's text can show it with
``{glue:text}`name:.3f``` (MyST-NB); outside the book build (e.g. in Colab,
where ``myst_nb`` is not installed) it does nothing but return the value.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["glue", "plain"]


def plain(value):
    """Numpy scalars as Python numbers, so text formats like ``:.3f`` and ``:,`` apply to them."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


def glue(name: str, value, display: bool = False):
    """Record ``value`` for the prose under ``name`` (MyST-NB glue) and return it unchanged."""
    value = plain(value)
    if not isinstance(value, (numbers.Number, str)):
        raise TypeError(f"glue {name!r}: give a number or a string, not {type(value).__name__}.")
    try:
        from myst_nb import glue as _glue
    except ImportError:  # not building the book (e.g. in Colab): nothing to record
        return value
    _glue(name, value, display=display)
    return value
