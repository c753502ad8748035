"""Lab 1 (token embeddings): plausible notebooks. print_similarity calls cos_sim and get_embedding, and
most_similar may call similarity_matrix, so a wrong helper is wrong there too."""

from . import Variant

VARIANTS = [
    Variant(
        "plain_python_with_helpers",
        blocks={
            "dot_product": """
                total = 0.0
                for a, b in zip(u, v):
                    total += a * b
                return float(total)
            """,
            "cos_sim": """
                def length(x):
                    return math.sqrt(sum(xi * xi for xi in x))
                return dot_product(u, v) / (length(u) * length(v))
            """,
            "get_embedding": """
                for row, label in enumerate(labels):
                    if label == token:
                        return embeddings[row]
                raise ValueError("I do not know the token " + token)
            """,
        },
        added=(("get_row", "import math"),),
    ),
    Variant(
        "try_except_as_ex_and_einsum",
        blocks={
            "cos_sim": """
                try:
                    return float(np.dot(u, v) / np.sqrt(np.dot(u, u) * np.dot(v, v)))
                except ZeroDivisionError as ex:
                    print("zero vector:", ex)
                    raise
            """,
            "similarity_matrix": """
                lengths = np.sqrt(np.einsum("ij,ij->i", E, E))
                return np.einsum("ij,kj->ik", E, E) / np.outer(lengths, lengths)
            """,
        },
    ),
    Variant(
        "timed_cells_prints_and_other_names",
        cells={
            "similarity_matrix": '''
                %%time
                def similarity_matrix(E):
                    """Cosine similarity between every pair of rows of E, vectorised."""
                    norms = np.linalg.norm(E, axis=1)
                    normalised = E / norms[:, np.newaxis]
                    result = np.matmul(normalised, normalised.T)
                    return result


                S = similarity_matrix(embeddings)
                print(S.shape, S[:3, :3])
            ''',
        },
        blocks={
            "most_similar": """
                position = labels.index(token)
                similarities = similarity_matrix(embeddings)[position]
                ranked = sorted(range(len(labels)), key=lambda i: similarities[i], reverse=True)
                result = []
                for i in ranked:
                    if i != position and len(result) < k:
                        result.append(labels[i])
                return result
            """,
        },
        added=((None, "print(most_similar('king', 5, embeddings, labels))"),
               ("cos_sim", "print('cos(u, v) =', cos_sim(u, v))")),
    ),
    Variant(
        "other_numpy_idioms",
        blocks={
            "arrays": """
                u = np.arange(1, 4)
                v = u + 3
                M = np.vstack([u, v])
                M_shape = np.shape(M)
            """,
            "get_row": "return E[i, :]",
            "get_column": "return E.T[j]",
            "dot_product": "return (u * v).sum().item()",
            "print_similarity": """
                similarity = cos_sim(get_embedding(token1, embeddings, labels),
                                     get_embedding(token2, embeddings, labels))
                print('Cosine similarity between "%s" and "%s" = %.2f' % (token1, token2, similarity))
                return similarity
            """,
            "most_similar": """
                row = similarity_matrix(embeddings)[labels.index(token)]
                order = [i for i in np.argsort(row)[::-1] if labels[i] != token]
                return [labels[i] for i in order[:k]]
            """,
        },
    ),
    Variant(
        "shared_helper_names_globals_and_a_captured_cell",
        cells={
            "cos_sim": '''
                %%capture
                def cos_sim(u, v):
                    return float(dot_product(u, v) / (norm(u) * norm(v)))
            ''',
        },
        blocks={
            "dot_product": "return np.tensordot(u, v, axes=1)  # a 0-d array",
            "similarity_matrix": """
                def norm(M):  # a local helper with the name of the global one
                    return np.sqrt((M * M).sum(axis=1, keepdims=True))
                unit = E / norm(E)
                return unit @ unit.T
            """,
        },
        added=(("get_row", "def norm(x):\n    return np.linalg.norm(x)"),
               (None, "print(sorted(name for name in globals() if not name.startswith('_'))[:8], vars(np)['pi'])")),
    ),
    Variant(
        "similarity_matrix_with_loops",
        blocks={
            "similarity_matrix": """
                n = len(E)
                S = np.zeros((n, n))
                for i in range(n):
                    for j in range(n):
                        S[i, j] = cos_sim(E[i], E[j])
                return S
            """,
        },
        wrong=frozenset({"similarity_matrix"}),
    ),
    Variant(
        "cos_sim_forgets_the_lengths",
        blocks={"cos_sim": "return float(u @ v)"},
        wrong=frozenset({"cos_sim", "print_similarity"}),
    ),
    Variant(
        "most_similar_keeps_the_token_and_get_column_takes_a_row",
        blocks={
            "most_similar": """
                sims = similarity_matrix(embeddings)[labels.index(token)]
                return [labels[i] for i in np.argsort(-sims)[:k]]
            """,
            "get_column": "return E[j]",
        },
        wrong=frozenset({"most_similar", "get_column"}),
    ),
    Variant(
        "frobenius_norm_and_elementwise_dot",
        blocks={
            # one length for the whole matrix: most_similar, which uses it, then ranks by dot product
            "similarity_matrix": "return E @ E.T / np.linalg.norm(E) ** 2",
            "dot_product": "return u * v",
            "arrays": """
                u = np.array([1, 2, 3])
                v = np.array([4, 5, 6])
                M = np.array([[1, 2, 3], [4, 5, 6]])
                M_shape = (3, 2)
            """,
        },
        wrong=frozenset({"similarity_matrix", "most_similar", "dot_product", "arrays"}),
    ),
    Variant(
        "get_embedding_without_the_error_and_a_rounded_print",
        blocks={
            "get_embedding": """
                if token in labels:
                    return embeddings[labels.index(token)]
                return None
            """,
            "print_similarity": """
                sim = cos_sim(get_embedding(token1, embeddings, labels), get_embedding(token2, embeddings, labels))
                sim = round(sim, 1)
                print(f'Cosine similarity between "{token1}" and "{token2}" = {sim:.2f}')
                return sim
            """,
        },
        wrong=frozenset({"get_embedding", "print_similarity"}),
    ),
]
