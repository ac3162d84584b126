"""Since yesterday: a day's results against the previous daily brief's, matched by content.

A pure stage. ``build_brief(..., previous=...)`` runs it on the composed brief before the
page is fitted, so a daily brief is composed and fitted once. Facts and contradictions are
matched by their words (normalised, then a Jaccard overlap), never by id: ids are positions
on a page and change from day to day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from briefing.claims import about_coverage, needs_context, slanted
from briefing.lexicon import fold_quote, normalise_statement
from briefing.models import (
    Brief,
    BriefStats,
    Changes,
    Contradiction,
    Fact,
    Reprint,
    StoryChange,
)
from briefing.stories import fact_story, one_story_groups, same_stories, story_of_sources
from briefing.text import ends_sentence

# Facts whose word sets overlap this much are the same development, reworded.
SAME_FACT_JACCARD = 0.75


class PreviousStory(BaseModel):
    """A story of the previous brief: its headline and the statements of its facts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headline: str
    statements: tuple[str, ...] = ()


class PreviousDay(BaseModel):
    """What the daily brief before this one reported: the input of the changes stage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day: dt.date | None = Field(
        default=None, description="The day of the earlier brief; None on the first daily brief."
    )
    facts: tuple[Fact, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    stories: tuple[PreviousStory, ...] = ()
    since: dt.datetime | None = Field(
        default=None, description="End of the previous run: documents after it are new."
    )
    updated: tuple[str, ...] = Field(
        default=(),
        description="Ids of today's documents that update a story briefed before (new sentences).",
    )
    earlier: dict[str, str] = Field(
        default_factory=dict,
        description="An updated document's id -> the text it updates: what it said before.",
    )
    reprinted: tuple[Reprint, ...] = Field(
        default=(),
        description="Copies that arrived today of sources an earlier brief had (``briefed`` "
        "set), each with the headline of the story it carries (``carried_again``).",
    )


def carried_again(
    stories: Sequence[PreviousStory], carried: Sequence[tuple[Reprint, str]]
) -> list[Reprint]:
    """Each copy of an earlier day's source (with the text of the source it copies) with the
    headline of the previous brief's story it carries again: the first story a statement of
    which that source says, or whose headline is its title (matched by content, as
    everywhere here). A copy of a source the previous brief did not cite keeps no story."""
    out = []
    for reprint, text in carried:
        folded = fold_quote(text)
        title = _words(reprint.title or "")
        story = next(
            (
                s.headline
                for s in stories
                if _same(title, _words(s.headline))
                or any(fold_quote(statement) in folded for statement in s.statements)
            ),
            None,
        )
        out.append(reprint.model_copy(update={"story": story}))
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise_statement(text).split())


def _same(a: frozenset[str], b: frozenset[str]) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= SAME_FACT_JACCARD


def _matches_any(words: frozenset[str], pool: Sequence[frozenset[str]]) -> bool:
    return any(_same(words, other) for other in pool)


def _said_before(fact: Fact, earlier: Mapping[str, str]) -> bool:
    """Whether every quote of ``fact`` is from an updated document and in what it said before
    (``earlier``: id -> that text, folded)."""
    return bool(fact.citations) and all(
        c.source_id in earlier and fold_quote(c.quote) in earlier[c.source_id]
        for c in fact.citations
    )


def _contradiction_sides(c: Contradiction) -> list[frozenset[str]]:
    return [_words(side.statement) for side in c.sides]


def _same_contradiction(a: Contradiction, b: Contradiction) -> bool:
    sides_a, sides_b = _contradiction_sides(a), _contradiction_sides(b)
    return all(_matches_any(s, sides_b) for s in sides_a) and all(
        _matches_any(s, sides_a) for s in sides_b
    )


def compare_days(
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction],
    previous_facts: Sequence[Fact],
    previous_contradictions: Sequence[Contradiction],
    previous_day: dt.date,
    *,
    earlier: Mapping[str, str] | None = None,
) -> Changes:
    """Today's facts and contradictions against the previous day's, by normalised content. A
    fact quoting only what an updated document already said (``earlier``: its id -> the text
    it updates) is not new: an update's new facts are its new sentences."""
    before = [_words(f.statement) for f in previous_facts]
    folded = {doc_id: fold_quote(text) for doc_id, text in (earlier or {}).items()}
    new_facts = [
        f
        for f in facts
        if not _matches_any(_words(f.statement), before) and not _said_before(f, folded)
    ]
    appeared = [
        c
        for c in contradictions
        if not any(_same_contradiction(c, p) for p in previous_contradictions)
    ]
    today_statements = [_words(f.statement) for f in facts] + [
        s for c in contradictions for s in _contradiction_sides(c)
    ]
    resolved: list[Contradiction] = []
    dropped: list[Contradiction] = []
    for old in previous_contradictions:
        if any(_same_contradiction(old, c) for c in contradictions):
            continue
        still = [s for s in _contradiction_sides(old) if _matches_any(s, today_statements)]
        (resolved if still else dropped).append(old)
    return Changes(
        previous_day=previous_day,
        new_facts=tuple(new_facts),
        repeated_facts=len(facts) - len(new_facts),
        new_contradictions=tuple(appeared),
        resolved_contradictions=tuple(resolved),
        dropped_contradictions=tuple(dropped),
    )


