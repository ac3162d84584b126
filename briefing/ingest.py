"""Ingest: read source files into Documents, with a one-line warning for each bad input.

Reads ``.txt``/``.md`` (and ``.html`` through trafilatura when installed), PDF, Word (.docx)
and e-mail (.eml, .mbox, Maildir: one document per message, or per story of a newsletter of
several) through the readers in
:mod:`briefing.formats`, recursively from directories, and ``-`` for stdin. Decoded text uses
universal newlines; a document's id is a hash of that text. Metadata (title, outlet, URL,
date) is taken only from what the document states about itself: an undated document stays
undated. A text file that is a PDF (it starts with ``%PDF-``) is read as the PDF it is, and a
".pdf" that is a web page as the page, each with a warning; a stray NUL byte in UTF-8 text
is dropped with one. Files are found and read through :mod:`briefing.sourcefiles` (regular
files only, the size cap before reading); the format readers take the bytes it read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import errno
import functools
import hashlib
import logging
import os
import re
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from briefing.errors import InputError, OwnBriefError
from briefing.formats.feed import FEED_SUFFIXES  # many entries: one document each
from briefing.htmlpage import bom_encoding, decode_html, main_text
from briefing.models import Document, Span
from briefing.parallel import ordered_map
from briefing.sanitize import MAX_URL_CHARS, one_line, printable
from briefing.sourcefiles import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from briefing.sourcefiles import os_reason, too_big, walk_folder
from briefing.sourcefiles import read_source as read_source
from briefing.text import (
    MONTH_NAMES_IN_ORDER,
    addresses_model,
    furniture_lines,
    furniture_spans,
    is_furniture_line,
    paragraphs,
    sentence_spans,
)

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
# Formats read by briefing.formats (the 'docs' extra for PDF and Word).
DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".eml"})
MAILBOX_SUFFIXES = frozenset({".mbox"})  # many messages: one document each
ACCEPTED_SUFFIXES = (
    TEXT_SUFFIXES | HTML_SUFFIXES | DOCUMENT_SUFFIXES | MAILBOX_SUFFIXES | FEED_SUFFIXES
)

_HEADER_FIELD = re.compile(
    r"^\s*(title|headline|source|outlet|publisher|publication|url|link|date|published|updated)"
    r"\s*:\s*(.+?)\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
# A source argument that names a URL rather than a file (build and text never fetch).
_URL_ARGUMENT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_MONTHS = list(MONTH_NAMES_IN_ORDER)
_MONTH_RE = "|".join(m[:3] + f"(?:{m[3:]})?" for m in _MONTHS).replace("sep(", "sep(?:t\\b)?(")
_DATE_PATTERNS = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE),
)
_YEAR = re.compile(r"\d{4}")  # in every match of _DATE_PATTERNS: a line without it states no date
_PDF_MAGIC = b"%PDF-"
# A web page's start: a byte-order mark, space, then a doctype or an <html> or <head> tag
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head)\b", re.IGNORECASE)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


@dataclass
class Ingested:
    """The usable documents, and one warning line per input that was skipped or repaired."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    # The warning lines naming a copy of a document (same text, counted once), by the id of
    # the document kept: a brief on a topic shows only those of the documents it briefs.
    copies: dict[str, list[str]] = field(default_factory=dict)


# Where a skip warning says so: "a.txt: empty file; skipped", "...; skipped (raise it with ...)"
_SKIPPED = re.compile(r"\bskipped\b(?!.*\bskipped\b)")


def skip_as_error(warning: str, outcome: str) -> str:
    """A warning that an input was skipped, worded as the error it is when that input was all
    there was: "a.txt: empty file; skipped" -> "a.txt: empty file; nothing to brief". A
    warning that says no "skipped" ("a.txt: no such file") already reads as an error."""
    return _SKIPPED.sub(outcome, warning, count=1)


