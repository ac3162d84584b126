"""Word input (.docx) through python-docx.

The body is read in document order, content controls (a form's fields) included: each
paragraph and heading is one line, each table row one line with its cells separated by
`` | `` (a merged cell counted once; furniture, never quoted as a sentence nor taken for the
title), or one line per cell when a cell holds a sentence, so that a sentence is never glued
to the cells beside it. A table nested in a cell (forms and
procedures are laid out so) gives its rows where it stands, to ``MAX_TABLE_DEPTH`` levels.
Page headers, footers, comments, footnotes, endnotes and text boxes are not part of the text;
a file whose only sentences are there is refused naming them, not as a file of no sentences.
The title and date come from the document's properties (a date stated in the first lines wins
over the creation date), the author becomes the source line. Properties a generator or
template left in place (author "python-docx", "Apache POI", a placeholder such as "Author")
are not the document's: such a file names no author and no creation date, rather than a
library and its template's date.

A .docx is a zip of XML parts: its unpacked size is checked before anything is parsed (a
small file can unpack to gigabytes), python-docx parses XML without resolving entities or
reaching the network (a part declaring a DTD, which Word never writes, refuses the file: the
text after an entity reference would be lost unseen), and macros (a ``vbaProject.bin``
part), embedded objects and linked files are never opened, let alone run. Macro-enabled
``.docm`` files are not accepted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefing.errors import InputError
from briefing.formats import Extracted, TextBuilder
from briefing.sourcefiles import DEFAULT_MAX_BYTES, too_big

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What a .docx may unpack to: its styles, theme and settings (python-docx's own template is
# 0.8 MB), and UNPACKED_PER_LIMIT bytes per byte of the per-document limit. Its XML says each
# word with markup around it, but a file past this holds more text than the limit lets a
# document have (python-docx builds a tree of ten times the XML: 200 MB took 80 s and 2 GB).
UNPACKED_PER_LIMIT = 4
_TEMPLATE_BYTES = 2 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and encrypted Office
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _SDT_CONTENT, _T = (_W + tag for tag in ("p", "tbl", "sdt", "sdtContent", "t"))
_TEXT_BOX = _W + "txbxContent"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# The parts whose text is not read, by the name of their file, and what a reader calls them.
_UNREAD_PARTS = (
    ("footnotes", "footnotes"),
    ("endnotes", "endnotes"),
    ("comments", "comments"),
    ("header", "page headers"),
    ("footer", "page footers"),
)
_MAX_RATIO = 200  # unpacked/packed size above which a zip is taken for a bomb
# Authors written by libraries, templates and installers, not by a person or an organisation.
_PLACEHOLDER_AUTHORS = frozenset(
    {
        "python-docx", "docx4j", "apache poi", "openpyxl", "phpword", "docx.js", "officegen",
        "aspose", "author", "unknown", "user", "admin", "administrator", "owner",
        "microsoft office user", "windows user", "default",
    }
)  # fmt: skip


# What python-docx fills in when a file has no properties part (docProps/core.xml).
_LIBRARY_DEFAULT_TITLE = ("Word Document", "python-docx")


def _check_zip(data: bytes, path: str, max_bytes: int) -> None:
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            path,
            "a Word 97-2003 or password-protected file, not a .docx: save it as an unprotected "
            ".docx; skipped",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(
            path, "not a readable Word file (damaged, or not a .docx); skipped"
        ) from exc
    if unpacked > MAX_UNPACKED_BYTES or unpacked > _MAX_RATIO * max(len(data), 1):
        raise InputError(path, f"unpacks to {unpacked / 1e6:.0f} MB (a zip bomb?); skipped")
    if unpacked > _TEMPLATE_BYTES + UNPACKED_PER_LIMIT * max_bytes:
        raise too_big(path, unpacked, max_bytes, unpacked="")


def _declares_dtd(part: object) -> bool:
    """Whether an XML part of the file has a document type declaration (entities)."""
    element = getattr(part, "_element", None)
    return element is not None and bool(element.getroottree().docinfo.doctype)


def _blocks(parent: Any) -> Iterator[Any]:
    """The paragraph and table elements of the body in document order, those in a content
    control (``w:sdt``, a form's field or a template's block) included."""
    for child in parent.iterchildren(_P, _TBL, _SDT):
        if child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _blocks(content)
        else:
            yield child


MAX_TABLE_DEPTH = 8  # tables in cells in tables...: deeper ones are not read (and said so)


@dataclass
class _Tables:
    """What reading a document's tables met beyond the text: tables nested past the limit."""

    too_deep: int = 0


def _cell_lines(tc: Any, depth: int, tables: _Tables) -> Iterator[tuple[str, bool | None]]:
    """The lines of one cell in document order: ``(text, None)`` for its paragraphs (one
    piece of a row) and ``(line, is_row)`` for each line of a table nested in it."""
    for child in tc.inner_content_elements:
        if child.tag == _TBL:
            if depth >= MAX_TABLE_DEPTH:
                tables.too_deep += 1
                continue
            yield from _rows(child, depth + 1, tables)
        else:
            yield " ".join(child.text.split()), None


