"""PDF input through pypdfium2 (PDFium, Chromium's PDF engine).

Chosen over pypdf and pdfminer.six by measurement (bench/formats_bench.py): on a 100-page
report PDFium extracts in about 0.1 s where pypdf takes 5 s and pdfminer.six 4-26 s, with the
same words, and it keeps columns in order. PDFium gives lines with their positions; this
module reads them and :mod:`briefing.formats.pdflayout` rebuilds paragraphs from them:

- each printed line is a line: PDFium's own join of a line ending in a hyphen to what it
  reads next (U+FFFE) is undone, as it may be the page's foot;
- a footnote's mark (figures set smaller than the text beside them and raised) is left out
  of the text ("... disagree alert,9 (3) ..." reads "... disagree alert, (3) ..."); a
  subscript stays, a unit's power is written as one ("km2" -> "km\u00b2");
- running headers and footers (the same words, digits aside, near the same height in the top
  or bottom tenth of several pages) and page numbers there are furniture lines, placed first
  and last on their page, so they are kept in the text (offsets stay checkable) but never
  cited; in a one-page file, where nothing repeats, lines set smaller than the text above or
  below all of it in those zones are;
- pages are separated by a blank line and ``pages`` holds the offset each page starts at;
- the title is the metadata's, else the largest line on the first page; a web page printed to
  PDF keeps its "Headline | Site" title, read as title and outlet (the Author is a byline,
  never the outlet); the date is a dateline on the first page (ingest looks for it: a
  "Published <date>" byline too), else the metadata's creation date.

PDFium is used without its form environment, so no JavaScript or form action is run, and it
never follows external references. Pages are read up to a limit that grows with the file's
size, so a page tree listing one page half a million times cannot hold a build. Encrypted,
malformed and scanned (no text layer) PDFs raise InputError with one line each.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.errors import InputError, OwnBriefError
from briefing.formats import Extracted, TextBuilder
from briefing.formats.pdflayout import (
    LIGATURES,
    SMALL,
    Line,
    Vocabulary,
    clean,
    common_size,
    mark_footnotes,
    paragraphs,
)
from briefing.htmlpage import split_site_name

BRIEF_CREATOR = "briefing"  # a brief's Creator: the generator meta of templates/brief.html.j2
MAX_INFLATED_BYTES = 250 * 1024 * 1024
_MAX_RATIO = 50  # inflated/packed size allowed beyond MAX_INFLATED_BYTES
_STREAM = re.compile(rb"stream\r?\n")
_STEP = 1 << 20  # bytes inflated at a time while measuring
_ZONE = 0.1  # share of the page height, top and bottom, where running heads and feet sit
_SAME_HEIGHT = 0.02  # share of the page height within which a repeated line counts as fixed
_PIECE = re.compile("[^\ufffe]*\ufffe|[^\ufffe]+")  # a line cut after PDFium's hyphen marks
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE = re.compile(r"[^\r\n]+")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|pp\.|seite|página|pagina)?\s*[-\u2013\u2014(\[]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})"
    r"\s*[-\u2013\u2014)\]]?(?:\s*(?:of|/|von|de|sur)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_TITLE_LINES = 4  # a title wraps over at most this many lines
# Pages read at most: the larger of MAX_PAGES and one per _BYTES_PER_PAGE of the file. A page
# tree may list one page object many times over (a 2 kB file of 500,000 pages, a minute to
# read); a file of that many real pages is far larger.
MAX_PAGES = 2_000
_BYTES_PER_PAGE = 1_000
_JUNK_TITLE = re.compile(
    r"^(?:untitled|document\d*|microsoft word\s*-.*|.*\.(?:docx?|pdf|indd))$"
    # a file's name the making program left in the Title: one word with an extension, an
    # underscore or a folder in it ("10811.exe", "905_Precinct_NoOU", "C:\\jobs\\fr.ps")
    r"|^\S*(?:\.[a-z][a-z0-9]{1,4}|_|[\\/])\S*$"
    # a path with spaces in its folder names
    r"|^(?:[a-z]:)?\\.*|^/\S.*/.*"
)


@dataclass
class _Page:
    height: float
    lines: list[Line]
    pictures: bool = False

    @property
    def scanned(self) -> bool:
        """Pictures and no text but furniture: a scanned page (once furniture is marked)."""
        return self.pictures and all(line.furniture for line in self.lines)


def _utf16_indexer(text: str) -> Callable[[int], int]:
    """Maps a str index to PDFium's character index (UTF-16 code units)."""
    if not _ASTRAL.search(text):
        return lambda i: i
    offsets, unit = [], 0
    for ch in text:
        offsets.append(unit)
        unit += 2 if ord(ch) >= 0x10000 else 1
    return lambda i: offsets[i]


