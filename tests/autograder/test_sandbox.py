"""What the sandboxed kernel can and cannot do (issue 8, class 3: isolation; class 1: a kernel that kills
its restarts). Each case runs a small piece of hostile code in the kernel and checks what it saw."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder.runner import KernelRunner
from autograder import cgroup, sandbox
from autograder.sandbox import NOBODY, Limits, isolation_available

from agtest_helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]
isolated = pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")


@pytest.fixture(scope="module")
def runner():
    with KernelRunner(Limits(cell_timeout=10, total_timeout=120, allow_unisolated=True)) as r:
        yield r


def _out(runner: KernelRunner, code: str) -> str:
    result = runner.run(textwrap.dedent(code))
    assert result.status == "ok", result.error
    return result.stdout()


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


@isolated
def test_the_kernel_runs_as_nobody_without_capabilities(runner):
    out = _out(runner, """
        import os
        status = dict(line.split(":", 1) for line in open("/proc/self/status"))
        print(os.getuid(), os.getgid(), os.getgroups(), int(status["CapEff"], 16), int(status["CapBnd"], 16),
              status["NoNewPrivs"].strip(), len([p for p in os.listdir("/proc") if p.isdigit()]) < 10)
    """)
    assert out.split() == [str(NOBODY), str(NOBODY), "[]", "0", "0", "1", "True"]


@isolated
def test_no_network_no_host_sockets(runner, tmp_path):
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(tmp_path / "host.sock"))
    unix.listen()
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind(f"\0agtest-{os.getpid()}")
    abstract.listen()
    local = socket.socket()
    local.bind(("127.0.0.1", 0))
    local.listen()
    try:
        out = _out(runner, f"""
            import socket
            def attempt(family, address):
                s = socket.socket(family)
                s.settimeout(2)
                try:
                    s.connect(address)
                    return "connected"
                except OSError as err:
                    return type(err).__name__
            print(attempt(socket.AF_INET, ("1.1.1.1", 80)), attempt(socket.AF_INET, {local.getsockname()!r}),
                  attempt(socket.AF_UNIX, {str(tmp_path / "host.sock")!r}),
                  attempt(socket.AF_UNIX, "\\0agtest-{os.getpid()}"))
        """)
    finally:
        for s in (unix, abstract, local):
            s.close()
    assert "connected" not in out.split(), out


@isolated
def test_the_file_system_shows_no_repository_home_tmp_or_root_only_files(runner, tmp_path):
    secret = runner.work / "root-only.txt"
    secret.write_text("instructor secret")
    secret.chmod(0o600)
    os.chown(secret, 0, 0)
    paths = [ROOT / "solutions", ROOT / "autograder" / "labs", ROOT / "embedlab", tmp_path, "/etc/shadow",
             Path.home() / ".bash_history"]
    # /tmp shows the work dir, and the interpreter's folders when they live there (e.g. a CI clone in /tmp)
    tmp_entries = {runner.work.name} | {d.relative_to("/tmp").parts[0] for d in sandbox._interpreter_dirs()
                                        if d.is_relative_to("/tmp")}
    out = _out(runner, f"""
        import os
        for path in {[str(p) for p in paths]!r}:
            print(os.path.exists(path))
        try:
            open("root-only.txt").read()
        except PermissionError:
            print("denied")
        print(set(os.listdir("/tmp")) <= {tmp_entries!r}, os.listdir("/home"))
        for target in ("/tmp/x", "/x", os.path.join(os.path.dirname(os.__file__), "x")):
            try:
                open(target, "w")
                print("wrote", target)
            except OSError:
                pass
    """)
    assert out.split() == ["False"] * len(paths) + ["denied", "True", "[]"], out


@isolated
def test_dev_holds_only_the_harmless_devices(runner):
    out = _out(runner, """
        import os
        print(sorted(os.listdir("/dev")))
        for dev in ("/dev/kmsg", "/dev/tty0", "/dev/loop0", "/dev/tty", "/dev/mem"):
            print(os.path.exists(dev))
        with open("/dev/null", "w") as f:
            f.write("x")
        print(len(open("/dev/urandom", "rb").read(8)))
    """)
    lines = out.splitlines()
    assert eval(lines[0]) == ["fd", "null", "random", "stderr", "stdin", "stdout", "urandom", "zero"]
    assert lines[1:] == ["False"] * 5 + ["8"]


@isolated
def test_sysv_shared_memory_stays_in_the_sandbox(runner):
    key = 0x41470000 + os.getpid() % 0xFFFF
    out = _out(runner, f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        print(libc.shmget({key}, 4096, 0o1000 | 0o600) >= 0)
    """)
    assert out.strip() == "True"
    host = Path("/proc/sysvipc/shm").read_text().split("\n")[1:]
    assert all(line.split()[0] != str(key) for line in host if line.strip())


@isolated
def test_threads_are_capped_and_the_kernel_survives():
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60, processes=64)) as r:
        result = r.run("import threading, time\nfor _ in range(1500):\n"
                       "    threading.Thread(target=time.sleep, args=(3,), daemon=True).start()")
        assert result.status == "error" and "can't start new thread" in result.error
        assert r.run("print('alive')").stdout() == "alive\n"