def brief_facts(brief: Brief) -> list[Fact]:
    """Every verified fact of a brief, once each, in the brief's order."""
    seen: set[frozenset[str]] = set()
    out: list[Fact] = []
    for fact in [*brief.bottom_line, *brief.facts, *brief.watch, *brief.more_facts]:
        key = _words(fact.statement)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out


def brief_contradictions(brief: Brief) -> list[Contradiction]:
    return [*brief.contradictions, *brief.more_contradictions]


def track_changes(brief: Brief, previous: PreviousDay) -> Changes:
    """The "Since yesterday" of a composed brief, given what the previous brief reported."""
    if previous.day is None:
        return Changes(since=previous.since)  # the first daily brief: nothing to compare with
    changes = compare_days(
        brief_facts(brief),
        brief_contradictions(brief),
        previous.facts,
        previous.contradictions,
        previous.day,
        earlier=previous.earlier,
    )
    stories = _story_changes(brief, previous, changes.new_facts)
    return changes.model_copy(
        update={
            "new_facts": _moving_first(brief, changes.new_facts, stories, previous.updated),
            "since": previous.since,
            "updated_sources": previous.updated,
            "stories": stories,
        }
    )


def _moving_first(
    brief: Brief,
    new_facts: Sequence[Fact],
    stories: Sequence[StoryChange],
    updated: Sequence[str],
) -> tuple[Fact, ...]:
    """Today's new facts, the sentences a page lists (``page_worthy`` and ending as sentences
    do) before headlines and the rest; within each, an update's new sentences first (the
    ``updated`` documents'), then the rest of an updated story's, then a developing story's,
    then the rest; then sentences that lean on the one before ("It makes no exceptions ...")
    last; otherwise in the brief's order."""
    rank = {"updated": 1, "developing": 2}
    order = {c.story_id: rank[c.status] for c in stories if c.story_id and c.status in rank}
    story_of = story_of_sources(brief.stories)
    return tuple(
        sorted(  # stable
            new_facts,
            key=lambda f: (
                not (page_worthy(f) and ends_sentence(f.statement)),
                0
                if any(c.source_id in updated for c in f.citations)
                else order.get(fact_story(f, story_of) or "", 3),
                needs_context(f.statement),
                not ends_sentence(f.statement),
            ),
        )
    )


def page_worthy(fact: Fact) -> bool:
    """Whether a new fact may be listed as a development on the page: it stands alone (no
    sentence leaning on the one before, ``claims.needs_context``), tells rather than argues
    (no "OPINION:" headline, question or writer's voice, ``claims.slanted``) and tells the
    news rather than who reported it. The JSON keeps every new fact."""
    statement = fact.statement
    return not (needs_context(statement) or slanted(statement) or about_coverage(statement))


