"""RSS and Atom feeds (.rss, .atom, .rdf, .xml): one document per entry.

The feed is parsed with feedparser, given a stream of bytes and never a path or URL (feedparser
opens a string that names a file or a URL itself, so a feed whose body is "/etc/passwd" would
brief a local file). Each entry's text is its longest content (or summary), HTML reduced to
paragraphs; its title, link, the feed's title (as the outlet) and the entry's stated time are
its metadata.

Entities are settled before the parser sees the feed (:func:`settle_entities`): the DOCTYPE is
removed, so no external DTD or entity (``SYSTEM "file:///etc/passwd"``) is read and no
billion-laughs or quadratic-blowup declaration expands; an internal entity whose value is plain
text is written out (within a budget), an HTML name (``&mdash;``) becomes its character, and a
reference to anything else (undefined, external, nested) is dropped with one warning.

Nothing is fetched here: ``briefing build`` briefs what the feed file holds, and the daily job
(``briefing.daily.fetch``) adds the linked page of an entry whose text is short.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any

from briefing.errors import InputError
from briefing.htmlpage import html_fragment_to_text

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})


@dataclass(frozen=True)
class FeedEntry:
    key: str  # what marks it as taken: "entry:<id>", else its link, else a hash of its text
    text: str
    title: str | None = None
    url: str | None = None
    published: dt.datetime | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    warnings: tuple[str, ...] = ()  # one line each, naming the feed


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


def read_feed(body: bytes, source: str) -> Feed:
    """Every entry of the feed in ``body``; InputError naming ``source`` when it is none."""
    try:
        import feedparser
    except ImportError:
        raise InputError(
            source, "reading feeds needs feedparser: pip install 'briefing[feeds]'"
        ) from None
    warnings: list[str] = []
    body = settle_entities(body, source, warnings)
    try:
        parsed = feedparser.parse(io.BytesIO(body))
    except Exception as exc:  # a parser crash on hostile input is that feed's problem only
        raise InputError(source, f"feed parser failed ({type(exc).__name__})") from None
    entries = list(parsed.get("entries") or ())
    if parsed.get("bozo") and not entries:
        reason = parsed.get("bozo_exception") or "no entries"
        raise InputError(source, f"not a readable RSS/Atom feed ({reason}); skipped")
    if not entries and not parsed.get("version"):
        raise InputError(source, "not an RSS/Atom feed; skipped")
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(
        problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    ):
        warnings.append(f"{source}: malformed feed, read what could be read ({problem})")
    return Feed(
        title=(parsed.get("feed") or {}).get("title") or None,
        entries=tuple(
            FeedEntry(
                key=_entry_key(entry, source),
                text=html_fragment_to_text(_entry_content(entry)),
                title=entry.get("title") or None,
                url=entry.get("link") or None,
                published=_entry_time(entry),
            )
            for entry in entries
        ),
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------- entities

_XML_PREDEFINED = frozenset((b"lt", b"gt", b"amp", b"quot", b"apos"))
_PROLOG_TOKEN = re.compile(rb"<\?.*?\?>|<!--.*?-->|\s+", re.DOTALL)
_DOCTYPE = re.compile(rb"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"""<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"&<%]*)"|'([^'&<%]*)')\s*>""")
# The next place where entity references stop or start counting: a CDATA section or a
# comment (their text is not parsed for references), or a named reference.
_NEXT = re.compile(rb"<!\[CDATA\[|<!--|&([A-Za-z_][\w.-]{0,63});")
_MAX_PROLOG = 65_536


def _doctype_span(body: bytes) -> tuple[int, int] | None:
    """Where the DOCTYPE declaration is, when the prolog (before the root element) has one."""
    pos = 0
    while pos < min(len(body), _MAX_PROLOG):
        if _DOCTYPE.match(body, pos):
            bracket = body.find(b"[", pos)
            close = body.find(b">", pos)
            if close < 0:
                return pos, len(body)
            if 0 <= bracket < close:  # an internal subset: it ends at "]" then ">"
                end = re.compile(rb"\]\s*>").search(body, bracket)
                return pos, end.end() if end else len(body)
            return pos, close + 1
        token = _PROLOG_TOKEN.match(body, pos)
        if token is None or token.end() == pos:
            return None
        pos = token.end()
    return None


def settle_entities(body: bytes, source: str, warnings: list[str]) -> bytes:
    """``body`` with its DOCTYPE removed and every named entity reference settled: a plain-text
    internal entity written out (until the written-out text would reach the feed's own size),
    an HTML entity as a character reference, any other (undefined, external, one built from
    other entities or holding markup) dropped, with one warning naming ``source``.

    Only byte-compatible encodings are rewritten (a UTF-16 feed is left to the parser, which
    reads no external entity either)."""
    if _bom_is_wide(body):
        return body
    declared: dict[bytes, bytes] = {}
    span = _doctype_span(body)
    if span is not None:
        start, end = span
        for m in _ENTITY_DECL.finditer(body, start, end):
            value = m.group(2) if m.group(2) is not None else m.group(3)
            declared.setdefault(m.group(1), value.replace(b'"', b"&quot;").replace(b"'", b"&apos;"))
        body = body[:start] + body[end:]
    if b"&" not in body:
        return body
    budget = len(body)
    out: list[bytes] = []
    dropped: dict[bytes, None] = {}
    over_budget = False
    pos = 0
    for m in _NEXT.finditer(body):
        if m.start() < pos:  # inside a CDATA section or comment already copied
            continue
        if m.group(1) is None:
            terminator = b"]]>" if m.group(0) == b"<![CDATA[" else b"-->"
            end = body.find(terminator, m.end())
            pos_end = len(body) if end < 0 else end + len(terminator)
            out.append(body[pos:pos_end])
            pos = pos_end
            if end < 0:
                break
            continue
        name = m.group(1)
        out.append(body[pos : m.start()])
        pos = m.end()
        if name in _XML_PREDEFINED:
            out.append(m.group(0))
        elif name in declared:
            value = declared[name]
            if len(value) <= budget:
                budget -= len(value)
                out.append(value)
            else:
                over_budget = True
        elif (char := _HTML5_ENTITIES.get(name.decode("ascii") + ";")) is not None:
            out.append(b"".join(b"&#%d;" % ord(c) for c in char))
        else:
            dropped.setdefault(name)
    out.append(body[pos:])
    if over_budget:
        warnings.append(
            f"{source}: its entities would expand past its own size (an entity bomb?); "
            "the rest of them left out"
        )
    if dropped:
        names = ", ".join("&" + n.decode("ascii") + ";" for n in list(dropped)[:3])
        more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
        warnings.append(
            f"{source}: entities left out ({names}{more}): not defined in the feed as plain "
            "text; nothing outside the feed is read"
        )
    return b"".join(out)


def _bom_is_wide(body: bytes) -> bool:
    """Whether ``body`` starts with a UTF-16 or UTF-32 byte-order mark."""
    return body.startswith((b"\xff\xfe", b"\xfe\xff"))


def _entry_time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
            except (OverflowError, ValueError, OSError):  # a date no clock can hold
                return None
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
