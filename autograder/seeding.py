"""The grading seed: derived from the submission, so the same notebook always gets the same cases.

``seed = sha256(course secret, code cells)``: a resubmitted notebook is graded
on exactly the same hidden cases (its score cannot swing between runs), while
changing any code draws new ones. The instructor may set ``AUTOGRADER_SECRET``
so that students cannot compute the seed (and the cases) of their own notebook.
The seed is recorded in every report; ``grade --seed N`` reproduces a grade.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable

__all__ = ["SECRET_ENV", "submission_seed"]

#: environment variable holding the course secret (optional)
SECRET_ENV = "AUTOGRADER_SECRET"


def submission_seed(code_cells: Iterable[str], secret: str | None = None) -> int:
    """A 63-bit seed from the code cells' text (and the secret, default ``$AUTOGRADER_SECRET``)."""
    secret = os.environ.get(SECRET_ENV, "") if secret is None else secret
    digest = hashlib.sha256(secret.encode("utf-8"))
    for source in code_cells:
        encoded = source.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return int.from_bytes(digest.digest()[:8], "big") >> 1
