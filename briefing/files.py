"""Writing outputs atomically (a crash never leaves half a brief behind), and the run lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from briefing.errors import BriefingError, RenderError


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, else what a plain open() would give (0666 & ~umask);
    mkstemp's private 0600 would hide the brief from the reader it is for."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise RenderError(f"{path}: output folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise RenderError(f"{path}: cannot write: {exc.strerror}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class RunLockedError(BriefingError):
    """Another process holds the run lock."""


@contextlib.contextmanager
def run_lock(path: Path, *, now: dt.datetime, what: str = "'briefing daily' run") -> Iterator[None]:
    """An exclusive, non-blocking lock (``filelock``: flock where it exists, else the
    platform's own); a second holder gets RunLockedError at once. Who holds it is written
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
        try:
            who = holder.read_text(encoding="utf-8").strip() or "unknown process"
        except OSError:
            who = "unknown process"
        raise RunLockedError(
            f"another {what} is in progress ({who}; lock {path}); this run exits without writing"
        ) from None
    try:
        with contextlib.suppress(OSError):
            holder.write_text(
                f"pid {os.getpid()}, started {now.isoformat(timespec='seconds')}", encoding="utf-8"
            )
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        lock.release()
