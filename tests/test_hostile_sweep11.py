"""Hostile inputs, eleventh sweep: what the earlier sweeps left, and what probing found next.

Each test is a defect reproduced with the CLI first: files a read-only command left beside the
corpus store, ...
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from daily_samples import FERRY_STRIKE, make_document
from formats_samples import make_flate_pdf

from briefing.cli import main
from briefing.config import cleartext_key_warning, load_settings
from briefing.daily.config import load_daily_config
from briefing.daily.store import Store
from briefing.errors import ConfigError
from briefing.ingest import ingest_paths

NOW = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)

# ---------------------------------------------------------------------------- the store


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_a_read_only_command_leaves_the_store_folder_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``daily --dry-run`` and ``history`` open the store read-only; SQLite made its -shm and
    -wal files beside it and, unable to write, left them there after every such run."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    out = tmp_path / "briefs"
    assert main(["daily", str(inbox), "--out", str(out), "--date", "2026-11-20"]) == 0
    before = {name: (out / name).read_bytes() for name in _names(out)}
    assert not any(name.endswith(("-shm", "-wal")) for name in before)

    assert main(["daily", str(inbox), "--out", str(out), "--dry-run"]) == 0
    assert main(["history", "--out", str(out)]) == 0
    capsys.readouterr()
    assert {name: (out / name).read_bytes() for name in _names(out)} == before


def test_a_reader_leaves_a_running_writers_files_alone(tmp_path: Path) -> None:
    """Files that were there when the reader came (a run going on) are the writer's: the
    reader neither removes them nor stops the writer from using them."""
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer:
        assert (tmp_path / "corpus.sqlite-wal").exists()
        with Store(path, read_only=True) as reader:
            assert reader.count_documents() == 0
        assert (tmp_path / "corpus.sqlite-wal").exists()
        added = writer.add_document(make_document(FERRY_STRIKE, "a.txt"), origin="file", now=NOW)
        assert added.status == "new"
    with Store(path, read_only=True) as reader:
        assert reader.count_documents() == 1
    assert _names(tmp_path) == ["corpus.sqlite"]


# ---------------------------------------------------------------------------- environment


def test_a_line_end_around_an_environment_value_is_dropped(tmp_path: Path) -> None:
    """A value from a secret file or an ``EnvironmentFile=`` keeps its line end: ``openai\\n``
    was "Input should be 'offline' or 'openai'" (the value looked right), a cache path with
    one made a file whose name ends in a newline."""
    settings = load_settings(
        env={
            "BRIEFING_ENGINE": "openai\n",
            "OPENAI_API_KEY": "sk-abc123\n",
            "OPENAI_BASE_URL": " http://127.0.0.1:8000/v1\r\n",
            "BRIEFING_MODEL": "gpt-4o\n",
            "BRIEFING_PAPER": "letter\n",
            "BRIEFING_CACHE_PATH": f"{tmp_path / 'cache.sqlite'}\n",
            "BRIEFING_MAX_WORDS": " 300\n",
            "BRIEFING_TOPIC": "   ",
        }
    )
    assert (settings.engine, settings.model, settings.paper) == ("openai", "gpt-4o", "letter")
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-abc123"
    assert settings.base_url == "http://127.0.0.1:8000/v1"
    assert settings.cache_path == tmp_path / "cache.sqlite"
    assert (settings.max_words, settings.topic) == (300, None)

    config = tmp_path / "briefing.toml"
    config.write_text('[build]\ntopic = "harbour"\n')
    assert load_settings(env={"BRIEFING_CONFIG": f"{config}\n"}).topic == "harbour"


def test_a_config_value_with_a_space_is_named_as_written(tmp_path: Path) -> None:
    """``engine = "openai "`` in the config file was refused with "Input should be 'offline'
    or 'openai'", which does not show what was wrong with it."""
    config = tmp_path / "briefing.toml"
    config.write_text('[build]\nengine = "openai "\n')
    with pytest.raises(ConfigError, match=r"should be 'offline' or 'openai', not 'openai '"):
        load_settings(config_path=config, env={})


def test_the_smtp_login_from_the_environment_loses_its_line_end(tmp_path: Path) -> None:
    """``BRIEFING_SMTP_USER`` with a line end was refused as "holds a line break" and blamed
    on the config file; the password's line end was sent to the server, which refused it."""
    config = tmp_path / "briefing.toml"
    config.write_text('[daily.email]\nto = ["a@example.org"]\nsender = "b@example.org"\n')
    daily = load_daily_config(
        config_path=config,
        env={"BRIEFING_SMTP_USER": "mailer\n", "BRIEFING_SMTP_PASSWORD": " pass word \n"},
    )
    assert daily.email is not None and daily.email.username == "mailer"
    assert daily.email.password is not None
    assert daily.email.password.get_secret_value() == " pass word "  # spaces may be its own


