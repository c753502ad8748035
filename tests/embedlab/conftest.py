"""Data shared by the embedlab tests: loaded once per session (GloVe takes about a second)."""

import pytest

from embedlab.data import load_glove, load_token_embeddings


@pytest.fixture(scope="session")
def glove():
    return load_glove()


@pytest.fixture(scope="session")
def minilm_tokens():
    return load_token_embeddings()
