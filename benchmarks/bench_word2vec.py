"""Benchmark: embedlab's numpy word2vec against gensim's C word2vec, same corpus, same run.

Both train skip-gram with negative sampling on the Wikipedia slice bundled with
gensim (``embedlab.data.wikipedia_sentences()``) with gensim's settings
``sg=1, negative=5, vector_size=100, window=5, min_count=5, epochs=5, workers=2``
and are scored on WordSim-353 (Spearman's rho). Speed is corpus words (every
token of every sentence, the same count for both) times epochs per second of the
whole call, vocabulary included, on both sides. Each seed trains both, back to
back, in alternating order, so a busy moment hurts both alike; the ratio is taken
per seed and reported as its median and range. The 1-minute load average is
recorded next to every run: on a machine busy with other work the figures drop.
With ``--steps`` it also times the way there, one thread each, each step compared with
gensim in the same way on ``--step-seeds`` seeds: the per-pair step, shared negatives with 32 noise words per
chunk of 32 centers (the first version) and the defaults (4 per chunk of 16, blocks
of 2048 tokens); chapter 4 shows that table. With ``--cbow`` it also trains CBOW
(``method="cbow"``, gensim's ``sg=0``) next to skip-gram, ours and gensim's, on
``--cbow-seeds`` seeds: words/s, WordSim-353 rho and Google-analogy accuracy over the
questions whose words are all in the vocabulary (3CosAdd); chapter 4 compares the two
models with these figures. The last line printed is one JSON object for machines.

    python benchmarks/bench_word2vec.py [--seeds 5] [--steps] [--step-seeds 3] [--per-pair-epochs 1]
        [--cbow] [--cbow-seeds 3] [--save]
"""

from __future__ import annotations

import argparse
import os
import time
from functools import partial

import numpy as np

import embedlab
from embedlab.data import load_wordsim353, wikipedia_sentences
from embedlab.word2vec import train_word2vec

from _common import Goal, add_save_arguments, conditions, report

GOALS = (
    Goal("words_per_s_ratio", ">=", 2.0, "words/s over gensim's, median over the seeds"),
    Goal("ratio_min", ">=", 1.5, "words/s over gensim's, slowest seed"),
    Goal("rho_margin", ">=", 0, "WordSim-353 rho minus gensim's"),
)

SETTINGS = dict(vector_size=100, window=5, min_count=5, negative=5, epochs=5, workers=2)


def load() -> float:
    """The 1-minute load average: how many processes wanted a core (2 cores here)."""
    return round(os.getloadavg()[0], 2)


def train_gensim(sentences, seed: int, sg: int = 1, **change) -> tuple[embedlab.Embeddings, float]:
    from gensim.models import Word2Vec

    started = time.perf_counter()
    model = Word2Vec(sentences, sg=sg, seed=seed, **{**SETTINGS, **change})
    seconds = time.perf_counter() - started
    return embedlab.Embeddings(model.wv.index_to_key, model.wv.vectors), seconds


def train_embedlab(sentences, seed: int, **change) -> tuple[embedlab.Embeddings, float]:
    started = time.perf_counter()
    result = train_word2vec(sentences, seed=seed, progress=False, **{**SETTINGS, **change})
    return result.embeddings, time.perf_counter() - started


