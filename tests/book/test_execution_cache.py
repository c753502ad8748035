"""Executed chapters are not reused after the code they ran changed (book/_ext/execution_cache.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from book_helpers import ROOT

from embedlab import cache

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import execution_cache  # a Sphinx local extension, importable from book/_ext


def run(tmp_path, cache_path: str = "") -> str:
    config = SimpleNamespace(nb_execution_cache_path=cache_path)
    app = SimpleNamespace(outdir=str(tmp_path / "html"), srcdir=str(tmp_path / "book"))
    execution_cache.fingerprinted_cache(app, config)
    return config.nb_execution_cache_path


def test_the_cache_folder_follows_the_code_and_older_folders_go(tmp_path, monkeypatch):
    first = run(tmp_path)
    assert first == str(tmp_path / ".jupyter_cache" / execution_cache.execution_fingerprint(tmp_path / "book"))
    (tmp_path / ".jupyter_cache" / "executed").mkdir(parents=True)  # not a fingerprint folder: kept
    (tmp_path / ".jupyter_cache" / Path(first).name).mkdir()
    assert run(tmp_path) == first  # same code: same cache (negative control)

    monkeypatch.setattr(cache, "package_fingerprint", lambda: "f" * 64)  # embedlab or a library changed
    second = run(tmp_path)
    assert second != first
    assert sorted(p.name for p in (tmp_path / ".jupyter_cache").iterdir()) == ["executed"]


def test_new_saved_benchmark_figures_start_a_new_cache(tmp_path):
    """Chapters 4 and 7 show saved benchmark figures: re-saving them re-executes those pages."""
    first = run(tmp_path)
    results = tmp_path / "book" / "benchmarks" / "results"
    results.mkdir(parents=True)
    (results / "word2vec.json").write_text('{"words_per_s_ratio": 2.0}')
    second = run(tmp_path)
    (results / "word2vec.json").write_text('{"words_per_s_ratio": 2.1}')
    assert len({first, second, run(tmp_path)}) == 3


def test_a_cache_path_set_by_hand_is_kept(tmp_path):
    assert run(tmp_path, "/somewhere/else") == "/somewhere/else"


def test_the_extension_is_configured(config):
    assert config["sphinx"]["local_extensions"].get("execution_cache") == "book/_ext"
    assert not config["execute"].get("cache"), "a fixed jupyter-cache path would bypass the fingerprint"
