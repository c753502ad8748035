"""Lab 5's generic mutants (semantic search by hand); the near misses come from the spec."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


def _pool(tokens, mask, axis=1):
    weights = np.asarray(mask, dtype=float)[:, :, None]
    return (np.asarray(tokens) * weights).sum(axis=axis) / weights.sum(axis=axis)


def _cos(query, documents):
    documents = np.asarray(documents, dtype=float)
    return documents @ query / (np.linalg.norm(documents, axis=1) * np.linalg.norm(query))


def _top(scores, k):
    return np.argsort(-np.asarray(scores), kind="stable")[:k]


def _chunks(words, size, overlap, step=None, length=None, stop=lambda start, size, n: start + size >= n):
    step, length = step or size - overlap, length or size
    out, start = [], 0
    while start < len(words):
        out.append(list(words[start:start + length]))
        if stop(start, length, len(words)):
            break
        start += step
    return out


def _hits(ranking, relevant, k):
    return len(set(ranking[:k]) & set(relevant))


def _reciprocal(ranking, relevant, k, first=True):
    ranks = [i for i, d in enumerate(ranking[:k], 1) if d in relevant]
    return 1 / (ranks[0] if first else ranks[-1]) if ranks else 0.0


def _mrr(rankings, judgements, k=10, each=_reciprocal, reduce=np.mean):
    return float(reduce([each(r, j, k) for r, j in zip(rankings, judgements, strict=True)]))


def _bm25(query, doc, dfs, n, avg, k1=1.5, b=0.75, idf=True, tf_only=False, k1_used=None, b_used=None):
    k1, b = k1 if k1_used is None else k1_used, b if b_used is None else b_used
    df, tf = dict(zip(query, dfs, strict=True)), Counter(doc)
    total = 0.0
    for term in query:
        if tf[term]:
            weight = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5)) if idf else 1.0
            total += weight * (tf[term] if tf_only else tf[term] / (tf[term] + k1 * (1 - b + b * len(doc) / avg)))
    return total


def _fused(rankings, k=60):
    scores: dict = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return scores


def _rrf(rankings, k=60, key=lambda item, seen: -item[1]):
    scores = _fused(rankings, k)
    seen = {doc: i for i, doc in enumerate(scores)}
    ordered = sorted(scores.items(), key=lambda item: key(item, seen))
    return [d for d, _ in ordered], np.array([s for _, s in ordered])


def _int8(vectors, calibration, start=None, step=None, lowest=-128, reverse=False, to_code=np.floor):
    vectors, calibration = np.asarray(vectors, dtype=float), np.asarray(calibration, dtype=float)
    start = calibration.min(axis=0) if start is None else start
    step = (calibration.max(axis=0) - calibration.min(axis=0)) / 255 if step is None else step
    top = start + 255 * step
    position = (top - vectors) / step if reverse else (vectors - start) / step
    codes = np.clip(to_code(position) - 128, lowest, 127)
    return codes.astype(np.int8) if to_code is np.floor else codes, start, step


def _hamming(query, documents):
    return ((np.asarray(documents) > 0) != (np.asarray(query) > 0)).sum(axis=1)


def _binary_search(query, documents, k, rescore, nearest=True, best=True, keep=None):
    distance = _hamming(query, documents)
    candidates = np.argsort(distance if nearest else -distance, kind="stable")[:k * rescore]
    cosines = _cos(query, np.asarray(documents, dtype=float)[candidates])
    return candidates[np.argsort(-cosines if best else cosines, kind="stable")[:k if keep is None else keep]]


MUTANTS = {
    "mean_pool": {
        "pooled over the batch": lambda t, m: _pool(t, m, axis=0),
        "the first token": lambda t, m: np.asarray(t)[:, 0],
        "the input echoed": lambda t, m: np.asarray(t),
        "the largest value of the real tokens": lambda t, m: np.where(
            np.asarray(m)[:, :, None] > 0, np.asarray(t), -np.inf).max(axis=1),
        "the padding summed in": lambda t, m: np.asarray(t).sum(axis=1) / np.asarray(m).sum(axis=1)[:, None],
    },
    "cosine_top_k": {
        "the first k indices": lambda q, d, k: np.arange(k),
        "one too few": lambda q, d, k: _top(_cos(q, d), k - 1),
        "by Euclidean distance": lambda q, d, k: _top(-np.linalg.norm(np.asarray(d) - q, axis=1), k),
        "the top k in index order": lambda q, d, k: np.sort(_top(_cos(q, d), k)),
        "the scores": lambda q, d, k: np.sort(_cos(q, d))[::-1][:k],
    },
    "chunk_words": {
        "a step of overlap": lambda w, s, o: _chunks(w, s, o, step=o),
        "chunks one word too long": lambda w, s, o: _chunks(w, s, o, length=s + 1),
        "chunks one word too short": lambda w, s, o: _chunks(w, s, o, length=s - 1),
        "stopped one chunk early": lambda w, s, o: _chunks(w, s, o, stop=lambda st, sz, n: st + sz + (sz - o) >= n),
        "off by one at the end": lambda w, s, o: _chunks(w, s, o, stop=lambda st, sz, n: st + sz >= n - 1),
        "one chunk": lambda w, s, o: [list(w[:s])],
        "the tail dropped (range(0, n - size + 1, step))": lambda w, s, o: [
            list(w[i:i + s]) for i in range(0, len(w) - s + 1, s - o)],
    },
    "recall_at_k": {
        "constant 0": lambda r, rel, k: 0.0,
        "constant 1": lambda r, rel, k: 1.0,
        "one document too few": lambda r, rel, k: _hits(r, rel, k - 1) / len(rel),
        "integer division": lambda r, rel, k: float(_hits(r, rel, k) // len(rel)),
        "the hit count": lambda r, rel, k: float(_hits(r, rel, k)),
        "divided by the ranking's length": lambda r, rel, k: _hits(r, rel, k) / len(r),
    },
    "mean_reciprocal_rank": {
        "constant 0": lambda rs, js, k=10: 0.0,
        "constant 1": lambda rs, js, k=10: 1.0,
        "the sum over queries": lambda rs, js, k=10: _mrr(rs, js, k, reduce=np.sum),
        "the last relevant document": lambda rs, js, k=10: _mrr(
            rs, js, k, each=lambda r, j, k: _reciprocal(r, j, k, first=False)),
        "the rank, not its reciprocal": lambda rs, js, k=10: _mrr(
            rs, js, k, each=lambda r, j, k: (lambda rr: 1 / rr if rr else 0.0)(_reciprocal(r, j, k))),
        "1 if any hit": lambda rs, js, k=10: _mrr(rs, js, k, each=lambda r, j, k: float(_reciprocal(r, j, k) > 0)),
        "the cutoff off by one": lambda rs, js, k=10: _mrr(rs, js, k - 1),
    },
    "bm25_score": {
        "constant 0": lambda *a: 0.0,
        "no idf": lambda *a: _bm25(*a, idf=False),
        "raw term frequencies": lambda *a: _bm25(*a, tf_only=True),
        "b ignored (0.75)": lambda *a: _bm25(*a, b_used=0.75),
        "k1 ignored (1.5)": lambda *a: _bm25(*a, k1_used=1.5),
        "k1 and b swapped": lambda q, d, f, n, avg, k1=1.5, b=0.75: _bm25(q, d, f, n, avg, b, k1),
    },
    "reciprocal_rank_fusion": {
        "ties: the last seen first": lambda r, k=60: _rrf(r, k, key=lambda item, seen: (-item[1], -seen[item[0]])),
        "ties: alphabetical": lambda r, k=60: _rrf(r, k, key=lambda item, seen: (-item[1], item[0])),
        "in order of first appearance": lambda r, k=60: _rrf(r, k, key=lambda item, seen: seen[item[0]]),
        "ascending": lambda r, k=60: _rrf(r, k, key=lambda item, seen: item[1]),
        "the first ranking only": lambda r, k=60: _rrf(r[:1], k),
        "summed ranks": lambda r, k=60: (lambda docs: (docs, np.array([sum(
            x.index(d) + 1 for x in r if d in x) for d in docs], dtype=float)))(_rrf(r, k)[0]),
    },
    "quantize_int8": {
        "the input echoed": lambda v, c: (np.asarray(v), np.asarray(c).min(axis=0), np.asarray(c).max(axis=0)),
        "the codes only": lambda v, c: _int8(v, c)[0],
        "all codes 0": lambda v, c: (np.zeros(np.shape(v), dtype=np.int8), *_int8(v, c)[1:]),
        "clipped to [-127, 127]": lambda v, c: _int8(v, c, lowest=-127),
        "counted down from the largest value": lambda v, c: _int8(v, c, reverse=True),
        "not floored (fractional codes)": lambda v, c: _int8(v, c, to_code=lambda p: p),
        "the decoded values": lambda v, c: (lambda codes, start, step: (start + (codes + 128.5) * step, start, step))(
            *_int8(v, c)),
        "start at the mean, step of a standard deviation / 32": lambda v, c: _int8(
            v, c, start=np.mean(c, axis=0), step=np.std(c, axis=0) / 32),
        "ranges over the vectors and the calibration together": lambda v, c: _int8(v, np.vstack([v, c])),
    },
    "binary_codes": {
        "the input echoed": lambda v: np.asarray(v),
        "all bits 0": lambda v: np.zeros((len(v), -(-np.shape(v)[1] // 8)), dtype=np.uint8),
        "the first 8 dimensions only": lambda v: np.packbits(np.asarray(v)[:, :8] > 0, axis=1),
        "the last byte dropped when it is not full": lambda v: np.packbits(
            np.asarray(v)[:, : np.shape(v)[1] // 8 * 8] > 0, axis=1),
        "the number of positive values": lambda v: (np.asarray(v) > 0).sum(axis=1),
        "a threshold at each dimension's median": lambda v: np.packbits(v > np.median(v, axis=0), axis=1),
    },
    "binary_top_k": {
        "the first k indices": lambda q, d, k, r: np.arange(k),
        "the farthest in Hamming distance": lambda q, d, k, r: _binary_search(q, d, k, r, nearest=False),
        "the worst candidates by cosine": lambda q, d, k, r: _binary_search(q, d, k, r, best=False),
        "every candidate, rescored": lambda q, d, k, r: _binary_search(q, d, k, r, keep=k * r),
        "the results in index order": lambda q, d, k, r: np.sort(_binary_search(q, d, k, r)),
        "by Euclidean distance over all documents": lambda q, d, k, r: _top(
            -np.linalg.norm(np.asarray(d) - q, axis=1), k),
    },
}

#: mistakes that no set of cases can make lose 75% together with the ones above: each must still lose
#: points on every seed (exercise name -> mutant name -> wrong answer)
PARTLY_CAUGHT = {
    "chunk_words": {
        # differs only where a chunk ends exactly at the last word, where dropping the tail does not differ
        "one more chunk when a chunk ends at the last word": lambda w, s, o: _chunks(
            w, s, o, stop=lambda start, size, n: start + size > n),
    },
}
