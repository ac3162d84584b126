"""Word input (.docx) through python-docx.

The body is read in document order: each paragraph and heading is one line, each table row
one line with its cells separated by `` | `` (a merged cell counted once). Page headers,
footers, comments and footnotes are not part of the text. The title and date come from the
document's properties (a date stated in the first lines wins over the creation date), the
author becomes the source line. Properties a generator or template left in place (author
"python-docx", "Apache POI", a placeholder such as "Author") are not the document's: such a
file names no author and no creation date, rather than a library and its template's date.

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
import zipfile
from collections.abc import Iterator

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


def _rows(table: object) -> Iterator[str]:
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell appears once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            yield " | ".join(cells)


def read_docx(data: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Extracted:
    """The text of a .docx: paragraphs, headings and table rows, one a line. A file whose
    parts unpack to more than ``UNPACKED_PER_LIMIT`` times ``max_bytes`` (the per-document
    limit) is refused before they are parsed."""
    try:
        import docx
        from docx.table import Table
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
    title: str | None = None
    style_names: dict[str, str] | None = None  # style id -> name, read once when first needed
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in _rows(block):
                builder.line(row)
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        if title is None and len(text) <= 200 and (style_id := block._p.style):
            # ``block.style`` searches every style of the file for each paragraph (a file
            # of many styles and paragraphs took minutes); one table of them does not.
            if style_names is None:
                style_names = {s.style_id: s.name or "" for s in document.styles}
            if style_names.get(style_id, "").lower() in ("title", "heading 1"):
                title = text
        builder.line(text)
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
    )
