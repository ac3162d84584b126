"""PDF input through pypdfium2 (PDFium, Chromium's PDF engine).

Chosen over pypdf and pdfminer.six by measurement (bench/formats_bench.py): on a 100-page
report PDFium extracts in about 0.1 s where pypdf takes 5 s and pdfminer.six 4-26 s, with the
same words, and it keeps columns in order. PDFium gives lines with their positions; this
module rebuilds paragraphs from them:

- lines are joined into one line per paragraph (a break where the vertical gap, the font
  size or a short line ending a sentence says a paragraph ends), hyphens at line ends are
  joined ("recon-" + "struction" -> "reconstruction"), ligatures are spelled out;
- running headers and footers (the same words, digits aside, near the same height in the top
  or bottom tenth of several pages) and page numbers there are furniture lines, placed first
  and last on their page, so they are kept in the text (offsets stay checkable) but never cited;
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
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from briefing.errors import InputError, OwnBriefError
from briefing.formats import Extracted, TextBuilder
from briefing.htmlpage import split_site_name

BRIEF_CREATOR = "briefing"  # a brief's Creator: the generator meta of templates/brief.html.j2
MAX_INFLATED_BYTES = 250 * 1024 * 1024
_MAX_RATIO = 50  # inflated/packed size allowed beyond MAX_INFLATED_BYTES
_STREAM = re.compile(rb"stream\r?\n")
_STEP = 1 << 20  # bytes inflated at a time while measuring
_ZONE = 0.1  # share of the page height, top and bottom, where running heads and feet sit
_SAME_HEIGHT = 0.02  # share of the page height within which a repeated line counts as fixed
_HYPHENS = "-\u2010\u00ad"
_TERMINAL = ".!?:;\"'\u201d\u2019)"
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
_DROP = re.compile("[\ufffe\u00ad\ufeff\u200b]")  # PDFium's soft-hyphen mark, soft hyphens
_BREAK = re.compile(r"([^\W\d_]+)\ufffe\s*([^\W\d_]+)")
_WORD_RUN = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_TRAILING_WORD = re.compile(r"[^\W\d_]+$")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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
class _Line:
    text: str
    top: float  # of the first character (PDF space: y grows upwards)
    bottom: float  # of the last character: PDFium can join two hyphenated lines into one
    end_top: float  # top of the last character
    left: float
    right: float
    size: float
    furniture: bool = False


@dataclass
class _Page:
    height: float
    lines: list[_Line]
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
        lines: list[_Line] = []
        for m in _LINE.finditer(raw):
            text = m.group(0)
            lead = len(text) - len(text.lstrip())
            body = text.strip()
            if not body:
                continue
            first = index(m.start() + lead)
            last = index(m.start() + lead + len(body) - 1)
            left, low, _, top = textpage.get_charbox(first, loose=True)
            _, bottom, right, end_top = textpage.get_charbox(last, loose=True)
            # The larger of the first and last characters' sizes: a line may open with a
            # footnote's superscript number or a run-in label in small capitals ("AGENCY:")
            size = max(
                _plausible_size(pdfium_c.FPDFText_GetFontSize(textpage.raw, first), top - low),
                _plausible_size(
                    pdfium_c.FPDFText_GetFontSize(textpage.raw, last), end_top - bottom
                ),
            )
            lines.append(_Line(body, top, bottom, end_top, left, right, size))
        pictures = False
        if len(lines) <= 6:  # a page of text is no scan; only a nearly empty one is looked at
            images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)  # type: ignore[attr-defined]
            pictures = next(images, None) is not None
        return _Page(float(page.get_height()), lines, pictures=pictures)  # type: ignore[attr-defined]
    finally:
        textpage.close()
        page.close()  # type: ignore[attr-defined]  # its decoded content is freed page by page


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _in_zone(line: _Line, height: float) -> int:
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


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", _DROP.sub("", text.translate(_LIGATURES)))


class _Vocabulary:
    """The words and hyphenated compounds a document uses within its lines, which decide
    whether a hyphen at a line end is the typesetter's ("recon-struction") or the word's own
    ("long-term"); PDFium marks both alike."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        for text in texts:
            for m in _WORD_RUN.finditer(text):
                word = m.group(0).lower().replace("\u2010", "-")
                (self.compounds if "-" in word else self.words)[word] += 1

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """Whether ``left-`` at a line end and ``right`` on the next line are one hyphenated
        word; when the document never writes either form, the typesetter's hyphen is likelier."""
        if not right[:1].islower():
            return True  # "non-" + "Western", "COVID-" + "19"
        compound = f"{left}-{right}".lower()
        joined = (left + right).lower()
        return self.compounds[compound] > 0 and self.compounds[compound] >= self.words[joined]


def _join(paragraph: str, line: str, vocabulary: _Vocabulary) -> str:
    """Two lines of one paragraph; a hyphen at the line end joins the word (and is kept when
    the word is a hyphenated compound)."""
    if paragraph[-1:] in _HYPHENS and paragraph[-2:-1].isalpha():
        if paragraph[-1] == "\u00ad":  # a soft hyphen is never part of the word
            return paragraph[:-1] + line
        left = _TRAILING_WORD.search(paragraph[:-1])
        right = _LEADING_WORD.match(line)
        if left and right and vocabulary.keeps_hyphen(left.group(0), right.group(0)):
            return paragraph[:-1] + "-" + line
        if line[:1].isalpha():
            return paragraph[:-1] + line
        return paragraph + line
    return paragraph + " " + line


