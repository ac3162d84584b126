"""CLI commands for the scheduled brief: daily, init, schedule, history.

``register(subparsers)`` adds them to the main parser; each handler returns an exit code:
0 success, 3 "no new sources" (daily only; a short brief still says so), 1 failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from briefing.config import CONFIG_FILENAME, load_settings
from briefing.daily.config import DailyConfig, example_config, load_daily_config
from briefing.errors import BriefingError, ConfigError
from briefing.files import write_atomic
from briefing.sanitize import safe_message

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


def _err(message: str) -> None:
    print(safe_message(message), file=sys.stderr)


def _say(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "quiet", False):
        print(f"briefing: {safe_message(message)}", file=sys.stderr)


def _config_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="config file (default: ./briefing.toml or the user config dir)",
    )


def _daily_config(args: argparse.Namespace, **overrides: Any) -> DailyConfig:
    return load_daily_config(
        config_path=getattr(args, "config", None), env=os.environ, overrides=overrides
    )


EARLIEST_DAY = dt.date(1900, 1, 1)


def parse_day(value: str | None) -> dt.date | None:
    """A ``--date`` value: YYYY-MM-DD from 1900-01-01 on (earlier days cannot be placed in
    every time zone), or ConfigError."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--date must be YYYY-MM-DD, not {value!r}") from None
    if day < EARLIEST_DAY:
        raise ConfigError(f"--date must be {EARLIEST_DAY.isoformat()} or later, not {value}")
    return day


# ---------------------------------------------------------------------------- daily


def _cmd_daily(args: argparse.Namespace) -> int:
    from briefing.daily.run import run_daily

    config: DailyConfig | None = None
    try:
        formats = (
            [f.strip() for f in args.formats.split(",") if f.strip()] if args.formats else None
        )
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
            raise ConfigError(f"{config.out}: output folder is a file; name a folder with --out")
        if not config.sources and not config.feeds:
            raise ConfigError(
                "no sources: name folders, files or feed URLs on the command line, or set "
                f"sources in the [daily] table of {CONFIG_FILENAME} ('briefing init' writes one)"
            )
        settings = load_settings(
            config_path=getattr(args, "config", None),
            env=os.environ,
            overrides={"engine": args.engine, "model": args.model, "topic": args.topic},
        )
        result = run_daily(
            config,
            now=dt.datetime.now(dt.UTC),
            settings=settings,
            day=parse_day(args.date),
            dry_run=args.dry_run,
            force=args.force,
            deliver=not args.no_deliver,
            progress=lambda m: _say(args, m) if getattr(args, "verbose", 0) else None,
        )
    except BriefingError as exc:
        _err(f"Error: {exc}")
        return 1
    except sqlite3.Error as exc:  # the store broke after it was opened (disk full, read-only)
        where = config.store_path if config is not None else "corpus store"
        _err(f"Error: {where}: corpus store error: {exc}")
        return 1
    except OSError as exc:  # the output folder or the store's folder cannot be written
        place = exc.filename if exc.filename is not None else (config.out if config else "")
        _err(f"Error: {place}: {exc.strerror or exc}")
        return 1
    if result.status == "dry_run":
        print("\n".join(result.plan))
        return 0
    for line in result.warnings:
        _say(args, f"warning: {line}")
    _say(args, result.message)
    return result.exit_code


def _add_daily(sub: Any) -> None:
    p = sub.add_parser(
        "daily",
        help="build today's brief from what is new since the last run",
        description=DAILY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    p.add_argument("--date", metavar="YYYY-MM-DD", help="rebuild or backfill this day")
    p.add_argument("--formats", metavar="LIST", help="comma-separated: md,json,html,pdf")
    p.add_argument("--timezone", metavar="TZ", help="time zone deciding the day (default: UTC)")
    p.add_argument("--topic", help="focus topic (default: inferred each day)")
    p.add_argument("--engine", choices=("offline", "openai"), help="extraction engine")
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
    _config_arg(p)
    p.set_defaults(handler=_cmd_daily)


# ---------------------------------------------------------------------------- init


def _cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists() and not args.force:
        _err(f"Error: {path} already exists; use --force to overwrite")
        return 1
    try:
        if path.parent != Path() and not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, example_config())
    except (BriefingError, OSError) as exc:
        _err(f"Error: {exc}")
        return 1
    _say(args, f"wrote {path}; edit [daily] sources, then run 'briefing daily'")
    return 0