# ---------------------------------------------------------------------------- the API key


@pytest.mark.parametrize(
    ("base_url", "warned"),
    [
        ("http://gpu.lan:8000/v1", True),
        ("http://10.0.0.5/v1", True),
        ("HTTP://203.0.113.9/v1", True),
        ("http://localhost:8080/v1", False),
        ("http://api.localhost/v1", False),
        ("http://127.0.0.2:8080/v1", False),
        ("http://[::1]:8080/v1", False),
        ("http://[::ffff:127.0.0.1]:8080/v1", False),
        ("https://gpu.lan/v1", False),
    ],
)
def test_a_key_sent_in_clear_to_another_machine_is_warned_about(
    base_url: str, warned: bool
) -> None:
    env = {"OPENAI_API_KEY": "sk-test-0123456789", "OPENAI_BASE_URL": base_url}
    settings = load_settings(env=env, overrides={"engine": "openai"})
    warning = cleartext_key_warning(settings)
    assert (warning is not None) == warned
    if warning is not None:
        assert "unencrypted" in warning and "sk-test" not in warning
    # no key, no warning: a local server that needs none gets a placeholder
    del env["OPENAI_API_KEY"]
    assert cleartext_key_warning(load_settings(env=env, overrides={"engine": "openai"})) is None


def test_build_and_daily_warn_before_the_key_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--base-url http://gpu.lan:8000/v1`` with OPENAI_API_KEY sent the key across the
    network in clear without a word; now one warning line comes before any request."""
    import briefing.cli.build as build_cli
    import briefing.daily.run as daily_run

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu.lan:8000/v1")
    seen: list[str] = []

    def stop(*args: object, **kwargs: object) -> None:
        seen.append(capsys.readouterr().err)  # what was said before the engine could run
        raise KeyboardInterrupt

    monkeypatch.setattr(build_cli, "build_brief_from_paths", stop)
    monkeypatch.setattr(daily_run, "run_daily", stop)
    (tmp_path / "ferry.txt").write_text(FERRY_STRIKE)
    assert main(["build", str(tmp_path / "ferry.txt"), "--engine", "openai"]) == 130
    capsys.readouterr()
    assert main(["daily", str(tmp_path), "--out", str(tmp_path / "b"), "--engine", "openai"]) == 130
    for err in seen:
        assert err.startswith("Warning: the API key is sent unencrypted to gpu.lan:8000")
        assert err.count("\n") == 1 and "sk-test" not in err


# ---------------------------------------------------------------------------- PDF


def test_a_pdf_stream_of_more_than_a_megabyte_does_not_hang_the_build(tmp_path: Path) -> None:
    """The decompression-bomb check looped for ever on any Flate stream that inflates past
    its 1 MiB step (an image, a long page; pypdf's resources/issue-3850-1bit-indexed-flate.pdf,
    7.7 kB, is one): a 2.5 kB PDF dropped in an inbox held ``build`` and ``daily`` for good."""
    import subprocess
    import sys

    pdf = make_flate_pdf(tmp_path / "report.pdf", 2_000_000)
    assert pdf.stat().st_size < 5_000
    (tmp_path / "ferry.txt").write_text(FERRY_STRIKE)
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(tmp_path), "-o", str(tmp_path / "b.md")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"Warning: {pdf}: no article text" in done.stderr  # read, and not taken for a bomb
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------------------- feeds


@pytest.mark.parametrize("tag", ["<x/>", "&lt;b&gt;"])
def test_a_feed_of_bare_tags_is_refused_before_it_is_parsed(tmp_path: Path, tag: str) -> None:
    """feedparser spends ~60 microseconds and a few hundred bytes on every tag: a 9 MB feed
    of ``<x>`` took 160 s and 1.2 GB of memory, and a stranger's feed fetched by the daily job
    may be 5 MB. Now one warning naming the feed, and the other sources make the brief."""
    import time

    from briefing.formats.feed import MAX_FEED_TAGS

    feed = tmp_path / "wire.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x'
        "</title><description>" + tag * (MAX_FEED_TAGS + 10) + "</description></item>"
        "</channel></rss>"
    )
    (tmp_path / "ferry.txt").write_text(FERRY_STRIKE)
    started = time.monotonic()
    result = ingest_paths([tmp_path])
    assert time.monotonic() - started < 10
    assert [doc.path for doc in result.documents] == [str(tmp_path / "ferry.txt")]
    [warning] = result.warnings
    assert warning.startswith(f"{feed}: ") and "more than a feed holds" in warning
