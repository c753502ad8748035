"""The grading sandbox: the kernel that runs a submission, isolated with bubblewrap and limited.

As root with ``bwrap`` (Debian's ``bubblewrap``), each kernel runs in new
network, IPC, PID, UTS and mount namespaces, as ``nobody`` (uid/gid 65534,
dropped with ``setpriv``: no capabilities, empty bounding set,
``no_new_privs``), under a system-call filter (:mod:`autograder.syscall_filter`),
and sees a minimal file system: ``/usr`` and the interpreter's folders
read-only, with every ``site-packages`` replaced by the packages its lab allows
(:mod:`autograder.package_view`) and the course packages reduced to the modules
its lab allows (:mod:`autograder.kernel_view`), an empty ``/dev`` with only null,
zero, random and urandom, a fresh ``/proc``, an empty read-only ``/tmp`` and its
own work dir: a size-limited tmpfs, the only place it can write, where the ZMQ
IPC sockets that connect it to the grader live. bubblewrap reads its options
from a descriptor (``--args``), so the command line of the namespace's pid 1
(bubblewrap) shows no host path but the interpreter's and the work dir's. The
kernel's standard streams are ``/dev/null`` and it inherits no other descriptor.
It dies with the grader.

Limits: address space, CPU time, file size and open files per process
(rlimits); total memory and number of processes/threads per kernel through a
cgroup (v1 or v2) when one can be created, otherwise a shared per-uid process
limit; the work dir's size. Without root or ``bwrap`` nothing is isolated:
grading then refuses to run unless ``Limits.allow_unisolated`` is set
(``--allow-unisolated``), and :func:`isolation_report` says so for the report.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import importlib.metadata
import os
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import zmq
from jupyter_client.channels import HBChannel
from jupyter_client.manager import AsyncKernelManager

from . import cgroup
from .kernel_view import Allowed, build_view
from .package_view import PackageView, build_package_view
from .syscall_filter import DENIED, filter_program

__all__ = [
    "NOBODY",
    "IsolationUnavailable",
    "Limits",
    "SandboxKernelManager",
    "isolation_available",
    "isolation_note",
    "isolation_report",
    "kernel_env",
    "make_workdir",
    "release_workdir",
    "require_isolation",
    "reset_workdir",
]

NOBODY = 65534
VIEW_MOUNT = "/opt/course"  # where the kernel finds the course view (PYTHONPATH)
STARTUP_MOUNT = "/opt/startup"  # where it finds the package view's sitecustomize (PYTHONPATH)
DATA_MOUNT = "/opt/data"  # where it finds the files its lab's loaders read (Lab.kernel_data)
_DEVICES = ("null", "zero", "random", "urandom")
_ETC_FILES = ("ld.so.cache", "localtime", "fonts")
_NAMESPACES = ["--unshare-net", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
#: address space a process may reserve beyond ``Limits.memory_mb``: libraries, thread stacks and allocator
#: arenas reserve far more than they use (a lab-1 kernel: 1.25 GB reserved, 0.3 GB used), so a cap of the
#: address space at ``memory_mb`` itself starved every kernel under ``--memory-mb 1024`` (issue 18)
ADDRESS_SPACE_HEADROOM_MB = 1024
_SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
            "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


class IsolationUnavailable(RuntimeError):
    """Grading needs the sandbox (root and bubblewrap) and it is not available."""


@dataclass(frozen=True)
class Limits:
    """Limits of one grading run (seconds, MiB, bytes, counts) and whether it may run unisolated."""

    cell_timeout: float = 30.0
    call_timeout: float = 10.0
    total_timeout: float = 300.0
    memory_mb: int = 2048  # with a cgroup, for the whole kernel; per process: address space, plus headroom
    file_mb: int = 64  # largest file the kernel may write
    disk_mb: int = 256  # size of the kernel's work dir (tmpfs)
    processes: int = 64  # processes + threads of one kernel
    cpus: float = 1.0  # cores one kernel and its children may use together (with a cpu cgroup)
    output_bytes: int = 200_000
    allow_unisolated: bool = False


# -- what is available --------------------------------------------------------------------

def _tool_missing() -> str | None:
    if os.geteuid() != 0:
        return "the grader is not running as root"
    for tool in ("bwrap", "setpriv", "prlimit"):
        if not shutil.which(tool):
            hint = " (apt-get install bubblewrap)" if tool == "bwrap" else " (util-linux)"
            return f"`{tool}` is not installed{hint}"
    return None


@functools.lru_cache(maxsize=1)
def _probe() -> tuple[bool, str]:
    missing = _tool_missing()
    if missing:
        return False, missing
    trial = subprocess.run(["bwrap", *_NAMESPACES, "--ro-bind", "/", "/", "--", *_SETPRIV, "true"],
                           capture_output=True, text=True, timeout=30)
    if trial.returncode != 0:
        return False, f"bwrap cannot create the sandbox ({trial.stderr.strip()[:200] or trial.returncode})"
    return True, "bubblewrap"


def _memory_file(name: str, data: bytes) -> int:
    """A descriptor of an in-memory file holding ``data``, positioned at its start (for bwrap to read)."""
    fd = os.memfd_create(name)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _filter_fd() -> int | None:
    """A descriptor holding the compiled system-call filter, for bwrap's ``--seccomp``."""
    program = filter_program()
    return None if program is None else _memory_file("seccomp-filter", program)