def parse_date(value: str) -> dt.date | None:
    """A calendar date written in common news formats, or None."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(value)
        if not m:
            continue
        parts = m.groups()
        try:
            if pattern is _DATE_PATTERNS[0]:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            if pattern is _DATE_PATTERNS[1]:
                month = _month_number(parts[0])
                return dt.date(int(parts[2]), month, int(parts[1]))
            month = _month_number(parts[1])
            return dt.date(int(parts[2]), month, int(parts[0]))
        except ValueError:
            continue
    return None


def _month_number(name: str) -> int:
    return [m[:3] for m in _MONTHS].index(name[:3].lower()) + 1


HEADER_LINES = 8  # the first lines of a document, where it states its title, outlet, URL and date


def _header_metadata(text: str, skip: Sequence[tuple[int, int]] = ()) -> dict[str, str]:
    """title / outlet / url / date stated in the document's first lines (``skip``: lines a
    format reader marked as furniture, such as a PDF's running header)."""
    return _header(text, skip)[0]


def _header(
    text: str,
    skip: Sequence[tuple[int, int]] = (),
    furniture: Sequence[tuple[int, int, bool]] | None = None,
) -> tuple[dict[str, str], list[tuple[int, int]]]:
    """The stated metadata (see ``_header_metadata``) and the spans of its "Field: value"
    lines: metadata, not prose, so furniture (never quoted, nor read as the subject: a folder
    of files opening "Source: ..." and "Date: ..." had "Date, Source" as its topic).
    ``furniture``: the text's ``furniture_lines``, when the caller has them."""
    found: dict[str, str] = {}
    fields: list[tuple[int, int]] = []
    skipped = set(skip)
    # furniture (a reader's, or a cookie banner, a menu) is no line of the header
    if furniture is None:
        lines = (
            (s, e)
            for s, e in paragraphs(text)
            if (s, e) not in skipped and not is_furniture_line(text, s, e)
        )
    else:
        lines = ((s, e) for s, e, known in furniture if not known and (s, e) not in skipped)
    body = False  # a title stands above the running text, never among or after it
    worded = 0  # lines of no words (a transcript's line numbers "1" to "25") take no room
    for s, e in lines:
        line = text[s:e]
        worded += any(ch.isalpha() for ch in line)
        if worded > HEADER_LINES:
            break
        m = _HEADER_FIELD.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2)
            key = {
                "headline": "title",
                "source": "outlet",
                "publisher": "outlet",
                "publication": "outlet",
                "link": "url",
                "published": "date",
                "updated": "date",
            }.get(key, key)
            found.setdefault(key, value)
            fields.append((s, e))
            continue
        body = body or len(line) > 200
        title = line.lstrip("#").strip()
        # a line of no words (a rule, front matter's "---", a transcript's line number "2")
        # titles nothing
        if "title" not in found and not body and any(ch.isalpha() for ch in title):
            found["title"] = title
        if "url" not in found and (u := _URL.fullmatch(line.strip().strip("<>"))):
            found["url"] = u.group(0)  # a line that is only a link: the article's own
        if "date" not in found and (date := _dateline_date(line)):
            found["date"] = date
    return found, fields


# "Published 2021-07-09" in a byline ("By Staff Reporter \u00b7 Published 2021-07-09 Share
# this"): said to be the date, whatever else the line holds. The first date a line so names
# is the publication's, not a later "Updated" one.
# The word starts with a capital, as a byline's label does ("..., first published 2019-03-02
# by the council, ..." is a sentence).
_PUBLISHED = re.compile(
    r"(?:^|(?<=[\s\u00b7|\u2022,;/\u2013\u2014-]))(?:First\s+published|Published|Posted|Updated"
    r"|PUBLISHED|POSTED|UPDATED)(?:\s+on)?\s*:?\s+"
)
BYLINE_CHARS = 160  # a longer line is running text, whatever date it names


