"""Render a Brief as a PDF that always fits on one page (plus an optional quote appendix).

WeasyPrint lays out the HTML from ``render_html``. Its URL fetcher is replaced by one that
refuses every request: the HTML is self-contained (inline CSS, system fonts), so nothing
needs fetching, and source text that smuggled in a URL could not make us read a file or
touch the network even if escaping failed.

The one-page guarantee: lay out, count pages; while over one page drop the lowest-priority
items in ``compose.DROP_ORDER``, the order the word budget uses too (last item of a list
first: lists are in priority order). A section whose items are all dropped loses its
heading with them; a heading never goes while its section has content. The font steps
down, to a 9 pt floor, when dropping everything droppable is not enough, and on a page of
several stories when a smaller size keeps a story that the fit at the base size took off the
page (its Other stories do not all go for want of half a point, leaving the space blank; a
one-story page's sections go in the drop order's priority, at the base size). After that,
the last contradiction goes and over-long strings are clipped as a last resort. What was
left out is recorded in the brief's stats (``omitted_*``) and printed on the page ("N more
facts in the JSON brief").

Finding how many items to drop is fast: the full layout is measured once (the height of
every droppable item and of the overflow), which gives an estimate that is then checked by
laying out again and corrected by a galloping search, usually two or three layouts in all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from briefing.compose import DROPPABLE, cited_source_ids, drop_items, drop_sequence
from briefing.errors import RenderError
from briefing.models import Brief
from briefing.render.html import PAPER_SIZES, render_html
from briefing.render.markdown import lineup_view

logger = logging.getLogger(__name__)

BASE_FONT_PT = 10.0
FONT_STEPS_PT = (10.0, 9.5, 9.0)
MIN_FONT_PT = FONT_STEPS_PT[-1]
# Element id prefix of each droppable list's items in templates/brief.html.j2.
_ITEM_IDS = {
    "bottom_line": "bottom-",
    "facts": "fact-",
    "contradictions": "contradiction-",
    "watch": "watch-",
    "actors": "actor-",
}
# Last resort when even the bare brief overflows at the floor size: clip long strings.
_CLIP_LIMITS = (400, 160, 60)
# A page is at most 297 mm tall and an item at least one 9 pt line: 80 items never fit.
MAX_ITEMS_ON_A_PAGE = 80


class RefusingURLFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that fetches nothing and remembers what it was asked for."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.refused.append(url)
        logger.warning("refused to fetch %s while rendering the PDF", url[:200])
        raise ValueError(f"briefing renders PDFs without fetching anything: {url[:200]}")


@dataclass
class PdfResult:
    """The PDF bytes and what it took to fit them on one page."""

    data: bytes
    pages: int
    brief: Brief  # the brief actually rendered, after dropping
    font_pt: float
    omitted: dict[str, int] = field(default_factory=dict)  # items dropped, by Brief list
    layouts: int = 0  # how many times the brief was laid out
    refused_urls: list[str] = field(default_factory=list)


def droppable_count(brief: Brief) -> int:
    return len(drop_sequence(brief))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def clip_brief(brief: Brief, limit: int) -> Brief:
    """Last resort: keep one bottom-line sentence, no contradiction, and clip every remaining
    long string (the word fit never drops the last contradiction; a page that cannot hold
    it even at the floor size does)."""
    bottom = [
        f.model_copy(update={"statement": _clip(f.statement, limit)}) for f in brief.bottom_line[:1]
    ]
    bare = brief.model_copy(
        update={
            "bottom_line": bottom,
            "contradictions": [],
            "more_contradictions": [*brief.contradictions, *brief.more_contradictions],
        }
    )
    cited = cited_source_ids(bare)
    kept = [s for s in sorted(brief.sources, key=lambda s: s.number) if s.id in cited]
    sources = [
        s.model_copy(
            update={
                "number": number,
                "title": _clip(s.title, limit) if s.title else s.title,
                "path": _clip(s.path, limit),
                "outlet": _clip(s.outlet, limit) if s.outlet else s.outlet,
                "url": s.url if s.url is None or len(s.url) <= limit else None,
            }
        )
        for number, s in enumerate(kept, start=1)
    ]
    stats = brief.stats.model_copy(
        update={
            "omitted_other": brief.stats.omitted_other + len(brief.bottom_line) - len(bottom),
            "omitted_contradictions": brief.stats.omitted_contradictions
            + len(brief.contradictions),
        }
    )
    return bare.model_copy(
        update={
            "title": _clip(brief.title, limit),
            "topic": _clip(brief.topic, limit),
            "sources": sources,
            "stats": stats,
        }
    )


class _Layouter:
    """Lays out briefs with one locked-down fetcher, counting layouts."""

    def __init__(self, paper: str) -> None:
        if paper not in PAPER_SIZES:
            raise RenderError(f"unknown paper size {paper!r}: use one of {', '.join(PAPER_SIZES)}")
        self.paper = paper
        self.fetcher = RefusingURLFetcher()
        self.layouts = 0

    def layout(self, brief: Brief, font_pt: float, *, appendix: bool = False) -> Any:
        html = render_html(brief, paper=self.paper, font_pt=font_pt, appendix=appendix)
        self.layouts += 1
        try:
            return HTML(string=html, url_fetcher=self.fetcher).render()
        except Exception as exc:  # WeasyPrint raises many types; none is the user's to debug
            raise RenderError(f"PDF layout failed: {type(exc).__name__}: {exc}") from exc


def _page_heights(page: Any, heights: dict[str, float]) -> tuple[float, float]:
    """(capacity, used height) of one laid-out page; adds its elements' heights to ``heights``.

    Heights are in CSS pixels; an element split over pages gets the sum of its fragments.
    """
    page_box = page._page_box
    top = page_box.content_box_y()
    bottom = top
    seen: set[int] = set()
    for box in page_box.descendants():
        element = box.element
        if element is None or id(element) in seen:
            continue
        seen.add(id(element))
        ident = element.get("id")
        if ident:
            heights[ident] = heights.get(ident, 0.0) + box.margin_height()
        if element.tag not in ("html", "body"):
            bottom = max(bottom, box.position_y + box.margin_height())
    return page_box.height, bottom - top


def _stories_shown(brief: Brief) -> int:
    """How many stories a page of several shows (0 on a one-story page): what a smaller type
    size is worth taking to keep."""
    lineup = lineup_view(brief)
    return 0 if lineup is None else len(lineup.top) + len(lineup.next)


def _measure(document: Any) -> tuple[float, dict[str, float]]:
    """(overflow height beyond one page, height of every element with an id)."""
    heights: dict[str, float] = {}
    used_total = 0.0
    capacity = 0.0
    for page in document.pages:
        page_capacity, used = _page_heights(page, heights)
        capacity = capacity or page_capacity
        used_total += used
    return used_total - capacity, heights


def _free_height(document: Any) -> float:
    capacity, used = _page_heights(document.pages[0], {})
    return capacity - used


def _source_numbers(brief: Brief, citations: Any) -> set[int]:
    numbers = {s.id: s.number for s in brief.sources}
    return {numbers[c.source_id] for c in citations if c.source_id in numbers}


def _section_overhead(brief: Brief, heights: dict[str, float]) -> dict[str, float]:
    """Height of each droppable section beyond its items: the heading and margins that go
    with its last item."""
    return {
        name: max(
            0.0,
            heights.get(name, 0.0)
            - sum(
                heights.get(f"{_ITEM_IDS[name]}{i}", 0.0) for i in range(len(getattr(brief, name)))
            ),
        )
        for name in DROPPABLE
    }


def _item_citations(name: str, item: Any) -> list[Any]:
    if name == "contradictions":
        return [c for side in item.sides for c in side.citations]
    return list(item.citations)


def _dropped_item(brief: Brief, name: str, index: int) -> Any:
    """The item (name, index) of the drop sequence names: a list of the brief's, or one of a
    daily brief's new developments ("changes")."""
    if name == "changes" and brief.changes is not None:
        return brief.changes.new_facts[index]
    return getattr(brief, name)[index]


