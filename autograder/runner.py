"""Execute code in the sandboxed kernel: per-cell timeouts, an output cap, recovery from crashes.

A cell that raises is recorded and execution goes on. When a cell times out
or kills the kernel (``os._exit``, the memory cap, a fork bomb), the kernel is
restarted and the cells that ran fine before are replayed silently, so one bad
cell costs only itself; a cell that fails only when replayed is left out of the
replay and reported. A budget bounds the whole run: at most
:data:`MAX_RESTARTS` restarts, and nothing runs past the total time limit.

What the kernel sends cannot crash or bloat the grader: ZMQ drops any message
over :data:`MAX_MESSAGE_BYTES` before it is decoded, malformed or unexpected
messages (comm/widget traffic, a ``comm_open`` without data, odd display ids)
are ignored, and outputs are recorded up to a per-cell cap (error outputs
always, without their tracebacks).
"""

from __future__ import annotations

import functools
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import zmq
import zmq.asyncio
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellTimeoutError, DeadKernelError

from .kernel_view import Allowed
from .safetext import clean
from .sandbox import (
    Limits,
    SandboxKernelManager,
    kernel_env,
    make_workdir,
    release_workdir,
    require_isolation,
    reset_workdir,
)

__all__ = ["CellRun", "KernelRunner", "KernelStartError"]

#: restarts of one submission's kernel (each replays the good cells; the total time limit bounds them too)
MAX_RESTARTS = 8
#: the largest message the grader accepts from a kernel (bigger ones are dropped by ZMQ unread)
MAX_MESSAGE_BYTES = 8 << 20
_RECORDED = ("stream", "display_data", "execute_result", "error")
_ERROR_TEXT = 300


