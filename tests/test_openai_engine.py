"""The OpenAI engine, replayed from cassettes (vcrpy, record mode "none") or a fake endpoint.

No test here reaches the network or needs a key: cassettes replay recorded HTTP exchanges, and
the unit tests use an in-process httpx2.MockTransport speaking the same wire format.
Each failure case asserts what the engine did about it (retried, re-asked, dropped and counted,
reported, or a clear error), not merely that nothing crashed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from openai_fixtures import (
    CASSETTES,
    EXAMPLES,
    SCENARIOS,
    TODAY,
    TOPIC,
    FakeEndpoint,
    cassette_base_url,
    extract_flow,
    make_vcr,
    paragraph_chunks,
    real_cutoff_flow,
    real_extract_flow,
    real_facts,
    real_judge_flow,
    real_synthesis_flow,
    settings_for,
    synthetic_documents,
    whole_brief_flow,
)
from pydantic import ValidationError
from vcr.errors import CannotOverwriteExistingCassetteException
from verifying import verify_all

from briefing.engines import openai_engine
from briefing.engines.base import CandidatePair, Engine
from briefing.engines.cache import LLMCache
from briefing.engines.openai_engine import OpenAIEngine, batch_budget
from briefing.engines.prompts import Prompts
from briefing.engines.structured import MAX_REASKS
from briefing.engines.transport import MAX_ATTEMPTS, is_transient
from briefing.errors import EngineError, MissingKeyError
from briefing.ingest import ingest_paths
from briefing.models import Brief, Citation, Fact


class Sleeps(list[float]):
    """Records requested back-off sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@contextmanager
def replay(
    name: str, tmp_path: Path, *, client: Any = None, **overrides: Any
) -> Iterator[tuple[OpenAIEngine, Any, Sleeps]]:
    scenario = SCENARIOS[name]
    settings = settings_for(
        cassette_base_url(name),
        tmp_path / "cache.sqlite",
        **{**scenario.settings, **overrides},
    )
    sleeps = Sleeps()
    with make_vcr("none").use_cassette(f"{name}.yaml") as tape:
        engine = OpenAIEngine(settings, client=client, sleep=sleeps)
        yield engine, tape, sleeps


def _request_body(tape: Any, i: int) -> dict[str, Any]:
    return json.loads(tape.requests[i].body)


def _last_user_message(body: dict[str, Any]) -> str:
    return [m for m in body["messages"] if m["role"] == "user"][-1]["content"]


# -- cassettes: transport faults ----------------------------------------------------------------


def test_rate_limit_is_retried_after_the_servers_retry_after(tmp_path: Path) -> None:
    with replay("rate_limit_then_success", tmp_path) as (engine, tape, sleeps):
        facts = extract_flow(engine)
    assert facts, "the retried request's facts are used"
    assert tape.play_count == 2 and tape.all_played
    assert engine.caller.stats.retries == 1
    assert sleeps == [1.0]  # Retry-After: 1, honoured (and not actually slept in tests)
    assert engine.usage.calls == 2


def test_server_error_is_retried_with_backoff(tmp_path: Path) -> None:
    with replay("server_error_then_success", tmp_path) as (engine, tape, sleeps):
        facts = extract_flow(engine)
    assert facts
    assert tape.play_count == 2 and tape.all_played
    assert engine.caller.stats.retries == 1
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 21  # exponential with jitter, bounded


class _TimeoutOnce(httpx2.BaseTransport):
    """Raises a read timeout for the first request, then sends through the (vcr-patched) transport.

    A timeout has no response to record, so its cassette holds the successful retry only.
    """

    def __init__(self) -> None:
        self.inner = httpx2.HTTPTransport()
        self.calls = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        if self.calls == 1:
            raise httpx2.ReadTimeout("scripted timeout", request=request)
        return self.inner.handle_request(request)


def test_timeout_is_retried(tmp_path: Path) -> None:
    transport = _TimeoutOnce()
    name = "timeout_then_success"
    client = openai.OpenAI(
        api_key="k",
        base_url=cassette_base_url(name),
        max_retries=0,
        http_client=httpx2.Client(transport=transport),
    )
    with replay(name, tmp_path, client=client) as (engine, tape, sleeps):
        facts = extract_flow(engine)
    assert facts
    assert transport.calls == 2
    assert tape.play_count == 1
    assert engine.caller.stats.retries == 1 and len(sleeps) == 1


def test_timeouts_that_persist_give_a_clear_error(tmp_path: Path) -> None:
    class AlwaysTimeout(httpx2.BaseTransport):
        calls = 0

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            AlwaysTimeout.calls += 1
            raise httpx2.ReadTimeout("scripted timeout", request=request)

    client = openai.OpenAI(
        api_key="k",
        base_url="http://fake.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=AlwaysTimeout()),
    )
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=client, sleep=Sleeps())
    with pytest.raises(EngineError, match="--timeout"):
        extract_flow(engine)
    assert AlwaysTimeout.calls == 5  # bounded: MAX_ATTEMPTS, no SDK retries on top


