"""Typed data passed between the pipeline stages.

Every offset in these models is a character offset into ``Document.text``: the source's
decoded text with universal newlines. ``document.text[c.start:c.end] == c.quote`` holds for
every verified citation, so anyone can check a brief against its sources.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefing.sanitize import shown


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Frozen):
    """A half-open character range ``[start, end)`` into a document's text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Document(_Frozen):
    """One source document, decoded, with the metadata it states about itself."""

    id: str = Field(description="Stable id: a hash of the decoded text.")
    path: str = Field(description="Where the document came from: a file path, URL or '-'.")
    text: str = Field(description="Decoded text with universal newlines.")
    title: str | None = None
    outlet: str | None = Field(default=None, description="Outlet or source line, if stated.")
    url: str | None = None
    date: dt.date | None = Field(
        default=None, description="Date the document states; None = undated."
    )
    furniture: tuple[Span, ...] = Field(
        default=(), description="Page furniture (share prompts, teasers) excluded from extraction."
    )
    pages: tuple[int, ...] = Field(
        default=(),
        description="Start offset of each page in text (paged sources: PDF); empty = unpaged.",
    )

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for an unpaged document."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset))

    def running_text(self, limit: int | None = None) -> str:
        """The text without its furniture (its first ``limit`` characters, when given): what
        the document says, not its running header (repeated on every page) nor its "Source:"
        and "Date:" lines, which would otherwise outvote its subject and make unrelated
        documents of one folder look alike."""
        end = len(self.text) if limit is None else limit
        if not self.furniture:
            return self.text[:end]
        parts, pos, kept = [], 0, 0
        for span in sorted(self.furniture, key=lambda f: f.start):
            if kept >= end:
                break
            part = self.text[pos : max(pos, span.start)]
            parts.append(part)
            kept += len(part)
            pos = max(pos, span.end)
        if kept < end:
            parts.append(self.text[pos : pos + end - kept])
        return "".join(parts)[:end]


class Sentence(_Frozen):
    start: int
    end: int
    text: str


class Chunk(_Frozen):
    """A run of whole sentences from one document; ``doc.text[start:end] == text``."""

    id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Sentence, ...] = ()


class Citation(_Frozen):
    """A verbatim quote from a source. Offsets are filled in (or repaired) by verification."""

    source_id: str = Field(description="Id of the source document the quote is taken from.")
    quote: str = Field(description="Exact words copied from the source.")
    start: int | None = Field(default=None, description="Start offset of the quote in the source.")
    end: int | None = Field(default=None, description="End offset of the quote in the source.")
    page: int | None = Field(
        default=None, description="Page the quote starts on (paged sources such as PDF), from 1."
    )


class Fact(_Frozen):
    """A statement backed by one or more citations."""

    id: str = ""
    statement: str
    actor: str | None = Field(default=None, description="Who said or did it, if attributed.")
    kind: Literal["claim", "event", "signal", "context"] = "event"
    date: str | None = Field(default=None, description="A date the statement mentions, as written.")
    citations: tuple[Citation, ...] = ()
    score: float = Field(default=0.0, description="Salience; higher is kept first.")


ContradictionKind = Literal["claim_conflict", "reported_dispute", "temporal"]


class ContradictionSide(_Frozen):
    actor: str | None = None
    statement: str
    citations: tuple[Citation, ...] = ()


class Contradiction(_Frozen):
    id: str = ""
    kind: ContradictionKind
    summary: str
    sides: tuple[ContradictionSide, ...]
    score: float = 0.0


class ActorPosition(_Frozen):
    name: str
    position: str
    citations: tuple[Citation, ...] = ()


class SourceRef(_Frozen):
    id: str
    number: int
    title: str | None
    path: str
    outlet: str | None = None
    url: str | None = None
    date: dt.date | None = None


class Story(_Frozen):
    """One event or development, covered by one or more of the documents."""

    id: str = Field(description="Story id within one brief: s1, s2, ... by rank.")
    rank: int = Field(ge=0, description="1 = the story the brief leads with.")
    headline: str = Field(description="A source's own headline for the story.")
    source_ids: tuple[str, ...] = Field(description="Documents covering it, lead source first.")
    outlets: int = Field(default=1, description="Independent outlets (reprints count once).")
    latest: dt.date | None = Field(default=None, description="Latest stated source date.")
    terms: tuple[str, ...] = Field(default=(), description="Its most distinctive (stemmed) terms.")


