"""tools.byte_compile: what the grading kernels import is compiled at set-up, and nothing else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tools.byte_compile import byte_compile, sandbox_files


def test_the_files_are_those_a_grading_kernel_sees_without_test_suites():
    files = set(sandbox_files())
    for module in ("numpy", "ipykernel.kernelapp", "matplotlib.pyplot", "safetensors"):
        assert Path(importlib.util.find_spec(module).origin) in files, module
    torch = Path(importlib.util.find_spec("torch").origin).parent
    assert not any(torch in f.parents for f in files)  # no lab may import torch: the course's processes compile it
    assert not any("/tests/" in f.as_posix() for f in files)


def test_it_writes_the_bytecode_an_import_reads_and_counts_what_does_not_compile(tmp_path):
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text("x = 1\n")
    bad.write_text("def f(:\n")
    assert byte_compile([good, bad]) == 1
    assert Path(importlib.util.cache_from_source(str(good))).is_file()
    assert not Path(importlib.util.cache_from_source(str(bad))).exists()