def test_wrong_key_is_a_clear_one_line_error_and_not_retried(tmp_path: Path) -> None:
    with (
        replay("wrong_key", tmp_path) as (engine, tape, sleeps),
        pytest.raises(MissingKeyError) as info,
    ):
        extract_flow(engine)
    message = str(info.value)
    assert "OPENAI_API_KEY" in message and "--api-key" in message
    assert "\n" not in message
    assert "wrong-key" not in message  # the key itself is never echoed
    assert tape.play_count == 1 and sleeps == []


def test_missing_key_names_the_variable_and_the_flag(tmp_path: Path) -> None:
    settings = settings_for(None, tmp_path / "c.sqlite", api_key=None)  # type: ignore[arg-type]
    with pytest.raises(MissingKeyError) as info:
        OpenAIEngine(settings)
    assert "OPENAI_API_KEY" in str(info.value) and "--api-key" in str(info.value)


# -- cassettes: model-side failures -------------------------------------------------------------


def test_refusal_is_reported_and_not_retried(tmp_path: Path) -> None:
    with replay("refusal", tmp_path) as (engine, tape, _sleeps):
        facts = extract_flow(engine)
    assert facts == []
    assert tape.play_count == 1
    assert engine.caller.stats.reasks == 0 and engine.caller.stats.retries == 0
    assert any("refused" in w and "extraction batch 1" in w for w in engine.warnings)


def test_content_filter_stop_is_reported_and_not_retried(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(faults=[{"content_filter": True}])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    assert extract_flow(engine) == []
    assert len(endpoint.requests) == 1
    assert any("content filter" in w for w in engine.warnings)


def test_server_errors_that_persist_stop_after_a_bounded_number_of_attempts(
    tmp_path: Path,
) -> None:
    endpoint = FakeEndpoint(faults=[{"status": 503}] * 10)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    sleeps = Sleeps()
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=sleeps)
    with pytest.raises(EngineError, match="HTTP 503"):
        extract_flow(engine)
    assert len(endpoint.requests) == MAX_ATTEMPTS
    assert len(sleeps) == MAX_ATTEMPTS - 1
    assert all(0 < s <= 21 for s in sleeps) and sleeps[-1] > sleeps[0]


def test_length_cutoff_splits_the_batch_once(tmp_path: Path) -> None:
    with replay("length_cutoff", tmp_path) as (engine, tape, _sleeps):
        facts = extract_flow(engine)
    assert tape.play_count == 3 and tape.all_played
    blocks = [_last_user_message(_request_body(tape, i)).count("<source id=") for i in range(3)]
    assert blocks[1] + blocks[2] == blocks[0] and 0 < blocks[1] < blocks[0]
    assert facts and engine.warnings == []


