"""Is the ranking any good? recall@k, MRR@10 and nDCG@10 from rankings and relevance judgements.

:func:`evaluate` uses `ir-measures` (the trec_eval implementations, no numba
compilation on first use); :func:`recall_at_k` and :func:`reciprocal_rank` are
the two definitions written out for one query. Rankings are handed to
ir-measures with scores made from their positions, so trec_eval's own tie
breaking (by document id) can never reorder them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from ..data._packages import require

__all__ = ["DEFAULT_MEASURES", "evaluate", "recall_at_k", "reciprocal_rank"]

DEFAULT_MEASURES = ("R@1", "R@5", "R@10", "RR@10", "nDCG@10")


def recall_at_k(ranking: Sequence, relevant: Collection, k: int) -> float:
    """Share of the relevant documents found in the first ``k`` of ``ranking``."""
    if not relevant:
        raise ValueError("recall is undefined for a query without relevant documents.")
    return len(set(list(ranking)[:k]) & set(relevant)) / len(set(relevant))


def reciprocal_rank(ranking: Sequence, relevant: Collection, k: int = 10) -> float:
    """1 / rank of the first relevant document in the first ``k`` (ranks start at 1), else 0."""
    for rank, doc in enumerate(list(ranking)[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def evaluate(
    rankings: Mapping[object, Sequence],
    qrels: Mapping[object, Mapping[object, int] | Iterable],
    measures: Sequence[str] = DEFAULT_MEASURES,
    per_query: bool = False,
) -> dict:
    """Mean of each measure over the judged queries (``per_query``: ``{measure: {query: value}}``).

    ``rankings[q]`` lists document ids best first; ``qrels[q]`` maps document ids to
    a relevance grade (or is a collection of the relevant ids, grade 1). A judged
    query missing from ``rankings`` counts as retrieving nothing.
    """
    irm = require("ir_measures", "ir-measures", "Evaluating rankings")
    parsed = [irm.parse_measure(m) for m in measures]
    judged = {str(q): ({str(d): int(g) for d, g in rel.items()} if isinstance(rel, Mapping)
                       else {str(d): 1 for d in rel}) for q, rel in qrels.items()}
    run = {str(q): {str(d): float(len(r) - i) for i, d in enumerate(r)} for q, r in rankings.items()}
    for q in judged:
        run.setdefault(q, {})
    names = dict(zip(parsed, measures, strict=True))
    if not per_query:
        return {names[m]: float(v) for m, v in irm.calc_aggregate(parsed, judged, run).items()}
    out: dict[str, dict[str, float]] = {m: dict.fromkeys(judged, 0.0) for m in measures}
    for metric in irm.iter_calc(parsed, judged, run):
        out[names[metric.measure]][metric.query_id] = float(metric.value)
    return out
