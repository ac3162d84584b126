"""The pipeline with a fake engine: whatever an engine returns, only verified quotes survive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from briefing import Settings, build_brief, document_from_text
from briefing.engines.base import CandidatePair, EngineResult
from briefing.errors import NoDocumentsError
from briefing.models import (
    ActorPosition,
    Chunk,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
    Usage,
)

DOC = document_from_text(
    "Canal Reopens\n\nThe canal reopened to barges on Tuesday after a month of repairs.\n"
    "The port authority said traffic would return to normal within a week.\n",
    "canal.txt",
)


class FakeEngine:
    name = "fake"
    model = "fake-1"

    def __init__(self) -> None:
        self.seen_candidates: list[CandidatePair] = []

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> EngineResult[list[Fact]]:
        real = "The canal reopened to barges on Tuesday"
        spent = Usage(calls=2, prompt_tokens=80, completion_tokens=15, cost_usd=0.0005)
        return EngineResult(usage=spent, value=[
            Fact(
                statement="Barges are moving again.",
                score=0.9,
                citations=(Citation(source_id=DOC.id, quote=real),),
            ),
            Fact(
                statement="Repairs cost a fortune.",
                score=0.8,
                citations=(Citation(source_id=DOC.id, quote="repairs cost ten million"),),
            ),
            Fact(
                statement="Traffic normal soon.",
                score=0.5,
                actor="The port authority",
                kind="claim",
                citations=(Citation(source_id=DOC.id, quote="traffic would  return to normal"),),
            ),
        ])  # fmt: skip

    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> EngineResult[list[Contradiction]]:
        self.seen_candidates = list(candidates)
        side = ContradictionSide(
            statement="x", citations=(Citation(source_id=DOC.id, quote="after a month of repairs"),)
        )
        ghost = ContradictionSide(
            statement="y",
            citations=(Citation(source_id=DOC.id, quote="the canal stays closed all year"),),
        )
        found = [Contradiction(kind="claim_conflict", summary="s", sides=(side, ghost))]
        return EngineResult(found, warnings=("the model refused one batch",))

    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> EngineResult[Synthesis]:
        spent = Usage(calls=1, prompt_tokens=20, completion_tokens=5, cost_usd=0.0005)
        return EngineResult(usage=spent, value=Synthesis(
            title="Canal brief",
            bottom_line=tuple(facts[:1]),
            actors=(
                ActorPosition(
                    name="Port",
                    position="p",
                    citations=(Citation(source_id=DOC.id, quote="no such quote in the source"),),
                ),
            ),
        ))  # fmt: skip


def test_unverified_output_is_dropped_counted_and_never_rendered() -> None:
    engine = FakeEngine()
    brief = build_brief([DOC], settings=Settings(), today=dt.date(2026, 1, 1), engine=engine)
    stats = brief.stats
    assert stats.facts_extracted == 3
    assert stats.facts_verified == 2
    assert stats.facts_dropped_unverified == 2  # one extracted fact, one actor position
    assert stats.contradiction_sides_dropped_unverified == 1
    assert brief.contradictions == []
    assert brief.actors == []
    quotes = [
        c.quote for f in [*brief.bottom_line, *brief.facts, *brief.more_facts] for c in f.citations
    ]
    assert "traffic would return to normal" in quotes  # whitespace repaired to the source's
    assert all(
        DOC.text[c.start : c.end] == c.quote
        for f in [*brief.bottom_line, *brief.facts]
        for c in f.citations
    )
    assert stats.engine == "fake" and stats.model == "fake-1"
    # what each call returned, added up: nothing is read back from the engine
    assert stats.usage == Usage(calls=3, prompt_tokens=100, completion_tokens=20, cost_usd=0.001)
    assert stats.warnings == ("the model refused one batch",)


def test_no_documents_is_an_error() -> None:
    with pytest.raises(NoDocumentsError):
        build_brief([], settings=Settings(), today=dt.date(2026, 1, 1))


def test_topic_setting_focuses_and_is_not_marked_inferred() -> None:
    brief = build_brief([DOC], settings=Settings(topic="barges"), today=dt.date(2026, 1, 1))
    assert brief.topic == "barges" and not brief.topic_inferred


def test_a_sentence_cut_off_with_an_ellipsis_is_never_briefed() -> None:
    """A feed's teaser ends mid-sentence with "..." ("two officers were sued by the estate of
    a man whom they shot after..."): quoted, it reads as a fact cut where its meaning was."""
    teaser = (
        "In the second case, two officers were sued by the estate of a man whom they shot "
        "and killed after..."
    )
    doc = document_from_text(
        "Court sides with police\n\nThe Supreme Court on Monday ruled that police officers in "
        "two cases were protected from lawsuits over their use of force. The unsigned opinions "
        "overturned two lower appellate decisions. One case involved an officer who knelt on a "
        f"man's back during an arrest in California. {teaser}\n",
        "court.txt",
    )
    brief = build_brief([doc], settings=Settings(), today=dt.date(2021, 10, 19))
    facts = [*brief.bottom_line, *brief.facts, *brief.watch, *brief.more_facts]
    quotes = [c.quote for f in facts for c in f.citations]
    assert quotes, "the complete sentences are briefed"
    assert not any(q.rstrip().endswith(("...", "\u2026")) for q in quotes), quotes


