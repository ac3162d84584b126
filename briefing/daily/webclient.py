"""HTTP GET under a fetch policy: the only way the daily job reaches the network.

Feeds, and the pages their entries link to, are written by strangers, so every request obeys
:class:`FetchPolicy`, at the first URL and at every redirect:

- only ``http`` and ``https``; no user name or password in the URL;
- the host is resolved first and every address it resolves to is checked: loopback, private,
  link-local, multicast, reserved and unspecified addresses are refused unless the host is
  named in ``allow_hosts`` (``[daily] allow_hosts`` / ``daily --allow-host``); the connection
  then goes to the checked address, so a second DNS answer cannot swap it; an allowance is
  for what the user named, so a public host cannot lead there: a redirect from a public host,
  or the entry links of a feed served by one, get no allowance;
- one deadline for the whole fetch (DNS, connect, redirects, headers and body): a watchdog
  shuts the socket when it passes, so a server trickling a byte at a time cannot hold a run;
- a size cap on the body, before and after decompression.

Every failure, whatever the layer (DNS, TCP, TLS, a malformed status line or header, a
truncated body), is a :class:`FetchError` naming the URL, in one line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.parse
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from briefing.errors import FetchError
from briefing.sanitize import one_line

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    # Whether the host (every hop's, after redirects) was let through by an allowance (an
    # intranet feed): only then may what it links to use the allowances too (public_only).
    internal: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address reaches: IPv4-mapped (``::ffff:127.0.0.1``), NAT64
    (``64:ff9b::7f00:1``, how an IPv6-only network reaches every IPv4 host) or 6to4
    (``2002:7f00:1::``); None for a native IPv6 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is internal ("loopback", "private", ...), or None for a public one.
    An IPv6 address that carries an IPv4 one is judged by the IPv4 address it reaches."""
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        ip = inner
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


@dataclass(frozen=True)
class FetchPolicy:
    """What may be fetched. ``allow_hosts``: host names or IP addresses let through even though
    they resolve to internal addresses (an intranet feed); compared case-insensitively."""

    allow_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def allowing(cls, hosts: Iterable[str]) -> FetchPolicy:
        return cls(allow_hosts=frozenset(h.strip().strip("[]").lower() for h in hosts if h))

    def check_url(self, url: str, *, name: str | None = None) -> urllib.parse.SplitResult:
        """The parsed URL, or FetchError (naming ``name``, default the URL without its
        credentials) when its scheme, credentials or host are not allowed."""
        where = name if name is not None else display_url(url)
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise FetchError(where, f"malformed URL ({exc})") from None
        if parts.scheme not in ("http", "https"):
            raise FetchError(
                where, f"unsupported URL scheme {parts.scheme!r} (only http and https)"
            )
        if parts.username is not None or parts.password is not None:
            raise FetchError(where, "URL with a user name or password refused")
        if not parts.hostname:
            raise FetchError(where, "URL without a host refused")
        return parts

    def check_addresses(self, url: str, host: str, addresses: Iterable[str]) -> bool:
        """FetchError unless each address ``host`` resolved to is public (or the host allowed);
        True when an internal address was let through by an allowance, False when all are
        public."""
        host_allowed = host.lower() in self.allow_hosts
        allowed = False
        for address in addresses:
            kind = _address_kind(ipaddress.ip_address(address.split("%", 1)[0]))
            if kind is None:
                continue
            if host_allowed or address.lower() in self.allow_hosts:
                allowed = True
                continue
            raise FetchError(
                url,
                f"refused: {host} is {_article(kind)} {kind} address ({address}); to read an "
                "internal feed add the host to [daily] allow_hosts or pass --allow-host",
            )
        return allowed


