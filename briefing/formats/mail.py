"""E-mail input: ``.eml`` messages and ``.mbox`` mailboxes, through the standard library.

One document per message: the subject is its title, the sender (the display name, else the
address) its source line, the Date header its date. The body is the HTML part when there is
one, read by the same HTML-to-text path as web pages, else the plain-text part, whose
hard-wrapped lines are joined into paragraphs. Attachments are not read.

Newsletter furniture is marked, never cited: "view in browser" and "forward to a friend"
lines, and the footer from the first unsubscribe / "you are receiving this" / preferences
line in the second half of the message, or from a ``-- `` signature separator, to the end.
Nothing in a message is run or fetched: no scripts, no remote images, no links followed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import itertools
import re
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage, Message

from briefing.entities import settle_entities
from briefing.errors import InputError
from briefing.formats import Extracted, TextBuilder
from briefing.text import SHORT_LINE_CHARS, is_furniture_line

# A line from which the rest of the message is its footer (when in the second half).
_FOOTER = re.compile(
    r"unsubscribe|opt[\s-]?out\b|manage\s+(?:your\s+)?(?:subscription|preferences|e-?mail)"
    r"|update\s+(?:your\s+)?(?:subscription|preferences|e-?mail\s+preferences)"
    r"|e-?mail\s+preferences|you\s+(?:are\s+)?receiv(?:ed|ing)\s+this"
    r"|(?:this\s+(?:e-?mail|message|newsletter)\s+was\s+)?sent\s+to\s+\S+@\S+"
    r"|if\s+you\s+(?:no\s+longer\s+)?(?:wish|want)\s+to\s+(?:receive|stop)"
    r"|no\s+longer\s+want\s+to\s+receive",
    re.IGNORECASE,
)
_UTF8_BOM = b"\xef\xbb\xbf"
_SIGNATURE = re.compile(r"^--\s?$")
_MBOX_FROM = re.compile(rb"^From [^\n]*\n", re.MULTILINE)
_MBOX_ESCAPED = re.compile(rb"^>(>*From )", re.MULTILINE)
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022>]|\d+[.)])\s")


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox file, ``>From `` lines unescaped."""
    data = data.replace(b"\r\n", b"\n")
    starts = [
        m.start()
        for m in _MBOX_FROM.finditer(data)
        if m.start() == 0 or data[m.start() - 2 : m.start()] == b"\n\n"
    ]
    if not starts or starts[0] != 0:
        return []
    messages: list[bytes] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        raw = data[start:end]
        raw = raw[raw.index(b"\n") + 1 :]  # the "From " separator line
        messages.append(_MBOX_ESCAPED.sub(rb"\1", raw))
    return messages


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, LookupError):  # malformed encoded words
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _sender(message: Message) -> str | None:
    name, address = email.utils.parseaddr(_header(message, "From"))
    return (name or address or "").strip()[:120] or None


def _date(message: Message) -> dt.date | None:
    value = _header(message, "Date")
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _charset_label(part: Message) -> str:
    """The part's charset label, lower-case, with underscores read as hyphens: senders write
    Python's and IANA's spellings alike ("utf_16", "iso_8859_1", "cp_1252")."""
    return (part.get_content_charset() or "").strip().lower().replace("_", "-")


def _codec(label: str) -> str | None:
    """The text codec a charset label names: as written (the standard library reads
    "iso_8859_1" and "utf_8"), else without its hyphens ("cp-1252" is "cp1252"); None when
    neither is a codec."""
    for name in (label, label.replace("-", "")):
        try:
            info = codecs.lookup(name)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True):
            return info.name
    return None


def _content(part: Message) -> str | None:
    charset = _charset_label(part)
    if charset.startswith(("utf-16", "utf-32")):  # as browsers do with such a label: UTF-16
        payload = part.get_payload(decode=True)  # text without NUL bytes is not UTF-16
        if isinstance(payload, bytes) and b"\x00" not in payload[:4096]:
            return payload.decode("utf-8", errors="replace")
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError, UnicodeError):  # an unknown charset
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        return payload.decode(_codec(charset) or "utf-8", errors="replace")
    return content if isinstance(content, str) else None