def _dateline_date(line: str) -> str | None:
    """The date a line states, when it is a dateline: a short line that is a date and at most
    four other words ("Published 3 May 2026", "LONDON, Nov. 19, 2026 -"), or a byline naming
    the date it was published, not a sentence that happens to hold one. Only written dates
    are read (ISO, or with the month's name): "07/09/2021" could be July or September."""
    if len(line) > BYLINE_CHARS or not _YEAR.search(line):
        return None
    for said in _PUBLISHED.finditer(line):
        for pattern in _DATE_PATTERNS:
            m = pattern.match(line, said.end())
            if m and parse_date(m.group(0)):
                return m.group(0)
    if len(line) > 60:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(line)
        if m and parse_date(m.group(0)):
            rest = (line[: m.start()] + " " + line[m.end() :]).split()
            words = [w for w in rest if any(ch.isalnum() for ch in w)]
            return m.group(0) if len(words) <= 4 else None
    return None


def _trailing_outlet(text: str, furniture: Sequence[tuple[int, int]]) -> str | None:
    """An outlet named in a trailing 'Source(s)' block, e.g. 'Sources\\n- Reuters'."""
    lines = [text[s:e] for s, e in furniture]
    for i, line in enumerate(lines):
        if re.fullmatch(r"sources?:?", line.strip(), re.IGNORECASE):
            items = [ln.strip().lstrip("-*\u2022 ").strip() for ln in lines[i + 1 : i + 4]]
            items = [it for it in items if it and len(it) <= 60]
            if items:
                return ", ".join(items)
    return None


MAX_NAME_CHARS = 300  # a title or outlet longer than this is cut (a feed's 1 MB <title>)


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    name = one_line(visible(value[: MAX_NAME_CHARS * 4])[0])
    if len(name) > MAX_NAME_CHARS:
        name = name[: MAX_NAME_CHARS - 1].rstrip() + "\u2026"
    return name or None


def _link(value: str | None) -> str | None:
    """A URL the document states, or None when it is too long to be one (never cut short)."""
    return _name(value) if value is not None and len(value) <= MAX_URL_CHARS else None


# Characters that print as nothing and split a word they sit in ("Ang\u200bela Mer\u200bkel"
# was read as the names "Mer", "kel" and "Ang"): the zero-width space, the word joiner and a
# byte-order mark anywhere, and the zero-width (non-)joiners and direction marks between
# characters of scripts that have no use for them (Latin, Greek, Cyrillic, punctuation,
# white space): Persian, Arabic, Hebrew, Indic text and emoji sequences keep theirs.
_PLAIN = "\\s!-~\u00a0-\u024f\u0370-\u04ff\u1e00-\u1eff\u2010-\u205f\u200b\u2060\ufeff"
_INVISIBLE = re.compile(f"[\u200b\u2060\ufeff]+|(?<![^{_PLAIN}])[\u200c-\u200f]+(?![^{_PLAIN}])")


_ANY_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")


def visible(text: str) -> tuple[str, list[int]]:
    """``text`` without the invisible characters that split words (see ``_INVISIBLE``), and
    the offset in ``text`` of each removed one, in order."""
    if text.isascii() or not _ANY_INVISIBLE.search(text):
        return text, []  # (a plain class first: the lookbehind above is tried at every place)
    removed: list[int] = []
    for m in _INVISIBLE.finditer(text):
        removed.extend(range(m.start(), m.end()))
    return _INVISIBLE.sub("", text), removed


def _shifted(offset: int, removed: Sequence[int]) -> int:
    """Where ``offset`` of a text lands once the characters at ``removed`` are taken out."""
    return offset - bisect.bisect_left(removed, offset)


