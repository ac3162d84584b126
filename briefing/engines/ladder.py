"""The structured-output ladder (json_schema, json_schema_loose, json_object, plain) and replies.

OpenAI accepts strict ``json_schema`` response formats; many OpenAI-compatible servers (older
vLLM, llama.cpp server, LM Studio, Ollama) accept only ``json_object`` or no response format
at all, and some take a JSON schema but refuse a keyword in it (``maxLength``, ``pattern``,
``maxItems``...). The first request to an endpoint is the probe: if the server rejects a
keyword of the schema, the engine steps down to ``json_schema_loose`` (the same schema without
its bounding keywords, which pydantic still enforces); if it rejects the response format, it
steps down to ``json_object``, then to no response format. The rung that worked is
remembered per base URL, in memory and in the cache database, so the probe happens once per
endpoint. Every answer is re-validated with pydantic whatever the rung.

The reply helpers: the JSON inside a chatty reply (plain rung), the complete items of a reply
cut off at the output limit, and whether a reply ends in a loop.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import zlib
from typing import Any, Literal, Protocol

logger = logging.getLogger(__name__)

Mode = Literal["json_schema", "json_schema_loose", "json_object", "plain"]
MODES: tuple[Mode, ...] = ("json_schema", "json_schema_loose", "json_object", "plain")
SCHEMA_MODES: tuple[Mode, ...] = ("json_schema", "json_schema_loose")

# Words in a 400/422 error body that mean "this server does not take that response_format".
_FORMAT_REJECTION = re.compile(
    r"response_format|json_schema|json_object|structured output|guided|grammar|schema",
    re.IGNORECASE,
)
# ... and words that mean "this keyword of the schema", not the schema as a whole.
_KEYWORD_REJECTION = re.compile(
    r"maxLength|minLength|maxItems|minItems|pattern|minimum|maximum", re.IGNORECASE
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

    def step_down(self, failed: Mode, message: str = "") -> Mode | None:
        """The server rejected ``failed``: the next rung down, or None if none is left.

        From ``json_schema``, a rejection that names a bounding keyword goes to the loose
        schema; any other goes straight to ``json_object`` (the loose schema would fail too).
        """
        with self._lock:
            index = MODES.index(failed)
            if index + 1 >= len(MODES):
                return None
            nxt = MODES[index + 1]
            if failed == "json_schema" and not _KEYWORD_REJECTION.search(message):
                nxt = "json_object"
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


def salvage_items(reply: str, key: str) -> list[Any]:
    """The complete items of the list ``key`` in a reply cut off mid-way (a length stop).

    ``{"facts": [{...}, {...}, {"statement": "The minis`` gives the first two objects: what
    the model finished before the output limit is kept, the item it was writing is not.
    """
    match = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', reply)
    if match is None:
        return []
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos = match.end()
    while True:
        while pos < len(reply) and reply[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(reply) or reply[pos] == "]":
            return items
        try:
            item, pos = decoder.raw_decode(reply, pos)
        except json.JSONDecodeError:
            return items
        items.append(item)


_LOOP_WINDOW = 2000
_LOOP_MIN_CHARS = 400
_LOOP_RATIO = 0.12


_REPEAT_WINDOW = 200
_REPEAT_TIMES = 4


def repeats_itself(reply: str) -> bool:
    """Whether the reply's last 200 characters occur 4 times in it (overlaps count).

    A model stuck on a line, a JSON item or a phrase writes the same 200 characters again
    and again: a loop of period p is caught after about 3p + 200 characters, which a
    streamed answer can stop at, long before its output limit. Sound output does not
    repeat 200 characters four times: field names between values are shorter than that.
    """
    if len(reply) < _REPEAT_WINDOW + _REPEAT_WINDOW // 2:
        return False
    tail = reply[-_REPEAT_WINDOW:]
    found, pos = 0, -1
    while found < _REPEAT_TIMES:
        pos = reply.find(tail, pos + 1)
        if pos < 0:
            return False
        found += 1
    return True


def is_looping(reply: str) -> bool:
    """A loop by either test: the tail repeats itself, or the tail compresses to nothing."""
    return repeats_itself(reply) or looks_repetitive(reply)


def looks_repetitive(reply: str) -> bool:
    """Whether a reply ends in a loop: its last 2,000 characters compress to almost nothing.

    Prose and JSON with varied content compress to a third or more of their size; a model
    that repeats a line, an item or a phrase until the output limit compresses to a few per
    cent. Splitting or doubling the budget of such a batch would only buy a longer loop.
    """
    tail = reply[-_LOOP_WINDOW:].encode("utf-8")
    if len(tail) < _LOOP_MIN_CHARS:
        return False
    return len(zlib.compress(tail, 9)) / len(tail) < _LOOP_RATIO
