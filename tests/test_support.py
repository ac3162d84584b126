"""Support verification: a statement says only what its quotes say (briefing.support, verify)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.config import Settings
from briefing.ingest import ingest_paths
from briefing.models import (
    ActorPosition,
    Brief,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
    Tally,
)
from briefing.pipeline import build_brief
from briefing.support import quantities, support_problems
from briefing.verify import (
    CitationIndex,
    fallback_title,
    support_contradictions,
    support_facts,
    support_synthesis,
)

ROOT = Path(__file__).resolve().parents[1]
EVAL_DATA = ROOT.parent / "shared" / "eval-data"

FARES = (
    "The operator said on Tuesday that fares on all 12 routes will rise by 5 percent from "
    "28 June, affecting 1,200 commuters in Bergen."
)
SIGNING = "The ministry did not sign the agreement in Geneva, officials said."
BUDGET = "The council approved a budget of $3 million for the new ferry terminal."

# (quote, statement, a word the reason must contain, or None when the statement is supported)
CASES = [
    # paraphrases that are fine
    (FARES, "Fares on all 12 routes will rise 5% from 28 June, the operator said.", None),
    (FARES, "The fare rise from 28 June affects 1200 commuters in Bergen.", None),
    (FARES, "On Tuesday the operator said fares would rise by five percent.", None),
    (SIGNING, "Officials said the ministry did not sign the agreement in Geneva.", None),
    (SIGNING, "The ministry never signed the agreement, officials said.", None),
    (BUDGET, "A budget of 3 million dollars was approved for the ferry terminal.", None),
    (BUDGET, "The council approved $3m for the new ferry terminal.", None),
    ("U.S. officials said the talks resumed.", "US officials said the talks had resumed.", None),
    ("Iran skipped the technical talks on Monday.", "Iran Skips Technical Talks", None),
    # a number changed
    (FARES, "Fares on all 12 routes will rise by 6 percent from 28 June.", "6 percent"),
    (FARES, "The fare rise affects 1,300 commuters in Bergen.", "1,300"),
    (FARES, "Fares on all 14 routes will rise by 5 percent.", "14"),
    (BUDGET, "The council approved a budget of $3 billion for the ferry terminal.", "billion"),
    # a unit changed
    (FARES, "Fares on all 12 routes will rise by $5 from 28 June.", "$5"),
    (BUDGET, "The council approved a budget of \u20ac3 million for the new ferry terminal.", "3"),
    ("The new road is 5 km long, the council said.", "The new road is 5 miles long.", "miles"),
    # a "not" dropped, or added
    (SIGNING, "The ministry signed the agreement in Geneva, officials said.", "dropped"),
    (FARES, "Fares on all 12 routes will not rise from 28 June, the operator said.", "negated"),
    (
        "Iran says it did not show up for the technical talks, while a US official insists the "
        "process is on track.",
        "Iran attended the technical talks.",
        "dropped",
    ),
    ("Officials, who did not give their names, said the talks resumed.", "Talks resumed.", None),
    # polarity flipped
    ("Iran skipped the technical talks on Monday.", "Iran attends the technical talks.", "dropped"),
    ("Passenger numbers fell sharply in May.", "Passenger numbers rose sharply in May.", "fell"),
    # a name swapped or added
    (SIGNING, "The ministry did not sign the agreement in Vienna, officials said.", "Vienna"),
    (FARES, "Fares will rise by 5 percent, Mr. Olsen said.", "Olsen"),
    (SIGNING, "Vladimir Putin did not sign the agreement in Geneva.", "Vladimir"),
    (SIGNING, "Putin did not sign the agreement in Geneva, officials said.", "Putin"),
    # a date changed or added
    (FARES, "Fares on all 12 routes will rise by 5 percent from 28 July.", "July"),
    (FARES, "Fares on all 12 routes will rise by 5 percent from 28 June 2023.", "2023"),
    (FARES, "The operator said on Wednesday that fares will rise by 5 percent.", "Wednesday"),
    (FARES, "The operator said yesterday that fares will rise by 5 percent.", "yesterday"),
    # beside an unrelated real quote
    (BUDGET, "Rebels overran the northern garrison after heavy shelling overnight.", "few words"),
]


@pytest.mark.parametrize(("quote", "statement", "reason"), CASES)
def test_support_rule(quote: str, statement: str, reason: str | None) -> None:
    problems = support_problems(statement, [quote])
    if reason is None:
        assert problems == []
    else:
        assert problems, f"{statement!r} passed"
        assert any(reason in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,200 people", 1200, None),
        ("5 per cent", 5, "%"),
        ("5%", 5, "%"),
        ("$3 million", 3e6, "$"),
        ("3 million dollars", 3e6, "$"),
        ("2.5bn euros", 2.5e9, "\u20ac"),
        ("a 5-day truce", 5, "day"),
        ("twelve routes", 12, None),
        ("one hundred", 100, None),
    ],
)
def test_quantities_normalise_separators_scales_and_units(
    text: str, value: float, unit: str | None
) -> None:
    (quantity,) = quantities(text)
    assert (quantity.value, quantity.unit) == (value, unit)


def test_the_given_topic_counts_as_quoted() -> None:
    title = fallback_title("Bergen ferries")
    assert support_problems(title, [FARES], given=title) == []
    assert support_problems("Oslo ferries", [FARES]) != []
    assert support_problems("Putin signed the agreement.", [SIGNING]) != []


def _index(*texts: str) -> CitationIndex:
    """Documents d1, d2, ... holding ``texts``; their words are where actors' names must be."""
    docs = [Document(id=f"d{i}", path=f"d{i}", text=t) for i, t in enumerate(texts, 1)]
    return CitationIndex(docs)


