"""E-mail input: ``.eml`` messages and ``.mbox`` mailboxes, through the standard library.

One document per message: the subject is its title, the sender (the display name, else the
address) its source line, the Date header its date. The body is the HTML part when there is
one, read by the same HTML-to-text path as web pages, else the plain-text part, whose
hard-wrapped lines are joined into paragraphs. A part sent as it is (not quoted-printable or
base64) whose long lines a relay broke with a line break and a space, wherever it fell
("nord-o" / " ccidentale"), is read with the breaks taken out. Attachments are not read.

A newsletter of several unrelated stories, each under its own heading, is one document per
story instead (:mod:`briefing.formats.newsletter` says when): each is its lines of the
message's text, titled by its heading, with the message's sender and date. An HTML body's
headings (which the article finder drops) are found in the markup and kept as lines. A
title in capitals (a heading, or the subject) is shown in a readable case, each word as the
message writes it elsewhere ("Texas abortion law stays in place"); its line in capitals is
then furniture: the title, never a quote.

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
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from typing import Any

from briefing.entities import settle_entities
from briefing.errors import InputError
from briefing.formats import Extracted, TextBuilder
from briefing.formats.newsletter import (
    LIST_LINE,
    CaseForms,
    Section,
    boilerplate_blocks,
    heading_marker,
    mark_headings,
    marked_lines,
    shouting,
    sponsor_blocks,
    story_sections,
)
from briefing.htmlpage import bom_encoding, decode_html, meta_charset
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


def _declared_codec(part: Message) -> str | None:
    """The codec a part's charset parameter usefully names: None for no parameter, an unknown
    or non-text codec, "us-ascii" (what a sender's software writes when it does not know),
    and a UTF-16/32 label on text without NUL bytes (as browsers do: that text is not UTF-16)."""
    codec = _codec(label) if (label := _charset_label(part)) else None
    if codec == "ascii":
        return None
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and b"\x00" not in payload[:4096]:
            return None
    return codec


# A relay passes on a body line longer than SMTP allows by breaking it, wherever it falls,
# mid-word too, with a line break and a space (Postfix at 990 or 998 characters): an 8-bit
# HTML part's "nord-occidentale" arrived as "nord-o" and " ccidentale" on the next line.
SMTP_LINE_CHARS = 998
FOLDED_LINE_CHARS = 900  # a line this long or longer may have been broken by a relay


def _unfolded(text: str) -> str:
    """``text`` with a relay's line breaks taken out: the lines broken at one width,
    FOLDED_LINE_CHARS to SMTP_LINE_CHARS (a line it went on from one character longer: its
    space counted or not), each followed by a line starting with a space, when no line is
    longer (a line longer than the width was never broken at it)."""
    lines = text.replace("\r\n", "\n").split("\n")
    widths = {
        len(line)
        for line, after in itertools.pairwise(lines)
        if FOLDED_LINE_CHARS <= len(line) <= SMTP_LINE_CHARS + 1 and after.startswith(" ")
    }
    if not widths or max(widths) - min(widths) > 1 or max(map(len, lines)) > max(widths):
        return text
    out = [lines[0]]
    for before, line in itertools.pairwise(lines):
        if len(before) in widths and line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return "\n".join(out)


def _content(
    part: Message, path: str, warnings: list[str], *, sibling: Message | None = None
) -> str | None:
    """A text part's content (:func:`_decoded`), a relay's breaks of its long lines taken out
    when it was sent as it is (no quoted-printable or base64, whose lines are short)."""
    text = _decoded(part, path, warnings, sibling=sibling)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if text is None or encoding in ("quoted-printable", "base64"):
        return text
    return _unfolded(text)


def _decoded(
    part: Message, path: str, warnings: list[str], *, sibling: Message | None = None
) -> str | None:
    """A text part's content, decoded as files are (:mod:`briefing.ingest`): in the charset
    it declares (with repairs and a warning when its bytes are not valid in it); without a
    usable one, as UTF-8 when valid, else an HTML part's ``<meta charset>``, else the charset
    its sibling part (the other of text/plain and text/html) declares, else a guess, each
    guess a warning naming the file. Never U+FFFD without a warning."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    kind = f"e-mail {part.get_content_type()} part"
    codec = _declared_codec(part)
    if codec is not None:
        try:
            return payload.decode(codec)
        except (UnicodeError, LookupError):
            pass
        try:  # a codec that cannot repair ("undefined") falls through to a guess
            text = payload.decode(codec, errors="replace")
        except (UnicodeError, LookupError):
            pass
        else:
            warnings.append(
                f"{path}: {kind} not valid {codec} as it declares; decoded with repairs"
            )
            return text
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    html = part.get_content_subtype() == "html"
    if html and (bom_encoding(payload) or meta_charset(payload)):
        return decode_html(payload, path, warnings)  # as a web page in that charset is
    unusable = "no usable charset declared and not UTF-8"
    if sibling is not None and (other := _declared_codec(sibling)) is not None:
        try:
            text = payload.decode(other)
        except (UnicodeError, LookupError):
            pass
        else:
            warnings.append(
                f"{path}: {kind}: {unusable}; decoded as {other}, as its "
                f"{sibling.get_content_type()} part declares (a guess)"
            )
            return text
    if html:  # guessed as a web page without a charset is, and said so
        return decode_html(payload, f"{path}: {kind}", warnings)
    warnings.append(f"{path}: {kind}: {unusable}; decoded as Windows-1252 (a guess)")
    return payload.decode("cp1252", errors="replace")


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
        if not line.strip() or _SIGNATURE.match(line) or LIST_LINE.match(line):
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


def _layout_tree(markup: str) -> Any | None:
    """The markup as an lxml tree with its layout tables turned into plain blocks: newsletters
    lay out their columns with tables, where the article finder sees only tables; as blocks,
    their paragraphs read as an article's do. None when lxml cannot read it."""
    try:
        import lxml.html
    except ImportError:  # pragma: no cover - lxml comes with the html extra
        return None
    try:
        root = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return None
    for element in root.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
        element.tag = "div"
    return root


def _html(root: Any) -> str:
    import lxml.html

    return str(lxml.html.tostring(root, encoding="unicode"))


def _unwrap_layout_tables(markup: str) -> str:
    root = _layout_tree(markup)
    return markup if root is None else _html(root)


HtmlToText = Callable[[bytes, str], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class _Body:
    """A message's body as lines, its warnings (a guessed charset, what settling its HTML's
    entities left out), each naming the file, and the (entity-settled) markup when the body
    was HTML."""

    lines: list[str]
    warnings: tuple[str, ...] = ()
    markup: str | None = None


def _html_lines(markup: str, path: str, html_to_text: HtmlToText) -> list[str]:
    # Already decoded by the part's charset: a UTF-8 byte-order mark says so, over any
    # <meta charset> the markup still carries.
    text, _ = html_to_text(_UTF8_BOM + markup.encode("utf-8", "surrogatepass"), path)
    return [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]


def _body(message: EmailMessage, path: str, html_to_text: HtmlToText) -> _Body:
    html = message.get_body(preferencelist=("html",))
    plain = message.get_body(preferencelist=("plain",))
    decoding: list[str] = []  # the warnings decoding the part read gave
    if html is not None and (markup := _content(html, path, decoding, sibling=plain)):
        # Entities settled as a web page's are (briefing.entities), before lxml re-writes the
        # markup: it would turn an undefined "&xxe;" into the text "&amp;xxe;".
        settled, notes = settle_entities(markup.encode("utf-8", "surrogatepass"))
        markup = settled.decode("utf-8", "surrogatepass")
        try:
            lines = _html_lines(_unwrap_layout_tables(markup), path, html_to_text)
        except InputError:
            if plain is None:
                raise
        else:
            return _Body(lines, (*decoding, *(f"{path}: {note}" for note in notes)), markup)
    decoding.clear()
    if plain is not None and (body := _content(plain, path, decoding, sibling=html)):
        return _Body(list(_plain_paragraphs(body)), tuple(decoding))
    raise InputError(path, "e-mail has no readable text body; skipped")


def _furniture(lines: list[str]) -> list[bool]:
    """Which lines are furniture: known furniture lines, a press release's standing blocks
    ("About Acme Inc.", "Forward-Looking Statements", "Media contact": no news of the day),
    and the footer, from the first unsubscribe-like line in the second half of the message
    (or a signature) to the end."""
    footer_from = len(lines)
    for i, line in enumerate(lines):
        short = len(line) <= SHORT_LINE_CHARS
        if _SIGNATURE.match(line) or (short and i >= len(lines) // 2 and _FOOTER.search(line)):
            footer_from = i
            break
    block = boilerplate_blocks(lines)
    return [
        i >= footer_from or block[i] or is_furniture_line(ln, 0, len(ln))
        for i, ln in enumerate(lines)
    ]


def _marked_body(
    markup: str, path: str, html_to_text: HtmlToText
) -> list[tuple[str, str | None]] | None:
    """The HTML body's lines, each with the kind of heading the markup made it ("h2", "b"),
    None for no heading; None when it has fewer than two headings (then it is one story) or
    its text cannot be read so."""
    root = _layout_tree(markup)
    marker = heading_marker(markup)
    if root is None or marker in markup or len(kinds := mark_headings(root, marker)) < 2:
        return None
    try:
        text = "\n".join(_html_lines(_html(root), path, html_to_text))
    except InputError:
        return None
    found = marked_lines(text, marker)
    if found is None:
        return None
    lines, numbers = found
    return [(ln, None if k is None else kinds[k]) for ln, k in zip(lines, numbers, strict=True)]


def read_email(data: bytes, path: str, *, html_to_text: HtmlToText) -> list[Extracted]:
    """One e-mail message: its body as text, newsletter furniture marked; one Extracted per
    story of a newsletter of several (:mod:`briefing.formats.newsletter`), else one for the
    whole message. ``html_to_text`` is the web pages' path (ingest's), so a newsletter reads
    as an article does."""
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


def _read_email(data: bytes, path: str, html_to_text: HtmlToText) -> list[Extracted]:
    if _too_many_parts(data):
        raise InputError(
            path, f"more than {MAX_MIME_PARTS:,} MIME parts (built to be slow to read?); skipped"
        )
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise InputError(path, "not an e-mail message (no headers); skipped")
    body = _body(message, path, html_to_text)
    title = _header(message, "Subject")[:300] or None
    outlet, date = _sender(message), _date(message)
    warnings = body.warnings
    lines, furniture = body.lines, _furniture(body.lines)
    sections: list[Section] = []
    if body.markup is None:
        sections = story_sections(lines, furniture, subject=title)
    elif (marked := _marked_body(body.markup, path, html_to_text)) is not None:
        marked_text = [line for line, _ in marked]
        marked_furniture = _furniture(marked_text)
        sections = story_sections(
            marked_text, marked_furniture, [kind for _, kind in marked], subject=title
        )
        if sections:
            lines, furniture = marked_text, marked_furniture
    if not sections:  # one source: a sponsor's block in it is no part of its news
        sponsored = sponsor_blocks(lines)
        furniture = [f or ad for f, ad in zip(furniture, sponsored, strict=True)]
        sections = [Section(0, len(lines), None)]
    # headings in capitals shown in a readable case, from how the message writes their words
    shouted = [h for s in sections if (h := s.title or title) is not None and shouting(h)]
    forms = CaseForms(lines, shouted) if shouted else None

    parts: list[Extracted] = []
    for section in sections:
        builder = TextBuilder()
        heading = section.title or title
        shown = forms.readable(heading) if forms is not None and heading else heading
        for i in range(section.start, section.end):
            line = section.title if i == section.head and section.title else lines[i]
            # a heading shown in another case is the source's title, never quoted in capitals
            retitled = shown != heading and _same_text(line, heading)
            builder.line(line, furniture=furniture[i] or retitled)
        parts.append(
            Extracted(
                text=builder.text(),
                title=shown,
                outlet=outlet,
                date=date,
                furniture=tuple(builder.furniture),
                warnings=warnings if not parts else (),
            )
        )
    return parts


def _same_text(line: str, heading: str | None) -> bool:
    return heading is not None and " ".join(line.split()) == " ".join(heading.split())
