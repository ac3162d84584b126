"""The changes stage: a day's brief against the previous one, run inside build_brief."""

from __future__ import annotations

import datetime as dt
import re

from brief_samples import daily_brief
from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST, make_document

from briefing.changes import (
    PreviousDay,
    PreviousStory,
    brief_facts,
    carried_again,
    listed_developments,
    story_statements,
    track_changes,
)
from briefing.config import Settings
from briefing.models import Reprint
from briefing.pipeline import build_brief
from briefing.render.html import render_html
from briefing.render.markdown import markdown_words, render_markdown

DAY = dt.date(2026, 11, 20)
DOCS = [make_document(FERRY_STRIKE, "ferry.txt"), make_document(BRIDGE_VOTE, "bridge.txt")]


def test_a_daily_brief_is_fitted_once_with_its_since_yesterday() -> None:
    plain = build_brief(DOCS, settings=Settings(cache=False), today=DAY)
    previous = PreviousDay(day=DAY - dt.timedelta(days=1), facts=tuple(brief_facts(plain)[:2]))
    for budget in (650, 260):
        settings = Settings(cache=False, max_words=budget)
        daily = build_brief(DOCS, settings=settings, today=DAY, previous=previous)
        assert daily.changes is not None and daily.changes.previous_day == previous.day
        assert daily.changes.repeated_facts == 2
        assert daily.changes.new_facts
        # the page, Since yesterday included, was measured once and fits its budget
        assert markdown_words(daily) == daily.stats.words <= budget
    first = build_brief(DOCS, settings=Settings(cache=False), today=DAY, previous=PreviousDay())
    assert first.changes is not None and first.changes.previous_day is None
    assert plain.changes is None  # a build without ``previous`` is not a daily brief


def test_track_changes_is_pure_and_reprints_follow_the_page() -> None:
    brief = build_brief(DOCS, settings=Settings(cache=False), today=DAY)
    previous = PreviousDay(day=DAY - dt.timedelta(days=1), facts=tuple(brief_facts(brief)))
    once, twice = track_changes(brief, previous), track_changes(brief, previous)
    assert once == twice and once.new_facts == () and once.repeated_facts == len(previous.facts)
    cited = brief.sources[0].id
    reprints = [
        Reprint(source_id=cited, path="copy.txt", outlet="Other Outlet"),
        Reprint(source_id="not-a-source", path="orphan.txt"),
    ]
    daily = build_brief(
        [*DOCS, make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False),
        today=DAY,
        previous=previous,
        reprints=reprints,
    )
    assert [r.path for r in daily.reprints] == ["copy.txt"]  # only stories the page cites


def test_a_copy_of_a_story_still_running_is_noted_with_the_reprints() -> None:
    # The previous brief had the ferry and bridge stories; today the ferry story runs on (a
    # source of today's brief) and another outlet's copy of yesterday's ferry source arrives.
    # The copy is matched with the ferry story by content (a statement it says), the story is
    # not "Reprinted today" (it is still running), and the copy is noted with the reprints,
    # naming the story, the day that briefed it and today's file; nothing quotes the copy.
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)
    stories = story_statements(day1)
    ferry = next(s.headline for s in stories if "Ferry" in s.headline or "ferry" in s.headline)
    copy = Reprint(source_id="gone", path="inbox/gazette.txt", outlet="Harbour Gazette",
                   briefed=DAY)  # fmt: skip
    other = Reprint(source_id="gone2", path="inbox/other.txt", briefed=DAY, title="Elsewhere")
    carried = carried_again(stories, [(copy, "Intro.\n" + FERRY_STRIKE), (other, ORCHARD_FROST)])
    assert [r.story for r in carried] == [ferry, None]  # matched by a statement, or none
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(stories), reprinted=tuple(carried)
    )
    later = build_brief(
        [make_document(FERRY_STRIKE, "ferry.txt"), make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False),
        today=DAY + dt.timedelta(days=1),
        previous=previous,
        reprints=carried,
    )
    assert later.changes is not None
    assert "reprinted" not in {c.status for c in later.changes.stories}  # still running
    assert [r.path for r in later.reprints] == ["inbox/gazette.txt", "inbox/other.txt"]
    md = render_markdown(later)
    assert (
        f"- {ferry} (briefed 2026-11-20) carried again today by Harbour Gazette · "
        "`inbox/gazette.txt`" in md
    )
    assert "- Elsewhere (briefed 2026-11-20) carried again today by `inbox/other.txt`" in md