def _fact(statement: str, quote: str, source: str = "d1") -> Fact:
    return Fact(
        statement=statement,
        citations=(Citation(source_id=source, quote=quote, start=0, end=len(quote)),),
    )


def test_unsupported_fact_is_replaced_by_its_quote_and_counted() -> None:
    stats = Tally()
    good = _fact("Officials said the ministry did not sign the agreement in Geneva.", SIGNING)
    bad = _fact("The ministry signed the agreement in Geneva.", SIGNING)
    short = _fact("Ferries stopped in 1999.", "Ferries stopped.")
    kept = support_facts(_index(SIGNING), [good, bad, short], stats)
    assert kept[0] == good
    assert kept[1].statement == SIGNING and kept[1].citations == bad.citations
    assert len(kept) == 2  # a quote too short to stand alone: the fact is dropped
    assert (stats.statements_unsupported, stats.statements_replaced_by_quote) == (2, 1)
    assert support_facts(_index(SIGNING), [Fact(statement="47 delegates signed.")], stats) == []


@pytest.mark.parametrize(("date", "kept"), [("28 June", True), ("28 June 2023", False)])
def test_a_fact_date_must_be_written_in_its_quotes(date: str, kept: bool) -> None:
    fact = _fact(FARES, FARES).model_copy(update={"date": date})
    (out,) = support_facts(_index(FARES), [fact], Tally())
    assert out.date == (date if kept else None)


def test_synthesis_title_bottom_line_and_actors_are_checked() -> None:
    stats = Tally()
    fact = _fact(FARES, FARES)
    synthesis = Synthesis(
        title="Ceasefire signed by 47 delegates in Geneva",
        bottom_line=(_fact("Fares on all 12 routes will rise by 7 percent.", FARES),),
        watch=(_fact("The fare rise from 28 June affects 1,200 commuters in Bergen.", FARES),),
        actors=(
            ActorPosition(
                name="The operator",
                position="Fares will fall in Oslo.",
                citations=fact.citations,
            ),
        ),
    )
    index = _index(FARES)
    out = support_synthesis(index, synthesis, [fact], topic="Bergen ferry fares", tally=stats)
    assert out.title == fallback_title("Bergen ferry fares")
    assert out.bottom_line[0].statement == FARES
    assert out.watch == synthesis.watch
    assert out.actors[0].position == FARES
    assert (stats.statements_unsupported, stats.statements_replaced_by_quote) == (3, 2)


def test_contradiction_summary_and_sides_are_checked() -> None:
    other = "The union said fares on all 12 routes will stay the same."
    contradiction = Contradiction(
        kind="claim_conflict",
        summary="The operator and the union disagree about 40 routes in Oslo.",
        sides=(
            ContradictionSide(
                actor="The operator", statement=FARES, citations=_fact(FARES, FARES).citations
            ),
            ContradictionSide(
                actor="the union",
                statement="The union said fares on all 14 routes will stay the same.",
                citations=_fact(other, other).citations,
            ),
        ),
    )
    stats = Tally()
    index = _index(FARES, other)
    # What the sides disagree on is the contradiction: a summary its quotes do not bear out
    # (40 routes, Oslo) leaves it out, counted; a neutral one would assert an unchecked conflict
    assert support_contradictions(index, [contradiction], stats) == []
    assert (stats.statements_unsupported, stats.statements_dropped_unsupported) == (2, 1)
    fine = contradiction.model_copy(update={"summary": "The operator and the union disagree."})
    (kept,) = support_contradictions(index, [fine], Tally())
    assert kept.summary == fine.summary
    assert kept.sides[1].statement == other  # the side that said "14 routes": its quote


