"""Fetching: RSS/Atom feeds (files or URLs) and article pages, politely and defensively.

HTTP goes through :class:`HttpClient`: a user agent, a total deadline per request, conditional
GET (ETag / Last-Modified) and a size cap. Feeds are parsed with feedparser; article pages are
reduced to their main text with trafilatura. Nothing here touches the store: callers pass the
conditional-GET state in and save what comes back only after the items are stored, so a crash
between the two re-fetches rather than loses.

Every failure is a :class:`FetchError` naming the feed, page or file; the daily run turns it
into a warning, never a failed run.
"""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
import hashlib
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefing.errors import FetchError

logger = logging.getLogger(__name__)

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
# An entry whose own content is at least this long is used as is; otherwise its page is fetched.
_MIN_ENTRY_CHARS = 400
_MIN_ARTICLE_CHARS = 40


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


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


class HttpClient:
    """GET with a user agent, a total deadline, conditional headers and a size cap."""

    def __init__(self, *, user_agent: str, timeout_s: float = 20.0, max_bytes: int = 5_000_000):
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self._opener = urllib.request.build_opener()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise FetchError(url, f"unsupported URL scheme {scheme!r} (use http or https)")
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
            " text/html;q=0.8, */*;q=0.5",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        deadline = time.monotonic() + self.timeout_s
        try:
            with self._opener.open(request, timeout=self.timeout_s) as resp:
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise FetchError(
                        url, f"response of {length} bytes exceeds the {self.max_bytes}-byte cap"
                    )
                body = self._read_capped(url, resp, deadline)
                body = self._decode(url, body, resp.headers.get("Content-Encoding", ""))
                return Response(
                    url=resp.geturl(),
                    status=resp.status,
                    body=body,
                    content_type=resp.headers.get("Content-Type", ""),
                    etag=resp.headers.get("ETag"),
                    last_modified=resp.headers.get("Last-Modified"),
                )
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304:
                return Response(
                    url=url, status=304, body=b"", etag=etag, last_modified=last_modified
                )
            raise FetchError(url, f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise FetchError(url, f"cannot connect: {exc.reason}") from None
        except TimeoutError:
            raise FetchError(url, f"timed out after {self.timeout_s:g} s") from None
        except OSError as exc:  # connection reset, http.client errors are OSError or below
            raise FetchError(url, f"network error: {exc}") from None
        except ValueError as exc:  # http.client.HTTPException subclasses, malformed URLs
            raise FetchError(url, f"bad response: {exc}") from None

    def _read_capped(self, url: str, resp: Any, deadline: float) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(url, f"timed out after {self.timeout_s:g} s")
            block = resp.read(65536)
            if not block:
                return b"".join(parts)
            total += len(block)
            if total > self.max_bytes:
                raise FetchError(url, f"response exceeds the {self.max_bytes}-byte cap")
            parts.append(block)

    def _decode(self, url: str, body: bytes, encoding: str) -> bytes:
        encoding = encoding.strip().lower()
        if encoding not in ("gzip", "deflate"):
            return body
        try:
            wbits = 31 if encoding == "gzip" else zlib.MAX_WBITS
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(body, self.max_bytes + 1)
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise FetchError(url, f"cannot decompress response: {exc}") from None
        if len(out) > self.max_bytes:
            raise FetchError(url, f"response exceeds the {self.max_bytes}-byte cap")
        return out


# ---------------------------------------------------------------------------- HTML to text


class _TextParser(HTMLParser):
    _BLOCK = frozenset(
        (
            "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "section", "article", "tr", "pre", "figcaption",
        )
    )  # fmt: skip
    _SKIP = frozenset(("script", "style", "noscript", "template"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _plain(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def html_fragment_to_text(html: str) -> str:
    """Text of a feed entry's HTML (or plain) content, paragraphs on their own lines."""
    if "<" not in html:
        return "\n".join(ln.strip() for ln in html.splitlines() if ln.strip())
    return _plain(html)


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None


def extract_article(html: str | bytes, url: str | None = None) -> Article | None:
    """The main text of a web page (trafilatura), or None when it has none worth keeping."""
    try:
        import trafilatura  # optional dependency, imported when a page is actually read
    except ImportError:
        raise FetchError(
            url or "page", "reading web pages needs trafilatura: pip install 'briefing[daily]'"
        ) from None

    doc: Any
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=False, with_metadata=True
        )
    except Exception as exc:  # trafilatura raises assorted parser errors on odd pages
        logger.debug("trafilatura failed on %s: %s", url, exc)
        doc = None
    if doc is None or not getattr(doc, "text", None):
        return None  # no main text found: better nothing than menus and footers
    date = None
    if getattr(doc, "date", None):
        try:
            date = dt.date.fromisoformat(str(doc.date)[:10])
        except ValueError:
            date = None
    text = str(doc.text)
    if len(text) < _MIN_ARTICLE_CHARS:
        return None
    return Article(
        text=text,
        title=getattr(doc, "title", None) or None,
        outlet=getattr(doc, "sitename", None) or None,
        date=date,
    )


# ---------------------------------------------------------------------------- feeds


def is_url(source: str) -> bool:
    return urllib.parse.urlsplit(source).scheme in ("http", "https")


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """Whether a response or file is RSS/Atom rather than an HTML page."""
    ctype = content_type.lower()
    if any(t in ctype for t in ("rss", "atom", "/xml", "+xml")):
        return True
    head = body[:1024].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"<?xml"):
        return b"<html" not in head
    return head.startswith((b"<rss", b"<feed", b"<rdf"))


def _entry_time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    return None


def _entry_key(entry: Any, source: str) -> str:
    ident = entry.get("id") or entry.get("link")
    if not ident:
        basis = f"{source}\x1f{entry.get('title', '')}\x1f{entry.get('summary', '')}"
        ident = hashlib.sha1(basis.encode()).hexdigest()
    return f"entry:{ident}"


def _entry_content(entry: Any) -> str:
    best = ""
    for part in entry.get("content") or ():
        value = part.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


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
        import feedparser
    except ImportError:
        raise FetchError(
            source, "reading feeds needs feedparser: pip install 'briefing[daily]'"
        ) from None

    parsed = feedparser.parse(body)
    entries = list(parsed.get("entries") or ())
    if parsed.get("bozo") and not entries:
        reason = parsed.get("bozo_exception") or "no entries"
        raise FetchError(source, f"not a readable RSS/Atom feed ({reason})")
    if not entries and not parsed.get("version"):
        raise FetchError(source, "not an RSS/Atom feed")
    outlet = (parsed.get("feed") or {}).get("title") or None
    result = FeedResult(source=source)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(
        problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    ):
        result.warnings.append(f"{source}: malformed feed, read what could be read ({problem})")
    for entry in entries[:max_entries]:
        key = _entry_key(entry, source)
        published = _entry_time(entry)
        if published is not None and (
            (since is not None and published <= since) or (until is not None and published > until)
        ):
            result.skipped_old += 1
            continue
        if is_seen(key):
            result.skipped_seen += 1
            continue
        link = entry.get("link") or None
        title = entry.get("title") or None
        text = html_fragment_to_text(_entry_content(entry))
        if len(text) < _MIN_ENTRY_CHARS and link and client is not None and is_url(link):
            try:
                page = client.get(link)
                article = extract_article(page.body, page.url)
                if article is not None and len(article.text) > len(text):
                    text = article.text
            except FetchError as exc:
                result.warnings.append(f"{source}: entry {title or link}: {exc}")
        if len(text) < _MIN_ARTICLE_CHARS:
            result.warnings.append(f"{source}: entry {title or link or key} has no usable text")
            continue
        result.items.append(
            FetchedItem(
                key=key,
                source=source,
                text=text,
                url=link,
                title=title,
                outlet=outlet,
                published=published,
            )
        )
    return result


def read_feed_file(path: Path, **kwargs: Any) -> FeedResult:
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise FetchError(str(path), f"cannot read feed file: {exc.strerror}") from None
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
            client=client,
            max_entries=max_entries,
        )
    else:
        result = FeedResult(source=url)
        key = f"url:{url}"
        if is_seen(key):
            result.skipped_seen += 1
        else:
            article = extract_article(response.body, response.url)
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