class Reprint(_Frozen):
    """A copy of a cited story (a wire story reprinted elsewhere), counted once."""

    source_id: str = Field(description="Id of the cited source this is a copy of.")
    path: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    briefed: dt.date | None = Field(
        default=None,
        description="Daily briefs: set when the source it copies was briefed on this earlier "
        "day (it is no source of today's brief): the copy carries that story again today.",
    )
    story: str | None = Field(
        default=None,
        description="With briefed: the headline of the earlier brief's story it carries again.",
    )


class StoryChange(_Frozen):
    """Where a story stands against the previous daily brief."""

    headline: str
    status: Literal["new", "developing", "updated", "reprinted", "quiet"] = Field(
        description="new: not in the previous brief; developing: new facts on a story it had; "
        "updated: a source it had came back with new sentences; reprinted: in the previous "
        "brief, and today only another outlet's copy of its source (no new facts: the copies "
        "are the reprints whose story is this headline); quiet: in the previous brief, nothing "
        "on it today."
    )
    story_id: str | None = Field(default=None, description="Today's story; None when quiet.")
    new_facts: int = Field(default=0, description="Facts on it the previous brief did not have.")


class Changes(_Frozen):
    """What changed since the previous daily brief, matched by content, never by id."""

    previous_day: dt.date | None = Field(
        default=None, description="The earlier brief compared with; None on the first day."
    )
    new_facts: tuple[Fact, ...] = Field(default=(), description="Developments not reported then.")
    repeated_facts: int = Field(default=0, description="Facts the previous brief already had.")
    shown_new_facts: int = Field(
        default=5,
        ge=0,
        description="How many new developments the page lists; the page fit lowers it "
        "(down to one) when the page is over budget. All of them stay in new_facts.",
    )
    new_contradictions: tuple[Contradiction, ...] = Field(
        default=(), description="Contradictions that appeared."
    )
    resolved_contradictions: tuple[Contradiction, ...] = Field(
        default=(), description="Earlier contradictions of which only one side is still reported."
    )
    dropped_contradictions: tuple[Contradiction, ...] = Field(
        default=(), description="Earlier contradictions no longer reported at all."
    )
    since: dt.datetime | None = Field(
        default=None, description="Documents that arrived after this moment count as new."
    )
    updated_sources: tuple[str, ...] = Field(
        default=(),
        description="Ids of today's sources that update a story an earlier brief had (new "
        "sentences); a reprint is not an update.",
    )
    stories: tuple[StoryChange, ...] = Field(
        default=(), description="Each story's standing: new, developing, updated or gone quiet."
    )


class BriefStory(_Frozen):
    """A story of the brief and the ids of its items (every fact, contradiction and watch item
    of the brief, on the page or in ``more_*``, belongs to exactly one story)."""

    id: str
    rank: int
    headline: str
    source_ids: tuple[str, ...]
    outlets: int = 1
    latest: dt.date | None = None
    bottom_line: tuple[str, ...] = Field(default=(), description="Ids of its bottom-line items.")
    facts: tuple[str, ...] = Field(default=(), description="Ids of its facts and more_facts.")
    contradictions: tuple[str, ...] = Field(default=(), description="Ids of its contradictions.")
    watch: tuple[str, ...] = Field(default=(), description="Ids of its what-to-watch items.")


class Usage(_Frozen):
    """What an engine spent on one call of its interface, or on a whole brief (their sum)."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(**{k: getattr(self, k) + getattr(other, k) for k in Usage.model_fields})

    def __sub__(self, other: Usage) -> Usage:
        return Usage(**{k: getattr(self, k) - getattr(other, k) for k in Usage.model_fields})


@dataclass
class Tally:
    """What the stages count while a brief is built: the one mutable accumulator, owned by
    ``briefing.pipeline`` and handed to the verify and support checks, frozen into
    ``BriefStats`` once the brief's content is chosen."""

    chunks: int = 0
    facts_extracted: int = 0
    facts_verified: int = 0
    facts_dropped_unverified: int = 0
    contradictions_found: int = 0
    contradiction_sides_dropped_unverified: int = 0
    statements_unsupported: int = 0
    statements_replaced_by_quote: int = 0
    statements_dropped_unsupported: int = 0

    def counts(self) -> dict[str, int]:
        return asdict(self)


