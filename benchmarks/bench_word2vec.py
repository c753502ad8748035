"""Benchmark: embedlab's numpy word2vec against gensim's C word2vec, same corpus, same run.

Both train skip-gram with negative sampling on the Wikipedia slice bundled with
gensim (``embedlab.data.wikipedia_sentences()``) with gensim's settings
``sg=1, negative=5, vector_size=100, window=5, min_count=5, epochs=5, workers=2``
and are scored on WordSim-353 (Spearman's rho). Speed is corpus words (every
token of every sentence, the same count for both) times epochs per second of
training. The last line printed is one JSON object for machines.

    python benchmarks/bench_word2vec.py [--per-pair] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

import embedlab
from embedlab.data import load_wordsim353, wikipedia_sentences
from embedlab.word2vec import train_word2vec

SETTINGS = dict(vector_size=100, window=5, min_count=5, negative=5, epochs=5, workers=2)


def train_gensim(sentences, seed: int) -> tuple[embedlab.Embeddings, float]:
    from gensim.models import Word2Vec

    started = time.perf_counter()
    model = Word2Vec(sentences, sg=1, seed=seed, **SETTINGS)
    seconds = time.perf_counter() - started
    return embedlab.Embeddings(model.wv.index_to_key, model.wv.vectors), seconds


def train_embedlab(sentences, seed: int, method: str) -> tuple[embedlab.Embeddings, float]:
    result = train_word2vec(sentences, seed=seed, method=method, progress=False, **SETTINGS)
    return result.embeddings, result.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-pair", action="store_true", help="also time the plain per-pair trainer (slow)")
    args = parser.parse_args()

    sentences = wikipedia_sentences()
    n_words = sum(map(len, sentences)) * SETTINGS["epochs"]
    wordsim = load_wordsim353()
    runs = {"gensim": lambda: train_gensim(sentences, args.seed),
            "embedlab": lambda: train_embedlab(sentences, args.seed, "shared")}
    if args.per_pair:
        runs["embedlab_per_pair"] = lambda: train_embedlab(sentences, args.seed, "per_pair")

    print(f"corpus: {len(sentences):,} sentences, {n_words // SETTINGS['epochs']:,} tokens; settings {SETTINGS}")
    report: dict[str, float | str] = {}
    for name, run in runs.items():
        emb, seconds = run()
        rho = embedlab.evaluate_word_pairs(emb, wordsim).spearman
        print(f"{name:18s} {seconds:6.2f} s  {n_words / seconds:9,.0f} words/s  WordSim-353 rho {rho:.3f}")
        report[f"seconds_{name}"] = round(seconds, 3)
        report[f"words_per_s_{name}"] = round(n_words / seconds)
        report[f"rho_{name}"] = round(rho, 4)
    ratio = report["words_per_s_embedlab"] / report["words_per_s_gensim"]
    rhos = f"rho {report['rho_embedlab']:.3f} vs {report['rho_gensim']:.3f}"
    print(f"speed ratio embedlab / gensim: {ratio:.2f}  ({rhos})")
    report.update(words_per_s_ratio=round(ratio, 3), numpy=np.__version__, python=platform.python_version())
    print(json.dumps(report))


if __name__ == "__main__":
    main()
