"""Composition: choose what goes on the one page, in priority order, within a word budget.

Priority (highest first): bottom line, contradictions, key developments, actors, what to
watch. ``select_brief`` chooses the page; ``fit_brief`` then drops items in ``DROP_ORDER``
(the order the PDF's one-page fit uses too) while the rendered brief is over budget, counted
in ``stats``; nothing is cut mid-sentence and a section that still has content keeps its
heading. Between the two the pipeline adds a daily brief's changes and reprint notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from briefing.changes import listed_developments
from briefing.claims import slanted
from briefing.lexicon import SAME_WORDS, content_terms, word_overlap
from briefing.models import (
    ActorPosition,
    Brief,
    BriefStats,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Reprint,
    SourceRef,
    Synthesis,
)
from briefing.stories import assign_items
from briefing.text import clause_end

MAX_BOTTOM_LINE = 3
MAX_CONTRADICTIONS = 4
MAX_FACTS = 8
MAX_ACTORS = 5
MAX_WATCH = 3
MAX_MORE_FACTS = 40
_SIMILAR = 0.5  # Jaccard overlap of content terms above which two facts say the same thing
WITHIN = 0.7  # ... or share of a statement's content terms that one statement shown holds
WITHIN_MIN = 4  # ... for a statement of this many content terms or more
RETELLS = 0.8  # ... or share of a shown statement's terms that a longer statement holds again
TELLS_AGAIN = 0.5  # share of terms, and of the opening clause's, by which a line retells one


def _quotes(facts: Sequence[Fact]) -> set[str]:
    return {c.quote for f in facts for c in f.citations}


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) > _SIMILAR


def _within(terms: frozenset[str], said: frozenset[str]) -> bool:
    """Whether a statement's terms are mostly ones a statement shown holds: it adds little
    ("RNC threatens to advise candidates against participating in presidential debates" under
    the lead that says so with the who, when and unless)."""
    return len(terms) >= WITHIN_MIN and len(terms & said) >= WITHIN * len(terms)


def _retells(terms: frozenset[str], said: frozenset[str]) -> bool:
    """Whether a statement holds again nearly all of a shown one and more: "Illegal ballot
    harvesting caused a do-over House election in North Carolina." shown, then the lead that
    says so with the district and the day."""
    return len(said) >= WITHIN_MIN and len(terms & said) >= RETELLS * len(said)


def _says_again(terms: frozenset[str], said: frozenset[str], *, adds: bool = True) -> bool:
    """Whether a statement of ``terms`` says again what a statement of ``said`` says: mostly
    the same terms (``_similar``), all of it and more (``_retells``), or, with ``adds``, little
    beyond it (``_within``)."""
    return _similar(terms, said) or _retells(terms, said) or (adds and _within(terms, said))


def tells_again(statement: str, said: str) -> bool:
    """Whether ``statement`` tells the event ``said`` tells, in its own words: TELLS_AGAIN of
    the smaller's content terms shared, and of its opening clause's ("Blinken on Wednesday
    said that up to 1,500 US citizens are still stranded in Afghanistan" after "Blinken on
    Wednesday said about 1,500 Americans remain in Afghanistan": two outlets' leads)."""
    terms, other = frozenset(content_terms(statement)), frozenset(content_terms(said))
    head = frozenset(content_terms(statement[: clause_end(statement, 0)]))
    if len(head) < WITHIN_MIN or not other:
        return False
    shared = len(terms & other)
    return shared >= TELLS_AGAIN * min(len(terms), len(other)) and len(
        head & other
    ) >= TELLS_AGAIN * len(head)


class Redundancy:
    """What a page says already, so nothing is said twice (MMR-style, across all sections):
    the quotes shown and the content terms of each statement taken."""

    def __init__(self) -> None:
        self.quotes: set[str] = set()
        self.sources: set[str] = set()  # cited by what was taken
        self._terms: list[frozenset[str]] = []
        self._said: list[str] = []

    def novel(self, statement: str, *, adds: bool = True) -> bool:
        """Whether ``statement`` says something new: it says again no statement taken
        (``_says_again``), nor do its words read as one (``lexicon.word_overlap``)."""
        terms = frozenset(content_terms(statement))
        return not any(_says_again(terms, t, adds=adds) for t in self._terms) and not any(
            word_overlap(statement, said) >= SAME_WORDS for said in self._said
        )

    def take(self, fact: Fact) -> bool:
        """Take ``fact`` when it neither quotes what is shown nor says the same; True if taken."""
        if _quotes([fact]) & self.quotes or not self.novel(fact.statement):
            return False
        self.sources.update(c.source_id for c in fact.citations)
        self.quotes |= _quotes([fact])
        self._terms.append(frozenset(content_terms(fact.statement)))
        self._said.append(fact.statement)
        return True

    def take_up_to(self, facts: Iterable[Fact], limit: int, *, retold: bool = True) -> list[Fact]:
        """The first ``limit`` facts that are taken, in order; without ``retold``, none that
        tells again the event of one taken here before it (``tells_again``)."""
        taken: list[Fact] = []
        for fact in facts:
            if len(taken) >= limit:
                break
            if not retold and any(tells_again(fact.statement, t.statement) for t in taken):
                continue
            if self.take(fact):
                taken.append(fact)
        return taken

    def add_quotes(self, citations: Iterable[Citation]) -> None:
        """Words shown in another form (a contradiction's sides): never repeated either."""
        for citation in citations:
            self.quotes.add(citation.quote)
            self._terms.append(frozenset(content_terms(citation.quote)))
            self._said.append(citation.quote)


def _side_quotes(contradiction: Contradiction) -> set[str]:
    return {q.quote for side in contradiction.sides for q in side.citations}


def distinct_contradictions(
    contradictions: Sequence[Contradiction], limit: int
) -> tuple[list[Contradiction], list[Contradiction]]:
    """(the best ``limit`` contradictions, no two quoting the same words; the rest)."""
    shown: list[Contradiction] = []
    rest: list[Contradiction] = []
    quoted: set[str] = set()
    for contradiction in sorted(contradictions, key=lambda c: -c.score):
        quotes = _side_quotes(contradiction)
        if len(shown) < limit and not quotes & quoted:
            shown.append(contradiction)
            quoted |= quotes
        else:
            rest.append(contradiction)
    return shown, rest


def select_facts(
    facts: Sequence[Fact],
    exclude_quotes: set[str],
    limit: int = MAX_FACTS,
    redundancy: Redundancy | None = None,
) -> list[Fact]:
    """Best facts, diverse in content, covering each source before taking seconds from one.

    With ``redundancy``, a fact saying what the page already says is never chosen.
    """
    ranked = [f for f in sorted(facts, key=lambda f: -f.score) if not _quotes([f]) & exclude_quotes]
    chosen: list[Fact] = []
    chosen_terms: list[frozenset[str]] = []
    covered: set[str] = set()

    def take(fact: Fact) -> None:
        chosen.append(fact)
        chosen_terms.append(frozenset(content_terms(fact.statement)))
        covered.update(c.source_id for c in fact.citations)

    def novel(fact: Fact, *, adds: bool = True) -> bool:
        terms = frozenset(content_terms(fact.statement))
        if redundancy is not None and not redundancy.novel(fact.statement, adds=adds):
            return False
        return not any(_says_again(terms, t, adds=adds) for t in chosen_terms) and not any(
            word_overlap(fact.statement, f.statement) >= SAME_WORDS for f in chosen
        )

    if redundancy is not None:
        covered |= redundancy.sources
    for fact in ranked:  # first pass: one fact for each source not cited yet, even a repeat
        if len(chosen) >= limit:
            break
        if not {c.source_id for c in fact.citations} <= covered and novel(fact, adds=False):
            take(fact)
    for fact in ranked:
        if len(chosen) >= limit:
            break
        if fact not in chosen and novel(fact):
            take(fact)
    chosen.sort(key=lambda f: -f.score)
    return chosen


def bottom_line_of(
    items: Sequence[Fact], redundancy: Redundancy, limit: int, *, retold: bool = True
) -> list[Fact]:
    """The bottom line: its items in order, none saying what an earlier one says, and never
    empty when there is something to say. Without ``retold``, none tells again the event of
    an item taken before it (``tells_again``)."""
    chosen = redundancy.take_up_to(items, limit, retold=retold)
    if not chosen and items:
        chosen = [items[0]]
        redundancy.add_quotes(items[0].citations)
    return chosen


def _overlaps(citation: Citation, spans: Sequence[Citation]) -> bool:
    return any(
        c.source_id == citation.source_id
        and (c.start or 0) < (citation.end or 0)
        and (citation.start or 0) < (c.end or 0)
        for c in spans
    )


def _pick_actors(
    positions: Sequence[ActorPosition],
    facts: Sequence[Fact],
) -> list[ActorPosition]:
    """Each actor's first position not already quoted as a fact (a contradiction may quote it:
    the actors section is the who-stands-where summary)."""
    shown = [c for f in facts for c in f.citations]
    said = [frozenset(content_terms(f.statement)) for f in facts]
    chosen: list[ActorPosition] = []
    seen: set[str] = set()
    for position in positions:
        key = position.name.lower()
        if key in seen or any(_overlaps(c, shown) for c in position.citations):
            continue
        terms = [frozenset(content_terms(c.quote)) for c in position.citations]
        if any(_retells(t, s) or _retells(s, t) for t in terms for s in said):
            continue  # another source's words for what the page says already
        seen.add(key)
        chosen.append(position)
        if len(chosen) == MAX_ACTORS:
            break
    return chosen


def _source_refs(documents: Sequence[Document], cited: set[str]) -> list[SourceRef]:
    refs: list[SourceRef] = []
    for doc in documents:
        if doc.id in cited:
            refs.append(
                SourceRef(
                    id=doc.id,
                    number=len(refs) + 1,
                    title=doc.title,
                    path=doc.path,
                    outlet=doc.outlet,
                    url=doc.url,
                    date=doc.date,
                )
            )
    return refs


def cited_source_ids(brief: Brief) -> set[str]:
    """Ids of the sources a brief's page cites: its items and the daily "Since yesterday"
    block. The one definition the renderers and the fit share. A reprint note lists the copies
    of a source the page cites; it keeps no source on the page by itself (a run over many
    copies had kept every source listed after the fit dropped their items, and the page had
    room for one story)."""
    return _item_source_ids(brief)


def _item_source_ids(brief: Brief) -> set[str]:
    ids: set[str] = set()
    for fact in [*brief.bottom_line, *brief.facts, *brief.watch]:
        ids.update(c.source_id for c in fact.citations)
    for contradiction in brief.contradictions:
        for side in contradiction.sides:
            ids.update(c.source_id for c in side.citations)
    for actor in brief.actors:
        ids.update(c.source_id for c in actor.citations)
    if brief.changes is not None:  # a daily brief's "Since yesterday" cites sources too
        ids.update(c.source_id for f in listed_developments(brief) for c in f.citations)
        for x in brief.changes.new_contradictions:
            ids.update(c.source_id for side in x.sides for c in side.citations)
    return ids


def with_reprints(brief: Brief, reprints: Sequence[Reprint]) -> Brief:
    """The brief listing the reprints of the stories its selected page cites (chosen before
    the fit; the page shows the notes of the sources it still cites, the JSON all of them),
    and on a daily brief every copy of an earlier day's source (``Reprint.briefed``): no
    source of today's, it is news that another outlet carried that story again today."""
    cited = _item_source_ids(brief)
    kept = [r for r in reprints if r.source_id in cited or r.briefed is not None]
    return brief.model_copy(update={"reprints": kept})


def numbered(prefix: str, facts: Sequence[Fact]) -> list[Fact]:
    """``facts`` with ids ``b1``, ``b2``... (``prefix`` names the section)."""
    return [f.model_copy(update={"id": f"{prefix}{i}"}) for i, f in enumerate(facts, 1)]


def source_dating(documents: Sequence[Document]) -> dict[str, object]:
    """The page header's dating of its sources: the span of stated dates, and how many are
    undated (an undated document stays undated)."""
    dated = sorted(d.date for d in documents if d.date is not None)
    return {
        "source_dates": (dated[0], dated[-1]) if dated else None,
        "undated_sources": sum(1 for d in documents if d.date is None),
    }


def _sources(fact: Fact) -> set[str]:
    return {c.source_id for c in fact.citations}


def in_heading(fact: Fact, heading: str) -> bool:
    """Whether a heading above ``fact`` (the page's title, a story's heading) already says it
    word for word: a source's headline as the heading, and the same headline, or one of its
    sentences ("Control of the Senate hangs in the balance on Election Day." under "Control
    of the Senate hangs in the balance on Election Day. Here are key races to watch"), as
    an item under it."""
    statement, heading = " ".join(fact.statement.split()), " ".join(heading.split())
    return statement == heading or (len(statement.split()) >= 4 and statement in heading)


HEADLINE_TOLD = 0.85  # share of a headline's content terms the rest of the page holds


def _told_headlines(
    key_facts: Sequence[Fact],
    shown: Sequence[Fact | ContradictionSide],
    documents: Sequence[Document],
) -> list[Fact]:
    """The key developments that are a source's headline the rest of the page already tells
    ("Virus whistleblower tells lawmakers US lacks vaccine plan" under the lead saying so
    with who and when: HEADLINE_TOLD of its terms are in the page's other statements) or
    that argues, asks or labels rather than tells (``claims.slanted``: "OPINION: Trump's
    summit was a gamble", "Is X a 'Shell Company'...?": in quotation marks among the
    developments it reads as reported fact), when another item cites its source. A plain
    headline that adds words is a development."""
    titles = {" ".join(d.title.split()) for d in documents if d.title}
    told: list[Fact] = []
    for fact in key_facts:
        if " ".join(fact.statement.split()) not in titles:
            continue
        others = [*shown, *(f for f in key_facts if f is not fact and f not in told)]
        said = {t for item in others for t in content_terms(item.statement)}
        terms = set(content_terms(fact.statement))
        told_share = HEADLINE_TOLD * len(terms)
        cited = {c.source_id for item in others for c in item.citations}
        argues = slanted(fact.statement)
        if terms and _sources(fact) <= cited and (argues or len(terms & said) >= told_share):
            told.append(fact)
    return told


def select_brief(
    *,
    topic: str,
    topic_inferred: bool,
    documents: Sequence[Document],
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction],
    synthesis: Synthesis,
    stats: BriefStats,
    today: dt.date,
) -> Brief:
    """What goes on the page, in priority order, before it is fitted to a budget."""
    redundancy = Redundancy()
    contras, more_contras = distinct_contradictions(contradictions, MAX_CONTRADICTIONS)
    bottom = bottom_line_of(synthesis.bottom_line, redundancy, MAX_BOTTOM_LINE)
    redundancy.add_quotes(c for x in contras for s in x.sides for c in s.citations)
    watch = redundancy.take_up_to(synthesis.watch, MAX_WATCH)
    shown = {c.source_id for f in bottom for c in f.citations}
    shown |= {c.source_id for x in contras for side in x.sides for c in side.citations}
    listed = [  # the title's own words are not a key development when their source is cited
        f for f in facts if not (in_heading(f, synthesis.title) and _sources(f) <= shown)
    ]
    sides = [s for x in contras for s in x.sides]
    for _ in range(3):  # a headline the page tells makes room for a development it does not
        key_facts = select_facts(listed, redundancy.quotes, limit=MAX_FACTS, redundancy=redundancy)
        told = _told_headlines(key_facts, [*bottom, *watch, *sides], documents)
        if not told:
            break
        listed = [f for f in listed if f not in told]
    for fact in key_facts:
        redundancy.take(fact)
    more_facts = select_facts(
        [f for f in facts if f not in key_facts], redundancy.quotes, limit=MAX_MORE_FACTS
    )
    actors = _pick_actors(synthesis.actors, [*bottom, *key_facts, *watch])

    return Brief(
        **source_dating(documents),
        title=synthesis.title,
        topic=topic,
        topic_inferred=topic_inferred,
        generated=today,
        bottom_line=numbered("b", bottom),
        facts=numbered("f", key_facts),
        actors=actors,
        contradictions=[c.model_copy(update={"id": f"c{i}"}) for i, c in enumerate(contras, 1)],
        watch=numbered("w", watch),
        more_facts=more_facts,
        more_contradictions=more_contras,
        stats=stats,
    )


