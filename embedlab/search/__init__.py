"""Semantic search: chunking, cached encodings, dense and BM25 indexes, fusion, evaluation, a persistent store.

One module per concern: :mod:`.chunking` (overlapping passages that fit the
model), :mod:`.encoding` (sentence vectors cached per text), :mod:`.dense`
(exact cosine top-k with a stable tie order), :mod:`.bm25` (bm25s and the
formula), :mod:`.fusion` (reciprocal rank fusion, weighted sum), :mod:`.evaluation`
(recall@k, MRR, nDCG via ir-measures), :mod:`.quantized` (int8 and binary codes with
rescoring), :mod:`.store` (LanceDB on disk),
:mod:`.corpus` (the Wikipedia slice or a folder of files) and :mod:`.engine`
(all of it behind one ``search``). ``python -m embedlab.search`` is the command.
"""

from .bm25 import BM25Index, bm25_score, bm25_tokenize
from .chunking import MAX_PIECES, Passage, chunk_spans, chunk_text, piece_counter
from .corpus import CorpusError, folder_passages, minilm_piece_counter, wikipedia_passages
from .dense import DenseIndex, cosine_top_k, rank_titles, top_k_stable
from .encoding import DEFAULT_MODEL, encode, mean_pool
from .engine import DEFAULT_DENSE_WEIGHT, METHODS, Hit, SearchEngine
from .evaluation import DEFAULT_MEASURES, evaluate, recall_at_k, reciprocal_rank
from .fusion import minmax, reciprocal_rank_fusion, weighted_sum
from .quantized import QuantizedIndex, quantize_binary, quantize_int8, recall_against_exact
from .store import PassageStore, StoredHit

__all__ = [
    "DEFAULT_DENSE_WEIGHT",
    "DEFAULT_MEASURES",
    "DEFAULT_MODEL",
    "MAX_PIECES",
    "METHODS",
    "BM25Index",
    "CorpusError",
    "DenseIndex",
    "Hit",
    "Passage",
    "PassageStore",
    "QuantizedIndex",
    "SearchEngine",
    "StoredHit",
    "bm25_score",
    "bm25_tokenize",
    "chunk_spans",
    "chunk_text",
    "cosine_top_k",
    "encode",
    "evaluate",
    "folder_passages",
    "mean_pool",
    "minilm_piece_counter",
    "minmax",
    "piece_counter",
    "quantize_binary",
    "quantize_int8",
    "rank_titles",
    "recall_against_exact",
    "recall_at_k",
    "reciprocal_rank",
    "reciprocal_rank_fusion",
    "top_k_stable",
    "weighted_sum",
    "wikipedia_passages",
]