def _rows(tbl: Any, depth: int, tables: _Tables) -> Iterator[tuple[str, bool]]:
    """One line per row of the table element ``tbl``, its cells separated by `` | ``, with
    whether it is such a row of cells (furniture: kept, never quoted as a sentence); a row
    whose cells hold sentences gives one line per cell (a sentence is never glued to the
    cells beside it); a table nested in a cell gives its rows where it stands. A cell spanning
    several columns is one cell, and one spanning rows (``vMerge``) is read in its first row.
    Each cell and paragraph is visited once, however deep: linear in the XML."""
    for tr in tbl.tr_lst:
        pieces: list[str] = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":  # the rest of a cell above: its text is there
                continue
            cell: list[str] = []
            for text, is_row in _cell_lines(tc, depth, tables):
                if is_row is None:
                    if text:
                        cell.append(text)
                    continue
                if cell:  # the cell's text before its nested table
                    pieces.append(" ".join(cell))
                    cell = []
                yield from _row_lines(pieces)
                pieces = []
                yield text, is_row
            if cell:
                pieces.append(" ".join(cell))
        yield from _row_lines(pieces)


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?$")


def _holds_sentence(cell: str) -> bool:
    """Whether a cell holds a sentence: four words or more ending in a full stop, ! or ?."""
    return _SENTENCE_END.search(cell[-3:]) is not None and cell.count(" ") >= 3


def _row_lines(cells: list[str]) -> Iterator[tuple[str, bool]]:
    if any(_holds_sentence(cell) for cell in cells):
        yield from ((cell, False) for cell in cells)
    elif cells:
        yield " | ".join(cells), len(cells) > 1


def _chars(element: Any) -> int:
    return sum(len((t.text or "").strip()) for t in element.iter(_T))


def _unread(document: Any) -> str | None:
    """Where the file holds text that is not read, and how much: "text boxes and footnotes
    (1,204 characters)"; None when it holds none."""
    found: dict[str, int] = {}
    boxes = sum(
        _chars(box)
        for box in document.element.body.iter(_TEXT_BOX)
        if next(box.iterancestors(_FALLBACK), None) is None  # a box's copy for old readers
    )
    if boxes:
        found["text boxes"] = boxes
    for part in document.part.package.iter_parts():
        name = str(part.partname).rsplit("/", 1)[-1]
        element = getattr(part, "_element", None)
        for stem, label in _UNREAD_PARTS:
            if name.startswith(stem) and name.endswith(".xml"):
                if element is None:
                    try:
                        from docx.oxml.parser import parse_xml

                        element = parse_xml(part.blob)
                    except Exception:  # an unreadable part holds no text we could name
                        break
                if chars := _chars(element):
                    found[label] = found.get(label, 0) + chars
                break
    if not found:
        return None
    order = ["text boxes", *(label for _, label in _UNREAD_PARTS)]
    names = sorted(found, key=order.index)
    where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{where} ({sum(found.values()):,} characters)"


def read_docx(data: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Extracted:
    """The text of a .docx: paragraphs, headings and table rows, one a line. A file whose
    parts unpack to more than ``UNPACKED_PER_LIMIT`` times ``max_bytes`` (the per-document
    limit) is refused before they are parsed."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError(
            path, "Word input needs the 'docs' extra: pip install 'briefing[docs]'"
        ) from exc
    _check_zip(data, path, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        raise InputError(
            path, "not a readable Word file (damaged, or not a .docx); skipped"
        ) from exc
    if any(_declares_dtd(part) for part in document.part.package.iter_parts()):
        # python-docx reads no entity and drops the text after a reference to one
        raise InputError(
            path, "declares a DTD, which Word never writes (its entities would hide text); skipped"
        )
    builder = TextBuilder()
    tables = _Tables()
    title: str | None = None
    style_names: dict[str, str] | None = None  # style id -> name, read once when first needed
    for block in _blocks(document.element.body):
        if block.tag == _TBL:
            for row, is_row in _rows(block, 1, tables):
                builder.line(row, furniture=is_row)
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        if title is None and len(text) <= 200 and (style_id := block.style):
            # ``block.style`` searches every style of the file for each paragraph (a file
            # of many styles and paragraphs took minutes); one table of them does not.
            if style_names is None:
                style_names = {s.style_id: s.name or "" for s in document.styles}
            if style_names.get(style_id, "").lower() in ("title", "heading 1"):
                title = text
        builder.line(text)
    warnings = []
    if tables.too_deep:
        warnings.append(
            f"{path}: {tables.too_deep} table(s) nested more than {MAX_TABLE_DEPTH} deep not read"
        )
    props = document.core_properties
    created = props.created if isinstance(props.created, dt.datetime) else None
    stated_title = " ".join((props.title or "").split())
    if (stated_title, props.last_modified_by) == _LIBRARY_DEFAULT_TITLE:
        stated_title = ""  # no properties part: python-docx filled in its own defaults
    author = " ".join((props.author or "").split())
    if author.casefold() in _PLACEHOLDER_AUTHORS:
        author, created = "", None  # the template's properties, never filled in
    return Extracted(
        text=builder.text(),
        title=stated_title or title,
        outlet=author[:120] or None,
        date=created.date() if created is not None else None,
        dateline_wins=True,
        furniture=tuple(builder.furniture),
        warnings=tuple(warnings),
        unread=_unread(document),
    )
