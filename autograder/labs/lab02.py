"""Lab 2: word2vec by hand (vocabulary, subsampling, pairs, noise words, the SGNS loss, gradients, one step).

References come from :mod:`embedlab.word2vec`; the near misses are the wrong
answers students actually write (the paper's subsampling formula, a forgotten
0.75 power, pairs across sentences, a flipped sign, ``W[ids] -= ...`` losing
repeated rows, ...). Inputs are small random corpora and arrays drawn from the
seed chosen at grading time; they are built so that every near miss differs
from the reference (count ties, rare words under the subsampling threshold,
repeated ids in a batch).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from embedlab import word2vec as w2v
from embedlab.data.wikipedia import ARTICLES_VARIABLE
from embedlab.data.wikipedia_dump import articles_file

from ..spec import Case, Exercise, KernelData, Lab, NearMiss

WORDS = ("the", "of", "and", "in", "to", "is", "was", "for", "as", "on", "by", "with", "from", "that", "at",
         "his", "an", "which", "are", "or", "war", "king", "city", "music", "river", "water", "french", "army",
         "church", "light")


# -- input generators -------------------------------------------------------------------------

def _vocab_case(rng: np.random.Generator) -> Case:
    """A corpus with planned counts: two words tied at min_count or above that first occur in reverse
    alphabetical order (Counter's order is not the lab's), a word seen exactly min_count times, one seen
    min_count - 1 times, and a few others; words otherwise shuffled into sentences of 3 to 9."""
    min_count = int(rng.integers(2, 4))
    words = [str(w) for w in rng.choice(WORDS, size=int(rng.integers(7, 11)), replace=False)]
    tied = sorted(words[:2], reverse=True)
    counts = dict.fromkeys(tied, int(rng.integers(min_count + 1, min_count + 4)))
    counts |= {words[2]: min_count, words[3]: min_count - 1}
    counts |= {w: int(rng.integers(1, 3 * min_count)) for w in words[4:]}
    first = [*tied, *(str(w) for w in rng.permutation(words[2:]))]  # the order of first occurrence
    rest = [w for w in words for _ in range(counts[w] - 1)]
    tokens = [*first, *(rest[i] for i in rng.permutation(len(rest)))]
    cuts = np.cumsum(rng.integers(3, 10, size=len(tokens)))
    return Case(([list(part) for part in np.split(np.array(tokens), cuts[cuts < len(tokens)])
                  if len(part)], min_count))


def _vocab_cases(rng: np.random.Generator) -> list[Case]:
    return [_vocab_case(rng) for _ in range(5)]


def _counts(rng: np.random.Generator) -> np.ndarray:
    """Word counts in decreasing order: a few very frequent words and a long tail of rare ones."""
    n = int(rng.integers(15, 30))
    return np.sort((rng.pareto(1.2, n) * 30).astype(np.int64) + 1)[::-1]


def _stream(rng: np.random.Generator, longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids (with repeats, so ids differ from positions) and the sentence of each token; one sentence
    has at least ``longest`` words."""
    lengths = rng.integers(1, 7, size=int(rng.integers(3, 6)))
    lengths[int(rng.integers(len(lengths)))] = max(longest, int(lengths.max()))
    sentence_ids = np.repeat(np.arange(len(lengths)), lengths)
    return rng.integers(0, 12, size=len(sentence_ids)), sentence_ids


def _pair_case(rng: np.random.Generator) -> Case:
    """A window of 1 to 3 and a sentence longer than window + 1 words (so a window one too wide shows)."""
    window = int(rng.integers(1, 4))
    ids, sentence_ids = _stream(rng, longest=window + 2)
    return Case((ids, window, sentence_ids))


def _pair_cases(rng: np.random.Generator) -> list[Case]:
    return [_pair_case(rng) for _ in range(5)]


