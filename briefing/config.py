"""Settings: defaults < TOML config file < environment < command-line flags.

This is the only module that reads ``os.environ`` (through ``load_settings``'s ``env``
argument, which the CLI passes in). The API key is a ``SecretStr``: it is never logged,
cached or written.
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from briefing.errors import ConfigError, FlagError
from briefing.sanitize import MAX_URL_CHARS, one_line, remember_secret
from briefing.sourcefiles import file_kind, os_reason

CONFIG_FILENAME = "briefing.toml"


_LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PR", "SV", "DO", "NI", "PA"}
)


def paper_for_locale(locale_name: str | None) -> Literal["a4", "letter"]:
    """'letter' for a locale such as ``en_US.UTF-8`` or ``fr_CA``, else 'a4' (also for C/POSIX).

    For the CLI's default when neither --paper nor the config sets one: pass it the first set
    of $LC_ALL, $LC_PAPER, $LANG.
    """
    if not locale_name:
        return "a4"
    base = locale_name.split(".", 1)[0].split("@", 1)[0]
    _, _, territory = base.partition("_")
    return "letter" if territory.upper() in _LETTER_TERRITORIES else "a4"


def default_cache_path() -> Path:
    return Path(platformdirs.user_cache_dir("briefing")) / "llm-cache.sqlite"


class SettingsModel(BaseModel):
    """A table of settings whose numbers are never true or false: pydantic reads ``true`` as
    1, so ``retention_days = true`` pruned the corpus to a day and ``timeout_s = true`` gave
    each LLM request a second."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_or_false_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if {int, float} & {annotation, *get_args(annotation)}:
                raise ValueError(f"a number is needed, not true or false ({str(value).lower()})")
        return value


class Settings(SettingsModel):
    """Everything a build needs to know besides its sources."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    engine: Literal["offline", "openai"] = Field(
        default="offline", description="Extraction engine."
    )
    model: str = Field(default="gpt-4o-mini", description="LLM model name (openai engine).")
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint URL.")
    api_key: SecretStr | None = Field(default=None, description="API key (openai engine).")
    timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="Per-request timeout in seconds.",
    )
    concurrency: int = Field(default=4, ge=1, le=64, description="Concurrent LLM requests.")
    max_cost_usd: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="Stop before spending more.",
    )
    llm_budget_s: float | None = Field(
        default=None,
        gt=0,
        le=86_400,
        allow_inf_nan=False,
        description="Wall-clock seconds the LLM calls of one brief may take; then offline.",
    )
    stream: bool = Field(
        default=False,
        description="Stream LLM answers and stop a model that repeats itself (local models).",
    )
    cache: bool = Field(default=True, description="Cache LLM responses on disk.")
    cache_path: Path = Field(default_factory=default_cache_path)
    max_words: int = Field(default=650, ge=100, le=5000, description="Word budget of the brief.")
    paper: Literal["a4", "letter"] = Field(
        default="a4", description="Paper size for PDF output (default from the locale)."
    )
    topic: str | None = Field(default=None, description="Focus topic; inferred when unset.")

    @field_validator("model")
    @classmethod
    def _a_model_name(cls, value: str, info: ValidationInfo) -> str:
        """The openai engine's model: a name, sent to the server as given and printed in the
        brief's footer and the cost line; an escape sequence or a newline in it (from
        BRIEFING_MODEL, --model or the config) reached the Markdown brief as it was."""
        if info.data.get("engine") != "openai":
            return value
        if not value.strip():
            raise ValueError("the model name is empty")
        if len(value) > MAX_MODEL_CHARS:
            raise ValueError(f"a model name is at most {MAX_MODEL_CHARS} characters")
        if one_line(value) != value:
            raise ValueError("the model name holds a control character or a line break")
        return value

    @field_validator("api_key")
    @classmethod
    def _a_header_value(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """The openai engine's key, sent in the Authorization header: white space around it
        (a key pasted with its line end) is dropped; one with a line break, a space or a
        letter that is not ASCII inside was a UnicodeEncodeError traceback, or five retries
        blamed on "the network". Said without repeating the key."""
        if value is None or info.data.get("engine") != "openai":
            return value
        key = value.get_secret_value().strip()
        if not (key.isascii() and key.isprintable()) or " " in key:
            raise ValueError(
                "the API key holds a space, a line break or a character that is not ASCII, "
                "which no HTTP header can carry; check that it was copied whole and alone"
            )
        return SecretStr(key) if key else None

    @field_validator("base_url")
    @classmethod
    def _an_endpoint(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The openai engine's endpoint: an http(s) URL with a host, and no user name or
        password in it (they would be shown in every error and kept in the cache's table of
        endpoints; the key goes in OPENAI_API_KEY or --api-key). A base URL set for another
        tool is not judged when the engine is offline, which never uses it."""
        if value is None or info.data.get("engine") != "openai":
            return value
        problem = endpoint_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value.strip()

    @field_validator("topic")
    @classmethod
    def _topic_on_one_line(cls, value: str | None) -> str | None:
        """A topic is a line of words: one with an escape sequence or a newline (from a flag,
        the environment or a config file) is printed in every brief's title."""
        return (one_line(value) or None) if value is not None else None


