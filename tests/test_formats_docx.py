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
