"""Start a Jupyter kernel inside the grading sandbox (run as a script, never imported).

Called as ``python -I sandbox_launch.py [options] -- KERNEL_ARGV...``. It applies
resource limits and, with ``--isolate`` (as root inside ``unshare --net --mount
--pid``), brings loopback up, makes every mount read-only except the kernel's
work dir and fresh empty /tmp, /var/tmp, /dev/shm, then execs the kernel through
``setpriv`` with every capability dropped and ``no_new_privs`` set, so it can
neither remount, nor write outside its work dir, nor see other processes.
Only the standard library is used: this runs before the kernel's own imports.
"""

import argparse
import os
import resource
import subprocess

STAGE_DIR = "/run/lock"  # a tmpfs here briefly holds the work dir while /tmp is replaced
SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
DROP_CAPS = ["setpriv", "--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--"]


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        points = [line.split()[4].replace("\\040", " ") for line in f]
    return list(dict.fromkeys(points))


def _under_scratch(path: str) -> bool:
    return any(path == d or path.startswith(d + "/") for d in SCRATCH_DIRS)


def _read_only_except(work: str, keep: list[str]) -> None:
    """Every mount read-only; fresh scratch tmpfs mounts; ``work`` stays writable at its own path.

    ``keep`` are folders the kernel must still see (the interpreter, the course
    packages) even when they live under a scratch dir, e.g. a clone in /tmp:
    they come back read-only at their own paths on top of the fresh tmpfs.
    """
    _run("mount", "-t", "tmpfs", "-o", "size=1m,mode=755", "tmpfs", STAGE_DIR)
    staged = {work: os.path.join(STAGE_DIR, "work")}
    for i, path in enumerate(p for p in dict.fromkeys(keep) if _under_scratch(p) and os.path.isdir(p)):
        staged[path] = os.path.join(STAGE_DIR, f"keep{i}")
    for path, stage in staged.items():
        os.mkdir(stage)
        _run("mount", "--bind", path, stage)
    work_stage = staged[work]
    for point in _mount_points():
        if point != work_stage:
            subprocess.run(["mount", "-o", "remount,bind,ro", point], stderr=subprocess.DEVNULL)
    for d in SCRATCH_DIRS:
        if os.path.isdir(d):
            _run("mount", "-t", "tmpfs", "-o", "size=64m,mode=1777", "tmpfs", d)
    for path, stage in staged.items():
        os.makedirs(path, mode=0o755, exist_ok=True)
        _run("mount", "--bind", stage, path)
        if path != work:
            _run("mount", "-o", "remount,bind,ro", path)
    for stage in staged.values():
        _run("umount", "-l", stage)


def _limit(which: int, value: int) -> None:
    if value > 0:
        resource.setrlimit(which, (value, value))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--isolate", action="store_true")
    parser.add_argument("--keep", action="append", default=[], help="a folder to keep visible (read-only)")
    parser.add_argument("--mem-mb", type=int, default=0)
    parser.add_argument("--cpu-s", type=int, default=0)
    parser.add_argument("--file-mb", type=int, default=0)
    parser.add_argument("kernel", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    kernel = args.kernel[1:] if args.kernel[:1] == ["--"] else args.kernel

    if args.isolate:
        _run("ip", "link", "set", "lo", "up")
        _read_only_except(args.work, args.keep)
        kernel = [*DROP_CAPS, *kernel]
    os.chdir(args.work)
    _limit(resource.RLIMIT_AS, args.mem_mb << 20)
    _limit(resource.RLIMIT_CPU, args.cpu_s)
    _limit(resource.RLIMIT_FSIZE, args.file_mb << 20)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.execvp(kernel[0], kernel)


if __name__ == "__main__":
    main()
