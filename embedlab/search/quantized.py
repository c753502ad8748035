"""Quantised embeddings: int8 and binary codes with rescoring, as practitioners store large indexes.

A float32 sentence vector of 384 dimensions takes 1,536 bytes. Two cheaper codes:

* **int8** (384 bytes, 4x smaller): each dimension's range, measured on calibration
  vectors, is cut into 256 steps (``quantize_int8``; the same scheme as
  sentence-transformers' ``quantize_embeddings(..., "int8")``). A float query is
  scored against the decoded codes.
* **binary** (48 bytes, 32x smaller): one bit per dimension, its sign
  (``quantize_binary``). Documents are ranked by the Hamming distance between bits
  (a popcount of XOR), which is very cheap, and then the best ``rescore`` x k
  candidates are **rescored** with the float query against their int8 codes, so the
  final order comes from finer numbers (the "binary + int8 rescoring" recipe).

:class:`QuantizedIndex` searches with either code; :func:`recall_against_exact`
measures what a code loses: the share of the exact float32 top k it still returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..similarity import normalize
from .dense import top_k_stable

__all__ = ["Int8Codes", "QuantizedIndex", "hamming", "quantize_binary", "quantize_int8", "recall_against_exact"]

KINDS = ("int8", "binary", "binary+rescore")


@dataclass(frozen=True)
class Int8Codes:
    """int8 codes and how to decode them: ``value ≈ start + (code + 128 + 0.5) * step`` per dimension."""

    codes: np.ndarray  # (n, d) int8
    start: np.ndarray  # (d,) float32
    step: np.ndarray  # (d,) float32

    def decode(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return self.start + (self.codes[rows].astype(np.float32) + 128.5) * self.step


def _matrix(x, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty (n, d) matrix of vectors; got shape {x.shape}.")
    return x


def quantize_int8(vectors, calibration=None) -> Int8Codes:
    """int8 codes of ``vectors``: each dimension's [min, max] over ``calibration`` (default: the
    vectors themselves) in 256 equal steps; values outside are clipped."""
    vectors = _matrix(vectors, "vectors")
    reference = vectors if calibration is None else _matrix(calibration, "calibration")
    if reference.shape[1] != vectors.shape[1]:
        raise ValueError(f"calibration has {reference.shape[1]} dimensions, the vectors {vectors.shape[1]}.")
    start, stop = reference.min(axis=0), reference.max(axis=0)
    step = np.where(stop > start, (stop - start) / 255, 1).astype(np.float32)
    codes = np.clip(np.floor((vectors - start) / step), 0, 255) - 128
    return Int8Codes(codes.astype(np.int8), start.astype(np.float32), step)


def quantize_binary(vectors) -> np.ndarray:
    """One bit per dimension (1 where the value is positive), packed 8 to a byte: (n, ceil(d / 8)) uint8."""
    return np.packbits(_matrix(vectors, "vectors") > 0, axis=1)


def hamming(query_bits: np.ndarray, document_bits: np.ndarray, chunk: int = 32) -> np.ndarray:
    """Bits that differ between each query (rows) and each document (columns); ``chunk`` queries at a time."""
    out = np.empty((len(query_bits), len(document_bits)), dtype=np.int32)
    for i in range(0, len(query_bits), chunk):
        xor = query_bits[i:i + chunk, None, :] ^ document_bits[None, :, :]
        out[i:i + chunk] = np.bitwise_count(xor).sum(axis=2, dtype=np.int32)
    return out


class QuantizedIndex:
    """Cosine search over codes instead of float vectors: ``kind`` is "int8", "binary" or "binary+rescore".

    The vectors are normalised first (so a dot product is a cosine); ``calibration``
    sets the int8 ranges (default: the vectors). ``memory_bytes`` counts the codes kept.
    """

    def __init__(self, vectors, kind: str = "binary+rescore", rescore: int = 4, calibration=None):
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}.")
        if not isinstance(rescore, int) or rescore < 1:
            raise ValueError(f"rescore must be a positive integer (candidates per result), got {rescore!r}.")
        unit = normalize(_matrix(vectors, "vectors")).astype(np.float32)
        self.kind, self.rescore, self.dim = kind, rescore, unit.shape[1]
        calibration = None if calibration is None else normalize(_matrix(calibration, "calibration"))
        self.int8 = quantize_int8(unit, calibration) if kind != "binary" else None
        self.bits = quantize_binary(unit) if kind != "int8" else None

    def __len__(self) -> int:
        return len(self.bits if self.bits is not None else self.int8.codes)

    @property
    def memory_bytes(self) -> int:
        return sum(a.nbytes for a in (self.bits, self.int8 and self.int8.codes) if a is not None)

    def search(self, queries, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(indices, scores) of the ``k`` best documents per query, best first; scores are cosines
        against the decoded int8 codes, or (plain "binary") minus the Hamming distance."""
        queries = normalize(np.atleast_2d(np.asarray(queries, dtype=np.float32)))
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have {queries.shape[1]} dimensions, the index {self.dim}.")
        if self.kind == "int8":
            scores = queries @ self.int8.decode().T
            best = top_k_stable(scores, k)
            return best, np.take_along_axis(scores, best, axis=1)
        closeness = -hamming(quantize_binary(queries), self.bits)
        if self.kind == "binary":
            best = top_k_stable(closeness, k)
            return best, np.take_along_axis(closeness, best, axis=1).astype(np.float32)
        candidates = top_k_stable(closeness, min(k * self.rescore, len(self)))
        results, scores = [], []
        for query, rows in zip(queries, candidates, strict=True):
            rescored = self.int8.decode(rows) @ query
            order = top_k_stable(rescored, k)[0]
            results.append(rows[order])
            scores.append(rescored[order])
        return np.array(results), np.array(scores)


def recall_against_exact(found: np.ndarray, exact: np.ndarray) -> float:
    """Mean share of each query's exact top k (rows of ``exact``) that ``found`` returned too."""
    found, exact = np.atleast_2d(found), np.atleast_2d(exact)
    if found.shape[0] != exact.shape[0]:
        raise ValueError(f"{found.shape[0]} result rows for {exact.shape[0]} queries.")
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact, strict=True)]))