MAX_MODEL_CHARS = 200


def endpoint_problem(url: str) -> str | None:
    """What makes ``url`` no endpoint for the openai engine, in words that do not repeat it
    (it may hold a password); None for an http(s) URL with a host."""
    url = url.strip()
    if not url:
        return "the URL is empty"
    if len(url) > MAX_URL_CHARS:
        return f"the URL is longer than {MAX_URL_CHARS} characters"
    if " " in url or one_line(url) != url:  # a newline, an escape, a bidi override
        return "the URL holds a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number or too large
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "must be an http:// or https:// URL (an OpenAI-compatible server's endpoint)"
    if parts.username is not None or parts.password is not None:
        return (
            "the URL holds a user name or password; give the key with OPENAI_API_KEY or "
            "--api-key instead"
        )
    if not parts.hostname:
        return "the URL has no host"
    return None


def cleartext_key_warning(settings: Settings) -> str | None:
    """A warning when the openai engine would send its API key unencrypted: to a plain
    ``http://`` endpoint that is not this machine (a server on the LAN, a host whose name a
    network can answer for). Said, not refused, as for a server on a trusted network; None
    when the key goes over https, to a loopback address, or there is no key to send."""
    if settings.engine != "openai" or settings.api_key is None or settings.base_url is None:
        return None
    parts = urlsplit(settings.base_url)
    host = parts.hostname or ""
    if parts.scheme.lower() != "http" or _is_loopback(host):
        return None
    port = f":{parts.port}" if parts.port is not None else ""
    return (
        f"the API key is sent unencrypted to {one_line(host)}{port} (plain http:// to another "
        "machine); use an https:// endpoint or a tunnel, or leave the key unset if the server "
        "needs none"
    )


