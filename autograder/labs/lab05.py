"""Lab 5: semantic search by hand (pooling, cosine top-k, chunking, recall, MRR, BM25, fusion, int8 and binary codes).

References come from :mod:`embedlab.search`; the near misses are the mistakes
students make (the padding averaged in, vectors not normalised, ties broken the
other way, a step of ``size - overlap + 1``, chunks past the end, ranks counted
from 0, the Robertson ``(k1 + 1)`` factor, int8 codes rounded or not clipped, sign bits
above the mean, search without rescoring, ...). Inputs are drawn from the seed chosen at grading time and built so that
every near miss differs from the reference: padded batches, documents repeated
and scaled by powers of two (exact ties in cosine, not in dot product), repeated
query words, vectors outside the calibration range on a grid of exact binary
fractions (so every honest way to compute the steps floors alike).
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import numpy as np

from embedlab.search import (bm25_score, chunk_spans, cosine_top_k, mean_pool, quantize_binary, quantize_int8,
                             reciprocal_rank_fusion, top_k_stable)
from embedlab.search import recall_at_k as _recall_at_k
from embedlab.search import reciprocal_rank as _reciprocal_rank
from embedlab.search.quantized import hamming

from ..spec import Case, Exercise, Lab, NearMiss

WORDS = ("cat", "dog", "mat", "sat", "river", "bank", "money", "water", "king", "queen", "music", "war", "city",
         "ocean", "light", "stone", "paris", "tokyo", "film", "train")


# -- input generators -------------------------------------------------------------------------------

def _pool_case(rng: np.random.Generator) -> Case:
    """Token vectors (B, T, d) and a mask where every row but the longest is padded."""
    b, t, d = int(rng.integers(2, 5)), int(rng.integers(4, 8)), int(rng.integers(3, 6))
    lengths = rng.integers(1, t, size=b)
    lengths[int(rng.integers(b))] = t
    mask = (np.arange(t)[None, :] < lengths[:, None]).astype(np.int64)
    return Case((rng.normal(0, 1, (b, t, d)), mask))


def _sized_pool_case(rng: np.random.Generator, n: int) -> Case:
    """n sentences of n // 4 positions and n // 4 dimensions, padded (the loop rule's inputs grow in all)."""
    b, t, d = n, max(4, n // 4), max(3, n // 4)
    lengths = rng.integers(1, t + 1, size=b)
    mask = (np.arange(t)[None, :] < lengths[:, None]).astype(np.int64)
    return Case((rng.normal(0, 1, (b, t, d)), mask))


def _top_k_case(rng: np.random.Generator) -> Case:
    """Documents with exact cosine ties: repeated rows and rows scaled by 2 or 4 (exact in floating point);
    drawn again while the top k happen to be in index order (then sorting the indices would pass)."""
    while True:
        n, d = int(rng.integers(6, 10)), int(rng.integers(3, 6))
        docs = rng.normal(0, 1, (n, d))
        copies = rng.choice(n, size=3, replace=False)
        docs = np.vstack([docs, docs[copies] * rng.choice([2.0, 4.0], size=(3, 1)), docs[copies[:1]]])
        docs = docs[rng.permutation(len(docs))]
        query = docs[int(rng.integers(len(docs)))] + rng.normal(0, 0.05, d)
        k = int(rng.integers(3, 7))
        if np.any(np.diff(_top_k(query, docs, k)) < 0):
            return Case((query, docs, k))


def _chunk_case(rng: np.random.Generator) -> Case:
    """Overlap above size / 2 (so a step of ``overlap`` is wrong too), and a text one word longer than a
    whole number of steps: the last chunk ends exactly at the last word only by the right rule, so
    stopping a word early, dropping the tail (``range(0, n - size + 1, step)``) and tail chunks past the
    end all show, as does a step off by one either way."""
    size = int(rng.integers(5, 9))
    overlap = int(rng.integers(size // 2 + 1, size - 1))  # size / 2 < overlap <= size - 2
    n = size + int(rng.integers(0, 4)) * (size - overlap) + 1
    return Case(([f"w{i}" for i in range(n)], size, overlap))


def _chunk_cases(rng: np.random.Generator) -> list[Case]:
    """Seven texts as above, one shorter than ``size`` and one of exactly ``size`` words (one chunk: a stop
    rule of ``start + size > n`` makes a second one). No single text shows both that rule and dropping the
    tail (one shows only where a chunk ends at the last word, the other only where none does); the texts
    above catch the commoner tail drop, so the stricter stop rule loses only this case's share."""
    size = int(rng.integers(3, 9))
    overlap = int(rng.integers(0, size))
    return [*(_chunk_case(rng) for _ in range(7)), Case((["a", "b", "c"], 5, 2)),
            Case(([f"w{i}" for i in range(size)], size, overlap))]


def _recall_case(rng: np.random.Generator) -> Case:
    """3 to 5 relevant documents: all but two in the top k (the last of those at ranking[k - 1]), one just
    past the cutoff (at ranking[k]) and one further down; k differs from their number. So recall is
    neither 0 nor 1 nor "any hit", differs from precision, and changes when the cutoff moves by one either
    way (one more document finds one more, not all)."""
    docs = [f"d{i}" for i in rng.permutation(15)][:12]
    n_relevant = int(rng.integers(3, 6))
    k = int(rng.choice([k for k in range(max(2, n_relevant - 2), 9) if k != n_relevant]))
    inside = rng.choice(k - 1, size=n_relevant - 3, replace=False)
    relevant = [docs[int(i)] for i in (*inside, k - 1, k, rng.integers(k + 1, len(docs)))]
    return Case((docs, [str(d) for d in rng.permutation(relevant)], k))


def _mrr_case(rng: np.random.Generator) -> Case:
    """Queries (in random order) whose first relevant document is at rank 1, further down, exactly at the
    cutoff k, past it, or missing; the first two have a second relevant document inside the top k (it must
    not count). k varies, so an answer that assumes 10 or moves the cutoff by one shows."""
    k = int(rng.integers(5, 11))
    firsts = (0, int(rng.integers(1, k - 2)), k - 1, int(rng.integers(k, k + 3)), None)
    rankings, judgements = [], []
    for first in firsts:
        docs = [f"d{i}" for i in rng.permutation(16)][:14]
        second = [docs[int(rng.integers(first + 1, k))]] if first is not None and first < k - 2 else []
        rankings.append(docs)
        judgements.append([str(d) for d in rng.permutation([docs[first], *second])] if first is not None else ["zzz"])
    order = rng.permutation(len(firsts))
    return Case(([rankings[i] for i in order], [judgements[i] for i in order], k))


def _bm25_case(rng: np.random.Generator) -> Case:
    """A document, a query with a repeated word and a word absent from the document, and statistics."""
    vocab = list(rng.choice(WORDS, size=8, replace=False))
    doc = [str(w) for w in rng.choice(vocab[:5], size=int(rng.integers(4, 12)))]
    query = [doc[0], doc[0], str(rng.choice(doc)), vocab[7]]
    n_docs = int(rng.integers(20, 200))
    doc_freq = {str(w): int(rng.integers(1, n_docs // 2)) for w in vocab}
    avg = float(rng.uniform(0.5, 2.0) * len(doc))
    k1, b = _not_default(rng, 0.8, 2.4, 1.5), _not_default(rng, 0.2, 1.0, 0.75)
    return Case((query, doc, [doc_freq[t] for t in query], n_docs, avg, k1, b))


def _not_default(rng: np.random.Generator, low: float, high: float, default: float) -> float:
    """A parameter drawn away from its default, so an answer that ignores the argument shows."""
    value = default
    while abs(value - default) < 0.05:
        value = round(float(rng.uniform(low, high)), 2)
    return value


def _rrf_rankings(rng: np.random.Generator) -> list[list[str]]:
    """2 or 3 rankings with a planted tie: x at ranks r and s of the first two, y at s and r (and neither in a
    third), x seen first but named after y, so "ties: first seen first" differs from the reverse and from
    alphabetical order."""
    docs = [f"d{i}" for i in range(12)]
    rankings = [[str(d) for d in rng.permutation(docs)[: int(rng.integers(5, 9))]] for _ in range(rng.integers(2, 4))]
    r, s = sorted(int(i) for i in rng.choice(min(map(len, rankings[:2])), size=2, replace=False))
    x, y = sorted((rankings[0][r], rankings[0][s]), reverse=True)
    first = [d for d in rankings[0] if d not in (x, y)]
    second = [d for d in rankings[1] if d not in (x, y)]
    first[r:r], first[s:s], second[r:r], second[s:s] = [x], [y], [y], [x]
    return [first, second, *([d for d in ranking if d not in (x, y)] for ranking in rankings[2:])]


def _ties_are_exact_in_floats(rankings: list[list[str]], k: int) -> bool:
    """Every exact tie of fused scores is between documents with the same ranks (at most two of them), so
    float sums in any order keep it a tie: an exact answer (fractions.Fraction) and a float one agree."""
    ranks: dict[str, list[int]] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            ranks.setdefault(doc, []).append(rank)
    by_score: dict[Fraction, set[tuple[int, ...]]] = {}
    for doc_ranks in ranks.values():
        by_score.setdefault(sum(Fraction(1, k + r) for r in doc_ranks), set()).add(tuple(sorted(doc_ranks)))
    return all(len(kinds) == 1 and len(next(iter(kinds))) <= 2 for kinds in by_score.values())


def _rrf_case(rng: np.random.Generator, k: int) -> Case:
    rankings = _rrf_rankings(rng)
    while not _ties_are_exact_in_floats(rankings, k):
        rankings = _rrf_rankings(rng)
    return Case((rankings, k))


def _rrf_cases(rng: np.random.Generator) -> list[Case]:
    """The default k = 60 once in five; otherwise a k that an answer ignoring the argument gets wrong."""
    return [_rrf_case(rng, 60), *(_rrf_case(rng, int(rng.integers(1, 40))) for _ in range(4))]


#: int8 cases live on a grid of binary fractions: steps of 1, 2 or 4 units, values at eighths of a step
_UNIT = 2.0 ** -10
_EIGHTHS = np.array([1, 2, 3, 5, 6, 7]) / 8  # never on a step's edge, never halfway (np.round's ties)


def _int8_case(rng: np.random.Generator, square: bool = False) -> Case:
    """Vectors (n, d) and calibration vectors (m, d) whose every dimension has its own range, with both ends
    in the calibration (the largest value is exactly 255 steps above the smallest) and, in the vectors, at
    least two values below the range and two more than a step above it (clipping shows, and so does taking
    the range from the vectors). Every number is a multiple of 2**-13 below 1 in size, so (x - start) / step
    is exact in float32 and float64, however it is computed: honest code floors alike. ``square``: as many
    calibration vectors as dimensions (then ranges over the wrong axis have the right shape and show as
    wrong values rather than a broadcasting error)."""
    d, n = int(rng.integers(3, 6)), int(rng.integers(3, 6))
    m = d if square else int(rng.choice([m for m in range(4, 10) if m != d]))
    start = rng.integers(-700, -100, size=d) * _UNIT
    step = rng.choice([1, 2, 4], size=d) * _UNIT

    def inside(rows: int) -> np.ndarray:
        return start + (rng.integers(0, 255, (rows, d)) + rng.choice(_EIGHTHS, (rows, d))) * step

    calibration, vectors = inside(m), inside(n)
    for k in range(d):
        low, high = rng.choice(m, size=2, replace=False)
        calibration[[low, high], k] = start[k], start[k] + 255 * step[k]
    flat = rng.choice(n * d, size=4, replace=False)
    rows, cols = np.unravel_index(flat, (n, d))
    beyond = rng.integers(0, 4, size=4) + rng.choice(_EIGHTHS, size=4)
    vectors[rows[:2], cols[:2]] = start[cols[:2]] - beyond[:2] * step[cols[:2]]
    vectors[rows[2:], cols[2:]] = start[cols[2:]] + (256 + beyond[2:]) * step[cols[2:]]
    return Case((vectors, calibration))


def _int8_cases(rng: np.random.Generator) -> list[Case]:
    return [_int8_case(rng, square=i < 2) for i in range(5)]


def _sized_int8_case(rng: np.random.Generator, n: int) -> Case:
    """n vectors of n dimensions and n + 3 calibration vectors (a loop over rows or dimensions shows)."""
    return Case((rng.normal(0, 0.1, (n, n)), rng.normal(0, 0.1, (n + 3, n))))


def _differs(answer, right) -> bool:
    return np.shape(answer) != np.shape(right) or not np.array_equal(np.ravel(answer), np.ravel(right))


def _discriminating(make, reference, wrongs, usable=lambda case: True):
    """``make()`` drawn again until the case is ``usable`` and every wrong answer in ``wrongs`` differs
    from the reference's (the cheap ``usable`` first: the near misses cost more than the draw)."""
    while True:
        case = make()
        if usable(case):
            right = reference(*case.args)
            if all(_differs(wrong(*case.args), right) for wrong in wrongs):
                return case


def _signed_vectors(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Normal vectors with an offset per dimension (so a threshold at the mean is not one at 0), no zeros."""
    return rng.normal(0, 1, (n, d)) + rng.normal(0, 0.8, d)


def _binary_case(rng: np.random.Generator) -> Case:
    """Vectors of 9 to 23 dimensions, never a multiple of 8 (a last byte padded: dropping it, or keeping only
    the first byte, shows), drawn again until every near miss differs."""
    def make() -> Case:
        d = int(rng.choice([d for d in range(9, 24) if d % 8]))
        return Case((_signed_vectors(rng, int(rng.integers(3, 7)), d),))
    return _discriminating(make, _binary_codes, [near.wrong for near in _BINARY_NEAR])


def _sized_binary_case(rng: np.random.Generator, n: int) -> Case:
    return Case((_signed_vectors(rng, n, n),))


def _search_case(rng: np.random.Generator) -> Case:
    """A query and documents in random directions and of random lengths (1/3 to 3), some near the query, one
    its copy with the signs of its smallest third of coordinates flipped (close in cosine, far in Hamming
    distance); k * rescore candidates with a Hamming distance strictly below the next document's (so how ties
    are broken at the cutoff never matters), results not in index order, and every near miss wrong."""
    def make() -> Case:
        d, n = int(rng.integers(10, 25)), int(rng.integers(14, 22))
        k, rescore = int(rng.integers(2, 5)), int(rng.integers(2, 4))
        offset = rng.normal(0, 0.8, d)
        query = rng.normal(0, 1, d)
        near = query + rng.normal(0, rng.uniform(0.4, 1.2), (n // 2, d))
        flipped = query.copy()
        small = np.argsort(np.abs(query))[: d // 3]
        flipped[small] *= -1
        documents = np.vstack([near, flipped, rng.normal(0, 1, (n - n // 2 - 1, d))])
        documents = (documents + offset)[rng.permutation(n)] * rng.uniform(1 / 3, 3, (n, 1))
        return Case((query + offset, documents, k, rescore))

    def no_ties_at_the_cutoffs(case: Case) -> bool:
        query, documents, k, rescore = case.args
        distance = np.sort(_hamming_to(query, documents))
        return bool(distance[k * rescore - 1] < distance[k * rescore] and distance[k - 1] < distance[k]
                    and np.any(np.diff(_binary_top_k(*case.args)) < 0))

    return _discriminating(make, _binary_top_k, [near.wrong for near in _SEARCH_NEAR], no_ties_at_the_cutoffs)


# -- references (embedlab.search) ------------------------------------------------------------------

def _top_k(query, documents, k):
    return cosine_top_k(query, documents, k)[0]


def _chunks(words, size, overlap):
    return [list(words[s:e]) for s, e in chunk_spans(len(words), size, overlap)]


def _mrr(rankings, judgements, k=10):
    return float(np.mean([_reciprocal_rank(r, j, k) for r, j in zip(rankings, judgements, strict=True)]))


def _bm25(query_terms, doc_terms, doc_freqs, n_docs, avg_doc_len, k1=1.5, b=0.75):
    """embedlab's BM25 with the document frequencies given per query term (the lab's signature)."""
    return bm25_score(query_terms, doc_terms, dict(zip(query_terms, doc_freqs, strict=True)), n_docs, avg_doc_len,
                      k1, b)


def _rrf(rankings, k=60):
    fused = reciprocal_rank_fusion(rankings, k)
    return list(fused), np.array(list(fused.values()))


def _int8(vectors, calibration):
    """embedlab's int8 codes as the lab returns them: (codes, start, step)."""
    quantized = quantize_int8(vectors, calibration)
    return quantized.codes, quantized.start, quantized.step


def _binary_codes(vectors):
    return quantize_binary(vectors)


def _hamming_to(query, documents, threshold=None, distance=None):
    """Bits that differ between the query's code and each document's (``threshold``: a bit is value >
    threshold; ``distance``: how two packed codes are compared)."""
    documents = np.asarray(documents, dtype=float)
    bits = (lambda x: np.packbits(x > threshold(documents), axis=-1)) if threshold else quantize_binary
    query_bits, document_bits = bits(np.atleast_2d(query)), bits(documents)
    return hamming(query_bits, document_bits)[0] if distance is None else distance(query_bits, document_bits)


def _binary_top_k(query, documents, k, rescore):
    """embedlab's binary codes and Hamming distance; the k * rescore nearest rescored by cosine."""
    candidates = top_k_stable(-_hamming_to(query, documents), k * rescore)[0]
    return candidates[cosine_top_k(query, np.asarray(documents, dtype=float)[candidates], k)[0]]


# -- near misses -------------------------------------------------------------------------------------

def _ranked(scores: np.ndarray, k: int, prefer_later: bool = False) -> np.ndarray:
    keys = (-np.arange(len(scores)) if prefer_later else np.arange(len(scores)), -scores)
    return np.lexsort(keys)[:k]


def _dot_top_k(query, documents, k):
    return _ranked(np.asarray(documents) @ np.asarray(query), k)


def _cos(query, documents):
    documents = np.asarray(documents, dtype=float)
    return documents @ query / (np.linalg.norm(documents, axis=1) * np.linalg.norm(query))


def _chunks_by_step(words, size, overlap, step=None, stop_at_end=True):
    step = size - overlap if step is None else step
    out, start = [], 0
    while start < len(words):
        out.append(list(words[start:start + size]))
        if stop_at_end and start + size >= len(words):
            break
        start += step
    return out


def _bm25_with(query, doc, dfs, n, avg, k1, b, idf=None, robertson=False, length=True, unique=False):
    df, tf = dict(zip(query, dfs, strict=True)), Counter(doc)
    norm = k1 * ((1 - b + b * len(doc) / avg) if length else 1.0)
    total = 0.0
    for term in (dict.fromkeys(query) if unique else query):
        if tf[term]:
            weight = idf(df[term], n) if idf else math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            total += weight * tf[term] * ((k1 + 1) if robertson else 1.0) / (tf[term] + norm)
    return total


def _rrf_with(rankings, k=60, start=1, by_score_only=False):
    fused: dict = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=start):
            fused[doc] = fused.get(doc, 0.0) + (1.0 if by_score_only else 1.0 / (k + rank))
    ordered = sorted(fused.items(), key=lambda item: -item[1])
    return [d for d, _ in ordered], np.array([s for _, s in ordered])


def _int8_with(vectors, calibration, ranges=None, steps=255, to_code=np.floor, clip=True, shift=128, cast=True):
    """int8 codes with one thing done differently (in float64, as a student's numpy code computes them):
    ``ranges(vectors, calibration) -> (start, stop)``, the number of steps, how a position becomes a whole
    number, clipping to [0, 255], the shift and the cast to int8 (which wraps values outside -128..127)."""
    vectors, calibration = np.asarray(vectors, dtype=float), np.asarray(calibration, dtype=float)
    start, stop = ranges(vectors, calibration) if ranges else (calibration.min(axis=0), calibration.max(axis=0))
    step = (stop - start) / steps
    codes = to_code((vectors - start) / step)
    codes = (np.clip(codes, 0, 255) if clip else codes) - shift
    return (codes.astype(np.int64).astype(np.int8) if cast else codes), start, step


def _truncated_int8(vectors, calibration):
    """The shift before any rounding, then ``astype(np.int8)``, which rounds towards zero."""
    _, start, step = _int8_with(vectors, calibration)
    position = np.clip((np.asarray(vectors, dtype=float) - start) / step - 128, -128, 127)
    return position.astype(np.int8), start, step


def _global_range(v, c):
    return np.min(c), np.max(c)


def _search_with(query, documents, k, rescore, candidates=None, rescored=True, score=None, positions=False,
                 **bits):
    """Binary search with rescoring, one thing done differently: how many candidates, whether they are
    rescored, by what (``score(query, rows)``), positions among the candidates returned instead of
    indices, how the bits are made or compared (``_hamming_to``)."""
    documents = np.asarray(documents, dtype=float)
    distance = _hamming_to(query, documents, **bits)
    chosen = top_k_stable(-distance, k * rescore if candidates is None else candidates)[0]
    if not rescored:
        return chosen[:k]
    scores = _cos(query, documents[chosen]) if score is None else score(query, documents[chosen])
    order = np.lexsort((np.arange(len(chosen)), -scores))[:k]
    return order if positions else chosen[order]


def _differing_bytes(query_bits, document_bits):
    return (query_bits != document_bits).sum(axis=1)


_MEAN_BIT = ("set a bit where the value is above the mean: the code is the sign, 1 where the value is > 0 "
             "(np.packbits(vectors > 0, axis=1)).")
_PACKING = "packed along the wrong axis: pack each vector's own bits, np.packbits(vectors > 0, axis=1)."

_BINARY_NEAR = (
    NearMiss(_MEAN_BIT, lambda v: np.packbits(v > v.mean(axis=0), axis=1)),
    NearMiss(_MEAN_BIT, lambda v: np.packbits(v > v.mean(axis=1, keepdims=True), axis=1)),
    NearMiss(_MEAN_BIT, lambda v: np.packbits(v > v.mean(), axis=1)),
    NearMiss("returned one number per dimension: pack 8 bits into each byte with np.packbits(bits, axis=1), "
             "shape (n, ceil(d / 8)).", lambda v: (np.asarray(v) > 0).astype(np.uint8)),
    NearMiss(_PACKING, lambda v: np.packbits(np.asarray(v) > 0, axis=0)),
    NearMiss(_PACKING, lambda v: np.packbits(np.asarray(v) > 0)),
    NearMiss("put the first dimension in the lowest bit: np.packbits puts it in the highest (bitorder='big', "
             "the default), as sentence-transformers does.",
             lambda v: np.packbits(np.asarray(v) > 0, axis=1, bitorder="little")),
    NearMiss("set the bits of the negative values: a bit is 1 where the value is > 0.",
             lambda v: np.packbits(np.asarray(v) < 0, axis=1)),
    NearMiss("returned signed bytes (np.packbits(...) - 128, sentence-transformers' 'binary'): return the "
             "unsigned bytes of np.packbits (its 'ubinary').",
             lambda v: (np.packbits(np.asarray(v) > 0, axis=1).astype(np.int16) - 128)),
)

_SEARCH_NEAR = (
    NearMiss("returned the k nearest in Hamming distance: rescore the k * rescore nearest with the float cosine "
             "and return the k best of them.", lambda q, d, k, r: _search_with(q, d, k, r, rescored=False)),
    NearMiss("ranked every document by cosine: the point is to compute cosines for the k * rescore candidates "
             "nearest in Hamming distance only.", lambda q, d, k, r: _top_k(q, d, k)),
    NearMiss("took k candidates: take the k * rescore nearest in Hamming distance, then keep the k best by "
             "cosine.", lambda q, d, k, r: _search_with(q, d, k, r, candidates=k)),
    NearMiss("returned positions in the list of candidates: return the candidates' own indices into "
             "`documents`, candidates[order].", lambda q, d, k, r: _search_with(q, d, k, r, positions=True)),
    NearMiss("rescored by dot product: the documents have different lengths, so rescore by cosine.",
             lambda q, d, k, r: _search_with(q, d, k, r, score=lambda q, rows: rows @ q)),
    NearMiss("counted the bytes that differ: the Hamming distance counts bits, "
             "np.unpackbits(query_bits ^ document_bits, axis=1).sum(axis=1).",
             lambda q, d, k, r: _search_with(q, d, k, r, distance=_differing_bytes)),
    NearMiss(_MEAN_BIT, lambda q, d, k, r: _search_with(q, d, k, r, threshold=lambda docs: docs.mean(axis=0))),
)


# -- exercises ---------------------------------------------------------------------------------------

MEAN_POOL = Exercise(
    name="mean_pool",
    points=2,
    targets=("mean_pool",),
    reference=mean_pool,
    cases=lambda rng: [_pool_case(rng) for _ in range(4)],
    forbid_loops=True,
    sized_case=_sized_pool_case,
    size_unit="sentences",
    near_misses=(
        NearMiss("averaged over every position, padding included: multiply by the mask and divide by the number "
                 "of real tokens, mask.sum(axis=1).", lambda t, m: np.asarray(t).mean(axis=1)),
        NearMiss("masked the sum but divided by the padded length: divide by the number of real tokens "
                 "(mask.sum(axis=1)), not by the number of positions.",
                 lambda t, m: (np.asarray(t) * np.asarray(m)[..., None]).sum(axis=1) / np.asarray(t).shape[1]),
        NearMiss("returned unit vectors: mean pooling is the average only; normalising is a separate step.",
                 lambda t, m: (lambda p: p / np.linalg.norm(p, axis=1, keepdims=True))(mean_pool(t, m))),
        NearMiss("returned the masked sum: divide by the number of real tokens to get the mean.",
                 lambda t, m: (np.asarray(t) * np.asarray(m)[..., None]).sum(axis=1)),
    ),
    hint="weights = mask[:, :, None]; return (token_vectors * weights).sum(axis=1) / weights.sum(axis=1).",
)

COSINE_TOP_K = Exercise(
    name="cosine_top_k",
    points=2,
    targets=("cosine_top_k",),
    reference=_top_k,
    cases=lambda rng: [_top_k_case(rng) for _ in range(5)],
    near_misses=(
        NearMiss("ranked by dot product: long vectors win. Normalise the documents (and the query) first, "
                 "so the score is the cosine.", _dot_top_k),
        NearMiss("ties go to the smaller index: when two documents have the same cosine, the one that comes "
                 "first in `documents` ranks first (np.lexsort((np.arange(n), -scores)) or a stable sort of "
                 "-scores).", lambda q, d, k: _ranked(_cos(q, d), k, prefer_later=True)),
        NearMiss("returned the k least similar documents: sort by decreasing cosine.",
                 lambda q, d, k: np.lexsort((np.arange(len(d)), _cos(q, d)))[:k]),
        NearMiss("returned one document too many or too few: return exactly k indices.",
                 lambda q, d, k: _ranked(_cos(q, d), k + 1)),
    ),
    hint="scores = (documents / norms of the rows) @ (query / its norm); order = np.argsort(-scores, "
         "kind='stable'); return order[:k].",
)

CHUNK_WORDS = Exercise(
    name="chunk_words",
    points=2,
    targets=("chunk_words",),
    reference=_chunks,
    cases=_chunk_cases,
    near_misses=(
        NearMiss("consecutive chunks should share exactly `overlap` words: step forward by size - overlap "
                 "(yours is off by one).", lambda w, s, o: _chunks_by_step(w, s, o, step=s - o + 1)),
        NearMiss("consecutive chunks should share exactly `overlap` words: step forward by size - overlap "
                 "(yours is off by one).", lambda w, s, o: _chunks_by_step(w, s, o, step=max(1, s - o - 1))),
        NearMiss("kept making chunks after one reached the end: the tail chunks are already inside the "
                 "previous one. Stop once a chunk ends at the last word.",
                 lambda w, s, o: _chunks_by_step(w, s, o, stop_at_end=False)),
        NearMiss("the chunks do not overlap: start each chunk `overlap` words before the previous one ended.",
                 lambda w, s, o: _chunks_by_step(w, s, o, step=s)),
    ),
    hint="start = 0; loop: chunk = words[start:start + size]; stop when start + size >= len(words); "
         "otherwise start += size - overlap.",
)

RECALL_AT_K = Exercise(
    name="recall_at_k",
    points=1,
    targets=("recall_at_k",),
    reference=_recall_at_k,
    cases=lambda rng: [_recall_case(rng) for _ in range(5)],
    near_misses=(
        NearMiss("divided by k (that is precision@k): recall divides by the number of relevant documents.",
                 lambda r, rel, k: len(set(r[:k]) & set(rel)) / k),
        NearMiss("looked at one document too many: the top k are ranking[:k].",
                 lambda r, rel, k: len(set(r[:k + 1]) & set(rel)) / len(rel)),
        NearMiss("returned 1 when any relevant document is in the top k: recall is the share of the relevant "
                 "documents found.", lambda r, rel, k: float(bool(set(r[:k]) & set(rel)))),
    ),
    hint="len(set(ranking[:k]) & set(relevant)) / len(relevant).",
)

MRR = Exercise(
    name="mean_reciprocal_rank",
    points=2,
    targets=("mean_reciprocal_rank",),
    reference=_mrr,
    cases=lambda rng: [_mrr_case(rng) for _ in range(4)],
    near_misses=(
        NearMiss("counted ranks from 0: the first document has rank 1, so it scores 1/1.",
                 lambda rs, js, k=10: float(np.mean([next((1 / (i + 2) for i, d in enumerate(r[:k]) if d in j), 0.0)
                                                     for r, j in zip(rs, js, strict=True)]))),
        NearMiss("ignored the cutoff: a first relevant document after rank k scores 0.",
                 lambda rs, js, k=10: _mrr(rs, js, k=len(rs[0]))),
        NearMiss("averaged only over the queries that found something: a query with no relevant document in "
                 "the top k counts as 0 in the mean.",
                 lambda rs, js, k=10: float(np.mean([x for x in (_reciprocal_rank(r, j, k)
                                                                 for r, j in zip(rs, js, strict=True)) if x]))),
        NearMiss("added 1/rank for every relevant document: only the first relevant one counts.",
                 lambda rs, js, k=10: float(np.mean([sum(1 / i for i, d in enumerate(r[:k], 1) if d in j)
                                                     for r, j in zip(rs, js, strict=True)]))),
    ),
    hint="for each query: the first position i (from 1) in ranking[:k] whose document is relevant gives 1/i, "
         "none gives 0; return the mean over all queries.",
)

BM25 = Exercise(
    name="bm25_score",
    points=2,
    targets=("bm25_score",),
    reference=_bm25,
    cases=lambda rng: [_bm25_case(rng) for _ in range(5)],
    near_misses=(
        NearMiss("used idf = ln((N - df + 0.5) / (df + 0.5)), which turns negative for common words; this course "
                 "(like bm25s and Lucene) uses ln(1 + (N - df + 0.5) / (df + 0.5)).",
                 lambda *a: _bm25_with(*a, idf=lambda df, n: math.log((n - df + 0.5) / (df + 0.5)))),
        NearMiss("multiplied by (k1 + 1): that is the Robertson variant. This course uses bm25s's default (Lucene) "
                 "formula, tf / (tf + k1 * (1 - b + b * |d| / avgdl)).", lambda *a: _bm25_with(*a, robertson=True)),
        NearMiss("left out the length normalisation: the k1 term is k1 * (1 - b + b * len(doc_terms) / avg_doc_len).",
                 lambda *a: _bm25_with(*a, length=False)),
        NearMiss("counted a repeated query word once: every occurrence in the query adds its term again.",
                 lambda *a: _bm25_with(*a, unique=True)),
    ),
    hint="tf = Counter(doc_terms); for each query term (repeats included), with df = doc_freqs[i], when "
         "tf[term] > 0: idf = ln(1 + (n_docs - df + 0.5) / (df + 0.5)); add idf * tf / (tf + k1 * (1 - b + b * "
         "len(doc_terms) / avg_doc_len)).",
)

RRF = Exercise(
    name="reciprocal_rank_fusion",
    points=2,
    targets=("reciprocal_rank_fusion",),
    reference=_rrf,
    cases=_rrf_cases,
    near_misses=(
        NearMiss("counted ranks from 0: the first document of a ranking adds 1 / (k + 1).",
                 lambda r, k=60: _rrf_with(r, k, start=0)),
        NearMiss("counted how many rankings contain each document: add 1 / (k + rank) instead.",
                 lambda r, k=60: _rrf_with(r, k, by_score_only=True)),
        NearMiss("ignored the `k` argument (always 60): use the parameter.", lambda r, k=60: _rrf(r, 60)),
    ),
    hint="scores = {}; for each ranking, for rank, doc in enumerate(ranking, start=1): scores[doc] = "
         "scores.get(doc, 0) + 1 / (k + rank); sort by decreasing score (ties: first seen first) and return "
         "(list of documents, np.array of their scores).",
)

QUANTIZE_INT8 = Exercise(
    name="quantize_int8",
    points=2,
    targets=("quantize_int8",),
    reference=_int8,
    cases=_int8_cases,
    forbid_loops=True,
    sized_case=_sized_int8_case,
    size_unit="vectors",
    near_misses=(
        NearMiss("rounded to the nearest step: a value's code is the step it falls in, np.floor((vectors - start) "
                 "/ step), so 3.7 steps above the start is code 3 - 128.",
                 lambda v, c: _int8_with(v, c, to_code=np.round)),
        NearMiss("subtracted 128 before rounding and let astype(np.int8) round: a cast rounds towards zero, so "
                 "negative codes come out one too high. Floor first (np.floor), clip, then subtract 128.",
                 _truncated_int8),
        NearMiss("did not clip: values outside the calibration range must get the first or last code. Clip the "
                 "step numbers to [0, 255] before subtracting 128 (int8 holds -128..127; a cast wraps 129 to -127).",
                 lambda v, c: _int8_with(v, c, clip=False)),
        NearMiss("did not clip: values outside the calibration range must get the first or last code. Clip the "
                 "step numbers to [0, 255] before subtracting 128 (int8 holds -128..127; a cast wraps 129 to -127).",
                 lambda v, c: _int8_with(v, c, clip=False, cast=False)),
        NearMiss("returned codes from 0 to 255: subtract 128 so that they fit int8 (-128..127).",
                 lambda v, c: _int8_with(v, c, shift=0, cast=False)),
        NearMiss("cut the range into 256 steps: 256 codes are 255 steps apart, so step = (max - min) / 255 and "
                 "the largest calibration value gets code 127.", lambda v, c: _int8_with(v, c, steps=256)),
        NearMiss("used one range for all dimensions: every dimension gets its own, start = calibration.min(axis=0) "
                 "and the step from calibration.max(axis=0).", lambda v, c: _int8_with(v, c, ranges=_global_range)),
        NearMiss("used one range for all dimensions: every dimension gets its own, start = calibration.min(axis=0) "
                 "and the step from calibration.max(axis=0).", lambda v, c: _int8_with(
                     v, c, ranges=lambda v, c: (np.full(c.shape[1], c.min()), np.full(c.shape[1], c.max())))),
        NearMiss("took the ranges over the wrong axis (each calibration vector's own min and max): a range belongs "
                 "to a dimension, over all the calibration vectors, calibration.min(axis=0).",
                 lambda v, c: _int8_with(v, c, ranges=lambda v, c: (c.min(axis=1), c.max(axis=1)))),
        NearMiss("took the ranges from `vectors`: they come from `calibration` (the collection the codes are made "
                 "for), and a new vector outside them is clipped.",
                 lambda v, c: _int8_with(v, c, ranges=lambda v, c: (v.min(axis=0), v.max(axis=0)))),
    ),
    hint="start = calibration.min(axis=0); step = (calibration.max(axis=0) - start) / 255; codes = "
         "np.clip(np.floor((vectors - start) / step), 0, 255) - 128; return codes.astype(np.int8), start, step.",
)

BINARY_CODES = Exercise(
    name="binary_codes",
    points=1,
    targets=("binary_codes",),
    reference=_binary_codes,
    cases=lambda rng: [_binary_case(rng) for _ in range(4)],
    forbid_loops=True,
    sized_case=_sized_binary_case,
    size_unit="vectors",
    near_misses=_BINARY_NEAR,
    hint="np.packbits(vectors > 0, axis=1): one bit per dimension, 8 to a byte, the first in the highest bit.",
)

BINARY_TOP_K = Exercise(
    name="binary_top_k",
    points=2,
    targets=("binary_top_k",),
    reference=_binary_top_k,
    cases=lambda rng: [_search_case(rng) for _ in range(4)],
    near_misses=_SEARCH_NEAR,
    hint="distance = np.unpackbits(binary_codes(documents) ^ binary_codes(query[None]), axis=1).sum(axis=1); "
         "candidates = np.argsort(distance, kind='stable')[:k * rescore]; cosines of query with "
         "documents[candidates]; return candidates[np.argsort(-cosines, kind='stable')[:k]].",
)

LAB = Lab(
    id="lab05",
    title="Semantic search by hand",
    notebook="lab05_semantic_search.ipynb",
    exercises=(MEAN_POOL, COSINE_TOP_K, CHUNK_WORDS, RECALL_AT_K, MRR, BM25, RRF, QUANTIZE_INT8, BINARY_CODES,
               BINARY_TOP_K),
    # the chatterbot loader only: embedlab.search holds every exercise's reference
    allowed_modules=("embedlab.data.chatterbot", "embedlab.data._packages"),
    course_names=("embedlab.data.load_chatterbot",),
)