def compare(sentences, wordsim, seeds: int, change: dict | None = None, verbose: bool = True) -> dict[str, object]:
    """Both trainers on every seed, alternating which goes first; per-seed ratios and rho.

    ``change`` overrides settings of embedlab's trainer; its ``epochs``, if any, applies to both.
    """
    change = change or {}
    epochs = change.get("epochs", SETTINGS["epochs"])
    n_words = sum(map(len, sentences)) * epochs
    trainers = {"gensim": partial(train_gensim, epochs=epochs), "embedlab": partial(train_embedlab, **change)}
    seconds: dict[str, list[float]] = {name: [] for name in trainers}
    rhos: dict[str, list[float]] = {name: [] for name in trainers}
    loads: list[float] = []
    for seed in range(seeds):
        for name in sorted(trainers, reverse=seed % 2 == 1):
            loads.append(load())
            emb, took = trainers[name](sentences, seed)
            seconds[name].append(took)
            rhos[name].append(embedlab.evaluate_word_pairs(emb, wordsim).spearman)
        if verbose:
            print(f"seed {seed}: gensim {seconds['gensim'][-1]:5.2f} s, embedlab {seconds['embedlab'][-1]:5.2f} s, "
                  f"ratio {seconds['gensim'][-1] / seconds['embedlab'][-1]:.2f}; rho {rhos['gensim'][-1]:.3f} vs "
                  f"{rhos['embedlab'][-1]:.3f}; load {loads[-2]:.1f}, {loads[-1]:.1f}", flush=True)
    figures: dict[str, object] = {}
    for name in trainers:
        t, rho = float(np.median(seconds[name])), float(np.mean(rhos[name]))
        if verbose:
            print(f"{name:9s} {t:6.2f} s  {n_words / t:9,.0f} words/s  "
                  f"WordSim-353 rho {rho:.3f} (± {np.std(rhos[name]):.3f} over {seeds} seeds)")
        figures.update({f"seconds_{name}": round(t, 3), f"words_per_s_{name}": round(n_words / t),
                        f"rho_{name}": round(rho, 4), f"rho_{name}_min": round(min(rhos[name]), 4)})
    ratios = np.array(seconds["gensim"]) / np.array(seconds["embedlab"])
    figures = {"words_per_s_ratio": round(float(np.median(ratios)), 3),
               "ratio_min": round(float(ratios.min()), 3), "ratio_max": round(float(ratios.max()), 3),
               "ratios": [round(float(r), 3) for r in ratios], **figures,
               "rho_margin": round(figures["rho_embedlab"] - figures["rho_gensim"], 4),
               "load_min": min(loads), "load_max": max(loads)}
    if verbose:
        print(f"speed ratio embedlab / gensim: median {np.median(ratios):.2f} over {seeds} seeds "
              f"(range {ratios.min():.2f}-{ratios.max():.2f}); rho {figures['rho_embedlab']:.3f} vs "
              f"{figures['rho_gensim']:.3f}; load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    return figures


def steps(sentences, wordsim, seeds: int, per_pair_epochs: int) -> dict[str, object]:
    """The way to the fast trainer, one thread each: per step, the median ratio to gensim over ``seeds``."""
    variants = {  # the last step, the default on two threads, is the main comparison
        "per_pair_1_thread": dict(method="per_pair", workers=1, epochs=per_pair_epochs),
        "shared_32_noise_1_thread": dict(workers=1, block_size=1024, group_size=32, shared_noise=32),
        "shared_1_thread": dict(workers=1),
    }
    figures: dict[str, object] = {}
    for name, change in variants.items():
        step = compare(sentences, wordsim, seeds, change, verbose=False)
        print(f"step {name:24s} {step['words_per_s_embedlab']:9,} words/s, {step['words_per_s_ratio']:5.2f} x gensim "
              f"(median of {seeds} seeds, {step['ratio_min']:.2f}-{step['ratio_max']:.2f}; "
              f"{change.get('epochs', SETTINGS['epochs'])} epochs; rho {step['rho_embedlab']:.3f})", flush=True)
        figures[f"step_{name}_words_per_s"] = step["words_per_s_embedlab"]
        figures[f"step_{name}_ratio"] = step["words_per_s_ratio"]
        figures[f"step_{name}_rho"] = step["rho_embedlab"]
    return figures


def cbow_vs_skipgram(sentences, wordsim, seeds: int) -> dict[str, object]:
    """Skip-gram and CBOW, ours and gensim's, on every seed (order rotating): words/s, rho, analogy accuracy."""
    from embedlab.data import load_analogy_questions

    questions = [q for section in load_analogy_questions().values() for q in section]
    n_words = sum(map(len, sentences)) * SETTINGS["epochs"]
    trainers = {
        "skipgram_embedlab": partial(train_embedlab), "cbow_embedlab": partial(train_embedlab, method="cbow"),
        "skipgram_gensim": partial(train_gensim, sg=1), "cbow_gensim": partial(train_gensim, sg=0),
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trainers}
    for seed in range(seeds):
        names = list(trainers)
        for name in names[seed % len(names):] + names[:seed % len(names)]:
            emb, took = trainers[name](sentences, seed)
            known = [q for q in questions if all(w in emb for w in q)]
            accuracy = emb.evaluate_analogies(known).accuracy
            runs[name].append((took, embedlab.evaluate_word_pairs(emb, wordsim).spearman, accuracy))
            print(f"seed {seed} {name:18s} {n_words / took:9,.0f} words/s  rho {runs[name][-1][1]:.3f}  "
                  f"analogies {accuracy:.3f} ({len(known):,} questions)", flush=True)
    figures: dict[str, object] = {}
    for name, rows in runs.items():
        took, rho, accuracy = np.median(np.array(rows), axis=0)
        figures |= {f"{name}_words_per_s": round(n_words / took), f"{name}_rho": round(float(rho), 4),
                    f"{name}_analogy_accuracy": round(float(accuracy), 4)}
    figures["cbow_seeds"] = seeds
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per trainer (rho moves with the seed)")
    parser.add_argument("--steps", action="store_true", help="also time the steps to the fast trainer")
    parser.add_argument("--step-seeds", type=int, default=3, help="seeds per step (each next to gensim)")
    parser.add_argument("--per-pair-epochs", type=int, default=1, help="epochs for the slow per-pair steps")
    parser.add_argument("--cbow", action="store_true", help="also compare CBOW with skip-gram (ours and gensim's)")
    parser.add_argument("--cbow-seeds", type=int, default=3, help="seeds of the CBOW comparison")
    add_save_arguments(parser)
    args = parser.parse_args()
    before = conditions()

    sentences = wikipedia_sentences()
    print(f"corpus: {len(sentences):,} sentences, {sum(map(len, sentences)):,} tokens; settings {SETTINGS}")
    print(f"seeds 0..{args.seeds - 1}, both trainers per seed in alternating order; time = whole call")
    wordsim = load_wordsim353()
    figures = compare(sentences, wordsim, args.seeds)
    if args.steps:
        figures.update(steps(sentences, wordsim, args.step_seeds, args.per_pair_epochs))
    if args.cbow:
        figures.update(cbow_vs_skipgram(sentences, wordsim, args.cbow_seeds))
    report("word2vec", {**figures, "seeds": args.seeds}, args, before, GOALS)


if __name__ == "__main__":
    main()
