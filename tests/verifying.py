"""A test helper: verify facts and contradictions against their documents in one call.

The pipeline verifies in stages (``verify_facts``, then ``verify_contradictions``, each
counted where it happens); tests often want both results and their counts at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from briefing.models import Contradiction, Document, Fact
from briefing.verify import CitationIndex, verify_contradictions, verify_facts


@dataclass
class Verification:
    """Verified facts and contradictions, with counts of what was dropped."""

    facts: list[Fact] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    facts_dropped: int = 0
    sides_dropped: int = 0
    contradictions_dropped: int = 0


def verify_all(
    documents: Sequence[Document],
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction] = (),
) -> Verification:
    index = CitationIndex(documents)
    kept_facts, facts_dropped = verify_facts(index, facts)
    kept_contras, sides_dropped, contras_dropped = verify_contradictions(index, contradictions)
    return Verification(kept_facts, kept_contras, facts_dropped, sides_dropped, contras_dropped)
