"""Execute code in the sandboxed kernel: per-cell timeouts, an output cap, recovery from crashes.

A cell that raises is recorded and execution goes on. When a cell times out
or kills the kernel (``os._exit``), the kernel is restarted and the cells that
ran fine before are replayed silently, so one bad cell costs only its own exercise.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .sandbox import (
    Limits,
    SandboxKernelManager,
    kernel_env,
    make_workdir,
    release_workdir,
    require_isolation,
    reset_workdir,
)

__all__ = ["CellRun", "KernelRunner"]

MAX_RESTARTS = 3


@dataclass
class CellRun:
    """What happened to one piece of code: status is ok, error, timeout or died."""

    status: str
    outputs: list = field(default_factory=list)
    error: str = ""
    truncated: bool = False

    def stdout(self) -> str:
        return "".join(o.get("text", "") for o in self.outputs if o.get("output_type") == "stream")


class _CappedClient(NotebookClient):
    """A notebook client that stops recording outputs beyond ``output_cap`` bytes per cell."""

    output_cap = 200_000

    def reset_cap(self) -> None:
        self.recorded, self.truncated = 0, False

    def output(self, outs, msg, display_id, cell_index):
        size = len(str(msg.get("content", "")))
        if self.recorded + size > self.output_cap:
            self.truncated = True
            return None
        self.recorded += size
        return super().output(outs, msg, display_id, cell_index)


class KernelRunner:
    """A sandboxed kernel in a fresh work dir; use as a context manager.

    ``allowed_modules``: the ``embedlab`` modules the kernel may import (the lab's
    :attr:`~autograder.spec.Lab.allowed_modules`); nothing else of the course is in its view.
    """

    def __init__(self, limits: Limits, allowed_modules: tuple[str, ...] = ()):
        require_isolation(limits)
        self.limits, self.allowed_modules = limits, tuple(allowed_modules)
        self.work: Path = make_workdir(limits)
        self.deadline = time.monotonic() + limits.total_timeout
        self.history: list[str] = []  # code that ran fine, replayed after a restart
        self.restarts = 0
        self.notes: list[str] = []
        self._client: _CappedClient | None = None
        self._ctx = None

    # -- life cycle ---------------------------------------------------------------------
    def _start(self) -> None:
        km = SandboxKernelManager(self.work, self.limits, self.allowed_modules, name=f"k{self.restarts}")
        self._client = _CappedClient(nbformat.v4.new_notebook(), km=km, allow_errors=True,
                                     startup_timeout=60, iopub_timeout=5, record_timing=False)
        self._client.output_cap = self.limits.output_bytes
        ctx = self._client.setup_kernel(env=kernel_env(self.work), cwd=str(self.work))
        try:
            ctx.__enter__()
        except BaseException:
            self._client = None
            km.release()
            raise
        self._ctx = ctx

    def _stop(self) -> None:
        if self._ctx is None:
            return
        client, self._client, ctx, self._ctx = self._client, None, self._ctx, None
        try:
            ctx.__exit__(None, None, None)
        finally:  # the client does not own the kernel manager, so the kernel is ours to kill
            try:
                run_sync(client.km.shutdown_kernel)(now=True)
            finally:
                client.km.release()

    def __enter__(self) -> KernelRunner:
        try:
            self._start()
        except BaseException:
            release_workdir(self.work)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._stop()
        finally:
            release_workdir(self.work)

    def _restart(self) -> bool:
        """A new kernel with the good history replayed; False when that is no longer possible."""
        self._stop()
        if self.restarts >= MAX_RESTARTS or self.remaining() <= 0:
            self.notes.append("the kernel was not restarted again (restart or time limit reached)")
            return False
        self.restarts += 1
        reset_workdir(self.work)
        self._start()
        for code in self.history:
            if self._execute(code, self.limits.cell_timeout).status in ("timeout", "died"):
                self.notes.append("replaying the notebook after a restart failed")
                self._stop()
                return False
        return True

    # -- execution ----------------------------------------------------------------------
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _execute(self, code: str, timeout: float) -> CellRun:
        client = self._client
        if client is None:
            return CellRun("died", error="the kernel is not running")
        timeout = min(timeout, self.remaining())
        if timeout <= 0:
            return CellRun("timeout", error=f"the total time limit ({self.limits.total_timeout:.0f} s) was reached")
        cell = nbformat.v4.new_code_cell(code)
        client.nb.cells = [cell]
        client.timeout = max(1, math.ceil(timeout))
        client.reset_cap()
        try:
            client.execute_cell(cell, 0, store_history=False)
        except CellTimeoutError:
            return CellRun("timeout", cell.outputs, f"timed out after {client.timeout} s", client.truncated)
        except DeadKernelError:
            return CellRun("died", cell.outputs, "the kernel died (os._exit, a crash or the memory limit)")
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors:
            return CellRun("error", cell.outputs, f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:200]}",
                           client.truncated)
        return CellRun("ok", cell.outputs, truncated=client.truncated)

    def run(self, code: str, timeout: float | None = None, keep: bool = True) -> CellRun:
        """Run ``code``; recover the kernel after a timeout or a crash. ``keep``: replay it after restarts.

        A timed-out cell always costs a restart: nbclient leaves the interrupted
        cell's output poller running, and it would swallow the output of later
        code (measured: answers of later calls went missing), so the kernel and
        its client are replaced and the good history is replayed.
        """
        result = self._execute(code, self.limits.cell_timeout if timeout is None else timeout)
        if result.status in ("timeout", "died"):
            self._restart()
        elif keep and result.status in ("ok", "error"):
            self.history.append(code)
        return result
