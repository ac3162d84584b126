"""The engine interface: the structured-output step of the pipeline.

An engine turns retrieved chunks into candidate facts, judges candidate contradictions, and
writes the synthesis (title, bottom line, what to watch). Engines may return citations whose
offsets are missing or wrong: ``briefing.verify`` locates every quote in its source and drops
what it cannot find, the same way for every engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from briefing.models import Chunk, Contradiction, Document, Fact, Synthesis, Usage


class CandidatePair(BaseModel):
    """Two facts that may disagree, proposed by blocking (shared subject terms), never all pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    left: Fact
    right: Fact
    shared_terms: tuple[str, ...] = ()


@runtime_checkable
class Engine(Protocol):
    name: str
    model: str | None
    usage: Usage
    warnings: list[str]  # what the engine skipped or refused, one line each, for the brief

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> list[Fact]:
        """Candidate facts with citations (quotes verbatim from the chunks)."""
        ...

    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> list[Contradiction]:
        """Which candidate pairs really disagree, with each side quoted."""
        ...

    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> Synthesis:
        """Title, 2-3 cited bottom-line sentences, actors and what to watch, from verified facts."""
        ...
