"""The fetch policy against real misbehaving servers on 127.0.0.1.

The policy refuses loopback addresses by default, so every test that wants its server read
allows 127.0.0.1 through the same switch a user has (``FetchPolicy.allowing`` /
``--allow-host``); the first tests show that without it nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST, article_html, rss
from hostile_servers import RawServer, echo_key_400, ok, raw, redirect, trickle

from briefing.cli import main
from briefing.daily.fetch import FetchError, FetchPolicy, HttpClient, parse_feed, read_url
from briefing.daily.webclient import _address_kind, display_url

UA = "briefing-test/1.0"
LOOPBACK = FetchPolicy.allowing(["127.0.0.1"])
NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def server() -> Iterator[RawServer]:
    srv = RawServer()
    yield srv
    srv.close()


def _client(policy: FetchPolicy = LOOPBACK, timeout_s: float = 2.0) -> HttpClient:
    return HttpClient(user_agent=UA, timeout_s=timeout_s, max_bytes=200_000, policy=policy)


def _one_line(exc: pytest.ExceptionInfo[FetchError], url: str) -> str:
    message = str(exc.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(display_url(url))
    assert ":pw@" not in message  # a password in a URL is never repeated
    return message


def _feed(entries: int = 1, link: str | None = None) -> bytes:
    items = [
        {"title": f"story {i}", "guid": f"g{i}", "description": BRIDGE_VOTE}
        | ({"link": link, "description": "short"} if link else {})
        for i in range(entries)
    ]
    return rss("Hostile Wire", items).encode()


# ---------------------------------------------------------------------------- addresses


def test_loopback_url_is_refused_without_the_switch(server: RawServer) -> None:
    server.behaviours["/feed"] = ok(_feed())
    url = server.url("/feed")
    with pytest.raises(FetchError) as exc:
        _client(FetchPolicy()).get(url)
    assert "loopback" in _one_line(exc, url) and "--allow-host" in str(exc.value)
    assert server.requests == []  # refused before connecting
    assert _client().get(url).status == 200  # allowed explicitly, it is read


def test_host_names_are_checked_after_resolution(server: RawServer) -> None:
    server.behaviours["/feed"] = ok(_feed())
    url = server.url("/feed", host="localhost")
    with pytest.raises(FetchError, match="loopback"):
        _client(FetchPolicy()).get(url)
    assert server.requests == []
    assert _client(FetchPolicy.allowing(["LOCALHOST"])).get(url).status == 200


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
        ("fd00::1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"), ("93.184.215.14", None), ("2606:4700::1111", None),
        ("64:ff9b::7f00:1", "loopback"), ("64:ff9b::a9fe:a9fe", "link-local"),
        ("2002:7f00:1::1", "loopback"), ("2002:c0a8:101::", "private"),
        ("64:ff9b::5db8:d70e", None), ("2002:5db8:d70e::1", None),
    ],
)  # fmt: skip
def test_internal_address_classes(address: str, kind: str | None) -> None:
    import ipaddress

    assert _address_kind(ipaddress.ip_address(address)) == kind
    policy = FetchPolicy()
    if kind is None:
        policy.check_addresses("http://x/", "x", [address])
    else:
        with pytest.raises(FetchError, match=kind):
            policy.check_addresses("http://x/", "x", ["93.184.215.14", address])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd", "ftp://user:pw@127.0.0.1/feed", "gopher://127.0.0.1/",
        "http://user:pw@127.0.0.1/feed", "http://:pw@127.0.0.1/", "http:///nohost",
        "http://127.0.0.1:99999/", "data:text/html,<p>x</p>",
    ],
)  # fmt: skip
def test_schemes_credentials_and_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as exc:
        _client().get(url)
    _one_line(exc, url)


@pytest.mark.parametrize(
    "location",
    [
        "ftp://user:pw@127.0.0.1/x", "file:///etc/passwd", "http://user:pw@127.0.0.1:{port}/ok",
        "http://127.0.0.2:{port}/ok", "http://[::1]:{port}/ok", "http://169.254.169.254/latest",
    ],
)  # fmt: skip
def test_every_redirect_is_checked(server: RawServer, location: str) -> None:
    server.behaviours["/ok"] = ok(b"<rss/>")
    server.behaviours["/go"] = redirect(location.format(port=server.port))
    url = server.url("/go")
    with pytest.raises(FetchError) as exc:
        _client().get(url)
    assert "redirected to" in _one_line(exc, url)
    assert server.paths() == ["/go"]  # the target was never requested


def test_allowed_redirects_are_followed_and_loops_end(server: RawServer) -> None:
    server.behaviours["/a"] = redirect("/b", 301)
    server.behaviours["/b"] = redirect(server.url("/c"), 307)
    server.behaviours["/c"] = ok(b"<rss/>")
    response = _client().get(server.url("/a"))
    assert (response.status, response.url, response.body) == (200, server.url("/c"), b"<rss/>")
    server.behaviours["/loop"] = redirect("/loop")
    with pytest.raises(FetchError, match="redirects"):
        _client().get(server.url("/loop"))


# ---------------------------------------------------------------------------- broken servers


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 abc Broken\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 150 + b"\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly a part",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\ntruncated",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
        b"",
    ],
    ids=[
        "bad-status", "not-http", "header-too-long", "too-many-headers", "truncated-chunked",
        "truncated-body", "bad-chunk-size", "bad-gzip", "closed-at-once",
    ],
)  # fmt: skip
def test_every_protocol_error_is_one_fetch_error(server: RawServer, response: bytes) -> None:
    server.behaviours["/x"] = raw(response)
    url = server.url("/x")
    with pytest.raises(FetchError) as exc:
        _client().get(url)
    _one_line(exc, url)


@pytest.mark.parametrize("headers_first", [True, False], ids=["in-headers", "in-body"])
def test_a_trickling_server_is_cut_off_at_the_deadline(
    server: RawServer, headers_first: bool
) -> None:
    server.behaviours["/slow"] = trickle(headers_first=headers_first, interval_s=0.05)
    url = server.url("/slow")
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 0\.4 s") as exc:
        _client(timeout_s=0.4).get(url)
    assert time.monotonic() - started < 1.5  # one deadline for the fetch, not per read
    _one_line(exc, url)


def test_nothing_listening_is_one_line() -> None:
    with pytest.raises(FetchError, match="cannot connect") as exc:
        _client().get("http://127.0.0.1:9/feed")
    _one_line(exc, "http://127.0.0.1:9/feed")


# ---------------------------------------------------------------------------- feeds


def test_a_feed_body_naming_a_local_file_is_not_opened(server: RawServer, tmp_path: Path) -> None:
    private = tmp_path / "private.xml"
    private.write_text(rss("Private", [{"title": "SECRET-MARKER", "description": BRIDGE_VOTE}]))
    server.behaviours["/feed"] = ok(str(private).encode())
    with pytest.raises(FetchError, match=r"not .*feed") as exc:
        read_url(server.url("/feed"), client=_client(), force_feed=True)
    assert "SECRET-MARKER" not in str(exc.value)
    with pytest.raises(FetchError):
        parse_feed(str(private).encode(), "body")


def test_reaching_the_entry_limit_is_a_warning() -> None:
    result = parse_feed(_feed(entries=5), "wire.xml", max_entries=3)
    assert len(result.items) == 3
    assert any("5 entries, only the first 3 read" in w for w in result.warnings)
    assert not parse_feed(_feed(entries=3), "wire.xml", max_entries=3).warnings


def test_entry_links_to_internal_hosts_are_not_fetched(server: RawServer) -> None:
    server.behaviours["/internal"] = ok(
        article_html("Internal", ORCHARD_FROST).encode(), "text/html"
    )
    body = _feed(link=f"http://127.0.0.2:{server.port}/internal")
    result = parse_feed(body, "wire.xml", client=_client())
    assert server.requests == []
    assert any("loopback" in w for w in result.warnings)
    assert all("\n" not in w for w in result.warnings)


# ---------------------------------------------------------------------------- the daily CLI


def test_daily_run_goes_on_past_broken_and_refused_feeds(
    server: RawServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    server.behaviours["/bad"] = raw(b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 150 + b"\r\n")
    server.behaviours["/good"] = ok(_feed())
    args = [
        "daily", str(inbox), "--out", str(tmp_path / "briefs"), "--date", "2026-11-20",
        "--feed", server.url("/bad"), "--feed", server.url("/good"),
    ]  # fmt: skip
    code = main(args)  # loopback not allowed: both feeds refused, the folder still briefed
    out = capsys.readouterr()
    assert code == 0, out.err
    assert server.requests == []
    refused = [ln for ln in out.err.splitlines() if "loopback" in ln]
    assert len(refused) == 2 and "Traceback" not in out.err

    code = main([*args, "--allow-host", "127.0.0.1", "--force"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert sorted(server.paths()) == ["/bad", "/good"]
    bad = [ln for ln in out.err.splitlines() if server.url("/bad") in ln]
    assert len(bad) == 1 and "bad HTTP response" in bad[0]
    brief = (tmp_path / "briefs" / "2026-11-20.md").read_text()
    assert "Hostile Wire" in brief and "Traceback" not in out.err


def test_an_endpoint_echoing_the_api_key_never_shows_it(
    server: RawServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "sk-test-" + "k3y" * 12
    server.behaviours["/v1/chat/completions"] = echo_key_400()
    doc = tmp_path / "ferry.txt"
    doc.write_text(FERRY_STRIKE)
    out_file = tmp_path / "brief.md"
    code = main(
        [
            "build", str(doc), "--engine", "openai", "--base-url", server.url("/v1"),
            "--api-key", key, "--no-cache", "-o", str(out_file),
        ]
    )  # fmt: skip
    out = capsys.readouterr()
    assert server.requests, "the fake endpoint was not called"
    assert key in b"".join(server.requests).decode()  # it did receive (and echo) the key
    assert code == 1
    assert key not in out.err and key not in out.out
    assert "[redacted]" in out.err and out.err.count("\n") == 1
    assert not out_file.exists()


def test_slow_linked_pages_share_one_budget_per_feed(
    server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.daily.fetch as fetch

    monkeypatch.setattr(fetch, "PAGE_BUDGET_DEADLINES", 2)
    server.behaviours["/slow"] = trickle(headers_first=False, interval_s=0.05)
    items = [
        {"title": f"s{i}", "guid": f"g{i}", "link": server.url("/slow"), "description": "short"}
        for i in range(6)
    ]
    started = time.monotonic()
    result = parse_feed(rss("Slow", items).encode(), "slow.xml", client=_client(timeout_s=0.2))
    assert time.monotonic() - started < 1.2  # not 6 deadlines
    assert len(server.paths()) <= 3
    assert sum("linked pages took over 2 fetch deadlines" in w for w in result.warnings) == 1
