"""Invented news texts for the daily-brief tests (no relation to any real cluster)."""

from __future__ import annotations

import contextlib
import hashlib

from briefing.models import Document

FERRY_STRIKE = (
    "Ferry crews at the port of Halvik walked off the job on Monday, halting crossings to the "
    "outer islands for the first time in eleven years. The union said its members had rejected "
    "a wage offer of three percent and would stay out until the operator returned to talks. "
    "Island shops reported that fresh food deliveries had already been cancelled for the week. "
    "The operator said it had offered a fair deal and accused the union of refusing to negotiate. "
    "Local officials asked residents to avoid unnecessary travel and promised an emergency "
    "freight service by Wednesday. Tourism businesses on the islands warned that bookings for "
    "the spring festival were being cancelled at an alarming rate."
)

FERRY_REPRINT = (
    "Harbour Gazette: wire report\n"
    + FERRY_STRIKE.replace("on Monday", "on Monday morning")
    + " The wire service contributed to this report."
)

BRIDGE_VOTE = (
    "The regional council of Lunde voted by a narrow margin to fund a new road bridge across "
    "the Vessa river, ending a decade of debate over the crossing. Supporters said the bridge "
    "would cut commuting times in half and bring new jobs to the northern districts. Opponents "
    "argued that the cost estimate of forty million had been set too low and that wetlands "
    "along the river would be damaged beyond repair. Construction is expected to begin next "
    "autumn if the environmental review is approved by the national agency."
)

ORCHARD_FROST = (
    "A late frost swept through the orchard valleys of Tervola overnight, and growers fear "
    "that much of the apple blossom has been lost. The growers association estimated that at "
    "least half of the early varieties were damaged, although the agriculture ministry said "
    "the losses were limited to a few hillside farms. Several farmers lit fires between the "
    "rows in an attempt to keep the temperature above freezing. Insurance claims are expected "
    "to rise sharply, and some cider makers have already warned customers of higher prices."
)

LIBRARY_OPENING = (
    "The new central library in Ostrava Nova opened its doors on Saturday after four years of "
    "construction. City officials said more than five thousand visitors came through on the "
    "first day. The building houses a children's wing, a makerspace and a rooftop reading "
    "garden. The architect said the design was inspired by the old grain warehouses along the "
    "canal, several of which were demolished in the nineteen seventies."
)


def make_document(text: str, path: str, **meta: object) -> Document:
    """A Document with a content-hash id, built directly (no ingest stage needed)."""
    doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Document(id=doc_id, path=path, text=text, **meta)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- loopback HTTP


class Route:
    """What the loopback server answers for one path."""

    def __init__(
        self,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        delay_s: float = 0.0,
    ) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.etag = etag
        self.delay_s = delay_s


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 serving ``routes``; records each request's headers."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                import time

                outer.requests.append((self.path, dict(self.headers.items())))
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay_s:
                    time.sleep(route.delay_s)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def article_html(title: str, text: str, outlet: str = "Test Daily") -> str:
    sentences = [p if p.endswith(".") else p + "." for p in text.split(". ") if p]
    paragraphs = "".join(f"<p>{p}</p>" for p in sentences)
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="og:site_name" content="{outlet}"></head>'
        f"<body><nav>Home | World | Sport | Weather</nav><article><h1>{title}</h1>"
        f"{paragraphs}</article><footer>Copyright {outlet}</footer></body></html>"
    )


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 feed; each item has title, link, guid, pubDate and optional description."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0"><channel><title>{title}</title><link>http://127.0.0.1/</link>',
        "<description>test feed</description>",
    ]
    for item in items:
        parts.append("<item>")
        for tag in ("title", "link", "guid", "pubDate", "description"):
            if tag in item:
                value = item[tag].replace("&", "&amp;").replace("<", "&lt;")
                parts.append(f"<{tag}>{value}</{tag}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)
