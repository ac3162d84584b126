"""Entity references in XML and HTML sources, settled before any parser sees them.

A feed or page can declare entities in its DOCTYPE: external ones (``<!ENTITY xxe SYSTEM
"file:///etc/passwd">``, an external DTD) would have a parser read a file or the network;
nested ones (billion laughs) or one long value referenced many times (quadratic blowup) would
expand a small file into gigabytes; and a reference to an entity nobody defined reached the
brief as ``&xxe;`` or ``&amp;xxe``. :func:`settle_entities` removes the DOCTYPE and decides
every named reference itself: the five XML ones kept, an HTML name (``&mdash;``) written as its
character reference, an internal entity whose value is plain text written out (until the
written-out text would reach the document's own size), and any other dropped, with one warning
naming the source. Feeds (``briefing.formats.feed``) and HTML pages (``briefing.htmlpage``)
both go through it, so a reader sees the same text for the same reference.
"""

from __future__ import annotations

import re
from html.entities import html5 as _HTML5_ENTITIES

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


def settle_entities(body: bytes) -> tuple[bytes, tuple[str, ...]]:
    """``body`` with its DOCTYPE removed and every named entity reference settled (see the
    module's docstring), and what was left out: one note each for references dropped and for
    expansion stopped, for a warning that names the source. References in CDATA sections and
    comments are text and left alone.

    ``body`` must hold the characters the parser will read, in UTF-8 or another encoding that
    writes ``<``, ``&`` and letters as ASCII does: a reader decodes first (feeds through
    :func:`briefing.formats.feed.as_utf8`, pages through ``decode_html``). A body with a
    UTF-16 or UTF-32 byte-order mark is returned as it is."""
    if _bom_is_wide(body):
        return body, ()
    declared: dict[bytes, bytes] = {}
    span = _doctype_span(body)
    if span is not None:
        start, end = span
        for m in _ENTITY_DECL.finditer(body, start, end):
            value = m.group(2) if m.group(2) is not None else m.group(3)
            declared.setdefault(m.group(1), value.replace(b'"', b"&quot;").replace(b"'", b"&apos;"))
        body = body[:start] + body[end:]
    if b"&" not in body:
        return body, ()
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
    notes: list[str] = []
    if over_budget:
        notes.append(
            "its entities would expand past its own size (an entity bomb?); "
            "the rest of them left out"
        )
    if dropped:
        names = ", ".join("&" + n.decode("ascii") + ";" for n in list(dropped)[:3])
        more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
        notes.append(
            f"entities left out ({names}{more}): undefined, external or built from "
            "others; nothing outside it is read"
        )
    return b"".join(out), tuple(notes)


def _bom_is_wide(body: bytes) -> bool:
    """Whether ``body`` starts with a UTF-16 or UTF-32 byte-order mark."""
    return body.startswith((b"\xff\xfe", b"\xfe\xff"))
