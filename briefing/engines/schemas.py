"""The LLM-facing schemas of the OpenAI engine, and the JSON schemas sent for them.

These are what the model is asked to return. Every field carries a ``Field(description=...)``:
the descriptions are sent with the JSON schema and are part of the prompt, so they are short
and say exactly what goes in the field. The engine turns these into ``briefing.models`` types
(facts, contradictions, synthesis) and verifies every quote; nothing here is trusted as is.

Strict structured outputs require every property to be present, so optional values are
``X | None`` without a default rather than omitted.

Bounds: every string has a ``maxLength`` and every list a ``maxItems``, so a weak model that
loops cannot write past them when the server enforces the schema by grammar (llama.cpp does),
and pydantic enforces them when the server does not (a list is cut to its limit, an
over-long string rejects the answer). Ids are bounded
per request: ``extraction_schema``, ``judgement_schema`` and ``synthesis_schema`` put the ids
of that request's blocks, pairs or facts in an ``enum``. pydantic keeps ids as plain strings
so that the engine can look a quote with a wrong block id up in every block of the batch and
re-ask with the valid ids, instead of rejecting the whole answer.

``response_schema`` gives the JSON schema as sent for a ladder rung: OpenAI's strict mode does
not accept ``maxLength``/``minLength`` (they are dropped for api.openai.com and enforced by
pydantic alone), and the ``json_schema_loose`` rung drops every bounding keyword for a server
that refuses one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

# Long enough for a long sentence of a news article; short enough to stop a loop early.
QUOTE_MAX_CHARS = 600
STATEMENT_MAX_CHARS = 320
ACTOR_MAX_CHARS = 80
DATE_MAX_CHARS = 40
ID_MAX_CHARS = 8
TITLE_MAX_CHARS = 320  # the schema asks for 12 words; this only bounds a loop
QUOTES_PER_FACT = 2
FACTS_PER_BLOCK = 3
MAX_FACTS = 48
CITED_IDS = 4

# Keywords OpenAI's strict structured outputs do not accept (enforced by pydantic instead).
OPENAI_STRICT_UNSUPPORTED = frozenset({"maxLength", "minLength"})
# Keywords dropped on the loose rung, for servers that refuse a bounding keyword.
BOUNDING_KEYWORDS = frozenset(
    {"maxLength", "minLength", "maxItems", "minItems", "pattern", "minimum", "maximum"}
)


def _drop_titles(schema: dict[str, Any]) -> None:
    """Titles repeat the field names: leave them out of what is sent (tokens, not meaning)."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_titles)

    @model_validator(mode="before")
    @classmethod
    def _cap_lists(cls, data: Any) -> Any:
        """A list longer than its ``maxItems`` keeps its first items, as a grammar would.

        A server that does not enforce the schema may return 38 facts for a limit of 16: the
        answer is cut to the limit rather than rejected (a repair round trip would send all 38
        back). Over-long strings are still rejected: cutting a statement changes its meaning.
        """
        if not isinstance(data, dict):
            return data
        for name, info in cls.model_fields.items():
            value = data.get(name)
            limits = [m.max_length for m in info.metadata if getattr(m, "max_length", None)]
            if isinstance(value, list) and limits and len(value) > limits[0]:
                data = {**data, name: value[: limits[0]]}
        return data


_CHUNK = "Id of the source block the quote comes from, e.g. C2."
_QUOTES = "1-2 verbatim quotes that support the statement."
_FACTS = "Facts found in the sources; [] if none."


class QuoteRef(_Schema):
    chunk: str = Field(description=_CHUNK, max_length=ID_MAX_CHARS)
    quote: str = Field(
        description="Exact words copied from that block: a clause or sentence.",
        max_length=QUOTE_MAX_CHARS,
    )


class ExtractedFact(_Schema):
    statement: str = Field(
        description="One self-contained statement, in your own words.",
        max_length=STATEMENT_MAX_CHARS,
    )
    actor: str | None = Field(
        description="Who said or did it; null if unattributed.", max_length=ACTOR_MAX_CHARS
    )
    kind: Literal["claim", "event", "signal", "context"] = Field(
        description="claim=someone asserts; event=happened; signal=next step or warning; context"
    )
    date: str | None = Field(
        description="A date in the quote, copied exactly as the source writes it (do not add a "
        "year or month it does not give); else null.",
        max_length=DATE_MAX_CHARS,
    )
    importance: int = Field(ge=1, le=5, description="1 (minor) to 5 (central to the topic).")
    quotes: list[QuoteRef] = Field(description=_QUOTES, min_length=1, max_length=QUOTES_PER_FACT)


class Extraction(_Schema):
    facts: list[ExtractedFact] = Field(description=_FACTS, max_length=MAX_FACTS)


class Conflict(_Schema):
    pair: str = Field(
        description="Id of a candidate pair whose statements disagree, e.g. P3.",
        max_length=ID_MAX_CHARS,
    )
    kind: Literal["claim_conflict", "reported_dispute", "temporal"] = Field(
        description="claim_conflict=incompatible claims; reported_dispute=a source reports a "
        "denial or dispute; temporal=disagree on when"
    )
    summary: str = Field(
        description="One neutral sentence naming what is disputed.",
        max_length=STATEMENT_MAX_CHARS,
    )


class Judgement(_Schema):
    conflicts: list[Conflict] = Field(
        description="Only the pairs that really disagree; [] if none do.", max_length=MAX_FACTS
    )


