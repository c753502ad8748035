"""Cgroups that cap one grading kernel's total memory, number of processes/threads and CPU.

Per-process rlimits cannot stop a submission that forks several children each
near the memory cap, and RLIMIT_NPROC counts every process of a uid (all
sandboxes run as ``nobody``). A cgroup per kernel (v1 ``memory`` + ``pids``
under the grader's own cgroup, or v2 with both controllers delegated) caps the
kernel and all its children together; the launcher joins it before exec.
Where the ``cpu`` controller is available too, the kernel and its children share
a CPU quota (one core by default): a fork bomb spinning until its cell times out
cannot starve the kernels of the submissions graded beside it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import signal
import time
from pathlib import Path

__all__ = ["CGROUP_ROOT", "KernelCgroup", "caps_cpu", "cgroup_plan"]

CGROUP_ROOT = Path("/sys/fs/cgroup")
_CPU_PERIOD_US = 100_000  # the scheduler's default accounting period


def _v1_parent(controller: str) -> Path:
    """Where to create kernel cgroups for a v1 ``controller``: under this process's own cgroup (so the
    limits of whoever runs the grader still apply), or the mount's root when that path is not visible
    (a container shows its own cgroup as the root)."""
    root = CGROUP_ROOT / controller
    with open("/proc/self/cgroup", encoding="utf-8") as f:
        for line in f:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if controller in controllers.split(",") and (root / path.lstrip("/")).is_dir():
                return root / path.lstrip("/")
    return root


@functools.lru_cache(maxsize=1)
def cgroup_plan() -> tuple[str, list[Path]] | None:
    """("v1"/"v2", parent folders to create kernel cgroups in), or None when no cgroup can be used."""
    if os.geteuid() != 0:
        return None
    v1 = [_v1_parent(c) for c in ("memory", "pids")]
    if all(p.is_dir() and os.access(p, os.W_OK) for p in v1):
        cpu = _v1_parent("cpu")
        if (cpu / "cpu.cfs_quota_us").is_file() and os.access(cpu, os.W_OK):
            return "v1 memory+pids+cpu", [*v1, cpu]
        return "v1 memory+pids", v1
    unified = CGROUP_ROOT / "cgroup.subtree_control"
    if unified.is_file():  # v2: the root cgroup may delegate memory, pids (and cpu) to children
        controllers = set(unified.read_text(encoding="utf-8").split())
        if {"memory", "pids"} <= controllers and os.access(CGROUP_ROOT, os.W_OK):
            return ("v2 memory+pids+cpu" if "cpu" in controllers else "v2 memory+pids"), [CGROUP_ROOT]
    return None


def caps_cpu() -> bool:
    """True when kernel cgroups also cap CPU (the ``cpu`` controller is in the plan)."""
    plan = cgroup_plan()
    return plan is not None and plan[0].endswith("+cpu")


class KernelCgroup:
    """One kernel's cgroup(s): created with limits, joined by the launcher, emptied and removed at the end."""

    def __init__(self, name: str, memory_mb: int, processes: int, cpus: float = 1.0):
        plan = cgroup_plan()
        self.dirs: list[Path] = []
        if plan is None:
            return
        version, parents = plan
        memory = str(memory_mb << 20)
        quota = str(max(1000, round(cpus * _CPU_PERIOD_US)))  # microseconds of CPU per period
        v1_settings = {  # the v1 parents come in this order
            "memory": {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory},
            "pids": {"pids.max": str(processes)},
            "cpu": {"cpu.cfs_period_us": str(_CPU_PERIOD_US), "cpu.cfs_quota_us": quota},
        }
        for parent, v1_controller in zip(parents, v1_settings, strict=False):  # v2: one parent
            folder = parent / name
            folder.mkdir()
            self.dirs.append(folder)
            if version.startswith("v2"):
                settings = {"memory.max": memory, "memory.swap.max": "0", "pids.max": str(processes)}
                if version.endswith("+cpu"):
                    settings["cpu.max"] = f"{quota} {_CPU_PERIOD_US}"
            else:
                settings = v1_settings[v1_controller]
            for key, value in settings.items():
                if (folder / key).exists():
                    (folder / key).write_text(value, encoding="utf-8")

    def join_command(self) -> list[str]:
        """A shell prefix that moves itself into the cgroup(s) and then execs the rest of the command."""
        if not self.dirs:
            return []
        joins = "".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))} && " for d in self.dirs)
        return ["/bin/sh", "-c", joins + 'exec "$@"', "sandbox"]

    def _pids(self) -> set[int]:
        pids: set[int] = set()
        for folder in self.dirs:
            with contextlib.suppress(OSError):
                pids.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
        return pids

    def remove(self) -> None:
        """Kill whatever is left in the cgroup(s) and delete them."""
        deadline = time.monotonic() + 5
        while self.dirs and time.monotonic() < deadline:
            for pid in self._pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for folder in list(self.dirs):
                with contextlib.suppress(OSError):
                    folder.rmdir()
                    self.dirs.remove(folder)
            if self.dirs:
                time.sleep(0.02)
