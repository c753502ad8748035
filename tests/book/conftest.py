"""Book tests: make book_helpers importable (the suite runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from book_helpers import load_config


@pytest.fixture(scope="session")
def config() -> dict:
    return load_config()
