from __future__ import annotations

import datetime as dt

from briefing.compose import fit_brief, select_brief, select_facts
from briefing.models import (
    ActorPosition,
    BriefStats,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
)
from briefing.render.markdown import markdown_words

DOCS = [
    Document(
        id=f"d{i}",
        path=f"{i}.txt",
        text="x" * 10_000,
        title=f"Doc {i}",
        date=dt.date(2025, 1, i + 1) if i else None,
    )
    for i in range(3)
]


def _fact(i: int, doc: int, words: int = 25, score: float | None = None) -> Fact:
    text = " ".join(f"word{i}x{j}" for j in range(words)) + "."
    return Fact(
        statement=text,
        score=score if score is not None else 1 - i / 100,
        citations=(
            Citation(source_id=f"d{doc}", quote=text, start=i * 300, end=i * 300 + len(text)),
        ),
    )


def _compose(facts: list[Fact], max_words: int = 650, contradictions: int = 0):
    contras = [
        Contradiction(
            kind="claim_conflict",
            summary=f"conflict {k}",
            score=0.5,
            sides=tuple(
                ContradictionSide(actor=f"A{s}", statement=f.statement, citations=f.citations)
                for s, f in enumerate([_fact(900 + k, 0), _fact(950 + k, 1)])
            ),
        )
        for k in range(contradictions)
    ]
    selected = select_brief(
        topic="t",
        topic_inferred=True,
        documents=DOCS,
        facts=facts,
        contradictions=contras,
        synthesis=Synthesis(
            title="T",
            bottom_line=tuple(facts[:2]),
            actors=(ActorPosition(name="A", position="p", citations=facts[5].citations),),
        ),
        stats=BriefStats(),
        today=dt.date(2026, 1, 1),
    )
    return fit_brief(selected, DOCS, max_words, markdown_words)


def test_brief_fits_the_word_budget_and_keeps_the_rest_in_more_facts() -> None:
    facts = [_fact(i, i % 3) for i in range(60)]
    brief = _compose(facts, max_words=400, contradictions=3)
    assert markdown_words(brief) == brief.stats.words <= 400
    assert brief.bottom_line and brief.contradictions
    assert brief.more_facts
    assert brief.stats.omitted_facts + brief.stats.omitted_other > 0
    shown = {f.statement for f in [*brief.bottom_line, *brief.facts]}
    assert not shown & {f.statement for f in brief.more_facts}
    assert brief.source_dates == (dt.date(2025, 1, 2), dt.date(2025, 1, 3))
    assert brief.undated_sources == 1


def test_facts_go_before_contradictions() -> None:
    facts = [_fact(i, i % 3) for i in range(30)]
    roomy = _compose(facts, max_words=2000, contradictions=2)
    tight = _compose(facts, max_words=330, contradictions=2)
    assert len(roomy.contradictions) == len(tight.contradictions) == 2
    assert len(tight.facts) < len(roomy.facts)


def test_selection_covers_every_source_and_skips_near_duplicates() -> None:
    facts = [_fact(i, 0, score=0.9) for i in range(5)]
    duplicate = facts[0].model_copy(
        update={
            "score": 0.95,
            "citations": (facts[0].citations[0].model_copy(update={"start": 5000, "end": 5100}),),
        }
    )
    low = [_fact(50, 1, score=0.1), _fact(51, 2, score=0.05)]
    chosen = select_facts([*facts, duplicate, *low], exclude_quotes=set(), limit=4)
    assert {c.source_id for f in chosen for c in f.citations} == {"d0", "d1", "d2"}
    assert sum(f.statement == facts[0].statement for f in chosen) == 1


def test_sources_list_only_cited_documents_numbered_in_input_order() -> None:
    facts = [_fact(i, 2) for i in range(10)]
    brief = _compose(facts)
    assert [(s.id, s.number) for s in brief.sources] == [("d2", 1)]


