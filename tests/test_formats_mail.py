"""E-mail sources: one document per message, the HTML body preferred, newsletter furniture."""

from __future__ import annotations

import datetime as dt
import itertools
from email.message import EmailMessage
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")

from formats_samples import (
    MBOX_BODIES,
    MBOX_SUBJECTS,
    NEWSLETTER_BODY,
    NEWSLETTER_DATE,
    NEWSLETTER_FURNITURE,
    NEWSLETTER_HTML_ONLY,
    NEWSLETTER_SENDER,
    NEWSLETTER_SUBJECT,
    make_eml,
    make_mbox,
    newsletter,
)

from briefing.config import Settings
from briefing.formats.mail import _unfolded, split_mbox
from briefing.ingest import ingest_paths
from briefing.models import Document
from briefing.pipeline import build_brief


def _cited_outside_furniture(doc: Document, docs: list[Document]) -> int:
    brief = build_brief(docs, settings=Settings(cache=False), today=dt.date(2026, 11, 20))
    citations = [c for f in brief.bottom_line + brief.facts for c in f.citations]
    count = 0
    for c in citations:
        if c.source_id != doc.id:
            continue
        assert c.start is not None and c.end is not None
        assert doc.text[c.start : c.end] == c.quote
        assert not any(f.start < c.end and c.start < f.end for f in doc.furniture), c.quote
        count += 1
    return count


def test_eml_html_body_subject_sender_and_date(tmp_path: Path) -> None:
    result = ingest_paths([make_eml(tmp_path / "weekly.eml")])
    assert result.warnings == []
    (doc,) = result.documents
    assert NEWSLETTER_HTML_ONLY in doc.text  # the HTML part, not the plain alternative
    for paragraph in NEWSLETTER_BODY:
        assert paragraph in doc.text.split("\n")
    assert doc.title == NEWSLETTER_SUBJECT and doc.outlet == NEWSLETTER_SENDER
    assert doc.date == NEWSLETTER_DATE.date()
    shown = {doc.text[f.start : f.end] for f in doc.furniture}
    for line in NEWSLETTER_FURNITURE:  # dropped by the article finder, or marked
        assert line not in doc.text or line in shown
    assert _cited_outside_furniture(doc, [doc]) >= 1