def _estimate_drop(brief: Brief, overflow: float, heights: dict[str, float], scale: float) -> int:
    """How many items to drop to free ``overflow``, counting the source lines they take along.

    Dropping an item frees its own height and, once no kept item cites a source, that
    source's line in the (two-column) sources list.
    """
    items: list[tuple[float, set[int]]] = []  # in drop order
    for name, i in drop_sequence(brief):
        cites = _item_citations(name, _dropped_item(brief, name, i))
        height = heights.get(f"{_ITEM_IDS[name]}{i}", 0.0) if name in _ITEM_IDS else 0.0
        items.append((height, _source_numbers(brief, cites)))
    users: dict[int, int] = {}
    for _, numbers in items:
        for n in numbers:
            users[n] = users.get(n, 0) + 1
    dropped = set(drop_sequence(brief))
    for name in DROPPABLE:  # items never dropped (the first bottom line, the last
        for index, obj in enumerate(getattr(brief, name)):  # contradiction) keep their sources
            if (name, index) not in dropped:
                for n in _source_numbers(brief, _item_citations(name, obj)):
                    users[n] = users.get(n, 0) + 1_000_000
    overhead = _section_overhead(brief, heights)
    freed = 0.0
    for count, ((name, index), (height, numbers)) in enumerate(
        zip(drop_sequence(brief), items, strict=True), start=1
    ):
        freed += height * scale
        if index == 0:
            freed += overhead[name] * scale
        for n in numbers:
            users[n] -= 1
            if users[n] == 0:
                freed += heights.get(f"src-{n}", 0.0) * scale / 2
        if freed >= overflow * scale:
            return count
    return len(items)


