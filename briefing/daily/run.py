"""The daily run: ingest what arrived since the last run, brief it, say what changed.

    lock -> collect (folders, feeds, pages; each new document stored once, in its own
    transaction) -> pick the day's documents (everything not yet briefed, plus what the day
    already had) -> build_brief -> compare with the previous day's stored facts ("Since
    yesterday") -> write briefs/YYYY-MM-DD.* and briefs/latest.* atomically -> commit the
    day (documents marked briefed, facts stored, run finished) -> deliver.

Crash safety follows from the order: a document is stored before anything depends on it, and
it is marked as briefed only after the brief that contains it is on disk, in the same
transaction that finishes the run. A run killed anywhere leaves unbriefed documents pending,
and the next run (of the same day or the next) picks them up. A lock beside the store keeps
two runs from writing at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict

from briefing.chunk import chunk_documents
from briefing.compose import fit_brief
from briefing.config import Settings
from briefing.daily.config import DailyConfig
from briefing.daily.fetch import (
    FEED_SUFFIXES,
    FeedResult,
    FetchedItem,
    FetchPolicy,
    HttpClient,
    is_url,
    read_feed_file,
    read_url,
)
from briefing.daily.store import Store
from briefing.engines.base import Engine
from briefing.errors import BriefingError, DailyLockedError, FetchError, InputError, RenderError
from briefing.files import remove_stale_temporaries_in, write_atomic
from briefing.ingest import HTML_SUFFIXES, TEXT_SUFFIXES, document_from_text, load_document
from briefing.lexicon import normalise_statement
from briefing.models import (
    Brief,
    BriefStats,
    Changes,
    Contradiction,
    Document,
    Fact,
    Reprint,
)
from briefing.render.markdown import (
    markdown_escape,
    markdown_words,
    render_json,
    render_markdown,
    source_numbers,
)
from briefing.sanitize import safe_message
from briefing.sourcefiles import glob_files, read_source, walk_folder

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
LOCK_NAME = ".briefing-daily.lock"
# Facts whose word sets overlap this much are the same development, reworded.
SAME_FACT_JACCARD = 0.75


def _silent(_: str) -> None:
    return None


# ---------------------------------------------------------------------------- changes


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise_statement(text).split())


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= SAME_FACT_JACCARD


def _matches_any(words: frozenset[str], pool: Sequence[frozenset[str]]) -> bool:
    return any(_same(words, other) for other in pool)


def _contradiction_sides(c: Contradiction) -> list[frozenset[str]]:
    return [_words(side.statement) for side in c.sides]


def _same_contradiction(a: Contradiction, b: Contradiction) -> bool:
    sides_a, sides_b = _contradiction_sides(a), _contradiction_sides(b)
    return all(_matches_any(s, sides_b) for s in sides_a) and all(
        _matches_any(s, sides_a) for s in sides_b
    )


def compare_days(
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction],
    previous_facts: Sequence[Fact],
    previous_contradictions: Sequence[Contradiction],
    previous_day: dt.date,
) -> Changes:
    """Today's facts and contradictions against the previous day's, by normalised content."""
    before = [_words(f.statement) for f in previous_facts]
    new_facts = [f for f in facts if not _matches_any(_words(f.statement), before)]
    appeared = [
        c
        for c in contradictions
        if not any(_same_contradiction(c, p) for p in previous_contradictions)
    ]
    today_statements = [_words(f.statement) for f in facts] + [
        s for c in contradictions for s in _contradiction_sides(c)
    ]
    resolved: list[Contradiction] = []
    dropped: list[Contradiction] = []
    for old in previous_contradictions:
        if any(_same_contradiction(old, c) for c in contradictions):
            continue
        still = [s for s in _contradiction_sides(old) if _matches_any(s, today_statements)]
        (resolved if still else dropped).append(old)
    return Changes(
        previous_day=previous_day,
        new_facts=tuple(new_facts),
        repeated_facts=len(facts) - len(new_facts),
        new_contradictions=tuple(appeared),
        resolved_contradictions=tuple(resolved),
        dropped_contradictions=tuple(dropped),
    )


def brief_facts(brief: Brief) -> list[Fact]:
    """Every verified fact of a brief, once each, in the brief's order."""
    seen: set[frozenset[str]] = set()
    out: list[Fact] = []
    for fact in [*brief.bottom_line, *brief.facts, *brief.watch, *brief.more_facts]:
        key = _words(fact.statement)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out


