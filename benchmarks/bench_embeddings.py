"""embedlab vs gensim KeyedVectors on GloVe 6B-50d, side by side in one process.

Two workloads:
* ``most_similar`` (3CosAdd, top 10) over all 400,000 words, for a set of queries;
* the Google analogy evaluation restricted to the 30,000 most frequent words.

Each is timed warm (norms computed once beforehand, as both libraries cache
them), best of ``--repeat`` runs. Prints times and ratios (gensim / embedlab:
above 1 means embedlab is faster) and, last, one JSON line with the figures.

    .venv/bin/python benchmarks/bench_embeddings.py [--save]
"""

from __future__ import annotations

import argparse

from _common import Goal, add_save_arguments, best_time, conditions, machine, report

GOALS = (
    Goal("analogy_ratio", ">=", 5, "analogy evaluation: gensim's time over embedlab's"),
    Goal("most_similar_ratio", ">=", 1, "most_similar: gensim's time over embedlab's"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--restrict", type=int, default=30_000)
    add_save_arguments(parser)
    args = parser.parse_args()
    before = conditions()

    from gensim.models import KeyedVectors
    from gensim.test.utils import datapath

    from embedlab.data import load_analogy_questions, load_glove

    glove = load_glove()
    kv = KeyedVectors(glove.dim)
    kv.add_vectors(glove.words, glove.vectors)
    questions = load_analogy_questions()
    queries = [(["king", "woman"], ["man"]), (["paris", "germany"], ["france"]), (["walking", "swam"], ["swimming"])]
    queries += [([w], []) for w in ("computer", "river", "happy", "music", "doctor", "red", "seven")]
    glove.most_similar("the")  # warm both caches of unit vectors
    kv.most_similar("the")

    def run_embedlab():
        return [glove.most_similar(positive=p, negative=n, topn=10) for p, n in queries]

    def run_gensim():
        return [kv.most_similar(positive=p, negative=n, topn=10) for p, n in queries]

    t_ms_e, ours = best_time(run_embedlab, args.repeat * 5)
    t_ms_g, theirs = best_time(run_gensim, args.repeat * 5)
    same_top = sum(a[0][0] == b[0][0] for a, b in zip(ours, theirs, strict=True))

    t_an_e, result = best_time(lambda: glove.evaluate_analogies(questions, restrict=args.restrict), args.repeat)
    t_an_g, (score, _) = best_time(
        lambda: kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=args.restrict),
        args.repeat,
    )

    per_query = lambda t: 1000 * t / len(queries)
    print(f"machine: {machine()}")
    print(f"most_similar over {len(glove):,} words ({len(queries)} queries, top 10):")
    print(f"  embedlab {per_query(t_ms_e):7.2f} ms/query   gensim {per_query(t_ms_g):7.2f} ms/query   "
          f"ratio {t_ms_g / t_ms_e:.2f}x   same top-1: {same_top}/{len(queries)}")
    print(f"Google analogies, {args.restrict:,} most frequent words ({result.total:,} questions answered):")
    print(f"  embedlab {t_an_e:7.2f} s   gensim {t_an_g:7.2f} s   ratio {t_an_g / t_an_e:.2f}x")
    print(f"  accuracy embedlab {result.accuracy:.4f}   gensim {score:.4f}   identical: {result.accuracy == score}")
    report("embeddings", {
        "most_similar_ms_embedlab": round(per_query(t_ms_e), 3),
        "most_similar_ms_gensim": round(per_query(t_ms_g), 3),
        "most_similar_ratio": round(t_ms_g / t_ms_e, 2),
        "analogy_s_embedlab": round(t_an_e, 3),
        "analogy_s_gensim": round(t_an_g, 3),
        "analogy_ratio": round(t_an_g / t_an_e, 2),
        "analogy_accuracy_embedlab": round(result.accuracy, 4),
        "analogy_accuracy_gensim": round(score, 4),
    }, args, before, GOALS)


if __name__ == "__main__":
    main()
