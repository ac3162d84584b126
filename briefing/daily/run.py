"""The daily run: a transaction script over the library.

    lock -> collect (new files, feed entries and pages into the store) -> the day's documents
    (everything not yet briefed, plus what the day already had) -> build_brief (with the
    previous brief, so "Since yesterday" is part of it) -> write briefs/YYYY-MM-DD.* and
    briefs/latest.* atomically -> commit the day -> deliver.

Crash safety follows from the order: a document is stored before anything depends on it, and
it is marked as briefed only after the brief that contains it is on disk, in the same
transaction that finishes the run. A run killed anywhere leaves unbriefed documents pending,
and the next run (of the same day or the next) picks them up. A lock beside the store keeps
two runs from writing at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from briefing.changes import (
    brief_contradictions,
    brief_facts,
    carried_again,
    quiet_day_brief,
    story_statements,
)
from briefing.config import Settings
from briefing.daily.collect import (
    Collected,
    Sources,
    Window,
    collect,
    expand_sources,
    plan,
    run_window,
)
from briefing.daily.config import DailyConfig
from briefing.daily.deliver import deliver_brief
from briefing.daily.fetch import HttpClient
from briefing.daily.store import Store, store_exists
from briefing.engines.base import Engine
from briefing.errors import RenderError
from briefing.files import remove_stale_temporaries_in, run_lock, write_atomic
from briefing.models import Brief, Changes, Reprint, counted
from briefing.pipeline import build_brief
from briefing.render import render
from briefing.sanitize import safe_message

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

__all__ = ["DailyResult", "run_daily"]


def _silent(_: str) -> None:
    return None


@dataclass
class DailyResult:
    day: dt.date
    status: Literal["ok", "no_new", "unchanged", "dry_run"]
    run_id: int | None = None
    outputs: list[Path] = field(default_factory=list)
    docs_added: int = 0
    docs_in_brief: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes | None = None
    brief: Brief | None = None
    reprints: list[Reprint] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)
    message: str = ""
    rendered: dict[str, bytes] = field(default_factory=dict)  # the outputs' bytes by format

    @property
    def exit_code(self) -> int:
        """0 success; 3 "no new sources" (a short brief still says so, or nothing changed)."""
        return 3 if self.status in ("no_new", "unchanged") else 0


def _render_outputs(
    brief: Brief, info: dict[str, Any], config: DailyConfig, paper: str, warnings: list[str]
) -> dict[str, bytes]:
    """Every configured format (a "no new sources" page: Markdown and JSON only); a format
    that cannot be rendered is a warning, not a failure. The JSON gains a ``daily`` object."""
    outputs: dict[str, bytes] = {}
    for fmt in config.formats:
        if not brief.sources and fmt not in ("md", "json"):
            continue
        try:
            data = render(brief, fmt, paper=paper)
        except RenderError as exc:
            warnings.append(f"{fmt} output skipped: {exc}")
            continue
        if fmt == "json":
            data = (
                json.dumps({**json.loads(data), "daily": info}, indent=2, ensure_ascii=False) + "\n"
            ).encode("utf-8")
        outputs[fmt] = data
    return outputs


def run_daily(
    config: DailyConfig,
    *,
    now: dt.datetime,
    settings: Settings,
    day: dt.date | None = None,
    dry_run: bool = False,
    force: bool = False,
    engine: Engine | None = None,
    client: HttpClient | None = None,
    deliver: bool = True,
    progress: Progress = _silent,
) -> DailyResult:
    """One daily run. ``now`` is the clock (tests pass a fake one); ``day`` backfills a day."""
    now = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    sources = expand_sources(config)
    if dry_run:
        with contextlib.ExitStack() as stack:
            store = (  # read only: a dry run writes nothing, to a store it may not write to
                stack.enter_context(Store(config.store_path, read_only=True))
                if config.store_path.exists()
                else None
            )
            window = run_window(config, store, now, day)
            lines = plan(config, store, sources, window)
        return DailyResult(day=window.day, status="dry_run", plan=lines, warnings=sources.warnings)
    store_exists(config.store_path)  # a folder or FIFO there: refused before anything is made
    config.out.mkdir(parents=True, exist_ok=True)
    lock = config.store_path.with_name(config.store_path.name + ".lock")
    with run_lock(lock, now=now), Store(config.store_path) as store:
        remove_stale_temporaries_in(config.out)  # left by a run killed while writing
        window = run_window(config, store, now, day)
        run_id = store.begin_run(
            window.day, now=now, window_start=window.start, window_end=window.end, pid=os.getpid()
        )
        try:
            result = _run(
                config,
                store,
                settings,
                window,
                run_id,
                sources,
                now=now,
                force=force,
                engine=engine,
                client=client,
                progress=progress,
            )
        except BaseException as exc:
            with contextlib.suppress(Exception):
                error = (
                    "interrupted"  # Ctrl-C or SIGINT: 'KeyboardInterrupt: ' says less
                    if isinstance(exc, KeyboardInterrupt)
                    else safe_message(f"{type(exc).__name__}: {exc}")[:2000]
                )
                store.record_run(run_id, status="failed", finished_at=now, error=error)
            raise
        if deliver and result.status == "ok" and result.brief is not None:
            problems = deliver_brief(
                config,
                result.brief,
                result.rendered,
                result.outputs,
                day=result.day,
                paper=settings.paper,
            )
            if problems:
                result.warnings.extend(problems)
                for line in problems:
                    logger.warning("%s", line)
                store.record_run(run_id, warnings=result.warnings)
        if config.retention_days and result.status == "ok":
            removed = store.prune(now - dt.timedelta(days=config.retention_days))
            if removed:
                logger.info("retention: forgot %d documents", removed)
        return result


def _run(
    config: DailyConfig,
    store: Store,
    settings: Settings,
    window: Window,
    run_id: int,
    sources: Sources,
    *,
    now: dt.datetime,
    force: bool,
    engine: Engine | None,
    client: HttpClient | None,
    progress: Progress,
) -> DailyResult:
    got: Collected = collect(
        sources, store, config, window, client=client, now=now, run_id=run_id, progress=progress
    )
    warnings = got.warnings
    for line in warnings:
        logger.warning("%s", line)
    store.record_run(run_id, docs_added=got.added, warnings=warnings)

    day = window.day
    batch = store.day_documents(day)
    docs = batch.documents
    paths = {fmt: config.out / f"{day.isoformat()}.{fmt}" for fmt in config.formats}
    # the day's copies of stories briefed before are on its page too (a day of only copies)
    fingerprint = config.fingerprint(
        [*(d.id for d in docs), *(copy.path for copy, _ in batch.carried)], settings
    )
    if (
        not force
        and not batch.pending
        and store.unchanged_since_last_run(day, fingerprint)
        and all(p.exists() for p in paths.values())
    ):
        store.record_run(
            run_id,
            status="unchanged",
            finished_at=now,
            docs_in_brief=len(docs),
            fingerprint=fingerprint,
            outputs=[str(p) for p in paths.values()],
        )
        message = f"no new sources since the last run; {paths[config.formats[0]]} is unchanged"
        return DailyResult(day, "unchanged", run_id, warnings=warnings, message=message,
                           docs_in_brief=len(docs))  # fmt: skip

    since = window.previous_run_end.astimezone(config.zone) if window.previous_run_end else None
    previous = store.previous_brief(day, since=since)
    carried = carried_again(previous.stories, batch.carried)  # yesterday's stories reprinted
    previous = previous.model_copy(
        update={"updated": tuple(batch.updated), "earlier": batch.earlier, "reprinted": carried}
    )
    status: Literal["ok", "no_new"] = "ok" if docs else "no_new"
    if docs:
        progress(f"building the brief of {day.isoformat()} from {counted(len(docs), 'document')}")
        brief = build_brief(
            docs,
            settings=settings,
            today=day,
            engine=engine,
            warnings=warnings,
            progress=progress,
            previous=previous,
            reprints=[*batch.reprints, *carried],
        )
    else:
        brief = quiet_day_brief(
            day, previous, topic=settings.topic, warnings=warnings, reprints=carried
        )
    facts, contradictions = brief_facts(brief), brief_contradictions(brief)
    info: dict[str, Any] = {
        "day": day.isoformat(),
        "window_start": window.start.isoformat() if window.start else None,
        "window_end": window.end.isoformat(),
        "documents_added": got.added,
        "reprints": got.reprints,
        "run_id": run_id,
    }
    if not docs:
        info["no_new_sources"] = True
    outputs = _render_outputs(brief, info, config, settings.paper, warnings)

    written = [config.out / f"{day.isoformat()}.{fmt}" for fmt in outputs]
    for target, data in zip(written, outputs.values(), strict=True):
        write_atomic(target, data)
    newest = store.newest_brief_day(other_than=day)
    if newest is None or day >= newest:
        for fmt, data in outputs.items():
            write_atomic(config.out / f"latest.{fmt}", data)
    store.commit_day(
        run_id,
        day,
        [d.id for d in docs],
        facts,
        contradictions,
        {
            "status": status,
            "finished_at": now,
            "docs_in_brief": len(docs),
            "facts": brief.stats.facts_verified,  # the count its footer states
            "contradictions": len(contradictions),
            "warnings": warnings,
            "cost_usd": brief.stats.usage.cost_usd,
            "fingerprint": fingerprint,
            "outputs": [str(p) for p in written],
        },
        stories=story_statements(brief),
    )
    if not written:
        message = "nothing written (no output formats)"
    elif status == "ok":
        message = f"wrote {', '.join(str(p) for p in written)}: {brief.summary()}"
    else:
        since_last = " since the last run" if window.previous_run_end else ""  # none: first run
        message = f"no new sources{since_last}; wrote {written[0]}"
    return DailyResult(
        day=day,
        status=status,
        run_id=run_id,
        outputs=written,
        docs_added=got.added,
        docs_in_brief=len(docs),
        warnings=warnings,
        changes=brief.changes if docs else None,
        brief=brief if docs else None,
        reprints=list(brief.reprints),
        message=message,
        rendered=outputs,
    )