def document_id(text: str) -> str:
    return "d" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def document_from_text(
    text: str,
    path: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    date: dt.date | None = None,
    furniture: Sequence[tuple[int, int]] = (),
    pages: Sequence[int] = (),
) -> Document:
    """A Document from decoded text: universal newlines, control characters as spaces
    (:func:`briefing.sanitize.printable`), no invisible character inside a word
    (:func:`visible`), stated metadata, furniture marked.

    ``furniture`` (lines a format reader marked) and ``pages`` (page start offsets) are
    offsets into ``text``, which must then already have universal newlines and no BOM.
    """
    if (furniture or pages) and ("\r" in text or text.startswith("\ufeff")):
        raise ValueError("text with furniture or page offsets must be normalised first")
    text = printable(text.replace("\r\n", "\n").replace("\r", "\n"))
    if text.startswith("\ufeff"):
        text = text[1:]
    text, removed = visible(text)  # the text every quote is cited against
    if removed:
        shifted = ((_shifted(s, removed), _shifted(e, removed)) for s, e in furniture)
        furniture = [(s, e) for s, e in shifted if s < e]
        pages = [_shifted(p, removed) for p in pages]
    lines = furniture_lines(text)
    header, fields = _header(text, furniture, lines)
    furniture = sorted(set(furniture_spans(text, lines)) | set(furniture) | set(fields))
    if date is None and "date" in header:
        date = parse_date(header["date"])
    return Document(  # names are one line: no control character or newline reaches a page
        id=document_id(text),
        path=one_line(path),
        text=text,
        title=_name(title or header.get("title")),
        url=_link(url or header.get("url")),
        outlet=_name(outlet or header.get("outlet") or _trailing_outlet(text, furniture)),
        date=date,
        furniture=tuple(Span(start=s, end=e) for s, e in furniture),
        pages=tuple(pages),
    )


