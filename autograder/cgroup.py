"""Cgroups that cap one grading kernel's total memory and number of processes/threads.

Per-process rlimits cannot stop a submission that forks several children each
near the memory cap, and RLIMIT_NPROC counts every process of a uid (all
sandboxes run as ``nobody``). A cgroup per kernel (v1 ``memory`` + ``pids``
under the grader's own cgroup, or v2 with both controllers delegated) caps the
kernel and all its children together; the launcher joins it before exec.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import signal
import time
from pathlib import Path

__all__ = ["CGROUP_ROOT", "KernelCgroup", "cgroup_plan"]

CGROUP_ROOT = Path("/sys/fs/cgroup")


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
        return "v1 memory+pids", v1
    unified = CGROUP_ROOT / "cgroup.subtree_control"
    if unified.is_file():  # v2: the root cgroup may delegate memory and pids to children
        controllers = unified.read_text(encoding="utf-8").split()
        if {"memory", "pids"} <= set(controllers) and os.access(CGROUP_ROOT, os.W_OK):
            return "v2 memory+pids", [CGROUP_ROOT]
    return None


class KernelCgroup:
    """One kernel's cgroup(s): created with limits, joined by the launcher, emptied and removed at the end."""

    def __init__(self, name: str, memory_mb: int, processes: int):
        plan = cgroup_plan()
        self.dirs: list[Path] = []
        if plan is None:
            return
        version, parents = plan
        memory = str(memory_mb << 20)
        for parent in parents:
            folder = parent / name
            folder.mkdir()
            self.dirs.append(folder)
            if version.startswith("v2"):
                settings = {"memory.max": memory, "memory.swap.max": "0", "pids.max": str(processes)}
            elif "memory" in parent.parts:
                settings = {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}
            else:
                settings = {"pids.max": str(processes)}
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