def brief_contradictions(brief: Brief) -> list[Contradiction]:
    return [*brief.contradictions, *brief.more_contradictions]


# ---------------------------------------------------------------------------- rendering


def _daily_json(brief: Brief, info: dict[str, Any]) -> str:
    """The brief's JSON plus a ``daily`` object describing the run (window, documents added)."""
    data = json.loads(render_json(brief))
    data["daily"] = info
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- lock


@contextlib.contextmanager
def run_lock(path: Path, *, now: dt.datetime) -> Iterator[None]:
    """An exclusive, non-blocking lock; a second holder gets DailyLockedError at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown process"
            raise DailyLockedError(
                f"another 'briefing daily' run is in progress ({holder}; lock {path}); "
                "this run exits without writing"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {now.isoformat(timespec='seconds')}")
        fh.flush()
        yield
    finally:
        fh.close()  # closing releases the lock


# ---------------------------------------------------------------------------- sources


@dataclass
class _Sources:
    files: list[Path] = field(default_factory=list)
    feed_files: list[Path] = field(default_factory=list)
    urls: list[tuple[str, bool]] = field(default_factory=list)  # (url, known to be a feed)
    warnings: list[str] = field(default_factory=list)


def _classify(path: Path, out: _Sources) -> None:
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        out.feed_files.append(path)
    elif suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        out.files.append(path)


def expand_sources(config: DailyConfig) -> _Sources:
    """Folders (recursive, hidden files skipped), files, globs, feed files and URLs."""
    out = _Sources()
    for raw in config.feeds:
        if is_url(raw):
            out.urls.append((raw, True))
        else:
            out.feed_files.append(Path(raw))
    for raw in config.sources:
        if is_url(raw):
            out.urls.append((raw, False))
            continue
        path = Path(raw).expanduser()
        if any(ch in raw for ch in "*?["):
            matches = glob_files(raw)
            if not matches:
                out.warnings.append(f"{raw}: no files match this pattern")
            for match in matches:
                try:
                    if stat.S_ISDIR(os.stat(match).st_mode):
                        continue
                except OSError as exc:  # a broken link, a link loop
                    out.warnings.append(f"{match}: cannot read: {exc.strerror}; skipped")
                    continue
                _classify(match, out)  # FIFOs and devices go on, to be refused in one line
        elif path.is_dir():
            suffixes = TEXT_SUFFIXES | HTML_SUFFIXES | frozenset(FEED_SUFFIXES)
            for child in walk_folder(path, suffixes, out.warnings):
                _classify(child, out)
        elif path.is_file():
            if path.suffix.lower() in FEED_SUFFIXES:
                out.feed_files.append(path)
            else:
                out.files.append(path)
        else:
            out.warnings.append(f"{raw}: no such file or directory")
    return out


# ---------------------------------------------------------------------------- the run


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

    @property
    def exit_code(self) -> int:
        """0 success; 3 "no new sources" (a short brief still says so, or nothing changed)."""
        return 3 if self.status in ("no_new", "unchanged") else 0


@dataclass
class _Window:
    day: dt.date
    start: dt.datetime | None
    end: dt.datetime
    previous_run_end: dt.datetime | None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _window(
    config: DailyConfig, store: Store | None, now: dt.datetime, day: dt.date | None
) -> _Window:
    today = config.local_day(now)
    if day is None or day == today:
        day, end = today, now
    elif day > today:
        raise BriefingError(f"--date {day.isoformat()} is in the future (today is {today})")
    else:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=config.zone)
        end = end.astimezone(dt.UTC)
    last = store.last_successful_run(before_day=day + dt.timedelta(days=1)) if store else None
    last_end = last.window_end if last is not None and last.window_end is not None else None
    if last_end is not None and last_end >= end:
        last_end = None  # a later day already ran: fall back to the plain window
    # Feed entries are taken when published within window_hours before the last run (or
    # before the end, on a first run); entries already taken are skipped by their id, so the
    # overlap only catches entries that appeared in a feed later than their stated time.
    start = (last_end or end) - dt.timedelta(hours=config.window_hours)
    return _Window(day=day, start=start, end=end, previous_run_end=last_end)


def _fingerprint(docs: Sequence[Document], settings: Settings, config: DailyConfig) -> str:
    basis = {
        "docs": sorted(d.id for d in docs),
        "engine": settings.engine,
        "model": settings.model if settings.engine != "offline" else None,
        "topic": settings.topic,
        "max_words": settings.max_words,
        "paper": settings.paper,
        "formats": config.formats,
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:24]


def _document_of(item: FetchedItem) -> Document:
    return document_from_text(
        item.text,
        item.url or item.source,
        title=item.title,
        url=item.url,
        outlet=item.outlet,
        date=item.published.date() if item.published else None,
    )


class _Collector:
    """Takes new material into the store, one atomic transaction per file or feed."""

    def __init__(
        self,
        store: Store,
        config: DailyConfig,
        client: HttpClient,
        now: dt.datetime,
        run_id: int,
        window: _Window,
        progress: Progress,
    ) -> None:
        self.store, self.config, self.client, self.now = store, config, client, now
        self.run_id, self.window, self.progress = run_id, window, progress
        self.added = 0
        self.reprints = 0
        self.warnings: list[str] = []

    def _add(self, doc: Document, origin: str) -> str:
        chunks = chunk_documents([doc])
        result = self.store.add_document(
            doc, origin=origin, now=self.now, run_id=self.run_id, chunks=chunks
        )
        if result.status != "duplicate":
            self.added += 1
        if result.status == "near_duplicate":
            self.reprints += 1
        return result.doc_id

    def files(self, paths: Sequence[Path]) -> None:
        for path in paths:
            try:
                st = path.stat()
            except OSError as exc:
                self.warnings.append(f"{path}: cannot read: {exc.strerror}")
                continue
            if self.store.file_unchanged(str(path), st.st_size, st.st_mtime_ns):
                continue
            try:
                data = read_source(path)  # regular files only, size cap before reading
                doc, notes = load_document(data, str(path), suffix=path.suffix.lower())
            except InputError as exc:
                self.warnings.append(str(exc))
                doc, notes = None, []
            except OSError as exc:
                self.warnings.append(f"{path}: cannot read: {exc.strerror}")
                continue
            self.warnings.extend(notes)
            with self.store.transaction():
                doc_id = self._add(doc, "file") if doc is not None else None
                self.store.mark_file(str(path), st.st_size, st.st_mtime_ns, doc_id)

    def _take(self, result: FeedResult, *, state_url: str | None) -> None:
        self.warnings.extend(result.warnings)
        with self.store.transaction():
            for item in result.items:
                doc_id = self._add(_document_of(item), f"feed:{result.source}")
                self.store.mark_seen(item.key, doc_id, self.now)
            if state_url is not None:
                self.store.save_fetch_state(
                    state_url,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    status=result.status,
                    now=self.now,
                )

    def feed_files(self, paths: Sequence[Path]) -> None:
        for path in paths:
            try:
                result = read_feed_file(
                    path,
                    since=self.window.start,
                    until=self.window.end,
                    is_seen=self.store.seen,
                    client=self.client,
                    max_entries=self.config.max_entries_per_feed,
                    max_bytes=self.config.max_bytes,
                )
            except FetchError as exc:
                self.warnings.append(str(exc))
                continue
            self._take(result, state_url=None)

    def urls(self, urls: Sequence[tuple[str, bool]]) -> None:
        for url, is_feed in urls:
            if self.store.seen(f"url:{url}"):
                continue  # a single article page is taken once
            state = self.store.fetch_state(url)
            self.progress(f"fetching {url}")
            try:
                result = read_url(
                    url,
                    client=self.client,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None,
                    since=self.window.start,
                    until=self.window.end,
                    is_seen=self.store.seen,
                    max_entries=self.config.max_entries_per_feed,
                    force_feed=is_feed,
                )
            except FetchError as exc:
                self.warnings.append(str(exc))
                continue
            self._take(result, state_url=url)


def _plan(
    config: DailyConfig, store: Store | None, sources: _Sources, window: _Window
) -> list[str]:
    lines = [
        f"day {window.day.isoformat()}; window from "
        f"{window.start.isoformat() if window.start else 'the beginning'} to "
        f"{window.end.isoformat()}"
    ]
    new_files = [
        p
        for p in sources.files
        if store is None or not store.file_unchanged(str(p), p.stat().st_size, p.stat().st_mtime_ns)
    ]
    lines.append(
        f"would read {len(new_files)} new or changed file(s) of {len(sources.files)} found"
    )
    lines += [f"  {p}" for p in new_files[:50]]
    for path in sources.feed_files:
        lines.append(f"would read feed file {path}")
    for url, _ in sources.urls:
        state = store.fetch_state(url) if store else None
        cond = f" (If-None-Match {state.etag})" if state and state.etag else ""
        lines.append(f"would fetch {url}{cond}")
    pending = len(store.pending_documents()) if store else 0
    if pending:
        lines.append(f"{pending} stored document(s) from earlier runs are not yet in a brief")
    outs = ", ".join(f"{window.day.isoformat()}.{f}" for f in config.formats)
    lines.append(f"would write {config.out}/{{{outs}}} and latest.*")
    return lines


def _render_outputs(
    brief: Brief | None,
    markdown: str,
    json_text: str,
    config: DailyConfig,
    settings: Settings,
    warnings: list[str],
) -> dict[str, bytes]:
    outputs: dict[str, bytes] = {}
    for fmt in config.formats:
        if fmt == "md":
            outputs["md"] = markdown.encode("utf-8")
        elif fmt == "json":
            outputs["json"] = json_text.encode("utf-8")
        elif brief is None:
            continue  # a "no new sources" day has no HTML/PDF page
        elif fmt == "html":
            try:
                from briefing.render.html import render_html
            except ImportError:
                warnings.append("html output skipped: not available in this install")
                continue
            outputs["html"] = render_html(brief, paper=settings.paper).encode("utf-8")
        elif fmt == "pdf":
            try:
                from briefing.render.pdf import render_pdf
            except ImportError as exc:
                warnings.append(f"pdf output skipped: WeasyPrint is not available ({exc})")
                continue
            try:
                outputs["pdf"] = render_pdf(brief, paper=settings.paper).data
            except RenderError as exc:
                warnings.append(f"pdf output skipped: {exc}")
    return outputs


def _no_new_markdown(day: dt.date, window: _Window, zone: Any, warnings: Sequence[str]) -> str:
    since = (
        window.previous_run_end.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if window.previous_run_end
        else "the start of the window"
    )
    lines = [
        f"# Daily brief {day.isoformat()}: no new sources",
        "",
        f"**Generated:** {day.isoformat()} · **Since:** {since}",
        "",
        f"No new documents arrived since {since}, so there is nothing new to brief today.",
        "",
    ]
    if warnings:
        lines += ["## Warnings", ""] + [f"- {markdown_escape(w)}" for w in warnings] + [""]
    return "\n".join(lines)


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
    now = _aware(now)
    sources = expand_sources(config)
    if dry_run:
        store = Store(config.store_path) if config.store_path.exists() else None
        try:
            window = _window(config, store, now, day)
            plan = _plan(config, store, sources, window)
        finally:
            if store is not None:
                store.close()
        return DailyResult(day=window.day, status="dry_run", plan=plan, warnings=sources.warnings)
    config.out.mkdir(parents=True, exist_ok=True)
    lock = config.store_path.with_name(config.store_path.name + ".lock")
    with run_lock(lock, now=now), Store(config.store_path) as store:
        store.abandon_stale_runs(now)
        remove_stale_temporaries_in(config.out)  # left by a run killed while writing
        window = _window(config, store, now, day)
        run_id = store.start_run(
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
                store.update_run(
                    run_id,
                    status="failed",
                    finished_at=now,
                    error=safe_message(f"{type(exc).__name__}: {exc}")[:2000],
                )
            raise
        if deliver and result.status == "ok":
            _deliver(config, result, store, run_id, settings.paper)
        if config.retention_days and result.status == "ok":
            removed = store.prune(now - dt.timedelta(days=config.retention_days))
            if removed:
                logger.info("retention: forgot %d documents", removed)
        return result


def _run(
    config: DailyConfig,
    store: Store,
    settings: Settings,
    window: _Window,
    run_id: int,
    sources: _Sources,
    *,
    now: dt.datetime,
    force: bool,
    engine: Engine | None,
    client: HttpClient | None,
    progress: Progress,
) -> DailyResult:
    client = client or HttpClient(
        user_agent=config.user_agent,
        timeout_s=config.http_timeout_s,
        max_bytes=config.max_bytes,
        policy=FetchPolicy.allowing(config.allow_hosts),
    )
    collector = _Collector(store, config, client, now, run_id, window, progress)
    collector.warnings.extend(sources.warnings)
    progress(
        f"reading {len(sources.files)} file(s), {len(sources.feed_files)} feed file(s), "
        f"{len(sources.urls)} URL(s)"
    )
    collector.files(sources.files)
    collector.feed_files(sources.feed_files)
    collector.urls(sources.urls)
    warnings = collector.warnings
    for line in warnings:
        logger.warning("%s", line)
    store.update_run(run_id, docs_added=collector.added, warnings=warnings)

    already = store.briefed_documents(window.day)
    pending = store.pending_documents()
    stored = already + [d for d in pending if d.document.id not in {a.document.id for a in already}]
    docs = [s.document for s in stored]
    day = window.day
    paths = {fmt: config.out / f"{day.isoformat()}.{fmt}" for fmt in config.formats}
    fingerprint = _fingerprint(docs, settings, config)
    previous = store.last_run_of_day(day)
    if (
        not force
        and not pending
        and previous is not None
        and previous.fingerprint == fingerprint
        and all(p.exists() for p in paths.values())
    ):
        message = f"no new sources since the last run; {paths[config.formats[0]]} is unchanged"
        with store.transaction():
            store.update_run(
                run_id,
                status="unchanged",
                finished_at=now,
                docs_in_brief=len(docs),
                fingerprint=fingerprint,
                outputs=[str(p) for p in paths.values()],
            )
        return DailyResult(
            day=day,
            status="unchanged",
            run_id=run_id,
            warnings=warnings,
            docs_in_brief=len(docs),
            message=message,
        )

    info: dict[str, Any] = {
        "day": day.isoformat(),
        "window_start": window.start.isoformat() if window.start else None,
        "window_end": window.end.isoformat(),
        "documents_added": collector.added,
        "reprints": collector.reprints,
        "run_id": run_id,
    }
    changes: Changes | None = None
    brief: Brief | None = None
    reprints: list[Reprint] = []
    if not docs:
        status: Literal["ok", "no_new"] = "no_new"
        markdown = _no_new_markdown(day, window, config.zone, warnings)
        empty = Brief(
            title=f"No new sources on {day.isoformat()}",
            topic=settings.topic or "",
            generated=day,
            stats=BriefStats(warnings=list(warnings)),
        )
        json_text = _daily_json(empty, {**info, "no_new_sources": True})
        facts: list[Fact] = []
        contradictions: list[Contradiction] = []
    else:
        status = "ok"
        from briefing.pipeline import build_brief

        progress(f"building the brief of {day.isoformat()} from {len(docs)} document(s)")
        brief = build_brief(
            docs, settings=settings, today=day, engine=engine, warnings=warnings, progress=progress
        )
        facts, contradictions = brief_facts(brief), brief_contradictions(brief)
        prev_day = store.previous_day_with_results(day)
        if prev_day is not None:
            prev_facts, prev_contras = store.day_results(prev_day)
            changes = compare_days(facts, contradictions, prev_facts, prev_contras, prev_day)
        else:
            changes = Changes()  # the first daily brief: nothing to compare with
        copies = store.copies([d.id for d in docs])
        numbered = source_numbers(brief)
        for cluster, members in copies.items():
            if cluster not in numbered:
                continue
            for member in members:
                m = member.document
                reprints.append(
                    Reprint(
                        source_id=cluster, path=m.path, outlet=m.outlet, title=m.title, url=m.url
                    )
                )
        brief = brief.model_copy(update={"changes": changes, "reprints": reprints})
        brief = fit_brief(brief, docs, settings.max_words, markdown_words)
        markdown = render_markdown(brief)
        json_text = _daily_json(brief, info)

    outputs = _render_outputs(brief, markdown, json_text, config, settings, warnings)
    written: list[Path] = []
    for fmt, data in outputs.items():
        target = config.out / f"{day.isoformat()}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    latest_day = _latest_day(store, day)
    if latest_day is None or day >= latest_day:
        for fmt, data in outputs.items():
            write_atomic(config.out / f"latest.{fmt}", data)
    with store.transaction():
        store.mark_briefed([d.id for d in docs], day)
        if status == "ok":
            store.save_day_results(day, run_id, facts, contradictions)
        store.update_run(
            run_id,
            status=status,
            finished_at=now,
            docs_in_brief=len(docs),
            facts=len(facts),
            contradictions=len(contradictions),
            warnings=warnings,
            cost_usd=brief.stats.usage.cost_usd if brief else 0.0,
            fingerprint=fingerprint,
            outputs=[str(p) for p in written],
        )
    message = (
        (
            f"wrote {', '.join(str(p) for p in written)}: {len(docs)} document(s), "
            f"{len(facts)} facts, {len(contradictions)} contradictions"
            if status == "ok"
            else f"no new sources since the last run; wrote {written[0]}"
        )
        if written
        else "nothing written (no output formats)"
    )
    return DailyResult(
        day=day,
        status=status,
        run_id=run_id,
        outputs=written,
        docs_added=collector.added,
        docs_in_brief=len(docs),
        warnings=warnings,
        changes=changes,
        brief=brief,
        reprints=reprints,
        message=message,
    )


def _latest_day(store: Store, day: dt.date) -> dt.date | None:
    """The newest day with a finished brief other than ``day`` (latest.* follows the newest)."""
    days = [r.day for r in store.runs() if r.status in ("ok", "no_new") and r.day != day]
    return max(days) if days else None


def _deliver(
    config: DailyConfig, result: DailyResult, store: Store, run_id: int, paper: str
) -> None:
    if config.email is None and not config.command:
        return
    from briefing.daily.deliver import deliver_brief

    problems = deliver_brief(config, result, paper=paper)
    if problems:
        result.warnings.extend(problems)
        for line in problems:
            logger.warning("%s", line)
        store.update_run(run_id, warnings=result.warnings)
