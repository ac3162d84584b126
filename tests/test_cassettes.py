"""Cassette hygiene: no secrets, every scenario recorded, provenance documented, no real hosts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openai_fixtures import CASSETTES, SCENARIOS, SECRET_HEADERS

CASSETTE_FILES = sorted(CASSETTES.glob("*.yaml"))

# What a leaked credential looks like.
_SECRET_PATTERNS = (
    re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._\-~+/]{8,}", re.IGNORECASE),
    re.compile(r"^\s*-?\s*(?:authorization|api-key|x-api-key|openai-api-key)\s*:", re.I | re.M),
    re.compile(r"\b(?:sess|org|proj)-[A-Za-z0-9]{20,}"),
)


def find_secrets(text: str) -> list[str]:
    return [m.group(0)[:24] for p in _SECRET_PATTERNS for m in p.finditer(text)]


@pytest.mark.parametrize(
    "leak",
    [
        "Authorization: Bearer abcdefghijklmnop",
        "    authorization:\n    - Bearer abc123def456",
        "key sk-proj-abcdefghijklmnopqrstuvwx",
        "api-key: 0123456789abcdef",
        "org-abcdefghijklmnopqrstuvwxyz",
    ],
)
def test_scanner_catches_planted_secrets(leak: str) -> None:
    assert find_secrets(leak), leak


def test_scanner_passes_clean_text() -> None:
    assert find_secrets('{"error": {"code": "invalid_api_key", "message": "Incorrect key"}}') == []


def test_there_are_cassettes() -> None:
    assert CASSETTE_FILES


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.name)
def test_cassette_has_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert find_secrets(text) == [], f"{path.name} looks like it holds a credential"
    data = yaml.safe_load(text)
    for interaction in data["interactions"]:
        for headers in (interaction["request"]["headers"], interaction["response"]["headers"]):
            leaked = {h.lower() for h in headers} & set(SECRET_HEADERS)
            assert not leaked, f"{path.name} keeps header(s) {leaked}"


def test_every_scenario_has_a_cassette_and_a_provenance_line() -> None:
    readme = (CASSETTES / "README.md").read_text(encoding="utf-8")
    names = {p.stem for p in CASSETTE_FILES}
    for name in SCENARIOS:
        assert name in names, f"cassettes/{name}.yaml missing: run cassettes/record.py {name}"
        assert f"`{name}.yaml`" in readme, f"cassettes/README.md does not describe {name}.yaml"
    assert names <= set(SCENARIOS), f"cassettes without a scenario: {names - set(SCENARIOS)}"


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=lambda p: p.name)
def test_cassettes_are_plain_uncompressed_json(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        encoding = interaction["response"]["headers"].get("content-encoding", [])
        assert not encoding, f"{path.name}: compressed body (decode_compressed_response off?)"
        body = interaction["response"]["body"]["string"]
        assert isinstance(body, str) and body.lstrip().startswith("{")
