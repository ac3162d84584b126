"""Writing outputs atomically: a crash never leaves half a brief behind."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from briefing.errors import OutputError


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, else what a plain open() would give (0666 & ~umask);
    mkstemp's private 0600 would hide the brief from the reader it is for."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: Path, data: str | bytes, *, what: str = "output") -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``.

    ``what`` names the content in the OutputError raised on failure ("brief", "config file").
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(str(path), f"cannot write the {what}: folder {directory} does not exist")
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
        raise OutputError(str(path), f"cannot write the {what}: {exc.strerror}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