def _is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: localhost (and *.localhost, RFC 6761) or a loopback
    address, an IPv4-mapped one too."""
    if host.lower().rstrip(".") == "localhost" or host.lower().rstrip(".").endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


# Environment variables and the setting each one sets.
ENV_VARS: dict[str, str] = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "BRIEFING_ENGINE": "engine",
    "BRIEFING_MODEL": "model",
    "BRIEFING_BASE_URL": "base_url",
    "BRIEFING_TIMEOUT": "timeout_s",
    "BRIEFING_CONCURRENCY": "concurrency",
    "BRIEFING_MAX_COST": "max_cost_usd",
    "BRIEFING_LLM_BUDGET": "llm_budget_s",
    "BRIEFING_CACHE_PATH": "cache_path",
    "BRIEFING_MAX_WORDS": "max_words",
    "BRIEFING_PAPER": "paper",
    "BRIEFING_TOPIC": "topic",
}


def env_value(env: Mapping[str, str], var: str) -> str | None:
    """The environment variable ``var`` without the white space around it; None when unset or
    empty (white space only gives "", which the setting's own check names). A value read from
    a file or a secret store often keeps its line end (``"$(cat url.txt)"`` does not,
    ``EnvironmentFile=`` or a mounted secret may): ``BRIEFING_ENGINE=$'openai\\n'`` was
    "Input should be 'offline' or 'openai'", and ``BRIEFING_CONFIG`` or
    ``BRIEFING_CACHE_PATH`` with one named a file no one could see."""
    value = env.get(var)
    return value.strip() if value else None


def find_config(explicit: str | Path | None, env: Mapping[str, str]) -> Path | None:
    """The config file to read: --config, $BRIEFING_CONFIG, ./briefing.toml, user config dir."""
    if explicit is not None:
        return _named_config(Path(explicit), "config file")
    named = env_value(env, "BRIEFING_CONFIG")
    if named:
        return _named_config(Path(named), "config file named by BRIEFING_CONFIG")
    for candidate in (
        Path(CONFIG_FILENAME),
        Path(platformdirs.user_config_dir("briefing")) / CONFIG_FILENAME,
    ):
        if _is_file(candidate):
            return candidate.absolute()
    return None


def _named_config(path: Path, what: str) -> Path:
    """``path``, the config file the user named; ConfigError saying why when it is none: not
    there, a link loop, a folder, a FIFO or a device (BRIEFING_CONFIG=/dev/zero was "not
    found")."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(f"{one_line(path)}: {what} not found") from None
    except OSError as exc:
        raise ConfigError(f"{one_line(path)}: cannot read config: {os_reason(exc)}") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{one_line(path)}: {what} is {file_kind(mode)}, not a regular file")
    return path


def _is_file(path: Path) -> bool:
    """Whether ``path``, a place looked in by default, holds a config file. One that cannot be
    searched (a HOME of another user under sudo or cron, a working directory that was removed)
    holds none."""
    try:
        return path.is_file()
    except OSError:
        return False


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(1_000_001)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    if len(data) > 1_000_000:
        raise ConfigError(f"{path}: config file larger than 1 MB; is this the right file?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: config is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ConfigError(f"{path}: not a config file (values nested too deeply)") from None


# Settings whose command-line flag is not the setting's name with dashes.
_FLAG_OF = {"timeout_s": "--timeout", "max_cost_usd": "--max-cost", "llm_budget_s": "--llm-budget"}


def invalid_setting(
    exc: ValidationError,
    path: Path | None,
    what: str,
    flags: Collection[str] = (),
    env_vars: Mapping[str, str] | None = None,
) -> ConfigError:
    """One line naming the first invalid setting and where it came from: a FlagError (exit 2)
    when its value was given on the command line (``flags``: the settings flags set), else the
    environment variable that set it (``env_vars``: setting -> variable), else the file."""
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")  # a validator's own words
    if first["type"] in ("literal_error", "enum") and isinstance(first["input"], str):
        # "should be 'offline' or 'openai'" for engine = "openai " said nothing of the space
        message += f", not {first['input'][:60]!r}"
    key = str(first["loc"][0]) if first["loc"] else ""
    if key in flags:
        flag = _FLAG_OF.get(key, "--" + key.replace("_", "-"))
        return FlagError(f"briefing: error: invalid {flag}: {message}")
    where = ".".join(str(p) for p in first["loc"]) or what
    if env_vars and key in env_vars:
        source = f" (from ${env_vars[key]})"
    else:
        source = f" (from {path})" if path else ""
    return ConfigError(f"invalid {what} {where}{source}: {message}")


CONFIG_TABLES = ("build", "daily")


def config_table(path: Path, name: str) -> dict[str, Any]:
    """The ``[name]`` table of the config file at ``path`` (empty when absent). Anything else
    at the top of the file is refused, as an unknown key in a table is: a setting written
    outside its table (``engine = "openai"`` above ``[build]``) or a misspelt table would
    otherwise be ignored without a word."""
    config = read_config_file(path)
    for key, value in config.items():
        if key not in CONFIG_TABLES:
            what = f"table [{key}]" if isinstance(value, dict) else f"key {key!r}"
            raise ConfigError(
                f"{path}: unknown {what}; settings go in the [build] or [daily] table"
            )
    table = config.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return table


def load_settings(
    *,
    config_path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from defaults, the config file's ``[build]`` table, the environment, then flags.

    ``overrides`` holds command-line values; a value of None means "not given".
    """
    env = os.environ if env is None else env
    merged: dict[str, Any] = {}
    path = find_config(config_path, env)
    if path is not None:
        merged.update(config_table(path, "build"))
    if "paper" not in merged:
        merged["paper"] = paper_for_locale(
            env.get("LC_ALL") or env.get("LC_PAPER") or env.get("LANG")
        )
    from_env: dict[str, str] = {}
    for var, key in ENV_VARS.items():
        value = env_value(env, var)
        if value is not None:
            merged[key] = value
            from_env[key] = var
    for key, value in (overrides or {}).items():
        if value is not None:
            merged[key] = value
    if isinstance(merged.get("api_key"), str):
        remember_secret(merged["api_key"])  # redacted from every message from now on
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        given = {k for k, v in (overrides or {}).items() if v is not None}
        raise invalid_setting(exc, path, "setting", given, from_env) from exc