def _rejoin_breaks(text: str, vocabulary: _Vocabulary) -> str:
    """PDFium's own joins of hyphenated lines (U+FFFE): kept as a hyphen or joined."""

    def decide(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        return f"{left}-{right}" if vocabulary.keeps_hyphen(left, right) else left + right

    return _BREAK.sub(decide, text)


_CHAR_EM = 0.6  # a character's width, in ems of its font size, at the widest of running text


def _breaks(prev: _Line, line: _Line, para_right: float) -> bool:
    """Whether ``line`` starts a new paragraph after ``prev`` (both body lines)."""
    size = max(prev.size, line.size, 1.0)
    if abs(prev.size - line.size) > 0.15 * size:
        return True  # a heading, a caption, a footnote
    if line.top > prev.end_top + 0.5 * size:
        # moved up: the next column or a text box; a sentence left open at a column's foot
        # goes on at the next column's head ("... airspeed disagree alert, and" / "altitude
        # disagree alert, and may affect ...")
        return not (
            line.left >= prev.right - size
            and prev.text[-1:] not in _TERMINAL
            and line.text[:1].islower()
        )
    if prev.bottom - line.top > 0.45 * size:
        return True  # a blank line's worth of space
    room = max(para_right, line.right) - prev.right  # left at the end of the previous line
    ends = prev.text[-1:] in _TERMINAL or not prev.text[-1:].isalnum()
    starts = line.text[:1].isupper() or line.text[:1].isdigit() or not line.text[:1].isalnum()
    # A line left short before a capital starts a paragraph only if the capital's word would
    # have fitted there: ragged-right text wraps before a long word ("... much more likely
    # than" / "Republicans to support ..." is one sentence)
    first = line.text.split(maxsplit=1)[0] if line.text.strip() else ""
    fitted = room > (len(first) + 1) * _CHAR_EM * size
    return room > 4 * size and (ends or (starts and fitted))


# A table's cells: figures ("30.50", "$6,205", "(1.2)", "12%"), a range's dash, a dot leader
# and the placeholders price tables print for no quote ("unq", "n/a").
_FIGURE = re.compile(r"[$\u20ac\u00a3]?(?:\([-+\u2212]?[\d.,]*\d%?\)|[-+\u2212]?[\d.,]*\d%?)\.?")
_MEASURED = re.compile(r"[$\u20ac\u00a3%]|\d\.\d")  # money, a share, decimals: no date, no count
_BETWEEN_FIGURES = re.compile(r"[-\u2013\u2014]|\.{3,}|unq|n/?a|nc|--")


def _is_table_row(text: str) -> bool:
    """Whether a line reads as a table's row: two figures with nothing between them but
    another cell, one of them money, a share or a decimal ("Chicago 30.50 unq 28.00 Tallows,
    ...", "Cornstalks 41.25 39.38 52.00", "$85 ...... $0 ...... $85"). Running text names
    figures with words between them ("Applications rose to 344,000 from 293,000."); two
    whole numbers side by side are more often a date ("March 5 2020") or a count."""
    tokens = text.split()
    if not text.endswith(".") and all(
        _FIGURE.fullmatch(t) or _BETWEEN_FIGURES.fullmatch(t.lower()) for t in tokens
    ):
        return any(_MEASURED.search(t) for t in tokens)  # a cell alone: "2.6170", "$85"
    last: str | None = None  # the figure before, when only cells came since
    for token in tokens:
        if _FIGURE.fullmatch(token):
            if last is not None and (_MEASURED.search(last) or _MEASURED.search(token)):
                return True
            last = token
        elif not _BETWEEN_FIGURES.fullmatch(token.lower()):
            last = None
    return False


def _paragraphs(lines: Sequence[_Line], vocabulary: _Vocabulary) -> list[tuple[str, bool]]:
    """The paragraphs of a page's body lines, each with whether it is a table's row: a row is
    a line of its own, kept in the text but never quoted as a sentence (furniture)."""
    out: list[tuple[str, bool]] = []
    prev: _Line | None = None
    para_right = 0.0
    for line in lines:
        text = _clean(_rejoin_breaks(line.text.translate(_LIGATURES), vocabulary)).strip()
        if not text:
            continue
        row = _is_table_row(text)
        if prev is None or row or out[-1][1] or _breaks(prev, line, para_right):
            out.append((text, row))
            para_right = line.right
        else:
            out[-1] = (_join(out[-1][0], text, vocabulary), False)
            para_right = max(para_right, line.right)
        prev = line
    return out


def _title(meta: dict[str, str], first: _Page | None) -> tuple[str | None, str | None]:
    """The title, and the site a web page printed to PDF names in it ("Headline | Site")."""
    title = " ".join(_clean(meta.get("Title") or "").split())
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
        parts.append(_clean(ln.text).strip())
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
    vocabulary = _Vocabulary(ln.text.translate(_LIGATURES) for p in pages for ln in p.lines)
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
            builder.line(_clean(line.text), furniture=True)
        body = [ln for ln in page.lines if not ln.furniture]
        for paragraph, row in _paragraphs(body, vocabulary):
            builder.line(paragraph, furniture=row)
        for line in bottom:
            builder.line(_clean(line.text), furniture=True)
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
