"""Collection: what the daily job's sources hold that the store has not taken yet.

Folders and files go through the library's readers (``sourcefiles``: the one folder walk and
file reader; ``ingest.load_document``: decoding and the HTML-to-text path), as ``build``
does; feeds and pages through ``fetch``. Each file or feed is stored once, and
a run killed while collecting loses only the batch it was storing: those files are read
again by the next run, since the store does not yet know them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from briefing.daily.store import AddResult, FetchState, Store
from briefing.errors import BriefingError, FetchError, InputError, OwnBriefError
from briefing.ingest import (
    ACCEPTED_SUFFIXES,
    document_from_text,
    is_maildir_message,
    load_documents,
    source_suffix,
)
from briefing.models import Document, counted
from briefing.sanitize import as_text, one_line
from briefing.sourcefiles import (
    DAILY_LIMIT,
    glob_files,
    read_source,
    walk_folder,
)

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
DOCUMENT_SUFFIXES = ACCEPTED_SUFFIXES
# Files stored per transaction: one commit per file made a 5,000-file inbox slow.
FILE_BATCH = 250


@dataclass
class Sources:
    """The configured sources, expanded."""

    files: list[Path] = field(default_factory=list)
    feed_files: list[Path] = field(default_factory=list)
    urls: list[tuple[str, bool]] = field(default_factory=list)  # (url, known to be a feed)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Window:
    """The day a run briefs and the span of feed entries it takes."""

    day: dt.date
    start: dt.datetime | None
    end: dt.datetime
    previous_run_end: dt.datetime | None


def run_window(
    config: DailyConfig, store: Store | None, now: dt.datetime, day: dt.date | None
) -> Window:
    """The day a run at ``now`` briefs (``day`` backfills one) and its feed window."""
    today = config.local_day(now)
    if day is None or day == today:
        day, end = today, now
    elif day > today:
        raise BriefingError(f"--date {day.isoformat()} is in the future (today is {today})")
    else:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=config.zone)
        end = end.astimezone(dt.UTC)
    last_end = store.last_window_end(before_day=day + dt.timedelta(days=1)) if store else None
    if last_end is not None and last_end >= end:
        last_end = None  # a later day already ran: fall back to the plain window
    # Feed entries are taken when published within window_hours before the last run (or
    # before the end, on a first run); entries already taken are skipped by their id, so the
    # overlap only catches entries that appeared in a feed later than their stated time.
    start = (last_end or end) - dt.timedelta(hours=config.window_hours)
    return Window(day=day, start=start, end=end, previous_run_end=last_end)


def _classify(path: Path, out: Sources) -> None:
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        out.feed_files.append(path)
    elif source_suffix(path):  # text, HTML, PDF, Word, e-mail, mailboxes, Maildir messages
        out.files.append(path)


def expand_sources(config: DailyConfig) -> Sources:
    """Folders (recursive, hidden files skipped), files, globs, feed files and URLs."""
    out = Sources()
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
            matches = glob_files(raw, out.warnings)
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
            suffixes = DOCUMENT_SUFFIXES | frozenset(FEED_SUFFIXES)
            for child in walk_folder(path, suffixes, out.warnings, also=is_maildir_message):
                _classify(child, out)
        elif path.is_file():
            if path.suffix.lower() in FEED_SUFFIXES:
                out.feed_files.append(path)
            else:
                out.files.append(path)
        else:
            out.warnings.append(f"{raw}: no such file or directory")
    return out


def _document_of(item: FetchedItem) -> Document:
    return document_from_text(
        item.text,
        item.url or item.source,
        title=item.title,
        url=item.url,
        outlet=item.outlet,
        date=item.published.date() if item.published else None,
    )


@dataclass
class Collected:
    added: int = 0
    reprints: int = 0
    warnings: list[str] = field(default_factory=list)

    def count(self, result: AddResult | None) -> None:
        if result is not None and result.status != "duplicate":
            self.added += 1
            self.reprints += result.status == "reprint"


def collect(
    sources: Sources,
    store: Store,
    config: DailyConfig,
    window: Window,
    *,
    client: HttpClient | None,
    now: dt.datetime,
    run_id: int,
    progress: Progress,
) -> Collected:
    """Take every new file, feed entry and page into the store (``client``: the HTTP client,
    by default one that follows the config's fetch policy)."""
    client = client or HttpClient(
        user_agent=config.user_agent,
        timeout_s=config.http_timeout_s,
        max_bytes=config.max_bytes,
        policy=FetchPolicy.allowing(config.allow_hosts),
    )
    out = Collected(warnings=list(sources.warnings))
    progress(
        f"reading {counted(len(sources.files), 'file')}, "
        f"{counted(len(sources.feed_files), 'feed file')}, {counted(len(sources.urls), 'URL')}"
    )
    _files(sources.files, store, out, now=now, run_id=run_id, limit=config.max_file_bytes)
    for path in sources.feed_files:
        try:
            result = read_feed_file(
                path,
                since=window.start,
                until=window.end,
                is_seen=store.seen,
                client=client,
                max_entries=config.max_entries_per_feed,
                max_bytes=config.max_bytes,
            )
        except FetchError as exc:
            out.warnings.append(str(exc))
            continue
        _take(result, store, out, now=now, run_id=run_id, state_url=None)
    for url, is_feed in sources.urls:
        if store.seen(f"url:{url}"):
            continue  # a single article page is taken once
        state = store.fetch_state(url)
        progress(f"fetching {url}")
        try:
            result = read_url(
                url,
                client=client,
                etag=state.etag if state else None,
                last_modified=state.last_modified if state else None,
                since=window.start,
                until=window.end,
                is_seen=store.seen,
                max_entries=config.max_entries_per_feed,
                force_feed=is_feed,
            )
        except FetchError as exc:
            out.warnings.append(str(exc))
            continue
        _take(result, store, out, now=now, run_id=run_id, state_url=url)
    return out


def _files(
    paths: Sequence[Path],
    store: Store,
    out: Collected,
    *,
    now: dt.datetime,
    run_id: int,
    limit: int,
) -> None:
    known = store.known_files()
    try:
        here: Path | None = Path.cwd()
    except OSError:  # a working folder that was removed
        here = None
    fresh: list[tuple[Path, int, int]] = []
    for path in paths:
        try:
            st = path.stat()
        except OSError as exc:
            out.warnings.append(f"{path}: cannot read: {exc.strerror}")
            continue
        if known.get(as_text(path)) != (st.st_size, st.st_mtime_ns):
            fresh.append((path, st.st_size, st.st_mtime_ns))
    for first in range(0, len(fresh), FILE_BATCH):
        with store.transaction():
            for path, size, mtime_ns in fresh[first : first + FILE_BATCH]:
                try:
                    # regular files only, the size cap (the config's, at least the build's)
                    # before reading
                    data = read_source(path, max_bytes=limit, raise_with=DAILY_LIMIT)
                    suffix = source_suffix(path) or path.suffix.lower()
                    name = _shown_path(path, here)
                    docs, notes = load_documents(data, name, suffix=suffix, max_bytes=limit)
                except OwnBriefError as exc:  # our own output beside the sources: not news
                    logger.info("%s", exc)
                    docs, notes = [], []
                except InputError as exc:
                    out.warnings.append(str(exc))
                    docs, notes = [], []
                out.warnings.extend(notes)
                for result in store.take_file(
                    as_text(path), size, mtime_ns, docs, now=now, run_id=run_id
                ):
                    out.count(result)


def _shown_path(path: Path, here: Path | None) -> str:
    """How a brief names a file: from the working folder when it is in it, as a folder given
    to ``briefing build`` is named ("inbox/a.txt", not "/home/ana/news/inbox/a.txt"), else as
    it is. The store still knows the file by its full path."""
    if here is not None and path.is_absolute():
        try:
            return str(path.relative_to(here))
        except ValueError:
            pass
    return str(path)


def _take(
    result: FeedResult,
    store: Store,
    out: Collected,
    *,
    now: dt.datetime,
    run_id: int,
    state_url: str | None,
) -> None:
    out.warnings.extend(result.warnings)
    state = (
        None
        if state_url is None
        else FetchState(state_url, etag=result.etag, last_modified=result.last_modified)
    )
    items = [(item.key, _document_of(item)) for item in result.items]
    for added in store.take_feed(
        result.source, items, now=now, run_id=run_id, state=state, status=result.status
    ):
        out.count(added)


def plan(config: DailyConfig, store: Store | None, sources: Sources, window: Window) -> list[str]:
    """What a run would read, fetch and write (``daily --dry-run``)."""
    lines = [
        f"day {window.day.isoformat()}; window from "
        f"{window.start.isoformat() if window.start else 'the beginning'} to "
        f"{window.end.isoformat()}"
    ]
    known = store.known_files() if store else {}
    new_files = [
        p
        for p in sources.files
        if known.get(as_text(p)) != (p.stat().st_size, p.stat().st_mtime_ns)
    ]
    lines.append(
        f"would read {counted(len(new_files), 'new or changed file')} of {len(sources.files)} found"
    )
    lines += [f"  {one_line(p)}" for p in new_files[:50]]
    for path in sources.feed_files:
        lines.append(f"would read feed file {path}")
    for url, _ in sources.urls:
        state = store.fetch_state(url) if store else None
        cond = f" (If-None-Match {state.etag})" if state and state.etag else ""
        lines.append(f"would fetch {url}{cond}")
    pending = len(store.pending_documents()) if store else 0
    if pending:
        lines.append(
            f"{counted(pending, 'stored document')} from earlier runs "
            f"{'is' if pending == 1 else 'are'} not yet in a brief"
        )
    outs = ", ".join(f"{window.day.isoformat()}.{f}" for f in config.formats)
    lines.append(f"would write {config.out}/{{{outs}}} and latest.*")
    return lines
