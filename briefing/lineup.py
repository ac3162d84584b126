"""The multi-story page: which stories lead, which get one line, which are only counted.

The top stories each get their headline, a one- or two-sentence bottom line, a few key facts,
their own contradictions and what to watch; the next stories one cited line each; the rest are
counted on the page and listed in the JSON. Nothing said once on the page is said again
(redundancy control across sections and stories), and the word budget is kept by the same
drop order as the one-story page (``compose.fit_brief``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from briefing.claims import needs_context
from briefing.compose import (
    MAX_MORE_FACTS,
    Redundancy,
    bottom_line_of,
    distinct_contradictions,
    in_heading,
    numbered,
    select_facts,
    source_dating,
)
from briefing.models import Brief, BriefStats, Contradiction, Document, Fact, Story, Synthesis
from briefing.stories import (
    brief_stories,
    contradiction_story,
    headed_by_cited,
    story_of_sources,
)
from briefing.text import ends_sentence

TOP_STORIES = 3  # briefed in full
NEXT_STORIES = 5  # one line each
STORY_BOTTOM_LINE = 2
STORY_FACTS = 3
STORY_CONTRADICTIONS = 2
STORY_WATCH = 1
STORY_MORE_FACTS = 10  # per story, in the JSON


def _one_line(facts: Sequence[Fact], redundancy: Redundancy) -> Fact | None:
    """A next story's line: its best sentence that stands alone; else its headline; a sentence
    leaning on the one before ("That same day, ...") only when there is nothing else."""
    ranked = sorted(facts, key=lambda f: -f.score)
    standalone = [f for f in ranked if not needs_context(f.statement)]
    sentences = [f for f in standalone if ends_sentence(f.statement)]
    for fact in [*sentences, *standalone, *ranked]:
        if redundancy.novel(fact.statement):
            return fact
    return None


def _cited(facts: Sequence[Fact], contradictions: Sequence[Contradiction]) -> set[str]:
    ids = {c.source_id for f in facts for c in f.citations}
    return ids | {c.source_id for x in contradictions for s in x.sides for c in s.citations}


def select_lineup(
    *,
    stories: Sequence[Story],
    topic: str,
    topic_inferred: bool,
    documents: Sequence[Document],
    facts: Mapping[str, Sequence[Fact]],
    contradictions: Sequence[Contradiction],
    syntheses: Mapping[str, Synthesis],
    stats: BriefStats,
    today: dt.date,
) -> Brief:
    """What goes on a page of several stories, before it is fitted (``compose.fit_brief``)."""
    story_of = story_of_sources(stories)
    redundancy = Redundancy()
    bottom: list[Fact] = []  # each top story's first line, then the next stories' lines ...
    second_lines: list[Fact] = []  # ... then the top stories' second lines, which go first
    key: list[Fact] = []
    more: list[Fact] = []
    watch: list[Fact] = []
    contras: list[Contradiction] = []
    more_contras: list[Contradiction] = []
    headed: list[Story] = []
    doc_of = {d.id: d for d in documents}
    crowded = len(stories) > TOP_STORIES + NEXT_STORIES
    for story in stories[:TOP_STORIES]:
        synthesis = syntheses.get(story.id)
        own_facts = facts.get(story.id, ())
        own, own_more = distinct_contradictions(
            [c for c in contradictions if contradiction_story(c, story_of) == story.id],
            STORY_CONTRADICTIONS,
        )
        contras.extend(own)
        more_contras.extend(own_more)
        heading = story.headline  # shown as the story's heading: not repeated under it
        # a line leaning on the sentence before ("And in a way, that question ...") is no
        # line: the story's one line below takes a standalone sentence or its headline first
        items = [
            f
            for f in (synthesis.bottom_line if synthesis else ())
            if not in_heading(f, heading) and not needs_context(f.statement)
        ]
        # On a page with more stories than it shows, a story's second line does not retell its
        # first (two outlets' leads): the line is worth more to a story left off the page.
        chosen = bottom_line_of(items, redundancy, STORY_BOTTOM_LINE, retold=not crowded)
        if not chosen and (line := _one_line(own_facts, redundancy)) is not None:
            redundancy.take(line)
            chosen = [line]
        if not chosen and own_facts:  # a flash: its one line is its headline, cited once
            chosen = [max(own_facts, key=lambda f: (not needs_context(f.statement), f.score))]
            redundancy.add_quotes(chosen[0].citations)
        bottom.extend(chosen[:1])
        second_lines.extend(chosen[1:])
        redundancy.add_quotes(q for c in own for s in c.sides for q in s.citations)
        own_watch = [
            f for f in (synthesis.watch if synthesis else ()) if not in_heading(f, heading)
        ]
        watched = redundancy.take_up_to(own_watch, STORY_WATCH)
        watch.extend(watched)
        listed = [f for f in own_facts if not in_heading(f, heading)]
        shown = select_facts(listed, redundancy.quotes, STORY_FACTS, redundancy)
        for fact in shown:
            redundancy.take(fact)
        key.extend(shown)
        cited = _cited([*chosen, *shown, *watched], own)
        said = {f.statement.strip() for f in chosen}
        # Headed by a source its first line cites: the fit (``compose.fit_brief``) drops the
        # story's other items before it, and the page lists only the sources still cited.
        # An op-ed's headline heads it over its plain one only when nothing else cites the
        # plain one's source and its headline, a line of its own, is then cited under it as a
        # key development (below): no source is left uncited.
        freeable = story.source_ids[0] not in cited and any(
            f.statement.strip() == story.headline for f in own_facts
        )
        headed_story = headed_by_cited(
            story, _cited(chosen[:1], ()) or cited, doc_of, said, plain_stays=not freeable
        )
        if headed_story.headline != story.headline:
            # a key development that is the new heading's words is not repeated under it,
            # when another item cites its source
            for fact in [f for f in shown if f.statement.strip() == headed_story.headline]:
                others = [*chosen, *(f for f in shown if f is not fact), *watched]
                if fact.citations[0].source_id in _cited(others, own):
                    shown.remove(fact)
                    key.remove(fact)
            # the heading is now another source's: the first one's headline, left out as the
            # heading, is what cites its source (a two-line excerpt has nothing else)
            freed = [f for f in own_facts if f.statement.strip() == story.headline]
            for fact in freed[:1]:
                if fact not in shown and redundancy.take(fact):
                    shown.append(fact)
                    key.append(fact)
        headed.append(headed_story)
        rest = [f for f in own_facts if f not in shown]
        more.extend(select_facts(rest, redundancy.quotes, limit=STORY_MORE_FACTS))
    for story in stories[TOP_STORIES : TOP_STORIES + NEXT_STORIES]:
        own_facts = facts.get(story.id, ())
        # its line says what its heading does not ("Control of the Senate hangs in the balance
        # on Election Day." beside the two-sentence headline it was cut from), as a top story's
        listed = [f for f in own_facts if not in_heading(f, story.headline)]
        line = _one_line(listed, redundancy) or _one_line(own_facts, redundancy)
        if line is None and own_facts:  # its only line repeats its headline: still cited
            line = max(own_facts, key=lambda f: f.score)
        if line is not None:
            redundancy.take(line)
            bottom.append(line)
        headed.append(headed_by_cited(story, _cited([line] if line else [], ()), doc_of))
        rest = sorted((f for f in own_facts if f is not line), key=lambda f: -f.score)
        more.extend(rest[:STORY_MORE_FACTS])
    # The fit drops a list's last items first: a top story's second line goes before a story
    # loses its only line on the page (each story's lines still read in order under it).
    bottom.extend(second_lines)
    stories = [*headed, *stories[len(headed) :]]
    lead = stories[0]
    title = (
        f"Situation brief: {topic}"
        if not topic_inferred
        # No count in the title: every word of it is checked against the page's quotes, and
        # the page says how many stories it holds.
        else f"Situation brief: {lead.headline}, among other stories"
    )
    brief = Brief(
        **source_dating(documents),
        title=title,
        topic=topic,
        topic_inferred=topic_inferred,
        generated=today,
        bottom_line=numbered("b", bottom),
        facts=numbered("f", key),
        contradictions=[c.model_copy(update={"id": f"c{i}"}) for i, c in enumerate(contras, 1)],
        watch=numbered("w", watch),
        more_facts=more[: MAX_MORE_FACTS * 2],
        more_contradictions=more_contras,
        stories=brief_stories(stories),
        stats=stats,
    )
    return brief
