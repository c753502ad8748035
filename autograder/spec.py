"""How a lab's exercises are described: plain data plus callables, one module per lab.

A lab module (``autograder/labs/labNN.py``) builds one :class:`Lab` from
:class:`Exercise` objects; :mod:`autograder.labs` registers it. Nothing here
runs student code: the runner and :func:`autograder.check` do that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = ["METADATA_KEY", "PUBLIC_SEED", "Case", "Exercise", "KernelData", "Lab", "NearMiss"]

#: notebook metadata key under which ``assign`` stamps ``{"lab": lab id}``
METADATA_KEY = "autograder"

#: Seed of the cases ``check()`` shows in the notebook; grading draws a fresh seed instead.
PUBLIC_SEED = 20240501


@dataclass(frozen=True)
class Case:
    """One call of the student's function: positional ``args``, or the exception it must raise."""

    args: tuple = ()
    raises: str | None = None


@dataclass(frozen=True)
class KernelData:
    """A file a course loader reads in the grading kernel instead of computing it with a package the lab
    does not allow (lab 2's Wikipedia articles, parsed with gensim). ``make`` writes it on the host with the
    course's own code before any submission runs; the sandbox mounts it read-only and names its path in the
    kernel's environment variable ``variable``."""

    variable: str
    make: Callable[[], Path]


@dataclass(frozen=True)
class NearMiss:
    """A known wrong answer: when the student's result equals ``wrong(*args)``, show ``message``."""

    message: str
    wrong: Callable[..., Any]


@dataclass(frozen=True)
class Exercise:
    """One graded exercise.

    ``kind="function"``: ``targets`` is one function name; it is called on every
    case from ``cases(rng)`` and compared with ``reference(*case.args)``.
    ``kind="values"``: ``targets`` names variables; ``reference()`` returns their
    expected values in the same order.
    """

    name: str
    points: float
    targets: tuple[str, ...]
    reference: Callable[..., Any]
    cases: Callable[[np.random.Generator], Sequence[Case]] = lambda rng: [Case()]
    kind: Literal["function", "values"] = "function"
    rtol: float = 1e-5
    atol: float = 1e-6
    hint: str = ""
    near_misses: tuple[NearMiss, ...] = ()
    #: extra check of what the call printed: ``(case, expected, stdout) -> message or None``
    check_stdout: Callable[[Case, Any, str], str | None] | None = None
    #: a loop over the data in what the function executes (its helpers included) halves its score;
    #: decided by running it at two sizes and counting the lines it executes (see :mod:`autograder.loops`)
    forbid_loops: bool = False
    #: ``sized_case(rng, n)``: a fresh case whose data grow with ``n`` in every dimension a loop could walk
    #: (rows, columns, batch, ...); required with ``forbid_loops``
    sized_case: Callable[[np.random.Generator, int], Case] | None = None
    #: what ``n`` counts, for the loop message ("ran 64 times for 64 rows")
    size_unit: str = "items"
    #: the function must leave its arguments unchanged (checked after every call)
    forbid_mutation: bool = False
    #: maps a plain answer to a canonical form before it is compared (applied to the expected
    #: value, the student's and each near miss's), e.g. PCA's arbitrary signs; it must accept any
    #: plain value and return it unchanged when it does not apply
    canonical: Callable[[Any], Any] | None = None
    #: how many cases are graded: ``cases(rng)`` is drawn again until there are at least this many,
    #: so that partial credit measures the code, not the luck of a few draws
    n_cases: int = 20

    def __post_init__(self):
        if self.kind == "function" and len(self.targets) != 1:
            raise ValueError(f"exercise {self.name!r}: a function exercise has exactly one target.")
        if self.forbid_loops and (self.kind != "function" or self.sized_case is None):
            raise ValueError(f"exercise {self.name!r}: forbid_loops needs a function exercise with a sized_case "
                             "(inputs of a given size, to see whether the work grows with them).")


@dataclass(frozen=True)
class Lab:
    """A lab: its id (stamped into the notebook metadata), title, source notebook, exercises and what a
    submission may import. The one source of these facts: the student notebook's "What you may use"
    paragraph, the Classroom workflow and the tests are derived from it."""

    id: str
    title: str
    notebook: str
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)
    #: the ``embedlab`` modules (dotted names) a submission may import while it is graded,
    #: e.g. ``("embedlab.data",)``; the rest of ``embedlab`` (the references) and the
    #: whole ``autograder`` stay out of the grading kernel's reach
    allowed_modules: tuple[str, ...] = ()
    #: the third-party packages (import names) a submission may import while it is graded, besides the
    #: standard library; the sandbox's view holds only these (and what they need), and the lab's
    #: "What you may use" text is derived from this list
    allowed_packages: tuple[str, ...] = ("numpy", "matplotlib")
    #: what the student is told they may call of the course package (dotted public names, e.g.
    #: ``"embedlab.data.load_analogy_questions"``); each must live in one of ``allowed_modules``
    #: (tested). The "What you may use" paragraph names exactly these (:mod:`autograder.assign`)
    course_names: tuple[str, ...] = ()
    #: files the allowed course modules read while grading instead of what they would compute with a
    #: package that is not in the kernel's view (:class:`KernelData`)
    kernel_data: tuple[KernelData, ...] = ()

    @property
    def max_score(self) -> float:
        return float(sum(ex.points for ex in self.exercises))

    def exercise(self, name: str) -> Exercise:
        for ex in self.exercises:
            if ex.name == name:
                return ex
        known = ", ".join(ex.name for ex in self.exercises)
        raise KeyError(f"lab {self.id} has no exercise {name!r}; its exercises are: {known}.")