def _add_init(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="write a commented example briefing.toml",
        description=INIT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--path", default=CONFIG_FILENAME, help=f"where (default: ./{CONFIG_FILENAME})")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=_cmd_init)


# ---------------------------------------------------------------------------- schedule


def _cmd_schedule(args: argparse.Namespace) -> int:
    from briefing.daily import schedule

    try:
        at = schedule.parse_time(args.at)
        config_path = getattr(args, "config", None)
        if config_path is None and Path(CONFIG_FILENAME).is_file():
            config_path = CONFIG_FILENAME
        if config_path is not None and not Path(config_path).is_file():
            raise ConfigError(f"{config_path}: config file not found")
        command = schedule.daily_command(config=Path(config_path) if config_path else None)
        workdir = Path(args.workdir or ".").absolute()
        if args.cron:
            log = Path(args.log).absolute() if args.log else None
            print(schedule.cron_line(at, command, workdir=workdir, log=log))
            return 0
        service, timer = schedule.systemd_units(at, command, workdir=workdir, name=args.name)
        paths = schedule.write_systemd_units(Path(args.dir), service, timer, name=args.name)
        checked = schedule.verify_units(paths)
    except BriefingError as exc:
        _err(f"Error: {exc}")
        return 1
    for path in paths:
        print(path)
    _say(
        args,
        "verified with systemd-analyze"
        if checked
        else "systemd-analyze not found: units written but not verified",
    )
    _say(args, schedule.install_hint(*paths))
    return 0


def _add_schedule(sub: Any) -> None:
    p = sub.add_parser(
        "schedule",
        help="print a crontab line or write a systemd timer",
        description=SCHEDULE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--cron", action="store_true", help="print a crontab line")
    how.add_argument("--systemd", action="store_true", help="write NAME.service and NAME.timer")
    p.add_argument("--at", default="07:00", metavar="HH:MM", help="time of day (default: 07:00)")
    p.add_argument("--dir", default=".", help="where to write the systemd units (default: .)")
    p.add_argument("--name", default="briefing-daily", help="unit name (default: briefing-daily)")
    p.add_argument("--workdir", metavar="DIR", help="working directory of the run (default: .)")
    p.add_argument("--log", metavar="FILE", help="cron: append the run's output to this file")
    _config_arg(p)
    p.set_defaults(handler=_cmd_schedule)


# ---------------------------------------------------------------------------- history


def _cmd_history(args: argparse.Namespace) -> int:
    from briefing.daily.store import Store

    try:
        config = _daily_config(args, out=args.out, store=args.store)
        path = config.store_path
        if not path.is_file():
            raise ConfigError(f"{path}: no corpus store yet; run 'briefing daily' first")
        with Store(path) as store:
            runs = store.runs(limit=args.limit)
    except BriefingError as exc:
        _err(f"Error: {exc}")
        return 1
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
        print(json.dumps(rows, indent=2))
        return 0
    header = (
        f"{'run':>4}  {'date':10}  {'status':10}  {'added':>5}  {'docs':>4}  "
        f"{'facts':>5}  {'contra':>6}  {'warn':>4}  {'cost $':>7}  started (UTC)"
    )
    print(header)
    for r in runs:
        print(
            f"{r.id:>4}  {r.day.isoformat():10}  {r.status:10}  {r.docs_added:>5}  "
            f"{r.docs_in_brief:>4}  {r.facts:>5}  {r.contradictions:>6}  {len(r.warnings):>4}  "
            f"{r.cost_usd:>7.4f}  {r.started_at.astimezone(dt.UTC):%Y-%m-%d %H:%M}"
        )
    if not runs:
        print("(no runs yet)")
    return 0


def _add_history(sub: Any) -> None:
    p = sub.add_parser(
        "history",
        help="list past daily runs",
        description=HISTORY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", metavar="DIR", help="output folder of the briefs (default: briefs)")
    p.add_argument("--store", metavar="FILE", help="corpus database (default: OUT/briefing.sqlite)")
    p.add_argument("--limit", type=int, default=30, help="newest N runs (default: 30)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    _config_arg(p)
    p.set_defaults(handler=_cmd_history)


def register(subparsers: Any) -> None:
    """Add the daily, init, schedule and history commands to the main CLI's subparsers."""
    _add_daily(subparsers)
    _add_init(subparsers)
    _add_schedule(subparsers)
    _add_history(subparsers)
