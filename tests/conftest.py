"""Shared test fixtures: tests never touch the network, the user's home or their API keys."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The landing gate (.ci/run sets HYPOTHESIS_PROFILE=ci; so does CI) runs the property tests on
# examples derived from each test, the same on every run: a counterexample found by chance
# locally is kept as an @example, and the gate cannot fail on a draw nobody has seen.
settings.register_profile("ci", derandomize=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default")
)

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = REPO_ROOT / "examples"
EVAL_DATA = REPO_ROOT.parent / "shared" / "eval-data"

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and host not in _LOOPBACK and not str(host).startswith("127."):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _isolate(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No API keys, no user config, no real home, no network beyond loopback."""
    home = tmp_path_factory.mktemp("home")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    import os

    for var in list(os.environ):
        if var.startswith("BRIEFING_"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def eval_data() -> Path:
    if not EVAL_DATA.is_dir():
        pytest.skip("../shared/eval-data is not present")
    return EVAL_DATA
