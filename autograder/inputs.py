"""Files around a submission that may be hostile: what is graded, how it is read, how reports are written.

* Only a regular file is graded. A symlink is followed only when its target
  stays inside the graded folder (the batch folder, or the notebook's own
  folder): a link to ``solutions/`` or to ``/etc/shadow`` is refused, and so are
  FIFOs, devices, sockets and folders named ``*.ipynb``.
* The check opens the file without blocking (a FIFO cannot hang the grader)
  and refuses anything larger than :data:`MAX_NOTEBOOK_BYTES` before parsing.
* Reports are written to a fresh temporary file next to the destination and
  renamed over it: a ``report.json`` planted as a symlink is replaced, never
  written through.

Grading runs before any submitted code does, so the file cannot change between
the check and the read by the submission's own doing.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .notebook import SubmissionError

__all__ = ["MAX_NOTEBOOK_BYTES", "UnsafeInput", "read_submission", "refusal", "safe_output"]

MAX_NOTEBOOK_BYTES = 20 << 20
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symbolic link"}


class UnsafeInput(SubmissionError):
    """A submitted path that is not graded (not a regular file, outside the graded folder, too large)."""


def _resolved_inside(path: Path, folder: Path) -> Path:
    target = path.resolve()
    if path.is_symlink() and not target.is_relative_to(folder.resolve()):
        raise UnsafeInput(f"{path}: a symbolic link to {target}, outside {folder}; not graded.")
    if not target.is_relative_to(folder.resolve()):
        raise UnsafeInput(f"{path}: lies outside {folder} (through a linked folder); not graded.")
    return target


def read_submission(path: str | Path, folder: str | Path | None = None) -> bytes:
    """The bytes of the submission at ``path`` inside ``folder`` (default: its own folder), or UnsafeInput."""
    path = Path(path)
    target = _resolved_inside(path, Path(folder) if folder is not None else path.parent)
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise UnsafeInput(f"{path}: no such file.") from None
    except OSError as err:
        raise UnsafeInput(f"{path}: cannot open it ({err.strerror}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise UnsafeInput(f"{path}: {kind}, not a notebook file; not graded.")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise UnsafeInput(f"{path}: {info.st_size:,} bytes, more than the {MAX_NOTEBOOK_BYTES >> 20} MB "
                              "a notebook may have; not graded.")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise UnsafeInput(f"{path}: grew beyond {MAX_NOTEBOOK_BYTES >> 20} MB while being read; not graded.")
    return data


def refusal(path: str | Path, folder: str | Path) -> str | None:
    """Why ``path`` (found in the batch ``folder``) is not graded, or None when it may be."""
    try:
        read_submission(path, folder)
    except UnsafeInput as err:
        return str(err)
    return None


@contextlib.contextmanager
def safe_output(destination: str | Path) -> Iterator[Path]:
    """A fresh temporary path next to ``destination``; on success it is renamed over ``destination``.

    The rename replaces whatever ``destination`` is (a symlink planted there is
    replaced, not followed); a failed write leaves ``destination`` untouched.
    """
    destination = Path(destination)
    if destination.is_dir() and not destination.is_symlink():
        raise UnsafeInput(f"{destination} is a folder; give a file name for the report.")
    fd, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent or ".")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(0o644)
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
