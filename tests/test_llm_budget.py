"""What a slow or looping model may cost: streamed answers stopped at a loop, and --llm-budget.

A weak local model repeats a line or a JSON item until its output limit (SmolLM2-135M did on
the examples); streamed, the engine stops it after a few repeats and keeps the complete facts
before the loop. ``--llm-budget`` bounds a brief's LLM time: no request starts when it would
not end in time, re-asks stop, and documents the model gave nothing for fall back to offline
extraction, with a warning. No network: an in-process httpx2.MockTransport speaks the
OpenAI server-sent-events wire format, with an injected clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
import yaml
from openai_fixtures import CASSETTES, TOPIC, paragraph_chunks, settings_for, synthetic_documents
from verifying import verify_all

from briefing.engines.cost import Deadline, TimeUp, estimate_tokens
from briefing.engines.ladder import is_looping, repeats_itself
from briefing.engines.openai_engine import OpenAIEngine
from briefing.errors import EngineError

QUOTE = "Council leader Mara Quill said the ferry service lost 4.2 million dollars last year"
FACT = {
    "statement": "Mara Quill said the ferry service lost 4.2 million dollars last year.",
    "actor": "Mara Quill",
    "kind": "claim",
    "date": None,
    "importance": 4,
    "quotes": [{"chunk": "C1", "quote": QUOTE}],
}
LOOP_ITEM = {**FACT, "statement": "The ferry is the ferry and the ferry is the ferry."}


def _sse(pieces: Iterator[str], pulled: list[int], usage: dict[str, int] | None) -> Any:
    def events() -> Iterator[bytes]:
        for piece in pieces:
            pulled.append(len(piece))
            chunk = {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            yield f"data: {json.dumps(chunk)}\n\n".encode()
        end = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": "m",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        yield f"data: {json.dumps(end)}\n\n".encode()
        if usage is not None:
            tail = {**end, "choices": [], "usage": {**usage, "total_tokens": sum(usage.values())}}
            yield f"data: {json.dumps(tail)}\n\n".encode()
        yield b"data: [DONE]\n\n"

    return events()


def _streaming_client(
    answer: Callable[[], Iterator[str]],
    pulled: list[int],
    bodies: list[dict[str, Any]],
    usage: dict[str, int] | None = None,
) -> openai.OpenAI:
    def handle(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        return httpx2.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content=_sse(answer(), pulled, usage),
        )

    return openai.OpenAI(
        api_key="k",
        base_url="http://fake.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )


def _in_pieces(text: str, size: int = 16) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]


def test_a_streamed_answer_that_loops_is_stopped_after_a_few_repeats(tmp_path: Path) -> None:
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]
    looping = '{"facts": [' + json.dumps(FACT) + ", " + ", ".join([json.dumps(LOOP_ITEM)] * 200)
    pulled: list[int] = []
    bodies: list[dict[str, Any]] = []
    client = _streaming_client(lambda: _in_pieces(looping), pulled, bodies)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", stream=True)
    engine = OpenAIEngine(settings, client=client)
    facts = engine.extract_facts(TOPIC, docs, chunks).value

    assert bodies[0]["stream"] is True and len(bodies) == 1  # a loop is not split or doubled
    assert engine.caller.stats.loops_stopped == 1
    assert sum(pulled) < len(looping) / 10  # stopped long before the model's own end
    assert sum(pulled) < 6 * len(json.dumps(LOOP_ITEM))  # after a few repeats
    assert any("repeated itself" in w for w in engine.warnings)
    # The complete facts before the loop are kept and verified like any other.
    assert any(f.citations[0].quote == QUOTE for f in verify_all(docs, facts).facts)


def test_a_streamed_answer_is_parsed_and_its_usage_counted(tmp_path: Path) -> None:
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]
    answer = json.dumps({"facts": [FACT]})
    pulled: list[int] = []
    bodies: list[dict[str, Any]] = []
    usage = {"prompt_tokens": 321, "completion_tokens": 54}
    client = _streaming_client(lambda: _in_pieces(answer), pulled, bodies, usage)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", stream=True)
    engine = OpenAIEngine(settings, client=client)
    facts = engine.extract_facts(TOPIC, docs, chunks).value

    assert sum(pulled) == len(answer) and engine.caller.stats.loops_stopped == 0
    assert [f.citations[0].quote for f in verify_all(docs, facts).facts] == [QUOTE]
    assert (engine.usage.prompt_tokens, engine.usage.completion_tokens) == (321, 54)
    assert engine.warnings == []


def test_the_loop_test_flags_loops_and_no_answer_recorded_in_the_cassettes() -> None:
    answers = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            body = interaction["response"]["body"]["string"]
            try:
                for choice in json.loads(body).get("choices", []):
                    answers.append(choice["message"]["content"] or "")
            except (ValueError, AttributeError, KeyError):
                continue
    assert len(answers) > 20
    assert not [a for a in answers if repeats_itself(a)]
    line = "Iran, Tehran, talks:\n"
    assert is_looping(line * 20) and repeats_itself(" " * 400)
    assert is_looping('{"facts": [' + ", ".join([json.dumps(LOOP_ITEM)] * 4))
    assert not repeats_itself('{"facts": [' + json.dumps(FACT) + ", " + json.dumps(LOOP_ITEM))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_deadline_refuses_what_would_not_end_in_time() -> None:
    clock = Clock()
    deadline = Deadline(100.0, clock)
    assert deadline.affords(10_000, 4_000)  # no pace known yet: only a spent budget says no
    deadline.record(20.0, 900, 100)  # 0.02 s a token
    clock.now = 60.0
    assert deadline.affords(1_000, 500)  # about 20 s of 40 left
    assert not deadline.affords(2_500, 500)  # about 52 s
    clock.now = 100.0
    with pytest.raises(TimeUp):
        deadline.check()
    assert deadline.hit and Deadline(None).affords(10**9, 10**9)


def test_llm_budget_stops_requests_and_leaves_the_rest_to_offline_extraction(
    tmp_path: Path,
) -> None:
    """Each answer takes 40 s of a 60 s budget: the second batch is not sent."""
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)
    clock = Clock()
    bodies: list[dict[str, Any]] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        clock.now += 40.0
        answer = {"facts": [FACT]}
        return httpx2.Response(
            200,
            json={
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(answer)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 300, "completion_tokens": 60, "total_tokens": 360},
            },
        )

    client = openai.OpenAI(
        api_key="k",
        base_url="http://fake.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
    )
    settings = settings_for(
        "http://fake.invalid/v1", tmp_path / "c.sqlite", llm_budget_s=60.0, concurrency=1
    )
    one_doc_per_batch = sum(estimate_tokens(c.text) for c in chunks if c.doc_id == docs[0].id)
    engine = OpenAIEngine(settings, client=client, clock=clock, batch_tokens=one_doc_per_batch)
    batches = engine._batches(chunks)
    assert len(batches) >= 2 and {c.doc_id for c in batches[0]} == {docs[0].id}
    facts = engine.extract_facts(TOPIC, docs, chunks).value

    assert len(bodies) == 1  # the second batch would have ended past the budget
    assert any("--llm-budget of 60 s" in w for w in engine.warnings)
    assert engine.fallback_documents == [docs[1].path or docs[1].id]
    verified = verify_all(docs, facts).facts
    assert QUOTE in {f.citations[0].quote for f in verified}  # the model's fact is kept
    assert any("offline extraction" in w and "harbor_b" in w for w in engine.warnings)


def test_a_streamed_answer_that_stalls_is_one_clear_error(tmp_path: Path) -> None:
    # The server stops sending mid-answer: the SDK reports it as its own timeout error while
    # the stream is read, which had escaped as a traceback (a real model under --llm-budget).
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]

    def stalls() -> Iterator[str]:
        yield '{"facts": ['
        raise httpx2.ReadTimeout("scripted stall")

    client = _streaming_client(stalls, [], [])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", stream=True)
    engine = OpenAIEngine(settings, client=client)
    with pytest.raises(EngineError, match="stalled"):
        engine.extract_facts(TOPIC, docs, chunks)


def test_a_streamed_answer_whose_connection_drops_is_one_clear_error(tmp_path: Path) -> None:
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]

    def drops() -> Iterator[str]:
        yield '{"facts": ['
        raise httpx2.RemoteProtocolError("peer closed connection without sending complete body")

    client = _streaming_client(drops, [], [])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", stream=True)
    engine = OpenAIEngine(settings, client=client)
    with pytest.raises(EngineError, match="connection was lost"):
        engine.extract_facts(TOPIC, docs, chunks)
