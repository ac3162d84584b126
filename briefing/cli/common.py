"""What every command shares: the parser class, -q/-v/--config, the --date parser, stderr output.

Exit codes: 0 success, 1 failure (one ``Error: ...`` line on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


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


def parse_date(value: str | None, flag: str = "--date") -> dt.date | None:
    """``YYYY-MM-DD`` as a date; anything else is a usage error (exit 2) for every command."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"briefing: error: {flag} must be YYYY-MM-DD, not {value!r}") from None


class Reporter:
    """Progress and warnings on stderr; progress only when stderr is a terminal or with -v."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.quiet = bool(getattr(args, "quiet", False))
        self.verbose = int(getattr(args, "verbose", 0) or 0)
        self.tty = sys.stderr.isatty()

    def progress(self, message: str) -> None:
        if not self.quiet and (self.tty or self.verbose):
            print(f"briefing: {message}", file=sys.stderr)

    def info(self, message: str) -> None:
        """A line worth seeing even when stderr is not a terminal (cost, outcome); not with -q."""
        if not self.quiet:
            print(f"briefing: {message}", file=sys.stderr)

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"Warning: {message}", file=sys.stderr)