@functools.lru_cache(maxsize=1)
def _filter_problem() -> str | None:
    """Why the system-call filter cannot be used here, or None when it works."""
    if not _probe()[0]:
        return _probe()[1]
    fd = _filter_fd()
    if fd is None:
        return f"no system-call table for this architecture ({os.uname().machine})"
    try:
        trial = subprocess.run(["bwrap", "--unshare-pid", "--seccomp", str(fd), "--ro-bind", "/", "/",
                                "--", "true"], pass_fds=(fd,), capture_output=True, text=True, timeout=30)
    finally:
        os.close(fd)
    if trial.returncode != 0:
        return f"bwrap cannot install it ({trial.stderr.strip()[:200] or trial.returncode})"
    return None


@functools.lru_cache(maxsize=1)
def _bwrap_version() -> str:
    out = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=10).stdout
    return out.strip() or "bubblewrap"


def isolation_available() -> bool:
    """True when kernels can run isolated (root, ``bwrap``, ``setpriv`` and ``prlimit`` work here)."""
    return _probe()[0]


def isolation_note() -> str:
    """One line for the grader's output: the isolation in force, loudly when there is none."""
    ok, why = _probe()
    if ok:
        limits = ("per-uid process limit (no cgroup)" if cgroup.cgroup_plan() is None else
                  "memory, process and CPU cgroup" if cgroup.caps_cpu() else "memory and process cgroup")
        calls = "system-call filter" if _filter_problem() is None else "NO system-call filter"
        return f"isolated ({_bwrap_version()}, uid {NOBODY}, no network, private work dir, {limits}, {calls})"
    return f"NOT ISOLATED: {why}; the submission runs with the grader's user, files and network"


def isolation_report(limits: Limits | None = None) -> dict:
    """The isolation actually in force, for the JSON report (``isolated`` is False when unsandboxed)."""
    ok, why = _probe()
    report: dict = {"isolated": ok, "note": isolation_note()}
    if ok:
        plan = cgroup.cgroup_plan()
        report.update(
            tool=_bwrap_version(), uid=NOBODY, gid=NOBODY, capabilities="none (no_new_privs)",
            namespaces=["mount", "net", "ipc", "pid", "uts"],
            devices=[f"/dev/{d}" for d in _DEVICES],
            cgroup=plan[0] if plan else None,
            syscall_filter=({"denied": [*DENIED, "clone with CLONE_NEW* flags", "personality changes"],
                             "errno": "EPERM", "clone3": "ENOSYS (glibc falls back to clone)"}
                            if _filter_problem() is None else {"denied": [], "reason": _filter_problem()}),
            packages="the lab's allowed packages, what they need and the kernel's own (ipykernel)",
            descriptors="stdin, stdout, stderr on /dev/null; none inherited",
        )
    else:
        report["reason"] = why
    if limits is not None:
        report["limits"] = {k: v for k, v in asdict(limits).items() if k != "allow_unisolated"}
    return report