def _decode(data: bytes, path: str, warnings: list[str]) -> str:
    codec = bom_encoding(data)
    if codec is not None and codec != "utf-8-sig":  # UTF-16/32 hold NUL bytes by design
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            warnings.append(f"{path}: not valid {codec} after its byte-order mark ({exc.reason})")
            return data.decode(codec, errors="replace")
    if nuls := data.count(b"\x00"):
        # A stray NUL or two in text (a bad copy, a terminal's paste) is dropped; a file of
        # them (binary, UTF-16 without its mark) is no text.
        data = data.replace(b"\x00", b"")
        if nuls > max(1, len(data) // 1000) or not _is_utf8(data):
            raise InputError(path, "looks like a binary file (NUL bytes); skipped")
        warnings.append(f"{path}: {nuls} stray NUL byte(s) removed")
    sample = data[:8192]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and control / len(sample) > 0.05:
        raise InputError(path, "looks like a binary file (control bytes); skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "decoded as Windows-1252"
        )
        return data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def html_to_text(data: bytes, path: str, warnings: list[str]) -> tuple[str, dict[str, str]]:
    try:
        page = main_text(decode_html(data, path, warnings))
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError(path, "HTML needs the 'html' extra: pip install 'briefing[html]'") from exc
    if page is None:
        raise InputError(path, "no article text found in the HTML; skipped")
    warnings.extend(f"{path}: {note}" for note in page.notes)
    info = {
        key: value
        for key, value in (("title", page.title), ("url", page.url), ("outlet", page.outlet))
        if value
    }
    if page.date is not None:
        info["date"] = page.date.isoformat()
    return page.text, info


# What briefing writes into its own Markdown and HTML briefs (templates/brief.*.j2), so a
# brief saved beside its sources is not read back as one of them the next time.
MARKDOWN_BRIEF_MARK = b"<!-- generator: briefing -->"
_HTML_BRIEF_MARK = re.compile(rb'<meta\s+name="generator"\s+content="briefing"\s*/?>', re.I)


def is_own_brief(data: bytes, suffix: str) -> bool:
    """Whether ``data`` is a Markdown or HTML brief this tool wrote (a PDF brief is known by
    its Creator, in briefing.formats.pdf)."""
    if suffix in HTML_SUFFIXES:
        return _HTML_BRIEF_MARK.search(data[:4096]) is not None
    return suffix in TEXT_SUFFIXES and data.rstrip().endswith(MARKDOWN_BRIEF_MARK)


def load_document(
    data: bytes, path: str, *, suffix: str = ".txt", max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Document, list[str]]:
    """One Document from raw bytes, or InputError naming ``path``; plus repair warnings.
    (A newsletter of several stories is several: :func:`load_documents` gives them all, this
    the first.)"""
    documents, warnings = _load(data, path, suffix=suffix, max_bytes=max_bytes)
    return documents[0], warnings


def _load(
    data: bytes, path: str, *, suffix: str, max_bytes: int
) -> tuple[list[Document], list[str]]:
    """The Documents of one file or message: one, or one per story of an e-mail newsletter
    (named ``path#N``); InputError naming ``path`` when there is none."""
    warnings: list[str] = []
    path = one_line(path)
    if len(data) > max_bytes:
        raise too_big(path, len(data), max_bytes)
    if not data.strip():
        raise InputError(path, "empty file; skipped")
    if is_own_brief(data, suffix):
        raise OwnBriefError(path, "a brief made by briefing, not a source; skipped")
    if suffix in TEXT_SUFFIXES and data.startswith(_PDF_MAGIC):
        # A PDF by its content, whatever its name says (a download saved as .txt): read as
        # one, as a viewer would, not refused as a binary file.
        warnings.append(f"{path}: is a PDF (starts with %PDF-); read as one (rename it .pdf)")
        suffix = ".pdf"
    elif suffix == ".pdf" and not data.startswith(_PDF_MAGIC) and _HTML_START.match(data):
        # ... and a web page saved as .pdf is the web page it is
        warnings.append(f"{path}: is a web page (starts with <html>), not a PDF; read as one")
        suffix = ".html"
    if suffix in DOCUMENT_SUFFIXES:
        documents = _read_format(data, path, suffix, warnings, max_bytes)
    elif suffix in HTML_SUFFIXES:
        text, meta = html_to_text(data, path, warnings)
        documents = [
            document_from_text(
                text,
                path,
                title=meta.get("title"),
                url=meta.get("url"),
                outlet=meta.get("outlet"),
                date=parse_date(meta["date"]) if "date" in meta else None,
            )
        ]
    else:
        documents = [document_from_text(_decode(data, path, warnings), path)]
    kept: list[Document] = []
    empty: list[Document] = []
    for doc in documents:
        (kept if _has_content(doc) else empty).append(doc)
    if not kept:
        if language := unspaced_language("\n".join(doc.text for doc in documents)):
            raise InputError(path, f"no article text read: {_UNSPACED_NOTE.format(language)}")
        raise InputError(
            path,
            "no article text (only headings, page furniture or words without sentences); skipped",
        )
    # by list, not "doc not in kept": comparing whole documents was quadratic in a digest
    warnings += [f"{doc.path}: no article text; skipped" for doc in empty]
    for doc in kept:
        if language := unspaced_language(doc.text):
            warnings.append(
                f"{doc.path}: mostly {language} text, which is not read (only sentences in "
                "languages written with spaces between words are)"
            )
    if any(addresses_model(doc.text) for doc in kept):
        warnings.append(
            f"{path}: contains text addressed to an AI model; it is treated as content, never "
            "followed"
        )
    return kept, warnings


# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Myanmar, Khmer):
# the sentence and term rules (text.py, lexicon.py) find words by spaces and sentences by
# ". ! ?", so such text has no sentence to quote and no term to count.
_UNSPACED = (
    ("\u3040-\u30ff\u31f0-\u31ff", "Japanese"),  # kana first: Japanese is Han and kana
    ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff", "Chinese"),
    ("\u0e00-\u0e7f", "Thai"),
    ("\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff", "Lao, Myanmar or Khmer"),
)
_UNSPACED_CHARS = [(re.compile(f"[{chars}]"), name) for chars, name in _UNSPACED]
_UNSPACED_NOTE = (
    "this looks like {} text, and sentences are read only in languages written with spaces "
    "between words, such as English; skipped"
)


def unspaced_language(text: str, sample: int = 20_000) -> str | None:
    """The language of ``text`` when most of its letters are in a script written without
    spaces between words (see ``_UNSPACED``), else None."""
    head = text[:sample]
    if head.isascii():
        return None  # (every check here runs in C first: this is read for every document)
    found = [(len(chars.findall(head)), name) for chars, name in _UNSPACED_CHARS]
    unspaced = sum(n for n, _ in found)
    if not unspaced:
        return None
    letters = sum(ch.isalpha() for ch in head)
    if unspaced * 2 < letters:
        return None
    if found[0][0] * 10 >= found[1][0] and found[0][0]:  # kana among the Han: Japanese
        return found[0][1]
    return max(found)[1]


MIN_SENTENCE_WORDS = 4
MAX_RUN_WORDS = 400  # more words than this with no sentence end: a log line or a dump, not prose


def _read_format(
    data: bytes, path: str, suffix: str, warnings: list[str], max_bytes: int
) -> list[Document]:
    """A PDF, Word file or e-mail through its reader in briefing.formats (an e-mail newsletter
    of several stories: one Document per story, ``path#N``); what the reader left unread is
    added to ``warnings``. The per-document limit holds the text a file unpacks to as it holds
    the file: a 200 kB Word file of 30 MB of text is over it."""
    from briefing.formats import Extracted

    parts: list[Extracted]
    if suffix == ".pdf":
        from briefing.formats.pdf import read_pdf

        parts = [read_pdf(data, path)]
    elif suffix == ".docx":
        from briefing.formats.docx import read_docx

        parts = [read_docx(data, path, max_bytes=max_bytes)]
    else:
        from briefing.formats.mail import read_email

        notes: list[str] = []  # the HTML path may be taken twice (a newsletter's headings)
        parts = read_email(
            data, path, html_to_text=lambda html, name: html_to_text(html, name, notes)
        )
        warnings.extend(dict.fromkeys(notes))
    if sum(len(part.text) for part in parts) > max_bytes:
        raise too_big(path, sum(len(part.text) for part in parts), max_bytes, unpacked=" of text")
    unread = [part.unread for part in parts if part.unread]
    documents = []
    for number, extracted in enumerate(parts, 1):
        warnings.extend(extracted.warnings)
        date = extracted.date
        stated = _header_metadata(extracted.text, extracted.furniture).get("date")
        if extracted.dateline_wins and stated:
            date = parse_date(stated) or date
        documents.append(
            document_from_text(
                extracted.text,
                path if len(parts) == 1 else f"{path}#{number}",
                title=extracted.title,
                url=extracted.url,
                outlet=extracted.outlet,
                date=date,
                furniture=extracted.furniture,
                pages=extracted.pages,
            )
        )
    if unread and not any(_has_content(doc) for doc in documents):
        # the words are there, where this reader does not look: say where, not "no sentences"
        raise InputError(
            path,
            f"no article text in what is read; its {'; '.join(unread)} are not read; skipped",
        )
    return documents


def load_documents(
    data: bytes, path: str, *, suffix: str = ".txt", max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Document], list[str]]:
    """The Documents of one input: one, or one per message of an .mbox file, per entry of an
    RSS/Atom feed or per story of an e-mail newsletter (named ``path#N``; a story section of
    a mailbox's message ``path#N#M``; a bad one a warning). Raises InputError when there is
    none."""
    if suffix in FEED_SUFFIXES:
        return _feed_documents(data, path, max_bytes=max_bytes)
    if suffix not in MAILBOX_SUFFIXES:
        return _load(data, path, suffix=suffix, max_bytes=max_bytes)
    if len(data) > max_bytes:
        load_document(data, path, max_bytes=max_bytes)  # raises the size error
    from briefing.formats.mail import split_mbox

    messages = split_mbox(data)
    if not messages:
        raise InputError(path, "not an mbox mailbox (no 'From ' line starts it); skipped")
    documents: list[Document] = []
    notes: list[str] = []
    for number, message in enumerate(messages, 1):
        if not message.strip():  # two separator lines in a row: no "empty file" in a mailbox
            notes.append(f"{one_line(path)}#{number}: empty message; skipped")
            continue
        try:
            docs, repaired = _load(message, f"{path}#{number}", suffix=".eml", max_bytes=max_bytes)
        except InputError as exc:
            notes.append(str(exc))
            continue
        documents.extend(docs)
        notes.extend(repaired)
    if not documents:
        raise InputError(path, f"none of its {len(messages)} messages has article text; skipped")
    return documents, notes