def test_what_to_watch_comes_from_the_storys_latest_sources() -> None:
    # What a source expected three days before the story's latest news may have happened
    # since: it is not on the page as still to come; the same text undated is.
    older = (
        "Title: Halvik ferry crews walk out\nDate: 2026-03-01\n\nFerry crews in Halvik walked "
        "off the job on Sunday, halting crossings to the outer islands. Island councils "
        "will meet the union leaders on Tuesday to discuss the freight backlogs, officials "
        "said.\n"
    )
    newer = (
        "Title: Halvik ferry strike ends\nDate: 2026-03-04\n\nFerry crews in Halvik ended "
        "their strike on Wednesday after the regional assembly approved the ferry operator's "
        "subsidy. Crossings to the outer islands resumed on Wednesday evening.\n"
    )
    today = dt.date(2026, 3, 5)
    docs = [document_from_text(older, "older.txt"), document_from_text(newer, "newer.txt")]
    brief = build_brief(docs, settings=Settings(), today=today)
    assert len(brief.stories) == 1
    assert not any("will meet" in w.statement for w in brief.watch)
    undated = [document_from_text(t.split("\n", 2)[2], n) for t, n in ((older, "o"), (newer, "n"))]
    brief = build_brief(undated, settings=Settings(), today=today)
    assert any("will meet" in w.statement for w in brief.watch)


class _UnsupportedFor(FakeEngine):
    """A model whose facts of one source say what its quotes do not."""

    def __init__(self, doc: Document) -> None:
        super().__init__()
        self.doc = doc

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> EngineResult[list[Fact]]:
        real = "The canal reopened to barges on Tuesday"
        quote = "The ferry union voted to end its strike"
        return EngineResult([
            Fact(statement="The canal reopened to barges on Tuesday.", score=0.9,
                 citations=(Citation(source_id=DOC.id, quote=real),)),
            Fact(statement="Wildfires forced thousands from their homes in Oregon.", score=0.9,
                 citations=(Citation(source_id=self.doc.id, quote=quote),)),
        ])  # fmt: skip

    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> EngineResult[Synthesis]:
        return EngineResult(Synthesis(title="Canal brief", bottom_line=tuple(facts[:2])))


def test_a_source_whose_model_facts_all_fail_the_support_check_is_still_cited() -> None:
    ferry = document_from_text(
        "Ferry strike ends\n\nThe ferry union voted to end its strike on Monday after the "
        "operator raised the canal crews' pay.\nBarges on the canal will run a full timetable.\n",
        "ferry.txt",
    )
    engine = _UnsupportedFor(ferry)
    brief = build_brief([DOC, ferry], settings=Settings(), today=dt.date(2026, 1, 1), engine=engine)
    assert ferry.id in {s.id for s in brief.sources}
    assert brief.stats.statements_dropped_unsupported == 1
    assert not any("Wildfires" in f.statement for f in [*brief.bottom_line, *brief.facts])
    assert any("ferry.txt" in w and "offline extraction" in w for w in brief.stats.warnings)