@isolated
def test_without_a_cgroup_the_per_uid_process_cap_still_holds(monkeypatch):
    """The cap counts every process of ``nobody``: 256, not 64, so that the kernels another test
    worker grades beside this one (64 processes each at most, in their cgroups) leave room to start."""
    monkeypatch.setattr(cgroup, "cgroup_plan", lambda: None)
    assert "per-uid process limit" in sandbox.isolation_note()
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60, processes=256)) as r:
        assert r.run("import resource; print(resource.getrlimit(resource.RLIMIT_NPROC))").stdout() == "(256, 256)\n"
        result = r.run("import threading, time\nfor _ in range(1500):\n"
                       "    threading.Thread(target=time.sleep, args=(3,), daemon=True).start()")
        assert result.status == "error" and "can't start new thread" in result.error


@isolated
@pytest.mark.skipif(not cgroup.caps_cpu(), reason="needs a cpu cgroup")
def test_a_kernel_and_its_children_share_one_core():
    """Two children spinning for 3 s get 3 s of CPU between them, not 6 (a fork bomb takes one core)."""
    code = textwrap.dedent("""
        import os, time
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                end = time.monotonic() + 3
                while time.monotonic() < end:
                    pass
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        used = os.times()
        print(used.children_user + used.children_system)
    """)
    with KernelRunner(Limits(cell_timeout=30, total_timeout=60)) as r:
        cpu_seconds = float(r.run(code).stdout())
    assert cpu_seconds < 3.6


@isolated
@pytest.mark.skipif(cgroup.cgroup_plan() is None, reason="needs a memory cgroup (without one: per-process caps)")
def test_several_children_cannot_exceed_the_total_memory():
    code = textwrap.dedent("""
        import subprocess, sys
        child = "b = b'x' * (400 << 20); import time; time.sleep(3); print('ok')"
        procs = [subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE) for _ in range(3)]
        print(sum(p.communicate()[0] == b"ok\\n" for p in procs))
    """)
    with KernelRunner(Limits(cell_timeout=30, total_timeout=90, memory_mb=1024)) as r:
        result = r.run(code)
    assert result.status == "died" or int(result.stdout()) < 3, result.stdout()


@isolated
def test_the_work_dir_is_a_small_private_disk():
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60, disk_mb=32, file_mb=16)) as r:
        out = r.run(textwrap.dedent("""
            written = 0
            for i in range(4):
                try:
                    with open(f"f{i}", "wb") as f:
                        f.write(b"x" * (15 << 20))
                    written += 1
                except OSError as err:
                    print(type(err).__name__, err.errno)
            try:
                open("huge", "wb").write(b"x" * (17 << 20))
            except OSError as err:
                print("fsize", type(err).__name__)
            print(written)
        """)).stdout().split()
        size = os.statvfs(r.work).f_blocks * os.statvfs(r.work).f_frsize
        work = r.work
    assert out[-1] == "2" and "28" in out, out  # ENOSPC after two files
    assert size <= 32 << 20
    assert not work.exists()


@isolated
def test_a_startup_file_does_not_kill_every_restarted_kernel():
    with KernelRunner(Limits(cell_timeout=10, total_timeout=90)) as r:
        r.run("import os, pathlib\nd = pathlib.Path(os.environ['IPYTHONDIR'], 'profile_default', 'startup')\n"
              "d.mkdir(parents=True)\n(d / '00-die.py').write_text('import os; os._exit(3)')")
        assert r.run("import os; os._exit(1)").status == "died"
        assert r.run("print('back')").stdout() == "back\n"
        work = r.work
    assert not work.exists()


_GRADER = """
import sys, time
from autograder.runner import KernelRunner
from autograder.sandbox import Limits
runner = KernelRunner(Limits()).__enter__()
runner.run("import time")
print(runner.work, runner._client.km.view, flush=True)
time.sleep(120)
"""


@isolated
def test_the_kernel_dies_with_the_grader():
    grader = subprocess.Popen([sys.executable, "-c", _GRADER], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    work, view = [*grader.stdout.readline().split(), "", ""][:2]
    assert work, "the grader did not start its kernel"

    def kernels() -> list[str]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.readlink(f"/proc/{pid}/cwd") == work:
                    found.append(pid)
            except OSError:
                continue
        return found

    assert kernels()
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 10
    while kernels() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = kernels()
    subprocess.run(["umount", "-l", work], check=False)  # what the killed grader could not clean up
    Path(work).rmdir()
    shutil.rmtree(view)
    for leftover in Path("/sys/fs/cgroup").glob(f"**/{Path(work).name}-k*"):
        leftover.rmdir()
    assert not left


def test_matplotlib_finds_its_font_list_ready(runner):
    fonts = list((runner.work / ".matplotlib").glob("fontlist-*.json"))
    if not fonts:
        pytest.skip("matplotlib is not installed")
    before = fonts[0].stat().st_mtime_ns
    assert runner.run("import matplotlib.font_manager").status == "ok"
    assert fonts[0].stat().st_mtime_ns == before  # not rebuilt (seconds per kernel start)
