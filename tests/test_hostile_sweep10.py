"""Hostile inputs, tenth sweep: what the earlier sweeps' files did not reach.

Each test is a defect found by probing the CLI: a path a delivery command reads as an option,
an intranet allowance reached from a public feed or redirect, ...
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST, article_html, rss
from formats_samples import make_docx
from hostile_servers import RawServer, ok, redirect

from briefing import dedup
from briefing.cli import main
from briefing.daily import webclient
from briefing.daily.deliver import run_command
from briefing.daily.fetch import FetchError, FetchPolicy, HttpClient, read_url
from briefing.daily.store import Store
from briefing.ingest import document_from_text, ingest_paths

# ---------------------------------------------------------------------------- delivery


_ARGPARSE_COPY = (
    "import argparse, pathlib; p = argparse.ArgumentParser(); p.add_argument('brief'); "
    "a = p.parse_args(); pathlib.Path('got.txt').write_text(pathlib.Path(a.brief).read_text()[:40])"
)


def test_a_brief_path_starting_with_a_dash_is_no_option_to_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``out = "-briefs"`` (or a relative out folder whose name starts with '-') gave the
    delivery command ``-briefs/2026-11-20.md``, which it read as an option: ``ls`` and every
    argparse tool refused it, and a command with a matching flag would have acted on it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "ferry.txt").write_text(FERRY_STRIKE)
    (tmp_path / "briefing.toml").write_text(
        '[daily]\nsources = ["inbox/"]\nout = "-briefs"\n'
        f"command = [{sys.executable!r}, '-c', {_ARGPARSE_COPY!r}]\n"
    )
    code = main(["daily", "--date", "2026-11-20"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "delivery command" not in err
    assert (tmp_path / "got.txt").read_text() == (
        tmp_path / "-briefs" / "2026-11-20.md"
    ).read_text()[:40]

    # {path} inside an argument is the same path; an absolute path is left as it is
    target = tmp_path / "arg.txt"
    write_arg = f"import pathlib, sys; pathlib.Path({str(target)!r}).write_text(sys.argv[1])"
    run_command([sys.executable, "-c", write_arg, "{path}"], Path("-x.md"))
    assert target.read_text() == "./-x.md"
    run_command([sys.executable, "-c", write_arg, "--brief={path}"], Path("-x.md"))
    assert target.read_text() == "--brief=./-x.md"
    run_command([sys.executable, "-c", write_arg, "{path}"], tmp_path / "-x.md")
    assert target.read_text() == str(tmp_path / "-x.md")


# ---------------------------------------------------------------------------- allowances


@pytest.fixture
def public_and_intranet(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RawServer, RawServer]]:
    """A "public" server (127.0.0.1, taken for a public address here) and an intranet one on
    127.0.0.2, the only host the user allowed."""
    real = webclient._address_kind

    def kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return None if str(ip) == "127.0.0.1" else real(ip)

    monkeypatch.setattr(webclient, "_address_kind", kind)
    public, intranet = RawServer(), RawServer("127.0.0.2")
    yield public, intranet
    public.close()
    intranet.close()


def _linking_feed(link: str) -> bytes:
    return rss(
        "Wire", [{"title": "t", "guid": "g1", "link": link, "description": "short"}]
    ).encode()


def test_an_intranet_allowance_is_not_reached_from_a_public_host(
    public_and_intranet: tuple[RawServer, RawServer],
) -> None:
    """``allow_hosts = ["intranet.lan"]`` is there to read the intranet's own feed; a public
    feed whose entries link into the intranet, or a public URL redirecting there, had the
    daily job fetch intranet pages (any GET, the cloud metadata of an allowed address) and
    brief them."""
    public, intranet = public_and_intranet
    intranet.behaviours["/secret"] = ok(article_html("Secret", ORCHARD_FROST).encode(), "text/html")
    intranet.behaviours["/page"] = ok(article_html("Page", BRIDGE_VOTE).encode(), "text/html")
    intranet.behaviours["/feed"] = ok(_linking_feed(intranet.url("/page")))
    public.behaviours["/feed"] = ok(_linking_feed(intranet.url("/secret")))
    public.behaviours["/moved"] = redirect(intranet.url("/secret"))
    public.behaviours["/article"] = ok(article_html("Public", FERRY_STRIKE).encode(), "text/html")
    client = HttpClient(user_agent="t", timeout_s=2.0, policy=FetchPolicy.allowing(["127.0.0.2"]))

    result = read_url(public.url("/feed"), client=client)
    assert intranet.requests == []
    assert [item.text for item in result.items] == []  # a short summary only: no usable text
    assert any("127.0.0.2" in w and "loopback" in w for w in result.warnings)
    with pytest.raises(FetchError, match="loopback"):
        client.get(public.url("/moved"))
    assert intranet.requests == []

    # what the user named still works: a public page, the intranet feed and its own links
    assert read_url(public.url("/article"), client=client).items
    result = read_url(intranet.url("/feed"), client=client)
    assert intranet.paths() == ["/feed", "/page"]
    assert "bridge" in result.items[0].text.lower()


# ---------------------------------------------------------------------------- Word files

_DTD = (
    '<!DOCTYPE w:document [<!ENTITY file SYSTEM "file:///etc/hostname">'
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
)


def _with_dtd(source: Path, target: Path, part: str) -> Path:
    """``source`` with a DTD in ``part``, and entity references in its first text runs."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", data.decode())
                xml = re.sub(r"(<w:t(?: [^>]*)?>)", r"\1&file;&b;", xml, count=3)
                data = ('<?xml version="1.0" encoding="UTF-8"?>' + _DTD + xml).encode()
            zout.writestr(item, data)
    return target


