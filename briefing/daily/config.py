"""Configuration of the scheduled daily brief: the ``[daily]`` table of briefing.toml.

Values come from, in rising order: defaults < the ``[daily]`` table of the config file <
command-line values. Build settings (engine, model, topic, ...) stay in the ``[build]`` table
and are read by :func:`briefing.config.load_settings`. SMTP credentials are never written to
the file: they come from the environment mapping the CLI passes in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Iterable, Mapping
from pathlib import Path
from string import Formatter
from typing import Any, Literal

from pydantic import ConfigDict, Field, SecretStr, ValidationError, field_validator

from briefing.config import (
    Settings,
    SettingsModel,
    config_table,
    env_value,
    find_config,
    invalid_setting,
)
from briefing.errors import ConfigError
from briefing.render import Format
from briefing.sanitize import one_line, remember_secret, shown
from briefing.sourcefiles import DEFAULT_MAX_BYTES

_DEFAULT_FORMATS: tuple[Format, ...] = ("md", "json")

# Bounds that keep dates and durations computable: a window of at most a year, a retention of
# at most a century.
MAX_WINDOW_HOURS = 24 * 366
MAX_RETENTION_DAYS = 36_600

MAX_SUBJECT_CHARS = 500  # a template: the title it names is cut at 300

SMTP_USER_VAR = "BRIEFING_SMTP_USER"
SMTP_PASSWORD_VAR = "BRIEFING_SMTP_PASSWORD"


class EmailConfig(SettingsModel):
    """Where and how to e-mail each day's brief."""

    model_config = ConfigDict(extra="forbid")

    to: list[str] = Field(min_length=1, description="Recipient addresses.")
    sender: str = Field(description="From address.")
    host: str = Field(default="localhost", description="SMTP server host.")
    port: int = Field(default=587, ge=1, le=65535, description="SMTP server port.")
    security: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="Transport security."
    )
    allow_plaintext_auth: bool = Field(
        default=False,
        description='Log in even with security = "none" (the password crosses the network in '
        "clear); refused unless set.",
    )
    timeout_s: float = Field(default=30.0, gt=0, le=600, allow_inf_nan=False)
    subject: str = Field(default="Daily brief {date}: {title}", description="Subject template.")
    username: str | None = Field(default=None, description=f"Login; or set {SMTP_USER_VAR}.")
    password: SecretStr | None = Field(
        default=None, description=f"Never in the file: set {SMTP_PASSWORD_VAR}."
    )

    @field_validator("subject")
    @classmethod
    def _a_subject_template(cls, value: str) -> str:
        """Only ``{date}`` and ``{title}``, as written: ``{x}`` was a KeyError traceback after
        the brief was written, and a format spec such as ``{title:>300000000}`` built a
        300 MB subject (``{date:>999999999999}`` a MemoryError)."""
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in Formatter().parse(value)]
        except ValueError as exc:  # a lone '{' or '}'
            raise ValueError(
                f"not a subject template ({exc}); write a brace as {{{{ or }}}}"
            ) from None
        for name, spec, conversion in fields:
            if name is not None and (name not in ("date", "title") or spec or conversion):
                field = (
                    name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                )
                raise ValueError(
                    f"the subject may hold only {{date}} and {{title}}, not {{{shown(field, 60)}}}"
                )
        if len(value) > MAX_SUBJECT_CHARS:
            raise ValueError(f"the subject is over {MAX_SUBJECT_CHARS} characters")
        return value

    @field_validator("to", "sender", "host", "username")
    @classmethod
    def _on_one_line(cls, value: str | list[str] | None) -> str | list[str] | None:
        """Header values and the SMTP host on one line: a line break in an address
        (``"a@example.org\\r\\nBcc: ..."``) was a ValueError traceback from the e-mail package,
        which refuses it, after the brief was written."""
        for item in [value] if isinstance(value, str) else value or []:
            if one_line(item) != item:
                raise ValueError(f"{shown(item, 60)!r} holds a line break or a control character")
        return value