def _batch(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(center (B, d), context (B, d), negatives (B, K, d)) with dot products of a few units."""
    b, d, k = int(rng.integers(3, 7)), int(rng.integers(3, 6)), int(rng.integers(2, 5))
    return rng.normal(0, 0.8, (b, d)), rng.normal(0, 0.8, (b, d)), rng.normal(0, 0.8, (b, k, d))


def _sized_batch(rng: np.random.Generator, n: int) -> Case:
    """A batch of n pairs, n // 4 dimensions and n // 4 noise words each (the loop rule's inputs grow in all)."""
    b, d, k = n, max(3, n // 4), max(2, n // 4)
    return Case((rng.normal(0, 0.8, (b, d)), rng.normal(0, 0.8, (b, d)), rng.normal(0, 0.8, (b, k, d))))


def _step_case(rng: np.random.Generator) -> Case:
    """Two small weight matrices and a batch that repeats ids (B + B*K > V), so sums matter."""
    v, d, b, k = int(rng.integers(5, 9)), int(rng.integers(3, 5)), int(rng.integers(6, 12)), int(rng.integers(2, 4))
    return Case((rng.normal(0, 0.5, (v, d)), rng.normal(0, 0.5, (v, d)), rng.integers(0, v, b),
                 rng.integers(0, v, b), rng.integers(0, v, (b, k)), round(float(rng.uniform(0.15, 1.0)), 2)))


# -- references (embedlab.word2vec) -----------------------------------------------------------

def _vocab(sentences, min_count):
    vocab = w2v.build_vocab(sentences, min_count)
    return vocab.words, vocab.counts


def _pairs(ids, window, sentence_ids):
    return w2v.context_pairs(ids, np.full(len(ids), window), sentence_ids)


def _step(w_in, w_out, centers, contexts, negatives, lr):
    w_in, w_out = np.array(w_in, dtype=np.float64), np.array(w_out, dtype=np.float64)
    loss = w2v.sgd_step(w_in, w_out, centers, contexts, negatives, lr)
    return w_in, w_out, loss


# -- near misses --------------------------------------------------------------------------------

def _vocab_by(sentences, min_count, key=None, keep=lambda c, m: c >= m, reverse=False):
    """A vocabulary sorted by ``key`` (None: Counter's order, ties by first occurrence)."""
    kept = [(w, c) for w, c in Counter(w for s in sentences for w in s).most_common() if keep(c, min_count)]
    if key is not None:
        kept.sort(key=key)
    if reverse:
        kept.reverse()
    return [w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64)


def _freq_ratio(counts, sample):
    counts = np.asarray(counts, dtype=np.float64)
    return sample * counts.sum() / counts  # t / f


def _window_pairs(ids, window, sentence_ids, offsets=None, same_sentence=True, center_major=True,
                  positions=False):
    """(center, context) pairs under a variation of the contract (the mistakes below)."""
    n, pos = len(ids), np.arange(len(ids))
    offsets = [o for o in range(-window, window + 1) if o] if offsets is None else offsets
    centers, contexts = [np.zeros(0, int)], [np.zeros(0, int)]  # a window of 0 gives no pairs
    for o in offsets:
        ctx = pos + o
        ok = (ctx >= 0) & (ctx < n)
        if same_sentence:
            ok &= sentence_ids == sentence_ids[np.clip(ctx, 0, n - 1)]
        centers.append(pos[ok])
        contexts.append(ctx[ok])
    c, o = np.concatenate(centers), np.concatenate(contexts)
    if center_major:
        order = np.argsort(c, kind="stable")
        c, o = c[order], o[order]
    return (c, o) if positions else (np.asarray(ids)[c], np.asarray(ids)[o])


def _scores(center, context, negatives):
    return np.einsum("bd,bd->b", center, context), np.einsum("bd,bkd->bk", center, negatives)


def _loss_with(center, context, negatives, neg_sign=-1.0, reduce_k=np.sum):
    pos, neg = _scores(center, context, negatives)
    return -w2v.log_sigmoid(pos) - reduce_k(w2v.log_sigmoid(neg_sign * neg), axis=1)


def _gradients_with(center, context, negatives, pos_shift=-1.0, neg_sign=1.0, with_negatives=True, scale=1.0):
    pos, neg = _scores(center, context, negatives)
    g_pos, g_neg = w2v.sigmoid(pos) + pos_shift, w2v.sigmoid(neg_sign * neg)
    d_center = g_pos[:, None] * context + with_negatives * np.einsum("bk,bkd->bd", g_neg, negatives)
    return (scale * d_center, scale * g_pos[:, None] * center, scale * g_neg[:, :, None] * center[:, None, :])


def _step_with(w_in, w_out, centers, contexts, negatives, lr, sign=-1.0, scale=1.0, assign=False,
               loss_after=False, total=False):
    w_in, w_out = np.array(w_in, dtype=np.float64), np.array(w_out, dtype=np.float64)
    v, u_o, u_n = w_in[centers], w_out[contexts], w_out[negatives]
    d_v, d_o, d_n = (scale * g for g in w2v.sgns_gradients(v, u_o, u_n))
    loss = w2v.sgns_loss(v, u_o, u_n)
    for w, ids, grad in ((w_in, centers, d_v), (w_out, contexts, d_o), (w_out, negatives, d_n)):
        if assign:  # W[ids] -= ...: a row that occurs twice keeps only its last update
            w[ids] += sign * lr * grad
        else:
            np.add.at(w, ids, sign * lr * grad)
    if loss_after:
        loss = w2v.sgns_loss(w_in[centers], w_out[contexts], w_out[negatives])
    return w_in, w_out, float(loss.sum() if total else loss.mean())


# -- exercises ----------------------------------------------------------------------------------

BUILD_VOCAB = Exercise(
    name="build_vocab",
    points=2,
    targets=("build_vocab",),
    reference=_vocab,
    cases=_vocab_cases,
    near_misses=(
        NearMiss("breaks ties between equally frequent words by first occurrence (Counter.most_common's "
                 "order): sort by decreasing count, then alphabetically, key=lambda wc: (-wc[1], wc[0]).",
                 lambda s, m: _vocab_by(s, m)),
        NearMiss("dropped the words seen exactly min_count times: keep a word when count >= min_count.",
                 lambda s, m: _vocab_by(s, m, key=lambda wc: (-wc[1], wc[0]), keep=lambda c, mc: c > mc)),
        NearMiss("kept every word: drop the words seen fewer than min_count times.",
                 lambda s, m: _vocab_by(s, m, key=lambda wc: (-wc[1], wc[0]), keep=lambda c, mc: True)),
        NearMiss("sorted from rare to frequent: the most frequent word comes first (it gets id 0).",
                 lambda s, m: _vocab_by(s, m, key=lambda wc: (-wc[1], wc[0]), reverse=True)),
    ),
    hint="count with collections.Counter, keep count >= min_count, sort by (-count, word); "
         "return (words, counts): a list of str and an np.array of ints.",
)

KEEP_PROBABILITIES = Exercise(
    name="keep_probabilities",
    points=1,
    targets=("keep_probabilities",),
    reference=w2v.keep_probabilities,
    cases=lambda rng: [Case((_counts(rng), t)) for t in (1e-3, 1e-2, 5e-2, float(rng.choice([2e-3, 2e-2])))],
    near_misses=(
        NearMiss("used the paper's formula keep = sqrt(t/f). This course uses the formula of the word2vec C "
                 "code (and gensim): keep = (sqrt(f/t) + 1) * t/f, capped at 1.",
                 lambda counts, t: np.minimum(1.0, np.sqrt(_freq_ratio(counts, t)))),
        NearMiss("used the paper's formula keep = sqrt(t/f). This course uses the formula of the word2vec C "
                 "code (and gensim): keep = (sqrt(f/t) + 1) * t/f, capped at 1.",
                 lambda counts, t: np.sqrt(_freq_ratio(counts, t))),
        NearMiss("returned the probability of dropping a word: return the probability of keeping it.",
                 lambda counts, t: 1.0 - w2v.keep_probabilities(counts, t)),
        NearMiss("forgot the cap: a probability cannot exceed 1 (np.minimum(1.0, ...)).",
                 lambda counts, t: np.sqrt(_freq_ratio(counts, t)) + _freq_ratio(counts, t)),
        NearMiss("used raw counts as f: f is a word's share of the corpus, count / counts.sum().",
                 lambda counts, t: np.minimum(1.0, np.sqrt(t / counts) + t / counts)),
    ),
    hint="f = counts / counts.sum(); keep = (np.sqrt(f / t) + 1) * t / f, then np.minimum(1.0, keep).",
)

CONTEXT_PAIRS = Exercise(
    name="context_pairs",
    points=2,
    targets=("context_pairs",),
    reference=_pairs,
    cases=_pair_cases,
    near_misses=(
        NearMiss("paired words with themselves: a word is not its own context (skip offset 0).",
                 lambda ids, w, s: _window_pairs(ids, w, s, offsets=range(-w, w + 1))),
        NearMiss("crossed sentence boundaries: pair i with j only when sentence_ids[i] == sentence_ids[j].",
                 lambda ids, w, s: _window_pairs(ids, w, s, same_sentence=False)),
        NearMiss("returned positions: return the word ids at those positions, ids[i] and ids[j].",
                 lambda ids, w, s: _window_pairs(ids, w, s, positions=True)),
        NearMiss("the pairs are right but in another order: list them center by center (position i = 0, 1, ...), "
                 "and for each center its contexts from left to right.",
                 lambda ids, w, s: _window_pairs(ids, w, s, center_major=False)),
        NearMiss("looked only to the right: the window covers `window` words on each side.",
                 lambda ids, w, s: _window_pairs(ids, w, s, offsets=range(1, w + 1))),
        NearMiss("off by one: the window includes the words exactly `window` positions away.",
                 lambda ids, w, s: _window_pairs(ids, w, s, offsets=[o for o in range(1 - w, w) if o])),
    ),
    hint="for every position i and every j from i - window to i + window: skip j == i, j outside 0..n-1 "
         "and j in another sentence; collect ids[i] and ids[j]; return two np.arrays.",
)

NOISE_DISTRIBUTION = Exercise(
    name="noise_distribution",
    points=1,
    targets=("noise_distribution",),
    reference=w2v.noise_distribution,
    # the lab's 0.75 once in five: an answer that ignores `power` shows
    cases=lambda rng: [Case((_counts(rng), p)) for p in (0.75, *np.round(rng.uniform(0.2, 0.7, 4), 2))],
    near_misses=(
        NearMiss("forgot the power: raise the counts to `power` (0.75) before normalising.",
                 lambda counts, p: counts / counts.sum()),
        NearMiss("forgot to normalise: divide by the sum so that the probabilities add up to 1.",
                 lambda counts, p: counts.astype(np.float64) ** p),
        NearMiss("normalised first and raised to the power afterwards: the result no longer sums to 1. "
                 "Raise the counts to the power, then normalise.",
                 lambda counts, p: (counts / counts.sum()) ** p),
        NearMiss("ignored the `power` argument (always 0.75): use the parameter.",
                 lambda counts, p: w2v.noise_distribution(counts, 0.75)),
    ),
    hint="weights = counts ** power; return weights / weights.sum().",
)

SGNS_LOSS = Exercise(
    name="sgns_loss",
    points=2,
    targets=("sgns_loss",),
    reference=w2v.sgns_loss,
    cases=lambda rng: [Case(_batch(rng)) for _ in range(4)],
    forbid_loops=True,
    sized_case=_sized_batch,
    size_unit="pairs",
    near_misses=(
        NearMiss("returned the total over the batch: return one loss per pair, an array of shape (B,).",
                 lambda c, o, n: float(w2v.sgns_loss(c, o, n).sum())),
        NearMiss("returned the mean over the batch: return one loss per pair, an array of shape (B,).",
                 lambda c, o, n: float(w2v.sgns_loss(c, o, n).mean())),
        NearMiss("the noise words need log sigmoid(-u_k . v): the minus inside the sigmoid is missing.",
                 lambda c, o, n: _loss_with(c, o, n, neg_sign=1.0)),
        NearMiss("returned the log-likelihood: the loss is its negative, -log sig(u_o . v) - sum_k log sig(-u_k . v).",
                 lambda c, o, n: -w2v.sgns_loss(c, o, n)),
        NearMiss("averaged over the K noise words: sum their terms.",
                 lambda c, o, n: _loss_with(c, o, n, reduce_k=np.mean)),
        NearMiss("left out the noise words' term - sum_k log sig(-u_k . v).",
                 lambda c, o, n: -w2v.log_sigmoid(_scores(c, o, n)[0])),
    ),
    hint="np.einsum('bd,bd->b', center, context) and np.einsum('bd,bkd->bk', center, negatives) give the "
         "dot products; sum the noise words' terms over axis=1 and keep one loss per pair, shape (B,).",
)

SGNS_GRADIENTS = Exercise(
    name="sgns_gradients",
    points=2,
    targets=("sgns_gradients",),
    reference=w2v.sgns_gradients,
    cases=lambda rng: [Case(_batch(rng)) for _ in range(4)],
    forbid_loops=True,
    sized_case=_sized_batch,
    size_unit="pairs",
    near_misses=(
        NearMiss("every gradient has the wrong sign (that is the gradient of -L).",
                 lambda c, o, n: _gradients_with(c, o, n, scale=-1.0)),
        NearMiss("the true context's coefficient is sigmoid(u_o . v) - 1, not sigmoid(u_o . v).",
                 lambda c, o, n: _gradients_with(c, o, n, pos_shift=0.0)),
        NearMiss("the noise words' coefficient is sigmoid(u_k . v), not sigmoid(-u_k . v).",
                 lambda c, o, n: _gradients_with(c, o, n, neg_sign=-1.0)),
        NearMiss("d_center misses the noise words' term sum_k sigmoid(u_k . v) u_k.",
                 lambda c, o, n: _gradients_with(c, o, n, with_negatives=False)),
        NearMiss("divided by the batch size (the gradient of the mean loss): return the gradient of "
                 "loss.sum(), one row per pair, each row the gradient of its own pair's loss.",
                 lambda c, o, n: _gradients_with(c, o, n, scale=1.0 / len(c))),
    ),
    hint="compute the coefficients g_pos = sigmoid(u_o . v) - 1, shape (B,), and g_neg = sigmoid(u_k . v), "
         "shape (B, K), then broadcast them against the vectors (g_pos[:, None], g_neg[:, :, None]); "
         "the noise words' part of d_center is np.einsum('bk,bkd->bd', g_neg, negatives).",
)

SGD_STEP = Exercise(
    name="sgd_step",
    points=2,
    targets=("sgd_step",),
    reference=_step,
    cases=lambda rng: [_step_case(rng) for _ in range(4)],
    forbid_mutation=True,  # the lab says: return updated copies, leave w_in and w_out as they were
    near_misses=(
        NearMiss("moved up the gradient: subtract lr * gradient.", lambda *a: _step_with(*a, sign=1.0)),
        NearMiss("a row that occurs several times in the batch must get the sum of its updates; W[ids] -= ... "
                 "keeps only one of them. Use np.add.at(W, ids, -lr * grad).",
                 lambda *a: _step_with(*a, assign=True)),
        NearMiss("returned the loss after the update: return the mean loss before it.",
                 lambda *a: _step_with(*a, loss_after=True)),
        NearMiss("returned the summed loss: return the mean loss over the batch.",
                 lambda *a: _step_with(*a, total=True)),
        NearMiss("divided the gradients by the batch size: every pair moves its rows by lr times its own gradient.",
                 lambda *a: _step_with(*a, scale=1.0 / len(a[2]))),
    ),
    hint="copy w_in and w_out; gather v = w_in[centers], u_o = w_out[contexts], u_n = w_out[negatives]; "
         "take the loss and the gradients of these; np.add.at(w_in, centers, -lr * d_center) and the same for "
         "w_out with contexts and negatives; return (w_in, w_out, loss.mean()).",
)

LAB = Lab(
    id="lab02",
    title="word2vec by hand",
    notebook="lab02_word2vec.ipynb",
    exercises=(BUILD_VOCAB, KEEP_PROBABILITIES, CONTEXT_PAIRS, NOISE_DISTRIBUTION, SGNS_LOSS, SGNS_GRADIENTS,
               SGD_STEP),
    # the Wikipedia loader only: embedlab.word2vec holds every exercise's reference. The loader reads the
    # articles that gensim parsed on the host, so gensim (and scipy under it) stay out of the kernel
    allowed_modules=("embedlab.data.wikipedia",),
    course_names=("embedlab.data.wikipedia_sentences",),
    kernel_data=(KernelData(ARTICLES_VARIABLE, articles_file),),
)