class KernelStartError(RuntimeError):
    """The first kernel of a grading run never started: the grading machine's fault, no submitted code ran."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"the grading kernel did not start ({clean(cause, 120)}); none of the submission ran. "
                         f"Check that `{sys.executable} -m ipykernel_launcher` runs in the sandbox on this "
                         "machine (autograder/README.md, section \"The sandbox\").")


@dataclass
class CellRun:
    """What happened to one piece of code: status is ok, error, timeout or died."""

    status: str
    outputs: list = field(default_factory=list)
    error: str = ""
    truncated: bool = False

    def stdout(self) -> str:
        return "".join(o.get("text", "") for o in self.outputs if o.get("output_type") == "stream")


def _size(content: dict) -> int:
    """Roughly how many characters an output holds (without building one more copy of it)."""
    total = 0
    for value in content.values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        total += sum(len(v) if isinstance(v, str) else 64 for v in items)
    return total


class _CappedClient(NotebookClient):
    """A notebook client that records at most ``cap`` characters of output per cell and
    ignores every message it does not need (so none can crash it or pile up in memory)."""

    output_cap = 200_000

    def reset_cap(self, cap: int | None = None) -> None:
        self.recorded, self.truncated, self.cap = 0, False, cap or self.output_cap

    def process_message(self, msg, cell, cell_index):
        msg_type = msg.get("msg_type") if isinstance(msg, dict) else None
        content = msg.get("content") if isinstance(msg, dict) else None
        if not isinstance(msg_type, str) or not isinstance(content, dict):
            return None
        if msg_type == "status":
            if content.get("execution_state") == "idle":
                raise CellExecutionComplete()
            return None
        if msg_type not in _RECORDED:  # comm/widget messages, display updates, clear_output, ...
            return None
        content.pop("transient", None)  # no display ids: nothing can update earlier outputs
        if msg_type == "error":  # always recorded, small: the name and message, not the traceback
            content.update(ename=str(content.get("ename"))[:_ERROR_TEXT],
                           evalue=str(content.get("evalue"))[:_ERROR_TEXT], traceback=[])
        elif self.recorded + _size(content) > self.cap:
            self.truncated = True
            return None
        self.recorded += _size(content)
        try:
            return super().process_message(msg, cell, cell_index)
        except CellExecutionComplete:
            raise
        except Exception:  # a malformed output: dropped
            return None


class KernelRunner:
    """A sandboxed kernel in a fresh work dir; use as a context manager.

    ``allowed``: what the kernel may import (``Allowed.of(lab)``: the lab's course modules and
    packages); nothing else of the course or of the installed packages is in its view.
    """

    def __init__(self, limits: Limits, allowed: Allowed | None = None):
        require_isolation(limits)
        self.limits, self.allowed = limits, allowed or Allowed()
        self.work: Path = make_workdir(limits)
        self.deadline = time.monotonic() + limits.total_timeout
        self.history: list[str] = []  # code that ran fine, replayed after a restart
        self.restarts = 0
        self.notes: list[str] = []
        self._client: _CappedClient | None = None
        self._ctx = None
        self._monitor: zmq.Socket | None = None
        self._contexts: list[zmq.Context] = []  # destroyed at the end (a heartbeat thread may still use one)

    # -- life cycle ---------------------------------------------------------------------
    def _start(self) -> None:
        km = SandboxKernelManager(self.work, self.limits, self.allowed, name=f"k{self.restarts}")
        # the client's sockets come from a context that makes ZMQ drop oversized messages unread
        self._zmq = zmq.asyncio.Context()
        self._zmq.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self._contexts.append(self._zmq)
        km.client = functools.partial(km.client, context=self._zmq)
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
        self._watch_iopub()

    def _watch_iopub(self) -> None:
        """Watch the output channel: ZMQ disconnects it (for good) when a message is over the cap."""
        socket = self._client.kc.iopub_channel.socket
        address = f"inproc://iopub-monitor-{id(socket)}"
        socket.monitor(address, zmq.EVENT_DISCONNECTED)
        self._monitor = zmq.Context.shadow(self._zmq.underlying).socket(zmq.PAIR)
        self._monitor.connect(address)

    def _iopub_lost(self) -> bool:
        lost = False
        while self._monitor is not None and self._monitor.poll(0):
            self._monitor.recv_multipart()
            lost = True
        return lost

    def _stop(self) -> None:
        if self._ctx is None:
            return
        client, self._client, ctx, self._ctx = self._client, None, self._ctx, None
        if self._monitor is not None:
            client.kc.iopub_channel.socket.disable_monitor()
            self._monitor.close(linger=0)
            self._monitor = None
        try:
            ctx.__exit__(None, None, None)
        finally:  # the client does not own the kernel manager, so the kernel is ours to kill
            if client.kc is not None:  # its threads (heartbeat) end before their context does
                client.kc.stop_channels()
            try:
                run_sync(client.km.shutdown_kernel)(now=True)
            finally:
                client.km.release()

    def __enter__(self) -> KernelRunner:
        try:
            self._start()
        except BaseException as err:
            release_workdir(self.work)
            if type(err) is RuntimeError:  # jupyter_client's "Kernel died before replying", "didn't respond"
                raise KernelStartError(err) from err
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._stop()
        finally:
            release_workdir(self.work)
            for context in self._contexts:
                context.destroy(linger=0)

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def _restart(self) -> bool:
        """A new kernel with the good history replayed; False when the budget is spent (or no kernel starts).

        A history cell that times out or kills the kernel when replayed is left
        out of the history, reported, and the kernel is restarted without it.
        """
        while True:
            self._stop()
            if self.remaining() <= 0:
                self._note("the kernel was not restarted again (the total time limit was reached)")
                return False
            if self.restarts >= MAX_RESTARTS:
                self._note(f"the kernel was not restarted again (all {MAX_RESTARTS} restarts were used)")
                return False
            self.restarts += 1
            reset_workdir(self.work)
            try:
                self._start()
            except Exception as err:  # e.g. the submission made every new kernel die at start
                self._note(f"the kernel could not be restarted ({type(err).__name__})")
                return False
            failed = self._replay()
            if failed is None:
                return True
            if self.remaining() <= 0:  # the replay ran out of time: not that cell's fault
                continue
            code = self.history.pop(failed)
            first = next((line for line in code.splitlines() if line.strip()), "")
            self._note(f"the cell starting {clean(first, 60)!r} ran fine at first but failed when replayed "
                       "after a restart; it was left out")

    def _replay(self) -> int | None:
        """Run the history in the new kernel: the index of the first cell that timed out or died, else None."""
        for index, code in enumerate(self.history):
            if self._execute(code, self.limits.cell_timeout).status in ("timeout", "died"):
                return index
        return None

    # -- execution ----------------------------------------------------------------------
    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _execute(self, code: str, timeout: float, output_cap: int | None = None) -> CellRun:
        client = self._client
        if client is None:
            return CellRun("died", error="the kernel is not running")
        timeout = min(timeout, self.remaining())
        if timeout <= 0:
            return CellRun("timeout", error=f"the total time limit ({self.limits.total_timeout:.0f} s) was reached")
        cell = nbformat.v4.new_code_cell(code)
        client.nb.cells = [cell]
        client.timeout = max(1, math.ceil(timeout))
        client.reset_cap(output_cap)
        try:
            client.execute_cell(cell, 0, store_history=False)
        except CellTimeoutError:
            return CellRun("timeout", cell.outputs, f"timed out after {client.timeout} s", client.truncated)
        except DeadKernelError:
            return CellRun("died", cell.outputs, "the kernel died (os._exit, a crash or the memory limit)")
        except Exception as err:  # the kernel's messages broke the client: treat the kernel as lost
            return CellRun("died", cell.outputs, f"the kernel stopped answering properly ({type(err).__name__})")
        if self._iopub_lost():  # the output channel is gone: only a new kernel gives one back
            return CellRun("died", cell.outputs, f"sent a message over {MAX_MESSAGE_BYTES >> 20} MB (a huge output); "
                           "it was dropped and the kernel restarted without this cell", True)
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if errors:
            return CellRun("error", cell.outputs, f"{errors[0].get('ename')}: {str(errors[0].get('evalue'))[:200]}",
                           client.truncated)
        return CellRun("ok", cell.outputs, truncated=client.truncated)

    def run(self, code: str, timeout: float | None = None, keep: bool = True,
            output_cap: int | None = None) -> CellRun:
        """Run ``code``; recover the kernel after a timeout or a crash. ``keep``: replay it after restarts;
        ``output_cap``: characters of output recorded (default ``Limits.output_bytes``).

        A timed-out cell always costs a restart: nbclient leaves the interrupted
        cell's output poller running, and it would swallow the output of later
        code (measured: answers of later calls went missing), so the kernel and
        its client are replaced and the good history is replayed.
        """
        result = self._execute(code, self.limits.cell_timeout if timeout is None else timeout, output_cap)
        if result.status in ("timeout", "died"):
            self._restart()
        elif keep and result.status in ("ok", "error"):
            self.history.append(code)
        return result
