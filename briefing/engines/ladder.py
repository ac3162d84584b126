"""The structured-output capability ladder: json_schema -> json_object -> plain JSON.

OpenAI accepts strict ``json_schema`` response formats; many OpenAI-compatible servers (older
vLLM, llama.cpp server, LM Studio, Ollama) accept only ``json_object`` or no response format
at all. The first request to an endpoint is the probe: if the server rejects the response
format, the engine steps down one rung and tries again. The rung that worked is remembered per
base URL, in memory and in the cache database, so the probe happens once per endpoint. Every
answer is re-validated with pydantic whatever the rung.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Literal, Protocol

logger = logging.getLogger(__name__)

Mode = Literal["json_schema", "json_object", "plain"]
MODES: tuple[Mode, ...] = ("json_schema", "json_object", "plain")

# Words in a 400/422 error body that mean "this server does not take that response_format".
_FORMAT_REJECTION = re.compile(
    r"response_format|json_schema|json_object|structured output|guided|grammar", re.IGNORECASE
)


class CapabilityStore(Protocol):
    def get_capability(self, base_url: str) -> str | None: ...

    def set_capability(self, base_url: str, mode: str) -> None: ...


def is_format_rejection(status: int, message: str) -> bool:
    """Whether an error response says the response_format (not the request) is unsupported."""
    return status in (400, 422, 501) and bool(_FORMAT_REJECTION.search(message))


class Ladder:
    """The current rung for one base URL; thread-safe; persisted through ``store`` if given."""

    def __init__(self, base_url: str, store: CapabilityStore | None = None) -> None:
        self.base_url = base_url
        self._store = store
        self._lock = threading.Lock()
        self._mode: Mode = "json_schema"
        self.settled = False
        remembered = store.get_capability(base_url) if store is not None else None
        if remembered in MODES:
            self._mode = remembered
            self.settled = True

    @property
    def mode(self) -> Mode:
        with self._lock:
            return self._mode

    def settle(self, mode: Mode) -> None:
        """A request in ``mode`` succeeded: remember it (once)."""
        with self._lock:
            if self.settled and self._mode == mode:
                return
            self._mode = mode
            self.settled = True
        if self._store is not None:
            self._store.set_capability(self.base_url, mode)

    def step_down(self, failed: Mode) -> Mode | None:
        """The server rejected ``failed``: the next rung down, or None if none is left."""
        with self._lock:
            index = MODES.index(failed)
            if index + 1 >= len(MODES):
                return None
            nxt = MODES[index + 1]
            # Another thread may already have stepped further down.
            if MODES.index(self._mode) < MODES.index(nxt):
                self._mode = nxt
            logger.info("%s rejected %s; falling back to %s", self.base_url, failed, self._mode)
            return self._mode


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json_text(reply: str) -> str:
    """The JSON object inside a free-text reply (plain rung): fenced block or outermost braces."""
    fenced = _FENCE.search(reply)
    if fenced:
        reply = fenced.group(1)
    start = reply.find("{")
    if start < 0:
        return reply.strip()
    depth = 0
    in_string = False
    escaped = False
    for i in range(start, len(reply)):
        ch = reply[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                candidate = reply[start : i + 1]
                try:
                    json.loads(candidate)
                except json.JSONDecodeError:
                    break
                return candidate
    return reply[start:].strip()