@pytest.mark.parametrize("part", ["word/document.xml", "docProps/core.xml"])
def test_a_word_file_declaring_a_dtd_is_one_warning(
    tmp_path: Path, part: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .docx whose XML declares entities had each paragraph holding a reference cut short
    at it, silently (python-docx reads no entity, and drops the text after one): a file
    could hide what its paragraphs say from the brief. Word itself never writes a DTD and
    refuses to open a file with one."""
    bad = _with_dtd(make_docx(tmp_path / "note.docx"), tmp_path / "dtd.docx", part)
    good = tmp_path / "ferry.txt"
    good.write_text(FERRY_STRIKE)
    code = main(["build", str(bad), str(good), "-f", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    lines = [ln for ln in out.err.splitlines() if "dtd.docx" in ln]
    assert len(lines) == 1 and lines[0].startswith(f"Warning: {bad}: ") and "DTD" in lines[0]
    assert "Traceback" not in out.err and "dtd.docx" not in out.out.split('"warnings"')[0]
    assert main(["text", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {bad}: ") and err.count("\n") == 1


# ---------------------------------------------------------------------------- charsets


def _message(charset: str) -> bytes:
    return (
        "From: desk@example.org\nSubject: Harbour\nMIME-Version: 1.0\n"
        f'Content-Type: text/plain; charset="{charset}"\n\n'
        "The harbour reopened on Monday \\ud800 after the storm. The port authority said "
        "ships could dock again. Officials expect full traffic by March.\n"
    ).encode()


@pytest.mark.parametrize("charset", ["unicode_escape", "raw_unicode_escape"])
def test_a_charset_decoding_to_a_lone_surrogate_is_read_without_a_crash(
    tmp_path: Path, charset: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An e-mail declaring a Python codec such as ``unicode_escape`` decoded ``\\ud800`` in
    its body to a lone surrogate, which no byte stands for: ``build`` (every other source
    with it) and ``daily`` ended in a UnicodeEncodeError traceback."""
    mail = tmp_path / "odd.eml"
    mail.write_bytes(_message(charset))
    good = tmp_path / "ferry.txt"
    good.write_text(FERRY_STRIKE)
    for args in (
        ["build", str(mail), str(good), "-f", "json"],
        ["build", str(mail), str(good), "-f", "html"],
        ["text", str(mail)],
        ["daily", str(mail), str(good), "--out", str(tmp_path / "briefs")],
    ):
        code = main(args)
        out = capsys.readouterr()
        assert code == 0, (args, out.err[-300:])
        assert "Traceback" not in out.err
        if args[0] == "text":
            assert "harbour reopened on Monday \ufffd after" in out.out


def test_a_page_decoding_to_a_lone_surrogate_keeps_its_text(tmp_path: Path) -> None:
    """A page declaring ``unicode_escape`` had its article cut at the lone surrogate its
    ``\\ud800`` decodes to (the extractor stopped there), then skipped as "no article text"."""
    page = tmp_path / "odd.html"
    page.write_text(
        article_html("Harbour", FERRY_STRIKE)
        .replace("<head>", '<head><meta charset="unicode_escape">')
        .replace("</p>", " \\ud800</p>", 1)
    )
    (doc,) = ingest_paths([page]).documents
    assert "\ufffd" in doc.text and FERRY_STRIKE.split(". ")[-1].rstrip(".") in doc.text


# ---------------------------------------------------------------------------- dry run


def _listing(folder: Path) -> dict[str, bytes]:
    """The folder's files and their bytes, but for the shared-memory and WAL files SQLite
    makes beside a WAL database whoever opens it, a reader too (``briefing history``)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if not p.name.endswith(("-shm", "-wal"))
    }


def test_a_dry_run_writes_nothing_to_the_store_and_names_files_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``daily --dry-run`` opened the corpus store to write: it stamped it (the file
    changed, without the lock a run takes) and failed ("attempt to write a readonly
    database") on a store the user may only read, which ``history`` reads. A feed file named
    with a newline stays one line of the plan."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    out = tmp_path / "briefs"
    assert main(["daily", str(inbox), "--out", str(out), "--date", "2026-11-20"]) == 0
    before = _listing(out)
    (inbox / "wire\nError: forged.rss").write_text(
        rss("Wire", [{"title": "t", "guid": "g", "description": "short"}])
    )
    capsys.readouterr()
    assert main(["daily", str(inbox), "--out", str(out), "--dry-run"]) == 0
    plan = capsys.readouterr().out
    assert _listing(out) == before
    assert "would read feed file" in plan
    assert not any(line.startswith("Error: forged") for line in plan.splitlines())


def test_a_dry_run_says_what_a_run_would_warn_about_its_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``daily --dry-run`` on a broken link or a link loop said "would read 0 files" and
    nothing else: the warnings a run gives about its sources were dropped."""
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    out = str(tmp_path / "briefs")
    assert (
        main(["daily", str(tmp_path / "gone.txt"), str(tmp_path), "--out", out, "--dry-run"]) == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert f"Warning: {tmp_path / 'gone.txt'}: no such file or directory" in err
    assert any(line.startswith(f"Warning: {tmp_path / 'loop.txt'}: ") for line in err)


# ---------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("table", "line"),
    [
        ("build", "timeout_s = true"),
        ("build", "concurrency = true"),
        ("daily", "retention_days = true"),
        ("daily", "window_hours = false"),
        ("daily.email", "port = true"),
    ],
)
def test_true_or_false_is_no_number_in_the_config(
    tmp_path: Path, table: str, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A number set to ``true`` was read as 1: ``retention_days = true`` pruned the corpus
    to one day's documents, ``timeout_s = true`` gave every LLM request one second."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    tables = {
        "build": "[build]\n",
        "daily": f'[daily]\nsources = ["{inbox}"]\nout = "{tmp_path / "briefs"}"\n',
        "daily.email": '[daily.email]\nto = ["a@example.org"]\nsender = "b@example.org"\n',
    }
    text = "".join(body + (line + "\n" if name == table else "") for name, body in tables.items())
    config = tmp_path / "briefing.toml"
    config.write_text(text)
    command = ["build", str(inbox)] if table == "build" else ["daily", "--dry-run"]
    assert main(["--config", str(config), *command]) == 1
    err = capsys.readouterr().err
    setting = line.split(" = ")[0]
    assert err.count("\n") == 1 and err.startswith("Error: invalid ")
    assert f"{setting} (from {config}): " in err and "true or false" in err


# ---------------------------------------------------------------------------- Markdown


def test_template_tags_in_a_source_do_not_reach_the_markdown_brief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Markdown brief published through a site generator (GitHub Pages reads Liquid in any
    .md file) ran a source's ``{% include ... %}`` or ``{{ site... }}``: a title, a quote or
    a file name could pull the site's files and settings onto the page, or break its build.
    The braces are shown as the source writes them, but never as a tag."""
    text = (
        "Ferry {{ site.github.token }} strike {% include secrets.txt %}\n\n"
        + FERRY_STRIKE.replace("walked off", "walked {{< readfile secrets >}} off {%- raw %}")
    )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "{{ site.email }}.txt").write_text(text)
    (folder / "{% raw %}.txt").write_text("{{ untitled }} " + BRIDGE_VOTE)
    assert main(["build", str(folder), "--date", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "{{" not in out and "{%" not in out, out
    assert r"Ferry {\{ site.github.token }} strike {\% include secrets.txt %}" in out
    assert r"walked {\{\< readfile secrets \>}} off {\%- raw %}" in out


# ---------------------------------------------------------------------------- the store

_NOTICE = (
    "Your order number {i} has shipped from our warehouse today and will arrive within three "
    "business days. Track your parcel on our website with the number printed on the receipt. "
    "Thank you for shopping with us; we hope to see you again soon."
)


def test_many_copies_of_one_template_cost_each_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mailbox of one sender's notices (an mbox of order confirmations, alerts, a
    newsletter's template) made ``daily`` quadratic: each message was compared with every
    stored copy sharing an LSH key and checked for news against every copy of its story,
    600 messages took 27 s and an mbox of 50,000 did not finish in 10 minutes. A message is
    now compared with a bounded number of stored documents, and is still a reprint."""
    compared: list[int] = []
    estimate, kind = dedup.estimate_jaccard, dedup.copy_kind

    def counted_estimate(a: object, b: object) -> float:
        compared.append(1)
        return estimate(a, b)  # type: ignore[arg-type]

    def counted_kind(doc: object, earlier: list[object]) -> str:
        compared.append(len(earlier))
        return kind(doc, earlier)  # type: ignore[arg-type]

    monkeypatch.setattr(dedup, "estimate_jaccard", counted_estimate)
    monkeypatch.setattr(dedup, "copy_kind", counted_kind)
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    with Store(tmp_path / "store.sqlite") as store:
        statuses = [
            store.add_document(
                document_from_text(_NOTICE.format(i=i), f"box.mbox#{i}"), origin="file", now=now
            ).status
            for i in range(1, 401)
        ]
    assert statuses[0] == "new" and set(statuses[1:]) == {"reprint"}
    assert sum(compared) < 400 * 4 * dedup.MAX_KEY_DOCUMENTS  # was 400 * 400 / 2 * 2


# ---------------------------------------------------------------------------- titles


@pytest.mark.parametrize("rule", ["---", "***", "* * *", "===", "# ---"])
def test_a_line_of_no_words_is_no_title(rule: str) -> None:
    """A Markdown post opening with its front matter's ``---`` (or a rule) was titled
    "---": the page read "Situation brief: ---"."""
    text = f"{rule}\ntitle: Ferry strike\nlayout: post\n{rule}\n\n{FERRY_STRIKE}"
    assert document_from_text(text, "post.md").title == "Ferry strike"
