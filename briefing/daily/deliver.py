"""Delivery of a finished daily brief: e-mail over SMTP and/or a command run with its path.

Delivery happens after the brief is written and the run is recorded, so a failed delivery
never loses a brief: it comes back as a warning line naming what failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shlex
import smtplib
import ssl
import subprocess
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from briefing.daily.config import SMTP_PASSWORD_VAR, DailyConfig, EmailConfig
from briefing.errors import BriefingError, DeliveryError
from briefing.models import Brief
from briefing.render import render
from briefing.sanitize import is_secret, one_line, safe_message

logger = logging.getLogger(__name__)

COMMAND_TIMEOUT_S = 300.0
# Never handed to the delivery command unless [daily] command_env_secrets = true.
SECRET_ENV_VARS = frozenset({"OPENAI_API_KEY", SMTP_PASSWORD_VAR})


def _rendered(brief: Brief, outputs: Mapping[str, bytes], fmt: str, paper: str) -> bytes | None:
    """The brief in ``fmt``: as the run already rendered it, else rendered now (the e-mail
    always carries HTML and, when WeasyPrint is installed, the PDF)."""
    if fmt in outputs:
        return outputs[fmt]
    try:
        return render(brief, fmt, paper=paper)
    except BriefingError as exc:
        logger.info("e-mail goes without the %s: %s", fmt, exc)
        return None


def build_message(
    email: EmailConfig,
    *,
    day: str,
    title: str,
    markdown: str,
    html: str | None = None,
    pdf: bytes | None = None,
) -> EmailMessage:
    """The e-mail: Markdown as the text part, HTML as the alternative, PDF attached."""
    msg = EmailMessage()
    msg["Subject"] = one_line(email.subject.format(date=day, title=one_line(title)))
    msg["From"] = email.sender
    msg["To"] = ", ".join(email.to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=email.sender.rpartition("@")[2] or None)
    msg.set_content(markdown)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"brief-{day}.pdf")
    return msg


def send_message(email: EmailConfig, msg: EmailMessage) -> None:
    """Send over SMTP (STARTTLS, SSL or plain) and log in when a username is set."""
    where = f"{email.host}:{email.port}"
    try:
        smtp: smtplib.SMTP
        if email.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                email.host,
                email.port,
                timeout=email.timeout_s,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(email.host, email.port, timeout=email.timeout_s)
        with smtp:
            if email.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if email.username:
                if email.security == "none" and not email.allow_plaintext_auth:
                    raise DeliveryError(
                        f"e-mail to {where}: refusing to send the SMTP password in clear "
                        '(security = "none"); use "starttls" or "ssl", or set '
                        "allow_plaintext_auth = true in [daily.email]"
                    )
                if email.password is None:
                    raise DeliveryError(
                        f"e-mail to {where}: username {email.username!r} is set but no password; "
                        f"set {SMTP_PASSWORD_VAR}"
                    )
                smtp.login(email.username, email.password.get_secret_value())
            smtp.send_message(msg)
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"e-mail via {where} failed: {exc}") from None
    except OSError as exc:
        raise DeliveryError(f"e-mail via {where} failed: cannot connect ({exc})") from None


def command_environment(*, keep_secrets: bool = False) -> dict[str, str]:
    """The delivery command's environment: ours without the API key and SMTP password
    (nor any variable holding a remembered secret) unless ``keep_secrets``."""
    if keep_secrets:
        return dict(os.environ)
    return {k: v for k, v in os.environ.items() if k not in SECRET_ENV_VARS and not is_secret(v)}


def run_command(
    command: Sequence[str] | str, path: Path, *, env: dict[str, str] | None = None
) -> None:
    """Run ``command`` with ``{path}`` replaced by the brief's path (appended when absent),
    in ``env`` (default: :func:`command_environment`, without secrets). A relative path that
    starts with ``-`` (``out = "-briefs"``) is given as ``./-briefs/...``: the command would
    read it as an option."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        return
    brief = f".{os.sep}{path}" if str(path).startswith("-") else str(path)
    if any("{path}" in arg for arg in argv):
        argv = [arg.replace("{path}", brief) for arg in argv]
    else:
        argv.append(brief)
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
            env=env if env is not None else command_environment(),
        )
    except FileNotFoundError:
        raise DeliveryError(f"delivery command {argv[0]!r} not found") from None
    except subprocess.TimeoutExpired:
        raise DeliveryError(
            f"delivery command {argv[0]!r} still running after {COMMAND_TIMEOUT_S:g} s; stopped"
        ) from None
    except OSError as exc:
        raise DeliveryError(f"delivery command {argv[0]!r} failed to start: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        raise DeliveryError(
            f"delivery command {argv[0]!r} exited with {proc.returncode}: "
            f"{safe_message(tail[0])[:200]}"
        )


def deliver_brief(
    config: DailyConfig,
    brief: Brief,
    outputs: Mapping[str, bytes],
    paths: Sequence[Path],
    *,
    day: dt.date,
    paper: str = "a4",
) -> list[str]:
    """Deliver a written brief as configured; returns one warning line per failure.

    ``outputs`` are the brief's rendered formats and ``paths`` the files they were written
    to; the command gets the Markdown file (else the first).
    """
    problems: list[str] = []
    if not paths:
        return problems
    if config.email is not None:
        try:
            markdown = _rendered(brief, outputs, "md", paper) or b""
            html = _rendered(brief, outputs, "html", paper)
            msg = build_message(
                config.email,
                day=day.isoformat(),
                title=brief.title,
                markdown=markdown.decode("utf-8") or brief.title,
                html=html.decode("utf-8") if html is not None else None,
                pdf=_rendered(brief, outputs, "pdf", paper),
            )
            send_message(config.email, msg)
            logger.info("e-mailed the brief to %s", ", ".join(config.email.to))
        except DeliveryError as exc:
            problems.append(str(exc))
    if config.command:
        main = next((p for p in paths if p.suffix == ".md"), paths[0])
        try:
            run_command(
                config.command,
                main,
                env=command_environment(keep_secrets=config.command_env_secrets),
            )
        except DeliveryError as exc:
            problems.append(str(exc))
    return problems
