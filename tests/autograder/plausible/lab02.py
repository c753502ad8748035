"""Lab 2 (word2vec by hand): plausible notebooks. sgd_step calls the student's sgns_loss and sgns_gradients,
so a wrong one of those is wrong there too."""

from . import Variant

VARIANTS = [
    Variant(
        "plain_dict_and_two_stable_sorts",
        blocks={
            "build_vocab": """
                freq = {}
                for sentence in sentences:
                    for w in sentence:
                        freq[w] = freq.get(w, 0) + 1
                vocab = sorted(w for w in freq if freq[w] >= min_count)   # alphabetical first ...
                vocab = sorted(vocab, key=lambda w: freq[w], reverse=True)  # ... then by count (stable)
                return vocab, np.array([freq[w] for w in vocab])
            """,
            "keep_probabilities": """
                total = np.sum(counts)
                frac = counts / total
                p = (np.sqrt(frac / sample) + 1) * (sample / frac)
                return np.where(p > 1, 1.0, p)
            """,
            "noise_distribution": """
                p = np.power(counts.astype(float), power)
                return p / np.sum(p)
            """,
        },
    ),
    Variant(
        "pairs_by_offsets_then_sorted",
        blocks={
            "context_pairs": """
                ids, sentence_ids = np.asarray(ids), np.asarray(sentence_ids)
                positions = np.arange(len(ids))
                all_i, all_j = [], []
                for offset in range(-window, window + 1):
                    if offset == 0:
                        continue
                    j = positions + offset
                    ok = (j >= 0) & (j < len(ids))
                    i, j = positions[ok], j[ok]
                    same = sentence_ids[i] == sentence_ids[j]
                    all_i.append(i[same])
                    all_j.append(j[same])
                i, j = np.concatenate(all_i), np.concatenate(all_j)
                order = np.lexsort((j, i))  # by center, then context from left to right
                return ids[i[order]], ids[j[order]]
            """,
        },
    ),
    Variant(
        "loss_and_gradients_with_other_idioms",
        blocks={
            "sgns_loss": """
                positive = (center * context).sum(axis=1)
                negative = np.matmul(negatives, center[:, :, None])[:, :, 0]
                # -log(sigmoid(x)) = log(1 + exp(-x))
                return np.logaddexp(0, -positive) + np.logaddexp(0, negative).sum(axis=1)
            """,
            "sgns_gradients": """
                s_pos = 1 / (1 + np.exp(-(center * context).sum(-1)))
                s_neg = 1 / (1 + np.exp(-(negatives * center[:, None, :]).sum(-1)))
                grad_context = (s_pos - 1)[:, None] * center
                grad_negatives = s_neg[..., None] * center[:, None, :]
                grad_center = (s_pos - 1)[:, None] * context + (s_neg[..., None] * negatives).sum(axis=1)
                return grad_center, grad_context, grad_negatives
            """,
        },
    ),
    Variant(
        "sgd_step_with_a_loop_over_the_batch",
        blocks={
            "sgd_step": """
                new_in = np.array(w_in, dtype=float)
                new_out = np.array(w_out, dtype=float)
                losses = sgns_loss(w_in[centers], w_out[contexts], w_out[negatives])
                g_c, g_o, g_n = sgns_gradients(w_in[centers], w_out[contexts], w_out[negatives])
                for b in range(len(centers)):
                    new_in[centers[b]] -= lr * g_c[b]
                    new_out[contexts[b]] -= lr * g_o[b]
                    for k in range(negatives.shape[1]):
                        new_out[negatives[b, k]] -= lr * g_n[b, k]
                print("batch loss", losses.mean())
                return new_in, new_out, float(np.mean(losses))
            """,
        },
    ),
    Variant(
        "loss_with_a_comprehension",
        blocks={
            "sgns_loss": """
                return np.array([-np.log(sigmoid(c @ o)) - np.log(sigmoid(-(n @ c))).sum()
                                 for c, o, n in zip(center, context, negatives)])
            """,
        },
        wrong=frozenset({"sgns_loss"}),
    ),
    Variant(
        "sgd_step_in_place_with_fancy_indexing",
        blocks={
            "sgd_step": """
                v, u_o, u_n = w_in[centers], w_out[contexts], w_out[negatives]
                loss = sgns_loss(v, u_o, u_n).mean()
                d_center, d_context, d_negatives = sgns_gradients(v, u_o, u_n)
                w_in[centers] -= lr * d_center
                w_out[contexts] -= lr * d_context
                w_out[negatives] -= lr * d_negatives
                return w_in, w_out, loss
            """,
        },
        wrong=frozenset({"sgd_step"}),
    ),
    Variant(
        "most_common_order_and_the_papers_keep_formula",
        blocks={
            "build_vocab": """
                counter = Counter(w for s in sentences for w in s)
                kept = [(w, c) for w, c in counter.most_common() if c >= min_count]
                return [w for w, _ in kept], np.array([c for _, c in kept])
            """,
            "keep_probabilities": """
                f = counts / counts.sum()
                return np.minimum(1.0, np.sqrt(sample / f))
            """,
        },
        wrong=frozenset({"build_vocab", "keep_probabilities"}),
    ),
    Variant(
        "no_power_and_a_window_one_short",
        blocks={
            "noise_distribution": "return counts / counts.sum()",
            "context_pairs": """
                centers, contexts = [], []
                for i in range(len(ids)):
                    for j in range(max(0, i - window), min(len(ids), i + window)):
                        if j != i and sentence_ids[i] == sentence_ids[j]:
                            centers.append(ids[i])
                            contexts.append(ids[j])
                return np.array(centers), np.array(contexts)
            """,
        },
        wrong=frozenset({"noise_distribution", "context_pairs"}),
    ),
    Variant(
        "gradient_of_the_context_with_the_wrong_sign",
        blocks={
            "sgns_gradients": """
                g_pos = 1 - sigmoid(np.einsum("bd,bd->b", center, context))
                g_neg = sigmoid(np.einsum("bd,bkd->bk", center, negatives))
                d_center = -g_pos[:, None] * context + np.einsum("bk,bkd->bd", g_neg, negatives)
                d_context = g_pos[:, None] * center
                d_negatives = g_neg[:, :, None] * center[:, None, :]
                return d_center, d_context, d_negatives
            """,
        },
        wrong=frozenset({"sgns_gradients", "sgd_step"}),
    ),
]
