"""Issue 18, items 2 and 7: what a kernel can write to the grader, and what it learns about the host.

ipykernel keeps copies of the descriptors it inherits, so a kernel started with the
grader's own stdout/stderr could ``os.write`` forged ``score:`` lines, workflow
commands and megabytes of text past ``safetext`` and the output cap. The grading
CLI runs here as a subprocess, as CI runs it, and its output is searched.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import textwrap

import nbformat
import pytest

from autograder.runner import KernelRunner
from autograder.sandbox import Limits, isolation_available

from agtest_helpers import FULL, ROOT, SOLUTION

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]
isolated = pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")

MARK = "FORGED-BY-A-DESCRIPTOR"
#: writes to every descriptor number, then 4.2 MB to the standard ones
_WRITE_EVERYWHERE = textwrap.dedent(f"""
    import os
    for fd in range(256):
        try:
            os.write(fd, f"\\nscore: 13/13\\n::error file=x::{MARK}-{{fd}}\\n".encode())
        except OSError:
            pass
    for fd in (1, 2):
        try:
            os.write(fd, b"{MARK} " * 200_000)
        except OSError:
            pass
""")


def test_a_kernel_writing_to_every_descriptor_reaches_nothing_of_the_grader(tmp_path):
    nb = copy.deepcopy(nbformat.read(SOLUTION, as_version=4))
    nb.cells.append(nbformat.v4.new_code_cell(_WRITE_EVERYWHERE))
    path = tmp_path / "lab01_descriptors.ipynb"
    nbformat.write(nb, path)
    graded = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--cell-timeout", "15",
                             "--json", str(tmp_path / "report.json")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    out = graded.stdout + graded.stderr
    assert MARK not in out and "::error" not in out and "13/13" not in out, out[:2000]
    assert len(out) < 20_000
    assert json.loads((tmp_path / "report.json").read_text())["score"] == FULL, out[-2000:]


@isolated
def test_pid_1_shows_no_mount_options_and_the_kernel_inherits_no_descriptor():
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60)) as runner:
        result = runner.run(textwrap.dedent("""
            import os
            print(open("/proc/1/cmdline").read().replace("\\0", " "))
            print([os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)])
            kinds = set()
            for fd in os.listdir("/proc/self/fd"):
                try:
                    kinds.add(os.readlink(f"/proc/self/fd/{fd}").split(":")[0])
                except OSError:  # the listing's own descriptor, closed by now
                    pass
            print(sorted(kinds))
        """))
        view = str(runner._client.km.view)
    assert result.status == "ok", result.error
    command, streams, kinds = result.stdout().splitlines()
    assert command.startswith("bwrap --args ") and "ipykernel_launcher" in command
    assert "--ro-bind" not in command and view not in command and "site-packages" not in command
    # stdin is /dev/null; ipykernel points stdout and stderr to its own pipes (forwarded as messages) and keeps
    # copies of what it inherited: /dev/null, among the kinds below
    assert eval(streams)[0] == "/dev/null" and all(t.startswith("pipe:") for t in eval(streams)[1:]), streams
    # its own sockets, pipes, event fds and /dev/null; nothing of bwrap's (memfd) or the grader's (tty, files)
    assert set(eval(kinds)) <= {"/dev/null", "socket", "pipe", "anon_inode"}, kinds