def _with_sources(brief: Brief, documents: Sequence[Document]) -> Brief:
    return brief.model_copy(update={"sources": _source_refs(documents, cited_source_ids(brief))})


# The one order in which items leave a brief that is over its budget, shared by the word fit
# below and the PDF's one-page fit: (list, items it keeps after the step). Within a list the
# last item goes first (lists are in priority order); the first bottom-line item never goes.
DROP_ORDER: tuple[tuple[str, int], ...] = (
    ("facts", 3),
    ("watch", 1),
    ("actors", 2),
    ("facts", 1),
    ("contradictions", 2),
    ("actors", 0),
    ("watch", 0),
    ("facts", 0),
    ("contradictions", 1),
    ("bottom_line", 1),
)
DROPPABLE = ("bottom_line", "facts", "contradictions", "watch", "actors")
_OMITTED_COUNTER = {
    "bottom_line": "omitted_facts",
    "facts": "omitted_facts",
    "contradictions": "omitted_contradictions",
    "watch": "omitted_other",
    "actors": "omitted_other",
}


def drop_sequence(brief: Brief) -> list[tuple[str, int]]:
    """Every droppable item as (list name, index), in the order DROP_ORDER drops them."""
    left = {name: len(getattr(brief, name)) for name in DROPPABLE}
    sequence: list[tuple[str, int]] = []
    for name, keep in DROP_ORDER:
        while left[name] > keep:
            left[name] -= 1
            sequence.append((name, left[name]))
        if name == "contradictions" and keep == 1 and brief.changes is not None:
            # a daily brief's "Since yesterday" list shortens before the bottom line goes
            shown = min(brief.changes.shown_new_facts, len(brief.changes.new_facts))
            sequence.extend(("changes", i) for i in range(shown - 1, 0, -1))
    return sequence