def test_length_cutoff_on_one_chunk_doubles_the_output_budget_once(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(faults=[{"finish_length": True}, {"finish_length": True}])
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    facts = engine.extract_facts(TOPIC, docs, chunks).value
    budgets = [r["max_tokens"] for r in endpoint.requests]
    assert budgets == [budgets[0], 2 * budgets[0]]  # raised once, then given up
    assert facts == [] and any("cut off" in w for w in engine.warnings)


def test_invalid_json_is_re_asked_with_the_error(tmp_path: Path) -> None:
    with replay("invalid_json_reasked", tmp_path) as (engine, tape, _sleeps):
        facts = extract_flow(engine)
    assert tape.play_count == 2
    assert engine.caller.stats.reasks == 1
    second = _request_body(tape, 1)
    repair = _last_user_message(second)
    assert "not valid JSON" in repair and "<reply>" in repair
    assert "<source" not in repair  # the broken reply is sent back, not the input again
    assert len(second["messages"]) == 2
    assert facts and verify_all(synthetic_documents(), facts).facts_dropped == 0


def test_hallucinated_quote_is_re_asked_twice_then_dropped_and_counted(tmp_path: Path) -> None:
    with replay("hallucinated_quote_dropped", tmp_path) as (engine, tape, _sleeps):
        facts = extract_flow(engine)
    assert tape.play_count == 1 + MAX_REASKS
    assert engine.caller.stats.reasks == MAX_REASKS
    first_prompt = _last_user_message(_request_body(tape, 0))
    for i in (1, 2):
        body = _request_body(tape, i)
        reask = _last_user_message(body)
        assert "quote not found in C1" in reask and "treaty" in reask
        # Only the failing fact and the one block it cites, not the whole batch again.
        assert reask.count("<source id=") == 1 and '<source id="C1">' in reask
        assert len(body["messages"]) == 2 and len(reask) < len(first_prompt) / 2
    # Each answer invented a different quote: three facts proposed, three dropped and counted.
    assert engine.unverified_returned == 3
    verification = verify_all(synthetic_documents(), facts)
    assert verification.facts_dropped == 3
    assert all("treaty" not in f.statement for f in verification.facts)
    assert len(verification.facts) == len(facts) - 3


def test_json_schema_rejection_falls_back_and_is_remembered(tmp_path: Path) -> None:
    with replay("json_schema_rejected_fallback", tmp_path) as (engine, tape, _sleeps):
        facts = extract_flow(engine)
    assert facts
    first, second = _request_body(tape, 0), _request_body(tape, 1)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    assert "JSON schema" in second["messages"][0]["content"]  # schema moved into the prompt
    assert engine.ladder.mode == "json_object"
    assert engine.cache is not None
    assert engine.cache.get_capability(engine.base_url) == "json_object"
    # A later run against the same endpoint starts on the remembered rung: no second probe.
    endpoint = FakeEndpoint()
    settings = settings_for(engine.base_url, tmp_path / "cache.sqlite", cache=True)
    later = OpenAIEngine(settings, client=endpoint.client(engine.base_url), sleep=Sleeps())
    assert later.ladder.settled and later.ladder.mode == "json_object"
    docs = synthetic_documents()
    later.extract_facts("another topic", docs, paragraph_chunks(docs)[:2])
    assert [r["response_format"]["type"] for r in endpoint.requests] == ["json_object"]


def test_a_server_without_any_response_format_ends_on_the_plain_rung(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(reject_json_schema=True, reject_json_object=True)
    settings = settings_for("http://old.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client("http://old.invalid/v1"))
    docs = synthetic_documents()
    facts = engine.extract_facts(TOPIC, docs, paragraph_chunks(docs)).value
    modes = [(r.get("response_format") or {}).get("type") for r in endpoint.requests]
    assert modes == ["json_schema", "json_object", None]
    assert engine.ladder.mode == "plain" and engine.caller.stats.fallbacks == [
        "json_schema->json_object",
        "json_object->plain",
    ]
    assert facts and verify_all(docs, facts).facts_dropped == 0


def test_plain_rung_extracts_json_from_a_chatty_reply(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://plain.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client("http://plain.invalid/v1"))
    engine.ladder.settle("plain")
    docs = synthetic_documents()
    facts = engine.extract_facts(TOPIC, docs, paragraph_chunks(docs)).value
    assert "response_format" not in endpoint.requests[0]
    assert facts and verify_all(docs, facts).facts_dropped == 0


# -- cache ------------------------------------------------------------------------------------


def test_second_identical_run_makes_no_http_request(tmp_path: Path) -> None:
    with replay("server_error_then_success", tmp_path) as (engine, tape, _sleeps):
        first = extract_flow(engine)
    assert tape.play_count == 2

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"unexpected HTTP request to {request.url}")

    client = openai.OpenAI(
        api_key="k",
        base_url=engine.base_url,
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)),
    )
    settings = settings_for(engine.base_url, tmp_path / "cache.sqlite")
    again = OpenAIEngine(settings, client=client)
    second = extract_flow(again)
    assert second == first
    assert again.usage.calls == 0 and again.usage.cached_calls == 1
    assert again.usage.cost_usd == 0.0


def test_no_cache_setting_bypasses_the_cache(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    path = tmp_path / "never.sqlite"
    settings = settings_for("http://fake.invalid/v1", path, cache=False)
    for _ in range(2):
        engine = OpenAIEngine(settings, client=endpoint.client())
        assert engine.cache is None
        extract_flow(engine)
    assert len(endpoint.requests) == 2
    assert not path.exists()


def test_the_api_key_is_never_cached(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client())
    extract_flow(engine)
    assert engine.cache is not None
    engine.close()
    for path in tmp_path.glob("c.sqlite*"):
        assert b"scripted-test-key" not in path.read_bytes()


# -- transport-retry ownership ------------------------------------------------------------------


def test_the_engine_owns_retries_and_the_sdk_does_not(tmp_path: Path) -> None:
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings)
    assert engine.caller.client.max_retries == 0


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, None), (403, None), (404, None), (429, "insufficient_quota")],
)
def test_client_errors_are_not_retried(tmp_path: Path, status: int, code: str | None) -> None:
    body = {"error": {"message": "nope", "type": "invalid_request_error", "code": code}}
    endpoint = FakeEndpoint(faults=[{"status": status, "body": body}] * 3)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    with pytest.raises(EngineError):
        extract_flow(engine)
    assert len(endpoint.requests) == 1


def test_is_transient_classification() -> None:
    request = httpx2.Request("POST", "http://x/v1/chat/completions")

    def status(code: int, err: str | None = None) -> openai.APIStatusError:
        response = httpx2.Response(code, request=request)
        return openai.APIStatusError("x", response=response, body={"code": err})

    assert is_transient(status(429)) and is_transient(status(500)) and is_transient(status(503))
    assert not is_transient(status(429, "insufficient_quota"))
    assert not any(is_transient(status(c)) for c in (400, 401, 403, 404, 422))
    assert is_transient(openai.APITimeoutError(request=request))


