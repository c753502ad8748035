"""Shared by the embedlab tests: data loaded once per session (GloVe takes about a second) and a
numerical gradient for checking hand-written backward passes."""

import numpy as np
import pytest

from embedlab.data import load_glove, load_token_embeddings


@pytest.fixture(scope="session")
def glove():
    return load_glove()


@pytest.fixture(scope="session")
def minilm_tokens():
    return load_token_embeddings()


def _numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of x (changed in place, restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        grad[i] = (up - f()) / (2 * eps)
        x[i] = old
    return grad


@pytest.fixture
def numerical_gradient():
    return _numerical_gradient