def counted(n: int, noun: str) -> str:
    """``n`` with ``noun`` in the number it takes: ``1 document``, ``12 documents``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class BriefStats(_Frozen):
    documents: int = 0
    documents_skipped: int = 0
    chunks: int = 0
    facts_extracted: int = 0
    facts_verified: int = 0
    facts_dropped_unverified: int = 0
    contradictions_found: int = 0
    contradiction_sides_dropped_unverified: int = 0
    statements_unsupported: int = Field(
        default=0, description="Texts that asserted what their quotes do not (briefing.support)."
    )
    statements_replaced_by_quote: int = Field(
        default=0, description="Of those, how many were replaced by their verbatim quote."
    )
    statements_dropped_unsupported: int = Field(
        default=0,
        description="Of those, how many were left out with what they stated: a fact, a "
        "contradiction or an actor's position.",
    )
    omitted_facts: int = 0
    omitted_contradictions: int = 0
    omitted_other: int = 0
    words: int = 0
    elapsed_s: float = 0.0
    engine: str = ""
    model: str | None = None
    usage: Usage = Field(default_factory=Usage)
    warnings: tuple[str, ...] = ()

    def support_note(self) -> str:
        """What the support check changed, for the footer: "2 statements replaced by their
        quotes, 1 left out as unsupported"; "" when it changed nothing (the offline engine)."""
        parts = []
        if self.statements_replaced_by_quote:
            n = self.statements_replaced_by_quote
            parts.append(
                f"{counted(n, 'statement')} replaced by {'its quote' if n == 1 else 'their quotes'}"
            )
        if self.statements_dropped_unsupported:
            parts.append(f"{self.statements_dropped_unsupported} left out as unsupported")
        return ", ".join(parts)


# A page's title or topic line is cut past this, as a source's title is: a --topic of a whole
# article (or of one 1 MB "word") filled the page twice, and WeasyPrint took minutes to lay
# out a line it could not break.
MAX_HEADING_CHARS = 300


class Brief(_Frozen):
    title: str
    topic: str
    topic_inferred: bool = False
    generated: dt.date
    source_dates: tuple[dt.date, dt.date] | None = Field(
        default=None, description="Earliest and latest stated source date; None = all undated."
    )
    undated_sources: int = 0
    bottom_line: list[Fact] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    actors: list[ActorPosition] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    watch: list[Fact] = Field(default_factory=list)
    more_facts: list[Fact] = Field(
        default_factory=list,
        description="Verified facts that did not fit on the page, best first (JSON only).",
    )
    more_contradictions: list[Contradiction] = Field(
        default_factory=list, description="Verified contradictions that did not fit (JSON only)."
    )
    sources: list[SourceRef] = Field(default_factory=list)
    stories: list[BriefStory] = Field(
        default_factory=list, description="The stories briefed, by rank; one = a one-story brief."
    )
    documents_off_topic: int = Field(
        default=0, description="Documents left out as not about the topic asked for."
    )
    changes: Changes | None = Field(
        default=None, description="Daily briefs only: what changed since the previous day."
    )
    reprints: list[Reprint] = Field(
        default_factory=list, description="Daily briefs only: copies of cited stories."
    )
    stats: BriefStats = Field(default_factory=BriefStats)

    @field_validator("title", "topic")
    @classmethod
    def _one_heading_line(cls, value: str) -> str:
        return shown(value, MAX_HEADING_CHARS)

    def summary(self) -> str:
        """The counts a run reports on stderr, each one a reader can find in the brief:
        "12 documents, 45 facts verified, 2 contradictions": the facts as the footer counts
        them, the contradictions on the page and in the JSON."""
        contradictions = len(self.contradictions) + len(self.more_contradictions)
        return (
            f"{counted(self.stats.documents, 'document')}, "
            f"{counted(self.stats.facts_verified, 'fact')} verified, "
            f"{counted(contradictions, 'contradiction')}"
        )


class Synthesis(_Frozen):
    """What an engine writes from the selected facts: title, bottom line, what to watch."""

    title: str
    bottom_line: tuple[Fact, ...] = ()
    watch: tuple[Fact, ...] = ()
    actors: tuple[ActorPosition, ...] = ()