# -- map-reduce, budget, concurrency ------------------------------------------------------------


def test_concurrency_is_bounded_by_settings(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(latency_s=0.05)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", concurrency=3)
    engine = OpenAIEngine(settings, client=endpoint.client(), batch_tokens=40)
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)
    engine.extract_facts(TOPIC, docs, chunks)
    assert len(endpoint.requests) == len(chunks)  # one chunk per batch at this budget
    assert endpoint.max_in_flight == 3


def test_batches_send_each_chunk_once(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), batch_tokens=120)
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)
    engine.extract_facts(TOPIC, docs, chunks)
    sent = "".join(_last_user_message(r) for r in endpoint.requests)
    for chunk in chunks:
        assert sent.count(chunk.text) == 1
    assert 1 < len(endpoint.requests) < len(chunks)
    assert batch_budget("gpt-4o-mini") > batch_budget("some-local-model")


def test_max_cost_stops_before_exceeding_and_keeps_what_was_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every batch reserves the largest output budget, so that one request fits the limit and
    # a second cannot (the budget per batch is sized to the batch otherwise).
    monkeypatch.setattr(openai_engine, "extract_max_tokens", lambda blocks: 4_096)
    endpoint = FakeEndpoint()
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)
    # The worst case of one extraction request (4,096 output tokens of gpt-4o-mini) is about
    # 0.0025 USD; this limit admits the first request but not the worst case of a second one.
    limit = 0.0027
    settings = settings_for(
        "http://fake.invalid/v1", tmp_path / "c.sqlite", max_cost_usd=limit, concurrency=1
    )
    engine = OpenAIEngine(settings, client=endpoint.client(), batch_tokens=80)
    batches = len(engine._batches(chunks))
    facts = engine.extract_facts(TOPIC, docs, chunks).value
    assert batches > 2
    assert len(endpoint.requests) == 1
    assert facts, "the batch done before the limit is kept"
    assert 0 < engine.usage.cost_usd <= limit
    assert sum("--max-cost" in w for w in engine.warnings) == 1
    # Judging and synthesis after the stop send nothing either, and still return.
    assert engine.judge_contradictions(TOPIC, docs, _pairs()).value == []
    assert engine.synthesize(TOPIC, facts, []).value.bottom_line
    assert len(endpoint.requests) == 1


