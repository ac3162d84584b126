"""Rendering: Markdown through a Jinja template, and JSON of the Brief model."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import jinja2

from briefing.changes import (
    CHANGES_SHOWN,
    StoryMove,
    listed_developments,
    named_story_facts,
    story_moves,
)
from briefing.lexicon import SAME_WORDS, fold_quote, word_overlap
from briefing.lineup import TOP_STORIES
from briefing.models import (
    Brief,
    BriefStory,
    Citation,
    Contradiction,
    ContradictionSide,
    Fact,
    Reprint,
    SourceRef,
    StoryChange,
)
from briefing.resources import templates_dir
from briefing.sanitize import one_line, safe_url
from briefing.stories import contradiction_story, fact_story, story_of_sources
from briefing.text import word_count

T = TypeVar("T")

# ``&`` too where it starts a character reference: a viewer decodes ``&#x202e;`` or ``&#27;``
# in running text into the character it names, which would bring back a bidi override or an
# escape that the page has removed (a plain "AT&T" or "Q&A" is left as written). And the
# second character of a template tag's opening, ``{{`` or ``{%`` (``{#`` has its ``#``
# escaped): a site generator (GitHub Pages' Liquid, Hugo's shortcodes) runs the tags of a
# Markdown page it publishes, so ``{\{`` shows the braces without opening one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|]|&(?=#?\w+;)|(?<=\{)[{%])")
_TEMPLATE_TAG = re.compile(r"\{[{%#]")


def markdown_escape(text: str) -> str:
    """Source text as literal Markdown: markup characters (and an ``&`` that starts a
    character reference, a ``{`` or ``%`` that would open a template tag) escaped, newlines
    and control characters folded into spaces."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def markdown_link(url: str | None) -> str:
    """An http(s) URL as an autolink ``<url>``; any other scheme (``javascript:``, ``data:``)
    or a URL that could break out of the brackets is shown as escaped text, never linked."""
    if not url:
        return ""
    safe = safe_url(url)
    return f"<{safe}>" if safe is not None else markdown_escape(url)


def markdown_code(text: str) -> str:
    """``text`` as an inline code span, its fence longer than any backtick run inside; as
    escaped text when it holds a template tag's opening, which a code span cannot escape."""
    text = one_line(text)
    if _TEMPLATE_TAG.search(text):
        return markdown_escape(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["mdlink"] = markdown_link
    env.filters["mdcode"] = markdown_code
    env.filters["label"] = as_label
    return env


def as_label(name: str) -> str:
    """A name as it heads a line: "a senior US official" -> "A senior US official"; a first
    word written in mixed case ("eBay", "iPhone maker") is left as it is."""
    first = name.split(" ", 1)[0]
    return name[:1].upper() + name[1:] if first.islower() and first.isalpha() else name


def dated_after_note(brief: Brief) -> str:
    """The header's mark of sources dated after the brief's day (a backfill, or a wrong date
    line): "1 cited dated after the brief's day", or when only an uncited one is, "the latest
    dated after the brief's day" (the span's end); "" when none is. Every page (build and
    daily, every format)."""
    if brief.source_dates is None or brief.source_dates[1] <= brief.generated:
        return ""
    later = sum(1 for s in brief.sources if s.date is not None and s.date > brief.generated)
    after = "dated after the brief's day"
    return f"{later} cited {after}" if later else f"the latest {after}"


def source_numbers(brief: Brief) -> dict[str, int]:
    return {s.id: s.number for s in brief.sources}


Cited = Citation | Reprint | Mapping[str, str]

REPRINTS_SHOWN = 3  # copies named per cited source on the page; the rest are in the JSON
REPRINT_LINES = 5  # cited sources whose copies the page lists; the rest are counted


@dataclass(frozen=True)
class ReprintLine:
    """The copies of one cited source on the page: the first few named (by outlet or title when
    it is not the source's own, and path), the rest counted."""

    source_id: str
    shown: tuple[tuple[str | None, str], ...]
    more: int


def reprint_lines(brief: Brief) -> list[ReprintLine]:
    """The brief's reprints, one line per cited source in source order (a wire story copied
    into 60 files is one line naming three of them, not 60 lines)."""
    refs = {s.id: s for s in brief.sources}
    copies: dict[str, list[Reprint]] = {}
    for reprint in brief.reprints:
        if reprint.source_id in refs:  # a note of a source the fitted page still cites
            copies.setdefault(reprint.source_id, []).append(reprint)
    lines = []
    for sid, found in sorted(copies.items(), key=lambda i: _number(refs, i[0])):
        ref = refs.get(sid)
        own = (ref.outlet or ref.title) if ref is not None else None
        named = tuple(
            ((r.outlet or r.title) if (r.outlet or r.title) != own else None, r.path)
            for r in found[:REPRINTS_SHOWN]
        )
        lines.append(ReprintLine(sid, named, max(0, len(found) - REPRINTS_SHOWN)))
    return lines


@dataclass(frozen=True)
class CarriedLine:
    """Copies that arrived today of a source an earlier day briefed (``Reprint.briefed``):
    the story they carry again, the day that briefed it, and the copies, the first few named
    (by outlet or title, and path: today's files), the rest counted."""

    story: str
    briefed: dt.date | None
    shown: tuple[tuple[str | None, str], ...]
    more: int


def carried_lines(brief: Brief) -> dict[str, CarriedLine]:
    """A daily brief's copies of earlier days' sources, one line per story they carry, keyed
    by its headline (by the copy's title or path when they carry no story the previous brief
    had), in the order they arrived."""
    copies: dict[str, list[Reprint]] = {}
    for reprint in brief.reprints:
        if reprint.briefed is not None:
            copies.setdefault(reprint.story or reprint.title or reprint.path, []).append(reprint)
    return {
        story: CarriedLine(
            story,
            found[0].briefed,
            tuple(
                (r.outlet or (r.title if r.title != story else None), r.path)
                for r in found[:REPRINTS_SHOWN]
            ),
            max(0, len(found) - REPRINTS_SHOWN),
        )
        for story, found in copies.items()
    }


def carried_notes(brief: Brief) -> list[CarriedLine]:
    """The carried copies Since yesterday's "Reprinted today" line does not name (their story
    is still running today, or was not on the previous brief): listed with the reprints."""
    named = set()
    if brief.changes is not None:
        named = {s.headline for s in brief.changes.stories if s.status == "reprinted"}
    return [line for story, line in carried_lines(brief).items() if story not in named]


def _number(refs: Mapping[str, SourceRef], source_id: str) -> int:
    ref = refs.get(source_id)
    return ref.number if ref is not None else 0


def cite_labels(citations: Iterable[Cited], numbers: Mapping[str, int]) -> list[tuple[int, str]]:
    """(source number, label) per cited source, in number order: ``(2, "2")``, or
    ``(2, "2, p. 14")`` / ``(2, "2, pp. 3, 14")`` when the quotes come from a paged source."""
    pages: dict[int, set[int]] = {}
    for c in citations:
        source_id = c["source_id"] if isinstance(c, Mapping) else c.source_id
        if source_id not in numbers:
            continue
        found = pages.setdefault(numbers[source_id], set())
        page = c.page if isinstance(c, Citation) else None
        if page is not None:
            found.add(page)
    labels: list[tuple[int, str]] = []
    for number in sorted(pages):
        on = sorted(pages[number])
        if not on:
            labels.append((number, str(number)))
        else:
            prefix = "p." if len(on) == 1 else "pp."
            labels.append((number, f"{number}, {prefix} {', '.join(str(p) for p in on)}"))
    return labels


def cite(citations: Iterable[Cited], numbers: Mapping[str, int]) -> str:
    """Citation markers like ``[1]``, ``[1, 2]``, or ``[2, p. 14]`` and ``[1; 2, p. 14]`` when
    a quote comes from a paged source (a PDF)."""
    labels = cite_labels(citations, numbers)
    if not labels:
        return ""
    paged = any(label != str(number) for number, label in labels)
    return "[" + ("; " if paged else ", ").join(label for _, label in labels) + "]"


def quote_and_also(citations: Sequence[Citation]) -> tuple[list[Citation], list[Citation]]:
    """A quoted statement's citations of its own source (the first's), and those of the
    sources that say the same thing in their own words."""
    own = citations[0].source_id if citations else None
    return (
        [c for c in citations if c.source_id == own],
        [c for c in citations if c.source_id != own],
    )


def cite_quote(citations: Sequence[Citation], numbers: Mapping[str, int]) -> str:
    """Markers for a statement shown as its first citation's quote: ``[3]``, or ``[3; also 1,
    4]`` when sources 1 and 4 say the same in other words (their quotes are in the JSON), so
    no reader takes the quote for theirs."""
    own, also = quote_and_also(citations)
    mark = cite(own, numbers)
    more = [label for _, label in cite_labels(also, numbers)]
    if not (mark and more):
        return cite(citations, numbers)
    return f"{mark[:-1]}; also {', '.join(more)}]"


def quoted(statement: str, citations: Sequence[Citation]) -> bool:
    """Whether the statement is its first citation's quote but for typographic marks and
    spacing, so the page shows the quote alone, as written (further citations are sources
    saying the same thing, cited beside it)."""
    return bool(citations) and fold_quote(statement) == fold_quote(citations[0].quote)


def side_quotes(side: ContradictionSide) -> list[str]:
    """What a contradiction side shows in quotation marks, on every page: its statement when
    that is its quote, else each quote it cites. Always the side's own words, even when an
    item above quotes them too: a reader compares the sides next to each other, and a pointer
    ("see bottom line 3") left one side blank."""
    if quoted(side.statement, side.citations):
        return [side.citations[0].quote]
    return [q.quote for q in side.citations]


MAX_WARNINGS_SHOWN = 5


@dataclass(frozen=True)
class StoryView:
    """One story of a multi-story page, with its items that are on the page."""

    story: BriefStory
    bottom_line: list[Fact]
    facts: list[Fact]
    contradictions: list[Contradiction]
    watch: list[Fact]
    change: StoryChange | None = None  # where it stands against the previous daily brief

    @property
    def status(self) -> str:
        """Its status since the previous daily brief, for its heading ("new", "developing: 2
        new facts"); "" on a page that is no daily brief's or for a story with no news."""
        change = self.change
        if change is None:
            return ""
        if change.status in ("developing", "updated") and change.new_facts:
            facts = f"{change.new_facts} new fact{'s' if change.new_facts != 1 else ''}"
            return f"{change.status}: {facts}"
        return change.status

    @property
    def line_says_heading(self) -> bool:
        """Whether its first line opens with its heading (an untitled document's heading is
        its lead, cut): the line alone says it, without the heading before it."""
        heading = fold_quote(self.story.headline.rstrip("\u2026"))
        return bool(heading and self.bottom_line) and fold_quote(
            self.bottom_line[0].statement
        ).startswith(heading)


@dataclass(frozen=True)
class LineupView:
    top: list[StoryView]
    next: list[StoryView]
    more: int  # stories with nothing on the page (listed in the JSON)

    @property
    def places(self) -> dict[str, int]:
        """Story id -> its number among the top stories, 0 for an Other stories line: where
        Since yesterday finds a story the page shows (``changes.story_moves``)."""
        places = {v.story.id: n for n, v in enumerate(self.top, 1)}
        return places | {v.story.id: 0 for v in self.next}


@dataclass(frozen=True)
class SinceYesterday:
    """Since yesterday's Stories lines and New developments as the page shows them: a story
    named by its headline carries its first listed development in its line (``story_facts``,
    by story id), and New developments lists the others (``developments``)."""

    moves: list[StoryMove]
    story_facts: dict[str, Fact]
    developments: list[Fact]


def since_yesterday(brief: Brief, lineup: LineupView | None) -> SinceYesterday:
    moves = page_story_moves(brief, lineup)
    listed = listed_developments(brief)
    told = named_story_facts(brief, moves, listed)
    carried = {id(f) for f in told.values()}
    return SinceYesterday(moves, told, [f for f in listed if id(f) not in carried])


def page_story_moves(brief: Brief, lineup: LineupView | None) -> list[StoryMove]:
    """Since yesterday's Stories lines of the page as it stands: the stories the page shows
    are pointed at by their place, not named again under their own headings."""
    if brief.changes is None:
        return []
    return story_moves(brief.changes, lineup.places if lineup is not None else None)


def lineup_view(brief: Brief) -> LineupView | None:
    """How a brief of several stories is laid out (None: a one-story brief, today's layout).

    Items are placed by the source they cite, so the view holds after any trimming.
    """
    if len(brief.stories) < 2:
        return None
    story_of = story_of_sources(brief.stories)
    # Each item placed once, in its list's order (not each list scanned once per story).
    bottom_line = _by_story(brief.bottom_line, lambda f: fact_story(f, story_of))
    facts = _by_story(brief.facts, lambda f: fact_story(f, story_of))
    contradictions = _by_story(brief.contradictions, lambda c: contradiction_story(c, story_of))
    watch = _by_story(brief.watch, lambda f: fact_story(f, story_of))
    on_page = bottom_line.keys() | facts.keys() | contradictions.keys() | watch.keys()
    changes = {c.story_id: c for c in brief.changes.stories} if brief.changes else {}
    shown = [
        StoryView(
            story=story,
            bottom_line=list(bottom_line.get(story.id, ())),
            facts=list(facts.get(story.id, ())),
            contradictions=list(contradictions.get(story.id, ())),
            watch=list(watch.get(story.id, ())),
            change=changes.get(story.id),
        )
        for story in brief.stories
        if story.id in on_page
    ]
    top = [v for v in shown if v.story.rank <= TOP_STORIES]
    rest = [v for v in shown if v.story.rank > TOP_STORIES]
    return LineupView(top=top, next=rest, more=len(brief.stories) - len(shown))


def _by_story(items: Iterable[T], story: Callable[[T], str | None]) -> dict[str | None, list[T]]:
    """Story id -> its items, in their order."""
    placed: dict[str | None, list[T]] = defaultdict(list)
    for item in items:
        placed[story(item)].append(item)
    return placed


def _repeats(side: ContradictionSide, fact: Fact) -> bool:
    """Whether a contradiction side shows what ``fact`` shows: the same quoted words of one
    source (one quote holding the other) or a sentence a reader takes for the same one."""
    for a in side.citations:
        for b in fact.citations:
            if a.source_id == b.source_id:
                qa, qb = fold_quote(a.quote), fold_quote(b.quote)
                if qa and qb and (qa in qb or qb in qa):
                    return True
    return word_overlap(side.statement, fact.statement) >= SAME_WORDS


def back_references(brief: Brief) -> dict[tuple[str, int], str]:
    """Which contradiction sides repeat an item printed above them, and which: (contradiction
    id, side index) -> ``"bottom line 1"``, or ``"story 2, key development 1"`` on a page of
    several stories (on a one-story page the bottom line counts; on a page of several, the
    story's own lines and key developments).

    The pages quote such a side all the same (``side_quotes``): this is what the
    near-duplicate metric of ``briefing.eval`` leaves out as a repeat made on purpose.
    """
    lineup = lineup_view(brief)
    earlier: list[tuple[list[Contradiction], list[tuple[str, Fact]]]] = []
    if lineup is None:
        shown = [(f"bottom line {i}", f) for i, f in enumerate(brief.bottom_line, 1)]
        earlier.append((list(brief.contradictions), shown))
    else:
        for n, view in enumerate(lineup.top, 1):
            shown = [(f"story {n}, line {i}", f) for i, f in enumerate(view.bottom_line, 1)]
            shown += [(f"story {n}, key development {i}", f) for i, f in enumerate(view.facts, 1)]
            earlier.append((view.contradictions, shown))
    found: dict[tuple[str, int], str] = {}
    for contradictions, shown in earlier:
        for c in contradictions:
            for k, side in enumerate(c.sides):
                label = next((lab for lab, fact in shown if _repeats(side, fact)), None)
                if label is not None:
                    found[(c.id, k)] = label
    return found


KIND_LABELS = {
    "claim_conflict": "Conflicting claims",
    "reported_dispute": "Reported dispute",
    "temporal": "Different periods",
}


def side_label(side: ContradictionSide, brief: Brief) -> str:
    """Who a contradiction side is: its actor, else the source it quotes, by a neutral name:
    its outlet, else "Source n". Never its headline: a headline makes a claim of its own, often
    the other side's ("Trump denies paying North Korea ..." over the reports he denies)."""
    if side.actor:
        return as_label(side.actor)
    source = side.citations[0].source_id if side.citations else None
    ref = next((s for s in brief.sources if s.id == source), None)
    if ref is None:
        return "Unattributed"
    return ref.outlet or f"Source {ref.number}"


def render_markdown(brief: Brief) -> str:
    template = _environment().get_template("brief.md.j2")
    numbers = source_numbers(brief)
    lineup = lineup_view(brief)
    since = since_yesterday(brief, lineup)
    return template.render(
        brief=brief,
        cite=lambda cs: cite(cs, numbers),
        cite_quote=lambda cs: cite_quote(cs, numbers),
        max_warnings=MAX_WARNINGS_SHOWN,
        citations_of=lambda c: [q for side in c.sides for q in side.citations],
        cited=lambda facts: [f for f in facts if cite(f.citations, numbers)],
        quoted=quoted,
        side_quotes=side_quotes,
        kind_label=KIND_LABELS,
        source_marks=lambda ids: cite([{"source_id": i} for i in ids], numbers),
        lineup=lineup,
        reprint_lines=reprint_lines(brief),
        reprint_lines_shown=REPRINT_LINES,
        carried=carried_lines(brief),
        carried_notes=carried_notes(brief),
        dated_after=dated_after_note(brief),
        story_moves=since.moves,
        story_facts=since.story_facts,
        developments=since.developments,
        changes_shown=CHANGES_SHOWN,
        side_label=lambda side: side_label(side, brief),
    )


def render_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2) + "\n"


_CODE_SPAN = re.compile(r"`[^`\n]*`")
_STATS_LINE = re.compile(r"^\*[^*\n]* engine\b[^\n]*\*$", re.MULTILINE)


def markdown_words(brief: Brief) -> int:
    """The words of the page the word budget counts: everything a reader reads, but not the
    file paths of the sources list (they depend on where the files are, not on the brief) nor
    the engine and cost line (a cached rerun costs nothing): the same sources give the same
    page wherever they sit and however the answers were obtained."""
    page = _STATS_LINE.sub("", _CODE_SPAN.sub("", render_markdown(brief)))
    return word_count(page)
