from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from briefing.config import load_settings
from briefing.errors import ConfigError, FlagError


def test_precedence_flags_over_env_over_file_over_defaults(tmp_path: Path) -> None:
    config = tmp_path / "briefing.toml"
    config.write_text('[build]\nmodel = "from-file"\nconcurrency = 2\nmax_words = 400\n')
    env = {"BRIEFING_MODEL": "from-env", "BRIEFING_CONCURRENCY": "3"}
    settings = load_settings(
        config_path=config, env=env, overrides={"model": "from-flag", "concurrency": None}
    )
    assert settings.model == "from-flag"
    assert settings.concurrency == 3
    assert settings.max_words == 400
    assert settings.engine == "offline"


@pytest.mark.parametrize(
    ("env", "paper"),
    [
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LC_PAPER": "fr_CA.UTF-8"}, "letter"),
        ({"LANG": "de_DE.UTF-8"}, "a4"),
        ({}, "a4"),
        ({"LANG": "C"}, "a4"),
        ({"LANG": "en_US.UTF-8", "BRIEFING_PAPER": "a4"}, "a4"),
    ],
)
def test_paper_defaults_from_the_locale(env: dict[str, str], paper: str) -> None:
    assert load_settings(env=env).paper == paper


def test_api_key_is_secret() -> None:
    settings = load_settings(env={"OPENAI_API_KEY": "sk-test-123456"})
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-test-123456"
    assert "sk-test" not in repr(settings) and "sk-test" not in settings.model_dump_json()


