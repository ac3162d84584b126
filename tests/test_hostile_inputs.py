"""Hostile document contents, for build in every format and, where it applies, the daily job:
entity bombs and external entities, markup in titles, broken containers. Each case is one
warning line naming the input (or one error), no traceback, nothing read or fetched that the
user did not name, and nothing a source wrote becomes markup in the brief."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE
from hostile_servers import RawServer, ok

from briefing.cli import main
from briefing.formats.feed import read_feed

pytest.importorskip("feedparser")

SECRET = "SECRET-MARKER-7f3a"


@pytest.fixture
def server() -> Iterator[RawServer]:
    srv = RawServer()
    yield srv
    srv.close()


def _build(
    paths: list[Path], out: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = main(["build", *map(str, paths), "-o", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, (out.read_text() if out.suffix != ".pdf" and out.exists() else ""), err


# ---------------------------------------------------------------------------- feed entities


def _rss(doctype: str, title: str, body: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{title}</title><link>https://example.org/a</link>"
        f"<description>{body}</description></item></channel></rss>"
    )


def test_an_undefined_or_external_entity_is_dropped_and_nothing_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    declared = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    for name, doctype in (("external.rss", declared), ("undefined.rss", "")):
        (tmp_path / name).write_text(
            _rss(doctype, "Council approves &xxe; budget", f"{FERRY_STRIKE} &xxe; {BRIDGE_VOTE}")
        )
    for fmt in ("md", "html", "json"):
        code, text, err = _build(
            [tmp_path / "external.rss", tmp_path / "undefined.rss"], tmp_path / f"b.{fmt}", capsys
        )
        assert code == 0 and SECRET not in text
        page = "\n".join(ln for ln in text.splitlines() if "left out" not in ln)
        assert "xxe" not in page  # in no title, quote or topic
        assert "Council approves budget" in text
        lines = [ln for ln in err.splitlines() if "&xxe;" in ln]
        assert len(lines) == 2 and all(ln.startswith("Warning: ") for ln in lines)


def test_html_entities_are_read_and_entity_bombs_do_not_expand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">\n' for i in range(10)
    )
    (tmp_path / "laughs.rss").write_text(
        _rss(f"<!DOCTYPE rss [\n{laughs}]>", "Laughs &lol9;", f"{FERRY_STRIKE} &lol9;")
    )
    quadratic = '<!DOCTYPE rss [\n<!ENTITY a "' + "a" * 20_000 + '">\n]>'
    (tmp_path / "quadratic.rss").write_text(
        _rss(quadratic, "Blowup", f"{BRIDGE_VOTE} " + "&a;" * 20_000)
    )  # 400 MB once expanded
    named = '<!DOCTYPE rss [\n<!ENTITY port "Harbour">\n]>'
    (tmp_path / "named.rss").write_text(
        _rss(named, "Caf&eacute; &amp; &port; &mdash; vote", BRIDGE_VOTE.replace(" ", " &nbsp;", 1))
    )
    code, text, err = _build(sorted(tmp_path.glob("*.rss")), tmp_path / "b.md", capsys)
    assert code == 0
    assert "Café & Harbour — vote" in text
    assert "lollol" not in text and len(text) < 60_000
    assert "laughs.rss: entities left out (&lol9;)" in err
    assert "quadratic.rss: its entities would expand past its own size" in err
    assert "named.rss" not in err  # HTML names and plain internal entities are not problems


def test_an_external_dtd_is_not_fetched_by_build_or_daily(
    server: RawServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.behaviours["/evil.dtd"] = ok(b'<!ENTITY evil "EVIL">', "application/xml-dtd")
    dtd = f'<!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">'
    body = _rss(dtd, "Vote &evil;", f"{BRIDGE_VOTE} &evil;").encode()
    (tmp_path / "wire.rss").write_bytes(body)
    code, text, _ = _build([tmp_path / "wire.rss"], tmp_path / "b.md", capsys)
    assert code == 0 and "EVIL" not in text
    assert server.paths() == []

    server.behaviours["/feed"] = ok(body)
    (tmp_path / "inbox").mkdir()
    args = [
        "daily", str(tmp_path / "inbox"), "--out", str(tmp_path / "briefs"), "--date",
        "2026-11-20", "--feed", server.url("/feed"), "--allow-host", "127.0.0.1",
    ]  # fmt: skip
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and server.paths() == ["/feed"]
    brief = (tmp_path / "briefs" / "2026-11-20.md").read_text()
    assert "EVIL" not in brief and "Vote evil" not in brief


def _encoded(text: str, codec: str) -> bytes:
    if codec == "utf-7":  # "<" and "&" written in its shifted form: no byte of them is ASCII
        head, rest = text.split("\n", 1)
        return f"{head}\n".encode() + rest.replace("<", "+ADw-").replace("&", "+ACY-").encode()
    return text.encode(codec)


@pytest.mark.parametrize(
    ("codec", "declared"),
    [
        ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"),
        ("utf-32", "UTF-32"), ("utf-7", "UTF-7"), ("cp037", "cp037"),
    ],
)  # fmt: skip
def test_a_feed_not_in_an_ascii_encoding_has_its_entities_settled(
    codec: str, declared: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    long_value = "a" * 20_000
    external = f'<!ENTITY xxe SYSTEM "file://{secret}">'
    doctype = f'<!DOCTYPE rss [\n<!ENTITY a "{long_value}">\n{external}\n]>'
    text = _rss(doctype, "Vote &xxe;", f"{BRIDGE_VOTE} " + "&a;" * 20_000)
    body = _encoded(text.replace('version="1.0"', f'version="1.0" encoding="{declared}"'), codec)
    start = dt.datetime.now()
    feed = read_feed(body, "wide.rss")
    assert (dt.datetime.now() - start).total_seconds() < 5
    [entry] = feed.entries
    assert entry.title == "Vote" and "bridge" in entry.text and len(entry.text) < 100_000
    assert SECRET not in entry.text
    assert any("expand past its own size" in w for w in feed.warnings)
    assert any("&xxe;" in w for w in feed.warnings)


def test_a_feed_in_another_encoding_reads_as_it_declares() -> None:
    text = _rss("", "Caf\u00e9 vote", BRIDGE_VOTE)
    for codec in ("utf-16", "windows-1252", "utf-8-sig"):
        body = text.replace('version="1.0"', f'version="1.0" encoding="{codec}"').encode(codec)
        [entry] = read_feed(body, "f.rss").entries
        assert entry.title == "Caf\u00e9 vote", codec


def test_entity_settling_is_linear_on_unterminated_sections() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b"<![CDATA[<!--&a;" * 200_000
    start = dt.datetime.now()
    with pytest.raises(Exception):  # noqa: B017 - whatever the parser says; it must be quick
        read_feed(body, "cdata.rss")
    assert (dt.datetime.now() - start).total_seconds() < 10


# ---------------------------------------------------------------------------- deep HTML


def _deep_page(depth: int, text: str, tag: str = "div") -> str:
    return (
        "<html><head><title>Deep page</title></head><body>"
        + f"<{tag}>" * depth
        + f"<p>{text}</p>"
        + f"</{tag}>" * depth
        + "</body></html>"
    )


@pytest.mark.parametrize("depth", [300, 100_000])
def test_text_nested_past_the_parser_depth_is_read_with_one_warning(
    depth: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "deep.html"
    page.write_text(_deep_page(depth, FERRY_STRIKE))
    start = dt.datetime.now()
    code, text, err = _build([page], tmp_path / "b.md", capsys)
    assert code == 0 and (dt.datetime.now() - start).total_seconds() < 30
    assert "ferry" in text.lower()
    assert err.count("\n") == 1 and "deep.html: elements nested deeper than 255" in err


def test_a_deep_page_is_read_by_daily(
    server: RawServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.behaviours["/deep"] = ok(_deep_page(50_000, BRIDGE_VOTE).encode(), "text/html")
    (tmp_path / "inbox").mkdir()
    args = [
        "daily", str(tmp_path / "inbox"), server.url("/deep"), "--out", str(tmp_path / "briefs"),
        "--date", "2026-11-20", "--allow-host", "127.0.0.1",
    ]  # fmt: skip
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "/deep: elements nested deeper than 255" in err
    assert "bridge" in (tmp_path / "briefs" / "2026-11-20.md").read_text().lower()


# ---------------------------------------------------------------------------- HTML entities


def test_html_entities_are_settled_as_in_feeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10)
    )
    page = tmp_path / "page.html"
    page.write_text(
        f'<?xml version="1.0"?><!DOCTYPE html [{laughs}<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Vote &xxe;&lol9; caf&eacute;'
        f"</title></head><body><article><p>{FERRY_STRIKE} &lol9; &xxe;</p>"
        f"<p>{BRIDGE_VOTE}</p></article></body></html>"
    )
    for fmt in ("md", "html", "json"):
        code, text, err = _build([page], tmp_path / f"b.{fmt}", capsys)
        assert code == 0 and SECRET not in text and "lollol" not in text
        page_text = "\n".join(ln for ln in text.splitlines() if "left out" not in ln)
        assert "xxe" not in page_text and "lol9" not in page_text
        assert "Vote café" in text
        assert err.count("\n") == 1 and "page.html: entities left out (&xxe;, &lol9;)" in err


def test_an_email_html_body_has_its_entities_settled_as_a_page_does(tmp_path: Path) -> None:
    from briefing.ingest import ingest_paths

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10)
    )
    page = (
        f'<!DOCTYPE html [{laughs}<!ENTITY xxe SYSTEM "file://{secret}">]><html><body>'
        f"<p>{FERRY_STRIKE} &lol9; &xxe; caf&eacute;</p><p>{BRIDGE_VOTE}</p></body></html>"
    )
    (tmp_path / "news.eml").write_text(
        "From: Wire <a@example.org>\nSubject: Ferry strike\nMIME-Version: 1.0\n"
        f"Content-Type: text/html; charset=utf-8\n\n{page}\n"
    )
    result = ingest_paths([tmp_path / "news.eml"])
    [doc] = result.documents
    assert "caf\u00e9" in doc.text and "xxe" not in doc.text and "lol" not in doc.text
    assert SECRET not in doc.text
    [warning] = result.warnings
    assert warning.startswith(f"{tmp_path / 'news.eml'}: entities left out (&lol9;, &xxe;)")


# ---------------------------------------------------------------------------- Word files


def test_a_word_file_without_properties_has_no_made_up_title(tmp_path: Path) -> None:
    import io
    import zipfile

    from briefing.ingest import ingest_paths

    pytest.importorskip("docx")
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in (FERRY_STRIKE, BRIDGE_VOTE))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/'
        'document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
        f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    }
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    (tmp_path / "memo.docx").write_bytes(data.getvalue())
    (doc,) = ingest_paths([tmp_path / "memo.docx"]).documents
    assert doc.title != "Word Document"


def test_the_size_limit_is_named_in_the_units_of_its_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text(FERRY_STRIKE * (3 * 1024 * 1024 // len(FERRY_STRIKE) + 1))
    code = main(["build", str(big), "--max-doc-mb", "2.5", "-o", str(tmp_path / "b.md")])
    err = capsys.readouterr().err
    assert code == 1 and "3.0 MB is over the 2.5 MB per-document limit" in err


# ---------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('engine = "openai"\n', "unknown key 'engine'"),
        ("[buidl]\nengine = 'offline'\n", "unknown table [buidl]"),
    ],
)
def test_a_setting_outside_its_table_is_one_error_not_ignored(
    toml: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "briefing.toml"
    config.write_text(toml)
    (tmp_path / "ferry.txt").write_text(FERRY_STRIKE)
    source = str(tmp_path / "ferry.txt")
    build = ["build", source, "-o", str(tmp_path / "b.md")]
    for command in (build, ["daily", source, "--out", str(tmp_path / "d")]):
        assert main(["--config", str(config), *command]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("Error: ") and said in err


def test_an_empty_folder_names_every_format_it_looked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(tmp_path), "-o", str(tmp_path.parent / "b.md")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".rss" in err and ".mbox" in err


# ---------------------------------------------------------------------------- unbroken runs


def test_a_100k_character_word_title_or_link_reaches_no_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    word = "Zq" * 50_000
    (tmp_path / "words.txt").write_text(
        f"Harbour notes\n\n{FERRY_STRIKE} The council discussed {word} at length on Tuesday. "
        f"The {word} reported the {word} budget."
    )
    link = "https://example.org/" + "a" * 100_000
    (tmp_path / "wire.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>W{word}</title><item>'
        f"<title>{word}</title><link>{link}</link><description>{BRIDGE_VOTE}</description>"
        "</item></channel></rss>"
    )
    for fmt in ("md", "html", "json", "pdf"):
        start = dt.datetime.now()
        code, text, _ = _build(
            [tmp_path / "words.txt", tmp_path / "wire.rss"], tmp_path / f"b.{fmt}", capsys
        )
        assert code == 0 and (dt.datetime.now() - start).total_seconds() < 60
        assert "ZqZq" * 200 not in text and "a" * 3000 not in text
        if fmt == "md":
            assert "ferry" in text.lower() and "bridge" in text.lower()


def test_a_paragraph_inside_one_open_quotation_is_split_in_linear_time() -> None:
    """A quotation is one sentence, so the splitter looks for its closing mark: a paragraph of
    100,000 sentences opened by a quote mark (closed at its end, or never) must not make it
    count or search the paragraph again at every full stop."""
    from briefing.text import sentence_spans

    body = "We go now. " * 100_000
    start = dt.datetime.now()
    assert len(list(sentence_spans("\u201c" + body + "\u201d he said."))) == 1
    assert len(list(sentence_spans("\u201c" + body))) == 100_000
    assert len(list(sentence_spans('"' + body))) == 100_000
    assert (dt.datetime.now() - start).total_seconds() < 10
