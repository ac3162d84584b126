"""Word sources: paragraphs, headings and tables as text; title and date from properties."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("docx")

from formats_samples import (
    DOCX_AUTHOR,
    DOCX_CREATED,
    DOCX_PARAGRAPHS,
    DOCX_TABLE,
    DOCX_TITLE,
    make_docx,
)

from briefing.config import Settings
from briefing.ingest import ingest_paths
from briefing.pipeline import build_brief


@pytest.fixture
def note(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "note.docx")


def test_paragraphs_headings_and_table_rows_in_document_order(note: Path) -> None:
    result = ingest_paths([note])
    assert result.warnings == []
    (doc,) = result.documents
    lines = doc.text.split("\n")
    assert lines[0] == "Harbour reopening"
    assert lines[1:3] == list(DOCX_PARAGRAPHS)
    assert lines[3:6] == [" | ".join(row) for row in DOCX_TABLE]
    assert lines[6].startswith("The council said")
    assert doc.title == DOCX_TITLE and doc.outlet == DOCX_AUTHOR
    assert doc.date == DOCX_CREATED.date() and doc.pages == ()


@pytest.mark.parametrize("author", ["python-docx", "Author", "Microsoft Office User"])
def test_a_generators_default_properties_are_not_the_documents(tmp_path: Path, author: str) -> None:
    import docx

    document = docx.Document()  # python-docx's template: author and a 2013 creation date
    document.core_properties.author = author
    document.add_paragraph("The ferry service resumed on Monday after the storm.")
    path = tmp_path / "plain.docx"
    document.save(str(path))
    (doc,) = ingest_paths([path]).documents
    assert doc.outlet is None and doc.date is None


def test_brief_of_a_word_file_cites_exact_quotes(note: Path) -> None:
    (doc,) = ingest_paths([note]).documents
    brief = build_brief([doc], settings=Settings(cache=False), today=dt.date(2026, 10, 13))
    citations = [c for f in brief.bottom_line + brief.facts for c in f.citations]
    assert citations
    for c in citations:
        assert c.start is not None and c.end is not None
        assert doc.text[c.start : c.end] == c.quote and c.page is None


def test_damaged_and_bomb_word_files_warn_once_each(tmp_path: Path, note: Path) -> None:
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(note.read_bytes()[:400])
    bomb = tmp_path / "bomb.docx"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * 5_000_000 + b">")
    bomb.write_bytes(packed.getvalue())
    protected = tmp_path / "protected.docx"  # Office encrypts into an OLE container, as .doc
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    result = ingest_paths([damaged, bomb, protected, note])
    assert [Path(d.path).name for d in result.documents] == ["note.docx"]
    assert len(result.warnings) == 3
    assert result.warnings[0].startswith(f"{damaged}: not a readable Word file")
    assert result.warnings[1].startswith(f"{bomb}: unpacks to") and "zip bomb" in result.warnings[1]
    assert result.warnings[2].startswith(f"{protected}: a Word 97-2003 or password-protected")


def test_the_heading_title_is_found_without_searching_the_styles_per_paragraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx
    from docx.text.paragraph import Paragraph

    document = docx.Document()
    document.add_heading("Harbour reopening", level=1)
    for n in range(300):
        document.add_paragraph(f"Paragraph {n} of the harbour report says the quay reopened.")
    path = tmp_path / "report.docx"
    document.save(str(path))

    def searched(self: Paragraph) -> object:  # python-docx scans every style of the file
        raise AssertionError("Paragraph.style looked up per paragraph")

    monkeypatch.setattr(Paragraph, "style", property(searched))
    (doc,) = ingest_paths([path]).documents
    assert doc.title == "Harbour reopening"


def test_the_per_document_limit_holds_what_a_word_file_unpacks_to(
    tmp_path: Path, note: Path
) -> None:
    import random

    import docx

    rng = random.Random(7)
    words = " ".join(DOCX_PARAGRAPHS).split()
    padded = tmp_path / "padded.docx"  # a part of 2.5 MB packed at ~100:1, so no zip bomb
    with zipfile.ZipFile(note) as source, zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        block = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(1000))
        out.writestr("customXml/item9.xml", f"<x>{block * 2500}</x>")
    wordy = docx.Document()
    for _ in range(50):  # 0.15 MB of text in a file of a fifth of that
        wordy.add_paragraph(" ".join(rng.choice(words) for _ in range(500)) + ".")
    wordy.save(str(tmp_path / "wordy.docx"))
    files = [padded, tmp_path / "wordy.docx", note]
    assert all(f.stat().st_size < 100_000 for f in files)
    result = ingest_paths(files, max_bytes=100_000)
    assert [Path(d.path).name for d in result.documents] == ["note.docx"]
    assert result.warnings == [
        f"{padded}: unpacks to 3.3 MB, over the 0.1 MB per-document limit; skipped (raise it "
        "with --max-doc-mb)",
        f"{tmp_path / 'wordy.docx'}: unpacks to 0.1 MB of text, over the 0.1 MB per-document "
        "limit; skipped (raise it with --max-doc-mb)",
    ]


def _nested(cell: object, depth: int, text: str) -> None:
    """``depth`` tables, one inside the cell of the last, the innermost holding ``text``."""
    for _ in range(depth):
        table = cell.add_table(rows=1, cols=1)  # type: ignore[attr-defined]
        cell = table.cell(0, 0)
    cell.paragraphs[0].text = text  # type: ignore[attr-defined]


def test_tables_nested_in_cells_are_read_where_they_stand(tmp_path: Path) -> None:
    import docx

    # a procedure laid out as forms are: every sentence in a table inside a table's cell
    # (python-docx's cell.text holds only a cell's own paragraphs: the file read as empty)
    document = docx.Document()
    layout = document.add_table(rows=2, cols=1)
    layout.cell(0, 0).text = "Task Name:"
    inner = layout.cell(0, 0).add_table(rows=2, cols=3)
    for c, value in enumerate(("Step", "Work Activity", "Known Hazards")):
        inner.cell(0, c).text = value
    inner.cell(1, 0).text = "1"
    inner.cell(1, 1).text = "Verify correct sizes using calipers on the tubular and the tools."
    inner.cell(1, 2).text = "Hand and body crush between the elevators and the stump."
    _nested(layout.cell(1, 0), 2, "The crew stopped work when a sling became stuck.")
    path = tmp_path / "procedure.docx"
    document.save(str(path))
    result = ingest_paths([path])
    (doc,) = result.documents
    assert result.warnings == []
    assert doc.text.split("\n") == [
        "Task Name:",
        "Step | Work Activity | Known Hazards",  # a row of cells stays one row
        "1",  # a row holding sentences: a line per cell, no "1 | Verify ..." sentence
        "Verify correct sizes using calipers on the tubular and the tools.",
        "Hand and body crush between the elevators and the stump.",
        "The crew stopped work when a sling became stuck.",
    ]
    row = doc.text.index("Step | Work Activity")  # a row of cells is furniture: never quoted
    furniture = {(f.start, f.end) for f in doc.furniture}
    assert (row, doc.text.index("\n", row)) in furniture
    assert not any(doc.text[s:e].startswith(("Verify", "The crew")) for s, e in furniture)


def test_tables_nested_too_deep_are_named_not_lost_silently(tmp_path: Path) -> None:
    import docx

    from briefing.formats.docx import MAX_TABLE_DEPTH

    document = docx.Document()
    document.add_paragraph("The council said on Friday that the eastern quay had reopened.")
    _nested(document.add_table(rows=1, cols=1).cell(0, 0), MAX_TABLE_DEPTH - 1, "Deepest read.")
    _nested(document.add_table(rows=1, cols=1).cell(0, 0), MAX_TABLE_DEPTH, "Too deep.")
    path = tmp_path / "deep.docx"
    document.save(str(path))
    result = ingest_paths([path])
    (doc,) = result.documents
    assert "Deepest read." in doc.text and "Too deep." not in doc.text
    deep = f"{path}: 1 table(s) nested more than {MAX_TABLE_DEPTH} deep not read"
    assert result.warnings == [deep]


def test_content_controls_and_merged_cells_are_read_once(tmp_path: Path) -> None:
    import copy

    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    sentence = document.add_paragraph("The ferry service resumed on Monday after the storm.")
    control = etree.SubElement(document.element.body, qn("w:sdt"))  # a form's field
    content = etree.SubElement(control, qn("w:sdtContent"))
    content.append(copy.deepcopy(sentence._p))
    content[0].xpath("./w:r/w:t")[0].text = "Divers cleared the debris left by the floods."
    document.element.body.append(document.element.body.sectPr)  # the section stays last
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "Eastern quay"
    for r, value in enumerate(("Cleared", "Inspected", "Open")):
        table.cell(r, 1).text = value
    path = tmp_path / "form.docx"
    document.save(str(path))
    (doc,) = ingest_paths([path]).documents
    assert doc.text.split("\n")[1:] == [
        "Divers cleared the debris left by the floods.",
        "Eastern quay | Cleared",
        "Inspected",  # the merged cell's text is in its first row only
        "Open",
    ]


def test_a_file_whose_words_are_only_where_the_reader_does_not_look_says_where(
    tmp_path: Path,
) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Harbour report", level=1)
    header = document.sections[0].header.paragraphs[0]
    header.text = "The harbour office said on Friday that the quay would reopen."
    path = tmp_path / "headed.docx"
    document.save(str(path))
    result = ingest_paths([path])
    assert result.documents == []
    (warning,) = result.warnings
    assert "no article text in what is read; its page headers (" in warning
    assert "words without sentences" not in warning


def test_a_cell_merged_down_a_long_table_is_read_once_without_recursion(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    # python-docx's row.cells finds a merged cell's text by recursing up row by row: 1,500
    # rows took over a minute and then raised RecursionError (a schedule, a register)
    document = docx.Document()
    table = document.add_table(rows=1500, cols=2)
    for r, tr in enumerate(table._tbl.tr_lst):
        label, value = tr.tc_lst
        merge = etree.SubElement(label.get_or_add_tcPr(), qn("w:vMerge"))
        if r == 0:
            merge.set(qn("w:val"), "restart")
            label.p_lst[0].add_r().text = "Berth"
        value.p_lst[0].add_r().text = f"The night ferry uses slot {r} on weekdays."
    path = tmp_path / "register.docx"
    document.save(str(path))
    (doc,) = ingest_paths([path]).documents
    lines = doc.text.split("\n")
    slot = "The night ferry uses slot {} on weekdays."
    assert lines[:3] == ["Berth", slot.format(0), slot.format(1)]
    assert len(lines) == 1501 and lines[-1] == slot.format(1499)
