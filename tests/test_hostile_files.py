"""Hostile files for build and daily: FIFOs, devices, huge or unreadable files, odd encodings,
link loops, deep folders and names with newlines. Every case is one warning (or one error),
no hang, no traceback, the other documents still briefed."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import threading
import tracemalloc
from pathlib import Path

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST

from briefing.cli import main
from briefing.daily.config import DailyConfig
from briefing.daily.run import run_daily
from briefing.errors import InputError
from briefing.files import run_lock
from briefing.htmlpage import decode_html, stated_date
from briefing.ingest import ingest_paths, load_document, source_at
from briefing.sourcefiles import _read_capped, read_source, walk_folder

DAY = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)
needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
not_root = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads all")


def _inbox(tmp: Path) -> Path:
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    return inbox


def _lines_naming(text: str, needle: str) -> list[str]:
    return [ln for ln in text.splitlines() if needle in ln]


def _run_build(
    args: list[str], capsys: pytest.CaptureFixture[str], timeout_s: float = 20.0
) -> tuple[int, str, str]:
    """``main(args)`` in a thread, failing (not hanging) the test when it blocks."""
    result: dict[str, int] = {}
    worker = threading.Thread(target=lambda: result.update(code=main(args)), daemon=True)
    worker.start()
    worker.join(timeout_s)
    assert not worker.is_alive(), f"briefing {' '.join(args)} hung"
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return result["code"], out.out, out.err


# ---------------------------------------------------------------------------- special files


@needs_posix
def test_a_fifo_named_txt_is_skipped_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    os.mkfifo(inbox / "pipe.txt")
    code, out, err = _run_build(["build", str(inbox)], capsys)
    assert code == 0 and "# " in out
    [line] = _lines_naming(err, "pipe.txt")
    assert line.startswith("Warning:") and "FIFO" in line
    code, _, err = _run_build(["build", str(inbox / "pipe.txt")], capsys)
    [line] = _lines_naming(err, "pipe.txt")  # the only input: one Error line saying why
    assert code == 1 and line.startswith("Error:") and "FIFO" in line


@needs_posix
def test_a_fifo_named_like_a_killed_writes_temporary_is_not_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sweep of stale temporaries opened it to lock it, and opening a FIFO waits for a
    # writer: 'build inbox -o inbox/brief.md' and every daily run of that folder hung.
    inbox = _inbox(tmp_path)
    os.mkfifo(inbox / ".brief.md.AAAAAAAA.tmp")
    code, _, err = _run_build(["build", str(inbox), "-o", str(inbox / "brief.md")], capsys)
    assert code == 0, err
    out = tmp_path / "briefs"
    out.mkdir()
    os.mkfifo(out / ".2026-11-19.md.BBBBBBBB.tmp")
    code, _, err = _run_build(["daily", str(inbox), "--out", str(out)], capsys)
    assert code == 0, err


@needs_posix
def test_the_lock_holder_file_is_never_written_through_nor_waited_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # '<store>.lock.holder' was written with write_text: a link planted there had its target
    # overwritten ('precious' lost), and a FIFO there hung the run (so did reading it while
    # another run held the lock).
    inbox = _inbox(tmp_path)
    out = tmp_path / "briefs"
    out.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    holder = out / "briefing.sqlite.lock.holder"
    holder.symlink_to(precious)
    code, _, err = _run_build(["daily", str(inbox), "--out", str(out)], capsys)
    assert code == 0, err
    assert precious.read_text() == "keep me" and not holder.is_symlink()
    os.mkfifo(holder)
    code, _, err = _run_build(["daily", str(inbox), "--out", str(out), "--force"], capsys)
    assert code == 0, err
    with run_lock(out / "briefing.sqlite.lock", now=DAY):
        holder.unlink()
        os.mkfifo(holder)
        code, _, err = _run_build(["daily", str(inbox), "--out", str(out), "--force"], capsys)
        assert code == 1 and "in progress (unknown process;" in err
        holder.unlink()
        holder.symlink_to("/dev/zero")
        code, _, err = _run_build(["daily", str(inbox), "--out", str(out), "--force"], capsys)
        assert code == 1 and "in progress (unknown process;" in err


def test_build_dev_zero_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run_build(["build", "/dev/zero"], capsys, timeout_s=10)
    assert code == 1 and out == ""
    assert "character device" in err and err.count("Error:") == 1


def test_size_cap_applies_before_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.txt"
    with sparse.open("wb") as fh:  # 50 GB apparent size, no blocks on disk
        fh.truncate(50 * 1024**3)
    with pytest.raises(InputError, match="over the 1 MB"):
        read_source(sparse, max_bytes=1_000_000)
    result = ingest_paths([tmp_path], max_bytes=1_000_000)
    assert result.documents == [] and len(result.warnings) == 1


@pytest.mark.parametrize("size", [0, 1, 5, 9, 10, 11, 40])
@pytest.mark.parametrize("data", [b"", b"x", b"0123456789", b"0123456789" * 3])
def test_a_read_stops_at_the_end_or_one_byte_past_the_cap_whatever_fstat_said(
    data: bytes, size: int
) -> None:
    # read_source reads the size fstat gave; a file that grew since (or whose size fstat
    # does not know, as in /proc) is still read on, to one byte past the cap.
    assert _read_capped(io.BytesIO(data).read, size, 11) == data[:11]
    stream = io.BytesIO(data)  # a read may return fewer bytes than asked before the end
    assert _read_capped(lambda n: stream.read(min(n, 3)), size, 11) == data[:11]


def test_daily_skips_a_huge_sparse_file_and_later_runs_still_work(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    with (inbox / "huge.txt").open("wb") as fh:
        fh.truncate(20 * 1024**3)
    config = DailyConfig.model_validate({"sources": [str(inbox)], "out": tmp_path / "briefs"})
    first = run_daily(config, now=DAY, settings=_settings())
    assert first.status == "ok" and first.docs_added == 1
    assert len([w for w in first.warnings if "huge.txt" in w]) == 1
    (inbox / "bridge.txt").write_text(BRIDGE_VOTE)
    second = run_daily(config, now=DAY + dt.timedelta(days=1), settings=_settings())
    assert second.status == "ok" and second.docs_added == 1


def _settings():  # type: ignore[no-untyped-def]
    from briefing.config import Settings

    return Settings(cache=False)


# ---------------------------------------------------------------------------- walking


def test_link_loops_and_broken_links_are_warnings(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "loop.txt").symlink_to(inbox / "loop.txt")
    (inbox / "dangling.md").symlink_to(tmp_path / "gone.md")
    (inbox / "up").symlink_to(tmp_path)  # a link to a folder: not followed (no cycle)
    warnings: list[str] = []
    files = walk_folder(inbox, {".txt", ".md"}, warnings)
    assert [f.name for f in files] == ["ferry.txt"]
    assert len(warnings) == 2
    assert any("loop.txt" in w and "link loop" in w for w in warnings)
    assert any("dangling.md" in w and "No such file" in w for w in warnings)
    result = ingest_paths([inbox])
    assert len(result.documents) == 1 and len(result.warnings) == 2


def test_links_to_files_outside_the_folder_are_not_followed(tmp_path: Path) -> None:
    from briefing.daily.run import expand_sources

    inbox = _inbox(tmp_path)
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text(BRIDGE_VOTE)  # prose a brief would gladly quote
    (inbox / "notes.txt").symlink_to(secret)
    (inbox / "again.txt").symlink_to(inbox / "ferry.txt")  # inside the folder: followed
    warnings: list[str] = []
    files = walk_folder(inbox, {".txt"}, warnings)
    assert [f.name for f in files] == ["again.txt", "ferry.txt"]
    assert len(warnings) == 1 and "notes.txt" in warnings[0] and "outside" in warnings[0]
    result = ingest_paths([inbox])
    assert all("council" not in d.text.lower() for d in result.documents)
    assert any("notes.txt" in w for w in result.warnings)
    config = DailyConfig.model_validate(
        {"sources": [str(inbox / "*.txt")], "out": tmp_path / "briefs"}
    )
    found = expand_sources(config)
    assert sorted(p.name for p in found.files) == ["again.txt", "ferry.txt"]
    assert any("notes.txt" in w and "outside" in w for w in found.warnings)
    # A link named on the command line is what the user asked for: it is read.
    assert len(ingest_paths([inbox / "notes.txt"]).documents) == 1


@not_root
def test_an_unreadable_folder_is_a_warning(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    locked = inbox / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text(BRIDGE_VOTE)
    locked.chmod(0)
    try:
        result = ingest_paths([inbox])
        assert len(result.documents) == 1
        [warning] = result.warnings
        assert "locked" in warning and "cannot read folder" in warning
    finally:
        locked.chmod(0o755)


def test_a_folder_that_cannot_be_listed_is_a_warning_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    warnings: list[str] = []
    assert [f.name for f in walk_folder(inbox, {".txt"}, warnings)] == ["ferry.txt"]
    assert warnings == [f"{inbox / 'locked'}: cannot read folder: Permission denied; skipped"]


def test_a_folder_nested_past_the_path_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _inbox(tmp_path)
    part = "d" * 200
    levels = 4200 // (len(part) + 1) + 1  # the deepest folder's path is over PATH_MAX (4096)
    monkeypatch.chdir(inbox)
    for _ in range(levels):  # relative steps: each mkdir stays under the limit
        os.mkdir(part)
        os.chdir(part)
    Path("deep.txt").write_text(ORCHARD_FROST)
    monkeypatch.chdir(tmp_path)
    try:
        warnings: list[str] = []
        files = walk_folder(inbox, {".txt"}, warnings)
        assert [f.name for f in files] == ["ferry.txt"]
        assert len(warnings) == 1 and "too long" in warnings[0].lower()
        result = ingest_paths([inbox])
        assert len(result.documents) == 1 and len(result.warnings) == 1
    finally:
        shutil.rmtree(inbox / part)  # fd-based, so it can remove what paths cannot reach


def test_names_with_newlines_and_escapes_cannot_forge_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    evil = "x\nError: all your sources were deleted\x1b[2J.txt"
    (inbox / evil).write_bytes(b"\x00\x01binary")
    code, out, err = _run_build(["build", str(inbox)], capsys)
    assert code == 0
    assert not any(ln.startswith("Error:") for ln in err.splitlines())
    assert "\x1b" not in err and "\x1b" not in out
    [line] = _lines_naming(err, "all your sources")
    assert line.startswith("Warning:")


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(codec: str) -> None:
    text = "Ferry strike\n\n" + FERRY_STRIKE
    bom = "" if codec in ("utf-16", "utf-32") else "\ufeff"  # the plain codecs write their own
    doc, warnings = load_document((bom + text).encode(codec), "wide.txt")
    assert doc.text == load_document(text.encode(), "narrow.txt")[0].text
    assert warnings == []


def test_html_charset_comes_from_the_page_or_is_a_flagged_guess() -> None:
    text = "Le café du Pont-Neuf a fermé: «grève» des employés, dit-on à la mairie."
    declared = f'<html><head><meta charset="windows-1252"></head><body><p>{text}</p>'.encode(
        "cp1252"
    )
    warnings: list[str] = []
    assert text in decode_html(declared, "page.html", warnings) and warnings == []
    undeclared = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    page = decode_html(undeclared, "page.html", warnings)
    assert "café" in page and len(warnings) == 1 and "guess" in warnings[0]
    header = decode_html(undeclared, "p", [], content_type="text/html; charset=ISO-8859-1")
    assert text in header


@pytest.mark.parametrize(
    "charset", ["zlib", "base64", "hex", "rot13", "uu", "bz2", "idna", "undefined", "punycode"]
)
def test_a_page_declaring_a_codec_that_is_not_a_text_encoding_is_read_with_a_guess(
    charset: str,
) -> None:
    said = "Iran said the talks would continue next week, officials said."
    page = f'<html><head><meta charset="{charset}"></head><body><p>{said}</p></body></html>'
    data = page.encode("ascii") + b"\xe9"  # not UTF-8 either: the guess path
    warnings: list[str] = []
    assert said in decode_html(data, "page.html", warnings)
    assert len(warnings) == 1 and "page.html" in warnings[0]
    remote: list[str] = []  # the daily fetcher passes the server's Content-Type
    header = f"text/html; charset={charset}"
    assert said in decode_html(data, "https://example.org/a", remote, content_type=header)


def test_windows_1252_html_file_is_read_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "Le maire a déclaré que la récolte était perdue à quatre-vingts pour cent."
    body = "".join(f"<p>{s.strip()}.</p>" for s in ORCHARD_FROST.split(".") if s.strip())
    page = f"<html><head><title>Gel</title></head><body><article>{body}<p>{said}</p>"
    data = (page + "</article></body></html>").encode("cp1252")
    doc, warnings = load_document(data, "page.html", suffix=".html")
    assert said in doc.text
    assert len(warnings) == 1 and "guess" in warnings[0]
    (tmp_path / "page.html").write_bytes(data)
    code, _, err = _run_build(["build", str(tmp_path / "page.html")], capsys)
    assert code == 0 and len(_lines_naming(err, "page.html")) == 1


# ---------------------------------------------------------------------------- dates


def test_dates_only_from_where_a_date_is_stated() -> None:
    undated = "Ticket 2019-03-04 was mentioned, and 12/05/2018 too, in this plain page."
    html = f"<html><head><title>Storm of 2019-03-04</title></head><body><p>{undated}</p>"
    assert stated_date(html) is None
    meta = '<meta property="article:published_time" content="2026-11-18T10:00:00Z">'
    assert stated_date(html.replace("<head>", "<head>" + meta)) == dt.date(2026, 11, 18)
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
    ld += '"2026-11-17"}</script>'
    assert stated_date(html + ld) == dt.date(2026, 11, 17)

    body = FERRY_STRIKE.split("\n", 1)[-1]
    sentence = "Officials said the 2019-03-04 agreement still applies to the port."
    doc, _ = load_document(f"Ferry strike\n\n{sentence}\n\n{body}".encode(), "a.txt")
    assert doc.date is None
    doc, _ = load_document(
        f"Ferry strike\n\nPublished 19 November 2026\n\n{body}".encode(), "b.txt"
    )
    assert doc.date == dt.date(2026, 11, 19)


def test_daily_globs_do_not_follow_links_to_folders(tmp_path: Path) -> None:
    from briefing.daily.run import expand_sources

    inbox = _inbox(tmp_path)
    (inbox / "up").symlink_to(tmp_path)  # two links up: glob.glob would walk 2**40 paths
    (inbox / "again").symlink_to(tmp_path)
    (inbox / "sub").mkdir()
    (inbox / "sub" / "bridge.txt").write_text(BRIDGE_VOTE)
    (inbox / ".hidden.txt").write_text(ORCHARD_FROST)
    config = DailyConfig.model_validate(
        {"sources": [str(inbox / "**" / "*.txt")], "out": tmp_path / "briefs"}
    )
    found = expand_sources(config)
    assert sorted(p.name for p in found.files) == ["bridge.txt", "ferry.txt"]


def test_a_glob_matching_a_broken_link_is_a_warning(tmp_path: Path) -> None:
    from briefing.daily.run import expand_sources

    inbox = _inbox(tmp_path)
    (inbox / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    config = DailyConfig.model_validate(
        {"sources": [str(inbox / "*.txt")], "out": tmp_path / "briefs"}
    )
    found = expand_sources(config)
    assert [p.name for p in found.files] == ["ferry.txt"]
    assert len(found.warnings) == 1 and "gone.txt" in found.warnings[0]


def test_a_page_claiming_utf16_in_ascii_is_read_as_utf8() -> None:
    warnings: list[str] = []
    page = decode_html('<meta charset="utf-16"><p>café</p>'.encode(), "p.html", warnings)
    assert "café" in page and warnings == []


def test_a_run_of_words_without_sentences_is_not_a_document() -> None:
    # A log line, a table dump or minified text: one "sentence" of 400,000 words.
    with pytest.raises(InputError, match="words without sentences"):
        load_document(("word " * 400_000).encode(), "dump.txt")


def test_a_run_on_line_never_becomes_a_fact() -> None:
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine
    from briefing.ingest import document_from_text

    doc = document_from_text(f"Harbour news today\n\n{'lorem ipsum ' * 5_000}\n", "a.txt")
    facts = OfflineEngine().extract_facts("harbour", [doc], chunk_documents([doc])).value
    assert [f.statement for f in facts] == ["Harbour news today"]  # the headline, not the run


# ----------------------------------------------------------------- a brief among its sources


def test_the_output_never_overwrites_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    source = inbox / "ferry.txt"
    for args in (["build", str(source), "-o", str(source)],
                 ["build", str(inbox), "-o", str(source)]):  # fmt: skip
        code, _, err = _run_build(args, capsys)
        assert code == 1 and "is one of this brief's sources" in err
        assert source.read_text() == FERRY_STRIKE  # refused before any work, nothing lost


def test_the_source_check_of_o_reads_no_further_than_the_document_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The check that -o names no source read the file there whole (read_bytes): 64 MB at the
    # -o path was 64 MB in memory before anything was briefed.
    inbox = _inbox(tmp_path)
    big = inbox / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(64 * 2**20)  # sparse: costs no disk
    tracemalloc.start()
    try:
        assert source_at(big, [inbox], max_bytes=2**20) is None  # over the limit: no source
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20
    # And it judged by the default 10 MB, not by --max-doc-mb: a 12 MB article that a brief
    # with --max-doc-mb 20 reads was overwritten by that brief.
    article = (FERRY_STRIKE.strip() + "\n\n") * (12 * 2**20 // len(FERRY_STRIKE))
    big.write_text(article)
    args = ["build", str(inbox), "-o", str(big), "--max-doc-mb", "20"]
    code, _, err = _run_build(args, capsys)
    assert code == 1 and "is one of this brief's sources" in err
    assert big.read_text() == article


@pytest.mark.parametrize("name", ["brief.md", "brief.html"])
def test_a_brief_written_among_its_sources_is_not_read_back_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "orchard.txt").write_text(ORCHARD_FROST)
    out = inbox / name
    for _ in range(2):  # the second build finds the first one's brief in the folder
        code, _, err = _run_build(["build", str(inbox), "-o", str(out)], capsys)
        assert code == 0 and name not in err
    as_json = tmp_path / "brief.json"
    code, _, _ = _run_build(["build", str(inbox), "-o", str(as_json)], capsys)
    assert code == 0 and json.loads(as_json.read_text())["stats"]["documents"] == 2
    # named on the command line it is still refused, with one line saying why
    code, _, err = _run_build(["build", str(out), str(inbox / "orchard.txt")], capsys)
    assert code == 0 and len(_lines_naming(err, name)) == 1 and "made by briefing" in err


def test_a_daily_brief_written_inside_its_source_folder_is_not_a_source_the_next_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    out = inbox / "briefs"
    code, _, _ = _run_build(["daily", str(inbox), "--out", str(out), "--date", "2026-11-20"],
                            capsys)  # fmt: skip
    assert code == 0 and (out / "2026-11-20.md").is_file()
    (inbox / "orchard.txt").write_text(ORCHARD_FROST)
    code, _, _ = _run_build(["daily", str(inbox), "--out", str(out), "--date", "2026-11-21"],
                            capsys)  # fmt: skip
    assert code == 0
    day2 = json.loads((out / "2026-11-21.json").read_text())
    assert [s["path"] for s in day2["sources"]] == [str(inbox / "orchard.txt")]
    assert not [w for w in day2["stats"]["warnings"] if "briefs" in w]  # passed over quietly


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format_and_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    raw = os.fsencode(inbox) + b"/bad\xff\xfename.txt"
    try:
        with open(raw, "w") as fh:
            fh.write(ORCHARD_FROST)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    for fmt in ("md", "json", "html", "pdf"):
        out = tmp_path / f"brief.{fmt}"
        code, _, err = _run_build(["build", str(inbox), "-o", str(out)], capsys, 60)
        assert code == 0, err
    assert "bad\\xff\\xfename.txt" in (tmp_path / "brief.md").read_text(encoding="utf-8")
    briefs = tmp_path / "briefs"
    for day, expected in (("2026-11-20", 0), ("2026-11-21", 3)):  # 3: nothing new the next day
        args = ["daily", str(inbox), "--out", str(briefs), "--date", day]
        assert _run_build(args, capsys)[0] == expected


def _nested_email(depth: int) -> bytes:
    parts = ['From: a@example.org\nSubject: deep\nContent-Type: multipart/mixed; boundary="b0"\n\n']
    parts += [
        f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth)
    ]
    parts.append(f"--b{depth}\nContent-Type: text/plain\n\n{ORCHARD_FROST}\n")
    parts += [f"--b{i}--\n" for i in range(depth, -1, -1)]
    return "".join(parts).encode()


def test_an_email_nested_too_deeply_is_one_warning_and_the_rest_is_briefed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "deep.eml").write_bytes(_nested_email(1200))
    mbox = b"From x@y Mon Jan  1 00:00:00 2024\n" + _nested_email(1200)
    (inbox / "box.mbox").write_bytes(mbox)
    code, _, err = _run_build(["build", str(inbox), "-o", str(tmp_path / "b.json")], capsys)
    assert code == 0 and "nested too deeply" in err
    assert len(_lines_naming(err, "deep.eml")) == 1 and len(_lines_naming(err, "box.mbox")) == 1
    assert json.loads((tmp_path / "b.json").read_text())["stats"]["documents"] == 1


def _email_of_parts(parts: int, text: str) -> bytes:
    body = "".join(f"--b\nContent-Type: text/plain\n\nPart {i}.\n" for i in range(parts))
    return (
        'From: a@example.org\nSubject: parts\nContent-Type: multipart/mixed; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain\n\n{text}\n{body}--b--\n"
    ).encode()


def test_an_email_of_thousands_of_parts_is_one_warning_not_a_long_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "parts.eml").write_bytes(_email_of_parts(20_000, BRIDGE_VOTE))  # 0.6 MB
    (inbox / "fine.eml").write_bytes(_email_of_parts(40, ORCHARD_FROST))
    start = dt.datetime.now()
    code, _, err = _run_build(["build", str(inbox), "-o", str(tmp_path / "b.json")], capsys)
    assert code == 0 and (dt.datetime.now() - start).total_seconds() < 5
    assert _lines_naming(err, "parts.eml") == [
        f"Warning: {inbox / 'parts.eml'}: more than 5,000 MIME parts (built to be slow to "
        "read?); skipped"
    ]
    assert json.loads((tmp_path / "b.json").read_text())["stats"]["documents"] == 2


def test_a_config_nested_too_deeply_or_not_a_file_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = _run_build(["build", str(inbox), "--config", str(deep)], capsys)
    assert code == 1 and "nested too deeply" in err and err.count("\n") == 1
    code, _, err = _run_build(["build", str(inbox), "--config", str(tmp_path)], capsys)
    assert code == 1 and "not a regular file" in err


def test_daily_names_a_bad_file_in_one_warning_line_as_build_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _inbox(tmp_path)
    (inbox / "empty.txt").write_text("")
    args = ["daily", str(inbox), "--out", str(tmp_path / "briefs"), "--date", "2026-11-20"]
    code, _, err = _run_build(args, capsys)
    assert code == 0
    assert _lines_naming(err, "empty.txt") == [
        f"Warning: {inbox / 'empty.txt'}: empty file; skipped"
    ]


def test_a_page_drawn_by_a_script_is_read_from_its_json_ld_article_body() -> None:
    from briefing.htmlpage import main_text

    body = " ".join(
        f"Paragraph {i} of the column says the chief executive faced a hard year in office."
        for i in range(40)
    )
    html = (
        '<html><head><script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "articleBody": body})
        + "</script></head><body><figure><figcaption>The president speaks during a debate in"
        " Taipei. Photo: AP</figcaption></figure></body></html>"
    )
    page = main_text(html)
    assert page is not None
    assert page.text.startswith("Paragraph 0 of the column")
    assert any("articleBody" in note for note in page.notes)


def test_a_related_headline_inline_in_an_article_body_is_a_line_of_its_own() -> None:
    """A page's script sets a related article's headline inline in its articleBody, with no
    stop of its own: it had been glued to the next sentence and quoted as one ("... is
    'independent country' But again, it's too little, too late for Lam ...")."""
    from briefing.htmlpage import main_text

    headline = "Tsai says Beijing must face reality that Taiwan is \u2018independent country\u2019"
    going_on = "But again, it is too little, too late for the chief executive of the city."
    whole = (
        "Officials told reporters and The Guardian that the talks had failed on Monday.",
        'The minister said "It is over" and left the hall before the vote was taken.',
        "In an interview with CBS This Morning, the author said she would turn the offer down.",
        "The math is explained in detail on a blog called All This. How much gold is in it?",
    )
    sentences = [
        f"Paragraph {i} of the column says the chief executive faced a hard year in office."
        for i in range(30)
    ]
    body = " ".join([*sentences[:15], *whole, headline, going_on, *sentences[15:]])
    html = (
        '<html><head><script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "articleBody": body})
        + "</script></head><body><p>Photo: AP</p></body></html>"
    )
    page = main_text(html)
    assert page is not None
    lines = page.text.split("\n")
    assert headline in lines
    assert any(line.startswith(going_on) for line in lines)
    assert all(any(sentence in line for line in lines) for sentence in whole)


def test_a_page_whose_json_ld_nests_deeper_than_the_parser_is_read_without_it() -> None:
    # 100,000 open brackets in a <script type="application/ld+json"> had been a RecursionError
    # traceback (the page's date and article body are read from its JSON-LD)
    from briefing.htmlpage import stated_date
    from briefing.ingest import load_document

    depth = 100_000
    page = (
        '<html><head><script type="application/ld+json">' + "[" * depth + "]" * depth
        + '</script><script type="application/ld+json">{"@graph": [{"datePublished": '
        '"2021-07-09", "articleBody": "x"}]}</script><title>Port reopens</title></head><body>'
        + "<p>Officials said the port would reopen on Monday after repairs.</p>" * 5
        + "</body></html>"
    )  # fmt: skip
    assert stated_date(page) == dt.date(2021, 7, 9)  # the next block is still read
    doc, _ = load_document(page.encode(), "deep.html", suffix=".html")
    assert "port would reopen" in doc.text