def _search_min_drop(
    fits: Callable[[int], bool],
    guess: int,
    *,
    known_bad: int,
    known_good: int,
    restorable: Callable[[int], int] | None = None,
) -> int:
    """Smallest d in (known_bad, known_good] with fits(d), starting from a guess.

    Assumes dropping more never makes the brief longer. From a fitting d, ``restorable(d)``
    says how many of the dropped items the free space could take back (0: d is minimal);
    without it the search steps back one item, then bisects.
    """
    lo, hi = known_bad, known_good  # invariant: not fits(lo), fits(hi)
    guess = min(max(guess, lo + 1), hi)
    if fits(guess):
        hi = guess
    else:
        lo, step = guess, 1
        while hi - lo > 1:  # gallop up from a guess that was too low
            probe = min(lo + step, hi - 1)
            if fits(probe):
                hi = probe
                break
            lo, step = probe, step * 2
    while hi - lo > 1:
        back = restorable(hi) if restorable is not None else 1
        if back == 0:
            return hi
        probe = max(hi - back, lo + 1)
        if fits(probe):
            hi = probe
        else:
            lo = probe
            break
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _fit(brief: Brief, layouter: _Layouter) -> tuple[Brief, dict[str, int], float, Any]:
    """The trimmed brief, drop counts, font size and its one-page layout."""
    total = droppable_count(brief)
    cache: dict[tuple[int, float], Any] = {}

    def layout(drop: int, font_pt: float) -> Any:
        key = (drop, font_pt)
        if key not in cache:
            cache[key] = layouter.layout(drop_items(brief, drop)[0], font_pt)
        return cache[key]

    # Every item takes at least one line, so no more than this many can share one page; the
    # rest are dropped before the first layout, which keeps a huge brief's layout cheap.
    start = max(0, total - MAX_ITEMS_ON_A_PAGE)
    full = layout(start, BASE_FONT_PT)
    if len(full.pages) == 1:
        trimmed, counts = drop_items(brief, start)
        return trimmed, counts, BASE_FONT_PT, full
    overflow, heights = _measure(full)
    measured = drop_items(brief, start)[0]
    sequence = drop_sequence(brief)
    overhead = _section_overhead(measured, heights)

    def restorable(drop: int) -> int:
        """How many of the items dropped last could come back into the free space of the
        fitting layout with ``drop`` items dropped (base size, where measured heights hold).

        Counts each item's own height and, for the first item of a section, its heading;
        source lines it would bring back are ignored, so this can overestimate by a little.
        """
        free = _free_height(layout(drop, BASE_FONT_PT))
        count = 0
        for name, index in reversed(sequence[start:drop]):
            needed = heights.get(f"{_ITEM_IDS.get(name, name)}{index}", 0.0)
            if index == 0:
                needed += overhead[name]
            if needed > free:
                break
            free -= needed
            count += 1
        return count

    used = _page_heights(full.pages[0], {})[0] + overflow  # the whole content's height

    def estimate(font_pt: float) -> int:
        """A guess at the drops that fit at ``font_pt``: item heights and the content shrink
        with the type, the page does not."""
        scale = font_pt / BASE_FONT_PT
        needed = used - (used - overflow) / scale  # in base-size heights
        return start + _estimate_drop(measured, needed, heights, scale)

    for font_pt in FONT_STEPS_PT:
        if total == 0:
            break

        def fits(drop: int, font_pt: float = font_pt) -> bool:
            return len(layout(drop, font_pt).pages) == 1

        if font_pt != BASE_FONT_PT and not fits(total):
            logger.info("dropping every droppable item is not enough at %.1f pt", font_pt)
            continue
        guess = start + _estimate_drop(measured, overflow, heights, font_pt / BASE_FONT_PT)
        # Known: nothing dropped overflows (at the base size; below it, everything dropped
        # overflowed at a larger size, so nothing dropped is taken to overflow too). Taken
        # as given: everything dropped fits; checked below.
        drop = _search_min_drop(
            fits,
            guess,
            known_bad=start,
            known_good=total,
            restorable=restorable if font_pt == BASE_FONT_PT else None,
        )
        if fits(drop):
            if font_pt == BASE_FONT_PT:
                drop, font_pt = _keep_stories(brief, drop, start, layout, estimate)
            trimmed, counts = drop_items(brief, drop)
            return trimmed, counts, font_pt, layout(drop, font_pt)
        logger.info("dropping every droppable item is not enough at %.1f pt", font_pt)
    # Even the bare brief overflows at the floor size: clip long strings, keep one bottom line.
    bare, counts = drop_items(brief, total)
    for limit in _CLIP_LIMITS:
        clipped = clip_brief(bare, limit)
        document = layouter.layout(clipped, MIN_FONT_PT)
        if len(document.pages) == 1:
            logger.warning("brief clipped to %d characters per string to fit one page", limit)
            return clipped, counts, MIN_FONT_PT, document
    raise RenderError(
        "the brief cannot fit on one page even with every optional item dropped and long "
        "text clipped; its title, bottom line or source list is far too long"
    )


