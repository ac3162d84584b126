"""The engine interface: the structured-output step of the pipeline.

An engine turns retrieved chunks into candidate facts, judges candidate contradictions, and
writes the synthesis (title, bottom line, what to watch). Engines may return citations whose
offsets are missing or wrong: ``briefing.verify`` locates every quote in its source and drops
what it cannot find, the same way for every engine.

Each method returns an ``EngineResult``: its value with what the call spent (``Usage``) and
what it skipped or refused (warnings, one line each). Nothing is read back from the engine
afterwards; the pipeline adds up what the calls returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict

from briefing.models import Chunk, Contradiction, Document, Fact, Synthesis, Usage


class CandidatePair(BaseModel):
    """Two facts that may disagree, proposed by blocking (shared subject terms), never all pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    left: Fact
    right: Fact
    shared_terms: tuple[str, ...] = ()


T = TypeVar("T")


@dataclass(frozen=True)
class EngineResult(Generic[T]):
    """What one engine call gives: its value, what it spent, and what it skipped or refused."""

    value: T
    usage: Usage = field(default_factory=Usage)
    warnings: tuple[str, ...] = ()


@runtime_checkable
class Engine(Protocol):
    name: str
    model: str | None

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> EngineResult[list[Fact]]:
        """Candidate facts with citations (quotes verbatim from the chunks)."""
        ...

    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> EngineResult[list[Contradiction]]:
        """Which candidate pairs really disagree, with each side quoted."""
        ...

    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> EngineResult[Synthesis]:
        """Title, 2-3 cited bottom-line sentences, actors and what to watch, from verified facts."""
        ...
