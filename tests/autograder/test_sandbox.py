"""What the sandboxed kernel can and cannot do."""

from __future__ import annotations

import pytest

from autograder.runner import KernelRunner
from autograder.sandbox import Limits, isolation_available

from agtest_helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]


@pytest.fixture(scope="module")
def runner():
    with KernelRunner(Limits(cell_timeout=5, total_timeout=60)) as r:
        yield r


def test_cells_that_raise_do_not_stop_later_cells(runner):
    assert runner.run("1 / 0").status == "error"
    assert runner.run("print('still here')").stdout() == "still here\n"


def test_a_cell_that_kills_the_kernel_is_survived(runner):
    runner.run("survivor = 41")
    assert runner.run("import os; os._exit(1)").status == "died"
    assert runner.run("print(survivor + 1)").stdout() == "42\n"


def test_memory_is_capped(runner):
    result = runner.run("x = bytearray(64 * 2**30)")
    assert result.status == "error" and "MemoryError" in result.error


@pytest.mark.skipif(not isolation_available(), reason="needs root and namespaces")
def test_no_network_no_repository_writes_private_tmp(runner, tmp_path):
    code = ("import socket, pathlib\ns = socket.socket(); s.settimeout(2)\n"
            "try:\n    s.connect(('1.1.1.1', 80)); print('online')\nexcept OSError: print('offline')\n"
            f"try:\n    pathlib.Path({str(ROOT / 'PROBE')!r}).write_text('x'); print('wrote')\n"
            "except OSError: print('read-only')\n"
            f"print(pathlib.Path({str(tmp_path)!r}).exists())")
    assert runner.run(code).stdout().split() == ["offline", "read-only", "False"]
    assert not (ROOT / "PROBE").exists()
