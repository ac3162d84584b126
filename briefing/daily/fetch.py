"""Fetching: RSS/Atom feeds (files or URLs) and article pages, politely and defensively.

HTTP goes through :class:`HttpClient` (``webclient.py``): a fetch policy checked at every
redirect, one deadline per fetch, conditional GET (ETag / Last-Modified) and a size cap.
Feeds are parsed with feedparser (given a stream of bytes, never a path or URL it could open
itself); article pages are reduced to their main text with trafilatura. Nothing here touches
the store: callers pass the conditional-GET state in and save what comes back only after the
items are stored, so a crash between the two re-fetches rather than loses.

Every failure is a :class:`FetchError` naming the feed, page or file; the daily run turns it
into a warning, never a failed run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.daily.webclient import FetchPolicy, HttpClient, Response, display_url
from briefing.errors import FetchError, InputError
from briefing.formats.feed import FEED_SUFFIXES, looks_like_feed, read_feed
from briefing.htmlpage import decode_html, main_text
from briefing.sanitize import one_line
from briefing.sourcefiles import DAILY_LIMIT, read_source

__all__ = [
    "FEED_SUFFIXES",
    "Article",
    "FeedResult",
    "FetchError",
    "FetchPolicy",
    "FetchedItem",
    "HttpClient",
    "Response",
    "extract_article",
    "is_url",
    "looks_like_feed",
    "parse_feed",
    "read_feed_file",
    "read_url",
]

logger = logging.getLogger(__name__)

# An entry whose own content is at least this long is used as is; otherwise its page is fetched.
_MIN_ENTRY_CHARS = 400
_MIN_ARTICLE_CHARS = 40
# The linked pages of one feed may take this many fetch deadlines (http_timeout_s) in all.
PAGE_BUDGET_DEADLINES = 5


@dataclass(frozen=True)
class FetchedItem:
    """One article's text and what is known about it, ready to become a Document."""

    key: str  # what marks it as taken: "entry:<feed entry id>" or "url:<page url>"
    source: str  # the feed or page it came from
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: dt.datetime | None = None


@dataclass
class FeedResult:
    source: str
    items: list[FetchedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    skipped_old: int = 0
    skipped_seen: int = 0


# ---------------------------------------------------------------------------- HTML to text


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    content_type: str = "",
    warnings: list[str] | None = None,
) -> Article | None:
    """The main text of a web page (trafilatura), or None when it has none worth keeping.

    Bytes are decoded in the charset the page (or ``content_type``) declares, a guess being a
    warning; the date is only one the page states in its metadata.
    """
    if isinstance(html, bytes):
        html = decode_html(
            html, url or "page", warnings if warnings is not None else [], content_type=content_type
        )
    try:
        page = main_text(html, url=url)
    except ImportError:
        raise FetchError(
            url or "page", "reading web pages needs trafilatura: pip install 'briefing[daily]'"
        ) from None
    if page is None or len(page.text) < _MIN_ARTICLE_CHARS:
        return None  # no main text found: better nothing than menus and footers
    if warnings is not None:
        warnings.extend(f"{display_url(url) if url else 'page'}: {note}" for note in page.notes)
    return Article(text=page.text, title=page.title, outlet=page.outlet, date=page.date)


# ---------------------------------------------------------------------------- feeds


def is_url(source: str) -> bool:
    """Whether a source names a web address (even a malformed one, which the client then
    refuses in one line) rather than a file."""
    return source[:8].lower().startswith(("http://", "https://"))


def _label(text: str | None) -> str:
    """An entry's title or link as it appears in a warning: one line, at most 120 characters."""
    line = one_line(text or "")
    return line if len(line) <= 120 else line[:119] + "\u2026"


