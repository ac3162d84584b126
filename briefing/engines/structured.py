"""One structured LLM call, done properly: cache, budget, transport retries, ladder, re-ask.

``StructuredCaller.ask`` renders a Jinja prompt, looks the call up in the cache, and otherwise
sends it through the OpenAI SDK, validating the answer with pydantic:

- Transport faults (429, 5xx, timeouts, connection errors) are retried by the one retry layer
  in ``briefing.engines.transport`` (the SDK's own retries are off, so they never multiply);
  HTTP errors that are not retried become one-line errors the user can act on.
- An answer that fails validation, or fails the caller's own check (e.g. a quote not found in
  the source), is re-asked at most ``MAX_REASKS`` times with a compact list of the errors.
- A refusal, a length cut-off and a content-filter stop raise ``Refused``, ``LengthCutOff`` and
  ``ContentFiltered``: the engine decides what to do with them; none is retried blindly. A
  cut-off answer is cached like any other (a re-run raises the same ``LengthCutOff`` with the
  same text, with no request), and a cut-off during a re-ask keeps the earlier attempts: the
  ``Answer`` is returned with ``cut_off`` set.
- Before every request its worst-case cost is reserved against ``--max-cost``
  (``briefing.engines.cost``); ``BudgetExhausted`` is raised instead of sending a request
  that could exceed it. With ``--llm-budget`` no request starts after the deadline, a request
  still running is cut at it, and re-asks stop (``TimeUp``; earlier attempts are kept).
- With ``stream`` set (``--stream``) the answer is read as it is written, and a model that
  repeats itself (``briefing.engines.ladder.is_looping``) is stopped there instead of at its
  output limit: ``LengthCutOff`` with what it wrote, as if the limit had been reached.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import httpx2
import openai
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState

from briefing.engines.cache import LLMCache, cache_key
from briefing.engines.cost import Budget, Deadline, Meter, TimeUp, estimate_tokens
from briefing.engines.ladder import (
    SCHEMA_MODES,
    Ladder,
    Mode,
    extract_json_text,
    is_format_rejection,
    is_looping,
)
from briefing.engines.prompts import Prompts
from briefing.engines.schemas import compact_schema, response_schema, schema_fingerprint
from briefing.engines.transport import MAX_ATTEMPTS, retrying, status_error
from briefing.errors import EngineError

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

MAX_REASKS = 2
_MAX_ERRORS_SHOWN = 10
_MAX_ECHO_CHARS = 4000
LOOP_CHECK_CHARS = 120  # a streamed answer is checked for a loop every this many characters


class Refused(Exception):
    """The model refused to answer (``refusal`` set)."""


class LengthCutOff(Exception):
    """The answer hit the output token limit; ``content`` is what was written until then."""

    def __init__(self, label: str, content: str = "") -> None:
        super().__init__(label)
        self.content = content


class ContentFiltered(Exception):
    """The provider's content filter stopped the answer."""


class Unusable(Exception):
    """No attempt produced valid JSON for the schema."""

    def __init__(self, label: str, errors: Sequence[str], last_output: str) -> None:
        super().__init__(f"{label}: no valid answer after {MAX_REASKS + 1} attempts")
        self.errors = list(errors)
        self.last_output = last_output


@dataclass(frozen=True)
class Request:
    """One logical call: a prompt template, its variables, the schema of the answer."""

    template: str
    variables: dict[str, Any]
    schema: type[BaseModel]
    max_tokens: int
    label: str
    followups: tuple[str, ...] = ()  # templates a follow-up may use (part of the cache key)


@dataclass
class Answer(Generic[T]):
    """The parsed answers in order (the last is final), and the errors left in the final one."""

    attempts: list[T]
    errors: list[str]
    cached: bool
    cut_off: bool = False  # a re-ask hit the output limit; attempts holds the earlier ones


def _format_validation(exc: ValidationError) -> list[str]:
    errors: list[str] = []
    for err in exc.errors()[:_MAX_ERRORS_SHOWN]:
        if err["type"] == "json_invalid":
            errors.append(f"the reply is not valid JSON ({err['msg']})")
            continue
        where = ".".join(str(p) for p in err["loc"]) or "answer"
        errors.append(f"{where}: {err['msg']}")
    return errors


def _messages_tokens(messages: Sequence[dict[str, str]]) -> int:
    return sum(estimate_tokens(m["content"]) + 4 for m in messages)


@dataclass(frozen=True)
class _Reply:
    """What one request gave back, whether read whole or streamed."""

    content: str
    finish_reason: str | None
    refusal: str | None
    prompt_tokens: int  # 0: not reported (estimated by the caller)
    completion_tokens: int


