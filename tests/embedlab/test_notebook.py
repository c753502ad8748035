"""embedlab.notebook.glue hands plain Python numbers to MyST-NB, formatted the way the prose asks."""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.notebook import glue, plain


def test_numpy_scalars_become_python_numbers():
    assert type(plain(np.float32(0.5))) is float
    assert type(plain(np.int64(3))) is int
    assert type(plain(np.array(2.5))) is float
    assert f"{plain(np.float32(0.62725)):.3f}" == "0.627"


def test_glue_records_text_plain_that_myst_nb_can_format(monkeypatch):
    recorded = []
    glue_module = pytest.importorskip("myst_nb.ext.glue")

    # myst_nb binds IPython's display at import time: patch the name it calls
    monkeypatch.setattr(glue_module, "ipy_display", lambda *a, **k: recorded.append((a, k)))
    assert glue("cos_king_queen", np.float32(0.25)) == 0.25
    (args, kwargs), = recorded
    bundle = args[0]
    assert bundle["application/papermill.record/text/plain"] == "0.25"  # not "np.float32(0.25)"
    assert kwargs["metadata"]["scrapbook"]["name"] == "cos_king_queen"


def test_glue_refuses_arrays():
    with pytest.raises(TypeError, match="number or a string"):
        glue("x", np.ones(3))
