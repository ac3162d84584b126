"""Finding and reading source files without being turned against the user.

``read_source`` is the one way a source file's bytes are read (by ``build``, ``daily`` and
every format reader): only a regular file (a FIFO, device or socket is refused before it is
opened, so nothing blocks), never more than the size cap (checked before reading, and the
read stops one byte past it). ``walk_folder`` lists a folder without following links to
folders and turns every OS error (an unreadable folder, a link loop, a path too long) into a
warning naming the path; ``glob_files`` expands a pattern the same way.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from briefing.errors import InputError
from briefing.sanitize import one_line

_MB = 1024 * 1024  # what --max-doc-mb counts in
DEFAULT_MAX_BYTES = 10 * _MB

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is: "a directory", "a FIFO (named pipe)", ..."""
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return exc.strerror or str(exc)


BUILD_LIMIT = "--max-doc-mb"  # how a user of `briefing build` raises the limit
DAILY_LIMIT = "max_bytes in the [daily] config"  # ... and of `briefing daily`


def too_big(
    path: str,
    size: int,
    max_bytes: int,
    raise_with: str = BUILD_LIMIT,
    *,
    unpacked: str | None = None,
) -> InputError:
    """The error for a document over the per-document limit: its file, or (``unpacked``, what
    it unpacks to: "" or " of text") what its file unpacks to, a Word file's parts or a
    PDF's text, which the limit holds as it holds the file."""
    # The limit as it was given: --max-doc-mb counts in MiB (10 -> 10485760 bytes), a config's
    # byte count is usually decimal (5000000); both read back as the number that was typed.
    unit = _MB if (max_bytes * 100) % _MB == 0 else 1_000_000
    amount = f"{size / unit:.1f} MB"
    said = f"{amount} is" if unpacked is None else f"unpacks to {amount}{unpacked},"
    return InputError(
        path,
        f"{said} over the {max_bytes / unit:g} MB per-document limit; "
        f"skipped (raise it with {raise_with})",
    )


# Opening never blocks (on a FIFO that got past the stat) nor makes a terminal ours.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def _not_regular(path: Path, mode: int) -> InputError:
    return InputError(one_line(path), f"{file_kind(mode)}, not a regular file; skipped")


def read_source(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, raise_with: str = BUILD_LIMIT
) -> bytes:
    """The bytes of one source file, or InputError naming it.

    Only a regular file is read (a FIFO, device or socket is refused before it is opened, so
    nothing blocks), and never more than ``max_bytes``: the size is checked before reading and
    the read itself stops one byte past the cap. Every reader (build, daily, other formats)
    goes through here; ``raise_with`` says how its user raises the cap.
    """
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(path, st.st_mode)
        if st.st_size > max_bytes:
            raise too_big(one_line(path), st.st_size, max_bytes, raise_with)
        fd = os.open(path, _OPEN_FLAGS)
        try:  # the descriptor itself: a file object's buffers cost more than the read
            st = os.fstat(fd)  # what was opened, not what was stat-ed a moment ago
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(path, st.st_mode)
            data = _read_capped(functools.partial(os.read, fd), st.st_size, max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError(one_line(path), f"cannot read: {os_reason(exc)}") from None
    if len(data) > max_bytes:
        raise too_big(one_line(path), max(len(data), st.st_size), max_bytes, raise_with)
    return data


READ_STEP = 64 * 1024  # how far past fstat's size a file that grew is read per call


def _read_capped(read: Callable[[int], bytes], size: int, limit: int) -> bytes:
    """At most ``limit`` bytes from ``read`` (``os.read`` on the file), to its end. ``size``
    (what fstat says) and one byte more is asked for first: asking for ``limit`` would allocate
    the whole cap (10 MB) for every 4 kB article. A file that grew since (or whose size fstat
    does not know, as in /proc) is read on, ``READ_STEP`` bytes a call, to the cap; a short
    read is followed until the end."""
    chunks: list[bytes] = []
    got = 0
    want = min(size + 1, limit)
    while got < limit:
        chunk = read(want - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        if got == want:
            want = min(got + READ_STEP, limit)
    return b"".join(chunks)


def walk_folder(
    root: Path,
    suffixes: Iterable[str],
    warnings: list[str],
    *,
    also: Callable[[Path], bool] | None = None,
) -> list[Path]:
    """Files under ``root`` whose suffix is in ``suffixes`` (or for which ``also`` is true,
    e.g. Maildir messages, which have no suffix), sorted; hidden names skipped.

    Symbolic links to folders are not followed (no loops, no escaping the folder), nor links
    to files outside it: a link dropped into an inbox cannot make a brief quote
    ``/etc/passwd`` or a key file the user never named. Every
    folder that cannot be listed and every entry that cannot be examined (a broken link, a
    link loop, a path too long) is a warning naming it, never a silent gap or a traceback.
    Iterative, so a folder nested thousands deep cannot exhaust the stack.
    """
    wanted = frozenset(s.lower() for s in suffixes)
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as exc:
            warnings.append(f"{one_line(folder)}: cannot read folder: {os_reason(exc)}; skipped")
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                    continue
                if path.suffix.lower() not in wanted and not (also is not None and also(path)):
                    continue
                if entry.is_symlink():
                    target = os.stat(path)  # raises for a broken link or a loop
                    if stat.S_ISDIR(target.st_mode):
                        continue  # a link to a folder: not followed
                    if _escapes(path, root):
                        warnings.append(_outside(path, root))
                        continue
            except OSError as exc:
                warnings.append(f"{one_line(path)}: cannot read: {os_reason(exc)}; skipped")
                continue
            found.append(path)
    return sorted(found)


def _escapes(link: Path, root: Path) -> bool:
    """Whether the symbolic link ``link`` leads to a file outside the folder ``root``."""
    try:
        return not Path(os.path.realpath(link)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return True


def _outside(link: Path, root: Path) -> str:
    return f"{one_line(link)}: a link to a file outside {one_line(root)}; not followed"


def glob_files(pattern: str, warnings: list[str] | None = None) -> list[Path]:
    """Paths matching a glob (``inbox/**/*.txt``), sorted; hidden names and links to folders
    are not followed (``glob.glob`` would loop through ``up -> ..`` for ever), nor links to
    files outside the pattern's folder (each a line in ``warnings``)."""
    parts = Path(pattern).expanduser().parts
    magic = next((i for i, part in enumerate(parts) if any(ch in part for ch in "*?[")), None)
    if magic is None:
        return [Path(pattern).expanduser()]
    base = Path(*parts[:magic]) if magic else Path()
    rest = "/".join(parts[magic:])
    try:
        matches = [
            match
            for match in base.glob(rest)
            if not any(p.startswith(".") for p in match.relative_to(base).parts)
        ]
    except (OSError, ValueError):
        return []
    kept = []
    for match in sorted(matches):
        if match.is_symlink() and _escapes(match, base):
            if warnings is not None:
                warnings.append(_outside(match, base))
            continue
        kept.append(match)
    return kept
