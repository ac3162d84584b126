"""What LLM calls cost: token estimates, published prices, and the --max-cost budget.

Token counts come from the server's ``usage`` when it reports them; before a request, and for
servers that do not report usage, they are estimated at four characters per token (no
tokenizer download). Prices are estimates as published by OpenAI; unknown models (local
servers) cost nothing here, and ``--max-cost`` cannot limit them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from briefing.models import Usage

# Estimated prices in USD per million tokens (input, output), as published by OpenAI.
# Longest matching prefix wins. Unknown models (local servers) are priced at zero.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}


def price_for(model: str) -> tuple[float, float] | None:
    matches = [prefix for prefix in PRICES if model.startswith(prefix)]
    return PRICES[max(matches, key=len)] if matches else None


def estimate_tokens(text: str) -> int:
    """About four characters per token: no tokenizer download needed."""
    return (len(text) + 3) // 4


class BudgetExhausted(Exception):
    """The next request could exceed ``--max-cost``; it was not sent."""


class TimeUp(BudgetExhausted):
    """The ``--llm-budget`` (wall-clock seconds for one brief's LLM calls) is spent."""


class Deadline:
    """The wall-clock budget of an engine's LLM calls (``--llm-budget``), from its first call.

    A slow local model can take minutes per call; with a budget, no request is started after
    it, a request still running is cut at it, and re-asks stop; what the engine did not get
    is left to the offline fallback. ``seconds=None``: no limit.
    """

    def __init__(self, seconds: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._started: float | None = None
        self.hit = False
        self._seconds_spent = 0.0  # in requests that completed, for the pace
        self._tokens_done = 0
        self._completions: list[int] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock()

    def start(self) -> None:
        if self._started is None:
            self._started = self._clock()

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None without a budget."""
        if self.seconds is None:
            return None
        if self._started is None:
            self._started = self._clock()
        return max(0.0, self.seconds - (self._clock() - self._started))

    def record(self, seconds: float, prompt_tokens: int, completion_tokens: int) -> None:
        """A request took ``seconds`` for these tokens: the pace of the next ones."""
        with self._lock:
            self._seconds_spent += seconds
            self._tokens_done += prompt_tokens + completion_tokens
            self._completions.append(completion_tokens)

    def affords(self, prompt_tokens: int, max_tokens: int) -> bool:
        """Whether a request of this size is likely to end within the budget.

        Its time is predicted at the pace of the requests so far (seconds per prompt and
        completion token), its answer as long as their average answer (at most
        ``max_tokens``). Before any request has ended, only a spent budget says no.
        """
        remaining = self.remaining()
        if remaining is None:
            return True
        with self._lock:
            if not self._tokens_done:
                return remaining > 0
            pace = self._seconds_spent / self._tokens_done
            answer = min(max_tokens, sum(self._completions) // len(self._completions))
        return pace * (prompt_tokens + answer) <= remaining

    def check(self) -> None:
        """Raise TimeUp once the budget is spent."""
        if self.remaining() == 0.0:
            self.hit = True
            raise TimeUp


class Budget:
    """Reserves the worst-case cost of each request against a limit, then settles the real cost."""

    def __init__(self, limit_usd: float | None, prices: tuple[float, float] | None) -> None:
        self.limit = limit_usd
        self.prices = prices
        self.spent = 0.0
        self.reserved = 0.0
        self.exhausted = False
        self._lock = threading.Lock()

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        if self.prices is None:
            return 0.0
        return (prompt_tokens * self.prices[0] + completion_tokens * self.prices[1]) / 1e6

    def reserve(self, prompt_tokens: int, max_tokens: int) -> float:
        worst = self.cost(prompt_tokens, max_tokens)
        with self._lock:
            if self.limit is not None and (
                self.exhausted or self.spent + self.reserved + worst > self.limit
            ):
                self.exhausted = True
                raise BudgetExhausted
            self.reserved += worst
        return worst

    def settle(self, reservation: float, actual: float) -> None:
        with self._lock:
            self.reserved -= reservation
            self.spent += actual


class Meter:
    """The running totals of what an engine's calls spent; guarded by the caller's lock.

    ``snapshot`` freezes them into a ``Usage``: what crosses the engine interface.
    """

    def __init__(self) -> None:
        self.calls = 0
        self.cached_calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost_usd = 0.0

    def snapshot(self) -> Usage:
        return Usage(**vars(self))