# A footnote's mark: one to three figures set smaller than the text beside them, their
# foot raised by more than _MARK_RISE of its height (superscript figures are set 0.6 to 0.9 of
# the size, raised 0.3 to 0.4 of it; a subscript is lowered, a different font at most 0.1)
_MARK = re.compile(r"(?<!\d)\d{1,3}(?!\d)")
_MARK_SHRINK = 0.95
_LONE_MARK_SHRINK = 0.8  # a mark standing between two words is set clearly smaller
_LETTER = re.compile(r"[^\W\d_]")
_MARKED = ".,;:)]\"'\u201d\u2019"  # a mark follows a word or its closing punctuation
_MARK_RISE = 0.2
_POWERS = {"2": "\u00b2", "3": "\u00b3"}
_UNIT = re.compile(r"(?<![^\W\d_])(?:[mck]?m|ft|in|mi|yd)\Z")  # "km" before a raised 2: km\u00b2


_IMPLAUSIBLE = 0.5  # a font size under this share of its glyph's box is the font's, unscaled


def _plausible_size(reported: float, glyph_height: float) -> float:
    """A line's font size in page units. PDFium reports the size the text operator sets
    ("/F1 1 Tf"); a PDF that scales its text with the text matrix instead ("9 0 0 9 x y Tm",
    as the Federal Register's typesetter does) is reported as size 1 for 9 pt text, so the
    measured height of the glyph's box stands in for it."""
    return reported if reported >= _IMPLAUSIBLE * glyph_height else glyph_height


def _read_page(page: object) -> _Page:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        raw = textpage.get_text_range()
        index = _utf16_indexer(raw)

        def box(i: int) -> tuple[float, float, float, float]:
            return textpage.get_charbox(index(i), loose=True)  # type: ignore[no-any-return]

        def size(i: int, low: float, top: float) -> float:
            return _plausible_size(pdfium_c.FPDFText_GetFontSize(textpage.raw, index(i)), top - low)

        lines: list[Line] = []
        for m in _LINE.finditer(raw):
            # PDFium joins a line ending in a hyphen to the next without a line break (U+FFFE
            # for the hyphen), even when the next is no line of the same paragraph: a page's
            # last word "Soekarno-" took the typesetter's slug from the page's foot
            for piece in _PIECE.finditer(raw, m.start(), m.end()):
                line = _read_line(raw, piece.start(), piece.end(), box, size)
                if line is not None:
                    lines.append(line)
        pictures = False
        if len(lines) <= 6:  # a page of text is no scan; only a nearly empty one is looked at
            images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)  # type: ignore[attr-defined]
            pictures = next(images, None) is not None
        return _Page(float(page.get_height()), lines, pictures=pictures)  # type: ignore[attr-defined]
    finally:
        textpage.close()
        page.close()  # type: ignore[attr-defined]  # its decoded content is freed page by page


_Box = Callable[[int], tuple[float, float, float, float]]


