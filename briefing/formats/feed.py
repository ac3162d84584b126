"""RSS and Atom feeds (.rss, .atom, .rdf, .xml): one document per entry.

The feed is parsed with feedparser, given a stream of bytes and never a path or URL (feedparser
opens a string that names a file or a URL itself, so a feed whose body is "/etc/passwd" would
brief a local file). Each entry's text is its longest content (or summary), HTML reduced to
paragraphs; its title, link, the feed's title (as the outlet) and the entry's stated time are
its metadata. What a feed appends to each entry about where it was published (WordPress's
"The post ... appeared first on ...", Medium's "... was originally published in ..." and its
member-only notices) is not the entry's text, and a title's byline after `` | `` ("Headline |
Author Name") is not its headline.

Entities are settled before the parser sees the feed (:mod:`briefing.entities`): no external
DTD or entity is read, no entity bomb expands, an undefined reference is dropped with a warning.
The settling reads the characters the parser will read: a feed in UTF-16, UTF-32, UTF-7 or
EBCDIC (whose ``<!ENTITY`` bytes a byte-level look does not see) is first decoded as the XML
rules say and handed on as UTF-8 declared as such (:func:`as_utf8`).

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
from typing import Any

from briefing.entities import settle_entities
from briefing.errors import InputError
from briefing.htmlpage import (
    HEADLINE_WORDS,
    bom_encoding,
    html_fragment_to_text,
    split_site_name,
    text_codec,
)

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})

# The most tags a feed may hold. feedparser spends some 60 microseconds and a few hundred bytes
# on each element and on each tag of an entry's HTML: a 9 MB feed of bare ``<x>`` tags took
# 160 s and 1.2 GB. A feed of a hundred full-text entries holds a few tens of thousands.
MAX_FEED_TAGS = 400_000
_ESCAPED_TAG = re.compile(rb"&(?:lt|#0*60|#x0*3c);", re.IGNORECASE)


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


# The first bytes of an XML document without a byte-order mark, in encodings that are not
# ASCII-compatible (XML 1.0, appendix F); enough to read its declaration.
_SNIFFED = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # "<?xm" in EBCDIC
)
_DECLARATION = re.compile(r"\s*<\?xml\b[^>]{0,200}?\?>")
_DECLARED_ENCODING = re.compile(r"""\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def as_utf8(body: bytes) -> bytes:
    """The feed's characters as UTF-8, its declaration saying so: decoded by its byte-order
    mark, else the encoding it declares, else UTF-8, else Windows-1252. A feed already in UTF-8
    is returned as it is. The entity settling and the parser then read the same characters,
    whatever encoding the feed came in: a byte-level look misses a UTF-16 ``<!ENTITY``, and
    the parser would decode it and expand it."""
    bom = bom_encoding(body)
    sniffed = bom or next((codec for mark, codec in _SNIFFED if body.startswith(mark)), None)
    head = body[:1024].decode(sniffed or "latin-1", errors="replace").lstrip("\ufeff")
    declaration = _DECLARATION.match(head)
    found = _DECLARED_ENCODING.search(declaration.group(0)) if declaration else None
    declared = text_codec(found.group(1)) if found else None
    if declared is not None and declared.startswith(("utf-16", "utf-32")):
        # The byte order is the mark's or the first bytes'; a declaration readable as ASCII is
        # not in UTF-16 at all (as browsers do).
        declared = sniffed
    if sniffed is None and declared in (None, "utf-8"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return body  # the usual feed: the parser reads what the bytes say
    text: str | None = None
    for codec in dict.fromkeys(c for c in (bom, declared, sniffed, "utf-8") if c):
        try:
            text = body.decode(codec)
            break
        except (UnicodeError, LookupError):
            continue
    if text is None:
        text = body.decode("cp1252", errors="replace")
    text = text.lstrip("\ufeff")
    if (declaration := _DECLARATION.match(text)) is not None:
        text = text[declaration.end() :]
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")


def read_feed(body: bytes, source: str) -> Feed:
    """Every entry of the feed in ``body``; InputError naming ``source`` when it is none."""
    try:
        import feedparser
    except ImportError:
        raise InputError(
            source, "reading feeds needs feedparser: pip install 'briefing[feeds]'"
        ) from None
    warnings: list[str] = []
    body, notes = settle_entities(as_utf8(body))
    warnings.extend(f"{source}: {note}" for note in notes)
    tags = body.count(b"<") + len(_ESCAPED_TAG.findall(body))  # an entry's HTML, escaped
    if tags > MAX_FEED_TAGS:
        raise InputError(
            source,
            f"{tags:,} tags, more than a feed holds ({MAX_FEED_TAGS:,}); skipped unparsed",
        )
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
                text=_without_footer(
                    html_fragment_to_text(_entry_content(entry)), entry.get("title") or ""
                ),
                title=_headline(entry.get("title") or "") or None,
                url=entry.get("link") or None,
                published=_entry_time(entry),
            )
            for entry in entries
        ),
        warnings=tuple(warnings),
    )