def listed_developments(brief: Brief) -> list[Fact]:
    """The new facts "New developments" lists on the page as it stands (the fit may have
    dropped items): the first ``shown_new_facts`` of those that are ``page_worthy`` and not
    printed above it, so no sentence is said twice in a row; the rest are only counted. Above
    it stand the bottom line of a one-story page, and every story of a page of several, with
    its heading (a headline among the new facts is its story's heading there)."""
    changes = brief.changes
    if changes is None:
        return []
    above = [f.statement for f in brief.bottom_line]
    if len(brief.stories) > 1:  # the lineup: each story's lines, facts, sides and watch
        items = [*brief.facts, *brief.watch]
        above += [f.statement for f in items]
        above += [side.statement for c in brief.contradictions for side in c.sides]
        story_of = story_of_sources(brief.stories)
        on_page = {fact_story(f, story_of) for f in [*brief.bottom_line, *items]}
        above += [s.headline for s in brief.stories if s.id in on_page]
    shown = {_words(statement) for statement in above}
    listed: list[Fact] = []
    for fact in changes.new_facts:  # the first few: a day may have hundreds
        if len(listed) >= changes.shown_new_facts:
            break
        if _words(fact.statement) not in shown and page_worthy(fact):
            listed.append(fact)
    return listed


_STORY_STATUSES = (
    ("new", "New"),
    ("developing", "Developing"),
    ("updated", "Updated"),
    ("reprinted", "Reprinted today"),
    ("quiet", "Gone quiet"),
)
CHANGES_SHOWN = 3  # stories per status, contradictions per list, on the page; all in the JSON


@dataclass(frozen=True)
class StoryMove:
    """One line of Since yesterday's Stories: a status, the stories of it the page shows above
    (named by their place; their headings carry the status), then the others by headline."""

    label: str
    above: str  # "stories 1 and 3 above", "" when none of them is on the page
    shown: list[StoryChange]
    more: int  # how many more are only in the JSON


def story_moves(changes: Changes, on_page: Mapping[str, int] | None = None) -> list[StoryMove]:
    """For the page: each status that has any stories, the stories of it the page shows above
    counted by their place (``on_page``: story id -> its number among the top stories, 0 for
    an Other stories line) and not named again, then up to CHANGES_SHOWN others by headline."""
    on_page = on_page or {}
    moves = []
    for status, label in _STORY_STATUSES:
        group = [s for s in changes.stories if s.status == status]
        if not group:
            continue
        places = [on_page[s.story_id] for s in group if s.story_id and s.story_id in on_page]
        rest = [s for s in group if not (s.story_id and s.story_id in on_page)]
        shown = rest[:CHANGES_SHOWN]
        moves.append(StoryMove(label, _places_above(places), shown, len(rest) - len(shown)))
    return moves


def named_story_facts(
    brief: Brief, moves: Sequence[StoryMove], developments: Sequence[Fact]
) -> dict[str, Fact]:
    """For each developing or updated story that Since yesterday names by its headline (the
    page has no line for it), the first of the listed ``developments`` on it: its line says
    it ("(4 new facts, including “...” [2])"), so a story called Developing is never on the
    page by its headline alone; New developments lists the rest. Story id -> that fact."""
    named = {
        s.story_id
        for move in moves
        for s in move.shown
        if s.status in ("developing", "updated") and s.story_id
    }
    story_of = story_of_sources(brief.stories)
    out: dict[str, Fact] = {}
    for fact in developments:
        story = fact_story(fact, story_of)
        if story in named and story not in out:
            out[story] = fact
    return out


def _places_above(places: Sequence[int]) -> str:
    """``[1, 3, 0]`` -> "stories 1 and 3, and 1 other story above"; ``[2]`` -> "story 2 above"."""
    if not places:
        return ""
    tops = [str(n) for n in sorted(p for p in places if p)]
    others = len(places) - len(tops)
    parts = []
    if tops:
        listed = tops[0] if len(tops) == 1 else f"{', '.join(tops[:-1])} and {tops[-1]}"
        parts.append(f"{'story' if len(tops) == 1 else 'stories'} {listed}")
    if others:
        parts.append(f"{others} other {'story' if others == 1 else 'stories'}")
    return f"{', and '.join(parts) if len(tops) > 1 else ' and '.join(parts)} above"