def test_two_outlets_headlines_in_the_same_words_are_not_both_taken() -> None:
    from briefing.compose import Redundancy
    from briefing.models import Citation, Fact

    a = "Trump delays State of the Union Address until shutdown ends"
    b = "President Donald Trump Postpones State Of The Union Until Shutdown Ends"
    first = Fact(statement=a, citations=(Citation(source_id="d1", quote=a),))
    second = Fact(statement=b, citations=(Citation(source_id="d2", quote=b),))
    redundancy = Redundancy()
    assert redundancy.take(first)
    assert not redundancy.take(second)  # their content terms differ, their words do not
    assert select_facts([first, second], set()) == [first]


def test_the_page_does_not_depend_on_where_the_sources_sit_or_what_they_cost(
    tmp_path,
) -> None:
    from pathlib import Path

    from briefing.config import Settings
    from briefing.pipeline import build_brief_from_paths

    examples = Path(__file__).resolve().parent.parent / "examples"
    near = tmp_path / "a"
    far = tmp_path / ("deeply-nested-folder-" * 4) / "with" / "many" / "more" / "words"
    for folder in (near, far):
        folder.mkdir(parents=True)
        for source in examples.glob("*.txt"):
            (folder / source.name).write_bytes(source.read_bytes())
    day = dt.date(2026, 3, 5)
    for budget in (260, 420, 650):  # budgets where the fit drops items
        settings = Settings(cache=False, max_words=budget)
        a, b = (build_brief_from_paths([str(f)], settings=settings, today=day) for f in (near, far))
        assert [f.statement for f in a.facts] == [f.statement for f in b.facts]
        assert [f.statement for f in a.bottom_line] == [f.statement for f in b.bottom_line]
        assert a.stats.words == b.stats.words <= budget
        # a brief that cost something (an LLM run) is fitted like its cached rerun
        paid = a.model_copy(
            update={"stats": a.stats.model_copy(update={"usage": a.stats.usage + _cost(0.0123)})}
        )
        assert markdown_words(paid) == markdown_words(a)


def _cost(usd: float):
    from briefing.engines.base import Usage

    return Usage(calls=3, prompt_tokens=900, completion_tokens=300, cost_usd=usd)


def test_the_headline_that_titles_the_page_is_not_also_a_key_development() -> None:
    facts = [_fact(i, i % 3) for i in range(8)]
    headline = _fact(50, 0, words=9, score=0.99)  # source 0's headline, also the page's title
    lone = _fact(60, 2, words=9, score=0.98)  # another headline in the title, of a source
    title = f"Situation brief: {headline.statement} / {lone.statement}"

    def page(bottom: list[Fact]) -> list[str]:
        brief = select_brief(
            topic="t", topic_inferred=True, documents=DOCS,
            facts=[headline, lone, *facts[2:]], contradictions=[],
            synthesis=Synthesis(title=title, bottom_line=tuple(bottom)),
            stats=BriefStats(), today=dt.date(2026, 1, 1),
        )  # fmt: skip
        return [f.statement for f in brief.facts]

    # source 0 is cited by the bottom line: its headline is said once, in the title
    shown = page([facts[0]])
    assert headline.statement not in shown
    # source 2 is cited nowhere else: its headline stays, so every source is cited
    assert lone.statement in shown
    assert lone.statement not in page([facts[0], facts[2]])  # now source 2 is cited above


def _said(text: str, source: str) -> Fact:
    return Fact(statement=text, citations=(Citation(source_id=source, quote=text),))


def test_a_headline_saying_part_of_what_the_page_says_is_not_a_key_development() -> None:
    """Another outlet's headline repeats a bottom-line item in fewer words: shown below it, it
    tells the reader nothing new. When its outlet is cited nowhere else it is still taken, so
    every source keeps a citation."""
    from briefing.compose import Redundancy

    lead = _said(
        "Republican National Committee Chairwoman Ronna McDaniel warned Tuesday she may advise "
        "future presidential candidates against joining debates hosted by the commission.",
        "d1",
    )
    headline = _said("McDaniel warns she may advise candidates against debates", "d2")
    other = _said("The letter follows criticism of format changes during the 2020 race.", "d1")
    redundancy = Redundancy()
    assert redundancy.take(lead)
    chosen = select_facts([headline, other], set(), redundancy=redundancy)
    assert sorted(f.statement for f in chosen) == sorted([headline.statement, other.statement])
    redundancy = Redundancy()
    assert redundancy.take(lead)
    assert redundancy.take(_said("The debates commission did not comment.", "d2"))
    assert select_facts([headline, other], set(), redundancy=redundancy) == [other]