_POINT_FACTS = 'Ids of the facts that support it, e.g. ["F1"].'
_ACTOR_FACTS = "Ids of the facts that show it."


class Point(_Schema):
    text: str = Field(
        description="One sentence, supported by the cited facts.", max_length=STATEMENT_MAX_CHARS
    )
    facts: list[str] = Field(description=_POINT_FACTS, min_length=1, max_length=CITED_IDS)


class ActorOut(_Schema):
    name: str = Field(description="Actor as named in the facts.", max_length=ACTOR_MAX_CHARS)
    position: str = Field(
        description="Their stated position, in one sentence.", max_length=STATEMENT_MAX_CHARS
    )
    facts: list[str] = Field(description=_ACTOR_FACTS, min_length=1, max_length=CITED_IDS)


class SynthesisOut(_Schema):
    title: str = Field(
        description="Headline of the brief, at most 12 words.", max_length=TITLE_MAX_CHARS
    )
    bottom_line: list[Point] = Field(
        description="2-3 sentences: what matters most now.", max_length=3
    )
    watch: list[Point] = Field(description="0-3 things to watch next.", max_length=3)
    actors: list[ActorOut] = Field(description="0-5 main actors and their positions.", max_length=5)


# -- per-request schemas: the ids of this request in an enum ----------------------------------


def _ids(description: str, ids: Sequence[str]) -> Any:
    return Field(
        description=description, max_length=ID_MAX_CHARS, json_schema_extra={"enum": list(ids)}
    )


def _id_list(description: str, ids: Sequence[str]) -> Any:
    return Field(
        description=description,
        min_length=1,
        max_length=CITED_IDS,
        json_schema_extra={"items": {"type": "string", "enum": list(ids)}},
    )


def max_facts_for(blocks: int) -> int:
    """How many facts one extraction answer may hold: a few per block, at most MAX_FACTS."""
    return max(4, min(MAX_FACTS, FACTS_PER_BLOCK * blocks))


@functools.lru_cache(maxsize=256)
def extraction_schema(block_ids: tuple[str, ...]) -> type[Extraction]:
    """``Extraction`` whose block ids must be one of ``block_ids`` and whose facts are bounded."""
    quote = create_model("QuoteRef", __base__=QuoteRef, chunk=(str, _ids(_CHUNK, block_ids)))
    fact = create_model(
        "ExtractedFact",
        __base__=ExtractedFact,
        quotes=(
            list[quote],
            Field(description=_QUOTES, min_length=1, max_length=QUOTES_PER_FACT),
        ),
    )
    model = create_model(
        "Extraction",
        __base__=Extraction,
        facts=(
            list[fact],
            Field(description=_FACTS, max_length=max_facts_for(len(block_ids))),
        ),
    )
    return cast(type[Extraction], model)


@functools.lru_cache(maxsize=256)
def judgement_schema(pair_ids: tuple[str, ...]) -> type[Judgement]:
    conflict = create_model(
        "Conflict",
        __base__=Conflict,
        pair=(str, _ids("Id of a candidate pair whose statements disagree.", pair_ids)),
    )
    model = create_model(
        "Judgement",
        __base__=Judgement,
        conflicts=(
            list[conflict],
            Field(
                description="Only the pairs that really disagree; [] if none do.",
                max_length=max(1, len(pair_ids)),
            ),
        ),
    )
    return cast(type[Judgement], model)


@functools.lru_cache(maxsize=64)
def synthesis_schema(fact_ids: tuple[str, ...]) -> type[SynthesisOut]:
    point = create_model(
        "Point", __base__=Point, facts=(list[str], _id_list(_POINT_FACTS, fact_ids))
    )
    actor = create_model(
        "ActorOut", __base__=ActorOut, facts=(list[str], _id_list(_ACTOR_FACTS, fact_ids))
    )
    model = create_model(
        "SynthesisOut",
        __base__=SynthesisOut,
        bottom_line=(
            list[point],
            Field(description="2-3 sentences: what matters most now.", max_length=3),
        ),
        watch=(
            list[point],
            Field(description="0-3 things to watch next.", max_length=3),
        ),
        actors=(
            list[actor],
            Field(description="0-5 main actors and their positions.", max_length=5),
        ),
    )
    return cast(type[SynthesisOut], model)


# -- what is sent --------------------------------------------------------------------------


def _strip_schema(schema: dict[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    """Drop ``title`` and the ``drop`` keywords, never a property that happens to share a name."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "$defs"):
                out[key] = {name: walk(sub) for name, sub in value.items()}
            elif key != "title" and key not in drop:
                out[key] = walk(value)
        return out

    result: dict[str, Any] = walk(schema)
    return result


def compact_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without ``title`` keys: what is shown in prompts."""
    return _strip_schema(schema.model_json_schema(), frozenset())


def response_schema(
    schema: type[BaseModel], *, official: bool, loose: bool = False
) -> dict[str, Any]:
    """The JSON schema sent as ``response_format.json_schema.schema`` for one rung."""
    drop = BOUNDING_KEYWORDS if loose else (OPENAI_STRICT_UNSUPPORTED if official else frozenset())
    return _strip_schema(schema.model_json_schema(), frozenset(drop))


def schema_fingerprint(schema: type[BaseModel]) -> str:
    """A stable text form of the schema, part of every cache key."""
    return json.dumps(schema.model_json_schema(), sort_keys=True, separators=(",", ":"))
