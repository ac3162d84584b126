from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import load_settings
from briefing.errors import ConfigError


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
