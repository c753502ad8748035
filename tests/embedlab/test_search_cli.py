"""``python -m embedlab.search`` from a subprocess: results, JSON, reuse of the index, and bad input (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # each test starts Python (and bm25s or torch) in a subprocess


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EMBEDLAB_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "embedlab.search", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "cats.txt").write_text("Cats are small carnivorous mammals kept as pets. They purr and hunt mice.")
    (folder / "rockets.md").write_text("A rocket engine burns propellant to produce thrust for spaceflight.")
    (folder / "sub" / "bread.txt").write_text("Bread is baked from flour, water and yeast in an oven.")
    (folder / "image.bin").write_bytes(b"\x00\x01\x02 not text")
    (folder / ".hidden.txt").write_text("cats cats cats cats")
    return folder


def test_bm25_json_lists_objects_best_first(corpus, tmp_path):
    done = run("purring house pets cats", "--corpus", str(corpus), "--method", "bm25", "--k", "2", "--json",
               cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits[0]["title"] == "cats.txt"
    assert all({"title", "text", "score"} <= set(h) for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"] and len(hits) <= 2
    assert ".hidden.txt" not in {h["title"] for h in hits}


def test_dense_search_finds_a_paraphrase_and_the_second_run_encodes_nothing(corpus, tmp_path):
    cache = tmp_path / "cache"
    first = run("something that goes to space", "--corpus", str(corpus), "--json", cache=cache)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["title"] == "rockets.md"
    assert "encoding" in first.stderr  # the progress bar of the first build
    files = sorted(p.name for p in (cache / "sentence_vectors").iterdir())
    second = run("something that goes to space", "--corpus", str(corpus), "--json", "--method", "hybrid",
                 cache=cache)
    assert second.returncode == 0, second.stderr
    assert "encoding" not in second.stderr
    assert sorted(p.name for p in (cache / "sentence_vectors").iterdir()) == files
    assert {h["title"] for h in json.loads(second.stdout)} <= {"cats.txt", "rockets.md", "sub/bread.txt"}


def test_without_corpus_it_searches_the_wikipedia_slice(tmp_path):
    done = run("Hodgenville Kentucky", "--method", "bm25", "--k", "3", "--json", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits[0]["title"] == "Abraham Lincoln" and "Hodgenville" in hits[0]["text"]
    assert (tmp_path / "cache" / "wikipedia_passages").is_dir()  # the passages are kept for the next search


def test_plain_output_names_titles(corpus, tmp_path):
    done = run("bread flour oven", "--corpus", str(corpus), "--method", "bm25", cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1. [") and "sub/bread.txt" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("   ",), "the query is empty"),
    (("cats", "--corpus", "/no/such/folder"), "does not exist"),
    (("cats", "--k", "0"), "--k must be at least 1"),
    (("cats", "--method", "magic"), "invalid choice"),
])
def test_bad_input_exits_2_with_a_message(args, message, tmp_path):
    done = run(*args, cache=tmp_path / "cache")
    assert done.returncode == 2
    assert message in done.stderr


def test_a_folder_without_text_exits_2(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blob.bin").write_bytes(b"\x00\x00\x00")
    done = run("cats", "--corpus", str(empty), cache=tmp_path / "cache")
    assert done.returncode == 2
    assert "no readable text" in done.stderr