def require_isolation(limits: Limits) -> None:
    """Raise :class:`IsolationUnavailable` unless the sandbox works or ``limits`` allows running without."""
    if not isolation_available() and not limits.allow_unisolated:
        raise IsolationUnavailable(
            f"refusing to grade without a sandbox: {_probe()[1]}. Run the grader as root with bubblewrap "
            "installed (apt-get install bubblewrap), or pass --allow-unisolated to grade trusted notebooks "
            "without isolation (the report then says NOT ISOLATED)."
        )


# -- the kernel's file system ------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _font_list() -> Path | None:
    """matplotlib's font list, built once per machine outside the sandbox (in the grader's cache).

    A kernel with an empty MPLCONFIGDIR spends seconds scanning the fonts at its
    first ``import matplotlib.pyplot`` (measured: 6.6 s cold vs 3.6 s warm on a
    loaded 2-core machine); every work dir gets a copy instead.
    """
    try:
        version = importlib.metadata.version("matplotlib")
    except importlib.metadata.PackageNotFoundError:
        return None
    cache = Path(os.environ.get("EMBEDLAB_CACHE") or Path.home() / ".cache" / "embedlab") / f"grader-mpl-{version}"
    if not any(cache.glob("fontlist-*.json")):
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager"], capture_output=True,
                       env={"MPLCONFIGDIR": str(cache), "PATH": os.defpath}, timeout=300, check=False)
    return next(iter(sorted(cache.glob("fontlist-*.json"))), None)


def _prepare(work: Path) -> None:
    """What every kernel finds in its work dir: matplotlib's font list (see :func:`_font_list`)."""
    fonts = _font_list()
    if fonts is None:
        return
    config = work / ".matplotlib"
    config.mkdir(exist_ok=True)
    shutil.copyfile(fonts, config / fonts.name)
    if isolation_available():
        for path in (config, config / fonts.name):
            os.chown(path, NOBODY, NOBODY)


def make_workdir(limits: Limits) -> Path:
    """A fresh work dir: isolated, a tmpfs of ``limits.disk_mb`` owned by ``nobody``; else a temp folder."""
    work = Path(tempfile.mkdtemp(prefix="ag-"))
    if isolation_available():
        options = f"size={limits.disk_mb}m,nr_inodes=10k,mode=0700,uid={NOBODY},gid={NOBODY},nosuid,nodev"
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(work)], check=True)
    _prepare(work)
    return work


def release_workdir(work: Path) -> None:
    """Unmount (if it is a tmpfs) and delete a work dir made by :func:`make_workdir`."""
    if os.path.ismount(work):
        subprocess.run(["umount", "-l", str(work)], check=False)
    shutil.rmtree(work, ignore_errors=True)


def reset_workdir(work: Path) -> None:
    """Empty a work dir between kernels (a restarted kernel replays the notebook, which rewrites its files;
    what a dead kernel left, e.g. a full disk or a startup file under ``.ipython``, must not outlive it)."""
    for path in work.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    _prepare(work)


def _interpreter_dirs() -> list[Path]:
    """The interpreter's folders: base install, virtual environment, site-packages outside them."""
    dirs = [Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(sys.executable).resolve().parent]
    dirs += [Path(p) for p in site.getsitepackages()]
    kept: list[Path] = []
    for d in sorted({d for d in dirs if d.is_dir()}, key=lambda p: len(p.parts)):
        if not any(d.is_relative_to(k) for k in kept) and not d.is_relative_to("/usr"):
            kept.append(d)
    return kept


def _site_dirs() -> list[Path]:
    """Every folder of installed Python packages the sandbox would show: the interpreter's, its base
    install's and the system's (Debian's dist-packages); all are hidden or replaced by the package view."""
    roots = {Path(sys.prefix), Path(sys.base_prefix).resolve(), Path("/usr"), Path("/usr/local")}
    found = {Path(p) for root in roots for pattern in ("lib/python3*/site-packages", "lib/python3*/dist-packages",
                                                        "lib/python3/dist-packages")
             for p in glob.glob(str(root / pattern))}
    return sorted(p for p in found | {Path(p) for p in site.getsitepackages()} if p.is_dir())


