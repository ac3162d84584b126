"""Transport faults: which to retry, how long to wait, and what to tell the user.

One layer owns transport retries: this one (tenacity). The OpenAI client is built with
``max_retries=0`` so the SDK's own retries never multiply with these. Rate limits (honouring
Retry-After / retry-after-ms), 408/409, 5xx, timeouts and connection errors are retried with
exponential back-off and jitter, at most ``MAX_ATTEMPTS`` times and ``MAX_RETRY_SECONDS`` in
all; 400/401/403/404/422 and ``insufficient_quota`` are not.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

from briefing.errors import EngineError, MissingKeyError
from briefing.sanitize import safe_message

MAX_ATTEMPTS = 5
MAX_RETRY_SECONDS = 180.0
MAX_RETRY_AFTER = 60.0


def retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def error_code(exc: openai.APIStatusError) -> str | None:
    if exc.code:
        return exc.code
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("code"):
            return str(inner["code"])
    return None


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: rate limits (not exhausted quota), server errors, timeouts, connections."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429:
            return error_code(exc) != "insufficient_quota"
        return exc.status_code in (408, 409) or exc.status_code >= 500
    return False


def backoff(state: RetryCallState) -> float:
    """The server's Retry-After (capped), else exponential back-off with jitter."""
    exc = state.outcome.exception() if state.outcome is not None else None
    after = retry_after(exc) if exc is not None else None
    if after is not None:
        return min(after, MAX_RETRY_AFTER)
    return float(wait_exponential_jitter(initial=1.0, max=20.0, jitter=1.0)(state))


def retrying(
    sleep: Callable[[float], None], before_sleep: Callable[[RetryCallState], None]
) -> Retrying:
    """The one retry layer for transport faults (the SDK's own retries are off)."""
    return Retrying(
        retry=retry_if_exception(is_transient),
        stop=stop_after_attempt(MAX_ATTEMPTS) | stop_after_delay(MAX_RETRY_SECONDS),
        wait=backoff,
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )


def status_error(exc: openai.APIStatusError, base_url: str, model: str) -> EngineError:
    """A one-line error the user can act on for an HTTP error that will not be retried."""
    status = exc.status_code
    if status == 401:
        return MissingKeyError(
            f"{base_url} rejected the API key (401): set a valid OPENAI_API_KEY or pass --api-key"
        )
    if status == 429 and error_code(exc) == "insufficient_quota":
        return EngineError(f"{base_url}: the API key has no quota left (429); check billing")
    if status == 403:
        return EngineError(f"{base_url}: access denied (403) for model {model}")
    if status == 404:
        return EngineError(
            f"{base_url}: model {model!r} not found (404); check --model and --base-url"
        )
    if is_transient(exc):
        return EngineError(
            f"{base_url}: still failing after {MAX_ATTEMPTS} attempts (HTTP {status}); try later"
        )
    # An endpoint may echo the request, key included, in its error body: never repeat it.
    return EngineError(
        f"{base_url}: request rejected (HTTP {status}): {safe_message(exc.message)[:300]}"
    )
