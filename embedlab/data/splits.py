"""Dev/test splits by group, so that nothing judged in the test half was seen while tuning.

A random split of *items* leaks when several items share what is being judged:
two queries answered by the same article, or one question asked twice. Splitting
the *groups* (articles, distinct questions) instead puts all items of a group on
the same side. Chapter 7 tunes its hybrid search and its "nothing found"
threshold on the dev half and reports on the test half.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

__all__ = ["split_by_group"]


def split_by_group(groups: Sequence[Hashable], seed: int = 0) -> np.ndarray:
    """A boolean mask over the items, True for the dev half: half of the distinct groups, drawn with ``seed``."""
    distinct = list(dict.fromkeys(groups))
    if len(distinct) < 2:
        raise ValueError(f"a split needs at least two groups; got {len(distinct)}.")
    chosen = np.random.default_rng(seed).permutation(len(distinct))[: len(distinct) // 2]
    dev_groups = {distinct[i] for i in chosen}
    return np.array([g in dev_groups for g in groups])