def test_actors_must_be_named_in_the_cited_documents() -> None:
    earlier = "Transport minister Kari Olsen spoke in Bergen. " + FARES
    index = _index(earlier)
    quoted = _fact(FARES, FARES)
    named = quoted.model_copy(update={"actor": "Kari Olsen"})  # named earlier in the document
    invented = quoted.model_copy(update={"actor": "The Geneva delegation"})
    stats = Tally()
    kept = support_facts(index, [named, invented], stats)
    assert [f.actor for f in kept] == ["Kari Olsen", None]
    positions = (
        ActorPosition(name="Minister Olsen", position=FARES, citations=quoted.citations),
        ActorPosition(name="Geneva delegates", position=FARES, citations=quoted.citations),
    )
    synthesis = Synthesis(title=fallback_title("fares"), actors=positions)
    out = support_synthesis(index, synthesis, [quoted], topic="fares", tally=stats)
    assert [a.name for a in out.actors] == ["Minister Olsen"]
    assert stats.statements_unsupported == 2


# -- the offline engine's briefs pass the check unchanged ---------------------------------------


def assert_supported(brief: Brief) -> None:
    """Every statement, title, summary and position on the page is supported by its quotes."""
    facts = [*brief.bottom_line, *brief.facts, *brief.watch, *brief.more_facts]
    for fact in facts:
        assert support_problems(fact.statement, [c.quote for c in fact.citations]) == [], fact
    quotes = [c.quote for f in facts for c in f.citations]
    title = fallback_title(brief.topic)
    # A title made of a story's headline is source text (a document's own headline or first
    # line, verbatim), not model text: it must be one of the page's story headlines exactly.
    headlines = {story.headline for story in brief.stories}
    named = brief.title.removeprefix("Situation brief: ").removesuffix(", among other stories")
    if named not in headlines:
        assert support_problems(brief.title, quotes, given=title) == [], brief.title
    for actor in brief.actors:
        assert support_problems(actor.position, [c.quote for c in actor.citations]) == []
    for c in [*brief.contradictions, *brief.more_contradictions]:
        side_quotes = [q.quote for s in c.sides for q in s.citations]
        actors = "\n".join(s.actor for s in c.sides if s.actor)
        assert support_problems(c.summary, side_quotes, given=actors, framing=True) == []
        for side in c.sides:
            side_quotes = [q.quote for q in side.citations]
            assert support_problems(side.statement, side_quotes, framing=True) == []


def _offline_unchanged(brief: Brief) -> None:
    assert_supported(brief)
    assert brief.stats.statements_unsupported == 0, brief.title


def test_offline_brief_of_the_examples_passes_unchanged() -> None:
    docs = ingest_paths([ROOT / "examples"]).documents
    _offline_unchanged(build_brief(docs, settings=Settings(), today=dt.date(2026, 1, 1)))


@pytest.mark.skipif(not EVAL_DATA.exists(), reason="../shared/eval-data absent")
def test_offline_briefs_of_neus_clusters_pass_unchanged() -> None:
    from briefing.eval.loaders import load_neus

    for cluster in load_neus(EVAL_DATA, limit=6).items:
        brief = build_brief(list(cluster.documents), settings=Settings(), today=dt.date(2026, 1, 1))
        _offline_unchanged(brief)


def test_a_figure_must_count_what_its_quote_counts() -> None:
    this_week = (
        "The number of Americans filing first-time unemployment claims fell last week to "
        "473,000, a drop of 34,000 from the previous week, the Labor Department said."
    )
    fine = "Unemployment claims fell to 473,000, a drop of 34,000."
    assert support_problems(fine, [this_week]) == []
    # the right figure for the wrong thing: last week's revised level was 507,000
    wrong = "Claims fell to 473,000 from the previous week's revised level of 473,000."
    (problem,) = support_problems(wrong, [this_week])
    assert "473,000" in problem


def test_a_quote_that_is_not_what_the_statement_says_does_not_stand_in_for_it() -> None:
    # The model gave the wrong quote: replaced by it, the page would carry something else
    # under the statement's actor and rank. Left out, counted.
    stats = Tally()
    quote = "That combination makes technical implementation talks look both more fragile."
    wrong = _fact("Ambassador Waltz warned Tehran against attacks on shipping.", quote)
    wrong = wrong.model_copy(update={"actor": "Waltz"})
    assert support_facts(_index("Waltz spoke. " + quote), [wrong], stats) == []
    assert stats.statements_dropped_unsupported == 1
    # a statement replaced by its quote keeps its actor only when the quote names it
    said = _fact("The ministry signed the agreement in Geneva.", SIGNING)
    said = said.model_copy(update={"actor": "Officials"})
    (kept,) = support_facts(_index(SIGNING), [said], Tally())
    assert kept.statement == SIGNING and kept.actor == "Officials"
    elsewhere = said.model_copy(update={"actor": "Minister Kari Olsen"})  # named, not quoted
    (kept,) = support_facts(_index("Minister Kari Olsen spoke. " + SIGNING), [elsewhere], Tally())
    assert kept.statement == SIGNING and kept.actor is None