def story_statements(brief: Brief) -> list[PreviousStory]:
    """The brief's stories as the next day's brief compares with them."""
    facts = _facts_by_story(brief)
    return [
        PreviousStory(
            headline=story.headline, statements=tuple(f.statement for f in facts[story.id])
        )
        for story in brief.stories
    ]


def _facts_by_story(brief: Brief) -> dict[str, list[Fact]]:
    """Every fact of the brief under the story its first citation's source belongs to."""
    story_of = story_of_sources(brief.stories)
    grouped: dict[str, list[Fact]] = {story.id: [] for story in brief.stories}
    for fact in brief_facts(brief):
        story = fact_story(fact, story_of)
        if story in grouped:
            grouped[story].append(fact)
    return grouped


def _story_changes(
    brief: Brief, previous: PreviousDay, new_facts: Sequence[Fact]
) -> tuple[StoryChange, ...]:
    """Each of today's stories that is new, developing or updated, then each of the previous
    brief's stories that nothing today continues (gone quiet). A story is matched with an
    earlier one by a shared fact, the same headline, or its words (``stories.same_stories``:
    another outlet's account of the same story), by content as everywhere here."""
    facts = _facts_by_story(brief)
    fresh = {_words(f.statement) for f in new_facts}
    earlier = [
        (story, [_words(s) for s in story.statements], _words(story.headline))
        for story in previous.stories
    ]
    told_again = same_stories(
        [(s.headline, [f.statement for f in facts[s.id]]) for s in brief.stories],
        [(s.headline, s.statements) for s in previous.stories],
    )
    continued: set[int] = set()
    out: list[StoryChange] = []
    for n, story in enumerate(brief.stories):
        words = [_words(f.statement) for f in facts[story.id]]
        headline = _words(story.headline)
        matches = {
            k
            for k, (_, statements, title) in enumerate(earlier)
            if _same(headline, title) or any(_matches_any(w, statements) for w in words)
        }
        matches.update(told_again.get(n, ()))
        continued |= matches
        added = sum(1 for w in words if w in fresh)
        if set(story.source_ids) & set(previous.updated):
            status = "updated"
        elif not matches:
            status = "new"
        elif added or not words:
            # new facts; or new sources on it that the page had no room to brief (a story
            # continued today is on a line, never on none while its earlier self is not quiet)
            status = "developing"
        else:
            continue  # only what the previous brief already had: not news
        out.append(
            StoryChange(headline=story.headline, status=status, story_id=story.id, new_facts=added)
        )
    # Yesterday's stories gone quiet, one entry for two that the grouping calls one story
    # (one event split in two the day before): the first of them by the earlier page's order.
    # One that another outlet reprinted today is no news but not quiet: reprinted.
    groups = one_story_groups([(s.headline, s.statements) for s in previous.stories])
    quiet = [[k for k in group if k not in continued] for group in groups]
    reprinted = {r.story for r in previous.reprinted if r.story}
    ended = [
        StoryChange(
            headline=previous.stories[ks[0]].headline,
            status="reprinted"
            if any(previous.stories[k].headline in reprinted for k in ks)
            else "quiet",
        )
        for ks in sorted(ks for ks in quiet if ks)
    ]
    out.extend(c for c in ended if c.status == "reprinted")
    out.extend(c for c in ended if c.status == "quiet")
    return tuple(out)


def quiet_day_brief(
    day: dt.date,
    previous: PreviousDay,
    *,
    topic: str | None,
    warnings: Sequence[str],
    reprints: Sequence[Reprint] = (),
) -> Brief:
    """The brief of a day on which nothing new arrived: no documents, only what it compares
    with; the same templates render it (their "no new sources" page). ``reprints``: copies
    of stories briefed before that arrived (no news, but the page names them)."""
    return Brief(
        title=f"Daily brief {day.isoformat()}: no new sources",
        topic=topic or "",
        generated=day,
        changes=Changes(previous_day=previous.day, since=previous.since),
        reprints=list(reprints),
        stats=BriefStats(warnings=tuple(warnings)),
    )