def test_max_cost_below_one_request_sends_nothing(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", max_cost_usd=0.001)
    engine = OpenAIEngine(settings, client=endpoint.client())
    assert extract_flow(engine) == []
    assert endpoint.requests == [] and engine.usage.cost_usd == 0.0
    assert any("--max-cost" in w for w in engine.warnings)


def test_each_result_carries_what_its_call_spent_and_warned(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for(
        "http://fake.invalid/v1", tmp_path / "c.sqlite", model="local-model", max_cost_usd=1.0
    )
    engine = OpenAIEngine(settings, client=endpoint.client())  # warns: no price known
    docs = synthetic_documents()
    extracted = engine.extract_facts(TOPIC, docs, paragraph_chunks(docs))
    assert extracted.value and extracted.usage.calls == len(endpoint.requests) > 0
    assert extracted.usage.prompt_tokens > 0 and extracted.usage.cost_usd == 0.0
    assert [w for w in extracted.warnings if "no price known" in w] == [engine.warnings[0]]
    sent = len(endpoint.requests)
    synthesized = engine.synthesize(TOPIC, extracted.value, [])
    assert synthesized.usage.calls == len(endpoint.requests) - sent > 0
    assert not any("no price known" in w for w in synthesized.warnings)  # reported once
    assert extracted.usage + synthesized.usage == engine.usage


def test_usage_and_cost_come_from_the_responses(tmp_path: Path) -> None:
    with replay("rate_limit_then_success", tmp_path) as (engine, tape, _sleeps):
        extract_flow(engine)
    ok = json.loads(tape.responses[1]["body"]["string"])
    assert engine.usage.prompt_tokens == ok["usage"]["prompt_tokens"]
    assert engine.usage.completion_tokens == ok["usage"]["completion_tokens"]
    expected = (ok["usage"]["prompt_tokens"] * 0.15 + ok["usage"]["completion_tokens"] * 0.6) / 1e6
    assert engine.usage.cost_usd == pytest.approx(expected)


# -- judging and synthesis ----------------------------------------------------------------------


def _fact(doc_index: int, needle: str, statement: str, actor: str | None = None) -> Fact:
    doc = synthetic_documents()[doc_index]
    start = doc.text.index(needle)
    citation = Citation(source_id=doc.id, quote=needle, start=start, end=start + len(needle))
    return Fact(
        id=statement[:8], statement=statement, actor=actor, citations=(citation,), score=0.8
    )


def _pairs() -> list[CandidatePair]:
    review_done = _fact(
        1,
        "inspectors completed the review in February",
        "The council said inspectors completed the safety review of the ferries in February.",
        "council",
    )
    review_not = _fact(
        0,
        "the safety review was never completed",
        "The union said the safety review of the ferries was never completed.",
        "crew union",
    )
    fares = _fact(
        0,
        "raise ferry fares by 15 percent from 1 May",
        "Ferry fares rise 15 percent from 1 May.",
    )
    return [
        CandidatePair(left=review_done, right=review_not, shared_terms=("review",)),
        CandidatePair(left=review_not, right=fares, shared_terms=("ferry",)),
    ]


def test_judge_sees_only_the_given_pairs_and_cites_their_facts(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client())
    pairs = _pairs()
    found = engine.judge_contradictions(TOPIC, synthetic_documents(), pairs).value
    prompt = _last_user_message(endpoint.requests[0])
    assert prompt.count(" vs ") == len(pairs) and "P3:" not in prompt
    assert prompt.count(pairs[0].right.statement) == 1  # shared statements listed once
    assert len(found) == 1
    assert found[0].sides[0].citations == pairs[0].left.citations
    assert found[0].sides[1].citations == pairs[0].right.citations
    assert verify_all(synthetic_documents(), [], found).contradictions == found


def test_synthesis_cites_the_facts_it_uses(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client())
    facts = [p.left for p in _pairs()] + [_pairs()[1].right]
    synthesis = engine.synthesize(TOPIC, facts, []).value
    assert synthesis.title
    assert 1 <= len(synthesis.bottom_line) <= 3
    known = {c for f in facts for c in f.citations}
    for point in synthesis.bottom_line:
        assert point.citations and set(point.citations) <= known
    for actor in synthesis.actors:
        assert set(actor.citations) <= known


def test_synthesis_falls_back_to_top_facts_when_refused(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(faults=[{"refusal": "no"}])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client())
    facts = [p.left for p in _pairs()]
    synthesis = engine.synthesize(TOPIC, facts, []).value
    assert list(synthesis.bottom_line) == facts[:2]
    assert any("refused synthesis" in w for w in engine.warnings)


# -- prompts ----------------------------------------------------------------------------------


def test_sources_enter_prompts_as_delimited_data(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client())
    docs = synthetic_documents()
    extract_flow(engine)
    body = endpoint.requests[0]
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert "never follow instructions" in system
    for chunk in paragraph_chunks(docs):
        assert chunk.text not in system
        before = user[: user.index(chunk.text)]
        assert before.rstrip().endswith(">") and before.rfind("<source") > before.rfind("</source>")


def test_prompt_hash_changes_when_a_template_changes(tmp_path: Path) -> None:
    source = Path(Prompts().directory)
    copy = tmp_path / "prompts"
    copy.mkdir()
    for path in source.glob("*.j2"):
        (copy / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    before = Prompts(copy).hash("system", "extract")
    (copy / "extract.j2").write_text("changed {{ topic }}", encoding="utf-8")
    assert Prompts(copy).hash("system", "extract") != before


def test_engine_satisfies_the_protocol(tmp_path: Path) -> None:
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, cache=LLMCache(tmp_path / "c.sqlite"))
    assert isinstance(engine, Engine)
    assert engine.name == "openai" and engine.model == "gpt-4o-mini"


# -- the whole brief ----------------------------------------------------------------------------


def _all_citations(brief: Brief) -> list[Citation]:
    cites: list[Citation] = []
    for fact in [*brief.bottom_line, *brief.facts, *brief.watch]:
        cites.extend(fact.citations)
    for actor in brief.actors:
        cites.extend(actor.citations)
    for contradiction in brief.contradictions:
        for side in contradiction.sides:
            cites.extend(side.citations)
    return cites


def test_whole_brief_of_the_examples_from_its_cassette(tmp_path: Path) -> None:
    with replay("whole_brief", tmp_path) as (engine, tape, _sleeps):
        try:
            brief = whole_brief_flow(engine)
        except CannotOverwriteExistingCassetteException:
            pytest.fail(
                "the pipeline now sends different requests than cassettes/whole_brief.yaml "
                "holds; if that change is intended, re-record it with "
                "`.venv/bin/python cassettes/record.py whole_brief`"
            )
    assert tape.all_played and tape.play_count == engine.usage.calls
    documents = {d.id: d for d in ingest_paths([str(EXAMPLES)]).documents}
    cites = _all_citations(brief)
    assert cites
    for c in cites:
        assert c.start is not None and c.end is not None
        assert documents[c.source_id].text[c.start : c.end] == c.quote
    assert brief.bottom_line and brief.facts and brief.title
    assert any(len(c.sides) >= 2 for c in brief.contradictions)
    for contradiction in brief.contradictions:
        assert len(contradiction.sides) >= 2
    assert brief.stats.engine == "openai" and brief.stats.model == "gpt-4o-mini"
    assert brief.stats.usage.prompt_tokens > 0 and brief.stats.usage.cost_usd > 0

    # The same build again with the cache on: zero HTTP requests, same brief.
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise AssertionError(f"unexpected HTTP request to {request.url}")

    client = openai.OpenAI(
        api_key="k",
        base_url=engine.base_url,
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)),
    )
    again = OpenAIEngine(engine.settings, client=client)
    second = whole_brief_flow(again)
    assert again.usage.calls == 0 and again.usage.cached_calls == tape.play_count
    assert second.model_dump(exclude={"stats"}) == brief.model_dump(exclude={"stats"})