@dataclass
class CallStats:
    """Counters beyond token usage, for tests, logs and the benchmark."""

    requests: int = 0
    retries: int = 0
    reasks: int = 0
    loops_stopped: int = 0  # streamed answers stopped because the model repeated itself
    fallbacks: list[str] = field(default_factory=list)


class StructuredCaller:
    """Sends structured requests for one engine; shared by its worker threads."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        base_url: str,
        model: str,
        timeout_s: float,
        cache: LLMCache | None,
        ladder: Ladder,
        budget: Budget,
        meter: Meter,
        prompts: Prompts | None = None,
        sleep: Callable[[float], None] = time.sleep,
        deadline: Deadline | None = None,
        stream: bool = False,
    ) -> None:
        self.client = client
        self.deadline = deadline or Deadline(None)
        self.stream = stream
        self.base_url = base_url
        self.model = model
        self.timeout_s = timeout_s
        self.cache = cache
        self.ladder = ladder
        self.budget = budget
        self.meter = meter
        self.prompts = prompts or Prompts()
        self.stats = CallStats()
        self._sleep = sleep
        self._lock = threading.Lock()
        self._official = "api.openai.com" in base_url
        reasoning = model.startswith(("o1", "o3", "o4", "gpt-5"))
        self._params: dict[str, Any] = {} if reasoning else {"temperature": 0}

    # -- public -------------------------------------------------------------------------------

    def ask(
        self,
        request: Request,
        check: Callable[[Any], list[str]],
        followup: Callable[[Any, list[str]], str] | None = None,
    ) -> Answer[Any]:
        """Ask, validate, re-ask on errors; the attempts that parsed and the final errors.

        A re-ask never sends the whole input again. An answer that is not valid JSON for the
        schema is sent back alone to be repaired (``repair.j2``). An answer that fails
        ``check`` is followed up with ``followup(parsed, errors)`` when given (the extraction
        step sends only the failing facts and the source blocks they cite), otherwise with
        the errors after the conversation so far (``reask.j2``; judging and synthesis, whose
        inputs are short statements, not sources).
        """
        key = cache_key(
            base_url=self.base_url,
            model=self.model,
            prompt_hash=self.prompts.hash(
                "system", request.template, "reask", "repair", *request.followups
            ),
            schema=schema_fingerprint(request.schema),
            payload={"vars": request.variables, "max_tokens": request.max_tokens},
        )
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                answer = self._from_cache(request, hit, check)
                if answer is not None:
                    with self._lock:
                        self.meter.cached_calls += 1
                    return answer

        system = {"role": "system", "content": self.prompts.render("system")}
        first = {
            "role": "user",
            "content": self.prompts.render(request.template, **request.variables),
        }
        messages = [system, first]
        self.deadline.check()  # TimeUp: not sent
        if not self.deadline.affords(_messages_tokens(messages), request.max_tokens):
            self.deadline.hit = True
            logger.info("%s: would not end within the time budget; not sent", request.label)
            raise TimeUp
        contents: list[str] = []
        attempts: list[Any] = []
        errors: list[str] = []
        cutoff: str | None = None
        previous: list[str] = []
        shortened = False  # re-asks stopped by the time budget: not cached
        for attempt in range(MAX_REASKS + 1):
            try:
                content, parsed, errors = self._complete(messages, request)
            except TimeUp:
                if not attempts:
                    raise
                logger.info("%s: time budget spent during a re-ask", request.label)
                return Answer(attempts=attempts, errors=errors, cached=False)
            except LengthCutOff as exc:
                cutoff = exc.content
                if self.cache is not None:
                    self.cache.put(key, self.model, {"contents": contents, "cutoff": cutoff})
                if not attempts:
                    raise
                logger.info("%s: a re-ask was cut off; keeping the earlier answers", request.label)
                return Answer(attempts=attempts, errors=errors, cached=False, cut_off=True)
            contents.append(content)
            if parsed is not None:
                attempts.append(parsed)
                errors = check(parsed)
            if not errors:
                break
            if attempt and errors == previous:
                logger.info("%s: the re-ask changed nothing; not asking again", request.label)
                break
            previous = errors
            if attempt == MAX_REASKS:
                logger.info("%s: %d problem(s) left after re-asking", request.label, len(errors))
                break
            if self.deadline.remaining() == 0.0:
                logger.info("%s: time budget spent; not re-asking", request.label)
                shortened = True
                break
            shown = errors[:_MAX_ERRORS_SHOWN]
            if parsed is None:
                repair = self.prompts.render(
                    "repair", errors=shown, output=content[:_MAX_ECHO_CHARS]
                )
                messages = [system, {"role": "user", "content": repair}]
            elif followup is not None:
                messages = [system, {"role": "user", "content": followup(parsed, shown)}]
            else:
                messages = [
                    system,
                    first,
                    {"role": "assistant", "content": content[:_MAX_ECHO_CHARS]},
                    {"role": "user", "content": self.prompts.render("reask", errors=shown)},
                ]
            if not self.deadline.affords(_messages_tokens(messages), request.max_tokens):
                logger.info("%s: a re-ask would not end within the time budget", request.label)
                shortened = True
                break
            with self._lock:
                self.stats.reasks += 1
            logger.info("%s: re-asking about %d problem(s)", request.label, len(errors))
        if not attempts:
            raise Unusable(request.label, errors, contents[-1] if contents else "")
        if self.cache is not None and not shortened:
            self.cache.put(key, self.model, {"contents": contents})
        return Answer(attempts=attempts, errors=errors, cached=False)

    # -- internals ----------------------------------------------------------------------------

    def _from_cache(
        self, request: Request, hit: dict[str, Any], check: Callable[[Any], list[str]]
    ) -> Answer[Any] | None:
        contents = hit.get("contents")
        cutoff = hit.get("cutoff")
        if not isinstance(contents, list):
            return None
        attempts: list[Any] = []
        errors: list[str] = []
        for content in contents:
            try:
                parsed = request.schema.model_validate_json(extract_json_text(str(content)))
            except ValidationError as exc:
                errors = _format_validation(exc)
                continue
            attempts.append(parsed)
            errors = check(parsed)
        if isinstance(cutoff, str):
            if not attempts:
                with self._lock:
                    self.meter.cached_calls += 1
                raise LengthCutOff(request.label, cutoff)
            return Answer(attempts=attempts, errors=errors, cached=True, cut_off=True)
        if not attempts:
            return None
        return Answer(attempts=attempts, errors=errors, cached=True)

    def _complete(
        self, messages: list[dict[str, str]], request: Request
    ) -> tuple[str, BaseModel | None, list[str]]:
        """One answer (content, parsed or None, validation errors), stepping down the ladder."""
        while True:
            mode = self.ladder.mode
            try:
                result = self._request(mode, messages, request)
            except openai.APIStatusError as exc:
                if mode != "plain" and is_format_rejection(exc.status_code, str(exc.message)):
                    nxt = self.ladder.step_down(mode, str(exc.message))
                    with self._lock:
                        self.stats.fallbacks.append(f"{mode}->{nxt}")
                    if nxt is not None:
                        continue
                raise status_error(exc, self.base_url, self.model) from exc
            self.ladder.settle(mode)
            return result

    def _request(
        self, mode: Mode, messages: list[dict[str, str]], request: Request
    ) -> tuple[str, BaseModel | None, list[str]]:
        if mode in ("json_object", "plain"):
            hint = self.prompts.render(
                "schema_hint",
                schema=json.dumps(compact_schema(request.schema), separators=(",", ":")),
            )
            messages = [
                {"role": "system", "content": messages[0]["content"] + "\n\n" + hint},
                *messages[1:],
            ]
        prompt_estimate = _messages_tokens(messages)
        if mode in SCHEMA_MODES:
            prompt_estimate += estimate_tokens(json.dumps(compact_schema(request.schema)))
        reservation = self.budget.reserve(prompt_estimate, request.max_tokens)
        actual = 0.0
        try:
            params = self._params_for(mode, messages, request)
            began = self.deadline.now()
            reply = self._streamed(params, request) if self.stream else self._whole(params)
            prompt_tokens = reply.prompt_tokens or prompt_estimate
            completion_tokens = reply.completion_tokens or estimate_tokens(reply.content)
            self.deadline.record(self.deadline.now() - began, prompt_tokens, completion_tokens)
            actual = self.budget.cost(prompt_tokens, completion_tokens)
            with self._lock:
                self.meter.prompt_tokens += prompt_tokens
                self.meter.completion_tokens += completion_tokens
                self.meter.cost_usd += actual
        finally:
            self.budget.settle(reservation, actual)
        return self._interpret(mode, reply, request)

    def _interpret(
        self, mode: Mode, reply: _Reply, request: Request
    ) -> tuple[str, BaseModel | None, list[str]]:
        content = reply.content
        if reply.finish_reason == "length":
            raise LengthCutOff(request.label, content)
        if reply.finish_reason == "content_filter":
            raise ContentFiltered(request.label)
        if reply.refusal:
            raise Refused(reply.refusal)
        if not content.strip():
            return content, None, ["the reply is empty"]
        text = content if mode in SCHEMA_MODES else extract_json_text(content)
        try:
            return content, request.schema.model_validate_json(text), []
        except ValidationError as exc:
            return content, None, _format_validation(exc)

    def _params_for(
        self, mode: Mode, messages: list[dict[str, str]], request: Request
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": cast(Any, messages),
            **self._params,
        }
        # api.openai.com wants max_completion_tokens; many compatible servers know max_tokens only.
        params["max_completion_tokens" if self._official else "max_tokens"] = request.max_tokens
        if mode in SCHEMA_MODES:
            schema = response_schema(
                request.schema, official=self._official, loose=mode == "json_schema_loose"
            )
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": request.schema.__name__, "strict": True, "schema": schema},
            }
        elif mode == "json_object":
            params["response_format"] = {"type": "json_object"}
        return params

    def _timeout(self) -> float:
        """The request timeout: --timeout, or less when the time budget ends sooner."""
        remaining = self.deadline.remaining()
        return self.timeout_s if remaining is None else max(0.01, min(self.timeout_s, remaining))

    def _transport(self, send: Callable[[], Any]) -> Any:
        """``send`` through the one retry layer; transport failures as one-line errors."""

        def once() -> Any:
            with self._lock:
                self.stats.requests += 1
                self.meter.calls += 1
            try:
                return send()
            except openai.APITimeoutError:
                if self.deadline.remaining() == 0.0:
                    self.deadline.hit = True
                    raise TimeUp from None
                raise

        try:
            return retrying(self._sleep, self._log_retry)(once)
        except openai.APIStatusError:
            raise
        except openai.APITimeoutError as exc:
            raise EngineError(
                f"{self.base_url}: no answer within {self.timeout_s:g} s after {MAX_ATTEMPTS} "
                "attempts; raise --timeout or try later"
            ) from exc
        except openai.APIConnectionError as exc:
            raise EngineError(
                f"{self.base_url}: cannot connect after {MAX_ATTEMPTS} attempts ({exc.message}); "
                "check --base-url and the network"
            ) from exc

    def _whole(self, params: dict[str, Any]) -> _Reply:
        completions = self.client.chat.completions.with_raw_response
        raw = self._transport(lambda: completions.create(timeout=self._timeout(), **params))
        try:
            body = raw.http_response.json()
        except ValueError as exc:
            raise EngineError(
                f"{self.base_url}: the answer is not JSON; is --base-url an "
                "OpenAI-compatible endpoint (usually ending in /v1)?"
            ) from exc
        if not isinstance(body, dict) or not body.get("choices"):
            raise EngineError(
                f"{self.base_url}: the answer has no choices; is --base-url an "
                "OpenAI-compatible endpoint (usually ending in /v1)?"
            )
        usage = body.get("usage") or {}
        choice = (body.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        return _Reply(
            content=message.get("content") or "",
            finish_reason=choice.get("finish_reason"),
            refusal=str(message["refusal"]) if message.get("refusal") else None,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )

    def _streamed(self, params: dict[str, Any], request: Request) -> _Reply:
        """The answer read as it is written, stopped as soon as it loops.

        A loop is reported as a length cut-off (``finish_reason: "length"``) with the text
        written so far, so the engine keeps its complete items and warns, as at the limit;
        usage is then estimated (the server's usage comes only at the end of a stream).
        """
        stream = self._transport(
            lambda: self.client.chat.completions.create(
                stream=True,
                stream_options={"include_usage": True},
                timeout=self._timeout(),
                **params,
            )
        )
        parts: list[str] = []
        refusal: list[str] = []
        finish: str | None = None
        size = checked = 0
        prompt_tokens = completion_tokens = 0
        try:
            for chunk in stream:
                if chunk.usage is not None:
                    prompt_tokens = chunk.usage.prompt_tokens
                    completion_tokens = chunk.usage.completion_tokens
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        size += len(choice.delta.content)
                    if getattr(choice.delta, "refusal", None):
                        refusal.append(str(choice.delta.refusal))
                    finish = choice.finish_reason or finish
                if size - checked >= LOOP_CHECK_CHARS and finish is None:
                    checked = size
                    if is_looping("".join(parts)):
                        logger.info("%s: the model repeats itself; stopped", request.label)
                        with self._lock:
                            self.stats.loops_stopped += 1
                        finish = "length"
                        break
        except (httpx2.TimeoutException, openai.APITimeoutError) as exc:
            # the SDK reports a read that timed out mid-stream as its own timeout error
            if self.deadline.remaining() == 0.0:
                self.deadline.hit = True
                raise TimeUp from exc
            raise EngineError(
                f"{self.base_url}: the answer stalled for {self.timeout_s:g} s; "
                "raise --timeout or try later"
            ) from exc
        except (httpx2.TransportError, openai.APIConnectionError) as exc:
            raise EngineError(
                f"{self.base_url}: the connection was lost while the answer was being read; "
                "check the server and try again"
            ) from exc
        finally:
            stream.close()
        return _Reply(
            content="".join(parts),
            finish_reason=finish,
            refusal="".join(refusal) or None,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    def _log_retry(self, state: RetryCallState) -> None:
        with self._lock:
            self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome is not None else None
        logger.warning("%s: %s; retry %d", self.base_url, type(exc).__name__, state.attempt_number)
