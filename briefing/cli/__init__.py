"""Command-line interface: a thin adapter over the library. The only place that exits.

Exit codes: 0 success, 1 failure (a one-line ``Error: ...`` on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing import __version__
from briefing.cli import daily as cli_daily
from briefing.config import load_settings
from briefing.errors import BriefingError, RenderError
from briefing.files import write_atomic
from briefing.pipeline import build_brief_from_paths
from briefing.render import FORMATS, render

logger = logging.getLogger("briefing")

_SUFFIX_FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}

BUILD_HELP = """\
Build a one-page situation brief from source documents.

Every statement in the brief is a verbatim, cited quote from a source, and the
Contradictions section shows where sources or actors disagree, each side quoted.

examples:
  briefing build examples/                       Markdown brief on stdout
  briefing build examples/ -o brief.json         JSON (format from the suffix)
  briefing build a.txt b.md --topic "ceasefire"  focus the brief on a topic
  cat article.txt | briefing build -             read one document from stdin
  briefing build examples/ -o brief.pdf          one-page PDF
  briefing build examples/ --engine openai       LLM engine (needs OPENAI_API_KEY)
"""


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


def common_options() -> _Parser:
    """-q, -v and --config, accepted before or after the command name."""
    common = _Parser(add_help=False)
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


def _add_build(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser(
        "build",
        help="build a brief from source documents",
        description=BUILD_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options()],
    )
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="files or folders (.txt, .md, .html; folders are read recursively), or - for stdin",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the brief here (atomically) instead of stdout"
    )
    p.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o suffix, else md)",
    )
    p.add_argument("--topic", help="focus the brief on this topic (default: inferred)")
    p.add_argument(
        "--engine", choices=("offline", "openai"), help="extraction engine (default: offline)"
    )
    p.add_argument("--model", help="LLM model for --engine openai (default: gpt-4o-mini)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)")
    p.add_argument("--api-key", help="API key (env OPENAI_API_KEY; prefer the environment)")
    p.add_argument("--timeout", type=float, metavar="S", help="per-request timeout in seconds")
    p.add_argument("--concurrency", type=int, metavar="N", help="concurrent LLM requests")
    p.add_argument(
        "--max-cost",
        type=float,
        metavar="USD",
        help="stop LLM calls before spending more than this",
    )
    p.add_argument("--no-cache", action="store_true", help="do not use the LLM response cache")
    p.add_argument("--max-words", type=int, metavar="N", help="word budget (default: 650)")
    p.add_argument("--paper", choices=("a4", "letter"), help="PDF paper size (default: a4)")
    p.add_argument(
        "--appendix", action="store_true", help="PDF/HTML: add pages with every cited quote in full"
    )
    p.add_argument(
        "--max-doc-mb",
        type=float,
        metavar="MB",
        default=10.0,
        help="skip documents larger than this (default: 10)",
    )
    p.add_argument(
        "--date", metavar="YYYY-MM-DD", help="generation date shown in the brief (default: today)"
    )
    p.set_defaults(handler=_cmd_build)


def build_parser() -> _Parser:
    parser = _Parser(
        prog="briefing",
        description="Turn source documents into a cited one-page situation brief.",
        epilog="Run 'briefing COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    for action in common_options()._actions:
        parser._add_action(action)
    parser.set_defaults(quiet=False, verbose=0, config=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_build(sub)
    cli_daily.register(sub)  # daily, init, schedule, history
    return parser


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix in _SUFFIX_FORMATS:
            return _SUFFIX_FORMATS[suffix]
    return "md"


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _UsageError(f"briefing: error: --date must be YYYY-MM-DD, not {value!r}") from exc


class _Reporter:
    """Progress and warnings on stderr; progress only when stderr is a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()

    def progress(self, message: str) -> None:
        if not self.quiet and self.tty:
            print(f"briefing: {message}", file=sys.stderr)

    def info(self, message: str) -> None:
        """A line worth seeing even when stderr is not a terminal (cost), silenced by -q."""
        if not self.quiet:
            print(f"briefing: {message}", file=sys.stderr)

    def warn(self, message: str) -> None:
        if not self.quiet:
            print(f"Warning: {message}", file=sys.stderr)


def _cmd_build(args: argparse.Namespace) -> int:
    fmt = _output_format(args)
    overrides = {
        "engine": args.engine,
        "model": args.model,
        "base_url": args.base_url,
        "api_key": args.api_key,
        "timeout_s": args.timeout,
        "concurrency": args.concurrency,
        "max_cost_usd": args.max_cost,
        "cache": False if args.no_cache else None,
        "max_words": args.max_words,
        "paper": args.paper,
        "topic": args.topic,
    }
    settings = load_settings(config_path=args.config, env=os.environ, overrides=overrides)
    today = _parse_date(args.date)
    reporter = _Reporter(args.quiet)
    if args.max_doc_mb <= 0:
        raise _UsageError("briefing: error: --max-doc-mb must be positive")
    brief = build_brief_from_paths(
        args.sources,
        settings=settings,
        today=today,
        max_bytes=int(args.max_doc_mb * 1024 * 1024),
        progress=reporter.progress,
        warn=reporter.warn,
    )
    data = render(brief, fmt, paper=settings.paper, appendix=args.appendix)
    if args.output:
        write_atomic(Path(args.output), data)
        reporter.progress(f"wrote {args.output}")
    else:
        if fmt == "pdf":
            raise RenderError("PDF output needs -o FILE (it is not written to a terminal)")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    stats = brief.stats
    if stats.usage.calls or stats.usage.cached_calls:
        u = stats.usage
        reporter.info(
            f"{u.calls} LLM calls ({u.cached_calls} cached), {u.prompt_tokens:,} tokens in, "
            f"{u.completion_tokens:,} out, estimated ${u.cost_usd:.4f} ({stats.model})"
        )
    reporter.progress(
        f"{stats.documents} documents, {stats.facts_verified} verified facts, "
        f"{stats.contradictions_found} contradictions, {stats.words} words, "
        f"{stats.elapsed_s:.2f}s"
    )
    return 0


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.ERROR)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("briefing: %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("briefing")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (tests call this directly)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        _configure_logging(args.verbose, args.quiet)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
