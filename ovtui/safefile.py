"""Read a small file the user named (config, password_file, -T template) without surprises.

Only a regular file is read: a FIFO would hang the read (it is opened non-blocking, so not
even the open waits for a writer), a device such as ``/dev/zero`` never ends. The size is
capped before and during the read (a file that grows while read is still refused).
Every problem is a :class:`UsageError` (exit 2) naming the file and what to do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .actions.base import UsageError

KIB = 1024
MIB = 1024 * KIB


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def _size(n: int) -> str:
    return f"{n // MIB} MiB" if n >= MIB and n % MIB == 0 else f"{n // KIB} KiB"


def read_regular(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; else UsageError.

    ``what`` names the file in messages: ``"password_file"``, ``"Template file"``.
    """
    p = Path(path)
    inner = what if "_" in what else what[:1].lower() + what[1:]  # "Cannot read template file"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if "\x00" in str(p):
        raise UsageError(f"{what} {p!r} has a NUL character in its path.")
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise UsageError(f"{what} {p} does not exist.", "Check the path.") from None
    except PermissionError:
        raise UsageError(
            f"Cannot read {inner} {p}: permission denied.", "Check its owner and mode."
        ) from None
    except OSError as exc:
        raise UsageError(f"Cannot read {inner} {p}: {exc.strerror or exc}.") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{what} {p} is a directory, not a file.")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(
                f"{what} {p} is {_kind(st.st_mode)}; only a regular file is read.",
                "Point it at an ordinary file.",
            )
        too_big = UsageError(
            f"{what} {p} is larger than {_size(limit)}; that is too big for it.",
            "Check that the path names the right file.",
        )
        if st.st_size > limit:
            raise too_big
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            try:
                chunk = os.read(fd, min(64 * KIB, limit + 1 - got))
            except BlockingIOError:  # pragma: no cover - regular files never block
                break
            except OSError as exc:
                raise UsageError(f"Cannot read {inner} {p}: {exc.strerror or exc}.") from None
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise too_big
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_readable_by_others(path: str | Path) -> bool:
    """True when group or other users may read ``path`` (POSIX); False if unknown."""
    if os.name != "posix":
        return False
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))
