"""Lab 5 (semantic search by hand): plausible notebooks."""

from . import Variant

VARIANTS = [
    Variant(
        "einsum_pooling_and_lexsort_ties",
        blocks={
            "mean_pool": """
                mask = np.array(attention_mask, dtype=float)
                summed = np.einsum("btd,bt->bd", token_vectors, mask)
                return summed / mask.sum(axis=1)[:, np.newaxis]
            """,
            "cosine_top_k": """
                docs = np.array(documents, dtype=float)
                cos = docs @ query / (np.linalg.norm(docs, axis=1) * np.linalg.norm(query))
                order = np.lexsort((np.arange(len(cos)), -cos))  # by cosine, then by index
                return order[:k]
            """,
        },
    ),
    Variant(
        "chunks_by_range_and_sets",
        blocks={
            "chunk_words": """
                if not words:
                    return []
                step = size - overlap
                chunks = []
                for start in range(0, max(len(words) - overlap, 1), step):
                    chunks.append(list(words[start:start + size]))
                return chunks
            """,
            "recall_at_k": """
                top = set(ranking[:k])
                found = 0
                for doc in relevant:
                    if doc in top:
                        found += 1
                return found / len(relevant)
            """,
            "mean_reciprocal_rank": """
                def reciprocal_rank(ranking, relevant):
                    for position, doc in enumerate(list(ranking)[:k]):
                        if doc in relevant:
                            return 1 / (position + 1)
                    return 0.0
                rr = [reciprocal_rank(r, set(j)) for r, j in zip(rankings, judgements)]
                return float(np.mean(rr))
            """,
        },
    ),
    Variant(
        "bm25_with_numpy_and_fusion_with_counter",
        blocks={
            "bm25_score": """
                counts = Counter(doc_terms)
                f = np.array([counts[t] for t in query_terms], dtype=float)
                n_t = np.asarray(doc_freqs, dtype=float)
                idf = np.log(1 + (n_docs - n_t + 0.5) / (n_t + 0.5))
                denominator = f + k1 * (1 - b + b * len(doc_terms) / avg_doc_len)
                return float(np.sum(idf * f / denominator))
            """,
            "reciprocal_rank_fusion": """
                fused = Counter()
                first_seen = []
                for ranking in rankings:
                    for position, doc in enumerate(ranking):
                        if doc not in fused:
                            first_seen.append(doc)
                        fused[doc] += 1 / (k + position + 1)
                docs = sorted(first_seen, key=lambda d: fused[d], reverse=True)
                return docs, np.array([fused[d] for d in docs])
            """,
        },
    ),
    Variant(
        "fusion_with_exact_fractions",
        blocks={
            "reciprocal_rank_fusion": """
                from fractions import Fraction
                scores = {}
                for ranking in rankings:
                    for rank, doc in enumerate(ranking, start=1):
                        scores[doc] = scores.get(doc, 0) + Fraction(1, k + rank)
                ordered = sorted(scores, key=lambda doc: -scores[doc])
                return ordered, np.array([float(scores[doc]) for doc in ordered])
            """,
        },
    ),
    Variant(
        "pooling_with_a_loop_and_ties_reversed",
        blocks={
            "mean_pool": """
                out = []
                for vectors, mask in zip(token_vectors, attention_mask):
                    out.append(vectors[np.asarray(mask) == 1].mean(axis=0))
                return np.array(out)
            """,
            "cosine_top_k": """
                documents = np.asarray(documents, dtype=float)
                unit = documents / np.linalg.norm(documents, axis=1, keepdims=True)
                return np.argsort(unit @ query)[::-1][:k]
            """,
        },
        wrong=frozenset({"mean_pool", "cosine_top_k"}),
    ),
    Variant(
        "chunk_step_of_size_and_recall_over_k",
        blocks={
            "chunk_words": """
                return [list(words[i:i + size]) for i in range(0, len(words), size)]
            """,
            "recall_at_k": "return len(set(ranking[:k]) & set(relevant)) / k",
        },
        wrong=frozenset({"chunk_words", "recall_at_k"}),
    ),
    Variant(
        "mrr_sums_every_hit_and_ranks_from_zero_in_fusion",
        blocks={
            "mean_reciprocal_rank": """
                total = 0.0
                for ranking, relevant in zip(rankings, judgements):
                    for rank, doc in enumerate(ranking[:k], start=1):
                        if doc in relevant:
                            total += 1.0 / rank
                return total / len(rankings)
            """,
            "reciprocal_rank_fusion": """
                scores = {}
                for ranking in rankings:
                    for rank, doc in enumerate(ranking):
                        scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
                ordered = sorted(scores, key=lambda doc: -scores[doc])
                return ordered, np.array([scores[doc] for doc in ordered])
            """,
        },
        wrong=frozenset({"mean_reciprocal_rank", "reciprocal_rank_fusion"}),
    ),
    Variant(
        "bm25_with_the_classic_idf_and_a_set_of_query_terms",
        blocks={
            "bm25_score": """
                tf = Counter(doc_terms)
                norm = k1 * (1 - b + b * len(doc_terms) / avg_doc_len)
                score = 0.0
                for term, df in dict(zip(query_terms, doc_freqs)).items():
                    idf = math.log((n_docs - df + 0.5) / (df + 0.5))
                    score += idf * tf[term] * (k1 + 1) / (tf[term] + norm)
                return score
            """,
        },
        wrong=frozenset({"bm25_score"}),
    ),
    Variant(
        "cosine_without_normalising_and_mrr_without_the_cutoff",
        blocks={
            "cosine_top_k": """
                scores = np.asarray(documents, dtype=float) @ np.asarray(query, dtype=float)
                return np.argsort(-scores, kind="stable")[:k]
            """,
            "mean_reciprocal_rank": """
                total = 0.0
                for ranking, relevant in zip(rankings, judgements):
                    for rank, doc in enumerate(ranking, start=1):
                        if doc in relevant:
                            total += 1.0 / rank
                            break
                return total / len(rankings)
            """,
        },
        wrong=frozenset({"cosine_top_k", "mean_reciprocal_rank"}),
    ),
    Variant(
        "a_chunk_inside_the_last_one_and_recall_as_any_hit",
        blocks={
            "chunk_words": """
                chunks = []
                for start in range(0, len(words), size - overlap):
                    chunks.append(words[start:start + size])
                return chunks
            """,
            "recall_at_k": "return 1.0 if set(ranking[:k]) & set(relevant) else 0.0",
        },
        wrong=frozenset({"chunk_words", "recall_at_k"}),
    ),
    Variant(
        "int8_by_floor_division_and_a_helper",
        blocks={
            "quantize_int8": """
                lo, hi = value_range(calibration)
                step = (hi - lo) / 255
                steps_in = (np.asarray(vectors) - lo) // step
                return (np.clip(steps_in, 0, 255) - 128).astype("int8"), lo, step
            """,
        },
        added=(("reciprocal_rank_fusion", """
            def value_range(matrix):
                matrix = np.asarray(matrix)
                return np.min(matrix, axis=0), np.max(matrix, axis=0)
        """),),
    ),
    Variant(
        "int8_in_float32_through_uint8",
        blocks={
            "quantize_int8": """
                calibration = np.asarray(calibration, dtype=np.float32)
                vectors = np.asarray(vectors, dtype=np.float32)
                start = calibration.min(axis=0)
                width = calibration.max(axis=0) - start
                unsigned = np.clip(np.floor((vectors - start) * 255 / width), 0, 255).astype(np.uint8)
                codes = (unsigned.astype(np.int16) - 128).astype(np.int8)
                return codes, start, width / 255
            """,
        },
    ),
    Variant(
        "int8_rounded_to_the_nearest_step",
        blocks={
            "quantize_int8": """
                start = calibration.min(axis=0)
                step = (calibration.max(axis=0) - start) / 255
                codes = np.clip(np.round((vectors - start) / step), 0, 255) - 128
                return codes.astype(np.int8), start, step
            """,
        },
        wrong=frozenset({"quantize_int8"}),
    ),
    Variant(
        "int8_without_clipping_and_a_loop_over_dimensions",
        blocks={
            "quantize_int8": """
                vectors = np.asarray(vectors, dtype=float)
                codes = np.empty(vectors.shape, dtype=np.int8)
                starts, steps = [], []
                for j in range(vectors.shape[1]):
                    column = calibration[:, j]
                    start, step = column.min(), (column.max() - column.min()) / 255
                    codes[:, j] = (np.floor((vectors[:, j] - start) / step) - 128).astype(np.int8)
                    starts.append(start)
                    steps.append(step)
                return codes, np.array(starts), np.array(steps)
            """,
        },
        wrong=frozenset({"quantize_int8"}),
    ),
    Variant(
        "int8_with_a_loop_over_dimensions",
        blocks={
            "quantize_int8": """
                vectors = np.asarray(vectors, dtype=float)
                codes = np.empty(vectors.shape, dtype=np.int8)
                starts, steps = np.zeros(vectors.shape[1]), np.zeros(vectors.shape[1])
                for j in range(vectors.shape[1]):
                    starts[j] = calibration[:, j].min()
                    steps[j] = (calibration[:, j].max() - starts[j]) / 255
                    codes[:, j] = np.clip(np.floor((vectors[:, j] - starts[j]) / steps[j]), 0, 255) - 128
                return codes, starts, steps
            """,
        },
        wrong=frozenset({"quantize_int8"}),  # right values, half the points: it loops over the dimensions
    ),
    Variant(
        "binary_codes_by_hand_and_search_with_bitwise_count",
        blocks={
            "binary_codes": """
                bits = (np.asarray(vectors) > 0).astype(np.uint8)
                padded = np.pad(bits, ((0, 0), (0, -bits.shape[1] % 8)))
                weights = 2 ** np.arange(7, -1, -1)
                return (padded.reshape(len(bits), -1, 8) * weights).sum(axis=2).astype(np.uint8)
            """,
            "binary_top_k": """
                query = np.asarray(query, dtype=float)
                distance = np.bitwise_count(binary_codes(documents) ^ binary_codes([query])).sum(axis=1)
                candidates = np.argpartition(distance, k * rescore - 1)[:k * rescore]
                unit = documents[candidates] / np.linalg.norm(documents[candidates], axis=1, keepdims=True)
                order = np.argsort(unit @ query)[::-1]
                return candidates[order[:k]]
            """,
        },
    ),
    Variant(
        "binary_search_from_sign_bits_with_a_loop_over_candidates",
        blocks={
            "binary_codes": "return np.packbits(vectors >= 0, axis=1)",
            "binary_top_k": """
                signs = documents > 0
                distance = (signs != (query > 0)).sum(axis=1)
                candidates = sorted(range(len(documents)), key=lambda i: distance[i])[:k * rescore]
                scored = []
                for i in candidates:
                    cosine = documents[i] @ query / (np.linalg.norm(documents[i]) * np.linalg.norm(query))
                    scored.append((-cosine, i))
                return np.array([i for _, i in sorted(scored)[:k]])
            """,
        },
    ),
    Variant(
        "binary_codes_above_the_mean_and_search_without_rescoring",
        blocks={
            "binary_codes": "return np.packbits(vectors > vectors.mean(axis=0), axis=1)",
            "binary_top_k": """
                codes, query_code = np.packbits(documents > 0, axis=1), np.packbits(query > 0)
                distance = np.unpackbits(codes ^ query_code, axis=1).sum(axis=1)
                return np.argsort(distance, kind="stable")[:k]
            """,
        },
        wrong=frozenset({"binary_codes", "binary_top_k"}),
    ),
    Variant(
        "unpacked_bits_and_every_document_rescored",
        blocks={
            "binary_codes": "return (vectors > 0).astype(np.uint8)",
            "binary_top_k": """
                cosines = documents @ query / (np.linalg.norm(documents, axis=1) * np.linalg.norm(query))
                return np.argsort(-cosines)[:k]
            """,
        },
        wrong=frozenset({"binary_codes", "binary_top_k"}),
    ),
]