def _read_line(
    raw: str, start: int, end: int, box: _Box, size: Callable[[int, float, float], float]
) -> Line | None:
    """The line ``raw[start:end]`` with its place and size, footnote marks left out."""
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    first, last = start, end - 1
    left, low, _, top = box(first)
    _, bottom, right, end_top = box(last)
    marks: list[tuple[int, int, str]] = []
    # Marks are looked for in a line of words set left to right (a table's figures and text
    # set vertically, as a margin's slug, have none)
    if (
        right - left > abs(bottom - low)
        and _MARK.search(raw, start, end)
        and _LETTER.search(raw, start, end)
    ):
        marks = _marks(raw, start, end, box)
    if marks and (marks[0][0] == start or marks[-1][1] == end):
        # the line's place and size are its text's, not a mark's
        dropped = {i for s, e, _ in marks for i in range(s, e)}
        kept = [i for i in range(start, end) if i not in dropped and not raw[i].isspace()]
        if not kept:
            return None
        first, last = kept[0], kept[-1]
        left, low, _, top = box(first)
        _, bottom, right, end_top = box(last)
    # The larger of the first and last characters' sizes: a line may open with a run-in
    # label in small capitals ("AGENCY:")
    line_size = max(size(first, low, top), size(last, bottom, end_top))
    text, at = [], start
    for s, e, keep in marks:
        text.append(raw[at:s] + keep)
        at = e
    text.append(raw[at:end])
    body = "".join(text)
    if body.endswith("\ufffe"):
        body = body[:-1] + "-"
    return Line(
        body,
        top,
        bottom,
        end_top,
        left,
        right,
        line_size,
        mark=bool(marks) and marks[0][0] == start,
    )


def _marks(raw: str, start: int, end: int, box: _Box) -> list[tuple[int, int, str]]:
    """The footnote marks in ``raw[start:end]``: figures set smaller than the character
    beside them and raised above its baseline ("... disagree alert,9 (3) revising ...", a
    footnote's own "12The magnitude ..."), each with what stands for it in the text: nothing,
    or a power of a unit ("km2" -> "km\u00b2"). A subscript sits lower ("CO2"), a figure of
    the text on it."""
    found: list[tuple[int, int, str]] = []
    for m in _MARK.finditer(raw, start, end):
        s, e = m.span()
        near, shrink = s - 1, _MARK_SHRINK
        if s == start or raw[s - 1].isspace():
            # a mark standing alone ("(MCAS) 8 can", a footnote's "1 The ..."): between words,
            # measured against the next word's first letter; a table's figures are not
            after = e
            while after < end and raw[after].isspace():
                after += 1
            if after == end or not raw[after].isalpha():
                continue
            before = s - 1
            while before >= start and raw[before].isspace():
                before -= 1
            if before >= start and not (raw[before].isalpha() or raw[before] in _MARKED):
                continue
            near, shrink = after, _LONE_MARK_SHRINK
        elif not (raw[s - 1].isalpha() or raw[s - 1] in _MARKED):
            continue  # "$31,850", "x+2": a figure of the text
        left, low, right, top = box(s)
        near_left, near_low, near_right, near_top = box(near)
        height = near_top - near_low
        if height <= 0 or top - low >= shrink * height or low - near_low <= _MARK_RISE * height:
            continue
        slack = _MARK_RISE * height  # a mark stands beside its word, not over or under it
        if left < near_right - slack if near < s else right > near_left + slack:
            continue
        keep = ""
        if m.group(0) in _POWERS and near < s and _UNIT.search(raw, start, s):
            keep = _POWERS[m.group(0)]
        found.append((s, e, keep))
    return found


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _in_zone(line: Line, height: float) -> int:
    """1 for the top zone, -1 for the bottom zone, 0 for the body of the page."""
    if line.bottom >= height * (1 - _ZONE):
        return 1
    if line.top <= height * _ZONE:
        return -1
    return 0