def test_plain_only_newsletter_is_unwrapped_and_its_footer_is_furniture(tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "Valley Notes <notes@valley.example>"
    message["Subject"] = "Valley Notes"
    message["Date"] = "Thu, 19 Nov 2026 08:00:00 +0000"
    wrapped = (
        "Farmers in the southern valley said on Wednesday that the floodwater had\n"
        "finally drained from the lower fields, and that planting would begin in March.\n"
    )
    message.set_content(
        "View this email in your browser\n\n"
        + wrapped
        + "\nThe valley cooperative said it had ordered new seed from suppliers in the north.\n"
        "\nYou are receiving this email because you signed up at valley.example.\n"
        "Unsubscribe: https://valley.example/u\n"
        "Valley Notes, 4 Mill Lane\n"
    )
    (doc,) = ingest_paths([make_eml(tmp_path / "notes.eml", message)]).documents
    lines = doc.text.split("\n")
    assert " ".join(wrapped.split()) in lines  # hard-wrapped lines joined into one paragraph
    shown = [doc.text[f.start : f.end] for f in doc.furniture]
    assert shown[0] == "View this email in your browser"
    assert shown[-1] == "Valley Notes, 4 Mill Lane" and len(shown) == 4
    assert doc.date == dt.date(2026, 11, 19)
    assert _cited_outside_furniture(doc, [doc]) >= 1


def test_html_only_newsletter_laid_out_with_tables(tmp_path: Path) -> None:
    message = EmailMessage()
    message["From"] = "news@harbour.example"
    message["Subject"] = "Harbour bulletin"
    cells = "".join(f"<tr><td><p>{p}</p></td></tr>" for p in NEWSLETTER_BODY)
    message.set_content(
        f"<html><body><table><tr><td><a href='v'>View online</a></td></tr>{cells}"
        "<tr><td>Unsubscribe</td></tr></table></body></html>",
        subtype="html",
    )
    (doc,) = ingest_paths([make_eml(tmp_path / "bulletin.eml", message)]).documents
    for paragraph in NEWSLETTER_BODY:
        assert paragraph in doc.text.split("\n")
    assert doc.outlet == "news@harbour.example" and doc.date is None


def test_mbox_of_three_messages_is_three_sources(tmp_path: Path) -> None:
    mbox = make_mbox(tmp_path / "archive.mbox")
    result = ingest_paths([mbox])
    assert result.warnings == []
    docs = result.documents
    assert [d.path for d in docs] == [f"{mbox}#{n}" for n in (1, 2, 3)]
    assert [d.title for d in docs] == list(MBOX_SUBJECTS)
    for doc, body in zip(docs, MBOX_BODIES, strict=True):
        assert body[0] in doc.text
    assert len({d.date for d in docs}) == 3
    assert sum(_cited_outside_furniture(d, docs) for d in docs) >= 2


def test_mbox_unescapes_from_lines_and_a_bad_message_warns_alone(tmp_path: Path) -> None:
    good = bytes(newsletter()).replace(b"\r\n", b"\n")
    empty = b"From: someone@example.org\nSubject: nothing\n\n"
    data = b"From a@b Thu Nov 19 08:00:00 2026\n" + good + b"\n>From the editor\n\n"
    data += b"From a@b Thu Nov 19 09:00:00 2026\n" + empty
    messages = split_mbox(data)
    assert len(messages) == 2 and b"\nFrom the editor" in messages[0]
    path = tmp_path / "mixed.mbox"
    path.write_bytes(data)
    result = ingest_paths([path])
    assert [d.path for d in result.documents] == [f"{path}#1"]
    assert len(result.warnings) == 1 and result.warnings[0].startswith(f"{path}#2: ")


def test_not_an_mbox_and_not_an_email_warn_once(tmp_path: Path) -> None:
    fake = tmp_path / "fake.mbox"
    fake.write_bytes(b"just some words, not a mailbox at all\n" * 3)
    headless = tmp_path / "headless.eml"
    headless.write_bytes(b"\n\nno headers here, only a body of text that goes on.\n")
    result = ingest_paths([fake, headless])
    assert result.documents == [] and len(result.warnings) == 2
    assert result.warnings[0].startswith(f"{fake}: not an mbox")
    assert result.warnings[1].startswith(f"{headless}: ")


def test_a_maildir_folder_reads_its_messages(tmp_path: Path) -> None:
    maildir = tmp_path / "Mail" / "newsletters"
    for name in ("cur", "new", "tmp"):
        (maildir / name).mkdir(parents=True)
    make_eml(maildir / "cur" / "1763539200.M1P2.host:2,S", newsletter())
    second = newsletter(MBOX_SUBJECTS[0], MBOX_BODIES[0], html_extra="")
    make_eml(maildir / "new" / "1763625600.M3P4.host", second)
    (maildir / "tmp" / "1763625601.M5P6.host").write_bytes(b"half-written")  # not delivered
    (tmp_path / "Mail" / "notes").write_bytes(b"\x00\x01 not a mail folder")  # not read
    result = ingest_paths([tmp_path / "Mail"])
    assert result.warnings == []
    assert sorted(d.title or "" for d in result.documents) == sorted(
        [NEWSLETTER_SUBJECT, MBOX_SUBJECTS[0]]
    )


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_plain_body_labelled_utf16_is_read_as_the_text_it_is(
    tmp_path: Path, charset: str
) -> None:
    said = "The harbour reopened on Monday after three weeks of repairs, the port authority said."
    raw = (
        f"From: news@example.org\nSubject: Harbour news\n"
        f"Content-Type: text/plain; charset={charset}\n\n{said}\n"
    )
    (tmp_path / "label.eml").write_text(raw, encoding="ascii")
    result = ingest_paths([tmp_path / "label.eml"])
    assert [d.text.strip().splitlines()[-1] for d in result.documents] == [said]
    real = EmailMessage()  # a body that really is UTF-16 is still read as UTF-16
    real["From"], real["Subject"] = "news@example.org", "Harbour news"
    real.set_content(said, charset="utf-16")
    (tmp_path / "real.eml").write_bytes(real.as_bytes())
    (doc,) = ingest_paths([tmp_path / "real.eml"]).documents
    assert said in doc.text


@pytest.mark.parametrize(
    ("charset", "codec"),
    [
        ("utf_16", "utf-8"),  # a UTF-16 label on bytes without NUL: the UTF-8 they are
        ("UTF_32", "utf-8"),
        ("utf_16_le", "utf-8"),
        ("utf_8", "utf-8"),
        ("iso_8859_1", "latin-1"),
        ("ISO_8859-15", "iso8859-15"),
        ("windows_1252", "cp1252"),
        ("cp_1252", "cp1252"),  # no codec of the standard library spells it so
    ],
)
@pytest.mark.parametrize("subtype", ["plain", "html"])
def test_a_charset_label_written_with_underscores_decodes_as_meant(
    tmp_path: Path, charset: str, codec: str, subtype: str
) -> None:
    """Labels such as "utf_16" or "cp_1252" missed the UTF-16 check or were unknown: a UTF-8
    body labelled "utf_16" was read as UTF-16 and skipped as 'no article text', and a
    Windows-1252 one labelled "cp_1252" lost its accented letters."""
    said = "The caf\u00e9 on the quay reopened on Monday after the storm, the harbour office said."
    body = said if subtype == "plain" else f"<html><body><article><p>{said}</p></article></body>"
    raw = (
        f"From: news@example.org\nSubject: Harbour news\nMIME-Version: 1.0\n"
        f'Content-Type: text/{subtype}; charset="{charset}"\n'
        "Content-Transfer-Encoding: 8bit\n\n"
    ).encode() + body.encode(codec)
    (tmp_path / "label.eml").write_bytes(raw)
    result = ingest_paths([tmp_path / "label.eml"])
    assert result.warnings == []
    (doc,) = result.documents
    assert said in doc.text.split("\n")


_SAID = "Domani e marted\u00ec il caff\u00e8 riapre sul molo dopo la tempesta, dice il porto."


def _eml_with_parts(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A message whose body is ``parts`` (subtype, charset parameter or None, 8-bit bytes),
    in a multipart/alternative when there are several."""

    def part(subtype: str, charset: str | None, body: bytes) -> bytes:
        param = f'; charset="{charset}"' if charset else ""
        return (
            f"Content-Type: text/{subtype}{param}\nContent-Transfer-Encoding: 8bit\n\n"
        ).encode() + body

    head = b"From: meteo@example.org\nSubject: Bollettino\nMIME-Version: 1.0\n"
    if len(parts) == 1:
        return head + part(*parts[0])
    body = b"".join(b"--sep\n" + part(*p) + b"\n" for p in parts)
    return head + b'Content-Type: multipart/alternative; boundary="sep"\n\n' + body + b"--sep--\n"


def _html(said: str, meta: str = "") -> str:
    return f"<html><head>{meta}</head><body><article><p>{said}</p></article></body></html>"


@pytest.mark.parametrize(
    ("parts", "warned"),
    [
        # mail-parser's mail_test_2.eml: an HTML part without a charset, in Latin-1, beside
        # a text/plain part that says iso-8859-1 (24 U+FFFD, no warning)
        (
            [("plain", "iso-8859-1", _SAID.encode("latin-1")),
             ("html", None, _html(_SAID).encode("latin-1"))],
            "decoded as iso8859-1, as its text/plain part declares (a guess)",
        ),
        ([("plain", None, _SAID.encode("cp1252"))], "decoded as Windows-1252 (a guess)"),
        ([("html", None, _html(_SAID).encode("cp1252"))], "(a guess)"),
        ([("html", "us-ascii", _html(_SAID).encode("cp1252"))], "(a guess)"),
        ([("plain", "utf-8", _SAID.encode("latin-1"))], "decoded with repairs"),
        # no guess to warn of: UTF-8, or the HTML's own <meta charset>
        ([("plain", None, _SAID.encode())], None),
        ([("plain", "us-ascii", _SAID.encode())], None),
        ([("html", None, _html(_SAID, '<meta charset="iso-8859-1">').encode("latin-1"))], None),
    ],
)  # fmt: skip
def test_a_part_without_a_usable_charset_is_decoded_as_files_are(
    tmp_path: Path, parts: list[tuple[str, str | None, bytes]], warned: str | None
) -> None:
    """A part without a charset was read as ASCII with U+FFFD for each other byte, silently:
    now UTF-8 when valid, else the HTML's <meta charset>, else its sibling's charset, else a
    guess, and a guess (or a repair) is a warning naming the file."""
    (tmp_path / "bulletin.eml").write_bytes(_eml_with_parts(*parts))
    result = ingest_paths([tmp_path / "bulletin.eml"])
    (doc,) = result.documents
    if warned is None:
        assert result.warnings == []
    else:
        (warning,) = result.warnings
        assert warning.startswith(str(tmp_path / "bulletin.eml")) and warned in warning
    exact = warned is None or "declares (a guess)" in warned or "Windows-1252" in warned
    if exact:  # a guess from the text alone (charset-normalizer) may pick a kindred codec
        assert _SAID in doc.text.split("\n")
    if warned is None or "with repairs" not in warned:
        assert "\ufffd" not in doc.text


FOLD_AT = 990  # where a relay broke this HTML part's long lines (Postfix before 2.9)


def _folded_html_message(markup: str, width: int = FOLD_AT) -> bytes:
    """An e-mail whose 8-bit HTML part is one long line that a relay broke into lines of
    ``width`` characters with a line break and a space, mid-word or not."""
    cuts = [0, *range(width, len(markup), width - 1), len(markup)]
    folded = "\n ".join(markup[a:b] for a, b in itertools.pairwise(cuts))
    head = (
        "From: Ufficio Meteo <meteo@example.org>\nSubject: Bollettino\n"
        "Date: Sun, 29 Nov 2015 09:45:18 +0100\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return (head + folded + "\n").encode()


def test_an_html_part_a_relay_broke_mid_word_reads_whole(tmp_path: Path) -> None:
    """A relay breaks a body line longer than SMTP allows with a line break and a space,
    wherever it falls: "nord-o" / " ccidentale" read as two words on two lines, and the
    second half was quoted ("ccidentale, un debole fronte ...")."""
    sentence = (
        "Inserito in un flusso nord-occidentale, un debole fronte caldo porta oggi un rinforzo "
        "della ventilazione sulla nostra regione, con qualche fiocco sulle zone di confine."
    )
    filler = "La giornata sara in prevalenza soleggiata su tutta la regione. " * 14
    head = f"<html><body><p>{filler}"
    pad = FOLD_AT - len(head + "</p><p>Inserito in un flusso nord-o")
    assert pad >= 0
    markup = f"{head}{' ' * pad}</p><p>{sentence}</p><p>{filler}</p></body></html>"
    assert markup[:FOLD_AT].endswith("nord-o") and len(markup) > 2 * FOLD_AT
    mail = tmp_path / "bollettino.eml"
    mail.write_bytes(_folded_html_message(markup))
    (doc,) = ingest_paths([mail]).documents
    assert sentence in doc.text.split("\n")


@pytest.mark.parametrize(
    ("lines", "unfolded"),
    [
        (["a" * 990, " b" + "c" * 988, " d"], "a" * 990 + "b" + "c" * 988 + "d"),
        (["a" * 990, " b" + "c" * 989, " d"], "a" * 990 + "b" + "c" * 989 + "d"),
        (["x" * 998, "  y"], "x" * 998 + " y"),  # broken before a space
        # a line longer than the width was never broken at it
        (["a" * 950, " b", "c" * 1200], None),
        # lines of unlike lengths: an author's long lines and indented ones
        (["a" * 950, " b", "c" * 960, " d"], None),
        (["a" * 72, " b"], None),  # short lines: a plain text's indent
    ],
)
def test_a_relays_line_breaks_are_taken_out(lines: list[str], unfolded: str | None) -> None:
    text = "\r\n".join(lines)
    assert _unfolded(text) == (text if unfolded is None else unfolded)
