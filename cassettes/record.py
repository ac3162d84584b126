"""Re-record the OpenAI engine's cassettes.

    .venv/bin/python cassettes/record.py            # every cassette
    .venv/bin/python cassettes/record.py refusal    # just some

With OPENAI_API_KEY set, the cassettes a real endpoint can produce on demand (``whole_brief``
and ``wrong_key``) are recorded against OPENAI_BASE_URL (default https://api.openai.com/v1)
with BRIEFING_MODEL (default gpt-4o-mini); the fault cassettes (429, 500, timeout, refusal,
length cut-off, invalid JSON, invented quote, json_schema rejected) cannot be provoked on a
real endpoint and are always recorded against the scripted OpenAI-wire-format server in
``scripted_server.py``, bound to 127.0.0.1. Without a key, everything is scripted.

The ``real_*`` cassettes are recordings of a real model and are recorded only when named and
a real endpoint is given, e.g. against a local llama.cpp server started by
``bench/local_model.py serve`` (see cassettes/README.md for the exact command).

Authorization and other key-carrying headers are filtered and key-like strings scrubbed
before anything is written; ``tests/test_cassettes.py`` checks that. Update
``cassettes/README.md`` (provenance table) after recording against a real endpoint.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests"), str(HERE)]

from openai_fixtures import SCENARIOS, Scenario, make_vcr, settings_for  # noqa: E402
from scripted_server import Fault, Script, ScriptedServer  # noqa: E402

from briefing.engines.openai_engine import DEFAULT_BASE_URL, OpenAIEngine  # noqa: E402
from briefing.errors import BriefingError  # noqa: E402


def _record(scenario: Scenario, base_url: str, key: str | None, model: str | None) -> str:
    cassette = HERE / f"{scenario.name}.yaml"
    cassette.unlink(missing_ok=True)
    overrides: dict[str, Any] = dict(scenario.settings)
    if key is not None and "api_key" not in overrides:
        overrides["api_key"] = key
    if model is not None:
        overrides["model"] = model
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(base_url, Path(tmp) / "cache.sqlite", cache=False, **overrides)
        engine = OpenAIEngine(settings)
        with make_vcr("all").use_cassette(cassette.name) as tape:
            try:
                scenario.flow(engine)
                outcome = "ok"
            except BriefingError as exc:
                if not scenario.expect_error:
                    raise
                outcome = f"expected error: {exc}"
        return f"{scenario.name}: {len(tape)} interactions, {outcome}"


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("vcr", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    names = argv or [n for n, s in SCENARIOS.items() if not s.real_only]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown cassette(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    real_key = os.environ.get("OPENAI_API_KEY")
    for name in names:
        scenario = SCENARIOS[name]
        if scenario.real_only:
            if not real_key:
                print(f"{name}: a real recording; set OPENAI_API_KEY and OPENAI_BASE_URL")
                continue
            base = os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL)
            key = None if scenario.settings.get("api_key") else real_key
            slow = dataclasses.replace(scenario, settings={**scenario.settings, "timeout_s": 900})
            print(_record(slow, base, key, os.environ.get("BRIEFING_MODEL")), "(real)")
            continue
        if real_key and scenario.real_endpoint_ok:
            base = os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL)
            key = None if scenario.settings.get("api_key") else real_key
            print(_record(scenario, base, key, os.environ.get("BRIEFING_MODEL")), "(real)")
            continue
        script = Script(**{k: v for k, v in scenario.script.items() if k != "faults"})
        script.faults = [Fault(**f) for f in scenario.script.get("faults", [])]
        with ScriptedServer(script) as server:
            print(_record(scenario, server.base_url, None, None), "(scripted)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