_WIRE = (
    "Officials said the river lock at Dunmore will close for nine weeks of repairs in March.\n\n"
    "The lock carries most of the grain barges that leave the upper valley each autumn season.\n\n"
    "Engineers found cracks in two of the lock gates during an inspection in the late summer.\n\n"
    "Shippers said they would move some of their cargo to rail while the lock stays closed.\n\n"
    "The repairs will cost about 31 million dollars, paid from a federal waterways grant.\n"
)


def test_a_reprint_counts_once_and_is_listed_on_a_build_page() -> None:
    """The wire text under another outlet's line, and the same article as a print of its page
    (with the page's banner and byline lines), are reprints: no "[n; also m]" corroboration,
    no source of their own, listed once as reprints (the daily job lists them so too)."""
    from briefing.render import render

    wire = document_from_text(_WIRE, "wires/wire.txt", outlet="Valley Wire", title="Lock closes")
    herald = document_from_text(
        "Advertisement\n\n" + _WIRE, "wires/herald.txt", outlet="Herald (Valley Wire)",
        title="Lock closes",
    )  # fmt: skip
    printed = document_from_text(
        "We use cookies to improve your experience. By continuing to browse you agree to our use"
        " of cookies. Accept all cookies Manage preferences\n\nLock closes\n\nBy Staff Reporter ·"
        " Published 2021-07-09 Share this: Facebook Twitter Email\n\n" + _WIRE,
        "pdf/wire-print.pdf", outlet="Staff Reporter", title="Lock closes",
    )  # fmt: skip
    other = document_from_text(
        "Choir Wins Prize\n\nThe city choir won the national prize on Sunday in a packed hall.\n",
        "other.txt",
    )
    brief = build_brief(
        [wire, herald, printed, other], settings=Settings(), today=dt.date(2026, 3, 1)
    )
    cited = {c.source_id for f in [*brief.bottom_line, *brief.facts] for c in f.citations}
    assert wire.id in cited and not cited & {herald.id, printed.id}
    assert [s.path for s in brief.sources if s.path != other.path] == [wire.path]
    assert [(r.source_id, r.path) for r in brief.reprints] == [
        (wire.id, herald.path),
        (wire.id, printed.path),
    ]
    page = render(brief, "md").decode()
    assert "**Reprints counted once:**\n- [1] also carried by Herald (Valley Wire)" in page
    assert "also 2" not in page and "; also" not in page


def test_a_copy_with_a_new_sentence_under_the_same_file_name_is_not_a_reprint() -> None:
    """The same file in the next morning's folder with a paragraph added is an update: news,
    not a reprint. Both documents stay sources and the new sentence can be briefed."""
    added = "Officials said on Tuesday that barges bound for the lower river will be towed by rail."
    day1 = document_from_text(_WIRE, "day1/wire.txt", outlet="Valley Wire", title="Lock closes")
    day2 = document_from_text(
        _WIRE + "\n" + added + "\n", "day2/wire.txt", outlet="Valley Wire", title="Lock closes"
    )
    brief = build_brief([day1, day2], settings=Settings(), today=dt.date(2026, 3, 1))
    assert brief.reprints == []
    assert day2.id in {s.id for s in brief.sources}
    # the same file again with no new sentence is the text counted once
    again = document_from_text("Lock closes\n\n" + _WIRE, "day2/wire.txt", outlet="Valley Wire")
    brief = build_brief([day1, again], settings=Settings(), today=dt.date(2026, 3, 1))
    assert [(r.source_id, r.path) for r in brief.reprints] == [(day1.id, again.path)]
