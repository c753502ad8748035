import numpy as np
import pytest

from embedlab.data import load_glove


def test_full_table_shape_order_and_dtype(glove):
    assert glove.vectors.shape == (400_000, 50)
    assert glove.vectors.dtype == np.float32
    assert glove.words[:4] == ["the", ",", ".", "of"]  # frequency order


def test_king_minus_man_plus_woman_is_queen(glove):
    (word, score), = glove.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
    assert word == "queen"
    assert score == pytest.approx(0.852, abs=1e-3)


def test_first_n_words():
    small = load_glove(n_words=1000)
    assert len(small) == 1000 and small.words[0] == "the"
    with pytest.raises(ValueError, match="positive integer"):
        load_glove(n_words=0)


def test_unknown_word_message_lists_close_words(glove):
    with pytest.raises(KeyError, match="'quuen' is not in the vocabulary \\(400,000 words\\). Did you mean: queen"):
        glove["quuen"]


def test_plain_arrays_are_the_tables_rows():
    """load_glove_arrays (lab 3's loader, no Embeddings needed) gives the same words and rows."""
    from embedlab.data import load_glove_arrays

    words, vectors = load_glove_arrays(500)
    table = load_glove(n_words=500)
    assert isinstance(words, list) and isinstance(vectors, np.ndarray) and vectors.dtype == np.float32
    assert words == table.words
    np.testing.assert_array_equal(vectors, table.vectors)


def test_the_plain_loader_imports_no_course_module_a_lab_could_use_as_an_answer():
    import ast
    from pathlib import Path

    import embedlab.data.glove_files as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    relative = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level}
    assert relative == {"_packages"}