def test_a_crowded_pages_story_does_not_spend_its_two_lines_on_one_event() -> None:
    """Two outlets' leads tell one event in their own words. On a page with more stories than
    it shows, the second is not the story's other line; a page with room keeps both."""
    from briefing.compose import Redundancy, bottom_line_of, tells_again

    first = _said(
        "Secretary of State Antony Blinken on Wednesday said about 1,500 Americans remain in "
        "Afghanistan and are waiting to be evacuated.",
        "d1",
    )
    again = _said(
        "Secretary of State Antony Blinken on Wednesday said that up to 1,500 US citizens are "
        "still stranded in Afghanistan, shortly after the president spoke.",
        "d2",
    )
    other = _said(
        "Some of the remaining 1,000 may not want to leave, Mr. Blinken said, describing an "
        "ever-changing estimate the administration has grappled to pin down.",
        "d1",
    )
    assert tells_again(again.statement, first.statement)
    assert not tells_again(other.statement, first.statement)
    items = [first, again, other]
    assert bottom_line_of(items, Redundancy(), 2, retold=False) == [first, other]
    assert bottom_line_of(items, Redundancy(), 2) == [first, again]


def test_a_headline_the_page_already_tells_is_not_a_key_development() -> None:
    # "Virus whistleblower tells lawmakers US lacks vaccine plan" under items that say so with
    # who and when, its source cited by another item: it tells the reader nothing new.
    from briefing import document_from_text

    title = "Ferry union tells councils Halvik lacks winter timetable"
    lead = "The ferry union met island councils on Monday as crossings stopped for the week."
    other = "Halvik lacks a winter timetable for the outer islands, crews said."
    tells = "The union tells the operator to restore the night crossings."
    docs = [
        document_from_text(f"{title}\n\n{lead} {other}\n", "a.txt"),
        document_from_text("Halvik ferry strike\n\nCrews at Halvik voted to strike.\n", "b.txt"),
    ]
    a, b = docs[0].id, docs[1].id
    headline = Fact(id="h", statement=title, citations=(Citation(source_id=a, quote=title),))
    told = [
        Fact(id="l", statement=lead, citations=(Citation(source_id=a, quote=lead),), score=0.9),
        Fact(id="o", statement=other, citations=(Citation(source_id=a, quote=other),), score=0.5),
        Fact(id="t", statement=tells, citations=(Citation(source_id=a, quote=tells),), score=0.3),
    ]
    strike = "Crews at Halvik voted to strike."
    vote = Fact(id="v", statement=strike, citations=(Citation(source_id=b, quote=strike),))
    brief = select_brief(
        topic="t", topic_inferred=True, documents=docs,
        facts=[told[1], headline.model_copy(update={"score": 0.4}), told[2]], contradictions=[],
        synthesis=Synthesis(title="Situation brief: ferries", bottom_line=(told[0], vote)),
        stats=BriefStats(), today=dt.date(2026, 1, 1),
    )  # fmt: skip
    assert [f.statement for f in brief.facts] == [other, tells]


def test_a_headline_that_argues_is_not_a_key_development_when_its_source_is_cited() -> None:
    # "Trump's trade illiteracy comes back to haunt him", "Is X a 'Shell Company'...?": in
    # quotation marks among the developments it reads as reported fact.
    from briefing import document_from_text

    title = "Is the Halvik Ferry Operator Lying About Safety?"
    lead = "The Halvik ferry operator said on Monday that night crossings met every safety rule."
    other = "Crews said two life rafts on the night ferry had failed inspection in May."
    docs = [
        document_from_text(f"{title}\n\n{lead} {other}\n", "a.txt"),
        document_from_text("Halvik ferry strike\n\nCrews at Halvik voted to strike.\n", "b.txt"),
    ]
    a, b = docs[0].id, docs[1].id
    headline = Fact(id="h", statement=title, citations=(Citation(source_id=a, quote=title),))
    first = Fact(id="l", statement=lead, citations=(Citation(source_id=a, quote=lead),))
    rafts = Fact(id="o", statement=other, citations=(Citation(source_id=a, quote=other),))
    strike = "Crews at Halvik voted to strike."
    vote = Fact(id="v", statement=strike, citations=(Citation(source_id=b, quote=strike),))

    def key_developments(bottom: tuple[Fact, ...], facts: list[Fact]) -> list[str]:
        return [f.statement for f in select_brief(
            topic="t", topic_inferred=True, documents=docs, facts=facts, contradictions=[],
            synthesis=Synthesis(title="Situation brief: ferries", bottom_line=bottom),
            stats=BriefStats(), today=dt.date(2026, 1, 1),
        ).facts]  # fmt: skip

    ranked = [headline.model_copy(update={"score": 0.6}), rafts.model_copy(update={"score": 0.5})]
    assert key_developments((first, vote), ranked) == [other]
    assert key_developments((vote,), ranked) == [other]  # the rafts item cites its source
    # Its source cited by nothing else, the headline stays: every source keeps its citation.
    assert key_developments((vote,), ranked[:1]) == [title]


