"""Lab 3 (analogies and bias): plausible notebooks. accuracy_by_category calls the student's analogy_3cosadd,
so a wrong 3CosAdd is wrong there too."""

from . import Variant

VARIANTS = [
    Variant(
        "loops_over_rows_and_a_helper",
        cells={
            "analogy_3cosadd": '''
                def unit_rows(M):
                    return M / np.linalg.norm(M, axis=1)[:, None]


                def analogy_3cosadd(vectors, a, b, c):
                    """Row of the best answer to a : b :: c : ? by 3CosAdd, excluding a, b and c."""
                    U = unit_rows(vectors)
                    target = U[b] - U[a] + U[c]
                    best, best_score = None, -float("inf")
                    for row in range(len(U)):
                        if row in (a, b, c):
                            continue
                        score = U[row] @ target
                        if score > best_score:
                            best, best_score = row, score
                    return best
            ''',
        },
        blocks={
            "accuracy_by_category": """
                correct, asked = {}, {}
                for (a, b, c, d), cat in zip(questions, categories):
                    asked[cat] = asked.get(cat, 0) + 1
                    correct[cat] = correct.get(cat, 0) + (analogy_3cosadd(vectors, a, b, c) == d)
                return np.array([correct[k] / asked[k] for k in range(len(asked))])
            """,
        },
    ),
    Variant(
        "cosines_added_one_by_one_and_a_masked_argmax",
        blocks={
            "analogy_3cosadd": """
                norms = np.linalg.norm(vectors, axis=1)
                cos = lambda i: vectors @ vectors[i] / (norms * norms[i])
                total = cos(b) - cos(a) + cos(c)
                total[[a, b, c]] = np.nan
                return int(np.nanargmax(total))
            """,
            "analogy_3cosmul": """
                norms = np.linalg.norm(vectors, axis=1)
                shifted = [(vectors @ vectors[i] / (norms * norms[i]) + 1) / 2 for i in (a, b, c)]
                score = shifted[1] * shifted[2] / (shifted[0] + 1e-6)
                candidates = [i for i in np.argsort(-score) if i not in (a, b, c)]
                return int(candidates[0])
            """,
        },
    ),
    Variant(
        "bias_weat_and_neutralise_written_out",
        blocks={
            "bias_direction": """
                mean_diff = np.mean(first, axis=0) - np.mean(second, axis=0)
                return mean_diff / np.sqrt(np.sum(mean_diff ** 2))
            """,
            "project": """
                unit = direction / np.linalg.norm(direction)
                return np.array([row @ unit for row in vectors])
            """,
            "weat_effect_size": """
                def s(w):
                    cos = lambda x, y: x @ y / (np.linalg.norm(x) * np.linalg.norm(y))
                    return np.mean([cos(w, a) for a in A]) - np.mean([cos(w, b) for b in B])
                sx = [s(x) for x in X]
                sy = [s(y) for y in Y]
                return (statistics.mean(sx) - statistics.mean(sy)) / statistics.stdev(sx + sy)
            """,
            "neutralize": """
                g = direction / np.linalg.norm(direction)
                result = vectors.copy()
                result -= (result @ g)[:, None] * g
                result /= np.linalg.norm(result, axis=1, keepdims=True)
                return result
            """,
        },
        added=(("bias_direction", "import statistics"),),
    ),
    Variant(
        "cosmul_with_the_papers_epsilon",
        blocks={
            "analogy_3cosmul": """
                unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
                cos_a, cos_b, cos_c = ((unit @ unit[i] + 1) / 2 for i in (a, b, c))
                scores = cos_b * cos_c / (cos_a + 1e-3)
                scores[[a, b, c]] = -np.inf
                return int(np.argmax(scores))
            """,
        },
        # the paper's epsilon: the cases are built so that any small epsilon gives the lab's answers
    ),
    Variant(
        "question_words_not_excluded",
        blocks={
            "analogy_3cosadd": """
                unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
                return int(np.argmax(unit @ (unit[b] - unit[a] + unit[c])))
            """,
        },
        wrong=frozenset({"analogy_3cosadd", "accuracy_by_category"}),
    ),
    Variant(
        "rows_not_normalised_and_no_shift_in_cosmul",
        blocks={
            "analogy_3cosadd": """
                scores = vectors @ (vectors[b] - vectors[a] + vectors[c])
                scores[[a, b, c]] = -np.inf
                return int(np.argmax(scores))
            """,
            "analogy_3cosmul": """
                unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
                scores = (unit @ unit[b]) * (unit @ unit[c]) / (unit @ unit[a] + 1e-6)
                scores[[a, b, c]] = -np.inf
                return int(np.argmax(scores))
            """,
        },
        wrong=frozenset({"analogy_3cosadd", "accuracy_by_category", "analogy_3cosmul"}),
    ),
    Variant(
        "population_std_and_an_unnormalised_direction",
        blocks={
            "weat_effect_size": """
                unit = lambda M: M / np.linalg.norm(M, axis=1, keepdims=True)
                s = lambda W: (unit(W) @ unit(A).T).mean(axis=1) - (unit(W) @ unit(B).T).mean(axis=1)
                sx, sy = s(X), s(Y)
                return float((sx.mean() - sy.mean()) / np.concatenate([sx, sy]).std())
            """,
            "project": "return vectors @ direction",
            "bias_direction": "return (first - second).mean(axis=0)",
        },
        wrong=frozenset({"weat_effect_size", "project", "bias_direction"}),
    ),
    Variant(
        "neutralise_in_place",
        blocks={
            "neutralize": """
                g = direction / np.linalg.norm(direction)
                vectors -= np.outer(vectors @ g, g)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                return vectors
            """,
        },
        wrong=frozenset({"neutralize"}),
    ),
    Variant(
        "neutralise_without_rescaling_and_accuracy_over_all_questions",
        blocks={
            "neutralize": """
                g = direction / np.linalg.norm(direction)
                return vectors - np.outer(vectors @ g, g)
            """,
            "accuracy_by_category": """
                predicted = np.array([analogy_3cosadd(vectors, a, b, c) for a, b, c, _ in questions])
                hits = predicted == questions[:, 3]
                return np.array([hits[categories == k].sum() / len(hits) for k in range(categories.max() + 1)])
            """,
        },
        wrong=frozenset({"neutralize", "accuracy_by_category"}),
    ),
]
