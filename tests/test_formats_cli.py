"""`briefing text SOURCE` and a daily run over a folder mixing every accepted format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("docx")
pytest.importorskip("weasyprint")
pytest.importorskip("trafilatura")

from formats_samples import make_docx, make_eml, make_mbox, make_report_pdf

from briefing.cli import main
from briefing.config import Settings
from briefing.daily.config import DailyConfig
from briefing.daily.run import run_daily

ARTICLE = (
    "Harbour Gazette\n\nThe town council voted on Monday to fund a new flood wall along the "
    "harbour front, after the spring storms damaged the old one beyond repair.\n"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_report_pdf(tmp_path_factory.mktemp("cli") / "report.pdf")


def _run(argv: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> tuple[int, bytes, str]:
    code = main(argv)
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_text_of_a_txt_file_is_the_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    code, out, err = _run(["text", str(path)], capsysbinary)
    assert code == 0 and err == "" and out == ARTICLE.encode()


def test_citation_offsets_of_a_pdf_brief_hold_in_briefing_text(
    tmp_path: Path, report: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    brief_path = tmp_path / "brief.json"
    code, _, _ = _run(["-q", "build", str(report), "-o", str(brief_path)], capsysbinary)
    assert code == 0
    brief = json.loads(brief_path.read_text())
    code, out, _ = _run(["text", str(report)], capsysbinary)
    assert code == 0
    text = out.decode("utf-8")
    code, meta, _ = _run(["text", str(report), "--json"], capsysbinary)
    pages = json.loads(meta)["pages"]
    citations = [c for f in brief["bottom_line"] + brief["facts"] for c in f["citations"]]
    assert citations
    for c in citations:
        assert text[c["start"] : c["end"]] == c["quote"]
        assert c["page"] == sum(1 for p in pages if p <= c["start"])


def test_text_of_one_mbox_message_and_errors(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    mbox = make_mbox(tmp_path / "archive.mbox")
    code, out, _ = _run(["text", f"{mbox}#2"], capsysbinary)
    assert code == 0 and out.decode().startswith("Harbour Weekly: insurers wait")
    code, out, err = _run(["text", str(mbox)], capsysbinary)
    assert code == 1 and out == b"" and err.startswith("Error: ") and f"{mbox}#3" in err
    code, _, err = _run(["text", f"{mbox}#9"], capsysbinary)
    assert code == 1 and err == f"Error: {mbox}: no message #9 (it holds 3 messages, #1 to #3)\n"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    code, _, err = _run(["text", str(broken)], capsysbinary)
    assert code == 1 and err.count("\n") == 1 and "not a readable PDF" in err


def test_an_empty_mbox_message_is_an_empty_message_not_a_missing_one(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two separator lines in a row were "box.mbox#2: empty file; skipped", and 'briefing text
    # box.mbox#2' said "no message #2 (it holds 3 with text)" although #4 exists.
    monkeypatch.chdir(tmp_path)
    mbox = make_mbox(Path("archive.mbox"))
    code, third, _ = _run(["text", "archive.mbox#3"], capsysbinary)
    assert code == 0 and third
    data = mbox.read_bytes()
    at = data.index(b"\nFrom news@", 1) + 1
    mbox.write_bytes(data[:at] + b"From x@example.org Mon Jan  5 00:00:00 2026\n\n" + data[at:])
    code, _, err = _run(["build", "archive.mbox", "-o", "b.md"], capsysbinary)
    assert code == 0 and "Warning: archive.mbox#2: empty message; skipped\n" in err
    assert "empty file" not in err
    code, _, err = _run(["text", "archive.mbox#2"], capsysbinary)
    assert code == 1 and err == "Error: archive.mbox#2: empty message; no text to print\n"
    code, out, _ = _run(["text", "./archive.mbox#4"], capsysbinary)  # named as ingest names it
    assert code == 0 and out == third


def test_daily_run_over_a_folder_mixing_every_format(tmp_path: Path, report: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (inbox / "page.html").write_text(
        "<html><head><title>Harbour wall</title></head><body><article><h1>Harbour wall</h1>"
        "<p>Engineers said the new harbour wall would be built in two stages over the next "
        "three years, starting with the section nearest the fish market.</p>"
        "<p>The council expects the first stage to cost around twelve million euros.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    (inbox / "report.pdf").write_bytes(report.read_bytes())
    make_docx(inbox / "note.docx")
    make_eml(inbox / "weekly.eml")
    mail = inbox / "mail"
    mail.mkdir()
    make_mbox(mail / "archive.mbox")
    config = DailyConfig.model_validate({"sources": [str(inbox)], "out": tmp_path / "briefs"})
    now = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)
    result = run_daily(config, now=now, settings=Settings(cache=False))
    assert result.warnings == []
    assert result.docs_added == 8 and result.docs_in_brief == 8  # the mbox holds three
    assert result.brief is not None
    assert result.brief.stats.documents == 8


def test_the_daily_store_keeps_page_offsets_and_opens_older_stores(
    tmp_path: Path, report: Path
) -> None:
    import sqlite3

    from briefing.daily.store import Store
    from briefing.ingest import ingest_paths

    (doc,) = ingest_paths([report]).documents
    now = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)
    old = tmp_path / "old.sqlite"
    with Store(old):
        pass
    db = sqlite3.connect(old)  # a store written before documents had pages
    db.execute("ALTER TABLE documents DROP COLUMN pages")
    db.commit()
    db.close()
    with Store(old) as store:
        store.add_document(doc, origin="file", now=now)
        (stored,) = store.pending_documents()
    assert stored.document.pages == doc.pages and len(doc.pages) > 1
    assert stored.document == doc
