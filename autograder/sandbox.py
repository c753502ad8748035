"""The grading sandbox: limits and isolation for the kernel that runs a submission.

As root (CI), the kernel runs in its own network, mount and PID namespaces with
every capability dropped: no network (loopback only; the grader talks to it
over ZMQ IPC sockets in the work dir), every mount read-only except its work
dir and fresh empty /tmp, /var/tmp, /dev/shm, and no view of other processes.
(It keeps uid 0 without capabilities rather than becoming ``nobody``: the
interpreter may live under /root, e.g. pyenv, which ``nobody`` cannot read.)
Without root the same kernel runs under the same resource limits only, and
:func:`isolation_note` says what is missing.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

__all__ = ["Limits", "SandboxKernelManager", "isolation_available", "isolation_note", "kernel_env", "make_workdir"]

_LAUNCHER = Path(__file__).with_name("sandbox_launch.py")
_REPOSITORY = Path(__file__).resolve().parent.parent  # the course packages the kernel imports
_NAMESPACES = ["unshare", "--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--"]


@dataclass(frozen=True)
class Limits:
    """Resource limits of one grading run (seconds, MiB, bytes)."""

    cell_timeout: float = 30.0
    call_timeout: float = 10.0
    total_timeout: float = 300.0
    memory_mb: int = 2048
    file_mb: int = 64
    output_bytes: int = 200_000


@functools.lru_cache(maxsize=1)
def _probe() -> tuple[bool, str]:
    if os.geteuid() != 0:
        return False, "not running as root: the kernel keeps the grader's user, network and file access"
    if not (shutil.which("unshare") and shutil.which("ip") and shutil.which("mount")):
        return False, "unshare/ip/mount not found: the kernel keeps the grader's network and file access"
    probe = subprocess.run(
        [*_NAMESPACES, "ip", "link", "set", "lo", "up"], capture_output=True, text=True, timeout=10
    )
    if probe.returncode != 0:
        reason = probe.stderr.strip() or f"exit {probe.returncode}"
        return False, f"cannot create namespaces ({reason}): the kernel keeps network and file access"
    return True, "isolated: no capabilities, no network, private /tmp, read-only file system, own PID namespace"


def isolation_available() -> bool:
    """True when kernels can run in private network, mount and PID namespaces with no capabilities."""
    return _probe()[0]


def isolation_note() -> str:
    """One line saying which isolation is in force (printed by ``grade``)."""
    return _probe()[1]


def make_workdir() -> Path:
    """A fresh, short-pathed temporary folder: the only place the kernel may write."""
    return Path(tempfile.mkdtemp(prefix="ag-"))


def kernel_env(work: Path) -> dict[str, str]:
    """A minimal environment: no inherited secrets, caches and HOME inside the work dir."""
    env = {
        "PATH": os.path.dirname(sys.executable) + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "TMPDIR": str(work),
        "IPYTHONDIR": str(work / ".ipython"),
        "JUPYTER_RUNTIME_DIR": str(work / ".runtime"),
        "MPLCONFIGDIR": str(work / ".matplotlib"),
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


class SandboxKernelManager(AsyncKernelManager):
    """An (async, as nbclient needs) kernel manager whose kernel command goes through ``sandbox_launch.py``."""

    def __init__(self, work: Path, limits: Limits, name: str = "k", **kwargs):
        self.isolated = isolation_available()
        if self.isolated:  # a fresh socket name per kernel, so a restarted kernel never sees old messages
            kwargs.update(transport="ipc", ip=str(work / name))
        super().__init__(kernel_name="python3", connection_file=str(work / f"{name}.json"), **kwargs)
        self.work, self.limits = work, limits
        # Interrupt through the control channel: a signal would hit `unshare`, not the kernel.
        self.kernel_spec.interrupt_mode = "message"

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel = super().format_kernel_cmd(extra_arguments)
        limits = self.limits
        launcher = [
            sys.executable, "-I", str(_LAUNCHER),
            "--work", str(self.work),
            "--mem-mb", str(limits.memory_mb),
            "--cpu-s", str(int(limits.total_timeout) + 30),
            "--file-mb", str(limits.file_mb),
        ]
        if self.isolated:
            keep = [str(p) for p in (_REPOSITORY, Path(sys.prefix), Path(sys.base_prefix))]
            launcher = [*_NAMESPACES, *launcher, "--isolate", *(f"--keep={p}" for p in keep)]
        return [*launcher, "--", *kernel]