def test_errors_name_the_setting_and_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[build]\nengine = 'magic'\n")
    with pytest.raises(ConfigError, match=r"engine.*bad\.toml"):
        load_settings(config_path=bad, env={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[build\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_settings(config_path=broken, env={})
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(config_path=tmp_path / "missing.toml", env={})


def test_a_named_config_that_is_no_file_is_named_for_what_it_is(tmp_path: Path) -> None:
    # BRIEFING_CONFIG naming a folder, a FIFO or /dev/zero said "not found", and a link loop
    # "not found" from both --config and BRIEFING_CONFIG.
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    cases = [(tmp_path, "is a directory, not a regular file"),
             (Path(os.devnull), "is a character device, not a regular file"),
             (loop, "cannot read config: symbolic link loop")]  # fmt: skip
    for path, reason in cases:
        with pytest.raises(ConfigError) as flag:
            load_settings(config_path=path, env={})
        with pytest.raises(ConfigError) as env:
            load_settings(env={"BRIEFING_CONFIG": str(path)})
        assert str(flag.value).startswith(f"{path}: ") and reason in str(flag.value)
        assert str(env.value).startswith(f"{path}: ") and reason in str(env.value)
        assert "not found" not in str(flag.value) + str(env.value)
    with pytest.raises(ConfigError, match="config file named by BRIEFING_CONFIG not found"):
        load_settings(env={"BRIEFING_CONFIG": str(tmp_path / "missing.toml")})


def test_a_default_place_that_cannot_be_searched_holds_no_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under sudo or cron HOME can be another user's: its config dir cannot even be stat'ed,
    which was a PermissionError traceback before any work."""
    locked = tmp_path / "locked"
    real_stat = Path.stat

    def stat(self: Path, **kwargs: bool) -> os.stat_result:
        if locked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr("briefing.config.platformdirs.user_config_dir", lambda _: str(locked))
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={}).engine == "offline"
    with pytest.raises(ConfigError, match="cannot read config: Permission denied"):
        load_settings(config_path=locked / "briefing.toml", env={})


def test_a_removed_working_directory_holds_no_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()  # Path.cwd() now raises FileNotFoundError
    assert load_settings(env={}).engine == "offline"


def test_a_bad_value_from_the_environment_names_the_variable_not_the_file(
    tmp_path: Path,
) -> None:
    """It blamed the config file, which did not even hold the key."""
    config = tmp_path / "briefing.toml"
    config.write_text('[build]\nengine = "offline"\n')
    with pytest.raises(ConfigError, match=r"max_words \(from \$BRIEFING_MAX_WORDS\)"):
        load_settings(config_path=config, env={"BRIEFING_MAX_WORDS": "abc"})
    config.write_text("[build]\nmax_words = 5\n")
    with pytest.raises(ConfigError, match=rf"max_words \(from {config}\)"):
        load_settings(config_path=config, env={})


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:hunter2-pass@127.0.0.1:8080/v1", "holds a user name or password"),
        ("file:///etc/passwd", "must be an http:// or https:// URL"),
        ("javascript:alert(1)", "must be an http:// or https:// URL"),
        ("localhost:8000/v1", "must be an http:// or https:// URL"),
        ("http://127.0.0.1:8080/v1\x1b[2J\nError: forged", "a space or a control character"),
        ("http://[::1/v1", "not a valid URL"),
        ("http://127.0.0.1:99999/v1", "not a valid URL"),
        ("http:///v1", "has no host"),
        ("http://" + "a" * 70_000 + ".example/v1", "longer than 2048 characters"),
    ],
)
def test_an_endpoint_that_is_no_http_url_is_one_line_that_does_not_repeat_it(
    url: str, reason: str
) -> None:
    # Each was an httpx InvalidURL traceback, five "cannot connect" retries of a file: URL,
    # or an error line that printed the password in the URL.
    env = {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-test-endpoint-0123456789"}
    with pytest.raises(ConfigError) as info:
        load_settings(env={**env, "BRIEFING_ENGINE": "openai"})
    message = str(info.value)
    assert message.startswith("invalid setting base_url (from $OPENAI_BASE_URL): ")
    assert reason in message and "\n" not in message and "Value error" not in message
    assert "hunter2" not in message and "aaaa" not in message
    with pytest.raises(FlagError, match=f"invalid --base-url: .*{re.escape(reason)}"):
        load_settings(env={}, overrides={"engine": "openai", "base_url": url})
    assert load_settings(env=env).base_url == url  # the offline engine never uses it


def test_a_local_endpoint_is_kept() -> None:
    settings = load_settings(env={"OPENAI_BASE_URL": " http://127.0.0.1:8080/v1 "},
                             overrides={"engine": "openai"})  # fmt: skip
    assert settings.base_url == "http://127.0.0.1:8080/v1"


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("gpt-4o-mini\x1b[2J\u202eevil\nError: forged", "holds a control character"),
        ("   ", "is empty"),
        ("m" * 300, "at most 200 characters"),
    ],
)
def test_a_model_name_with_an_escape_or_a_newline_is_refused(model: str, reason: str) -> None:
    # BRIEFING_MODEL with an escape sequence, a bidi override and a newline reached the footer
    # of the Markdown brief as it was ('*openai engine (gpt-4o-mini<ESC>[2J...').
    env = {"BRIEFING_MODEL": model, "BRIEFING_ENGINE": "openai"}
    with pytest.raises(ConfigError) as info:
        load_settings(env=env)
    message = str(info.value)
    assert message.startswith("invalid setting model (from $BRIEFING_MODEL): ")
    assert reason in message and "\n" not in message and "\x1b" not in message
    with pytest.raises(FlagError, match=f"invalid --model: .*{reason}"):
        load_settings(env={}, overrides={"engine": "openai", "model": model})
    assert load_settings(env={"BRIEFING_MODEL": model}).engine == "offline"  # never used there
    name = "hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"
    assert load_settings(env={**env, "BRIEFING_MODEL": name}).model == name


@pytest.mark.parametrize(
    "key", ["sk-test-0123456789\r\nX-Injected: 1", "sk-tëst-0123456789abc", "sk-test 0123456789"]
)
def test_a_key_no_http_header_can_carry_is_one_line_that_does_not_repeat_it(key: str) -> None:
    # A key with a letter that is not ASCII was a UnicodeEncodeError traceback from httpx, and
    # one with a line break five retries ending in "cannot connect ... check the network".
    env = {"OPENAI_API_KEY": key, "BRIEFING_ENGINE": "openai"}
    with pytest.raises(ConfigError) as info:
        load_settings(env=env)
    message = str(info.value)
    assert message.startswith("invalid setting api_key (from $OPENAI_API_KEY): ")
    assert "no HTTP header can carry" in message and "0123456789" not in message
    with pytest.raises(FlagError, match="invalid --api-key: the API key holds"):
        load_settings(env={}, overrides={"engine": "openai", "api_key": key})
    assert load_settings(env={"OPENAI_API_KEY": key}).engine == "offline"  # never used there


def test_a_key_pasted_with_its_line_end_is_used_without_it() -> None:
    env = {"OPENAI_API_KEY": "  sk-test-0123456789\n", "BRIEFING_ENGINE": "openai"}
    key = load_settings(env=env).api_key
    assert key is not None and key.get_secret_value() == "sk-test-0123456789"


@pytest.mark.parametrize("host", ["*", "*.lan", "intranet?", "a/b", ""])
def test_an_allowed_host_is_a_name_never_a_pattern(host: str) -> None:
    # "*" had been accepted and then matched only a host literally named "*"
    from pydantic import ValidationError

    from briefing.daily.config import DailyConfig

    with pytest.raises(ValidationError, match="is not a host name"):
        DailyConfig(sources=["inbox"], allow_hosts=[host])
    assert DailyConfig(sources=["inbox"], allow_hosts=["intranet.lan"]).allow_hosts