def _feed_documents(data: bytes, path: str, *, max_bytes: int) -> tuple[list[Document], list[str]]:
    """One Document per entry of the feed in ``data``: its text as the feed holds it (nothing
    is fetched), the entry's title and link, the feed's title as the outlet."""
    from briefing.formats.feed import read_feed

    path = one_line(path)
    if len(data) > max_bytes:
        raise too_big(path, len(data), max_bytes)
    feed = read_feed(data, path)
    documents: list[Document] = []
    notes = list(feed.warnings)
    for number, entry in enumerate(feed.entries, 1):
        doc = document_from_text(
            entry.text,
            f"{path}#{number}",
            title=entry.title,
            url=entry.url,
            outlet=feed.title,
            date=entry.published.date() if entry.published else None,
        )
        if _has_content(doc):
            documents.append(doc)
        else:
            notes.append(f"{doc.path}: entry without article text; skipped")
    if not documents:
        raise InputError(path, f"none of its {len(feed.entries)} entries has article text; skipped")
    return documents, notes


def _has_content(doc: Document) -> bool:
    furniture = {(f.start, f.end) for f in doc.furniture}
    for s, e in paragraphs(doc.text):
        if (s, e) in furniture:
            continue
        for ss, se in sentence_spans(doc.text, s, e):
            words = len(doc.text[ss:se].split())
            if words > MAX_RUN_WORDS:
                continue
            # A real sentence, however short ("Iran denies the talks took place."): a flash or
            # a one-line denial is a document.
            if words >= MIN_SENTENCE_WORDS and doc.text[se - 1] in ".!?\"'\u201d\u2019)":
                return True
            if words >= 12:  # an excerpt cut mid-sentence
                return True
    return False


