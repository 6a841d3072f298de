"""Course files are opened only when their ``stat`` says they are regular files within their size limit.

A named pipe (FIFO) blocks whoever opens it until someone writes to it, a device can be endless or
act when opened, a socket cannot be read, and a symbolic link loop never resolves. Each is refused
from its ``stat``, before anything opens it, with a message that says what it is; so is a file
over its size limit (:mod:`builder.sources.limits`). A file that is swapped for something else between
the ``stat`` and the ``open`` is still caught: it is opened without blocking and checked again.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Optional

from builder.sources import limits


class Refused(Exception):
    """A course file that is not read: what it is (``message``) and what to do (``hint``)."""

    def __init__(self, message: str, hint: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def _kind(mode: int) -> Optional[str]:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"


def _refuse_kind(problem: str) -> Refused:
    return Refused(problem, "only regular files are read from a course folder: replace it with a copy of the file")


def stat_regular(path: Path, limit: Optional[str] = None) -> int:
    """The size of the regular file at *path* (symbolic links followed).

    :param limit: the name of the size limit it must keep (``lesson_file_mb`` …), if any.
    :raises Refused: when it is missing, not a regular file, a link loop, or over the limit.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(
                "is a symbolic link loop (the link leads back to itself)",
                "replace the link with a copy of the file it should point to",
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise Refused("does not exist") from None
        raise Refused(f"cannot be read: {exc.strerror}", "check the file's permissions") from None
    problem = _kind(info.st_mode)
    if problem:
        raise _refuse_kind(problem)
    if limit is not None:
        _check_size(info.st_size, limit)
    return info.st_size


def _check_size(size: int, limit: str) -> None:
    if size > limits.size_bytes(limit):
        raise Refused(
            f"is {size:,} bytes; {limits.at_most(limit)}",
            limits.how_to_raise(limit),
        )


def read_regular(path: Path, limit: str) -> bytes:
    """The bytes of the regular file at *path*, refused from its ``stat`` when it is not one.

    :raises Refused: see :func:`stat_regular`; also when the file grew past the limit after the stat.
    """
    stat_regular(path, limit)
    try:
        with open(path, "rb", opener=_without_blocking) as fh:
            problem = _kind(os.fstat(fh.fileno()).st_mode)
            if problem:
                raise _refuse_kind(problem)
            data = fh.read(limits.size_bytes(limit) + 1)
    except OSError as exc:
        raise Refused(f"cannot be read: {exc.strerror}", "check the file's permissions") from None
    _check_size(len(data), limit)
    return data


def _without_blocking(path: str, flags: int) -> int:
    """Open without waiting: a file swapped for a named pipe after the stat must not hang the build."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def resolve(path: Path) -> Path:
    """*path* with every symbolic link resolved; a link loop at its end is kept as it is.

    The loop is left for :func:`stat_regular` to report: resolving only the folder keeps the
    path comparable with the course folder's own resolved path.
    """
    path = Path(path)
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python before 3.13 raises RuntimeError for a loop
        return resolve(path.parent) / path.name if path.parent != path else path
