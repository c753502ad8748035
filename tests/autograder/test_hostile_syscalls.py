"""Issue 18, item 1: the grading kernel's system-call filter.

Each refused call is made from a graded cell with ctypes; a negative control makes
the same calls outside the sandbox, where the filter is not, and sees other results.
The keyring attack (one submission stores a key, the next reads it) gets its own case.
"""

from __future__ import annotations

import ctypes.util
import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import sandbox, syscall_filter
from autograder.runner import KernelRunner
from autograder.sandbox import NOBODY, Limits, isolation_available

isolated = pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")
known_machine = pytest.mark.skipif(syscall_filter.syscall_numbers() is None, reason="no syscall table here")

# Each call with arguments that cannot do harm when the call is allowed: it then fails for another reason
# (a bad descriptor, a missing process, an invalid flag combination) or changes only the probing process.
_CALLS = {
    "add_key": "b'user', b'handoff', b'print(42)', 9, -4",  # KEY_SPEC_USER_KEYRING
    "keyctl": "0, -4, 0",  # KEYCTL_GET_KEYRING_ID of the user keyring
    "request_key": "b'user', b'handoff', None, 0",
    "io_uring_setup": "1, None",
    "io_uring_enter": "-1, 0, 0, 0, None",
    "io_uring_register": "-1, 0, None, 0",
    "unshare": "0x10000000",  # CLONE_NEWUSER
    "setns": "-1, 0",
    "clone": "0x10000000 | 0x00020000 | 0x00000200, 0, 0, 0, 0",  # NEWUSER|NEWNS|FS: EINVAL, never a child
    "clone3": "None, 0",
    "ptrace": "16, 999999, 0, 0",  # PTRACE_ATTACH to a process that does not exist
    "process_vm_readv": "999999, None, 0, None, 0, 0",
    "bpf": "0, None, 0",
    "userfaultfd": "0",
    "perf_event_open": "None, 0, -1, -1, 0",
    "mount": "b'none', b'/tmp', b'tmpfs', 0, None",
    "umount2": "b'/tmp', 0",
    "pivot_root": "b'/tmp', b'/tmp'",
    "chroot": "b'/'",
    "fsopen": "b'tmpfs', 0",
    "init_module": "None, 0, b''",
    "kexec_load": "0, 0, None, 0",
    "open_by_handle_at": "-1, None, 0",
    "personality": "0x0040000",  # ADDR_NO_RANDOMIZE
}
#: the calls that work (or fail otherwise than EPERM) for root outside the sandbox
_ALLOWED_OUTSIDE = ("io_uring_setup", "io_uring_enter", "setns", "clone", "clone3", "ptrace", "perf_event_open",
                    "personality", "keyctl", "unshare", "process_vm_readv")


def _probe(names) -> str:
    numbers = syscall_filter.syscall_numbers()[1]
    calls = "".join(f"call({n!r}, {numbers[n]}, {_CALLS[n]})\n" for n in names)
    return textwrap.dedent("""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        def call(name, number, *args):
            ctypes.set_errno(0)
            result = libc.syscall(number, *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
            print(name, result, ctypes.get_errno())
    """) + calls


def _errnos(out: str) -> dict[str, int]:
    return {name: int(err) for name, _, err in (line.split() for line in out.splitlines())}


@pytest.fixture(scope="module")
def runner():
    with KernelRunner(Limits(cell_timeout=20, total_timeout=120)) as r:
        yield r


def test_the_tables_match_libseccomp():
    """The hand-written numbers, for both architectures, against libseccomp's own tables."""
    found = ctypes.util.find_library("seccomp")
    if not found:
        pytest.skip("libseccomp is not installed")
    resolve = ctypes.CDLL(found).seccomp_syscall_resolve_name_arch
    resolve.argtypes, resolve.restype = [ctypes.c_uint32, ctypes.c_char_p], ctypes.c_int
    for machine in ("x86_64", "aarch64"):
        arch, numbers = syscall_filter.syscall_numbers(machine)
        assert {n: resolve(arch, n.encode()) for n in numbers} == numbers, machine
        assert set(syscall_filter.DENIED) | {"clone", "clone3", "personality"} == set(numbers)
    assert syscall_filter.filter_program("riscv64") is None


def test_an_unknown_architecture_is_reported_without_a_filter(monkeypatch):
    monkeypatch.setattr(sandbox, "filter_program", lambda: None)
    sandbox._filter_problem.cache_clear()
    try:
        report = sandbox.isolation_report()
        if report["isolated"]:
            assert report["syscall_filter"]["denied"] == []
            assert "architecture" in report["syscall_filter"]["reason"]
            assert "NO system-call filter" in report["note"]
    finally:
        sandbox._filter_problem.cache_clear()


@pytest.mark.slow
@pytest.mark.notebooks
@isolated
@known_machine
def test_every_filtered_call_is_refused_from_a_cell(runner):
    assert sandbox.isolation_report()["syscall_filter"]["errno"] == "EPERM"
    result = runner.run(_probe(_CALLS))
    assert result.status == "ok", result.error
    refused = _errnos(result.stdout())
    assert refused == {name: errno.ENOSYS if name == "clone3" else errno.EPERM for name in _CALLS}, refused
    # the kernel still starts processes and threads (glibc falls back from clone3 to clone)
    result = runner.run("import subprocess, threading\nt = threading.Thread(target=print, args=('thread',))\n"
                        "t.start(); t.join()\nprint(subprocess.run(['echo', 'child'], capture_output=True,"
                        " text=True).stdout.strip())")
    assert result.stdout().split() == ["thread", "child"]


@pytest.mark.slow
@known_machine
def test_negative_control_the_same_calls_outside_the_filter():
    out = subprocess.run([sys.executable, "-c", _probe(_ALLOWED_OUTSIDE)], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert all(err != errno.EPERM for err in _errnos(out).values()), out


def _key_users(uid: int) -> str:
    lines = Path("/proc/key-users").read_text(encoding="ascii").splitlines()
    return next((line for line in lines if line.split(":")[0].strip() == str(uid)), "")


@pytest.mark.slow
@pytest.mark.notebooks
@isolated
@known_machine
def test_one_submission_cannot_hand_a_key_to_the_next():
    """Submission A stores its code in the user keyring of uid 65534; submission B, graded next on the
    same machine, looks for it. Before the filter B found it and the key outlived A's sandbox."""
    numbers = syscall_filter.syscall_numbers()[1]
    before = _key_users(NOBODY)
    store = _probe(["add_key"])
    fetch = _probe(["request_key"]) + textwrap.dedent(f"""
        import os
        key = libc.syscall({numbers["request_key"]}, b'user', b'handoff', None, 0)
        print("found" if key > 0 else "missing")
    """)
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60)) as a:
        stored = a.run(store)
    with KernelRunner(Limits(cell_timeout=20, total_timeout=60)) as b:
        fetched = b.run(fetch)
    assert _errnos(stored.stdout()) == {"add_key": errno.EPERM}
    assert fetched.stdout().split()[-1] == "missing"
    assert _key_users(NOBODY) == before
