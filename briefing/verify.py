"""Citation verification, shared by every engine.

Each citation's quote is located in its source text. The search is tolerant of differences
in whitespace and quote marks (straight vs typographic, dashes), but the offsets it returns
are into the original text and the quote is replaced by the exact source slice, so
``document.text[start:end] == quote`` always holds afterwards; a citation of a paged source
(a PDF) also gets the page its quote starts on. A fact whose citations cannot
all be found is dropped and counted; a contradiction side likewise, and a contradiction left
with fewer than two sides is dropped.

Then support (the rule is in ``briefing.support``): a statement, title, bottom-line or watch
sentence, actor's position or contradiction summary that asserts what its quotes do not is
replaced by its quote (a title by the plain topic title, a summary by a neutral one) or dropped,
and counted in ``stats``. Every engine's output goes through the same check.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.lexicon import QUOTE_FOLD, fold_quote
from briefing.models import (
    ActorPosition,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
    Tally,
)
from briefing.support import UNRELATED, support_problems, unnamed, written_in
from briefing.text import has_unbroken_run

logger = logging.getLogger(__name__)

_MIN_QUOTE_CHARS = 8


@dataclass
class _Normalised:
    """A document's text folded and whitespace-collapsed, with a map back to original offsets."""

    text: str
    starts: list[int]  # starts[i] = original offset of normalised char i

    @classmethod
    def of(cls, original: str) -> _Normalised:
        folded = original.translate(QUOTE_FOLD)
        out: list[str] = []
        starts: list[int] = []
        prev_space = True  # drop leading whitespace
        for i, ch in enumerate(folded):
            if ch.isspace():
                if prev_space:
                    continue
                out.append(" ")
                starts.append(i)
                prev_space = True
            else:
                out.append(ch)
                starts.append(i)
                prev_space = False
        return cls("".join(out), starts)