def test_each_story_is_new_developing_or_gone_quiet() -> None:
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)  # ferry, bridge
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(story_statements(day1))
    )
    assert {s.headline for s in previous.stories} == {st.headline for st in day1.stories}
    later = (
        "The operator and the crew union agreed on Tuesday evening to meet a mediator in the "
        "capital next week, the harbour master of Halvik told reporters."
    )
    day2_docs = [
        make_document(f"{FERRY_STRIKE}\n\n{later}\n", "ferry-2.txt"),
        make_document(ORCHARD_FROST, "orchard.txt"),
    ]
    day2 = build_brief(
        day2_docs, settings=Settings(cache=False), today=DAY + dt.timedelta(days=1),
        previous=previous,
    )  # fmt: skip
    assert day2.changes is not None
    status = {c.headline: c.status for c in day2.changes.stories}
    ferry, bridge = (next(s.headline for s in day1.stories if w in s.headline.lower())
                     for w in ("ferry", "bridge"))  # fmt: skip
    orchard = next(s.headline for s in day2.stories if s.source_ids == (day2_docs[1].id,))
    assert status == {ferry: "developing", orchard: "new", bridge: "quiet"}
    developing = next(c for c in day2.changes.stories if c.status == "developing")
    assert developing.new_facts >= 1 and developing.story_id in {s.id for s in day2.stories}
    md = render_markdown(day2)
    above, since = md[: md.index("## Since yesterday")], md[md.index("## Since yesterday") :]
    assert f"- Gone quiet: {bridge}" in since
    # a story the page shows is marked in its own heading, not named again below it
    number = 1 + [s.headline for s in day2.stories].index(orchard)
    assert f"### {number}. {orchard} *(new)*" in above and orchard not in since
    assert f"- New: story {number} above" in since
    # Only news is listed: the same facts again are not a developing story.
    again = track_changes(day1, previous)
    assert [c.status for c in again.stories] == []


def test_copies_of_many_earlier_stories_are_a_few_lines_and_a_count() -> None:
    # A day may bring copies of dozens of stories briefed before; the page names five and
    # counts the rest, as it does other reprints; the JSON lists every one.
    brief = daily_brief()
    carried = [
        Reprint(source_id=f"old{i}", path=f"in/copy{i}.txt", title=f"Old story {i}", briefed=DAY)
        for i in range(7)
    ]
    md = render_markdown(brief.model_copy(update={"reprints": [*brief.reprints, *carried]}))
    assert md.count(" carried again today by ") == 5
    assert "- (and 2 more stories carried again today, in the JSON)" in md


def test_a_developing_story_the_page_has_no_line_for_says_a_new_fact_in_its_line() -> None:
    # The fit left the developing ferry story no line of its own (here: its items taken off
    # the page). Since yesterday names it by headline, and that line now carries its first
    # listed new fact, cited, so a story called Developing is never on the page by its
    # headline alone; New developments does not list that fact again. (Before, the page said
    # "Developing: <headline> (1 new fact)" and the story was "1 more story in the JSON".)
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(story_statements(day1))
    )
    later = (
        "The operator and the crew union agreed on Tuesday evening to meet a mediator in the "
        "capital next week, the harbour master of Halvik told reporters."
    )
    docs = [
        make_document(f"{FERRY_STRIKE}\n\n{later}\n", "ferry-2.txt"),
        make_document(ORCHARD_FROST, "orchard.txt"),
    ]
    day2 = build_brief(
        docs, settings=Settings(cache=False), today=DAY + dt.timedelta(days=1), previous=previous
    )
    assert day2.changes is not None
    developing = next(c for c in day2.changes.stories if c.status == "developing")
    shown_md = render_markdown(day2)  # the story has its line: pointed at, as before
    assert re.search(r"- Developing: (story \d|1 other story) above\n", shown_md)
    ferry = next(s for s in day2.stories if s.id == developing.story_id)
    elsewhere = [
        [f for f in facts if not any(c.source_id in ferry.source_ids for c in f.citations)]
        for facts in (day2.bottom_line, day2.facts, day2.watch)
    ]
    page = day2.model_copy(
        update=dict(zip(("bottom_line", "facts", "watch"), elsewhere, strict=True))
    )
    for text in (render_markdown(page), render_html(page)):
        since = text[text.index("Since yesterday") :]
        line = next(x for x in since.splitlines() if "Developing:" in x)
        assert ferry.headline in line and "(1 new fact: " in line
        assert "mediator" in line and since.count("mediator") == 1  # said once, in its line
    md = render_markdown(page)
    line = next(x for x in md.splitlines() if x.startswith("- Developing:"))
    assert re.search(r"fact: “The operator and the crew union agreed[^”]*” \[\d+\]\)", line)


