"""Misbehaving servers on 127.0.0.1 for the hostile-input tests: raw bytes, trickles, echoes.

Each server runs in daemon threads, answers every connection with one scripted behaviour and
records the request lines it saw, so a test can assert that nothing was fetched.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable

Behaviour = Callable[[socket.socket, bytes], None]


class RawServer:
    """A TCP server on 127.0.0.1 (or another loopback ``address``): ``behaviours[path](sock,
    request)`` writes whatever it likes."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.address = address
        self.behaviours: dict[str, Behaviour] = {}
        self.requests: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((address, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._sock.getsockname()[1])

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.address}:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(5.0)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            self.requests.append(request)
            path = request.split(b" ", 2)[1].decode("latin-1") if b" " in request else "/"
            behaviour = self.behaviours.get(path)
            if behaviour is None:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            behaviour(conn, request)

    def paths(self) -> list[str]:
        return [r.split(b" ", 2)[1].decode("latin-1") for r in self.requests if b" " in r]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()


def raw(data: bytes) -> Behaviour:
    """Send ``data`` as the whole response, then close."""

    def behaviour(conn: socket.socket, request: bytes) -> None:
        conn.sendall(data)

    return behaviour


def ok(body: bytes, content_type: str = "application/rss+xml") -> Behaviour:
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return raw(head.encode() + body)


def redirect(location: str, status: int = 302) -> Behaviour:
    return raw(
        f"HTTP/1.1 {status} Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n".encode()
    )


def trickle(*, headers_first: bool, interval_s: float = 0.05, limit_s: float = 5.0) -> Behaviour:
    """One byte at a time, forever (up to ``limit_s``): in the headers or in the body."""

    def behaviour(conn: socket.socket, request: bytes) -> None:
        stop = time.monotonic() + limit_s
        if headers_first:
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 99999\r\n\r\n"
            )
        while time.monotonic() < stop:
            conn.sendall(b"a")
            time.sleep(interval_s)

    return behaviour


def echo_key_400() -> Behaviour:
    """An OpenAI-compatible endpoint that echoes the request's Authorization header in a 400."""

    def behaviour(conn: socket.socket, request: bytes) -> None:
        auth = b""
        for line in request.split(b"\r\n"):
            if line.lower().startswith(b"authorization:"):
                auth = line.split(b":", 1)[1].strip()
        body = (
            b'{"error": {"message": "Invalid request with header Authorization: '
            + auth
            + b'", "type": "invalid_request_error", "code": "bad_request"}}'
        )
        head = (
            f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + body)

    return behaviour
