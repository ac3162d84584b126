"""Command-line interface: a thin adapter over the library. The only place that exits.

Exit codes: 0 success, 1 failure (a one-line ``Error: ...`` on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing import __version__
from briefing.cli import daily as cli_daily
from briefing.config import Settings, load_settings
from briefing.errors import BriefingError, RenderError
from briefing.files import check_output_path, write_atomic
from briefing.models import Brief
from briefing.pipeline import build_brief_from_paths
from briefing.render.markdown import render_json, render_markdown
from briefing.sanitize import safe_message

logger = logging.getLogger("briefing")

FORMATS = ("md", "json", "html", "pdf")
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
    try:
        return cli_daily.parse_day(value)
    except BriefingError as exc:
        raise _UsageError(f"briefing: error: {exc}") from None


MAX_DOC_MB = 1024.0


def _max_doc_bytes(value: float) -> int:
    if not math.isfinite(value) or not 0 < value <= MAX_DOC_MB:
        raise _UsageError(
            f"briefing: error: --max-doc-mb must be a number above 0 and at most {MAX_DOC_MB:g}, "
            f"not {value!r}"
        )
    return int(value * 1024 * 1024)


def write_stdout(data: bytes) -> None:
    """``data`` on stdout; RenderError (one line) when stdout is closed or cannot take it."""
    stream = sys.stdout
    if stream is None:
        raise RenderError("stdout is closed; write the brief with -o FILE")
    try:
        stream.flush()
        stream.buffer.write(data)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        _silence_stdout()  # so the interpreter's own flush at exit does not fail again
        raise RenderError(f"stdout: cannot write the brief: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def render_brief(brief: Brief, fmt: str, settings: Settings, *, appendix: bool = False) -> bytes:
    """The brief in ``fmt`` as bytes."""
    if fmt == "md":
        return render_markdown(brief).encode("utf-8")
    if fmt == "json":
        return render_json(brief).encode("utf-8")
    if fmt == "html":
        from briefing.render.html import render_html

        return render_html(brief, paper=settings.paper, appendix=appendix).encode("utf-8")
    if fmt == "pdf":
        try:
            from briefing.render.pdf import render_pdf
        except ImportError as exc:
            raise RenderError(
                f"PDF output needs WeasyPrint: pip install 'briefing[pdf]' (import failed: {exc})"
            ) from exc
        return render_pdf(brief, paper=settings.paper, appendix=appendix).data
    raise RenderError(f"unknown format {fmt!r}")


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
        if not self.quiet:  # one line: a file name cannot forge another line
            print(f"Warning: {safe_message(message)}", file=sys.stderr)


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
    max_bytes = _max_doc_bytes(args.max_doc_mb)
    if args.output:
        check_output_path(Path(args.output))  # before the work, not after it
    elif fmt == "pdf" and sys.stdout is not None and sys.stdout.isatty():
        raise RenderError("PDF output is not written to a terminal: use -o FILE or redirect stdout")
    brief = build_brief_from_paths(
        args.sources,
        settings=settings,
        today=today,
        max_bytes=max_bytes,
        progress=reporter.progress,
        warn=reporter.warn,
    )
    data = render_brief(brief, fmt, settings, appendix=args.appendix)
    if args.output:
        write_atomic(Path(args.output), data)
        reporter.progress(f"wrote {args.output}")
    else:
        write_stdout(data)
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


def _redact_record(record: logging.LogRecord) -> bool:
    """Log lines are one line each and never carry a secret."""
    record.msg, record.args = safe_message(record.getMessage()), None
    return True


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.ERROR)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("briefing: %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_redact_record)
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
        print(safe_message(exc), file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(f"Error: {safe_message(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error worth a traceback.
        _silence_stdout()
        return 1