def test_one_story_split_in_two_the_day_before_goes_quiet_once() -> None:
    # yesterday's page told the tunnel flood as two stories; two other stories on the same
    # city, each its own event, stay two entries
    tunnel = [
        PreviousStory(
            headline="Floodwater closes Halvik harbour tunnel",
            statements=("Floodwater from the burst main closed the Halvik harbour tunnel.",),
        ),
        PreviousStory(
            headline="Burst main floods harbour tunnel in Halvik",
            statements=("Engineers pumped floodwater from the harbour tunnel after the burst.",),
        ),
    ]
    others = [
        PreviousStory(
            headline="Halvik council approves budget for new library",
            statements=("The Halvik council approved the library budget on Monday.",),
        ),
        PreviousStory(
            headline="Halvik marathon draws record field of runners",
            statements=("A record field of runners started the Halvik marathon on Sunday.",),
        ),
    ]
    previous = PreviousDay(day=DAY, stories=(tunnel[0], others[0], tunnel[1], others[1]))
    today = build_brief(
        [make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False),
        today=DAY + dt.timedelta(days=1),
        previous=previous,
    )
    assert today.changes is not None
    quiet = [c.headline for c in today.changes.stories if c.status == "quiet"]
    assert quiet == [tunnel[0].headline, others[0].headline, others[1].headline]


def test_another_outlets_account_of_a_story_is_developing_not_new() -> None:
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)  # ferry, bridge
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(story_statements(day1))
    )
    retold = make_document(  # the ferry strike in other words: no sentence in common
        "Halvik ferry strike leaves outer islands cut off\n\nNo ferries sailed from Halvik to "
        "the outer islands for a second day as the crews' strike over pay went on. Island "
        "shopkeepers said shelves of milk and bread were empty. The ferry operator repeated "
        "that its three percent wage offer was fair, while the crews' union said it would not "
        "return until talks resumed.\n",
        "ferry-other-outlet.txt",
    )
    day2 = build_brief(
        [retold, make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False),
        today=DAY + dt.timedelta(days=1),
        previous=previous,
    )
    assert day2.changes is not None
    ferry = next(s.headline for s in previous.stories if "ferry" in s.headline.lower())
    bridge = next(s.headline for s in previous.stories if "bridge" in s.headline.lower())
    status = {c.headline: c.status for c in day2.changes.stories}
    retold_story = next(s.headline for s in day2.stories if retold.id in s.source_ids)
    assert status[retold_story] == "developing"  # not "new" beside a "gone quiet" ferry
    assert ferry not in status and status[bridge] == "quiet"
    orchard = next(h for h in status if h not in (retold_story, bridge))
    assert status[orchard] == "new"  # an unrelated story is not taken for a continuation


def test_new_developments_never_repeat_what_the_page_printed_above() -> None:
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)  # ferry, bridge
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(story_statements(day1))
    )
    later = (
        "The operator and the crew union agreed on Tuesday evening to meet a mediator in the "
        "capital next week, the harbour master of Halvik told reporters."
    )
    day2 = build_brief(
        [make_document(f"{FERRY_STRIKE}\n\n{later}\n", "ferry-2.txt"),
         make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False), today=DAY + dt.timedelta(days=1), previous=previous,
    )  # fmt: skip
    assert day2.changes is not None and len(day2.stories) == 2  # the lineup page
    md = render_markdown(day2)
    above, since = md[: md.index("## Since yesterday")], md[md.index("## Since yesterday") :]
    new = since[since.index("**New developments**") :].split("\n\n")[0]
    listed = [line for line in new.splitlines()[1:] if line.startswith("- \u201c")]
    assert all(line[2 : line.rindex("\u201d") + 1] not in above for line in listed)
    unseen = [f for f in day2.changes.new_facts if f"\u201c{f.statement}\u201d" not in above]
    assert len(listed) == min(day2.changes.shown_new_facts, len(unseen))  # the rest counted
    assert [f"\u201c{f.statement}\u201d" for f in listed_developments(day2)] == [
        line[2 : line.rindex("\u201d") + 1] for line in listed
    ]
    assert len(day2.changes.new_facts) > len(listed)  # the JSON keeps every new fact