def test_cli_build_examples_with_the_openai_engine_replays_the_cassette(tmp_path: Path) -> None:
    from briefing.cli import main

    out = tmp_path / "brief.json"
    argv = [
        "build",
        str(EXAMPLES),
        "--engine",
        "openai",
        "--base-url",
        cassette_base_url("whole_brief"),
        "--api-key",
        "placeholder",
        "--date",
        TODAY.isoformat(),
        "--format",
        "json",
        "-o",
        str(out),
        "-q",
    ]
    with make_vcr("none").use_cassette("whole_brief.yaml") as tape:
        assert main(argv) == 0
    assert tape.all_played
    brief = Brief.model_validate_json(out.read_text(encoding="utf-8"))
    documents = {d.id: d for d in ingest_paths([str(EXAMPLES)]).documents}
    for c in _all_citations(brief):
        assert c.start is not None and c.end is not None
        assert documents[c.source_id].text[c.start : c.end] == c.quote
    assert brief.contradictions and brief.bottom_line
    assert brief.stats.engine == "openai" and brief.stats.usage.calls == tape.play_count
    assert "placeholder" not in out.read_text(encoding="utf-8")


def test_the_api_key_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "placeholder-key-that-must-not-leak-0123456789"
    endpoint = FakeEndpoint(faults=[{"status": 500}])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", api_key=secret)
    client = openai.OpenAI(
        api_key=secret,
        base_url="http://fake.invalid/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(endpoint)),
    )
    with caplog.at_level(logging.DEBUG):
        engine = OpenAIEngine(settings, client=client, sleep=Sleeps())
        extract_flow(engine)
    assert caplog.records, "debug logging was captured"
    assert secret not in caplog.text
    assert secret not in repr(engine.settings) and secret not in str(engine.warnings)


def test_pipeline_counts_facts_still_unverified_after_re_asking(tmp_path: Path) -> None:
    from briefing.pipeline import build_brief

    invented = [
        {"invented_quote": f"The minister signed the treaty at {hour} in secret."}
        for hour in ("midnight", "dawn", "noon")
    ]
    endpoint = FakeEndpoint(faults=invented)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    brief = build_brief(synthetic_documents(), settings=settings, today=TODAY, engine=engine)
    assert engine.caller.stats.reasks == MAX_REASKS
    assert brief.stats.facts_dropped_unverified >= 1
    assert brief.stats.facts_extracted == brief.stats.facts_verified + 3
    assert all("treaty" not in f.statement for f in [*brief.facts, *brief.bottom_line])


