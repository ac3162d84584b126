"""The LLM-facing schemas of the OpenAI engine.

These are what the model is asked to return. Every field carries a ``Field(description=...)``:
the descriptions are sent with the JSON schema and are part of the prompt, so they are short
and say exactly what goes in the field. The engine turns these into ``briefing.models`` types
(facts, contradictions, synthesis) and verifies every quote; nothing here is trusted as is.

Strict structured outputs require every property to be present, so optional values are
``X | None`` without a default rather than omitted.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


def _drop_titles(schema: dict[str, Any]) -> None:
    """Titles repeat the field names: leave them out of what is sent (tokens, not meaning)."""
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_drop_titles)


class QuoteRef(_Schema):
    chunk: str = Field(description="Id of the source block the quote comes from, e.g. C2.")
    quote: str = Field(description="Exact words copied from that block: a clause or sentence.")


class ExtractedFact(_Schema):
    statement: str = Field(description="One self-contained statement, in your own words.")
    actor: str | None = Field(description="Who said or did it; null if unattributed.")
    kind: Literal["claim", "event", "signal", "context"] = Field(
        description="claim=someone asserts; event=happened; signal=next step or warning; context"
    )
    date: str | None = Field(description="Date the statement mentions, as written; else null.")
    importance: int = Field(ge=1, le=5, description="1 (minor) to 5 (central to the topic).")
    quotes: list[QuoteRef] = Field(description="1-2 verbatim quotes that support the statement.")


class Extraction(_Schema):
    facts: list[ExtractedFact] = Field(description="Facts found in the sources; [] if none.")


class Conflict(_Schema):
    pair: str = Field(description="Id of a candidate pair whose statements disagree, e.g. P3.")
    kind: Literal["claim_conflict", "reported_dispute", "temporal"] = Field(
        description="claim_conflict=incompatible claims; reported_dispute=a source reports a "
        "denial or dispute; temporal=disagree on when"
    )
    summary: str = Field(description="One neutral sentence naming what is disputed.")


class Judgement(_Schema):
    conflicts: list[Conflict] = Field(
        description="Only the pairs that really disagree; [] if none do."
    )


class Point(_Schema):
    text: str = Field(description="One sentence, supported by the cited facts.")
    facts: list[str] = Field(description='Ids of the facts that support it, e.g. ["F1"].')


class ActorOut(_Schema):
    name: str = Field(description="Actor as named in the facts.")
    position: str = Field(description="Their stated position, in one sentence.")
    facts: list[str] = Field(description="Ids of the facts that show it.")


class SynthesisOut(_Schema):
    title: str = Field(description="Headline of the brief, at most 12 words.")
    bottom_line: list[Point] = Field(description="2-3 sentences: what matters most now.")
    watch: list[Point] = Field(description="0-3 things to watch next.")
    actors: list[ActorOut] = Field(description="0-5 main actors and their positions.")


def compact_schema(schema: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without ``title`` keys: what is shown in prompts."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "title"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    result: dict[str, Any] = strip(schema.model_json_schema())
    return result


def schema_fingerprint(schema: type[BaseModel]) -> str:
    """A stable text form of the schema, part of every cache key."""
    return json.dumps(schema.model_json_schema(), sort_keys=True, separators=(",", ":"))
