"""The changes stage: a day's brief against the previous one, run inside build_brief."""

from __future__ import annotations

import datetime as dt

from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, ORCHARD_FROST, make_document

from briefing.changes import PreviousDay, brief_facts, track_changes
from briefing.config import Settings
from briefing.models import Reprint
from briefing.pipeline import build_brief
from briefing.render.markdown import markdown_words

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