def _mark_furniture(pages: Sequence[_Page]) -> None:
    """Running heads/feet: the same words on several pages at one height in a zone."""
    seen: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for number, page in enumerate(pages):
        for line in page.lines:
            if _in_zone(line, page.height):
                seen[_key(line.text)].append((number, line.top, page.height))
    needed = 2 if len(pages) <= 4 else 3
    running = set()
    for key, where in seen.items():
        if len(key) < 3 or len({n for n, _, _ in where}) < needed:
            continue
        tops = sorted(top for _, top, _ in where)
        span = tops[len(tops) // 2 + len(tops) // 4] - tops[len(tops) // 4]  # inter-quartile
        if span <= _SAME_HEIGHT * max(h for _, _, h in where):
            running.add(key)
    for page in pages:
        for line in page.lines:
            zone = _in_zone(line, page.height)
            if zone and (_key(line.text) in running or _PAGE_NUMBER.match(line.text)):
                line.furniture = True


_HEAD_CHARS = 120  # a running head or foot is one short line


def _mark_lone_heads(page: _Page, text_size: float) -> None:
    """A one-page file's running head and foot, where nothing repeats to tell them: lines
    set smaller than the text, above all of it in the top zone or below all of it in the
    bottom zone, a line's height or more apart from it (a transcript's "Official - Subject to
    Final Review", its reporter's name). A kicker or a dateline stands close to its text."""
    for zone, place in ((1, lambda ln: -ln.top), (-1, lambda ln: ln.bottom)):
        ordered = sorted((ln for ln in page.lines if not ln.furniture), key=place)
        for line, beyond in itertools.pairwise(ordered):
            apart = line.bottom - beyond.top if zone > 0 else beyond.bottom - line.top
            if (
                _in_zone(line, page.height) != zone
                or line.size >= SMALL * text_size
                or len(line.text) > _HEAD_CHARS
                or apart < text_size
            ):
                break
            line.furniture = True


def _title(meta: dict[str, str], first: _Page | None) -> tuple[str | None, str | None]:
    """The title, and the site a web page printed to PDF names in it ("Headline | Site")."""
    title = " ".join(clean(meta.get("Title") or "").split())
    if title and not _JUNK_TITLE.match(title.lower()) and len(title) <= 300:
        return split_site_name(title)
    return _largest_line(first), None


def _largest_line(first: _Page | None) -> str | None:
    if first is None:
        return None
    body = [ln for ln in first.lines[:20] if not ln.furniture and len(ln.text) <= 200]
    if not body:
        return None
    sizes = sorted(ln.size for ln in first.lines)
    biggest = max(ln.size for ln in body)
    if biggest < 1.15 * sizes[len(sizes) // 2]:
        return None  # no line stands out as a title
    # The title's first line and the lines of its size right after it: a title set large
    # wraps ("U.S. and EU impose sanctions on" / "Russia over Navalny poisoning, jailing").
    start = next(i for i, ln in enumerate(body) if ln.size == biggest)
    parts: list[str] = []
    for ln in body[start:]:
        if abs(ln.size - biggest) > 0.05 * biggest or len(parts) == _TITLE_LINES:
            break
        parts.append(clean(ln.text).strip())
    return " ".join(p for p in parts if p) or None


def _date(meta: dict[str, str]) -> dt.date | None:
    m = _PDF_DATE.match(meta.get("CreationDate") or "")
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            return None
    return None


def _open(data: bytes, path: str) -> object:
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError(
            path, "PDF input needs the 'docs' extra: pip install 'briefing[docs]'"
        ) from exc
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise InputError(path, "encrypted PDF (it needs a password); skipped") from exc
        raise InputError(path, "not a readable PDF (damaged or not a PDF); skipped") from exc


def _check_inflated_size(data: bytes, path: str) -> None:
    """Refuse a decompression bomb: PDFium inflates whatever a page's streams hold, with no
    limit of its own, so the Flate streams are measured first (up to the limit, no further).
    A stream's end stops its measure: past it, zlib keeps the rest of the file as the
    unconsumed tail and inflates nothing, so any stream of more than one step (an image, a
    long page) looped here for ever."""
    budget = max(MAX_INFLATED_BYTES, _MAX_RATIO * len(data))
    total = 0
    view = memoryview(data)
    for m in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        pending: bytes | memoryview = view[m.end() :]
        try:
            while pending and total <= budget and not inflater.eof:
                total += len(inflater.decompress(pending, _STEP))  # output dropped at once
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # not Flate (an image, or an encrypted stream): PDFium's own business
        if total > budget:
            raise InputError(
                path, f"unpacks to over {budget / 1e6:.0f} MB (a decompression bomb?); skipped"
            )


def read_pdf(data: bytes, path: str) -> Extracted:
    """The text of a PDF, one paragraph a line, with its page offsets and furniture."""
    import pypdfium2 as pdfium

    _check_inflated_size(data, path)
    document = _open(data, path)
    try:
        count = len(document)  # type: ignore[arg-type]
        limit = max(MAX_PAGES, len(data) // _BYTES_PER_PAGE)
        pages = [_read_page(document[i]) for i in range(min(count, limit))]  # type: ignore[index]
        meta = dict(document.get_metadata_dict())  # type: ignore[attr-defined]
    except pdfium.PdfiumError as exc:
        raise InputError(path, f"not a readable PDF ({exc}); skipped") from exc
    finally:
        document.close()  # type: ignore[attr-defined]
    if (meta.get("Creator") or "").strip() == BRIEF_CREATOR:
        raise OwnBriefError(path, "a brief made by briefing, not a source; skipped")
    if not any(page.lines for page in pages):
        raise InputError(path, "PDF has no text layer (a scan?): run OCR on it first; skipped")
    _mark_furniture(pages)
    text_size = common_size(ln for page in pages for ln in page.lines if not ln.furniture)
    if len(pages) == 1:
        _mark_lone_heads(pages[0], text_size)
    for page in pages:
        mark_footnotes(page.lines, text_size)
    vocabulary = Vocabulary(ln.text.translate(LIGATURES) for p in pages for ln in p.lines)
    builder = TextBuilder()
    for page in pages:
        builder.new_page()
        top = sorted(
            (ln for ln in page.lines if ln.furniture and _in_zone(ln, page.height) > 0),
            key=lambda ln: -ln.top,
        )
        bottom = sorted(
            (ln for ln in page.lines if ln.furniture and _in_zone(ln, page.height) < 0),
            key=lambda ln: -ln.top,
        )
        for line in top:
            builder.line(clean(line.text), furniture=True)
        body = [ln for ln in page.lines if not (ln.furniture or ln.footnote)]
        for paragraph, row in paragraphs(body, vocabulary, text_size):
            builder.line(paragraph, furniture=row)
        footnotes = [ln for ln in page.lines if ln.footnote]
        for paragraph, _ in paragraphs(footnotes, vocabulary):
            builder.line(paragraph, furniture=True)
        for line in bottom:
            builder.line(clean(line.text), furniture=True)
    scanned = [n for n, page in enumerate(pages, 1) if page.scanned]
    notes: tuple[str, ...] = ()
    if count > len(pages):
        notes += (
            f"{path}: {count:,} pages in {len(data) / 1e3:,.0f} kB (pages repeated by its page "
            f"tree?); only the first {len(pages):,} read",
        )
    if scanned:
        listed = ", ".join(str(n) for n in scanned[:8]) + (", ..." if len(scanned) > 8 else "")
        notes += (
            f"{path}: {len(scanned)} of {len(pages)} pages have no text layer (scanned?), so "
            f"their text is not read: page{'s' if len(scanned) > 1 else ''} {listed}",
        )
    # The Author is a byline ("Staff Reporter"), never the outlet: the outlet is the site a
    # printed page's title names, as a web page's og:site_name is.
    title, site = _title(meta, pages[0] if pages else None)
    return Extracted(
        text=builder.text(),
        title=title,
        outlet=site,
        date=_date(meta),
        dateline_wins=True,
        furniture=tuple(builder.furniture),
        pages=builder.page_starts(),
        warnings=notes,
    )
