from __future__ import annotations

from verifying import verify_all

from briefing.ingest import document_from_text
from briefing.models import Citation, Contradiction, ContradictionSide, Fact
from briefing.verify import CitationIndex

TEXT = (
    "The minister said: \u201cWe will not   negotiate\u201d.\n"
    "Talks resumed on Monday \u2014 briefly."
)
DOC = document_from_text(TEXT, "d.txt")


def _fact(quote: str, start: int | None = None, end: int | None = None) -> Fact:
    return Fact(
        statement=quote, citations=(Citation(source_id=DOC.id, quote=quote, start=start, end=end),)
    )


def test_exact_quote_gets_offsets() -> None:
    located = CitationIndex([DOC]).locate(
        Citation(source_id=DOC.id, quote="Talks resumed on Monday")
    )
    assert located is not None
    assert DOC.text[located.start : located.end] == located.quote == "Talks resumed on Monday"


def test_whitespace_and_quote_marks_are_normalised_but_offsets_are_original() -> None:
    located = CitationIndex([DOC]).locate(
        Citation(source_id=DOC.id, quote='said: "We will not negotiate"')
    )
    assert located is not None
    assert DOC.text[located.start : located.end] == located.quote
    assert located.quote == "said: \u201cWe will not   negotiate\u201d"


def test_wrong_offsets_are_repaired() -> None:
    located = CitationIndex([DOC]).locate(
        Citation(source_id=DOC.id, quote="Talks resumed", start=0, end=13)
    )
    assert located is not None and DOC.text[located.start : located.end] == "Talks resumed"


def test_unverifiable_facts_are_dropped_and_counted() -> None:
    result = verify_all(
        [DOC],
        [
            _fact("Talks resumed on Monday"),
            _fact("Talks collapsed on Monday"),
            Fact(statement="x", citations=(Citation(source_id="nope", quote="Talks resumed on"),)),
            Fact(statement="no citation"),
        ],
    )
    assert [f.statement for f in result.facts] == ["Talks resumed on Monday"]
    assert result.facts_dropped == 3


def test_contradiction_left_with_one_side_is_dropped() -> None:
    good = ContradictionSide(
        statement="a", citations=(Citation(source_id=DOC.id, quote="Talks resumed on Monday"),)
    )
    bad = ContradictionSide(
        statement="b", citations=(Citation(source_id=DOC.id, quote="Talks never resumed at all"),)
    )
    kept = Contradiction(kind="claim_conflict", summary="s", sides=(good, good.model_copy()))
    lost = Contradiction(kind="claim_conflict", summary="s", sides=(good, bad))
    result = verify_all([DOC], [], [kept, lost])
    assert len(result.contradictions) == 1
    assert result.sides_dropped == 1
    assert result.contradictions_dropped == 1


def test_too_short_quotes_are_not_evidence() -> None:
    assert CitationIndex([DOC]).locate(Citation(source_id=DOC.id, quote="The")) is None
