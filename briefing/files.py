"""Writing outputs atomically: a crash never leaves half a brief behind.

``write_atomic`` writes a locked temporary file beside the target, fsyncs it and renames it
over the target, so readers see yesterday's file or today's, never half of one. It writes
only regular files: a device, a folder or a symbolic link at the target is refused, never
replaced. A run killed mid-write leaves its temporary file behind; the next write of the same
file removes it (a temporary file is stale once no process holds its lock).

``run_lock`` is the daily job's lock: one run at a time per store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from briefing.errors import BriefingError, DailyLockedError, OutputError
from briefing.sanitize import one_line

_TMP_SUFFIX = ".tmp"
_READ_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
# A temporary file younger than this may belong to a writer that has not locked it yet.
_STALE_AFTER_S = 2.0


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, else what a plain open() would give (0666 & ~umask);
    mkstemp's private 0600 would hide the brief from the reader it is for."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_output_path(path: Path, *, what: str = "output") -> None:
    """OutputError unless ``path`` is absent or a regular file (not a link, device or folder)."""
    name = one_line(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(name, f"cannot write the {what}: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(name, "is a symbolic link; refusing to replace it (name the file)")
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(name, "is a directory; name a file to write")
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(name, "is not a regular file (a device or pipe); refusing to write")


def remove_stale_temporaries(path: Path) -> int:
    """Remove the temporary files a killed write of ``path`` left beside it; returns how many.

    Only names this module makes for ``path`` (``.NAME.XXXXXXXX.tmp``) are considered, and
    only those no live writer holds locked, so nothing else in the folder is touched.
    """
    directory = path.parent if str(path.parent) else Path(".")
    return _remove_stale(directory, re.escape(path.name))


def remove_stale_temporaries_in(directory: Path) -> int:
    """Remove every stale temporary file this module left in ``directory`` (a folder that
    briefing owns, such as the daily output folder, where yesterday's names are not today's)."""
    return _remove_stale(directory, r"[^/]+")


def _remove_stale(directory: Path, name_pattern: str) -> int:
    pattern = re.compile(rf"\.{name_pattern}\.[A-Za-z0-9_]{{8}}{re.escape(_TMP_SUFFIX)}")
    removed = 0
    try:
        names = [n for n in os.listdir(directory) if pattern.fullmatch(n)]
    except OSError:
        return 0
    now = time.time()
    for name in names:
        stale = directory / name
        try:  # non-blocking: a FIFO given such a name would wait for a writer forever
            fd = os.open(stale, _READ_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < _STALE_AFTER_S:
                continue
            if not _lock(fd, wait=False):
                continue  # a live writer holds it
            with contextlib.suppress(OSError):
                os.unlink(stale)
                removed += 1
        finally:
            os.close(fd)
    return removed


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive flock on ``fd`` (True when held). Where fcntl does not exist (Windows),
    temporaries are not marked live and stale ones are told apart by their age alone."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - POSIX here
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def write_atomic(path: Path, data: str | bytes, *, what: str = "output") -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``.

    Every OS error (a read-only folder, a full disk, a target that is not a regular file) is
    an OutputError naming ``path`` and ``what`` ("brief", "config file"); the old file, if
    any, is then left as it was.
    """
    path = Path(path)
    name = one_line(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(
            name, f"cannot write the {what}: folder {one_line(directory)} does not exist"
        )
    check_output_path(path, what=what)
    remove_stale_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise OutputError(name, f"cannot write the {what}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            _lock(fh.fileno(), wait=True)  # marks it live for remove_stale_temporaries
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
            os.chmod(tmp, _mode_for(path))
            check_output_path(path, what=what)  # still not a link or device, just before the rename
            os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(name, f"cannot write the {what}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_HOLDER_BYTES = 200


def _read_holder(holder: Path) -> str:
    """What the lock's holder file says, read only from a regular file and only its first
    line's worth: a FIFO at that name would block the read, a link to /dev/zero fill memory."""
    try:
        fd = os.open(holder, _READ_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return ""
        return one_line(os.read(fd, _HOLDER_BYTES).decode("utf-8", "replace"))
    except OSError:
        return ""
    finally:
        os.close(fd)


@contextlib.contextmanager
def run_lock(path: Path, *, now: dt.datetime, what: str = "'briefing daily' run") -> Iterator[None]:
    """An exclusive, non-blocking lock (``filelock``: flock where it exists, else the
    platform's own); a second holder gets DailyLockedError at once. Who holds it is written
    beside it (``<lock>.holder``) for the message the next contender prints."""
    try:
        import filelock
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BriefingError(
            "the daily job needs the 'daily' extra: pip install 'briefing[daily]'"
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = path.with_name(path.name + ".holder")
    lock = filelock.FileLock(path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        who = _read_holder(holder) or "unknown process"
        raise DailyLockedError(
            f"another {what} is in progress ({who}; lock {path}); this run exits without writing"
        ) from None
    try:
        with contextlib.suppress(OutputError):  # a link or FIFO put there is not written through
            write_atomic(holder, f"pid {os.getpid()}, started {now.isoformat(timespec='seconds')}")
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        lock.release()
