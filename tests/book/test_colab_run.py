"""A Colab-like run: every generated chapter notebook and every lab, top to bottom, in a fresh venv
that has only what Colab preinstalls, plus whatever the notebook's own install cell installs.

Colab's install cell pip-installs the course from git; there is no network to GitHub here, so
the cell is run as Colab would run it but with the local checkout in place of the git URL
(the same extras, the same `%pip install -q` line, executed inside the notebook's kernel).
The labs run in their completed form (solutions/), whose cells are the student labs' cells
with the answers filled in: a finished lab must run top to bottom in Colab.

Expensive (a venv with torch, then every chapter in a fresh kernel): selected only with
``-m colab`` (``make test-colab``; CI runs it as its own job).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from book_helpers import ROOT

from tools import colab_notebooks as cn

pytestmark = [pytest.mark.slow, pytest.mark.colab]

# What a Colab runtime brings preinstalled that the course relies on (Colab ships these
# with its own versions; here they come pinned from constraints.txt). gensim and the data
# packages are not preinstalled: the notebook's install cell brings them (extra "data").
COLAB_PREINSTALLED = ["numpy", "scipy", "pandas", "pyarrow", "matplotlib", "plotly", "scikit-learn",
                      "torch", "transformers", "sentence-transformers", "safetensors", "tqdm",
                      "ipykernel", "nbclient", "nbformat"]
CELL_TIMEOUT = 900

RUNNER = """
import json, sys, time
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
client = NotebookClient(nb, timeout=int(sys.argv[2]), kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[3]}})
client.execute()
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


@pytest.fixture(scope="module")
def colab_python(tmp_path_factory) -> Path:
    """A fresh venv with Colab's preinstalled packages only (the course itself is NOT installed)."""
    venv = tmp_path_factory.mktemp("colab-venv")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"),
                    *COLAB_PREINSTALLED], check=True, timeout=1800)
    # from the venv's folder: run from the checkout, `python -c` would import ./embedlab
    probe = subprocess.run([str(python), "-c", "import embedlab"], capture_output=True, cwd=venv)
    assert probe.returncode != 0, "the Colab-like venv must not have the course package before the install cell"
    print(f"\ncolab-like venv ready in {time.perf_counter() - start:.0f} s")
    return python


def colab_ready(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as Colab runs it: the install cell's condition is true, the git URL is the checkout."""
    install = next(c for c in nb.cells if c.cell_type == "code")
    pip_line = next(line.strip() for line in install.source.splitlines() if "%pip install" in line)
    url = pip_line.split("@ ", 1)[1].rstrip('"')
    assert url.startswith("git+https://github.com/"), pip_line
    install.source = pip_line.replace(url, ROOT.as_uri())
    return nb


def run(python: Path, nb: nbformat.NotebookNode, tmp_path: Path) -> float:
    path = tmp_path / "notebook.ipynb"
    nbformat.write(nb, path)
    env = {**os.environ, "PIP_CONSTRAINT": str(ROOT / "constraints.txt"), "MPLBACKEND": "Agg",
           "EMBEDLAB_BENCHMARK_RESULTS": str(ROOT / "benchmarks" / "results")}  # Colab fetches them; no network here
    result = subprocess.run([str(python), "-c", RUNNER, str(path), str(CELL_TIMEOUT), str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=3600)
    assert result.returncode == 0, f"the notebook failed in the Colab-like venv:\n{result.stderr[-4000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


@pytest.fixture(scope="module")
def generated(site, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("colab")
    return {str(p.relative_to(out).with_suffix("")): p for p in cn.generate(out)}


@pytest.mark.parametrize("page", cn.chapter_pages())
def test_generated_chapter_runs_like_in_colab(page, generated, colab_python, tmp_path):
    seconds = run(colab_python, colab_ready(nbformat.read(generated[page], as_version=4)), tmp_path)
    print(f"\n{page}: {seconds:.0f} s in the Colab-like venv")


@pytest.mark.parametrize("lab", sorted((ROOT / "solutions").glob("lab*.ipynb")), ids=lambda p: p.stem)
def test_completed_lab_runs_like_in_colab(lab, colab_python, tmp_path):
    seconds = run(colab_python, colab_ready(nbformat.read(lab, as_version=4)), tmp_path)
    print(f"\n{lab.stem}: {seconds:.0f} s in the Colab-like venv")
