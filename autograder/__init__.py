"""The course's autograder: ``check()`` in the notebook; ``python -m autograder assign|grade|summary``.

Labs are described in code (:mod:`autograder.labs`); submissions run in a
sandboxed kernel (:mod:`autograder.sandbox`) and are judged in the grader's
own process (:mod:`autograder.judge`).
"""

from .feedback import check

__all__ = ["check"]
