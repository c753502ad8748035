"""Benchmark: embedlab's numpy word2vec against gensim's C word2vec, same corpus, same run.

Both train skip-gram with negative sampling on the Wikipedia slice bundled with
gensim (``embedlab.data.wikipedia_sentences()``) with gensim's settings
``sg=1, negative=5, vector_size=100, window=5, min_count=5, epochs=5, workers=2``
and are scored on WordSim-353 (Spearman's rho). Speed is corpus words (every
token of every sentence, the same count for both) times epochs per second of
training. Each trainer runs with several seeds (rho moves by about 0.01 from
one seed to the next); the last line printed is one JSON object for machines.

    python benchmarks/bench_word2vec.py [--seeds 3] [--per-pair] [--save]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import embedlab
from embedlab.data import load_wordsim353, wikipedia_sentences
from embedlab.word2vec import train_word2vec

from _common import report

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
    parser.add_argument("--seeds", type=int, default=3, help="runs per trainer (rho moves with the seed)")
    parser.add_argument("--per-pair", action="store_true", help="also time the plain per-pair trainer (slow)")
    parser.add_argument("--save", action="store_true", help="keep the figures in benchmarks/results/")
    args = parser.parse_args()

    sentences = wikipedia_sentences()
    n_words = sum(map(len, sentences)) * SETTINGS["epochs"]
    wordsim = load_wordsim353()
    trainers = {"gensim": lambda seed: train_gensim(sentences, seed),
                "embedlab": lambda seed: train_embedlab(sentences, seed, "shared")}
    if args.per_pair:
        trainers["embedlab_per_pair"] = lambda seed: train_embedlab(sentences, seed, "per_pair")

    print(f"corpus: {len(sentences):,} sentences, {n_words // SETTINGS['epochs']:,} tokens; settings {SETTINGS}")
    print(f"each trainer runs with seeds 0..{args.seeds - 1}, alternating; time = median, rho = mean")
    seconds: dict[str, list[float]] = {name: [] for name in trainers}
    rhos: dict[str, list[float]] = {name: [] for name in trainers}
    for seed in range(args.seeds):  # alternate so that a busy moment hurts both sides alike
        for name, train in trainers.items():
            emb, took = train(seed)
            seconds[name].append(took)
            rhos[name].append(embedlab.evaluate_word_pairs(emb, wordsim).spearman)
    figures: dict[str, float] = {}
    for name in trainers:
        t, rho = float(np.median(seconds[name])), float(np.mean(rhos[name]))
        print(f"{name:18s} {t:6.2f} s  {n_words / t:9,.0f} words/s  "
              f"WordSim-353 rho {rho:.3f} (± {np.std(rhos[name]):.3f} over {args.seeds} seeds)")
        figures.update({f"seconds_{name}": round(t, 3), f"words_per_s_{name}": round(n_words / t),
                        f"rho_{name}": round(rho, 4)})
    ratio = figures["words_per_s_embedlab"] / figures["words_per_s_gensim"]
    rho_e, rho_g = figures["rho_embedlab"], figures["rho_gensim"]
    print(f"speed ratio embedlab / gensim: {ratio:.2f}  (rho {rho_e:.3f} vs {rho_g:.3f})")
    report("word2vec", {"words_per_s_ratio": round(ratio, 3), **figures, "seeds": args.seeds}, save=args.save)


if __name__ == "__main__":
    main()
