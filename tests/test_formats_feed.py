"""RSS/Atom feed files given to `briefing build`: one document per entry, nothing fetched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("feedparser")

from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, LoopbackServer, Route, article_html, rss

from briefing.cli import main
from briefing.config import Settings
from briefing.ingest import ingest_paths
from briefing.pipeline import build_brief

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Post</title><id>urn:hp</id>
<updated>2026-11-19T09:00:00Z</updated>
<entry><title>Bridge vote</title><id>urn:hp:1</id><link href="https://example.org/bridge"/>
<updated>2026-11-19T09:00:00Z</updated>
<content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
</feed>"""


def _feed(tmp_path: Path, link: str = "https://example.org/ferry") -> Path:
    ferry = {"title": "Ferry strike", "link": link, "guid": "f1",
             "pubDate": "Fri, 20 Nov 2026 07:00:00 GMT", "description": FERRY_STRIKE}  # fmt: skip
    teaser = {"title": "Teaser", "guid": "t1", "description": "Read more"}
    path = tmp_path / "wire.rss"
    path.write_text(rss("Valley Wire", [ferry, teaser]))
    return path


def test_each_entry_is_a_document_with_its_metadata(tmp_path: Path) -> None:
    atom = tmp_path / "post.atom"
    atom.write_text(ATOM.format(body=BRIDGE_VOTE))
    result = ingest_paths([_feed(tmp_path), atom])
    ferry, bridge = result.documents
    assert (ferry.title, ferry.outlet, ferry.url) == (
        "Ferry strike", "Valley Wire", "https://example.org/ferry"
    )  # fmt: skip
    assert ferry.date == dt.date(2026, 11, 20) and ferry.path.endswith("wire.rss#1")
    assert (bridge.title, bridge.outlet, bridge.date) == (
        "Bridge vote", "Harbour Post", dt.date(2026, 11, 19)
    )  # fmt: skip
    assert result.warnings == [f"{tmp_path / 'wire.rss'}#2: entry without article text; skipped"]
    brief = build_brief(result.documents, settings=Settings(), today=dt.date(2026, 11, 20))
    texts = {d.id: d.text for d in result.documents}
    cited = [c for f in [*brief.bottom_line, *brief.facts] for c in f.citations]
    assert {c.source_id for c in cited} == set(texts)
    assert all(texts[c.source_id][c.start : c.end] == c.quote for c in cited)


def test_a_feed_file_fetches_nothing_its_entries_link_to(tmp_path: Path) -> None:
    server = LoopbackServer()
    try:
        server.routes["/ferry"] = Route(article_html("Ferry", FERRY_STRIKE * 3))
        feed = _feed(tmp_path, link=server.url("/ferry"))
        assert main(["build", str(feed), "-o", str(tmp_path / "b.md"), "-q"]) == 0
        assert server.requests == []  # briefed from what the file holds
    finally:
        server.close()


def test_xml_that_is_not_a_feed_is_one_line_and_the_rest_is_briefed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>')
    (tmp_path / "inbox" / "passwd.xml").write_text("/etc/passwd")  # never opened as a path
    (tmp_path / "inbox" / "ferry.txt").write_text(FERRY_STRIKE)
    assert main(["build", str(tmp_path / "inbox"), "-o", str(tmp_path / "b.md")]) == 0
    err = capsys.readouterr().err
    assert "sitemap.xml: not an RSS/Atom feed; skipped" in err
    assert "passwd.xml" in err and "root:" not in (tmp_path / "b.md").read_text()
    assert "Traceback" not in err


def test_briefing_text_names_a_feed_entry_as_an_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It said "no message #9 (it holds 1 with text)" of a feed, and "no message #2" of an entry
    # it holds without article text.
    feed = _feed(tmp_path)
    assert main(["text", f"{feed}#1"]) == 0
    assert capsys.readouterr().out.startswith(FERRY_STRIKE[:40])
    assert main(["text", f"{feed}#9"]) == 1
    assert capsys.readouterr().err == f"Error: {feed}: no entry #9 (it holds 2 entries, #1 to #2)\n"
    assert main(["text", f"{feed}#2"]) == 1
    err = capsys.readouterr().err
    assert err == f"Error: {feed}#2: entry without article text; no text to print\n"


def test_a_syndication_footer_is_not_the_entrys_text(tmp_path: Path) -> None:
    body = "<p>" + FERRY_STRIKE.replace("\n\n", "</p><p>") + "</p>"
    footers = {
        "Ferry strike": (  # Medium, with its member-only notice and the title as a link
            "<p>This story is currently available to Medium Members at the following link:</p>"
            "<p>Ferry strike</p><p>The story will be unlocked and available to all of our "
            "readers after 30 days.</p><p>Ferry strike was originally published in Valley "
            "Wire on Medium, where people are continuing the conversation by highlighting and "
            "responding to this story.</p>"
        ),
        "Ferry talks": (  # WordPress
            '<p>The post <a href="https://example.org/f">Ferry talks</a> appeared first on '
            "Valley Wire.</p>"
        ),
        "Ferry deal": (  # a syndicator
            "<p>This article was originally published on The Conversation. Read the original "
            "article.</p>"
        ),
    }
    items = [
        {"title": title, "guid": title, "description": f"<p>{title} was news.</p>{body}{footer}"}
        for title, footer in footers.items()
    ]
    path = tmp_path / "wire.rss"
    path.write_text(rss("Valley Wire", items))
    result = ingest_paths([path])
    assert [d.title for d in result.documents] == list(footers)
    for doc in result.documents:
        assert doc.text.endswith(FERRY_STRIKE.rstrip().rsplit("\n", 1)[-1].strip()), doc.text
        for word in ("published", "appeared first", "unlocked", "Medium Members"):
            assert word not in doc.text


def test_published_in_the_body_stays_and_an_entry_of_only_a_footer_is_none(
    tmp_path: Path,
) -> None:
    said = (
        "The report, first published in 2019 by the council, was updated on Friday. The "
        "findings were published in the journal Nature."
    )
    items = [
        {"title": "Report", "guid": "r", "description": f"<p>{FERRY_STRIKE}</p><p>{said}</p>"},
        {"title": "Stub", "guid": "s",
         "description": "<p>Stub was originally published in Valley Wire on Medium.</p>"},
    ]  # fmt: skip
    path = tmp_path / "wire.rss"
    path.write_text(rss("Valley Wire", items))
    result = ingest_paths([path])
    (doc,) = result.documents
    assert doc.text.endswith(said)
    assert result.warnings == [f"{path}#2: entry without article text; skipped"]


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        (
            "The kind of night Donald Trump loves best \u2013 when he can applaud himself | "
            "Richard Wolffe",
            "The kind of night Donald Trump loves best \u2013 when he can applaud himself",
        ),
        (
            "The Women's March could change politics like the Tea Party did | Erica Chenoweth "
            "and Jeremy Pressman",
            "The Women's March could change politics like the Tea Party did",
        ),
        ("Opinion | The case for keeping the night ferry", None),
        ("Tottenham v Manchester United: Premier League \u2013 live!", None),
        ("Ferry strike - Valley Wire", None),  # only a pipe marks a byline in a feed's title
    ],
)
def test_an_entry_title_keeps_its_headline_not_its_byline(
    tmp_path: Path, title: str, headline: str | None
) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(
        rss("Valley Wire", [{"title": title, "guid": "g", "description": FERRY_STRIKE}])
    )
    (doc,) = ingest_paths([path]).documents
    assert doc.title == (headline or title)