def test_long_change_lists_show_three_and_count_the_rest() -> None:
    from brief_samples import daily_brief, make_brief

    from briefing.render.html import render_html

    brief = daily_brief(n_sources=3)
    assert brief.changes is not None
    many = make_brief(n_contradictions=5, n_sources=3).contradictions
    stories = [{"headline": f"Story {i}", "status": "quiet"} for i in range(5)]
    changes = brief.changes.model_validate(
        {**brief.changes.model_dump(), "new_contradictions": [c.model_dump() for c in many],
         "stories": stories}
    )  # fmt: skip
    brief = brief.model_copy(update={"changes": changes})
    md = render_markdown(brief)
    since = md[md.index("## Since yesterday") :]
    assert sum(c.summary in since for c in many) == 3 and "(and 2 more in the JSON)" in since
    assert "- Gone quiet: Story 0; Story 1; Story 2 (and 2 more in the JSON)" in since
    html = render_html(brief)
    assert sum(c.summary in html for c in many) == 3 and html.count("more in the JSON") >= 2


def test_new_developments_cut_by_the_page_fit_are_counted() -> None:
    from brief_samples import daily_brief

    from briefing.render.html import render_html

    brief = daily_brief(n_sources=3)
    assert brief.changes is not None
    first = brief.changes.new_facts[0]
    facts = (first, first.model_copy(update={"statement": "The timetable was printed again."}))
    cut = brief.changes.model_copy(update={"new_facts": facts, "shown_new_facts": 1})
    brief = brief.model_copy(update={"changes": cut})
    more = len(cut.new_facts) - 1
    md = render_markdown(brief)
    assert f"- (and {more} more in the JSON)" in md[md.index("**New developments**") :]
    assert f"and {more} more in the JSON</li>" in render_html(brief)


def test_an_updates_new_sentence_dropped_from_the_page_leads_new_developments() -> None:
    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)  # ferry, bridge
    later = (
        "The operator and the crew union agreed on Tuesday evening to meet a mediator in the "
        "capital next week, the harbour master of Halvik told reporters."
    )
    update = make_document(f"{FERRY_STRIKE}\n\n{later}\n", "ferry.txt")
    previous = PreviousDay(
        day=DAY,
        facts=tuple(brief_facts(day1)),
        stories=tuple(story_statements(day1)),
        updated=(update.id,),
    )
    day2 = build_brief(
        [update, make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False), today=DAY + dt.timedelta(days=1), previous=previous,
    )  # fmt: skip
    assert day2.changes is not None
    assert {c.status for c in day2.changes.stories} >= {"updated", "new"}
    assert "mediator" in day2.changes.new_facts[0].statement  # the update's sentence first

    def without_it(items: list) -> list:
        return [f for f in items if "mediator" not in f.statement]

    # as if the page fit had dropped it from the story above: it is listed, and first
    fitted = day2.model_copy(
        update={k: without_it(getattr(day2, k)) for k in ("bottom_line", "facts", "watch")}
    )
    printed = [f.statement for f in [*day2.bottom_line, *day2.facts, *day2.watch]]
    assert any("mediator" in p for p in printed)  # on the page above: not listed again
    assert all("mediator" not in f.statement for f in listed_developments(day2))
    assert "mediator" in listed_developments(fitted)[0].statement
    md = render_markdown(fitted)
    assert "mediator" in md[md.index("**New developments**") :]


def test_an_updated_articles_new_facts_are_its_new_sentences() -> None:
    """What an updated article said yesterday is not new today, even when yesterday's page had
    no room for it: only its added sentences are the update's new facts."""
    from briefing.changes import compare_days
    from briefing.models import Citation, Fact

    old = "The ferry crews walked out on Monday. Crossings were suspended."
    new = "The crews agreed on Tuesday to meet a mediator."

    def fact(quote: str) -> Fact:
        return Fact(statement=quote, citations=(Citation(source_id="wire", quote=quote),))

    today = [fact("Crossings were suspended."), fact(new)]
    changes = compare_days(today, [], [], [], dt.date(2026, 11, 19), earlier={"wire": old + "\n"})
    assert [f.statement for f in changes.new_facts] == [new]
    assert changes.repeated_facts == 1
    assert len(compare_days(today, [], [], [], dt.date(2026, 11, 19)).new_facts) == 2


def test_new_developments_lead_with_sentences_that_stand_alone() -> None:
    from brief_samples import make_brief

    from briefing.changes import _moving_first
    from briefing.models import Fact

    first = make_brief().facts[0]

    def fact(statement: str) -> Fact:
        return first.model_copy(update={"statement": statement})

    leaning = fact("It makes no exceptions in cases of rape or incest.")
    headline = fact("Governor signs abortion bill")
    standalone = fact("The governor signed the bill on Friday.")
    ordered = _moving_first(make_brief(), [leaning, headline, standalone], [], [])
    assert ordered == (standalone, headline, leaning)


