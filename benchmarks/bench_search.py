"""Dense top-k and approximate nearest neighbours, side by side in one process.

Two workloads:
* exact top-k: ``embedlab.search.DenseIndex`` (normalised matrix, one product,
  argpartition) vs ``sentence_transformers.util.semantic_search`` vs FAISS
  ``IndexFlatIP`` on the same unit vectors (384-d, like MiniLM's; the time
  depends on the shape only), 5,000 and 100,000 of them, 100 queries, top 10;
* the ANN table on GloVe 6B-50d (400,000 x 50, normalised, as in ann-benchmarks):
  numpy exact vs FAISS flat, HNSW (M=32) at several ``efSearch`` and IVF (1,024
  lists) at several ``nprobe``, plus IVF-PQ; recall@10 against the exact
  neighbours, ms per query, build time and index memory;
* quantised codes on the course's own passages (the Wikipedia slice in 128-piece
  passages, MiniLM vectors): float32 exact vs int8, binary, and binary + int8 rescoring
  (``embedlab.search.QuantizedIndex``), each passage also used as a query (itself left
  out): bytes per vector, ms per query and recall@10 against the float32 top 10.

Prints a table and ratios and, last, one JSON line with the figures.

    .venv/bin/python benchmarks/bench_search.py [--save] [--queries 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import Goal, add_save_arguments, best_time, conditions, machine, report

GOALS = (
    Goal("exact_5000_ratio_vs_best", ">=", 1.0, "exact top-10, 5k vectors: the best other library's time over ours"),
    Goal("exact_100000_ratio_vs_best", ">=", 1.0, "exact top-10, 100k vectors: the best other's time over ours"),
)


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact_top_k(sizes: tuple[int, ...], n_queries: int, k: int, repeat: int) -> dict[str, float]:
    """ms per query of embedlab, sentence-transformers and FAISS flat at each size, and the ratios."""
    import faiss
    import torch
    from sentence_transformers.util import semantic_search

    from embedlab.search import DenseIndex

    rng = np.random.default_rng(0)
    out: dict[str, float] = {}
    for n in sizes:
        docs, queries = _unit(rng.normal(size=(n, 384))), _unit(rng.normal(size=(n_queries, 384)))
        index = DenseIndex(docs)
        flat = faiss.IndexFlatIP(384)
        flat.add(docs)
        docs_t, queries_t = torch.from_numpy(docs), torch.from_numpy(queries)
        t_ours, (ids, _) = best_time(lambda index=index, queries=queries: index.search(queries, k), repeat)
        t_st, hits = best_time(lambda d=docs_t, q=queries_t: semantic_search(q, d, top_k=k), repeat)
        t_faiss, (_, faiss_ids) = best_time(lambda flat=flat, queries=queries: flat.search(queries, k), repeat)
        agree = np.mean([set(a) == {h["corpus_id"] for h in b} for a, b in zip(ids, hits, strict=True)])
        agree_faiss = np.mean([set(a) == set(b) for a, b in zip(ids, faiss_ids, strict=True)])
        ms = lambda t: round(1000 * t / n_queries, 4)
        out |= {f"exact_{n}_ms_embedlab": ms(t_ours), f"exact_{n}_ms_sentence_transformers": ms(t_st),
                f"exact_{n}_ms_faiss_flat": ms(t_faiss),
                f"exact_{n}_ratio_vs_best": round(min(t_st, t_faiss) / t_ours, 2),
                f"exact_{n}_same_top_k": round(float(min(agree, agree_faiss)), 3)}
        print(f"{n:>7,} x 384, {n_queries} queries, top {k}: embedlab {ms(t_ours):.3f} ms/q   "
              f"sentence-transformers {ms(t_st):.3f}   faiss flat {ms(t_faiss):.3f}   "
              f"best other / embedlab {min(t_st, t_faiss) / t_ours:.2f}x   same top-{k}: {agree:.0%}/{agree_faiss:.0%}")
    return out


def ann_table(n_queries: int, k: int) -> dict[str, float]:
    """Recall@k vs exact, ms per query, build time and memory of each index on GloVe 400k x 50."""
    import faiss

    from embedlab.data import load_glove
    from embedlab.search import DenseIndex

    vectors = _unit(load_glove().vectors)
    rng = np.random.default_rng(0)
    queries = vectors[rng.choice(len(vectors), n_queries, replace=False)]
    start = time.perf_counter()
    exact_ids, _ = DenseIndex(vectors).search(queries, k)
    t_numpy = time.perf_counter() - start
    recall = lambda ids: float(np.mean([len(set(a) & set(b)) / k for a, b in zip(ids, exact_ids, strict=True)]))
    rows = {"numpy exact": (0.0, t_numpy, 1.0, vectors.nbytes)}

    def measure(name, index, build_s, settings=()):
        for label, apply in settings or [("", lambda: None)]:
            apply()
            start = time.perf_counter()
            _, ids = index.search(queries, k)
            rows[f"{name}{label}"] = (build_s, time.perf_counter() - start, recall(ids),
                                      faiss.serialize_index(index).nbytes)

    def build(index, train=False):
        start = time.perf_counter()
        if train:
            index.train(vectors)
        index.add(vectors)
        return index, time.perf_counter() - start

    flat, t = build(faiss.IndexFlatIP(50))
    measure("faiss flat", flat, t)
    ivf, t = build(faiss.IndexIVFFlat(faiss.IndexFlatIP(50), 50, 1024, faiss.METRIC_INNER_PRODUCT), train=True)
    measure("IVF1024", ivf, t, [(f" nprobe={p}", lambda p=p: setattr(ivf, "nprobe", p)) for p in (1, 8, 32, 128)])
    pq, t = build(faiss.IndexIVFPQ(faiss.IndexFlatIP(50), 50, 1024, 10, 8, faiss.METRIC_INNER_PRODUCT), train=True)
    measure("IVF1024-PQ10", pq, t, [(" nprobe=32", lambda: setattr(pq, "nprobe", 32))])
    hnsw = faiss.IndexHNSWFlat(50, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw, t = build(hnsw)
    measure("HNSW32", hnsw, t, [(f" ef={e}", lambda e=e: setattr(hnsw.hnsw, "efSearch", e)) for e in (16, 64, 256)])

    print(f"\nGloVe {len(vectors):,} x 50, {n_queries} queries, recall@{k} against exact search:")
    print(f"{'index':24s} {'build s':>8s} {'ms/query':>9s} {'recall':>7s} {'MB':>7s}")
    out: dict[str, float] = {}
    for name, (build_s, seconds, rec, nbytes) in rows.items():
        ms = 1000 * seconds / n_queries
        print(f"{name:24s} {build_s:8.1f} {ms:9.3f} {rec:7.3f} {nbytes / 1e6:7.1f}")
        key = name.replace(" ", "_").replace("=", "")
        out |= {f"ann_{key}_ms": round(ms, 4), f"ann_{key}_recall": round(rec, 4),
                f"ann_{key}_build_s": round(build_s, 2), f"ann_{key}_mb": round(nbytes / 1e6, 1)}
    return out


def quantized_table(k: int, n_queries: int = 500) -> dict[str, float]:
    """float32 vs int8, binary and binary + rescoring on the Wikipedia passages' MiniLM vectors."""
    from embedlab.search import DenseIndex, QuantizedIndex, encode, recall_against_exact, wikipedia_passages

    passages = wikipedia_passages()
    vectors = encode([p.text for p in passages], progress=True)
    chosen = np.random.default_rng(0).choice(len(vectors), size=min(n_queries, len(vectors)), replace=False)
    queries = vectors[chosen]

    def others(found: np.ndarray) -> np.ndarray:
        """Each query's top k without the query's own passage."""
        return np.array([[i for i in row if i != own][:k] for row, own in zip(found, chosen, strict=True)])

    exact_index = DenseIndex(vectors)
    t_exact, (exact, _) = best_time(lambda: exact_index.search(queries, k + 1), 3)
    exact = others(exact)
    print(f"\n{len(vectors):,} Wikipedia passages x {vectors.shape[1]} (MiniLM), {len(queries)} passages as queries:")
    print(f"{'code':16s} {'bytes/vector':>13s} {'ms/query':>9s} {'recall@10':>10s}")
    print(f"{'float32':16s} {vectors.shape[1] * 4:13d} {1000 * t_exact / len(queries):9.3f} {1.0:10.3f}")
    out = {"quantized_passages": len(vectors), "quantized_float32_bytes": vectors.shape[1] * 4,
           "quantized_float32_ms": round(1000 * t_exact / len(queries), 4)}
    for kind in ("int8", "binary", "binary+rescore"):
        index = QuantizedIndex(vectors, kind)
        t, (found, _) = best_time(lambda index=index: index.search(queries, k + 1), 3)
        recall = recall_against_exact(others(found), exact)
        per_vector = index.memory_bytes / len(index)
        print(f"{kind:16s} {per_vector:13.0f} {1000 * t / len(queries):9.3f} {recall:10.3f}")
        key = kind.replace("+", "_")
        out |= {f"quantized_{key}_bytes": per_vector, f"quantized_{key}_ms": round(1000 * t / len(queries), 4),
                f"quantized_{key}_recall": round(recall, 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000, help="queries for the ANN table")
    parser.add_argument("--repeat", type=int, default=5)
    add_save_arguments(parser)
    args = parser.parse_args()
    before = conditions()
    print(f"machine: {machine()}")
    figures = exact_top_k((5_000, 100_000), n_queries=100, k=10, repeat=args.repeat)
    figures |= ann_table(args.queries, k=10)
    figures |= quantized_table(k=10)
    report("search", figures, args, before, GOALS)


if __name__ == "__main__":
    main()
