"""Citation verification, shared by every engine.

Each citation's quote is located in its source text. The search is tolerant of differences
in whitespace and quote marks (straight vs typographic, dashes), but the offsets it returns
are into the original text and the quote is replaced by the exact source slice, so
``document.text[start:end] == quote`` always holds afterwards. A fact whose citations cannot
all be found is dropped and counted; a contradiction side likewise, and a contradiction left
with fewer than two sides is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from briefing.lexicon import QUOTE_FOLD, fold_quote
from briefing.models import Citation, Contradiction, ContradictionSide, Document, Fact

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
            return citation
        exact = self._find_exact(doc.text, quote, s)
        if exact is not None:
            return Citation(source_id=doc.id, quote=quote, start=exact, end=exact + len(quote))
        needle = fold_quote(quote)
        if len(needle) < _MIN_QUOTE_CHARS:
            return None
        norm = self._normalised(doc)
        pos = norm.text.find(needle)
        if pos < 0:
            return None
        start = norm.starts[pos]
        end = norm.starts[pos + len(needle) - 1] + 1
        return Citation(source_id=doc.id, quote=doc.text[start:end], start=start, end=end)

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


@dataclass
class Verification:
    """Verified facts and contradictions, with counts of what was dropped."""

    facts: list[Fact] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    facts_dropped: int = 0
    sides_dropped: int = 0
    contradictions_dropped: int = 0


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


def verify_all(
    documents: Sequence[Document],
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction] = (),
) -> Verification:
    """Verify facts and contradictions against their sources in one pass."""
    index = CitationIndex(documents)
    kept_facts, facts_dropped = verify_facts(index, facts)
    kept_contras, sides_dropped, contras_dropped = verify_contradictions(index, contradictions)
    return Verification(
        facts=kept_facts,
        contradictions=kept_contras,
        facts_dropped=facts_dropped,
        sides_dropped=sides_dropped,
        contradictions_dropped=contras_dropped,
    )
