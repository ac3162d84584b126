"""A scripted endpoint that speaks the OpenAI chat-completions wire format, on 127.0.0.1 only.

It is not a language model. It answers the engine's three prompts with deterministic, rule-based
JSON built from the request itself:

- extraction (``<source id=...>`` blocks): the most informative sentences of each block, quoted
  verbatim, with a naive actor / kind / date guess;
- judging (``P1 A: ... / P1 B: ...``): a conflict when exactly one side is negated or reports a
  denial and the two share content words;
- synthesis (``F1: ...``): the first facts as the bottom line, forward-looking ones as the
  watch list, attributed ones as actor positions.

Faults can be scripted per request (HTTP status + headers + body, a delay, a refusal, a length
cut-off, invalid JSON, an invented quote) and the server can reject ``json_schema`` response
formats or check the API key, so every failure path of the engine can be recorded. It is used by
``cassettes/record.py`` (when no OPENAI_API_KEY is set) and by ``bench/openai_bench.py``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SOURCE = re.compile(r'<source id="([^"]+)"[^>]*>\n?(.*?)\n?</source>', re.DOTALL)
_STATEMENT = re.compile(r"^(S\d+): (?:\[([^\]]+)\] )?(.*)$", re.MULTILINE)
_PAIR = re.compile(r"^(P\d+): (S\d+) vs (S\d+)$", re.MULTILINE)
_FACT = re.compile(r"^(F\d+): (?:\[([^\]]+)\] )?(.*)$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[A-Z\"\u201c])")
_REPORTING = re.compile(
    r"\b(said|says|told|stated|announced|insisted|insists|denied|denies|confirmed|confirms|"
    r"rejected|rejects|claimed|claims|warned|warns|accused|argued|added)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|would|expects?|expected|plans?|next|upcoming|deadline)\b", re.I)
_NEGATION = re.compile(
    r"\b(not|no|never|denied|denies|deny|rejected|rejects|refused|refuses|"
    r"cancel(?:l?ed)?|did not|didn't|isn't|won't)\b",
    re.IGNORECASE,
)
_DISPUTE = re.compile(r"\b(denied|denies|deny|disputed|disputes|rejected|rejects)\b", re.I)
_ACTOR = re.compile(r"((?:[A-Z][\w'\u2019.-]+ ){0,3}[A-Z][\w'\u2019.-]+) (?:said|says|told)")
_DATE = re.compile(
    r"\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)|(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December) \d{1,2}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "were",
        "will",
        "would",
        "said",
        "says",
        "their",
        "there",
        "they",
        "which",
        "about",
        "after",
        "into",
        "than",
        "them",
        "been",
        "also",
        "some",
        "more",
        "most",
        "other",
        "over",
        "such",
        "what",
        "when",
        "while",
        "where",
        "those",
        "these",
        "being",
        "does",
        "could",
        "should",
    ]
)


def estimate_tokens(text: str) -> int:
    return (len(text) + 3) // 4


@dataclass
class Fault:
    """What the server does to one request instead of (or before) answering normally."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay_s: float = 0.0
    refusal: str | None = None
    finish_length: bool = False
    content_filter: bool = False
    invalid_json: bool = False
    invented_quote: str | None = None


@dataclass
class Script:
    """Server behaviour. ``faults`` are consumed one per request, in arrival order."""

    faults: list[Fault] = field(default_factory=list)
    latency_s: float = 0.0
    reject_json_schema: bool = False
    reject_json_object: bool = False
    required_key: str | None = None
    facts_per_block: int = 3
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP}