def drop_items(brief: Brief, count: int) -> tuple[Brief, dict[str, int]]:
    """The brief without the first ``count`` items of its drop sequence, and the counts
    dropped per list.

    Dropped bottom-line items, facts and what-to-watch items move to the front of
    ``more_facts``, dropped contradictions to ``more_contradictions`` (they stay in the JSON);
    every drop is counted in the stats (``omitted_*``); the sources list keeps the sources
    still cited, renumbered from 1.
    """
    counts: dict[str, int] = {}
    for name, _index in drop_sequence(brief)[:count]:
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return brief, counts
    update: dict[str, object] = {}
    shortened = counts.pop("changes", 0)
    if shortened and brief.changes is not None:
        shown = min(brief.changes.shown_new_facts, len(brief.changes.new_facts)) - shortened
        update["changes"] = brief.changes.model_copy(update={"shown_new_facts": shown})
    moved: list[Fact] = []  # verified statements the page has no room for: the JSON's
    for name, dropped in counts.items():
        items = getattr(brief, name)
        update[name] = list(items[: len(items) - dropped])
        if name in ("bottom_line", "facts", "watch"):
            moved += items[len(items) - dropped :]
    if moved:
        update["more_facts"] = [*moved, *brief.more_facts]
    if "contradictions" in counts:
        kept = len(brief.contradictions) - counts["contradictions"]
        update["more_contradictions"] = [*brief.contradictions[kept:], *brief.more_contradictions]
    omitted: dict[str, int] = {}
    for name, dropped in counts.items():
        counter = _OMITTED_COUNTER[name]
        omitted[counter] = omitted.get(counter, getattr(brief.stats, counter)) + dropped
    update["stats"] = brief.stats.model_copy(update=omitted)
    trimmed = brief.model_copy(update=update)
    cited = cited_source_ids(trimmed)
    kept_sources = [s for s in sorted(brief.sources, key=lambda s: s.number) if s.id in cited]
    sources = [s.model_copy(update={"number": n}) for n, s in enumerate(kept_sources, start=1)]
    return trimmed.model_copy(update={"sources": sources}), counts


def fit_brief(
    brief: Brief, documents: Sequence[Document], max_words: int, measure: Callable[[Brief], int]
) -> Brief:
    """Drop items in DROP_ORDER until the rendered brief fits the word budget."""
    full = _with_sources(brief, documents)
    fitted, words = full, measure(full)
    for count in range(1, len(drop_sequence(full)) + 1):
        if words <= max_words:
            break
        fitted = drop_items(full, count)[0]
        words = measure(fitted)
    more_contras = [
        c.model_copy(update={"id": f"mc{i}"}) for i, c in enumerate(fitted.more_contradictions, 1)
    ]
    return assign_items(
        fitted.model_copy(
            update={
                "more_facts": numbered("m", fitted.more_facts),
                "more_contradictions": more_contras,
                "stats": fitted.stats.model_copy(update={"words": words}),
            }
        )
    )