def display_url(url: str) -> str:
    """``url`` fit for a message: one line, any user name or password replaced by ``***``."""
    url = one_line(url)[:500]
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def _resolve(url: str, host: str, port: int, deadline: float) -> list[str]:
    """The addresses ``host`` resolves to, within the fetch's deadline (a lookup that hangs
    is left behind in its daemon thread)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    outcome: list[Any] = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            outcome.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(remaining)
    if not outcome:
        raise TimeoutError
    found = outcome[0]
    if isinstance(found, socket.gaierror):
        raise FetchError(url, f"cannot resolve host {host}: {found.strerror}")
    if isinstance(found, UnicodeError):
        raise FetchError(url, f"malformed host name {host!r}")
    if isinstance(found, OSError):
        raise FetchError(url, f"cannot resolve host {host}: {found.strerror or found}")
    return list(dict.fromkeys(str(info[4][0]) for info in found))


class _Watchdog:
    """Shuts a connection's socket when the fetch's deadline passes, whatever it is doing."""

    def __init__(self, remaining: float) -> None:
        self.deadline = time.monotonic() + remaining
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, remaining), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.fired:
                self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to addresses that were already checked (no second DNS lookup),
    tried in the resolver's order like ``socket.create_connection`` does."""

    def __init__(
        self, host: str, port: int, addresses: list[str], timeout: float, dog: _Watchdog
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses, self._dog = addresses, dog

    def _raw_socket(self) -> socket.socket:
        error: OSError = OSError("no address to connect to")
        for address in self._addresses:
            left = self._dog.deadline - time.monotonic()
            if self._dog.fired or left <= 0:
                raise TimeoutError
            try:
                sock = socket.create_connection((address, self.port), left)
            except OSError as exc:
                error = exc
                continue
            self._dog.watch(sock)
            return sock
        raise error

    def connect(self) -> None:
        self.sock = self._raw_socket()


class _PinnedHTTPS(_PinnedHTTP):
    default_port = 443

    def __init__(
        self, host: str, port: int, addresses: list[str], timeout: float, dog: _Watchdog
    ) -> None:
        super().__init__(host, port, addresses, timeout, dog)
        self._tls = ssl.create_default_context()

    def connect(self) -> None:
        self.sock = self._tls.wrap_socket(self._raw_socket(), server_hostname=self.host)


class HttpClient:
    """GET with a user agent, one deadline per fetch, conditional headers, a size cap and a
    :class:`FetchPolicy` checked at every hop."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout_s: float = 20.0,
        max_bytes: int = 5_000_000,
        policy: FetchPolicy | None = None,
    ) -> None:
        self.user_agent = user_agent
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.policy = policy if policy is not None else FetchPolicy()

    def public_only(self) -> HttpClient:
        """This client without the policy's allowances: for what a public host links to."""
        if not self.policy.allow_hosts:
            return self
        return HttpClient(
            user_agent=self.user_agent, timeout_s=self.timeout_s, max_bytes=self.max_bytes
        )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
            " text/html;q=0.8, */*;q=0.5",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.timeout_s
        current, policy, internal = url, self.policy, True
        for _ in range(MAX_REDIRECTS + 1):
            response, location = self._hop(url, current, headers, deadline, policy)
            if not response.internal:  # a public host: where it redirects gets no allowance
                policy, internal = FetchPolicy(), False
            if location is None:
                return dataclasses.replace(response, internal=internal)
            current = urllib.parse.urljoin(current, location)
        raise FetchError(display_url(url), f"more than {MAX_REDIRECTS} redirects")

    def _hop(
        self, url: str, current: str, headers: dict[str, str], deadline: float, policy: FetchPolicy
    ) -> tuple[Response, str | None]:
        """One request under ``policy``: (response, None) or (_, the redirect's Location); the
        response is ``internal`` when its host was let through by an allowance."""
        first = display_url(url)
        name = first if current == url else f"{first} (redirected to {display_url(current)})"
        dog: _Watchdog | None = None
        try:
            parts = policy.check_url(current, name=name)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = _resolve(name, host, port, deadline)
            allowed = policy.check_addresses(name, host, addresses)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            dog = _Watchdog(remaining)
            kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
            conn = kind(host, port, addresses, remaining, dog)
            resp: http.client.HTTPResponse | None = None
            try:
                target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
                conn.request("GET", target, headers=headers)
                resp = conn.getresponse()
                if resp.status in _REDIRECTS and resp.getheader("Location"):
                    return Response(
                        url=current, status=resp.status, body=b"", internal=allowed
                    ), str(resp.getheader("Location"))
                if resp.status == 304:
                    return Response(
                        url=current,
                        status=304,
                        body=b"",
                        etag=headers.get("If-None-Match"),
                        last_modified=headers.get("If-Modified-Since"),
                        internal=allowed,
                    ), None
                if resp.status >= 400:
                    raise FetchError(name, f"HTTP {resp.status} {one_line(resp.reason)[:80]}")
                body = self._read_capped(name, resp, dog)
                body = self._decode(name, body, resp.getheader("Content-Encoding") or "")
                return Response(
                    url=current,
                    status=resp.status,
                    body=body,
                    content_type=resp.getheader("Content-Type") or "",
                    etag=resp.getheader("ETag"),
                    last_modified=resp.getheader("Last-Modified"),
                    internal=allowed,
                ), None
            finally:
                if resp is not None:
                    resp.close()
                conn.close()
        except FetchError:
            raise
        except (OSError, http.client.HTTPException, ValueError, UnicodeError) as exc:
            if isinstance(exc, TimeoutError) or (dog is not None and dog.fired):
                raise FetchError(name, f"timed out after {self.timeout_s:g} s") from None
            raise FetchError(name, _network_reason(exc)) from None
        finally:
            if dog is not None:
                dog.cancel()

    def _read_capped(self, url: str, resp: Any, dog: _Watchdog) -> bytes:
        length = resp.getheader("Content-Length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            raise FetchError(
                url, f"response of {length} bytes exceeds the {self.max_bytes}-byte cap"
            )
        parts: list[bytes] = []
        total = 0
        while True:
            block = resp.read(65536)
            if dog.fired:
                raise FetchError(url, f"timed out after {self.timeout_s:g} s")
            if not block:
                if getattr(resp, "length", None):  # bytes promised by Content-Length never came
                    raise FetchError(url, f"response truncated after {total} bytes")
                return b"".join(parts)
            total += len(block)
            if total > self.max_bytes:
                raise FetchError(url, f"response exceeds the {self.max_bytes}-byte cap")
            parts.append(block)

    def _decode(self, url: str, body: bytes, encoding: str) -> bytes:
        encoding = encoding.strip().lower()
        if encoding not in ("gzip", "deflate"):
            return body
        try:
            wbits = 31 if encoding == "gzip" else zlib.MAX_WBITS
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(body, self.max_bytes + 1)
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise FetchError(url, f"cannot decompress response: {exc}") from None
        if len(out) > self.max_bytes:
            raise FetchError(url, f"response exceeds the {self.max_bytes}-byte cap")
        return out


def _network_reason(exc: BaseException) -> str:
    """One line saying what went wrong on the wire."""
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {one_line(exc.reason or str(exc))[:160]}"
    if isinstance(exc, ConnectionRefusedError):
        return "cannot connect: connection refused"
    if isinstance(exc, http.client.HTTPException):
        detail = one_line(str(exc))[:120]
        label = type(exc).__name__
        return f"bad HTTP response ({label}{': ' + detail if detail else ''})"
    if isinstance(exc, OSError):
        return f"network error: {one_line(exc.strerror or str(exc))[:160]}"
    return f"bad response: {one_line(str(exc))[:160]}"