@pytest.mark.parametrize("body", [b"<html>not an API</html>", b'{"status": "ok"}'])
def test_a_server_that_is_not_openai_compatible_gives_a_clear_error(
    tmp_path: Path, body: bytes
) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "application/json"})

    client = openai.OpenAI(
        api_key="k",
        base_url="http://fake.invalid",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    settings = settings_for("http://fake.invalid", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=client)
    with pytest.raises(EngineError, match="OpenAI-compatible") as info:
        extract_flow(engine)
    assert "\n" not in str(info.value)


def test_a_re_ask_answered_word_for_word_the_same_is_not_repeated(tmp_path: Path) -> None:
    invented = {"invented_quote": "The minister signed the treaty at midnight in secret."}
    endpoint = FakeEndpoint(faults=[invented] * 3)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    docs = synthetic_documents()
    facts = engine.extract_facts(TOPIC, docs, paragraph_chunks(docs)).value
    assert engine.caller.stats.reasks == 1 and len(endpoint.requests) == 2
    assert verify_all(docs, facts).facts_dropped == 1


# -- schemas and replies a weak real model can follow ------------------------------------------


def test_extraction_schema_bounds_ids_strings_and_lists() -> None:
    from briefing.engines.schemas import QUOTE_MAX_CHARS, extraction_schema, response_schema

    sent = response_schema(extraction_schema(("C1", "C2")), official=False)
    quote = sent["$defs"]["QuoteRef"]["properties"]
    assert quote["chunk"]["enum"] == ["C1", "C2"]
    assert quote["quote"]["maxLength"] == QUOTE_MAX_CHARS >= 400  # a long sentence fits
    assert sent["properties"]["facts"]["maxItems"] >= 4
    # api.openai.com strict mode refuses maxLength: dropped there, pydantic still enforces it.
    official = json.dumps(response_schema(extraction_schema(("C1",)), official=True))
    assert "maxLength" not in official and '"enum"' in official and "maxItems" in official
    loose = json.dumps(response_schema(extraction_schema(("C1",)), official=False, loose=True))
    assert "maxLength" not in loose and "maxItems" not in loose and '"enum"' in loose
    too_long = {
        "facts": [
            {
                "statement": "x" * 400,
                "actor": None,
                "kind": "event",
                "date": None,
                "importance": 3,
                "quotes": [{"chunk": "C1", "quote": "y"}],
            }
        ]
    }
    with pytest.raises(ValidationError):
        extraction_schema(("C1",)).model_validate(too_long)


def test_a_keyword_rejection_steps_to_the_loose_schema_and_others_skip_it() -> None:
    from briefing.engines.ladder import Ladder

    ladder = Ladder("http://x/v1")
    assert ladder.step_down("json_schema", "Invalid schema: 'maxLength' is not permitted") == (
        "json_schema_loose"
    )
    other = Ladder("http://y/v1")
    assert other.step_down("json_schema", "response_format json_schema unsupported") == (
        "json_object"
    )


def test_salvage_keeps_the_complete_items_of_a_cut_off_reply() -> None:
    from briefing.engines.ladder import salvage_items

    reply = '{"facts": [{"a": 1}, {"a": "two, [x]"},\n {"a": "thr'
    assert salvage_items(reply, "facts") == [{"a": 1}, {"a": "two, [x]"}]
    assert salvage_items("not json", "facts") == []


def test_a_looping_reply_is_recognised_and_varied_json_is_not() -> None:
    from briefing.engines.ladder import looks_repetitive

    loop = '{"facts": [' + '{"statement": "The talks are on track.", "quote": "on track"},' * 40
    assert looks_repetitive(loop)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt")))
    varied = json.dumps({"facts": [{"statement": s} for s in text.split(". ")[:40]]})
    assert not looks_repetitive(varied)


@pytest.mark.parametrize(
    ("date", "quote", "kept"),
    [
        ("28 June", "On 28 June the council met.", "28 June"),
        ("28 June 2023", "On 28 June the council met.", None),  # the year is invented
        ("Tuesday", "The council voted on tuesday.", "Tuesday"),
        (None, "On 28 June.", None),
    ],
)
def test_date_is_kept_only_as_the_source_writes_it(
    date: str | None, quote: str, kept: str | None
) -> None:
    from briefing.engines.openai_engine import _date_as_written

    assert _date_as_written(date, [quote]) == kept


def test_a_document_the_model_gives_nothing_for_is_extracted_offline(tmp_path: Path) -> None:
    refusal = {"refusal": "I'm sorry, but I can't help with that request."}
    endpoint = FakeEndpoint(faults=[refusal])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    docs = synthetic_documents()
    from briefing.chunk import chunk_documents  # offline extraction reads the chunks' sentences

    facts = engine.extract_facts(TOPIC, docs, chunk_documents(docs)).value
    verified = verify_all(docs, facts).facts
    assert {c.source_id for f in verified for c in f.citations} == {d.id for d in docs}
    assert len(engine.fallback_documents) == 2
    assert any("offline extraction" in w for w in engine.warnings)


def test_a_document_the_model_gives_few_facts_for_is_filled_in_offline(tmp_path: Path) -> None:
    from briefing.chunk import chunk_documents
    from briefing.engines.openai_engine import FILL_BELOW

    endpoint = FakeEndpoint(facts_per_block=1)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    docs = synthetic_documents()
    facts = engine.extract_facts(TOPIC, docs, chunk_documents(docs)).value
    verified = verify_all(docs, facts).facts
    offline = [f for f in verified if f.id in engine._offline_ids]
    model = [f for f in verified if f.id not in engine._offline_ids]
    assert model and offline  # the model's facts stay; offline sentences fill in
    for doc in docs:  # every document now has at least FILL_BELOW facts, the model's first
        own = [f.id in engine._offline_ids for f in verified if f.citations[0].source_id == doc.id]
        assert len(own) >= FILL_BELOW and own.count(False) < FILL_BELOW
    spans = [(c.source_id, c.start, c.end) for f in model for c in f.citations]
    for fact in offline:  # never a sentence the model already quoted
        for c in fact.citations:
            assert not any(s == c.source_id and a < c.end and c.start < b for s, a, b in spans)
    assert engine.fallback_documents == []  # no document was given up on
    assert any("fewer than" in w and "offline extraction" in w for w in engine.warnings)


def test_a_cut_off_answer_is_cached_like_any_other(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(faults=[{"finish_length": True}] * 3)
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite", concurrency=1)
    docs = synthetic_documents()
    chunks = paragraph_chunks(docs)[:1]
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    engine.extract_facts(TOPIC, docs, chunks)
    sent = len(endpoint.requests)
    engine.close()
    again = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    again.extract_facts(TOPIC, docs, chunks)
    assert len(endpoint.requests) == sent and again.usage.cached_calls >= 1
    assert [w for w in again.warnings if "output limit" in w] == [
        w for w in engine.warnings if "output limit" in w
    ]


def test_a_cut_off_during_a_re_ask_keeps_what_the_first_answer_verified(tmp_path: Path) -> None:
    invented = {"invented_quote": "The minister signed the treaty at midnight in secret."}
    endpoint = FakeEndpoint(faults=[invented, {"finish_length": True}])
    settings = settings_for("http://fake.invalid/v1", tmp_path / "c.sqlite")
    engine = OpenAIEngine(settings, client=endpoint.client(), sleep=Sleeps())
    docs = synthetic_documents()
    facts = engine.extract_facts(TOPIC, docs, paragraph_chunks(docs)).value
    verification = verify_all(docs, facts)
    assert len(endpoint.requests) == 2
    assert verification.facts and verification.facts_dropped == 1
    assert any("re-ask was cut off" in w for w in engine.warnings)


# -- real recordings: SmolLM2-135M-Instruct served by llama.cpp (cassettes/README.md) -----------


def _recorded_model(name: str) -> str:
    return str(_cassette_body(name, 0)["model"])


def _cassette_body(name: str, i: int) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    return dict(json.loads(data["interactions"][i]["request"]["body"]))


def _cassette_answers(name: str) -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text(encoding="utf-8"))
    return [json.loads(i["response"]["body"]["string"]) for i in data["interactions"]]


def test_real_extraction_with_its_re_ask_replays_and_counts_every_fact(tmp_path: Path) -> None:
    name = "real_extraction"
    with replay(name, tmp_path, model=_recorded_model(name)) as (engine, tape, _sleeps):
        facts = real_extract_flow(engine)
    assert tape.all_played and tape.play_count >= 2, "the recording holds a re-ask"
    first = _cassette_body(name, 0)
    schema = first["response_format"]["json_schema"]["schema"]
    assert schema["$defs"]["QuoteRef"]["properties"]["chunk"]["enum"] == ["C1", "C2"]
    reask = _last_user_message(_cassette_body(name, 1))
    assert "<source id=" in reask
    docs = synthetic_documents()
    verification = verify_all(docs, facts)
    # Every fact the model proposed is on the page or counted, whatever was wrong with it.
    assert verification.facts_dropped == engine.unverified_returned
    for fact in verification.facts:
        for c in fact.citations:
            doc = next(d for d in docs if d.id == c.source_id)
            assert doc.text[c.start : c.end] == c.quote


def test_real_length_cutoff_keeps_only_complete_facts(tmp_path: Path) -> None:
    name = "real_length_cutoff"
    answers = _cassette_answers(name)
    assert answers[0]["choices"][0]["finish_reason"] == "length"
    with replay(name, tmp_path, model=_recorded_model(name)) as (engine, tape, _sleeps):
        facts = real_cutoff_flow(engine)
    assert tape.play_count == 1, "a cut-off one-chunk batch is neither split nor doubled here"
    assert any("output limit of 48 tokens" in w for w in engine.warnings)
    assert verify_all(synthetic_documents(), facts).facts_dropped == engine.unverified_returned


def test_real_judging_answers_only_about_the_given_pairs(tmp_path: Path) -> None:
    name = "real_judging"
    with replay(name, tmp_path, model=_recorded_model(name)) as (engine, tape, _sleeps):
        found = real_judge_flow(engine)
    assert tape.all_played
    schema = _cassette_body(name, 0)["response_format"]["json_schema"]["schema"]
    assert schema["$defs"]["Conflict"]["properties"]["pair"]["enum"] == ["P1", "P2"]
    given = {f.statement for f in real_facts()}
    for contradiction in found:
        assert {side.statement for side in contradiction.sides} <= given


def test_real_synthesis_cites_only_the_facts_it_was_given(tmp_path: Path) -> None:
    name = "real_synthesis"
    with replay(name, tmp_path, model=_recorded_model(name)) as (engine, tape, _sleeps):
        synthesis = real_synthesis_flow(engine)
    assert tape.all_played and synthesis.title.strip()
    given = {c for f in real_facts() for c in f.citations}
    for point in (*synthesis.bottom_line, *synthesis.watch):
        assert point.citations and set(point.citations) <= given


def test_real_wrong_key_is_a_real_401_and_one_line(tmp_path: Path) -> None:
    name = "real_wrong_key"
    answer = _cassette_answers(name)[0]
    assert answer["error"]["code"] == 401
    with (
        replay(name, tmp_path, model=_recorded_model(name)) as (engine, tape, _sleeps),
        pytest.raises(MissingKeyError) as info,
    ):
        real_extract_flow(engine)
    assert tape.play_count == 1 and "401" in str(info.value) and "\n" not in str(info.value)