class DailyConfig(SettingsModel):
    """Everything ``briefing daily`` needs besides the build settings."""

    model_config = ConfigDict(extra="forbid")

    sources: list[str] = Field(
        default_factory=list,
        description="Folders, files and globs of documents (any accepted format: a mail folder "
        "of .eml/.mbox files too); RSS/Atom feeds as files or URLs; single article URLs.",
    )
    feeds: list[str] = Field(
        default_factory=list, description="RSS/Atom feeds (files or URLs), always read as feeds."
    )
    out: Path = Field(default=Path("briefs"), description="Output folder of the dated briefs.")
    store: Path | None = Field(
        default=None, description="Corpus database; default <out>/briefing.sqlite."
    )
    formats: list[Format] = Field(
        default_factory=lambda: list(_DEFAULT_FORMATS), description="Output formats."
    )
    timezone: str = Field(default="UTC", description="Time zone that decides the brief's date.")
    window_hours: float = Field(
        default=24.0,
        gt=0,
        le=MAX_WINDOW_HOURS,
        allow_inf_nan=False,
        description="Oldest feed entry taken when there is no earlier successful run.",
    )
    retention_days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Forget briefed documents older than this; None = keep.",
    )
    user_agent: str = Field(default="briefing-daily/0.1 (+https://example.invalid/briefing)")
    http_timeout_s: float = Field(
        default=20.0, gt=0, le=600, allow_inf_nan=False, description="Deadline of one fetch."
    )
    max_bytes: int = Field(
        default=5_000_000,
        ge=1024,
        le=1_000_000_000,
        description="Largest feed or page read; a source file may be as large as this or "
        "10 MiB, whichever is larger.",
    )
    max_entries_per_feed: int = Field(default=100, ge=1, le=100_000)
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts (names or IP addresses) that may be fetched although they are "
        "loopback, private or link-local: an intranet feed. Empty: only public addresses.",
    )
    command_env_secrets: bool = Field(
        default=False,
        description="Pass OPENAI_API_KEY and the SMTP password on to the delivery command "
        "(default: removed from its environment).",
    )
    email: EmailConfig | None = None
    command: list[str] | None = Field(
        default=None, description="Command run after each brief; '{path}' is the brief's path."
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
            # OSError: a name such as "America" is a folder of the zone database, not a zone
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)"
            ) from None
        return value

    @field_validator("allow_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for host in value:
            # "*" or "*.lan" would read as a wildcard, and one is never matched: every host
            # reached inside the network is named
            if not host.strip() or any(ch in host for ch in "/@*? \t\r\n"):
                raise ValueError(f"{host!r} is not a host name or IP address")
        return value

    @field_validator("formats")
    @classmethod
    def _dedupe(cls, value: list[Format]) -> list[Format]:
        if not value:  # a run that writes nothing would still record its day as briefed
            raise ValueError("needs at least one output format (md, json, html, pdf)")
        return list(dict.fromkeys(value))

    @property
    def store_path(self) -> Path:
        return self.store if self.store is not None else self.out / "briefing.sqlite"

    @property
    def max_file_bytes(self) -> int:
        """The cap on a source file: ``max_bytes``, or build's default when that is larger."""
        return max(self.max_bytes, DEFAULT_MAX_BYTES)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def fingerprint(self, doc_ids: Iterable[str], settings: Settings) -> str:
        """What a day's brief depends on: a rerun with the same fingerprint changes nothing."""
        basis = {
            "docs": sorted(doc_ids),
            "engine": settings.engine,
            "model": settings.model if settings.engine != "offline" else None,
            "topic": settings.topic,
            "max_words": settings.max_words,
            "paper": settings.paper,
            "formats": self.formats,
        }
        return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:24]

    def local_day(self, moment: dt.datetime) -> dt.date:
        """The calendar day of ``moment`` in the configured time zone (naive = UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.zone).date()


def load_daily_config(
    *,
    config_path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> DailyConfig:
    """DailyConfig from defaults, the ``[daily]`` table, then command-line ``overrides``.

    ``overrides`` values of None mean "not given"; an empty list of sources on the command
    line also means "not given", so the config file's sources are used.
    """
    env = {} if env is None else env
    merged: dict[str, Any] = {}
    path = find_config(config_path, env)
    if path is not None:
        merged.update(config_table(path, "daily"))
        base = path.parent
        for key in ("out", "store"):
            if isinstance(merged.get(key), str) and not Path(merged[key]).is_absolute():
                merged[key] = str(base / merged[key])
        for key in ("sources", "feeds"):
            if isinstance(merged.get(key), list):
                merged[key] = [_relative_to(base, item) for item in merged[key]]
    for key, value in (overrides or {}).items():
        if value is None or (key in ("sources", "feeds", "allow_hosts") and not value):
            continue
        if key == "allow_hosts" and isinstance(merged.get(key), list):
            value = [*merged[key], *value]  # --allow-host adds to the config file's hosts
        merged[key] = value
    email = merged.get("email")
    if isinstance(email, dict):
        email = dict(email)
        user = env_value(env, SMTP_USER_VAR)
        if user and not email.get("username"):
            email["username"] = user
        if "password" in email:
            raise ConfigError(
                f"{path}: do not put the SMTP password in the config file; set {SMTP_PASSWORD_VAR}"
            )
        # Only the line end is dropped: a space may be part of a password.
        password = env.get(SMTP_PASSWORD_VAR, "").strip("\r\n")
        if password:
            email["password"] = password
            remember_secret(password)
        merged["email"] = email
    try:
        return DailyConfig.model_validate(merged)
    except ValidationError as exc:
        given = {k for k, v in (overrides or {}).items() if v is not None and v != []}
        raise invalid_setting(exc, path, "daily setting", given) from exc


def _relative_to(base: Path, item: Any) -> Any:
    """A source path from the config file, resolved against the file's folder (URLs as is)."""
    if not isinstance(item, str) or "://" in item or Path(item).is_absolute():
        return item
    return str(base / item)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