def parse_feed(
    body: bytes,
    source: str,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    is_seen: Callable[[str], bool] = lambda key: False,
    client: HttpClient | None = None,
    max_entries: int = 100,
) -> FeedResult:
    """The feed's entries published in (since, until] and not yet seen, each with its text.

    Entries with a short summary have their page fetched (when a client is given) and reduced
    to its main text; a page that fails is a warning and the entry's own summary is used.
    """
    try:
        feed = read_feed(body, source)
    except InputError as exc:
        raise FetchError(exc.path, exc.reason) from None
    entries = feed.entries
    result = FeedResult(source=source, warnings=list(feed.warnings))
    if len(entries) > max_entries:
        result.warnings.append(
            f"{source}: {len(entries)} entries, only the first {max_entries} read "
            "(raise [daily] max_entries_per_feed)"
        )
    # The linked pages of one feed share a budget, so a feed of slow links cannot hold the run
    # for entries x deadline: past it, entries keep their own summaries.
    budget_ends = time.monotonic() + PAGE_BUDGET_DEADLINES * (client.timeout_s if client else 0)
    budget_warned = False
    for entry in entries[:max_entries]:
        key, published, link, title, text = (
            entry.key,
            entry.published,
            entry.url,
            entry.title,
            entry.text,
        )
        if published is not None and (
            (since is not None and published <= since) or (until is not None and published > until)
        ):
            result.skipped_old += 1
            continue
        if is_seen(key):
            result.skipped_seen += 1
            continue
        wants_page = len(text) < _MIN_ENTRY_CHARS and link and client is not None and is_url(link)
        if wants_page and time.monotonic() > budget_ends:
            wants_page = False
            if not budget_warned:
                budget_warned = True
                result.warnings.append(
                    f"{source}: linked pages took over {PAGE_BUDGET_DEADLINES} fetch deadlines; "
                    "the remaining entries use their own summaries"
                )
        if wants_page and link and client is not None:
            try:
                page = client.get(link)
                article = extract_article(
                    page.body, page.url, content_type=page.content_type, warnings=result.warnings
                )
                if article is not None and len(article.text) > len(text):
                    text = article.text
            except FetchError as exc:
                result.warnings.append(f"{source}: entry {_label(title or link)}: {exc}")
        if len(text) < _MIN_ARTICLE_CHARS:
            result.warnings.append(
                f"{source}: entry {_label(title or link or key)} has no usable text"
            )
            continue
        result.items.append(
            FetchedItem(
                key=key,
                source=source,
                text=text,
                url=link,
                title=title,
                outlet=feed.title,
                published=published,
            )
        )
    return result


def read_feed_file(path: Path, *, max_bytes: int = 5_000_000, **kwargs: Any) -> FeedResult:
    """A feed stored as a file: a regular file only, never more than ``max_bytes`` read."""
    try:
        body = read_source(path, max_bytes=max_bytes, raise_with=DAILY_LIMIT)
    except InputError as exc:
        raise FetchError(exc.path, f"cannot read feed file: {exc.reason}") from None
    return parse_feed(body, str(path), **kwargs)


def read_url(
    url: str,
    *,
    client: HttpClient,
    etag: str | None = None,
    last_modified: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    is_seen: Callable[[str], bool] = lambda key: False,
    max_entries: int = 100,
    force_feed: bool = False,
) -> FeedResult:
    """A URL source: a feed (conditional GET) or a single article page, told apart by content."""
    response = client.get(url, etag=etag, last_modified=last_modified)
    if response.not_modified:
        return FeedResult(
            source=url, not_modified=True, etag=etag, last_modified=last_modified, status=304
        )
    if force_feed or looks_like_feed(response.body, response.content_type):
        result = parse_feed(
            response.body,
            url,
            since=since,
            until=until,
            is_seen=is_seen,
            # A feed's entries link where its writer likes: the allowances (an intranet host)
            # are for a feed served from one, not for a public feed's links.
            client=client if response.internal else client.public_only(),
            max_entries=max_entries,
        )
    else:
        result = FeedResult(source=url)
        key = f"url:{url}"
        if is_seen(key):
            result.skipped_seen += 1
        else:
            article = extract_article(
                response.body,
                response.url,
                content_type=response.content_type,
                warnings=result.warnings,
            )
            if article is None:
                raise FetchError(url, "no article text found on the page")
            published = (
                dt.datetime.combine(article.date, dt.time(), tzinfo=dt.UTC)
                if article.date
                else None
            )
            result.items.append(
                FetchedItem(
                    key=key,
                    source=url,
                    text=article.text,
                    url=url,
                    title=article.title,
                    outlet=article.outlet or urllib.parse.urlsplit(url).hostname,
                    published=published,
                )
            )
    result.etag, result.last_modified, result.status = (
        response.etag,
        response.last_modified,
        response.status,
    )
    return result