class CitationIndex:
    """Locates quotes in a set of documents; builds each normalised text once, lazily."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._docs: Mapping[str, Document] = {d.id: d for d in documents}
        self._norm: dict[str, _Normalised] = {}

    def date_of(self, source_id: str) -> dt.date | None:
        """The date the document ``source_id`` states, if any."""
        doc = self._docs.get(source_id)
        return doc.date if doc is not None else None

    def texts_of(self, citations: Sequence[Citation]) -> list[str]:
        """The whole texts of the documents ``citations`` quote."""
        ids = dict.fromkeys(c.source_id for c in citations)
        return [self._docs[i].text for i in ids if i in self._docs]

    def _normalised(self, doc: Document) -> _Normalised:
        norm = self._norm.get(doc.id)
        if norm is None:
            norm = self._norm[doc.id] = _Normalised.of(doc.text)
        return norm

    def locate(self, citation: Citation) -> Citation | None:
        """The citation with exact offsets and the exact source slice as quote, or None."""
        doc = self._docs.get(citation.source_id)
        if doc is None:
            return None
        quote = citation.quote
        if len(quote.strip()) < _MIN_QUOTE_CHARS:
            return None
        # Fast path: offsets already right.
        s, e = citation.start, citation.end
        in_range = s is not None and e is not None and 0 <= s < e <= len(doc.text)
        if in_range and doc.text[s:e] == quote:
            return _with_page(doc, citation)
        exact = self._find_exact(doc.text, quote, s)
        if exact is not None:
            return Citation(
                source_id=doc.id,
                quote=quote,
                start=exact,
                end=exact + len(quote),
                page=doc.page_at(exact),
            )
        needle = fold_quote(quote)
        if len(needle) < _MIN_QUOTE_CHARS:
            return None
        norm = self._normalised(doc)
        pos = norm.text.find(needle)
        if pos < 0:
            return None
        start = norm.starts[pos]
        end = norm.starts[pos + len(needle) - 1] + 1
        return Citation(
            source_id=doc.id,
            quote=doc.text[start:end],
            start=start,
            end=end,
            page=doc.page_at(start),
        )

    @staticmethod
    def _find_exact(text: str, quote: str, hint: int | None) -> int | None:
        """Exact occurrence nearest the hinted offset (the first one without a hint)."""
        first = text.find(quote)
        if first < 0 or hint is None:
            return first if first >= 0 else None
        best, pos = first, first
        while pos >= 0:
            if abs(pos - hint) < abs(best - hint):
                best = pos
            pos = text.find(quote, pos + 1)
        return best


def _with_page(doc: Document, citation: Citation) -> Citation:
    """The citation with the page its start offset falls on (None for unpaged sources)."""
    page = doc.page_at(citation.start) if citation.start is not None else None
    return citation if citation.page == page else citation.model_copy(update={"page": page})


def _verify_citations(
    index: CitationIndex, citations: Sequence[Citation]
) -> tuple[Citation, ...] | None:
    if not citations:
        return None
    located: list[Citation] = []
    for citation in citations:
        found = index.locate(citation)
        if found is None:
            logger.debug("unverified quote from %s: %r", citation.source_id, citation.quote[:80])
            return None
        located.append(found)
    return tuple(located)


def verify_facts(index: CitationIndex, facts: Sequence[Fact]) -> tuple[list[Fact], int]:
    """Facts whose every citation is found (offsets set); and how many were dropped."""
    kept: list[Fact] = []
    for fact in facts:
        citations = _verify_citations(index, fact.citations)
        if citations is None:
            continue
        kept.append(fact.model_copy(update={"citations": citations}))
    return kept, len(facts) - len(kept)


def verify_contradictions(
    index: CitationIndex, contradictions: Sequence[Contradiction]
) -> tuple[list[Contradiction], int, int]:
    """Contradictions with verified sides; (kept, sides dropped, contradictions dropped)."""
    kept: list[Contradiction] = []
    sides_dropped = 0
    for contradiction in contradictions:
        sides: list[ContradictionSide] = []
        for side in contradiction.sides:
            citations = _verify_citations(index, side.citations)
            if citations is None:
                sides_dropped += 1
                continue
            sides.append(side.model_copy(update={"citations": citations}))
        if len(sides) >= 2:
            kept.append(contradiction.model_copy(update={"sides": tuple(sides)}))
    return kept, sides_dropped, len(contradictions) - len(kept)


# -- support: the words around the quotes say only what the quotes say (briefing.support) -------

_QUOTE_WORDS = (4, 80)  # a quote shorter or longer than this cannot stand in for a statement


def fallback_title(topic: str) -> str:
    return f"Situation brief: {topic}" if topic else "Situation brief"


def _quotes_of(citations: Sequence[Citation]) -> list[str]:
    return [c.quote for c in citations]


def _usable_quote(citation: Citation) -> bool:
    low, high = _QUOTE_WORDS
    quote = citation.quote
    return low <= len(quote.split()) <= high and not has_unbroken_run(quote)


def _named_actor(index: CitationIndex, actor: str | None, citations: Sequence[Citation]) -> bool:
    """Whether ``actor`` is None or every name in it is in the documents ``citations`` quote."""
    return actor is None or not unnamed(actor, index.texts_of(citations))


def _supported_fact(index: CitationIndex, fact: Fact, tally: Tally) -> Fact | None:
    """The fact if its statement is supported; else its first quote as the statement, or None.
    A date not written in its quotes, or an actor its sources do not name, is removed."""
    quotes = _quotes_of(fact.citations)
    if fact.date and not written_in(fact.date, quotes):
        fact = fact.model_copy(update={"date": None})
    if not _named_actor(index, fact.actor, fact.citations):
        tally.statements_unsupported += 1
        fact = fact.model_copy(update={"actor": None})
    problems = support_problems(fact.statement, quotes)
    if not problems:
        return fact
    tally.statements_unsupported += 1
    logger.debug("unsupported statement %r: %s", fact.statement[:80], "; ".join(problems))
    if UNRELATED in problems or not fact.citations or not _usable_quote(fact.citations[0]):
        # A quote the statement hardly shares a word with is not what it was written from:
        # standing in for it, it would put something else under the statement's actor and rank.
        tally.statements_dropped_unsupported += 1
        return None
    first = fact.citations[0]
    tally.statements_replaced_by_quote += 1
    date = fact.date if fact.date and written_in(fact.date, [first.quote]) else None
    actor = fact.actor if fact.actor and not unnamed(fact.actor, [first.quote]) else None
    return fact.model_copy(
        update={"statement": first.quote, "citations": (first,), "date": date, "actor": actor}
    )


def support_facts(index: CitationIndex, facts: Sequence[Fact], tally: Tally) -> list[Fact]:
    """Facts whose statements their quotes support: unsupported ones become their quote or go."""
    kept = (_supported_fact(index, fact, tally) for fact in facts)
    return [f for f in kept if f is not None]


def support_contradictions(
    index: CitationIndex, contradictions: Sequence[Contradiction], tally: Tally
) -> list[Contradiction]:
    """Each side's statement supported by its quotes, each summary by the sides' quotes."""
    kept: list[Contradiction] = []
    for contradiction in contradictions:
        sides: list[ContradictionSide] = []
        for side in contradiction.sides:
            if not _named_actor(index, side.actor, side.citations):
                tally.statements_unsupported += 1
                side = side.model_copy(update={"actor": None})
            if not support_problems(side.statement, _quotes_of(side.citations), framing=True):
                sides.append(side)
                continue
            tally.statements_unsupported += 1
            if side.citations:  # verified sides always have one
                tally.statements_replaced_by_quote += 1
                sides.append(side.model_copy(update={"statement": side.citations[0].quote}))
        quotes = [c.quote for side in sides for c in side.citations]
        actors = "\n".join(side.actor for side in sides if side.actor)
        if support_problems(contradiction.summary, quotes, given=actors, framing=True):
            # What the sides disagree on is the contradiction: a summary its quotes do not
            # bear out leaves nothing checked to show (a neutral one would assert a conflict)
            tally.statements_unsupported += 1
            tally.statements_dropped_unsupported += 1
            continue
        kept.append(contradiction.model_copy(update={"sides": tuple(sides)}))
    return kept


def support_synthesis(
    index: CitationIndex,
    synthesis: Synthesis,
    facts: Sequence[Fact],
    *,
    topic: str,
    tally: Tally,
) -> Synthesis:
    """Title, bottom line, watch and actors' positions, each supported by what it cites.

    The title cites every fact it was written from; the plain topic title counts as quoted.
    """
    bottom = support_facts(index, synthesis.bottom_line, tally)
    watch = support_facts(index, synthesis.watch, tally)
    actors: list[ActorPosition] = []
    for actor in synthesis.actors:
        if not _named_actor(index, actor.name, actor.citations):
            tally.statements_unsupported += 1
            tally.statements_dropped_unsupported += 1
            continue
        problems = support_problems(actor.position, _quotes_of(actor.citations))
        if not problems:
            actors.append(actor)
            continue
        tally.statements_unsupported += 1
        if UNRELATED not in problems and actor.citations and _usable_quote(actor.citations[0]):
            first = actor.citations[0]
            tally.statements_replaced_by_quote += 1
            actors.append(actor.model_copy(update={"position": first.quote, "citations": (first,)}))
        else:
            tally.statements_dropped_unsupported += 1
    quotes = [c.quote for f in [*facts, *bottom, *watch] for c in f.citations]
    title = synthesis.title
    if support_problems(title, quotes, given=fallback_title(topic)):
        tally.statements_unsupported += 1
        title = fallback_title(topic)
    return synthesis.model_copy(
        update={
            "title": title,
            "bottom_line": tuple(bottom),
            "watch": tuple(watch),
            "actors": tuple(actors),
        }
    )
