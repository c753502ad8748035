"""``python -m embedlab.search "QUERY"``: search the Wikipedia slice or a folder of your own text files.

The first search over a collection encodes its passages (with a progress bar)
and caches them; later searches reuse the vectors. ``--json`` prints a list of
``{"title", "text", "score", "rank", "passage"}`` objects, best first. Bad input
exits with code 2 and a message that says what to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .corpus import CorpusError, folder_passages, wikipedia_passages
from .engine import METHODS, SearchEngine

__all__ = ["main"]

USAGE_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m embedlab.search",
        description="Semantic search with all-MiniLM-L6-v2 (dense), BM25 (keywords) or both (hybrid).",
    )
    parser.add_argument("query", help="what to search for, in quotes")
    parser.add_argument("--corpus", metavar="DIR", help="a folder of text files (default: the Wikipedia slice)")
    parser.add_argument("--method", choices=METHODS, default="dense", help="ranking method (default: dense)")
    parser.add_argument("--k", type=int, default=5, help="number of results (default: 5)")
    parser.add_argument("--json", action="store_true", help="print the results as a JSON list")
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.query.strip():
        return _fail("the query is empty; give a few words to search for, e.g. "
                     'python -m embedlab.search "who shot Achilles in the heel"')
    if args.k < 1:
        return _fail(f"--k must be at least 1, got {args.k}.")
    try:
        passages = folder_passages(args.corpus) if args.corpus else wikipedia_passages()
    except CorpusError as err:
        return _fail(str(err))
    engine = SearchEngine(passages, progress=True)
    hits = engine.search(args.query, method=args.method, k=args.k)
    if args.json:
        print(json.dumps([{"title": h.title, "text": h.text, "score": round(h.score, 6), "rank": rank,
                           "passage": h.passage} for rank, h in enumerate(hits, start=1)], ensure_ascii=False))
        return 0
    for rank, hit in enumerate(hits, start=1):
        snippet = hit.text if len(hit.text) <= 240 else hit.text[:240].rsplit(" ", 1)[0] + " ..."
        print(f"{rank}. [{hit.score:.3f}] {hit.title}\n   {snippet}\n")
    return 0
