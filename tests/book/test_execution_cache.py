"""Executed chapters are not reused after the code they ran changed, and the ones the cache lacks
execute side by side before Sphinx reads them (book/_ext/execution_cache.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from book_helpers import ROOT

from embedlab import cache

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import execution_cache  # a Sphinx local extension, importable from book/_ext


def run(tmp_path, cache_path: str = "") -> str:
    config = SimpleNamespace(nb_execution_cache_path=cache_path)
    app = SimpleNamespace(outdir=str(tmp_path / "html"), srcdir=str(tmp_path / "book"))
    execution_cache.fingerprinted_cache(app, config)
    return config.nb_execution_cache_path


def test_the_cache_folder_follows_the_code_and_older_folders_go(tmp_path, monkeypatch):
    first = run(tmp_path)
    assert first == str(tmp_path / ".jupyter_cache" / execution_cache.execution_fingerprint(tmp_path / "book"))
    (tmp_path / ".jupyter_cache" / "executed").mkdir(parents=True)  # not a fingerprint folder: kept
    (tmp_path / ".jupyter_cache" / Path(first).name).mkdir()
    assert run(tmp_path) == first  # same code: same cache (negative control)

    monkeypatch.setattr(cache, "package_fingerprint", lambda: "f" * 64)  # embedlab or a library changed
    second = run(tmp_path)
    assert second != first
    assert sorted(p.name for p in (tmp_path / ".jupyter_cache").iterdir()) == ["executed"]


def test_new_saved_benchmark_figures_start_a_new_cache(tmp_path):
    """Chapters 4 and 7 show saved benchmark figures: re-saving them re-executes those pages."""
    first = run(tmp_path)
    results = tmp_path / "book" / "benchmarks" / "results"
    results.mkdir(parents=True)
    (results / "word2vec.json").write_text('{"words_per_s_ratio": 2.0}')
    second = run(tmp_path)
    (results / "word2vec.json").write_text('{"words_per_s_ratio": 2.1}')
    assert len({first, second, run(tmp_path)}) == 3


def test_a_cache_path_set_by_hand_is_kept(tmp_path):
    assert run(tmp_path, "/somewhere/else") == "/somewhere/else"


def test_the_extension_is_configured(config):
    assert config["sphinx"]["local_extensions"].get("execution_cache") == "book/_ext"
    assert not config["execute"].get("cache"), "a fixed jupyter-cache path would bypass the fingerprint"


# -- chapters the cache lacks execute side by side, before Sphinx reads them ------------------------

CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

```{{code-cell}} ipython3
import os, time
start = time.time()
time.sleep(2)
{extra}
print("{title}", round(start, 2), round(time.time(), 2), os.environ.get("OMP_NUM_THREADS"))
```
"""


def _build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(project), str(project / "_build")],
                          capture_output=True, text=True, timeout=300)


def _project(tmp_path: Path, chapters: dict[str, str]) -> Path:
    project = tmp_path / "book"
    project.mkdir()
    (project / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'execution_cache']\nnb_execution_mode = 'cache'\n"
        "nb_execution_raise_on_error = True\nexclude_patterns = ['_build', '.jupyter_cache']\n")
    (project / "index.md").write_text("# Book\n\n```{toctree}\n" + "\n".join(chapters) + "\n```\n")
    for name, extra in chapters.items():
        (project / f"{name}.md").write_text(CHAPTER.format(title=name, extra=extra))
    return project


@pytest.mark.slow
@pytest.mark.notebooks
def test_stale_chapters_execute_side_by_side_once_and_on_one_thread(tmp_path):
    project = _project(tmp_path, {"one": "", "two": ""})
    result = _build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    printed = {}
    for name in ("one", "two"):
        html = (project / "_build" / f"{name}.html").read_text()
        start, end, threads = re.search(rf"{name} ([\d.]+) ([\d.]+) (\S+)", html).groups()
        printed[name] = (float(start), float(end), threads)
    (a_start, a_end, a_threads), (b_start, b_end, b_threads) = printed.values()
    assert a_start < b_end and b_start < a_end, f"the chapters ran one after the other: {printed}"
    assert a_threads == b_threads == "1"
    durations = json.loads((project / ".jupyter_cache" / "durations.json").read_text())
    assert set(durations) == {"one", "two"} and all(seconds >= 2 for seconds in durations.values())

    again = _build(project)  # nothing changed: nothing executes, the pages keep their outputs
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((project / ".jupyter_cache" / "durations.json").read_text()) == durations


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_chapter_that_fails_side_by_side_fails_the_build_with_its_error(tmp_path):
    project = _project(tmp_path, {"fine": "", "broken": "raise ValueError('the broken chapter')"})
    result = _build(project)
    assert result.returncode != 0  # MyST-NB executed it again and raised, naming the chapter
    assert "broken.md: WARNING: Executing notebook failed: CellExecutionError" in result.stderr


@pytest.mark.slow
@pytest.mark.notebooks
def test_a_chapter_whose_kernel_dies_once_is_executed_again_side_by_side(tmp_path):
    """A kernel that fails (here it dies the first time; in CI one never started) is not the chapter's
    fault: it runs once more in the pool, and the build goes on."""
    marker = tmp_path / "died_once"
    dies_first_time = (f"import pathlib\nif not pathlib.Path({str(marker)!r}).exists():\n"
                       f"    pathlib.Path({str(marker)!r}).touch()\n    os._exit(1)")
    project = _project(tmp_path, {"steady": "", "flaky": dies_first_time})
    result = _build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert marker.exists()
    durations = json.loads((project / ".jupyter_cache" / "durations.json").read_text())
    assert set(durations) == {"steady", "flaky"}  # both cached by the pool, not left to MyST-NB
