"""Lab 4 (projections): plausible notebooks. sentiment_gradients reuses the student's sentiment_forward,
so a wrong forward pass is wrong there too."""

from . import Variant

VARIANTS = [
    Variant(
        "pca_by_eigh_without_a_sign_convention",
        blocks={
            "pca": """
                centred = X - X.mean(axis=0)
                values, vectors = np.linalg.eigh(np.cov(centred, rowvar=False))
                top = np.argsort(values)[::-1][:k]
                components = vectors[:, top].T
                return centred @ components.T, components
            """,
            "explained_variance_ratio": """
                values = np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1]
                return values[:k] / values.sum()
            """,
        },
    ),
    Variant(
        "neighbours_by_sets_and_loops",
        blocks={
            "neighbour_preservation": """
                def nearest(P, i):
                    d = np.sqrt(((P - P[i]) ** 2).sum(axis=1))
                    d[i] = np.inf
                    return set(np.argsort(d)[:k].tolist())

                shares = []
                for i in range(len(X_high)):
                    shares.append(len(nearest(X_high, i) & nearest(X_low, i)) / k)
                return sum(shares) / len(shares)
            """,
            "knn_predict": """
                predictions = []
                for i in range(len(X)):
                    dist = np.linalg.norm(X - X[i], axis=1)
                    dist[i] = np.inf
                    votes = Counter(labels[np.argsort(dist)[:k]].tolist())
                    top = max(votes.values())
                    predictions.append(min(label for label, n in votes.items() if n == top))
                return np.array(predictions)
            """,
        },
    ),
    Variant(
        "forward_and_gradients_with_einsum_and_a_loop_over_tokens",
        blocks={
            "sentiment_forward": """
                lengths = mask.sum(axis=1)
                pooled = np.einsum("bl,bld->bd", mask, E[ids]) / lengths[:, None]
                z = pooled @ w + b
                return pooled, 1.0 / (1.0 + np.exp(-z))
            """,
            "sentiment_gradients": """
                pooled, p = sentiment_forward(E, w, b, ids, mask)
                g = (p - y) / len(y)
                dE = np.zeros(E.shape)
                for i in range(ids.shape[0]):
                    length = mask[i].sum()
                    for j in range(ids.shape[1]):
                        if mask[i, j] == 1:
                            dE[ids[i, j]] += g[i] / length * w
                return dE, g @ pooled, float(np.sum(g))
            """,
            "project_onto": """
                directions = np.column_stack([u / np.linalg.norm(u), v / np.linalg.norm(v)])
                return X @ directions
            """,
        },
    ),
    Variant(
        "pca_that_does_not_centre",
        blocks={
            "pca": """
                _, _, Vt = np.linalg.svd(X, full_matrices=False)
                components = Vt[:k]
                return X @ components.T, components
            """,
        },
        wrong=frozenset({"pca"}),
    ),
    Variant(
        "variance_shares_of_the_singular_values",
        blocks={
            "explained_variance_ratio": """
                S = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
                return S[:k] / S.sum()
            """,
        },
        wrong=frozenset({"explained_variance_ratio"}),
    ),
    Variant(
        "each_point_its_own_neighbour",
        blocks={
            "neighbour_preservation": """
                def neighbours(points):
                    D = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
                    return np.argsort(D, axis=1)[:, :k]

                high, low = neighbours(X_high), neighbours(X_low)
                return float(np.mean([len(set(h) & set(lo)) / k for h, lo in zip(high, low)]))
            """,
            "knn_predict": """
                D = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
                neighbours = np.argsort(D, axis=1)[:, :k]
                return np.array([np.bincount(labels[row]).argmax() for row in neighbours])
            """,
        },
        wrong=frozenset({"neighbour_preservation", "knn_predict"}),
    ),
    Variant(
        "padding_counted_in_the_mean",
        blocks={
            "sentiment_forward": """
                pooled = E[ids].mean(axis=1)
                return pooled, sigmoid(pooled @ w + b)
            """,
        },
        wrong=frozenset({"sentiment_forward", "sentiment_gradients"}),
    ),
    Variant(
        "gradients_with_fancy_index_and_directions_not_normalised",
        blocks={
            "sentiment_gradients": """
                pooled, p = sentiment_forward(E, w, b, ids, mask)
                g = (p - y) / len(p)
                share = (g / mask.sum(axis=1))[:, None] * mask
                dE = np.zeros_like(E)
                dE[ids.ravel()] += share.ravel()[:, None] * w[None, :]
                return dE, pooled.T @ g, float(g.sum())
            """,
            "project_onto": "return np.stack([X @ u, X @ v], axis=1)",
        },
        wrong=frozenset({"sentiment_gradients", "project_onto"}),
    ),
    Variant(
        "knn_ties_to_the_nearest_label",
        blocks={
            "knn_predict": """
                D = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
                np.fill_diagonal(D, np.inf)
                out = []
                for row in np.argsort(D, axis=1)[:, :k]:
                    votes = Counter(labels[row].tolist())
                    out.append(votes.most_common(1)[0][0])  # a tie goes to the label seen first
                return np.array(out)
            """,
        },
        wrong=frozenset({"knn_predict"}),
    ),
]