def test_a_statement_that_says_a_shown_one_again_with_more_is_not_taken() -> None:
    """A short line shown first, then another outlet's (or the same source's) longer sentence
    holding all of it again: the reader reads the same thing twice. Whichever comes first,
    the second is not taken; among the key developments, the longer one is not taken after the
    short one even to cite its source (a shorter repeat still may be: ``_within``)."""
    from briefing.compose import Redundancy

    short = _said(
        "“This has got to be done soon,” Ms. Granholm told CNN's “State of the Union.”", "d1"
    )
    longer = _said(
        "“This has got to be done soon. And without putting a specific date on it … the thing is, "
        "it's just a bit perplexing why the Republicans haven't moved further on critical "
        "pieces,” Granholm told CNN's “State of the Union.”",
        "d2",
    )
    other = _said("Senators met again on Monday without the White House negotiators.", "d2")
    for first, second in ((short, longer), (longer, short)):
        redundancy = Redundancy()
        assert redundancy.take(first)
        assert not redundancy.take(second)
    chosen = select_facts([short, longer, other], set(), limit=3)
    assert [f.statement for f in chosen] == [short.statement, other.statement]
    # a lead that holds a headline-like bottom-line item again is no key development below it
    said = _said(
        "Illegal ballot harvesting caused a do-over House election in North Carolina.", "d1"
    )
    lead = _said(
        "A U.S. House special election in North Carolina's 9th congressional district on Tuesday "
        "is essentially a do-over after a candidate's 2018 victory was negated by allegations of "
        "illegal ballot harvesting.",
        "d1",
    )
    redundancy = Redundancy()
    assert redundancy.take(said)
    assert select_facts([lead, other], set(), redundancy=redundancy) == [other]


def test_an_actor_position_in_another_outlets_words_for_a_shown_item_is_left_out() -> None:
    from briefing.compose import _pick_actors

    shown = _said(
        "The lawsuit, which seeks to dissolve the foundation and bar President Trump and three of "
        "his children from serving on nonprofit organizations, was an extraordinary rebuke.",
        "d1",
    )
    again = "The lawsuit seeks to dissolve the foundation"  # another source's words for it
    new = "The foundation called the lawsuit politically motivated and said it would fight it"
    positions = [
        ActorPosition(name=name, position=quote, citations=(Citation(source_id="d2", quote=quote),))
        for name, quote in (("Underwood", again), ("The foundation", new))
    ]
    assert [p.name for p in _pick_actors(positions, [shown])] == ["The foundation"]
    assert len(_pick_actors(positions, [])) == 2


def test_every_item_the_page_has_no_room_for_stays_in_the_json() -> None:
    from brief_samples import make_brief

    from briefing.compose import drop_items, drop_sequence

    brief = make_brief(n_facts=6, n_watch=3)
    items = [*brief.bottom_line, *brief.facts, *brief.watch]
    bare = drop_items(brief, len(drop_sequence(brief)))[0]
    kept = [*bare.bottom_line, *bare.facts, *bare.watch, *bare.more_facts]
    assert bare.stats.omitted_other > 0  # watch items were dropped from the page ...
    assert {f.statement for f in items} <= {f.statement for f in kept}  # ... not from the JSON
