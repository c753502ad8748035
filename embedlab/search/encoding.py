"""Sentence encodings cached per text, so no text is ever encoded twice.

Encoding is the slow step of semantic search (about 140 Wikipedia sentences a
second on two cores). :func:`encode` looks every text up in the on-disk cache
(:func:`embedlab.cache.cached`, keyed by the model and the text) and sends only
the missing ones to the model, in batches, with an optional progress bar. A new
passage therefore costs one encoding, and a rebuilt index costs none. Without
misses the model is not even loaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..cache import cache_lock, cached
from ..data.minilm import MINILM_HUB_NAME, MINILM_SAFETENSORS_SHA256

__all__ = ["DEFAULT_MODEL", "encode", "mean_pool"]

#: The cache's name for all-MiniLM-L6-v2: the hub name plus the weights' checksum.
DEFAULT_MODEL = f"{MINILM_HUB_NAME}@{MINILM_SAFETENSORS_SHA256[:12]}"
_NAMESPACE = "sentence_vectors"


class _Missing(Exception):
    """Raised inside a cache lookup to learn that a text has not been encoded yet."""


def _absent():
    raise _Missing


def _lookup(model_name: str, text: str) -> np.ndarray | None:
    try:
        return cached(_NAMESPACE, (model_name, text), _absent)
    except _Missing:
        return None


def mean_pool(token_vectors: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Average of each text's token vectors over the real tokens (mask 1), ignoring padding.

    ``token_vectors`` is (batch, tokens, dim), ``attention_mask`` (batch, tokens).
    """
    mask = np.asarray(attention_mask, dtype=np.float64)[..., None]
    summed = (np.asarray(token_vectors, dtype=np.float64) * mask).sum(axis=-2)
    return summed / np.maximum(mask.sum(axis=-2), 1e-9)


def encode(
    texts: Sequence[str],
    model=None,
    model_name: str = DEFAULT_MODEL,
    batch_size: int = 32,
    progress: bool = False,
) -> np.ndarray:
    """Unit-length sentence vectors of ``texts`` (float32, one row per text), from the cache when possible.

    ``model`` is a ``SentenceTransformer``; when ``None`` all-MiniLM-L6-v2 is loaded
    (offline) on the first miss. ``model_name`` names it in the cache: give a
    different name for a different model. ``progress`` shows a tqdm bar over the
    texts that must be encoded.
    """
    texts = list(texts)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise ValueError("encode() takes a non-empty list of strings.")
    found = [_lookup(model_name, t) for t in texts]
    if any(v is None for v in found):
        with cache_lock(_NAMESPACE, f"encoding with {model_name}"):  # one process encodes at a time
            found = [v if v is not None else _lookup(model_name, t) for t, v in zip(texts, found, strict=True)]
            return _encode_missing(texts, found, model, model_name, batch_size, progress)
    return np.stack(found).astype(np.float32, copy=False)


def _encode_missing(texts: list[str], found: list[np.ndarray | None], model, model_name: str, batch_size: int,
                    progress: bool) -> np.ndarray:
    """``found`` completed by encoding the texts it lacks (each once), as :func:`encode` returns it.

    The texts go to the model shortest first, so each batch holds texts of about one length: a batch
    is padded to its longest text, and batches of mixed lengths made encoding 2.5 times slower
    (871 ChatterBot answers: 21.0 s against 8.3 s on one thread)."""
    missing = sorted({t for t, v in zip(texts, found, strict=True) if v is None}, key=lambda t: (len(t), t))
    if missing:
        if model is None:
            from ..data.minilm import load_sentence_model

            model = load_sentence_model()
        from tqdm.auto import tqdm

        new: dict[str, np.ndarray] = {}
        with tqdm(total=len(missing), desc="encoding", unit="text", disable=not progress) as bar:
            for i in range(0, len(missing), batch_size):
                batch = missing[i:i + batch_size]
                vectors = model.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                                       show_progress_bar=False, convert_to_numpy=True)
                for text, vector in zip(batch, vectors, strict=True):
                    new[text] = cached(_NAMESPACE, (model_name, text), lambda v=vector: v.astype(np.float32))
                bar.update(len(batch))
        found = [v if v is not None else new[t] for t, v in zip(texts, found, strict=True)]
    return np.stack(found).astype(np.float32, copy=False)
