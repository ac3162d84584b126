"""Shared by tests/test_openai_engine.py, tests/test_cassettes.py and cassettes/record.py.

Holds the vcrpy configuration (record mode, secret filters, a body matcher tolerant of SDK
defaults), the inputs of every cassette, and one *flow* per cassette: the exact engine calls
that were recorded, so a replay sends byte-for-byte the requests the cassette holds.

The cassette inputs are the two examples/ documents (whole brief) and two invented articles in
cassettes/inputs/ (failure cases), built into Documents and Chunks here without the ingest or
chunk stages, so a change to those stages cannot silently change the failure cassettes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vcr
import yaml

from briefing.config import Settings
from briefing.engines.openai_engine import OpenAIEngine
from briefing.models import Chunk, Document
from briefing.verify import CitationIndex

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
INPUTS = CASSETTES / "inputs"
EXAMPLES = ROOT / "examples"
MODEL = "gpt-4o-mini"
TOPIC = "the ferry fare rise and the disputed safety review"
TODAY = dt.date(2026, 3, 5)
# A placeholder key for recording against the scripted server; it is filtered anyway.
SCRIPTED_KEY = "scripted-test-key"
WRONG_KEY = "wrong-key-for-the-401-cassette"

# Request fields the SDK may add or drop between versions without changing the meaning.
_SDK_DEFAULTS = {"stream": False, "stream_options": None, "n": 1}
SECRET_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
)
_KEY_LIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9._\-]{8,})")


def _body(request: Any) -> dict[str, Any] | None:
    raw = request.body
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    try:
        data = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    return {k: v for k, v in data.items() if not (k in _SDK_DEFAULTS and _SDK_DEFAULTS[k] == v)}


def json_body_matcher(r1: Any, r2: Any) -> None:
    """vcrpy matcher: equal JSON bodies once SDK-added defaults are removed."""
    b1, b2 = _body(r1), _body(r2)
    if b1 is None or b2 is None:
        assert r1.body == r2.body, "bodies differ"
        return
    assert b1 == b2, "JSON bodies differ"


def _scrub_text(text: str) -> str:
    return _KEY_LIKE.sub("<REDACTED>", text)


def _scrub_request(request: Any) -> Any:
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS:
            del request.headers[name]
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    body = response.get("body", {})
    if isinstance(body.get("string"), bytes):
        body["string"] = _scrub_text(body["string"].decode("utf-8")).encode("utf-8")
    return response


def make_vcr(record_mode: str = "none") -> vcr.VCR:
    config = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "scheme", "host", "port", "path", "json_body"],
        filter_headers=list(SECRET_HEADERS),
        decode_compressed_response=True,
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
    )
    config.register_matcher("json_body", json_body_matcher)
    return config


def cassette_base_url(name: str) -> str:
    """The base URL the cassette was recorded against (its first request's URL, minus path)."""
    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    uri = data["interactions"][0]["request"]["uri"]
    return uri.split("/chat/completions")[0]


# -- inputs ---------------------------------------------------------------------------------


def _document(path: Path, label: str) -> Document:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    return Document(
        id="d" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        path=label,
        text=text,
        title=lines[0].strip() if lines else None,
    )


def synthetic_documents() -> list[Document]:
    return [_document(p, f"cassettes/inputs/{p.name}") for p in sorted(INPUTS.glob("*.txt"))]


def paragraph_chunks(documents: list[Document]) -> list[Chunk]:
    """One chunk per non-empty line after the first (the title); exact offsets."""
    chunks: list[Chunk] = []
    for doc in documents:
        offset = 0
        index = 0
        for line_no, line in enumerate(doc.text.splitlines(keepends=True)):
            stripped = line.rstrip("\n")
            start = offset
            offset += len(line)
            if line_no == 0 or len(stripped.strip()) < 40:
                continue
            chunks.append(
                Chunk(
                    id=f"{doc.id}:{index}",
                    doc_id=doc.id,
                    index=index,
                    start=start,
                    end=start + len(stripped),
                    text=stripped,
                )
            )
            index += 1
    return chunks


def settings_for(base_url: str, cache_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "engine": "openai",
        "model": MODEL,
        "base_url": base_url,
        "api_key": SCRIPTED_KEY,
        "cache": True,
        "cache_path": cache_path,
        "concurrency": 2,
        "timeout_s": 10.0,
    }
    values.update(overrides)
    return Settings.model_validate(values)


# -- flows: what each cassette recorded --------------------------------------------------------


def extract_flow(engine: OpenAIEngine) -> Any:
    docs = synthetic_documents()
    return engine.extract_facts(TOPIC, docs, paragraph_chunks(docs)).value


def whole_brief_flow(engine: OpenAIEngine) -> Any:
    """The examples/ documents through the lead's pipeline, with this engine."""
    from briefing.ingest import ingest_paths

    ingested = ingest_paths([str(EXAMPLES)])
    from briefing import pipeline

    return pipeline.build_brief(
        ingested.documents, settings=engine.settings, today=TODAY, engine=engine
    )


def _real_fact(doc_index: int, needle: str, statement: str, actor: str | None) -> Any:
    from briefing.models import Citation, Fact

    doc = synthetic_documents()[doc_index]
    start = doc.text.index(needle)
    citation = Citation(source_id=doc.id, quote=needle, start=start, end=start + len(needle))
    return Fact(
        id=statement[:8], statement=statement, actor=actor, citations=(citation,), score=0.8
    )


def real_facts() -> list[Any]:
    """Verified facts of the ferry articles, as the extraction step would hand them on."""
    return [
        _real_fact(
            1,
            "inspectors completed the review in February",
            "The council said inspectors completed the safety review of the ferries in February.",
            "council",
        ),
        _real_fact(
            0,
            "the safety review was never completed",
            "The union said the safety review of the ferries was never completed.",
            "crew union",
        ),
        _real_fact(
            0,
            "raise ferry fares by 15 percent from 1 May",
            "Ferry fares rise 15 percent from 1 May.",
            None,
        ),
    ]


def real_extract_flow(engine: OpenAIEngine) -> Any:
    """Extraction of the first article's first two paragraphs: small enough for a CPU model."""
    docs = synthetic_documents()
    return engine.extract_facts(TOPIC, docs[:1], paragraph_chunks(docs)[:2]).value


def real_cutoff_flow(engine: OpenAIEngine) -> Any:
    """One paragraph with a 48-token output budget: the model is cut off mid-answer."""
    docs = synthetic_documents()
    chunk = paragraph_chunks(docs)[0]
    index = CitationIndex(docs)
    return engine._extract_batch(
        TOPIC, [chunk], 1, index, {d.id: d for d in docs}, max_tokens=48, may_shrink=False
    )


def real_judge_flow(engine: OpenAIEngine) -> Any:
    from briefing.engines.base import CandidatePair

    done, never, fares = real_facts()
    pairs = [
        CandidatePair(left=done, right=never, shared_terms=("review",)),
        CandidatePair(left=never, right=fares, shared_terms=("ferry",)),
    ]
    return engine.judge_contradictions(TOPIC, synthetic_documents(), pairs).value


def real_synthesis_flow(engine: OpenAIEngine) -> Any:
    return engine.synthesize(TOPIC, real_facts(), []).value


@dataclass(frozen=True)
class Scenario:
    """One cassette: its flow, the settings it runs with, and the scripted server's faults."""

    name: str
    flow: Callable[[OpenAIEngine], Any]
    settings: dict[str, Any]
    script: dict[str, Any]
    real_endpoint_ok: bool = False
    expect_error: bool = False
    real_only: bool = False  # a recording of a real model: never re-recorded against the script


def _faults(*faults: dict[str, Any]) -> dict[str, Any]:
    return {"faults": list(faults)}


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("whole_brief", whole_brief_flow, {}, {}, real_endpoint_ok=True),
        Scenario(
            "rate_limit_then_success",
            extract_flow,
            {},
            _faults(
                {
                    "status": 429,
                    "headers": {"retry-after": "1"},
                    "body": {
                        "error": {
                            "message": "Rate limit reached for requests",
                            "type": "requests",
                            "param": None,
                            "code": "rate_limit_exceeded",
                        }
                    },
                }
            ),
        ),
        Scenario(
            "server_error_then_success",
            extract_flow,
            {},
            _faults({"status": 500}),
        ),
        Scenario(
            "timeout_then_success",
            extract_flow,
            {"timeout_s": 1.0},
            _faults({"delay_s": 2.5}),
        ),
        Scenario(
            "refusal",
            extract_flow,
            {},
            _faults({"refusal": "I'm sorry, but I can't help with that request."}),
        ),
        Scenario("length_cutoff", extract_flow, {}, _faults({"finish_length": True})),
        Scenario("invalid_json_reasked", extract_flow, {}, _faults({"invalid_json": True})),
        Scenario(
            "hallucinated_quote_dropped",
            extract_flow,
            {},
            _faults(
                *(
                    {"invented_quote": f"The minister signed the treaty at {hour} in secret."}
                    for hour in ("midnight", "dawn", "noon")
                )
            ),
        ),
        Scenario(
            "json_schema_rejected_fallback",
            extract_flow,
            {},
            {"reject_json_schema": True},
        ),
        Scenario(
            "wrong_key",
            extract_flow,
            {"api_key": WRONG_KEY},
            {"required_key": SCRIPTED_KEY},
            real_endpoint_ok=True,
            expect_error=True,
        ),
        # Real recordings (cassettes/README.md names the model, server and command).
        Scenario("real_extraction", real_extract_flow, {}, {}, real_only=True),
        Scenario("real_length_cutoff", real_cutoff_flow, {}, {}, real_only=True),
        Scenario("real_judging", real_judge_flow, {}, {}, real_only=True),
        Scenario("real_synthesis", real_synthesis_flow, {}, {}, real_only=True),
        Scenario(
            "real_wrong_key",
            real_extract_flow,
            {"api_key": WRONG_KEY},
            {},
            expect_error=True,
            real_only=True,
        ),
    )
}


