"""CLI commands for the scheduled brief: daily, init, schedule, history.

``register(subparsers)`` adds them to the main parser; each handler returns an exit code:
0 success, 3 "no new sources" (daily only; a short brief still says so); library errors reach
the one handler in ``briefing.cli.main`` (exit 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from briefing.cli.common import (
    Parser,
    Reporter,
    UsageError,
    add_command,
    emit,
    parse_date,
    parse_topic,
)
from briefing.config import CONFIG_FILENAME, cleartext_key_warning, load_settings
from briefing.daily.config import DailyConfig, example_config, load_daily_config
from briefing.errors import ConfigError, OutputError, ScheduleError, StoreError
from briefing.files import write_atomic
from briefing.sanitize import one_line

DAILY_HELP = """\
Build today's brief from what arrived since the last run, and say what changed.

Reads folders, files, globs, RSS/Atom feeds and article URLs; stores every document once
(reprints of one story count once) in a corpus database beside the briefs; writes
OUT/YYYY-MM-DD.md and .json (html/pdf if configured) and OUT/latest.*.

exit codes: 0 brief written, 3 no new sources (a short brief says so), 1 failure

examples:
  briefing daily inbox/ --out briefs                      no config file needed
  briefing daily inbox/ --out briefs --date 2026-11-20    rebuild or backfill a day
  briefing daily --feed https://example.org/rss.xml --out briefs
  briefing daily --dry-run                                show what would be fetched
  briefing daily --config ~/briefing.toml                 sources from [daily]
"""

INIT_HELP = """\
Write a commented example briefing.toml ([build] and [daily] tables).

examples:
  briefing init                     ./briefing.toml
  briefing init --path ~/brief.toml
"""

SCHEDULE_HELP = """\
Schedule 'briefing daily' with cron or a systemd timer (briefing itself runs once and exits).

examples:
  briefing schedule --cron --at 06:30 >> mycron && crontab mycron
  briefing schedule --systemd --dir ~/.config/systemd/user
"""

HISTORY_HELP = """\
List past daily runs: date, status, documents added, facts, contradictions, warnings, cost.

examples:
  briefing history --out briefs
  briefing history --json --limit 5