def _mkdirs(paths: list[Path], made: set[Path]) -> list[str]:
    """``--dir`` options (mode 0755) for the missing parents of ``paths`` (bwrap would make them 0700)."""
    args: list[str] = []
    for path in paths:
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _package_mounts(packages: PackageView) -> list[str]:
    """Empty every site-packages folder, then mount the view's entries into the kernel's own."""
    args: list[str] = []
    for folder in _site_dirs():
        args += ["--perms", "0755", "--tmpfs", str(folder)]
    for name, source in packages.entries.items():
        args += ["--ro-bind", str(source), str(packages.site / name)]
    for folder in _site_dirs():
        args += ["--remount-ro", str(folder)]
    return [*args, "--ro-bind", str(packages.startup), STARTUP_MOUNT]


def bwrap_command(work: Path, view: Path, packages: PackageView, seccomp_fd: int | None = None,
                  data: dict[str, Path] | None = None) -> list[str]:
    """The ``bwrap ... setpriv ...`` prefix that runs a command as ``nobody`` in the sandbox, under the
    system-call filter read from ``seccomp_fd`` (when given), with each ``data`` file (environment variable
    -> file on the host) mounted read-only in ``DATA_MOUNT`` and named in its variable."""
    # JPY_PARENT_PID: ipykernel compares it with getppid(), which is 1 in the PID namespace, and exits;
    # 1 means "do not poll" to it (--die-with-parent ties the kernel to the grader instead).
    args = ["bwrap", *_NAMESPACES, "--die-with-parent", "--new-session", "--hostname", "sandbox",
            "--setenv", "JPY_PARENT_PID", "1",
            "--perms", "0755", "--dir", "/etc", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in _ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    args += ["--ro-bind", str(view / "etc" / "passwd"), "/etc/passwd",
             "--ro-bind", str(view / "etc" / "group"), "/etc/group",
             "--proc", "/proc", "--perms", "0755", "--tmpfs", "/dev"]
    for dev in _DEVICES:
        args += ["--dev-bind", f"/dev/{dev}", f"/dev/{dev}"]
    args += ["--symlink", "/proc/self/fd", "/dev/fd"]
    for i, stream in enumerate(("stdin", "stdout", "stderr")):
        args += ["--symlink", f"/proc/self/fd/{i}", f"/dev/{stream}"]
    args += ["--perms", "0755", "--tmpfs", "/tmp", "--perms", "0755", "--tmpfs", "/root",
             "--perms", "0755", "--tmpfs", "/home"]
    made = {Path(p) for p in ("/usr", "/etc", "/proc", "/dev", "/tmp", "/root", "/home")}
    interpreter = _interpreter_dirs()
    data = data or {}
    data_files = [Path(DATA_MOUNT) / source.name for source in data.values()]
    args += _mkdirs([*interpreter, Path(VIEW_MOUNT), Path(STARTUP_MOUNT), *data_files, work], made)
    for d in interpreter:
        args += ["--ro-bind", str(d), str(d)]
    args += _package_mounts(packages)
    args += ["--ro-bind", str(view / "python"), VIEW_MOUNT, "--bind", str(work), str(work),
             "--remount-ro", "/tmp", "--chdir", str(work)]
    for variable, source in sorted(data.items()):
        target = f"{DATA_MOUNT}/{source.name}"
        args += ["--ro-bind", str(source), target, "--setenv", variable, target]
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    return [*args, "--", *_SETPRIV]


def _rlimits(limits: Limits, per_uid_nproc: bool) -> list[str]:
    """``prlimit`` options. ``per_uid_nproc``: cap processes with RLIMIT_NPROC, which counts every process
    of the user (all sandboxes share ``nobody``); only for an isolated kernel without a cgroup (unisolated,
    the grader's own user may already run more processes than that)."""
    opts = [f"--as={(limits.memory_mb + ADDRESS_SPACE_HEADROOM_MB) << 20}", f"--cpu={int(limits.total_timeout) + 30}",
            f"--fsize={limits.file_mb << 20}", "--core=0", "--nofile=256"]
    if per_uid_nproc:
        opts.append(f"--nproc={limits.processes}")
    return ["prlimit", *opts, "--"] if shutil.which("prlimit") else []


def kernel_env(work: Path) -> dict[str, str]:
    """A minimal environment: no inherited secrets, caches and HOME inside the work dir."""
    env = {
        "PATH": os.path.dirname(os.path.abspath(sys.executable)) + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": VIEW_MOUNT + os.pathsep + STARTUP_MOUNT,
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


class _Heartbeat(HBChannel):
    """A heartbeat channel that stops without waiting for ever: when the kernel broke the heartbeat's
    connection (e.g. by writing into its descriptors), the channel's pending ``ping`` never completes and
    joining its thread blocked the grader. The thread is a daemon; destroying the client's ZMQ context
    at the end of grading ends it."""

    def stop(self) -> None:
        self._running = False
        self._exit.set()
        self.join(timeout=2)
        if not self.is_alive():
            self.close()


class SandboxKernelManager(AsyncKernelManager):
    """An (async, as nbclient needs) kernel manager whose kernel runs in the sandbox.

    The kernel talks to the grader over ZMQ IPC sockets in the work dir (a
    fresh name per kernel, so a restarted kernel never sees old messages).
    """

    def __init__(self, work: Path, limits: Limits, allowed: Allowed | None = None, name: str = "k", **kwargs):
        require_isolation(limits)
        self.isolated = isolation_available()
        kwargs.update(transport="ipc", ip=str(work / name))
        super().__init__(kernel_name="python3", connection_file=str(work / f"{name}.json"), **kwargs)
        self.work, self.limits = work, limits
        allowed = allowed or Allowed()
        self.view = build_view(allowed.modules)
        self.packages = build_package_view(allowed.lab, allowed.packages, allowed.modules) if self.isolated else None
        # made here, on the host, by the course's own code: before any submitted code runs
        self.data = {item.variable: item.make() for item in allowed.data} if self.isolated else {}
        self._fds: list[int] = []  # read by bwrap: its options and the system-call filter
        self.cgroup = (cgroup.KernelCgroup(f"{work.name}-{name}", limits.memory_mb, limits.processes, limits.cpus)
                       if self.isolated else None)
        # Interrupt through the control channel: a signal would hit bwrap, not the kernel.
        self.kernel_spec.interrupt_mode = "message"

    def client(self, **kwargs):
        """A client of this kernel whose heartbeat channel cannot block the grader (:class:`_Heartbeat`)."""
        kwargs.setdefault("hb_channel_class", _Heartbeat)
        return super().client(**kwargs)

    def _connect_control_socket(self) -> None:
        """The control channel, with a send timeout: a kernel that broke it (e.g. by writing into its own
        sockets' descriptors) left the grader blocked forever in the interrupt that every shutdown sends."""
        super()._connect_control_socket()
        self._control_socket.sndtimeo = 1000

    async def _async_interrupt_kernel(self) -> None:
        with contextlib.suppress(zmq.Again):  # nobody reads the control channel: the shutdown kills the kernel
            await super()._async_interrupt_kernel()

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self.isolated:  # the kernel, as nobody, must read it (it holds the session key)
            os.chown(self.connection_file, NOBODY, NOBODY)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel = super().format_kernel_cmd(extra_arguments)
        # the interpreter as the grader was started ("../.venv/bin/python" from a subfolder) may pass
        # through a folder the sandbox does not show: the kernel then never starts ("kernel died")
        if os.sep in kernel[0]:
            kernel[0] = os.path.abspath(kernel[0])
        has_cgroup = bool(self.cgroup and self.cgroup.dirs)
        limited = [*_rlimits(self.limits, self.isolated and not has_cgroup), *kernel]
        if not self.isolated:
            return limited
        seccomp = _filter_fd() if _filter_problem() is None else None
        bwrap, *options = bwrap_command(self.work, self.view, self.packages, seccomp, self.data)
        end = options.index("--")  # bwrap's options go through a descriptor, off pid 1's command line
        arguments = _memory_file("bwrap-args", b"".join(o.encode() + b"\0" for o in options[:end]))
        self._fds = [fd for fd in (seccomp, arguments) if fd is not None]
        return [*self.cgroup.join_command(), bwrap, "--args", str(arguments), *options[end:], *limited]

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        """Start the kernel with its standard streams on /dev/null (it must not write into the grader's own
        output: ipykernel keeps copies of the descriptors it inherits) and only bwrap's descriptors."""
        kw.update(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                  pass_fds=tuple(self._fds))
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            for fd in self._fds:
                os.close(fd)
            self._fds = []

    def release(self) -> None:
        """After shutdown: kill anything the kernel left behind and remove its cgroup."""
        if self.cgroup is not None:
            self.cgroup.remove()