def source_suffix(path: Path) -> str | None:
    """The format a file in a folder is read as: its suffix when accepted, ``.eml`` for a
    message in a Maildir, else None."""
    suffix = path.suffix.lower()
    if suffix in ACCEPTED_SUFFIXES:
        return suffix
    return ".eml" if is_maildir_message(path) else None


def is_maildir_message(path: Path) -> bool:
    """A file in a Maildir's ``cur/`` or ``new/`` (with its sibling beside it): one message,
    whatever its name (Maildir names have no suffix)."""
    parent = path.parent
    return parent.name in ("cur", "new") and all(
        (parent.parent / name).is_dir() for name in ("cur", "new")
    )


def source_at(
    output: Path, paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> str | None:
    """The source among ``paths`` that writing ``output`` would replace: an input file itself,
    or a file a folder walk would read as a source (not a brief this tool wrote, nor one over
    ``max_bytes``, which is read no further than the walk would); None when writing there
    loses no source."""
    try:
        if not output.is_file():
            return None
        target = output.resolve()
    except OSError:
        return None
    for given in paths:
        if str(given) == "-":
            continue
        path = Path(given)
        try:
            if path.is_file() and os.path.samefile(path, output):
                return str(given)
            if not path.is_dir() or not target.is_relative_to(path.resolve()):
                continue
            suffix = output.suffix.lower()
            if suffix not in ACCEPTED_SUFFIXES:
                continue
            data = read_source(output, max_bytes=max_bytes)
            load_documents(data, str(output), suffix=suffix, max_bytes=max_bytes)
        except (OSError, ValueError):
            continue
        except InputError:  # our own brief (OwnBriefError), or nothing a brief would use
            continue
        return str(output)
    return None


def ingest_paths(
    paths: Sequence[str | Path],
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Ingested:
    """Documents from files, directories (recursive) and ``-`` (stdin).

    Never raises for one bad input: each gets a warning naming it, and the rest are read.
    Identical documents (same decoded text) are kept once.
    """
    result = Ingested()
    seen: dict[str, str] = {}

    def add(loaded: _Loaded, *, in_folder: bool = False) -> None:
        if loaded.failed is not None:
            if loaded.own_brief and in_folder:
                # our own output beside the sources: not what the user asked for
                logger.info("%s", loaded.failed)
                return
            result.warnings.append(loaded.failed)
            result.skipped += 1
            return
        result.warnings.extend(loaded.warnings)
        for doc in loaded.documents:
            if doc.id in seen:
                line = f"{doc.path}: same text as {seen[doc.id]}; counted once"
                result.warnings.append(line)
                result.copies.setdefault(doc.id, []).append(line)
                result.skipped += 1
                continue
            seen[doc.id] = doc.path
            result.documents.append(doc)

    for raw in paths:
        if str(raw) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            add(_load_data(stream.read(max_bytes + 1), "-", ".txt", max_bytes))
            continue
        path = Path(raw)
        try:
            is_dir = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as exc:
            if exc.errno == errno.ENOENT and _URL_ARGUMENT.match(str(raw)):
                # Path() would name it 'https:/host/...': say what it is and what reads it.
                result.warnings.append(
                    f"{one_line(str(raw))}: a URL, not a file; only local files are read here "
                    "('briefing daily URL' fetches a feed or page)"
                )
                result.skipped += 1
                continue
            reason = "no such file or directory" if exc.errno == errno.ENOENT else os_reason(exc)
            result.warnings.append(f"{one_line(path)}: {reason}")
            result.skipped += 1
            continue
        if is_dir:
            walk_warnings: list[str] = []
            files = walk_folder(path, ACCEPTED_SUFFIXES, walk_warnings, also=is_maildir_message)
            result.warnings.extend(walk_warnings)
            result.skipped += len(walk_warnings)
            if not files and not walk_warnings:
                result.warnings.append(
                    f"{one_line(path)}: no .txt, .md, .html, .pdf, .docx, .eml, .mbox or feed "
                    "(.rss, .atom, .xml) documents in this directory"
                )
        else:
            files = [path]
        # Plain-text files are read on two processes when there are thousands (nothing is
        # logged while one is read); the others here, in their turn, so that what their
        # readers log comes in the order of the files.
        read = functools.partial(_load_file, max_bytes=max_bytes)
        texts = iter(ordered_map(read, [f for f in files if f.suffix.lower() in TEXT_SUFFIXES]))
        for file in files:
            add(
                next(texts) if file.suffix.lower() in TEXT_SUFFIXES else read(file),
                in_folder=is_dir,
            )
    return result


@dataclass
class _Loaded:
    """What one input gave: its documents and repair warnings, or why it was skipped."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed: str | None = None
    own_brief: bool = False  # failed because it is a brief this tool wrote


def _load_data(data: bytes, name: str, suffix: str, max_bytes: int) -> _Loaded:
    try:
        documents, warnings = load_documents(data, name, suffix=suffix, max_bytes=max_bytes)
    except OwnBriefError as exc:
        return _Loaded(failed=str(exc), own_brief=True)
    except InputError as exc:
        return _Loaded(failed=str(exc))
    return _Loaded(documents, warnings)


def _load_file(file: Path, *, max_bytes: int) -> _Loaded:
    try:
        data = read_source(file, max_bytes=max_bytes)
    except InputError as exc:
        return _Loaded(failed=str(exc))
    suffix = source_suffix(file) or file.suffix.lower()
    return _load_data(data, one_line(file), suffix, max_bytes)
