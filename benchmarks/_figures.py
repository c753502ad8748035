# ruff: noqa: RUF001 (the tables are prose for readers: the multiplication sign and rho are meant)
"""What every saved benchmark figure means: the labels and one-line meanings of RESULTS.md.

``FIGURES[benchmark][key]`` describes the figure ``key`` of ``results/<benchmark>.json``:
a human label, its unit and what it measures, and for a figure that looks odd (a
sandbox faster than no sandbox, a binary search slower than float32) a sentence on why.
:func:`_common.write_results_table` renders the tables from it; a saved figure without
an entry is shown by its key and flagged (tests/benchmarks/test_common.py fails on it).
The benchmarks' own settings named here are those the scripts fix in code; settings a
command-line option can change are named by the option.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FIGURES", "SUMMARIES", "Figure"]


@dataclass(frozen=True)
class Figure:
    """One saved figure: ``label`` (the table's first column), ``meaning`` (one line), the
    ``unit`` printed after the value, and ``note``, a sentence for a figure that looks odd,
    shown under the table when ``when(figures)`` holds (always if ``when`` is None)."""

    label: str
    meaning: str
    unit: str = ""
    note: str = ""
    when: Callable[[dict[str, Any]], bool] | None = None

    def note_for(self, figures: dict[str, Any]) -> str:
        """The note, if it applies to these figures."""
        return self.note if self.note and (self.when is None or self.when(figures)) else ""


S, MS, TIMES = " s", " ms", "×"

#: one sentence per benchmark: what it compares
SUMMARIES = {
    "analogies": "The Google analogy set with all 400,000 GloVe 6B-50d words as candidates: embedlab's "
                 "one-call sweep of four answering rules against gensim, in one process.",
    "embeddings": "embedlab's `Embeddings` against gensim's `KeyedVectors` on GloVe 6B-50d, in one "
                  "process, warm (unit vectors computed beforehand by both).",
    "grading": "The autograder on lab 1: grading in the sandbox against plainly executing the same "
               "notebook, and a batch of submissions.",
    "projections": "PCA, t-SNE and UMAP on the GloVe category words (how faithful each 2-D picture "
                   "is, chapter 6's table), and embedlab's PCA against scikit-learn's.",
    "search": "Exact top-10 search against sentence-transformers and FAISS, approximate indexes "
              "(FAISS IVF and HNSW) on GloVe, and quantised codes on the course's passages.",
    "word2vec": "embedlab's numpy word2vec against gensim's C word2vec on the Wikipedia slice: "
                "skip-gram, 5 epochs, 2 threads, both trained for every seed in alternating order.",
}


def _analogies() -> dict[str, Figure]:
    return {
        "questions": Figure("Questions", "Google analogy questions answered"),
        "candidates": Figure("Candidate words", "GloVe words searched for every answer (the whole vocabulary)"),
        "sweep_4_settings_s_embedlab": Figure(
            "embedlab: the four-setting sweep", "one `sweep_analogies` call answering every question with "
            "3CosAdd, 3CosMul, only-b and 3CosAdd with the question words kept", S),
        "accuracy_3cosadd_embedlab": Figure("3CosAdd accuracy", "share answered right, question words excluded"),
        "accuracy_3cosmul_embedlab": Figure("3CosMul accuracy", "share answered right, question words excluded"),
        "accuracy_only_b_embedlab": Figure("only-b accuracy", "the baseline: the nearest neighbour of c, "
                                           "ignoring a and b"),
        "accuracy_3cosadd_inputs_kept_embedlab": Figure(
            "3CosAdd accuracy, question words kept", "as a plain nearest-neighbour search answers: a, b or c "
            "may win"),
        "input_word_top_answer_rate": Figure(
            "Question word on top", "share of questions whose top 3CosAdd answer is a, b or c when they are "
            "kept"),
        "accuracy_3cosadd_gensim": Figure("gensim: 3CosAdd accuracy", "`evaluate_word_analogies`, the same "
                                          "protocol"),
        "accuracy_3cosadd_identical": Figure("Same 3CosAdd accuracy", "gensim's accuracy equals embedlab's "
                                             "exactly"),
        "evaluate_3cosadd_s_gensim": Figure("gensim: 3CosAdd evaluation", "`evaluate_word_analogies` over all "
                                            "questions, 3CosAdd only", S),
        "ratio_gensim_3cosadd_vs_embedlab_sweep": Figure(
            "Speed-up over gensim's 3CosAdd", "gensim's time for 3CosAdd alone over embedlab's time for all "
            "four settings", TIMES),
        "cosmul_sample": Figure("3CosMul sample", "questions answered by gensim's `most_similar_cosmul` "
                                "(a seeded sample)"),
        "cosmul_same_answer_on_sample": Figure("Same 3CosMul answer", "sampled questions on which gensim's "
                                               "answer is embedlab's"),
        "cosmul_s_gensim_extrapolated": Figure(
            "gensim: 3CosMul, extrapolated", "its time on the sample scaled up to all questions", S,
            note="An estimate, not a measurement: answering every question one `most_similar_cosmul` call "
                 "at a time would take minutes more, so only the sample is timed."),
        "ratio_gensim_3cosadd_plus_3cosmul_extrapolated_vs_embedlab_sweep": Figure(
            "Speed-up over gensim's 3CosAdd + 3CosMul", "gensim's 3CosAdd time plus its extrapolated 3CosMul "
            "time, over embedlab's four-setting sweep", TIMES,
            note="It adds the extrapolated 3CosMul time above, so it is partly an estimate too."),
    }


def _embeddings() -> dict[str, Figure]:
    most_similar = ("top 10 over all 400,000 words for 10 queries (3 analogies, 7 single words), best of "
                    "5 × `--repeat` runs (default 3)")
    analogies = ("the Google analogy set, the most frequent words as candidates (`--restrict`, default 30,000), "
                 "best of `--repeat`")
    return {
        "most_similar_ms_embedlab": Figure("embedlab: `most_similar`", f"per query; {most_similar}", MS),
        "most_similar_ms_gensim": Figure("gensim: `most_similar`", f"per query; {most_similar}", MS),
        "most_similar_ratio": Figure("`most_similar` speed-up", "gensim's time over embedlab's", TIMES),
        "analogy_s_embedlab": Figure("embedlab: analogy evaluation", analogies, S),
        "analogy_s_gensim": Figure("gensim: analogy evaluation", analogies, S),
        "analogy_ratio": Figure("Analogy evaluation speed-up", "gensim's time over embedlab's", TIMES),
        "analogy_accuracy_embedlab": Figure("embedlab: analogy accuracy", "3CosAdd, question words excluded"),
        "analogy_accuracy_gensim": Figure("gensim: analogy accuracy", "3CosAdd, question words excluded"),
    }


def _grading() -> dict[str, Figure]:
    return {
        "plain_execution_s": Figure(
            "Plain execution", "the lab 1 solution run top to bottom with nbclient and the sandbox's kernel "
            "settings (median of `--repeats`): the floor", S),
        "grading_s": Figure("Grading", "`grade_submission` of the same notebook in the sandbox, hidden cases "
                            "included (median)", S),
        "ratio": Figure(
            "Grading over plain execution", "how much grading costs beyond running the notebook", TIMES,
            when=lambda f: f["ratio"] < 1,
            note="Below 1: grading is faster than plain execution, because in the sandbox `check()` is a stub "
                 "that does nothing and the t-SNE cell skips its work (scikit-learn is not among the "
                 "packages lab 1 allows), and its kernel starts faster (next rows)."),
        "trivial_plain_s": Figure(
            "One-cell notebook, plain", "starting a kernel with nbclient and running `x = 1` (median)", S,
            when=lambda f: f["trivial_plain_s"] > f["plain_execution_s"],
            note="Longer than running the whole lab 1 notebook (first row), which starts a kernel the same "
                 "way: the benchmark does not say why, so read the start-up figures as rough."),
        "trivial_sandboxed_s": Figure("One-cell notebook, sandboxed", "starting a sandboxed kernel (cgroup, "
                                      "work dir, bwrap, setpriv) and running `x = 1` (median)", S),
        "trivial_ratio": Figure(
            "Sandboxed over plain start", "the fixed cost of the sandbox per kernel", TIMES,
            when=lambda f: f["trivial_ratio"] < 1,
            note="Below 1: the sandboxed kernel started faster than the plain one. The benchmark does not "
                 "break the two starts down, so the cause is not measured; one difference is that the "
                 "sandboxed kernel sees only the lab's few packages, the plain one the whole environment."),
        "batch_n": Figure("Submissions in the batch", "copies of the lab 1 solution, graded by "
                          "`grade_directory`"),
        "workers": Figure("Workers", "submissions graded side by side"),
        "batch_s": Figure("Batch", "wall time of the whole batch", S),
        "batch_per_submission_s": Figure("Per submission", "the batch's time over its submissions", S),
        "sandbox": Figure("Sandbox", "the isolation the grader reported"),
    }


def _projections() -> dict[str, Figure]:
    figures = {
        "words": Figure("Words", "the GloVe category words (capitals, countries, US states, family words, ...) "
                        "among the 50,000 most frequent, as unit vectors"),
        "k": Figure("Neighbours k", "the neighbourhood size of the quality measures (`--k`)"),
        "knn_accuracy_full": Figure("k-NN accuracy, 50-d", "share of words whose k nearest neighbours in the "
                                    "full space vote for the word's own category"),
    }
    for key, name in (("pca", "PCA"), ("tsne", "t-SNE"), ("umap", "UMAP")):
        figures |= {
            f"{key}_seconds": Figure(f"{name}: time", "projecting the words to 2-D", S,
                                     note="Includes numba's compilation (or loading it from its cache) on "
                                          "the first fit in a process: see the second fit below."
                                     if key == "umap" else ""),
            f"{key}_trustworthiness": Figure(f"{name}: trustworthiness@k", "1 when every word's k nearest "
                                             "neighbours in 2-D are among its k nearest in 50-d"),
            f"{key}_neighbours_kept": Figure(f"{name}: neighbours kept@k", "share of each word's k nearest "
                                             "neighbours in 50-d that stay among its k nearest in 2-D"),
            f"{key}_knn_accuracy": Figure(f"{name}: k-NN accuracy, 2-D", "the same vote as in 50-d, in the "
                                          "picture"),
        }
    return figures | {
        "umap_second_fit_seconds": Figure("UMAP: a second fit", "the same fit again in the same process, "
                                          "compiled", S),
        "pca_embedlab_ms": Figure("embedlab: PCA of 50,000 words", "`embedlab.projection.pca`, 50,000 × 50 to "
                                  "2-D, best of `--repeat`", MS),
        "pca_sklearn_ms": Figure("scikit-learn: PCA of 50,000 words", "`PCA(2, svd_solver=\"full\")`, the same "
                                 "algorithm on the same words", MS),
        "pca_ratio": Figure("PCA speed-up", "scikit-learn's time over embedlab's", TIMES),
        "pca_max_coordinate_difference": Figure("Largest coordinate difference", "between embedlab's and "
                                                "scikit-learn's PCA coordinates, signs included"),
    }


_ANN = {  # key in the JSON -> what the index is
    "numpy_exact": "numpy exact",
    "faiss_flat": "FAISS flat (exact)",
    **{f"IVF1024_nprobe{p}": f"IVF, 1,024 lists, nprobe {p}" for p in (1, 8, 32, 128)},
    "IVF1024-PQ10_nprobe32": "IVF-PQ, 10 bytes a vector, nprobe 32",
    **{f"HNSW32_ef{e}": f"HNSW, M = 32, efSearch {e}" for e in (16, 64, 256)},
}
_BUILD = {  # first part of the key -> what its build time covers
    "numpy": "nothing to build (see its time)",
    "faiss": "adding the vectors",
    "IVF1024": "training the 1,024 lists (k-means) and adding the vectors; one build serves every nprobe",
    "IVF1024-PQ10": "training the lists and the codebooks, then adding the vectors",
    "HNSW32": "adding the vectors, which builds the graph; one build serves every efSearch",
}
_CODES = {"float32": "float32", "int8": "int8", "binary": "binary", "binary_rescore": "binary + int8 rescoring"}


def _search() -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for n in (5_000, 100_000):
        data = f"{n:,} random 384-d unit vectors, 100 queries, best of `--repeat`"
        figures |= {
            f"exact_{n}_ms_embedlab": Figure(f"Exact top 10 of {n:,}: embedlab", f"`DenseIndex.search` per "
                                             f"query: one matrix product and a partial sort; {data}", MS),
            f"exact_{n}_ms_sentence_transformers": Figure(
                f"Exact top 10 of {n:,}: sentence-transformers", "`util.semantic_search` per query (torch), "
                "the same vectors", MS),
            f"exact_{n}_ms_faiss_flat": Figure(f"Exact top 10 of {n:,}: FAISS flat", "`IndexFlatIP` per query, "
                                               "the same vectors", MS),
            f"exact_{n}_ratio_vs_best": Figure(f"Exact top 10 of {n:,}: speed-up", "the faster other library's "
                                               "time over embedlab's", TIMES),
            f"exact_{n}_same_top_k": Figure(f"Exact top 10 of {n:,}: same results", "share of queries whose "
                                            "top-10 set the other library returns too (the lower of the two)"),
        }
    for key, name in _ANN.items():
        exact = key == "numpy_exact"
        figures |= {
            f"ann_{key}_ms": Figure(f"{name}: time", "per query, on GloVe 400,000 × 50 (unit vectors)", MS,
                                    note="Timed once, with the index's construction (normalising all the "
                                         "vectors) inside: not a speed race with FAISS flat, which is timed "
                                         "on a built index." if exact else ""),
            f"ann_{key}_recall": Figure(f"{name}: recall@10", "share of the exact top 10 found" if not exact
                                        else "1 by definition: this search is the reference of the recalls"),
            f"ann_{key}_build_s": Figure(f"{name}: build", _BUILD[key.split("_")[0]], S),
            f"ann_{key}_mb": Figure(f"{name}: size", "the float32 matrix" if exact else "the serialized index",
                                    " MB"),
        }
    figures["quantized_passages"] = Figure("Passages", "the Wikipedia slice in 128-piece passages, encoded "
                                           "with MiniLM; 500 of them are the queries (each leaving itself out)")
    for key, name in _CODES.items():
        faster = {"int8": lambda f: f["quantized_int8_ms"] >= f["quantized_float32_ms"],
                  "binary": lambda f: f["quantized_binary_ms"] > f["quantized_float32_ms"]}.get(key)
        odd = {"int8": "No faster than float32: the int8 codes are decoded to floats for every search, so int8 "
                       "saves memory here, not time.",
               "binary": "Slower than float32: numpy compares the bit codes with XOR and a bit count, chunk by "
                         "chunk, while float32 search is one BLAS matrix product; the binary code saves memory "
                         "here, not time."}.get(key, "")
        figures |= {
            f"quantized_{key}_bytes": Figure(f"{name}: size", "bytes kept per vector" + (
                " (the bits and the int8 codes)" if key == "binary_rescore" else ""), " bytes"),
            f"quantized_{key}_ms": Figure(f"{name}: time", "per query" + (", exact: the reference"
                                                                          if key == "float32" else ""), MS,
                                          note=odd, when=faster),
            f"quantized_{key}_recall": Figure(f"{name}: recall@10", "share of the float32 top 10 found"),
        }
    return figures


_STEPS = {
    "per_pair_1_thread": "per-pair update (the textbook step), 1 thread",
    "shared_32_noise_1_thread": "shared negatives, 32 noise words per 32 centers, 1 thread",
    "shared_1_thread": "shared negatives, the defaults, 1 thread",
}


def _word2vec() -> dict[str, Figure]:
    rho = "WordSim-353 ρ: Spearman's correlation of the vectors' cosines with human similarity ratings"
    figures = {
        "words_per_s_ratio": Figure("Speed-up over gensim", "embedlab's words/s over gensim's, median over "
                                    "the seeds", TIMES),
        "ratio_min": Figure("Speed-up, slowest seed", "the lowest of the per-seed speed-ups", TIMES),
        "ratio_max": Figure("Speed-up, fastest seed", "the highest of the per-seed speed-ups", TIMES),
        "ratios": Figure("Speed-up per seed", "gensim's time over embedlab's, seed by seed"),
    }
    for name in ("gensim", "embedlab"):
        figures |= {
            f"seconds_{name}": Figure(f"{name}: time", "one whole training call, vocabulary included, median "
                                      "over the seeds", S),
            f"words_per_s_{name}": Figure(f"{name}: words/s", "corpus words × epochs per second of that call"),
            f"rho_{name}": Figure(f"{name}: ρ", f"{rho}; mean over the seeds"),
            f"rho_{name}_min": Figure(f"{name}: ρ, lowest seed", "the seed whose vectors did worst"),
        }
    figures |= {
        "rho_margin": Figure("ρ margin", "embedlab's mean ρ minus gensim's"),
        "load_min": Figure("Load average, lowest", "the 1-minute load average before each training run "
                           "(the benchmark's own two threads count in it)"),
        "load_max": Figure("Load average, highest", "the same, at its highest"),
    }
    for key, name in _STEPS.items():
        figures |= {
            f"step_{key}_words_per_s": Figure(f"Step: {name}: words/s", "corpus words × epochs per second"),
            f"step_{key}_ratio": Figure(f"Step: {name}: speed-up", "its words/s over gensim's (gensim on "
                                        "2 threads), median over `--step-seeds`", TIMES),
            f"step_{key}_rho": Figure(f"Step: {name}: ρ", "mean over those seeds",
                                      when=lambda f, key=key: abs(f[f"step_{key}_rho"]) < 0.1, note=(
                "Near 0: the slow per-pair step trains for `--per-pair-epochs` epochs (default 1) instead "
                "of 5, too few for WordSim-353 to see anything." if key == "per_pair_1_thread" else "")),
        }
    for model in ("skipgram", "cbow"):
        for name in ("embedlab", "gensim"):
            label = f"{'Skip-gram' if model == 'skipgram' else 'CBOW'}, {name}"
            figures |= {
                f"{model}_{name}_words_per_s": Figure(f"{label}: words/s", "median over `--cbow-seeds`"),
                f"{model}_{name}_rho": Figure(f"{label}: ρ", "WordSim-353, median over those seeds"),
                f"{model}_{name}_analogy_accuracy": Figure(
                    f"{label}: analogy accuracy", "3CosAdd on the Google questions whose four words have "
                    "vectors", when=lambda f: max(f.get(f"{m}_{t}_analogy_accuracy", 0) for m in ("skipgram", "cbow")
                                                  for t in ("embedlab", "gensim")) < 0.05,
                    note=("Near 0 for every trainer: the slice (under half a million tokens) is far "
                                     "too small to learn analogies; ρ is the quality measure that tells the "
                                     "trainers apart." if (model, name) == ("skipgram", "embedlab") else "")),
            }
    return figures | {
        "cbow_seeds": Figure("Seeds, CBOW comparison", "trainings of each of the four trainers (`--cbow-seeds`)"),
        "seeds": Figure("Seeds", "trainings of each trainer in the main comparison (`--seeds`)"),
    }


#: benchmark -> saved key -> what it means
FIGURES: dict[str, dict[str, Figure]] = {
    "analogies": _analogies(), "embeddings": _embeddings(), "grading": _grading(),
    "projections": _projections(), "search": _search(), "word2vec": _word2vec(),
}
