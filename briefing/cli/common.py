"""What every command shares: the parser class, -q/-v/--config, the --date parser, stderr output.

Exit codes: 0 success, 1 failure (one ``Error: ...`` line on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys

from briefing.errors import OutputError
from briefing.sanitize import redact, safe_message, shown

# The earliest --date: earlier days cannot be placed in every time zone (year 1 east of UTC
# would start in year 0).
EARLIEST_DAY = dt.date(1900, 1, 1)


class UsageError(Exception):
    """A command line that cannot be run as given (exit 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")


def common_options() -> Parser:
    """-q, -v and --config: a parent of the main parser and of every command, so that they are
    accepted before or after the command name."""
    common = Parser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress or warnings",
    )
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="more detail on stderr (-vv for debug)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: ./briefing.toml or the user config dir)",
    )
    return common


def add_command(
    sub: argparse._SubParsersAction[Parser], name: str, *, help: str, description: str
) -> Parser:
    """A command's parser with the shared options and its docstring-style help."""
    parser: Parser = sub.add_parser(
        name,
        help=help,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options()],
    )
    return parser


def parse_topic(value: str | None) -> str | None:
    """``--topic`` as given, when it has words to look for; a topic of punctuation or stop
    words only ("!!!", "the") is a usage error (exit 2), said before anything is read."""
    from briefing.stories import topic_terms

    if value is not None and not topic_terms(value):
        raise UsageError(
            f"briefing: error: --topic {shown(value)!r} has no words to look for; "
            'name the subject ("port strike") or leave out --topic'
        )
    return value


def parse_date(value: str | None, flag: str = "--date") -> dt.date | None:
    """``YYYY-MM-DD`` as a date; anything else is a usage error (exit 2) for every command."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"briefing: error: {flag} must be YYYY-MM-DD, not {value!r}") from None
    if day < EARLIEST_DAY:
        raise UsageError(
            f"briefing: error: {flag} must be {EARLIEST_DAY.isoformat()} or later, not {value}"
        )
    return day


class Reporter:
    """Progress and warnings on stderr; progress only when stderr is a terminal or with -v.

    Every line is one line with no secret in it: a file name cannot forge an ``Error:`` line.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.quiet = bool(getattr(args, "quiet", False))
        self.verbose = int(getattr(args, "verbose", 0) or 0)
        self.tty = sys.stderr.isatty()

    def progress(self, message: str) -> None:
        if not self.quiet and (self.tty or self.verbose):
            print(f"briefing: {safe_message(message)}", file=sys.stderr)

    def info(self, message: str) -> None:
        """A line worth seeing even when stderr is not a terminal (cost, outcome); not with -q."""
        if not self.quiet:
            print(f"briefing: {safe_message(message)}", file=sys.stderr)

    def block(self, text: str) -> None:
        """Several lines of our own (an install hint), kept as lines; not with -q."""
        if not self.quiet:
            print(f"briefing: {redact(text)}", file=sys.stderr)

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"Warning: {safe_message(message)}", file=sys.stderr)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's own flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def emit(text: object) -> None:
    """A command's result on stdout; OutputError (one line) when stdout is closed or full."""
    if sys.stdout is None:
        raise OutputError("stdout", "is closed; nothing could be written")
    try:
        print(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        silence_stdout()
        raise OutputError("stdout", f"cannot write: {exc.strerror or exc}") from None


def output_path(value: str | None) -> str | None:
    """``-o`` as given, or None for stdout: ``-o -`` means stdout, as ``-`` means stdin for a
    source (it used to write a file named ``-``)."""
    return None if value == "-" else value


def write_stdout(data: bytes, what: str = "the brief") -> None:
    """``data`` on stdout; OutputError (one line) when stdout is closed or cannot take it."""
    stream = sys.stdout
    if stream is None:
        raise OutputError("stdout", f"is closed; write {what} with -o FILE")
    try:
        stream.flush()
        stream.buffer.write(data)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        silence_stdout()
        raise OutputError("stdout", f"cannot write {what}: {exc.strerror or exc}") from None


MAX_DOC_MB = 1024.0


def max_doc_bytes(value: float) -> int:
    """``--max-doc-mb`` in bytes, the same range for every command; a usage error (exit 2)
    outside it (``briefing text`` took 5000, and gave a traceback for nan or inf)."""
    if not math.isfinite(value) or not 0 < value <= MAX_DOC_MB:
        raise UsageError(
            f"briefing: error: --max-doc-mb must be a number above 0 and at most {MAX_DOC_MB:g}, "
            f"not {value!r}"
        )
    return int(value * 1024 * 1024)
