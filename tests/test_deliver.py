"""Delivery: e-mail to a real SMTP server on loopback (aiosmtpd), and a command with the path."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE

from briefing.config import Settings
from briefing.daily.config import DailyConfig, EmailConfig
from briefing.daily.deliver import build_message, run_command, send_message
from briefing.daily.run import run_daily
from briefing.errors import DeliveryError

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

DAY = dt.datetime(2026, 11, 19, 7, 0, tzinfo=dt.UTC)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"ana", b"pw")
    return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    yield inbox, port
    controller.stop()


def _email(port: int, **extra: Any) -> EmailConfig:
    values: dict[str, Any] = {
        "to": ["desk@example.org"], "sender": "briefing@example.org", "host": "127.0.0.1",
        "port": port, "security": "none", "timeout_s": 5,
    }  # fmt: skip
    values.update(extra)
    return EmailConfig.model_validate(values)


def test_message_has_text_html_and_pdf() -> None:
    msg = build_message(
        _email(25), day="2026-11-19", title="Ferry strike", markdown="# Brief\n",
        html="<html><body><h1>Brief</h1></body></html>", pdf=b"%PDF-1.7 test",
    )  # fmt: skip
    assert msg["Subject"] == "Daily brief 2026-11-19: Ferry strike"
    kinds = [part.get_content_type() for part in msg.walk()]
    assert kinds == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                     "application/pdf"]  # fmt: skip


def test_send_with_login_to_loopback_server(smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    # The loopback test server has no TLS: logging in over it must be asked for explicitly.
    with pytest.raises(DeliveryError, match="in clear"):
        clear = _email(port, username="ana", password="pw")
        send_message(clear, build_message(clear, day="d", title="t", markdown="hello"))
    assert inbox.messages == []
    config = _email(port, username="ana", password="pw", allow_plaintext_auth=True)
    send_message(config, build_message(config, day="d", title="t", markdown="hello"))
    [(rcpt, raw)] = inbox.messages
    assert rcpt == ["desk@example.org"]
    assert email.message_from_bytes(raw, policy=email.policy.default).get_content().strip() == (
        "hello"
    )
    with pytest.raises(DeliveryError, match="failed"):
        bad = _email(port, username="ana", password="wrong", timeout_s=1, allow_plaintext_auth=True)
        send_message(bad, build_message(bad, day="d", title="t", markdown="x"))
    with pytest.raises(DeliveryError, match="BRIEFING_SMTP_PASSWORD"):
        nopw = _email(port, username="ana", allow_plaintext_auth=True)
        send_message(nopw, build_message(nopw, day="d", title="t", markdown="x"))


def test_unreachable_server_is_a_delivery_error() -> None:
    config = _email(_free_port())
    with pytest.raises(DeliveryError, match=r"127\.0\.0\.1"):
        send_message(config, build_message(config, day="d", title="t", markdown="x"))


def test_daily_run_emails_the_brief(tmp_path: Path, smtp: tuple[_Inbox, int]) -> None:
    inbox, port = smtp
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.txt").write_text(FERRY_STRIKE)
    (tmp_path / "inbox" / "b.txt").write_text(BRIDGE_VOTE)
    config = DailyConfig(
        sources=[str(tmp_path / "inbox")], out=tmp_path / "briefs",
        email=_email(port), formats=["md", "json"],
    )  # fmt: skip
    result = run_daily(config, now=DAY, settings=Settings(cache=False))
    assert result.warnings == []
    [(_, raw)] = inbox.messages
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert result.brief is not None and result.brief.title in str(msg["Subject"])
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and "## Since yesterday" in text.get_content()
    assert html is not None and "<html" in html.get_content().lower()
    assert 'id="since-yesterday"' in html.get_content()
    attachments = [p.get_filename() for p in msg.iter_attachments()]
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        assert attachments == []
    else:
        assert attachments == ["brief-2026-11-19.pdf"]


def test_failed_delivery_is_a_warning_not_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.txt").write_text(FERRY_STRIKE)
    config = DailyConfig(
        sources=[str(tmp_path / "inbox")], out=tmp_path / "briefs",
        command=[sys.executable, "-c", "import sys; sys.exit('printer on fire')"],
    )  # fmt: skip
    result = run_daily(config, now=DAY, settings=Settings(cache=False))
    assert result.status == "ok" and result.exit_code == 0
    assert any("exited with 1: printer on fire" in w for w in result.warnings)
    assert (tmp_path / "briefs" / "2026-11-19.md").is_file()


def test_command_gets_the_brief_path(tmp_path: Path) -> None:
    target = tmp_path / "got.txt"
    code = f"import sys, pathlib; pathlib.Path({str(target)!r}).write_text(sys.argv[1])"
    run_command([sys.executable, "-c", code, "{path}"], tmp_path / "2026-11-19.md")
    assert target.read_text() == str(tmp_path / "2026-11-19.md")
    run_command(f"{shlex_quote(sys.executable)} -c {shlex_quote(code)}", tmp_path / "x.md")
    assert target.read_text() == str(tmp_path / "x.md")  # appended when {path} is absent
    with pytest.raises(DeliveryError, match="not found"):
        run_command(["no-such-command-for-briefing"], tmp_path / "x.md")


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
