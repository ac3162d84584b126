"""Fetching feeds and pages over a loopback HTTP server (127.0.0.1 only) and from files."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator
from pathlib import Path

import pytest
from daily_samples import (
    BRIDGE_VOTE,
    ORCHARD_FROST,
    LoopbackServer,
    Route,
    article_html,
    rss,
)

from briefing.daily.fetch import (
    FetchError,
    FetchPolicy,
    HttpClient,
    looks_like_feed,
    parse_feed,
    read_feed_file,
    read_url,
)

UA = "briefing-test/1.0"
# The fetch policy refuses loopback addresses; these tests allow 127.0.0.1 the way a user would.
LOOPBACK = FetchPolicy.allowing(["127.0.0.1"])
T0 = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


def _rfc822(moment: dt.datetime) -> str:
    return email.utils.format_datetime(moment)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def client() -> HttpClient:
    return HttpClient(user_agent=UA, timeout_s=2.0, max_bytes=20_000, policy=LOOPBACK)


def test_get_sends_user_agent_and_honours_etag(server: LoopbackServer, client: HttpClient) -> None:
    server.routes["/feed"] = Route("<rss/>", content_type="application/rss+xml", etag='"v1"')
    first = client.get(server.url("/feed"))
    assert (first.status, first.etag, first.body) == (200, '"v1"', b"<rss/>")
    again = client.get(server.url("/feed"), etag=first.etag)
    assert again.not_modified and again.body == b""
    assert [h.get("User-Agent") for _, h in server.requests] == [UA, UA]
    assert server.requests[1][1].get("If-None-Match") == '"v1"'


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route("gone", status=404), "HTTP 404"),
        (Route("oops", status=500), "HTTP 500"),
        (Route("x" * 50_000), "cap"),
    ],
)
def test_http_failures_are_fetch_errors_naming_the_url(
    server: LoopbackServer, client: HttpClient, route: Route, message: str
) -> None:
    server.routes["/r"] = route
    with pytest.raises(FetchError, match=message) as info:
        client.get(server.url("/r"))
    assert info.value.source == server.url("/r")


def test_slow_server_times_out(server: LoopbackServer) -> None:
    server.routes["/slow"] = Route("slow", delay_s=1.0)
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        HttpClient(user_agent=UA, timeout_s=0.3, policy=LOOPBACK).get(server.url("/slow"))


def test_unreachable_and_unsupported_urls(client: HttpClient) -> None:
    with pytest.raises(FetchError, match="cannot connect"):
        client.get("http://127.0.0.1:9/nothing-listens-here")
    with pytest.raises(FetchError, match="unsupported URL scheme"):
        client.get("file:///etc/passwd")


def test_feed_entries_are_windowed_and_short_entries_fetch_their_page(
    server: LoopbackServer, client: HttpClient
) -> None:
    server.routes["/a1"] = Route(article_html("Bridge funded", BRIDGE_VOTE))
    server.routes["/broken"] = Route("down", status=503)
    feed = rss(
        "Valley Wire",
        [
            {
                "title": "Bridge funded",
                "link": server.url("/a1"),
                "guid": "g-1",
                "pubDate": _rfc822(T0),
                "description": "Council votes.",
            },
            {
                "title": "Old news",
                "link": server.url("/old"),
                "guid": "g-0",
                "pubDate": _rfc822(T0 - dt.timedelta(days=3)),
                "description": "Stale.",
            },
            {
                "title": "Frost hits orchards",
                "link": server.url("/broken"),
                "guid": "g-2",
                "pubDate": _rfc822(T0 + dt.timedelta(hours=1)),
                "description": ORCHARD_FROST[:300],
            },
            {
                "title": "Seen before",
                "link": server.url("/seen"),
                "guid": "g-3",
                "pubDate": _rfc822(T0),
                "description": "Already taken.",
            },
        ],
    )
    result = parse_feed(
        feed.encode(),
        "valley.xml",
        since=T0 - dt.timedelta(days=1),
        is_seen=lambda key: key == "entry:g-3",
        client=client,
    )
    assert [i.key for i in result.items] == ["entry:g-1", "entry:g-2"]
    bridge, frost = result.items
    assert "narrow margin" in bridge.text and "Home | World" not in bridge.text
    assert bridge.outlet == "Valley Wire" and bridge.published == T0
    assert frost.text.startswith("A late frost")  # the page failed: the entry's own text is used
    assert (result.skipped_old, result.skipped_seen) == (1, 1)
    assert any("broken" in w and "HTTP 503" in w for w in result.warnings)
    assert not any(path == "/old" for path, _ in server.requests)


def test_until_bounds_a_backfilled_day() -> None:
    feed = rss(
        "W",
        [
            {"title": "later", "guid": "late", "pubDate": _rfc822(T0), "description": BRIDGE_VOTE},
            {"title": "early", "guid": "early", "pubDate": _rfc822(T0 - dt.timedelta(days=1)),
             "description": ORCHARD_FROST},
        ],
    )  # fmt: skip
    result = parse_feed(feed.encode(), "w.xml", until=T0 - dt.timedelta(hours=1))
    assert [i.key for i in result.items] == ["entry:early"]


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b"\x00\x01garbage"])
def test_broken_feeds_raise_fetch_error(body: bytes) -> None:
    with pytest.raises(FetchError, match=r"bad\.xml"):
        parse_feed(body, "bad.xml")


def test_truncated_feed_warns_and_yields_nothing() -> None:
    result = parse_feed(b"<rss><channel><item>", "cut.xml")
    assert result.items == []
    assert any(w.startswith("cut.xml: malformed feed") for w in result.warnings)


def test_feed_file_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "local.rss"
    path.write_text(rss("Local", [{"title": "t", "guid": "x", "description": BRIDGE_VOTE}]))
    result = read_feed_file(path)
    assert [i.title for i in result.items] == ["t"] and result.items[0].published is None
    with pytest.raises(FetchError, match=r"nope\.rss"):
        read_feed_file(tmp_path / "nope.rss")


def test_url_source_is_sniffed_as_feed_or_article(
    server: LoopbackServer, client: HttpClient
) -> None:
    server.routes["/story"] = Route(article_html("Frost", ORCHARD_FROST, outlet="Valley Post"))
    server.routes["/rss"] = Route(
        rss("Wire", [{"title": "b", "guid": "b1", "description": BRIDGE_VOTE}]),
        content_type="text/plain",  # a mislabelled feed is still recognised by its content
        etag='"e1"',
    )
    page = read_url(server.url("/story"), client=client)
    [item] = page.items
    assert item.key == f"url:{server.url('/story')}" and item.outlet == "Valley Post"
    assert "apple blossom" in item.text
    feed = read_url(server.url("/rss"), client=client)
    assert [i.key for i in feed.items] == ["entry:b1"] and feed.etag == '"e1"'
    again = read_url(server.url("/rss"), client=client, etag=feed.etag)
    assert again.not_modified and again.items == []


def test_page_without_article_text_is_an_error(server: LoopbackServer, client: HttpClient) -> None:
    server.routes["/empty"] = Route("<html><body><nav>Home</nav></body></html>")
    with pytest.raises(FetchError, match="no article text"):
        read_url(server.url("/empty"), client=client)


@pytest.mark.parametrize(
    ("body", "ctype", "expected"),
    [
        (b"<?xml version='1.0'?><rss>", "", True),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "", True),
        (b"<!doctype html><html>", "text/html", False),
        (b"{}", "application/atom+xml", True),
    ],
)
def test_looks_like_feed(body: bytes, ctype: str, expected: bool) -> None:
    assert looks_like_feed(body, ctype) is expected
