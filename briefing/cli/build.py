"""``briefing build``: sources in, one brief out (stdout or -o FILE)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from briefing.cli.common import (
    Parser,
    Reporter,
    UsageError,
    add_command,
    max_doc_bytes,
    output_path,
    parse_date,
    parse_topic,
    write_stdout,
)
from briefing.config import cleartext_key_warning, load_settings
from briefing.errors import OutputError, RenderError
from briefing.files import check_output_path, write_atomic
from briefing.ingest import source_at
from briefing.models import counted
from briefing.pipeline import build_brief_from_paths
from briefing.render import FORMATS, render
from briefing.sanitize import one_line

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

Every statement in the brief cites a verbatim quote from a source (with the offline
engine, the statement is the quote; an LLM's wording must say only what its quotes say,
or the quote replaces it), and the Contradictions section shows where sources or actors
disagree, each side quoted.

examples:
  briefing build examples/                       Markdown brief on stdout
  briefing build examples/ -o brief.json         JSON (format from the suffix)
  briefing build a.txt b.md --topic "ceasefire"  focus the brief on a topic
  cat article.txt | briefing build -             read one document from stdin
  briefing build examples/ -o brief.pdf          one-page PDF
  briefing build examples/ --engine openai       LLM engine (needs OPENAI_API_KEY)
  briefing build report.pdf inbox/news.mbox      a PDF report and a mailbox of newsletters

accepted formats: .txt .md (plain text), .html .htm (the article is extracted),
  .pdf (text layer; no scans), .docx (Word), .eml and .mbox (one source per message),
  Maildir folders (cur/, new/), .rss .atom .rdf .xml feeds (one source per entry, as the
  file holds it: nothing is fetched).
  Citations of a PDF show the page: [2, p. 14]. 'briefing text SOURCE' prints the text
  that the citation offsets of a PDF, Word file or e-mail refer to.
"""


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = add_command(
        sub, "build", help="build a brief from source documents", description=BUILD_HELP
    )
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="files or folders (any accepted format; folders are read recursively), or - for "
        "stdin (plain text)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the brief here (atomically) instead of stdout; - is stdout",
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
    p.add_argument(
        "--base-url", metavar="URL", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)"
    )
    p.add_argument(
        "--api-key", metavar="KEY", help="API key (env OPENAI_API_KEY; prefer the environment)"
    )
    p.add_argument(
        "--timeout", type=float, metavar="S", help="per-request timeout in seconds (default: 60)"
    )
    p.add_argument(
        "--concurrency", type=int, metavar="N", help="concurrent LLM requests (default: 4)"
    )
    p.add_argument(
        "--max-cost",
        type=float,
        metavar="USD",
        help="stop LLM calls before spending more than this",
    )
    p.add_argument(
        "--llm-budget",
        type=float,
        metavar="S",
        help="give the LLM calls of this brief at most S seconds; then offline extraction",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="stream LLM answers and stop a model that repeats itself (local models)",
    )
    p.add_argument("--no-cache", action="store_true", help="do not use the LLM response cache")
    p.add_argument("--max-words", type=int, metavar="N", help="word budget (default: 650)")
    p.add_argument(
        "--paper",
        choices=("a4", "letter"),
        help="PDF paper size (default: from the locale: letter for en_US, fr_CA and the other "
        "Letter countries, else a4)",
    )
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


# Suffixes that are plainly text: the Markdown brief is what they get.
_TEXT_SUFFIXES = frozenset({"", ".txt", ".text"})


def _output_format(args: argparse.Namespace) -> str:
    """The format -f names, else the one -o's suffix names; a suffix of another kind of file
    (.docx, .odt) is a usage error rather than Markdown under that name."""
    if args.output is not None and not str(args.output).strip():
        raise UsageError("briefing build: error: -o needs a file name")
    if args.format:
        return str(args.format)
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix in _SUFFIX_FORMATS:
            return _SUFFIX_FORMATS[suffix]
        if suffix not in _TEXT_SUFFIXES:
            raise UsageError(
                f"briefing build: error: cannot tell the format from {one_line(suffix)!r}: "
                "name the file .md, .json, .html or .pdf, or pass -f"
            )
    return "md"


def _cmd_build(args: argparse.Namespace) -> int:
    args.output = output_path(args.output)
    fmt = _output_format(args)
    overrides = {
        "engine": args.engine,
        "model": args.model,
        "base_url": args.base_url,
        "api_key": args.api_key,
        "timeout_s": args.timeout,
        "concurrency": args.concurrency,
        "max_cost_usd": args.max_cost,
        "llm_budget_s": args.llm_budget,
        "stream": True if args.stream else None,
        "cache": False if args.no_cache else None,
        "max_words": args.max_words,
        "paper": args.paper,
        "topic": parse_topic(args.topic),
    }
    settings = load_settings(config_path=args.config, env=os.environ, overrides=overrides)
    today = parse_date(args.date)
    reporter = Reporter(args)
    cleartext = cleartext_key_warning(settings)
    if cleartext is not None:
        reporter.warn(cleartext)  # before the first request, which carries the key
    max_bytes = max_doc_bytes(args.max_doc_mb)
    if args.output:
        check_output_path(Path(args.output), what="brief")  # before the work, not after it
        if source_at(Path(args.output), args.sources, max_bytes=max_bytes) is not None:
            raise OutputError(
                one_line(args.output),
                "is one of this brief's sources; refusing to overwrite it (name another file)",
            )
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
    data = render(brief, fmt, paper=settings.paper, appendix=args.appendix)
    if args.output:
        write_atomic(Path(args.output), data, what="brief")
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
    reporter.progress(f"{brief.summary()}, {counted(stats.words, 'word')}, {stats.elapsed_s:.2f}s")
    if stats.engine != "offline" and stats.facts_verified == 0:
        # The LLM gave nothing usable and the offline fallback did not fill the brief either.
        print(
            f"Error: the {stats.engine} engine ({stats.model}) produced no verified facts; "
            "the brief was written but is empty",
            file=sys.stderr,
        )
        return 1
    return 0