def _sentences(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        start = 0
        for m in [*_SENTENCE_END.finditer(line), None]:
            end = m.start() if m is not None else len(line)
            if m is not None and m.group(0)[:1] in "\"'\u201d\u2019":
                end += 1
            sentence = line[start:end].strip()
            start = m.end() if m is not None else len(line)
            if 40 <= len(sentence) <= 320:
                out.append(sentence)
    return out


def _salience(sentence: str) -> int:
    caps = len(re.findall(r"\b[A-Z][a-z]+", sentence))
    digits = len(re.findall(r"\d+", sentence))
    return caps + 2 * digits + 3 * bool(_REPORTING.search(sentence)) + bool(_DATE.search(sentence))


def answer_extraction(prompt: str, per_block: int, invented: str | None) -> dict[str, Any]:
    facts: list[dict[str, Any]] = []
    for block_id, text in _SOURCE.findall(prompt):
        ranked = sorted(_sentences(text), key=lambda s: -_salience(s))[:per_block]
        for sentence in ranked:
            actor = _ACTOR.search(sentence)
            kind = (
                "claim"
                if _REPORTING.search(sentence)
                else "signal"
                if _FUTURE.search(sentence)
                else "event"
            )
            date = _DATE.search(sentence)
            facts.append(
                {
                    "statement": sentence,
                    "actor": actor.group(1) if actor else None,
                    "kind": kind,
                    "date": date.group(1) if date else None,
                    "importance": max(1, min(5, 1 + _salience(sentence) // 3)),
                    "quotes": [{"chunk": block_id, "quote": sentence}],
                }
            )
    if invented is not None:
        first = _SOURCE.search(prompt)
        facts.insert(
            0,
            {
                "statement": invented,
                "actor": None,
                "kind": "event",
                "date": None,
                "importance": 5,
                "quotes": [{"chunk": first.group(1) if first else "C1", "quote": invented}],
            },
        )
    return {"facts": facts}


def answer_judge(prompt: str) -> dict[str, Any]:
    statements = {sid: text for sid, _actor, text in _STATEMENT.findall(prompt)}
    conflicts = []
    for pair_id, left, right in _PAIR.findall(prompt):
        a, b = statements.get(left, ""), statements.get(right, "")
        shared = sorted(_words(a) & _words(b))
        if bool(_NEGATION.search(a)) == bool(_NEGATION.search(b)) or len(shared) < 3:
            continue
        dispute = bool(_DISPUTE.search(a) or _DISPUTE.search(b))
        conflicts.append(
            {
                "pair": pair_id,
                "kind": "reported_dispute" if dispute else "claim_conflict",
                "summary": f"The sources give conflicting accounts of {', '.join(shared[:3])}.",
            }
        )
    return {"conflicts": conflicts}


def answer_synthesis(prompt: str) -> dict[str, Any]:
    facts = _FACT.findall(prompt)
    topic = re.search(r"^Topic: (.*)$", prompt, re.MULTILINE)
    title = (topic.group(1).strip() if topic else "The situation").rstrip(".")
    words = title.split()
    title = " ".join(words[:10]).capitalize() + ": where things stand"
    bottom = [{"text": s, "facts": [fid]} for fid, _a, s in facts[:3]]
    watch = [{"text": s, "facts": [fid]} for fid, _a, s in facts if _FUTURE.search(s)][:3]
    by_actor: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for fid, actor, statement in facts:
        if actor:
            by_actor[actor].append((fid, statement))
    counts = Counter({actor: len(items) for actor, items in by_actor.items()})
    actors = [
        {"name": actor, "position": by_actor[actor][0][1], "facts": [by_actor[actor][0][0]]}
        for actor, _ in counts.most_common(5)
    ]
    return {"title": title, "bottom_line": bottom, "watch": watch, "actors": actors}


def answer_repair(prompt: str) -> dict[str, Any]:
    """Keep the complete items of a broken JSON reply: cut after the last whole item, close."""
    match = re.search(r"<reply>\n?(.*?)\n?</reply>", prompt, re.DOTALL)
    broken = match.group(1) if match else ""
    for end in sorted((m.end() for m in re.finditer(r"\}", broken)), reverse=True):
        for closer in ("", "]}", "}", "]}]}"):
            try:
                value = json.loads(broken[:end] + closer)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                return value
    return {}


def _within_max_items(payload: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """Top-level lists cut to the schema's ``maxItems``, as a grammar-enforcing server does."""
    schema = ((request.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
    for key, prop in (schema.get("properties") or {}).items():
        limit = prop.get("maxItems") if isinstance(prop, dict) else None
        if isinstance(limit, int) and isinstance(payload.get(key), list):
            payload[key] = payload[key][:limit]
    return payload


def _answer(request: dict[str, Any], fault: Fault, script: Script) -> dict[str, Any]:
    messages = request.get("messages", [])
    user = [m["content"] for m in messages if m.get("role") == "user"][-1]
    if "<reply>" in user:
        payload = answer_repair(user)
    elif "<source id=" in user:
        payload = answer_extraction(user, script.facts_per_block, fault.invented_quote)
    elif _PAIR.search(user):
        payload = answer_judge(user)
    else:
        payload = answer_synthesis(user)
    payload = _within_max_items(payload, request)
    content: str | None = json.dumps(payload, ensure_ascii=False)
    finish = "stop"
    if fault.invalid_json:
        assert content is not None
        content = content[: len(content) // 2]
    if fault.content_filter:
        content = None
        finish = "content_filter"
    if fault.finish_length:
        assert content is not None
        content = content[: max(10, len(content) // 3)]
        finish = "length"
    mode = (request.get("response_format") or {}).get("type")
    if mode is None and content is not None and not fault.invalid_json:
        content = f"Here is the JSON you asked for:\n```json\n{content}\n```"
    refusal = fault.refusal
    if refusal is not None:
        content = None
    prompt_text = json.dumps(messages, ensure_ascii=False) + json.dumps(
        request.get("response_format") or {}, ensure_ascii=False
    )
    prompt_tokens = estimate_tokens(prompt_text)
    completion_tokens = estimate_tokens(content or refusal or "")
    return {
        "id": f"chatcmpl-scripted-{len(script.requests)}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.get("model", "scripted"),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "system_fingerprint": "scripted",
    }


def _error(message: str, kind: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        script = self.server.script
        with script.lock:
            script.requests.append(request)
            fault = script.faults.pop(0) if script.faults else Fault()
        if script.latency_s:
            time.sleep(script.latency_s)
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if not self.path.endswith("/chat/completions"):
            self._send(404, _error(f"Unknown path {self.path}", "invalid_request_error", None))
            return
        if script.required_key is not None:
            auth = self.headers.get("authorization", "")
            if auth != f"Bearer {script.required_key}":
                body = _error(
                    "Incorrect API key provided. You can find your API key in your account "
                    "settings.",
                    "invalid_request_error",
                    "invalid_api_key",
                )
                self._send(401, body)
                return
        mode = (request.get("response_format") or {}).get("type")
        if (script.reject_json_schema and mode == "json_schema") or (
            script.reject_json_object and mode == "json_object"
        ):
            body = _error(
                f"response_format of type {mode} is not supported by this server",
                "invalid_request_error",
                None,
                "response_format",
            )
            self._send(400, body)
            return
        if fault.status != 200:
            body = fault.body or _error("Scripted failure", "server_error", None)
            self._send(fault.status, body, fault.headers)
            return
        self._send(200, _answer(request, fault, script), fault.headers)

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a scripted timeout)


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, script: Script | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script or Script()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