# What a feed adds to each entry about where it was published, not what happened: WordPress's
# "The post X appeared first on Y.", Medium's "X was originally published in Y on Medium, where
# people are continuing the conversation..." and its member-only notices, a syndicator's
# "This article was originally published on The Conversation. Read the original article."
_FOOTER = re.compile(
    r"""\(?(?:
        .{0,300}?\boriginally\s+(?:published|posted)\s+(?:in|on|at|by)\b.{0,300}
      | .{0,300}?\b(?:appeared\s+first|first\s+appeared)\s+(?:in|on|at)\b.{0,300}
      | .{0,300}?\brepublished\s+(?:from|with\s+permission|under)\b.{0,300}
      | this\s+(?:story|article|post)\s+is\s+(?:now\s+|currently\s+)?
            (?:unlocked|available\s+to\s+\w+\s+members)\b.{0,200}
      | the\s+(?:story|article|post)\s+will\s+be\s+unlocked\b.{0,200}
      | (?:read|view|see)\s+the\s+(?:original|full)\s+(?:article|story|post)\b.{0,100}
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_FOOTER_LINES = 8  # a footer is the entry's last few lines, each a short one
_FOOTER_CHARS = 700


def _without_footer(text: str, title: str) -> str:
    """The entry's text without the syndication footer its last lines are (with the entry's
    title that a footer repeats as a link); the text as it is when it ends with none. Only a
    trailing block is looked at, and "was published in" or "first published" is a story's
    own sentence: only "originally published", "appeared first" and the like are footers."""
    lines = text.split("\n")
    title = " ".join(title.split()).casefold()
    end = len(lines)
    cut = None
    while end > 0 and len(lines) - end < _FOOTER_LINES:
        line = lines[end - 1].strip()
        if line and len(line) <= _FOOTER_CHARS and _FOOTER.fullmatch(line):
            cut = end - 1
        elif line and " ".join(line.split()).casefold() != title:
            break
        end -= 1
    if cut is None:
        return text
    while cut > 0 and " ".join(lines[cut - 1].split()).casefold() == title:
        cut -= 1  # the title a footer repeats, just above it
    return "\n".join(lines[:cut]).rstrip()


_NAME = r"[A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){1,2}"
_TWO_NAMES = re.compile(rf"{_NAME}\s+(?:and|&)\s+{_NAME}")


def _headline(title: str) -> str:
    """An entry's title without the byline or site name after its last `` | ``: "The kind of
    night Donald Trump loves best | Richard Wolffe" (a Guardian column) -> its headline."""
    title = " ".join(title.split())
    if " | " not in title:
        return title
    head, tail = split_site_name(title)
    if tail is not None and title[len(head) :].lstrip().startswith("|"):
        return head
    head, _, tail = title.rpartition(" | ")
    if _TWO_NAMES.fullmatch(tail) and len(head.split()) >= HEADLINE_WORDS:
        return head.strip()  # "... | Erica Chenoweth and Jeremy Pressman": too long a site
    return title


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