# -- an in-process fake endpoint for unit tests (no sockets, no cassette) ----------------------


def _scripted_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "briefing_scripted_server", CASSETTES / "scripted_server.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPTED = _scripted_module()


class FakeEndpoint:
    """httpx2.MockTransport answering like cassettes/scripted_server.py; records every request."""

    def __init__(self, **script: Any) -> None:
        import threading

        faults = [SCRIPTED.Fault(**f) for f in script.pop("faults", [])]
        self.script = SCRIPTED.Script(faults=faults, **script)
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any) -> Any:
        import time

        import httpx2

        body = json.loads(request.content)
        with self._lock:
            self.requests.append(body)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            fault = self.script.faults.pop(0) if self.script.faults else SCRIPTED.Fault()
        try:
            if self.script.latency_s:
                time.sleep(self.script.latency_s)
            mode = (body.get("response_format") or {}).get("type")
            if (self.script.reject_json_schema and mode == "json_schema") or (
                self.script.reject_json_object and mode == "json_object"
            ):
                message = f"response_format of type {mode} is not supported by this server"
                error = {"message": message, "type": "invalid_request_error"}
                return httpx2.Response(400, json={"error": error})
            if fault.status != 200:
                return httpx2.Response(
                    fault.status,
                    json=fault.body or {"error": {"message": "scripted", "type": "x"}},
                    headers=fault.headers,
                )
            return httpx2.Response(200, json=SCRIPTED._answer(body, fault, self.script))
        finally:
            with self._lock:
                self.in_flight -= 1

    def client(self, base_url: str = "http://fake.invalid/v1") -> Any:
        import httpx2
        import openai

        return openai.OpenAI(
            api_key=SCRIPTED_KEY,
            base_url=base_url,
            max_retries=0,
            http_client=httpx2.Client(transport=httpx2.MockTransport(self)),
        )