# Settings whose default is decided when the settings are loaded (paper: from the locale): a
# value written here would pin it, so the example leaves them commented out.
_DEFAULT_AT_LOAD = frozenset({"paper"})


def example_config() -> str:
    """A commented example briefing.toml: every [build] key of Settings, and the [daily] table."""
    lines = [
        "# briefing.toml: settings for `briefing build` and `briefing daily`.",
        "# Precedence: defaults < this file < environment (BRIEFING_*, OPENAI_*) < command line.",
        "",
        "[build]",
    ]
    for name, field in Settings.model_fields.items():
        if name in ("api_key", "cache_path"):
            continue
        default = field.get_default(call_default_factory=True)
        comment = f"# {field.description}" if field.description else ""
        if default is None:
            lines.append(f"# {name} = ...  {comment}".rstrip())
        elif name in _DEFAULT_AT_LOAD:
            lines.append(f"# {name} = {_toml_value(default)}  {comment}".rstrip())
        else:
            lines.append(f"{name} = {_toml_value(default)}  {comment}".rstrip())
    lines += [
        "# api_key: never here; set OPENAI_API_KEY in the environment.",
        "# cache_path: where LLM responses are cached (default: the user cache directory).",
        "",
        "[daily]",
        "# Folders, files and globs of documents (text, HTML, PDF, Word, .eml/.mbox mail);",
        "# RSS/Atom feeds as files or URLs; article URLs.",
        'sources = ["inbox/"]',
        '# feeds = ["https://example.org/world/rss.xml", "feeds/local.atom"]',
        "# Output folder: briefs/YYYY-MM-DD.md, .json, ... and briefs/latest.*",
        'out = "briefs"',
        '# store = "briefs/briefing.sqlite"   # corpus database (default: inside out)',
        '# formats: md and json by default; "html" and "pdf" where the install supports them.',
        'formats = ["md", "json"]',
        '# Time zone that decides which day a run belongs to, e.g. "Europe/Berlin".',
        'timezone = "UTC"',
        "# The brief covers what arrived since the last successful run; with none, feed entries",
        "# published in the last window_hours.",
        "window_hours = 24",
        "# retention_days = 90   # forget briefed documents older than this",
        "# http_timeout_s = 20",
        "# max_bytes = 5000000   # largest feed or page read (files: this or 10 MiB, the larger)",
        "# Loopback/private hosts are never fetched, except those named here (an intranet feed):",
        '# allow_hosts = ["intranet.example.lan"]',
        "# Optional: run a command with each brief's path.",
        '# command = ["notify-send", "Daily brief", "{path}"]',
        "",
        "# Optional delivery. The SMTP login comes from the environment:",
        f"# {SMTP_USER_VAR} and {SMTP_PASSWORD_VAR}.",
        "# [daily.email]",
        '# to = ["analyst@example.org"]',
        '# sender = "briefing@example.org"',
        '# host = "smtp.example.org"',
        "# port = 587",
        '# security = "starttls"   # or "ssl", "none"',
        "",
    ]
    return "\n".join(lines)
