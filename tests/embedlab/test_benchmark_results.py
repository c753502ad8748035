"""Saved benchmark figures load from the checkout, and a missing file says where it looked."""

import json

import pytest

from embedlab.data import benchmark_results, load_benchmark_results


def test_the_checkouts_saved_figures_load():
    figures = load_benchmark_results("word2vec")
    assert figures["benchmark"] == "word2vec" and figures["words_per_s_ratio"] > 0


def test_a_name_neither_here_nor_reachable_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(benchmark_results, "_CHECKOUT", tmp_path)
    monkeypatch.setattr(benchmark_results, "REPOSITORY_RAW", "http://127.0.0.1:9")  # nothing listens
    with pytest.raises(FileNotFoundError, match=r"benchmarks/results/nope.json .*bench_nope.py --save"):
        load_benchmark_results("nope", timeout=2)


def test_a_checkout_file_wins_over_the_network(monkeypatch, tmp_path):
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    (tmp_path / "benchmarks" / "results" / "x.json").write_text(json.dumps({"a": 1}))
    monkeypatch.setattr(benchmark_results, "_CHECKOUT", tmp_path)
    monkeypatch.setattr(benchmark_results, "REPOSITORY_RAW", "http://127.0.0.1:9")
    assert load_benchmark_results("x") == {"a": 1}


def test_a_folder_named_in_the_environment_is_read_first(tmp_path, monkeypatch):
    (tmp_path / "word2vec.json").write_text('{"from": "the folder"}')
    monkeypatch.setenv("EMBEDLAB_BENCHMARK_RESULTS", str(tmp_path))
    assert load_benchmark_results("word2vec") == {"from": "the folder"}