def _keep_stories(
    brief: Brief,
    drop: int,
    start: int,
    layout: Callable[[int, float], Any],
    estimate: Callable[[float], int],
) -> tuple[int, float]:
    """(drop, font size): the base-size fit's ``drop``, or a smaller size, down to the floor,
    at which a page of several stories keeps one story more (each step down must keep one
    more), with the fewest drops that fit at that size.

    Costs no layout when the base-size fit took no story off the page (and on a one-story
    page); else one per smaller size tried, and a short search at a size that keeps one more.
    """
    best, best_font = drop, BASE_FONT_PT
    kept = _stories_shown(drop_items(brief, drop)[0])
    for font_pt in FONT_STEPS_PT[1:]:
        # the most drops that keep one more: just before the last story went
        boundary = next(
            (
                d
                for d in range(best - 1, start - 1, -1)
                if _stories_shown(drop_items(brief, d)[0]) > kept
            ),
            None,
        )
        if boundary is None:
            break
        if len(layout(boundary, font_pt).pages) > 1:
            continue  # the next size down may hold it

        def fits(d: int, font_pt: float = font_pt) -> bool:
            return len(layout(d, font_pt).pages) == 1

        guess = min(max(estimate(font_pt), start), boundary)
        best = _search_min_drop(fits, guess, known_bad=start - 1, known_good=boundary)
        best_font = font_pt
        kept = _stories_shown(drop_items(brief, best)[0])
        logger.info("%.1f pt keeps %d stories on the page", font_pt, kept)
    return best, best_font


def render_pdf(brief: Brief, *, paper: str = "a4", appendix: bool = False) -> PdfResult:
    """The brief as a one-page PDF; ``appendix`` adds pages with every cited quote in full.

    Raises RenderError (unknown paper size, layout failure, or a brief whose mandatory part
    cannot fit even clipped).
    """
    layouter = _Layouter(paper)
    fitted, counts, font_pt, document = _fit(brief, layouter)
    if appendix:
        document = layouter.layout(fitted, font_pt, appendix=True)
    try:
        data = document.write_pdf()
    except Exception as exc:
        raise RenderError(f"writing the PDF failed: {type(exc).__name__}: {exc}") from exc
    if counts:
        logger.info("left out to fit one page: %s", counts)
    return PdfResult(
        data=bytes(data),
        pages=len(document.pages),
        brief=fitted,
        font_pt=font_pt,
        omitted=counts,
        layouts=layouter.layouts,
        refused_urls=list(layouter.fetcher.refused),
    )