def test_an_updates_own_new_sentence_leads_its_storys_new_facts() -> None:
    """An updated story may also have new outlets on it: the update's new sentence ("Saul told
    The Washington Post on Saturday ...") is what New developments leads with, not another
    outlet's account of what the earlier brief already told."""
    from brief_samples import make_brief

    from briefing.changes import _moving_first
    from briefing.models import Citation, Fact

    def fact(statement: str, source: str) -> Fact:
        return Fact(statement=statement, citations=(Citation(source_id=source, quote=statement),))

    retold = fact("The commissioner was fired on Friday, the White House said.", "other-outlet")
    added = fact("The commissioner said on Saturday he would report to work.", "updated-wire")
    ordered = _moving_first(make_brief(), [retold, added], [], ["updated-wire"])
    assert ordered == (added, retold)


def test_a_story_the_page_shows_is_marked_there_and_one_it_left_out_is_named() -> None:
    from briefing.render.html import render_html

    day1 = build_brief(DOCS, settings=Settings(cache=False), today=DAY)  # ferry, bridge
    previous = PreviousDay(
        day=DAY, facts=tuple(brief_facts(day1)), stories=tuple(story_statements(day1))
    )
    day2 = build_brief(
        [*DOCS, make_document(ORCHARD_FROST, "orchard.txt")],
        settings=Settings(cache=False), today=DAY + dt.timedelta(days=1), previous=previous,
    )  # fmt: skip
    assert day2.changes is not None
    orchard = next(c for c in day2.changes.stories if c.status == "new")
    number = 1 + [s.id for s in day2.stories].index(orchard.story_id or "")
    html = render_html(day2)
    since = html[html.index('id="since-yesterday"') :]
    assert f'{orchard.headline} <span class="story-status">new</span></h3>' in html
    assert f"<li>New: story {number} above</li>" in since and orchard.headline not in since
    # the page fit took the story's lines off the page: Since yesterday names it
    story = next(s for s in day2.stories if s.id == orchard.story_id)
    gone = day2.model_copy(
        update={
            name: [
                f for f in getattr(day2, name) if f.citations[0].source_id not in story.source_ids
            ]
            for name in ("bottom_line", "facts", "watch")
        }
    )
    assert f"- New: {orchard.headline}" in render_markdown(gone)
    assert f'<li>New: <span dir="ltr">{orchard.headline}</span></li>' in render_html(gone)


def test_new_developments_list_sentences_not_opinion_leaning_lines_or_headings() -> None:
    """From an installed wheel, a day's New developments were two headlines printed as the
    story headings just above, and elsewhere an opinion piece's "OPINION:" headline and a
    sentence leaning on the one before: the page lists sentences that stand alone and tell
    (the JSON keeps every new fact)."""
    from brief_samples import cite, daily_brief

    from briefing.changes import _moving_first
    from briefing.models import BriefStory, Fact

    brief = daily_brief(n_sources=4)
    assert brief.changes is not None
    stories = [
        BriefStory(id="s1", rank=1, headline="Ferry operator and union agree to talks",
                   source_ids=("doc0001", "doc0002")),
        BriefStory(id="s2", rank=2, headline="Council reviews the flood barriers",
                   source_ids=("doc0003", "doc0004")),
    ]  # fmt: skip

    def fact(statement: str, source: int = 3) -> Fact:
        return Fact(statement=statement, citations=(cite(source, statement[:20]),))

    opinion = fact("OPINION: The ferry strike shows the port is badly run")
    labelled = fact("Opinion | Why the council should rethink the barriers")
    leaning = fact("That decision left the islands without fresh food for a week.")
    heading = fact(stories[0].headline, source=1)  # the heading of a story on the page
    headline = fact("Harbour master names new deputy")
    sentence = fact("The harbour master said the crossings would resume on Friday.")
    new = (opinion, labelled, leaning, heading, headline, sentence)
    changes = brief.changes.model_copy(update={"new_facts": new, "shown_new_facts": 5})
    page = brief.model_copy(update={"stories": stories, "changes": changes})
    assert listed_developments(page) == [headline, sentence]
    md = render_markdown(page)
    listed = md[md.index("**New developments**") :].split("\n\n")[0]
    assert sentence.statement in listed and "OPINION" not in listed and "Opinion" not in listed
    assert "(and 4 more in the JSON)" in listed
    # sentences before headlines, even an updated story's headline before another's sentence
    elsewhere = fact("The council said the barrier review would be published in May.", 4)
    assert _moving_first(page, [headline, elsewhere], [], ["doc0003"]) == (elsewhere, headline)
