"""The Google analogy set over all 400,000 GloVe words: embedlab's four-method sweep vs gensim, in one process.

* embedlab: :func:`embedlab.evaluation.sweep_analogies`, one call answering all
  19,544 questions with 3CosAdd, 3CosMul and only-b (question words excluded)
  and 3CosAdd with the question words kept;
* gensim: ``KeyedVectors.evaluate_word_analogies`` (3CosAdd, the same protocol)
  over the whole vocabulary, and ``most_similar_cosmul`` on a seeded sample of
  questions, its time **extrapolated** to the full set (labelled as such), its
  answers compared with ours on that sample.

One run each (the gensim evaluation takes minutes). Prints times, ratios
(gensim / embedlab: above 1 means embedlab is faster), accuracies, and last one
JSON line with the figures.

    .venv/bin/python benchmarks/bench_analogies.py [--sample 1000] [--save] [--skip-reference]

``--skip-reference`` runs only embedlab's sweep (seconds) and prints the same JSON line
without gensim's figures, to check the sweep's speed goal quickly; it cannot be saved.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import Goal, add_save_arguments, conditions, machine, report

GOALS = (
    Goal("sweep_4_settings_s_embedlab", "<=", 10, "seconds for the four-setting sweep over 400k words"),
    Goal("ratio_gensim_3cosadd_vs_embedlab_sweep", ">=", 10, "gensim's 3CosAdd alone over embedlab's whole sweep"),
)


def embedlab_sweep(glove, questions) -> tuple[dict, float]:
    """embedlab's four settings in one call, and its wall time."""
    from embedlab.evaluation import sweep_analogies

    _ = glove.unit_vectors  # both libraries cache unit vectors / norms before timing
    start = time.perf_counter()
    ours = sweep_analogies(glove, questions)
    return ours, time.perf_counter() - start


def gensim_reference(glove, ours: dict, t_sweep: float, sample_size: int) -> dict:
    """gensim's 3CosAdd over the whole set and 3CosMul on a sample (extrapolated), compared with ours."""
    from gensim.models import KeyedVectors
    from gensim.test.utils import datapath

    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words, glove.vectors)
    kv.fill_norms()
    start = time.perf_counter()
    gensim_add, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=len(glove))
    t_gensim_add = time.perf_counter() - start

    add, mul = ours["3cosadd"], ours["3cosmul"]
    rng = np.random.default_rng(0)
    sample = rng.choice(add.total, size=min(sample_size, add.total), replace=False)
    start = time.perf_counter()
    answers = [kv.most_similar_cosmul(positive=[mul.questions[i][1], mul.questions[i][2]],
                                      negative=[mul.questions[i][0]], topn=1)[0][0] for i in sample]
    t_gensim_mul = (time.perf_counter() - start) * mul.total / len(sample)
    same_mul = sum(answers[j] == mul.predictions[i] for j, i in enumerate(sample))
    gensim_mul_acc = np.mean([a == mul.questions[i][3] for a, i in zip(answers, sample, strict=True)])
    ours_mul_acc = np.mean([mul.predictions[i] == mul.questions[i][3] for i in sample])

    print(f"  gensim evaluate_word_analogies (3CosAdd): {t_gensim_add:.1f} s, accuracy {gensim_add:.4f} "
          f"(identical: {gensim_add == add.accuracy}); ratio gensim / embedlab-sweep {t_gensim_add / t_sweep:.1f}x")
    print(f"  gensim most_similar_cosmul on {len(sample)} sampled questions, EXTRAPOLATED to {mul.total:,}: "
          f"{t_gensim_mul:.0f} s; same answer as embedlab on {same_mul}/{len(sample)}; accuracy on the "
          f"sample gensim {gensim_mul_acc:.4f} embedlab {ours_mul_acc:.4f}")
    print(f"  gensim 3CosAdd + 3CosMul (extrapolated) vs embedlab's four-setting sweep: "
          f"{(t_gensim_add + t_gensim_mul) / t_sweep:.1f}x")
    return {
        "accuracy_3cosadd_gensim": round(gensim_add, 4),
        "accuracy_3cosadd_identical": gensim_add == add.accuracy,
        "evaluate_3cosadd_s_gensim": round(t_gensim_add, 1),
        "ratio_gensim_3cosadd_vs_embedlab_sweep": round(t_gensim_add / t_sweep, 1),
        "cosmul_sample": len(sample),
        "cosmul_same_answer_on_sample": same_mul,
        "cosmul_s_gensim_extrapolated": round(t_gensim_mul, 1),
        "ratio_gensim_3cosadd_plus_3cosmul_extrapolated_vs_embedlab_sweep": round(
            (t_gensim_add + t_gensim_mul) / t_sweep, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=1000, help="questions answered by gensim's 3CosMul")
    parser.add_argument("--skip-reference", action="store_true", help="only embedlab's sweep (not savable)")
    add_save_arguments(parser)
    args = parser.parse_args()
    if args.skip_reference and args.save:
        parser.error("--skip-reference leaves out gensim's figures; saved results must be complete")
    before = conditions()

    from embedlab.data import load_analogy_questions, load_glove

    glove = load_glove()
    ours, t_sweep = embedlab_sweep(glove, load_analogy_questions())
    add = ours["3cosadd"]
    print(f"machine: {machine()}")
    print(f"Google analogies, all {len(glove):,} GloVe words as candidates, {add.total:,} questions:")
    for name, result in ours.items():
        rate = f", top answer is a question word in {result.input_answer_rate:.1%}"
        extra = "" if result.exclude_inputs else rate
        print(f"  embedlab {name:15s} accuracy {result.accuracy:.4f}{extra}")
    print(f"  embedlab: the four settings in one sweep: {t_sweep:.1f} s")
    figures = {
        "questions": add.total,
        "candidates": len(glove),
        "sweep_4_settings_s_embedlab": round(t_sweep, 2),
        "accuracy_3cosadd_embedlab": round(add.accuracy, 4),
        "accuracy_3cosmul_embedlab": round(ours["3cosmul"].accuracy, 4),
        "accuracy_only_b_embedlab": round(ours["only-b"].accuracy, 4),
        "accuracy_3cosadd_inputs_kept_embedlab": round(ours["3cosadd+inputs"].accuracy, 4),
        "input_word_top_answer_rate": round(ours["3cosadd+inputs"].input_answer_rate, 4),
    }
    if not args.skip_reference:
        figures |= gensim_reference(glove, ours, t_sweep, args.sample)
    report("analogies", figures, args, before, GOALS)


if __name__ == "__main__":
    main()