def _plain_paragraphs(text: str) -> Iterator[str]:
    """Hard-wrapped lines joined into paragraphs. A line continues into the next when it is
    nearly as long as the wrap width (or ends in a space: format=flowed) and does not end a
    sentence; short lines such as a footer's stay apart, and so do list items and quotes."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lengths = sorted(len(ln.rstrip()) for ln in raw_lines if ln.strip())
    width = max(40, lengths[int(len(lengths) * 0.9)] if lengths else 72)
    lines: list[str] = []
    for raw in raw_lines:
        line = raw.rstrip()
        if not line.strip() or _SIGNATURE.match(line) or _LIST_LINE.match(line):
            if lines:
                yield " ".join(lines)
                lines = []
            if line.strip():
                yield line.strip()
            continue
        if lines and lines[-1][-1:] in ".!?:" and line.strip()[:1].isupper():
            yield " ".join(lines)  # a sentence ends with the line: nothing is lost by a break
            lines = []
        lines.append(line.strip())
        if len(line) < 0.75 * width and not raw.endswith(" "):
            yield " ".join(lines)
            lines = []
    if lines:
        yield " ".join(lines)


def _unwrap_layout_tables(markup: str) -> str:
    """Newsletters lay out their columns with tables, where the article finder sees only
    tables; turned into plain blocks, their paragraphs read as an article's do."""
    try:
        import lxml.html
    except ImportError:  # pragma: no cover - lxml comes with the html extra
        return markup
    try:
        root = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return markup
    for element in root.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
        element.tag = "div"
    return str(lxml.html.tostring(root, encoding="unicode"))


HtmlToText = Callable[[bytes, str], tuple[str, dict[str, str]]]


def _body_lines(
    message: EmailMessage, path: str, html_to_text: HtmlToText
) -> tuple[list[str], tuple[str, ...]]:
    """The body's lines, and what settling the HTML body's entities left out."""
    html = message.get_body(preferencelist=("html",))
    plain = message.get_body(preferencelist=("plain",))
    if html is not None and (markup := _content(html)):
        # Entities settled as a web page's are (briefing.entities), before lxml re-writes the
        # markup: it would turn an undefined "&xxe;" into the text "&amp;xxe;".
        settled, notes = settle_entities(markup.encode("utf-8", "surrogatepass"))
        markup = settled.decode("utf-8", "surrogatepass")
        try:
            # Already decoded by the part's charset: a UTF-8 byte-order mark says so, over any
            # <meta charset> the markup still carries.
            page = _UTF8_BOM + _unwrap_layout_tables(markup).encode("utf-8", "surrogatepass")
            text, _ = html_to_text(page, path)
        except InputError:
            if plain is None:
                raise
        else:
            return [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()], notes
    if plain is not None and (body := _content(plain)):
        return list(_plain_paragraphs(body)), ()
    raise InputError(path, "e-mail has no readable text body; skipped")


def read_email(data: bytes, path: str, *, html_to_text: HtmlToText) -> Extracted:
    """One e-mail message: its body as text, newsletter furniture marked. ``html_to_text``
    is the web pages' path (ingest's), so a newsletter reads as an article does."""
    try:
        return _read_email(data, path, html_to_text)
    except RecursionError:  # the standard library parses nested parts recursively
        raise InputError(path, "MIME parts nested too deeply to read; skipped") from None


# More MIME parts than this in one message is no e-mail a person sent: the standard library
# parses each part's headers at ~0.2 ms, so 100,000 parts in 4 MB held a build for 27 s.
MAX_MIME_PARTS = 5_000
_DELIMITER_LINE = re.compile(rb"^--", re.MULTILINE)  # every boundary line starts so
_MULTIPART = re.compile(rb"multipart/", re.IGNORECASE)


def _too_many_parts(data: bytes) -> bool:
    """Whether a multipart message has more boundary lines than ``MAX_MIME_PARTS`` allows
    (counted before parsing: lines starting with ``--``, an upper bound of its parts)."""
    if _MULTIPART.search(data) is None:
        return False
    beyond = itertools.islice(_DELIMITER_LINE.finditer(data), MAX_MIME_PARTS + 1, None)
    return next(beyond, None) is not None


def _read_email(data: bytes, path: str, html_to_text: HtmlToText) -> Extracted:
    if _too_many_parts(data):
        raise InputError(
            path, f"more than {MAX_MIME_PARTS:,} MIME parts (built to be slow to read?); skipped"
        )
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise InputError(path, "not an e-mail message (no headers); skipped")
    lines, notes = _body_lines(message, path, html_to_text)
    footer_from = len(lines)
    for i, line in enumerate(lines):
        short = len(line) <= SHORT_LINE_CHARS
        if _SIGNATURE.match(line) or (short and i >= len(lines) // 2 and _FOOTER.search(line)):
            footer_from = i
            break
    builder = TextBuilder()
    for i, line in enumerate(lines):
        builder.line(line, furniture=i >= footer_from or is_furniture_line(line, 0, len(line)))
    return Extracted(
        text=builder.text(),
        title=_header(message, "Subject")[:300] or None,
        outlet=_sender(message),
        date=_date(message),
        furniture=tuple(builder.furniture),
        warnings=tuple(f"{path}: {note}" for note in notes),
    )