"""


def _daily_config(args: argparse.Namespace, **overrides: Any) -> DailyConfig:
    return load_daily_config(
        config_path=getattr(args, "config", None), env=os.environ, overrides=overrides
    )


# ---------------------------------------------------------------------------- daily


def _cmd_daily(args: argparse.Namespace) -> int:
    from briefing.daily.run import run_daily

    reporter = Reporter(args)
    day = parse_date(args.date)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()] if args.formats else None
    config = _daily_config(
        args,
        sources=args.sources,
        feeds=args.feed,
        out=args.out,
        store=args.store,
        formats=formats,
        timezone=args.timezone,
        allow_hosts=args.allow_host,
    )
    if config.out.exists() and not config.out.is_dir():
        raise OutputError(str(config.out), "output folder is a file; name a folder with --out")
    if not config.sources and not config.feeds:
        raise ConfigError(
            "no sources: name folders, files or feed URLs on the command line, or set "
            f"sources in the [daily] table of {CONFIG_FILENAME} ('briefing init' writes one)"
        )
    settings = load_settings(
        config_path=getattr(args, "config", None),
        env=os.environ,
        overrides={"engine": args.engine, "model": args.model, "topic": parse_topic(args.topic)},
    )
    cleartext = cleartext_key_warning(settings)
    if cleartext is not None:
        reporter.warn(cleartext)
    try:
        result = run_daily(
            config,
            now=dt.datetime.now(dt.UTC),
            settings=settings,
            day=day,
            dry_run=args.dry_run,
            force=args.force,
            deliver=not args.no_deliver,
            progress=reporter.progress,  # on a terminal or with -v, as for build
        )
    except sqlite3.Error as exc:  # the store broke after it was opened (disk full, read-only)
        raise StoreError(f"{config.store_path}: corpus store error: {exc}") from exc
    except OSError as exc:  # the output folder or the store's folder cannot be written
        where = exc.filename if exc.filename is not None else config.out
        raise OutputError(str(where), exc.strerror or str(exc)) from exc
    for line in result.warnings:  # a dry run's too: a broken link it would skip
        reporter.warn(line)
    if result.status == "dry_run":
        emit("\n".join(one_line(line) for line in result.plan))  # a file name is one line
        return 0
    reporter.info(result.message)
    return result.exit_code


def _add_daily(sub: argparse._SubParsersAction[Parser]) -> None:
    p = add_command(
        sub,
        "daily",
        help="build today's brief from what is new since the last run",
        description=DAILY_HELP,
    )
    p.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="folders, files, globs, feed files or URLs (default: [daily] sources)",
    )
    p.add_argument(
        "--feed", action="append", metavar="URL_OR_FILE", help="an RSS/Atom feed (repeatable)"
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: briefs)")
    p.add_argument("--store", metavar="FILE", help="corpus database (default: OUT/briefing.sqlite)")
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="rebuild or backfill this day (default: today in --timezone)",
    )
    p.add_argument(
        "--formats", metavar="LIST", help="comma-separated: md,json,html,pdf (default: md,json)"
    )
    p.add_argument("--timezone", metavar="TZ", help="time zone deciding the day (default: UTC)")
    p.add_argument("--topic", help="focus topic (default: inferred each day)")
    p.add_argument(
        "--engine", choices=("offline", "openai"), help="extraction engine (default: offline)"
    )
    p.add_argument("--model", help="LLM model for --engine openai")
    p.add_argument("--dry-run", action="store_true", help="show what would be fetched and built")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--no-deliver", action="store_true", help="skip e-mail and command delivery")
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST",
        help="fetch from this host although it is loopback/private (an intranet feed); "
        "repeatable, adds to [daily] allow_hosts",
    )
    p.set_defaults(handler=_cmd_daily)


# ---------------------------------------------------------------------------- init


def _cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists() and not args.force:
        raise OutputError(str(path), "already exists; use --force to overwrite")
    if path.parent != Path() and not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                str(path.parent), f"cannot create the folder: {exc.strerror}"
            ) from exc
    write_atomic(path, example_config(), what="config file")
    Reporter(args).info(f"wrote {path}; edit [daily] sources, then run 'briefing daily'")
    return 0


def _add_init(sub: argparse._SubParsersAction[Parser]) -> None:
    p = add_command(
        sub, "init", help="write a commented example briefing.toml", description=INIT_HELP
    )
    p.add_argument("--path", default=CONFIG_FILENAME, help=f"where (default: ./{CONFIG_FILENAME})")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_cmd_init)


# ---------------------------------------------------------------------------- schedule


def _cmd_schedule(args: argparse.Namespace) -> int:
    from briefing.daily import schedule

    reporter = Reporter(args)
    try:
        at = schedule.parse_time(args.at)
    except ScheduleError as exc:  # a wrong flag value is a usage error, as for --date
        raise UsageError(f"briefing schedule: error: {exc}") from None
    config_path = getattr(args, "config", None)
    if config_path is None and Path(CONFIG_FILENAME).is_file():
        config_path = CONFIG_FILENAME
    if config_path is not None and not Path(config_path).is_file():
        raise ConfigError(f"{config_path}: config file not found")
    command = schedule.daily_command(config=Path(config_path) if config_path else None)
    workdir = Path(args.workdir or ".").absolute()
    if args.cron:
        log = Path(args.log).absolute() if args.log else None
        emit(schedule.cron_line(at, command, workdir=workdir, log=log))
        if log is not None and not log.parent.is_dir():
            # The shell opens the log before briefing runs: the job would never start.
            reporter.warn(
                f"{log.parent}: no such folder; cron cannot append to {log.name} there and "
                "would not run the job: create the folder first"
            )
        return 0
    service, timer = schedule.systemd_units(at, command, workdir=workdir, name=args.name)
    paths = schedule.write_systemd_units(Path(args.dir), service, timer, name=args.name)
    checked = schedule.verify_units(paths)
    for path in paths:
        emit(path)
    reporter.info(
        "verified with systemd-analyze"
        if checked
        else "systemd-analyze not found: units written but not verified",
    )
    reporter.block(schedule.install_hint(*paths))
    return 0


def _add_schedule(sub: argparse._SubParsersAction[Parser]) -> None:
    p = add_command(
        sub,
        "schedule",
        help="print a crontab line or write a systemd timer",
        description=SCHEDULE_HELP,
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--cron", action="store_true", help="print a crontab line")
    how.add_argument("--systemd", action="store_true", help="write NAME.service and NAME.timer")
    p.add_argument("--at", default="07:00", metavar="HH:MM", help="time of day (default: 07:00)")
    p.add_argument("--dir", default=".", help="where to write the systemd units (default: .)")
    p.add_argument("--name", default="briefing-daily", help="unit name (default: briefing-daily)")
    p.add_argument("--workdir", metavar="DIR", help="working directory of the run (default: .)")
    p.add_argument("--log", metavar="FILE", help="cron: append the run's output to this file")
    p.set_defaults(handler=_cmd_schedule)


# ---------------------------------------------------------------------------- history


def _cmd_history(args: argparse.Namespace) -> int:
    from briefing.daily.store import Store, store_exists

    config = _daily_config(args, out=args.out, store=args.store)
    path = config.store_path
    if not store_exists(path):
        raise ConfigError(f"{path}: no corpus store yet; run 'briefing daily' first")
    try:
        with Store(path, read_only=True) as store:  # history only reads
            runs = store.runs(limit=args.limit)
    except sqlite3.Error as exc:  # a store that opens but cannot be read (another schema)
        raise StoreError(f"{path}: corpus store error: {exc}") from exc
    if args.json:
        rows = [
            {
                "id": r.id,
                "day": r.day.isoformat(),
                "status": r.status,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "documents_added": r.docs_added,
                "documents_in_brief": r.docs_in_brief,
                "facts": r.facts,
                "contradictions": r.contradictions,
                "warnings": r.warnings,
                "cost_usd": r.cost_usd,
                "outputs": r.outputs,
                "error": r.error,
            }
            for r in runs
        ]
        emit(json.dumps(rows, indent=2))
        return 0
    header = (
        f"{'run':>4}  {'date':10}  {'status':10}  {'added':>5}  {'docs':>4}  "
        f"{'facts':>5}  {'contra':>6}  {'warn':>4}  {'cost $':>7}  started (UTC)"
    )
    emit(header)
    for r in runs:
        emit(
            f"{r.id:>4}  {r.day.isoformat():10}  {r.status:10}  {r.docs_added:>5}  "
            f"{r.docs_in_brief:>4}  {r.facts:>5}  {r.contradictions:>6}  {len(r.warnings):>4}  "
            f"{r.cost_usd:>7.4f}  {r.started_at.astimezone(dt.UTC):%Y-%m-%d %H:%M}"
        )
    if not runs:
        emit("(no runs yet)")
    return 0


def _run_count(value: str) -> int:
    """A --limit: a whole number of runs from 1 to 100000 (argparse makes anything else exit 2)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 100_000:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 100000, not {value!r}")
    return number


def _add_history(sub: argparse._SubParsersAction[Parser]) -> None:
    p = add_command(sub, "history", help="list past daily runs", description=HISTORY_HELP)
    p.add_argument("--out", metavar="DIR", help="output folder of the briefs (default: briefs)")
    p.add_argument("--store", metavar="FILE", help="corpus database (default: OUT/briefing.sqlite)")
    p.add_argument(
        "--limit",
        type=_run_count,
        default=30,
        metavar="N",
        help="newest N runs (1-100000; default: 30)",
    )
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.set_defaults(handler=_cmd_history)


def register(subparsers: argparse._SubParsersAction[Parser]) -> None:
    """Add the daily, init, schedule and history commands to the main CLI's subparsers."""
    _add_daily(subparsers)
    _add_init(subparsers)
    _add_schedule(subparsers)
    _add_history(subparsers)
