"""Render a Brief as one self-contained HTML page: the body of the PDF and of an e-mail.

The stylesheet is inlined, nothing is loaded from anywhere, and every string that comes from
a source or an engine is escaped by Jinja's autoescape: a document containing ``<script>``,
``<img src=...>``, CSS or Markdown shows up as that literal text, and a control character in
it (an escape sequence, a bidi override) as a space. Citations are numbered
superscripts ``[n]`` (``[n, p. 14]`` for a quote from a paged source such as a PDF) linking
to ``#src-n`` in the numbered sources list, where ``n`` is the source's ``SourceRef.number``.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup

from briefing.changes import CHANGES_SHOWN, listed_developments
from briefing.errors import RenderError
from briefing.models import Brief, Citation, SourceRef
from briefing.render.markdown import (
    KIND_LABELS,
    REPRINT_LINES,
    Cited,
    as_label,
    carried_lines,
    carried_notes,
    cite_labels,
    dated_after_note,
    lineup_view,
    quote_and_also,
    quoted,
    reprint_lines,
    side_label,
    side_quotes,
    since_yesterday,
)
from briefing.resources import templates_dir as bundled_templates
from briefing.sanitize import printable
from briefing.sanitize import safe_url as safe_url  # the one "linkable URL" rule

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "brief.html.j2"
CSS_NAME = "brief.css"
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}
# Page margins in millimetres (top/bottom, left/right): narrow enough for a dense page,
# wide enough for any printer.
_MARGIN_MM = (11, 13)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# Territories whose paper is US Letter (glibc LC_PAPER height 279 mm); everywhere else A4.
def templates_dir() -> Path:
    """The directory holding the brief templates (``templates/`` beside the package)."""
    return bundled_templates()


def _printable(value: object) -> object:
    """Every value the template prints, a control character in it a space: autoescaping
    leaves an escape sequence or a bidi override of a source or an engine as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=True,
        finalize=_printable,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["label"] = as_label
    return env


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    path = templates_dir() / CSS_NAME
    try:
        css = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"{path}: cannot read the brief stylesheet: {exc.strerror}") from exc
    if "</" in css:
        raise RenderError(f"{path}: the stylesheet must not contain '</'")
    return css


def format_date(day: dt.date) -> str:
    """``2025-06-28`` -> ``28 Jun 2025``, independent of the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_line(brief: Brief) -> str:
    """Generated date plus the span of the sources' stated dates, or 'undated sources'."""
    generated = f"Generated {format_date(brief.generated)}"
    if brief.source_dates is None:
        return f"{generated}; undated sources"
    first, last = brief.source_dates
    span = format_date(first) if first == last else f"{format_date(first)} to {format_date(last)}"
    notes = [f"{brief.undated_sources} undated" if brief.undated_sources else "",
             dated_after_note(brief)]  # fmt: skip
    shown = "; ".join(n for n in notes if n)
    return f"{generated}; sources dated {span}{f' ({shown})' if shown else ''}"


def source_count(brief: Brief) -> str:
    read = max(brief.stats.documents, len(brief.sources))
    cited = len(brief.sources)
    line = f"{cited} source{'s' if cited != 1 else ''} cited of {read} read"
    if brief.documents_off_topic:
        n = brief.documents_off_topic
        line += f" · {n} document{'s' if n != 1 else ''} on other subjects left out"
    return line


def footer_text(brief: Brief) -> str:
    """Engine, plus model and cost when an LLM was used, and what verification dropped."""
    stats = brief.stats
    parts = [f"Built by briefing, {stats.engine or 'unknown'} engine"]
    if stats.model and stats.engine != "offline":
        usage = stats.usage
        calls = f"{usage.calls} call{'s' if usage.calls != 1 else ''}"
        if usage.cached_calls:
            calls += f", {usage.cached_calls} cached"
        parts[0] += f", model {stats.model}, cost ${usage.cost_usd:.4f} ({calls})"
    else:
        parts[0] += " (no LLM)"
    if stats.facts_verified:
        n = stats.facts_verified
        verified = f"{n} fact{'s' if n != 1 else ''} verified against their sources"
        if stats.facts_dropped_unverified:
            verified += f", {stats.facts_dropped_unverified} dropped as unverified"
        parts.append(verified)
    if stats.support_note():
        parts.append(stats.support_note())
    if stats.warnings:
        parts.append(f"{len(stats.warnings)} warning{'s' if len(stats.warnings) != 1 else ''}")
    return ". ".join(parts) + "."


def omitted_note(brief: Brief) -> str | None:
    """'N more facts in the JSON' for the facts and contradictions the page has no room for."""
    parts = []
    for count, singular, plural in (
        (len(brief.more_facts), "fact", "facts"),
        (len(brief.more_contradictions), "contradiction", "contradictions"),
    ):
        if count:
            parts.append(f"{count} more {singular if count == 1 else plural}")
    other = brief.stats.omitted_other
    note = " and ".join(parts) + " in the JSON brief." if parts else ""
    if other:
        items = f"{other} actor or watch item{'s' if other != 1 else ''}"
        note = f"{note} {items} left out for space.".strip()
    return note or None


def text_dir(text: str | None) -> str:
    """'rtl' or 'ltr' from the first strong character, like HTML's dir=auto (which WeasyPrint
    does not implement); 'ltr' when there is none."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


class _Cited(Protocol):
    """Anything that points at a source: a Citation, or a daily brief's reprint entry."""

    @property
    def source_id(self) -> str: ...


def _all_citations(brief: Brief) -> Iterable[Citation]:
    """Every citation the rendered brief shows, in page order."""
    for fact in brief.bottom_line:
        yield from fact.citations
    changes = brief.changes  # daily briefs only
    if changes is not None:
        for fact in listed_developments(brief):
            yield from fact.citations
        for contradiction in changes.new_contradictions:
            for side in contradiction.sides:
                yield from side.citations
    for contradiction in brief.contradictions:
        for side in contradiction.sides:
            yield from side.citations
    for fact in brief.facts:
        yield from fact.citations
    for actor in brief.actors:
        yield from actor.citations
    for fact in brief.watch:
        yield from fact.citations


@dataclass(frozen=True)
class _SourceId:
    """A bare pointer at a source, for notes that cite no quote (an updated story)."""

    source_id: str


class _SourceNumbers:
    """Maps citations to source numbers; unknown source ids get no marker (and a log line)."""

    def __init__(self, sources: Sequence[SourceRef]) -> None:
        self._by_id = {s.id: s for s in sources}

    def numbers(self, citations: Iterable[_Cited]) -> list[int]:
        found: set[int] = set()
        for citation in citations:
            source = self._by_id.get(citation.source_id)
            if source is None:
                logger.warning("citation of unknown source %r has no number", citation.source_id)
                continue
            found.add(source.number)
        return sorted(found)

    def labels(self, citations: Iterable[Cited]) -> list[tuple[int, str]]:
        """(number, "n" or "n, p. 14") per cited source, for the superscript markers."""
        return cite_labels(citations, {sid: s.number for sid, s in self._by_id.items()})

    def appendix(self, brief: Brief) -> list[tuple[SourceRef, list[str]]]:
        quotes: dict[str, list[str]] = {}
        for citation in _all_citations(brief):
            if citation.source_id not in self._by_id:
                continue
            seen = quotes.setdefault(citation.source_id, [])
            if citation.quote not in seen:
                seen.append(citation.quote)
        ordered = sorted(quotes, key=lambda sid: self._by_id[sid].number)
        return [(self._by_id[sid], quotes[sid]) for sid in ordered]


def page_css(paper: str, font_pt: float) -> str:
    if paper not in PAPER_SIZES:
        raise RenderError(f"unknown paper size {paper!r}: use one of {', '.join(PAPER_SIZES)}")
    if not 4.0 <= font_pt <= 30.0:
        raise RenderError(f"font size {font_pt} pt is out of range")
    top, side = _MARGIN_MM
    return (
        f"@page {{ size: {PAPER_SIZES[paper]}; margin: {top}mm {side}mm; }}\n"
        f"html {{ font-size: {font_pt:.2f}pt; }}\n"
    )


def render_html(
    brief: Brief, *, paper: str = "a4", font_pt: float = 10.0, appendix: bool = False
) -> str:
    """The brief as a self-contained HTML document (inline CSS, no external resources).

    ``appendix`` adds a section, starting on a new page when printed, with every quote the
    brief cites, in full, grouped by source.
    """
    numbers = _SourceNumbers(brief.sources)
    lineup = lineup_view(brief)
    since = since_yesterday(brief, lineup)
    # Each droppable item's place in its list, for its element id (``bottom-2``): the PDF fit
    # measures items by it, on a page of several stories as on a one-story page.
    places = {
        (name, id(item)): index
        for name in ("bottom_line", "facts", "contradictions", "watch")
        for index, item in enumerate(getattr(brief, name))
    }
    try:
        template = _environment().get_template(TEMPLATE_NAME)
        return template.render(
            brief=brief,
            css=Markup(_stylesheet()),
            page_css=Markup(page_css(paper, font_pt)),
            cite_numbers=numbers.numbers,
            cite_labels=numbers.labels,
            kind_label=lambda kind: KIND_LABELS.get(kind, kind),
            quoted=quoted,
            quote_and_also=quote_and_also,
            side_quotes=side_quotes,
            cited_facts=lambda facts: [f for f in facts if numbers.numbers(f.citations)],
            source_refs=lambda ids: [_SourceId(s.id) for s in brief.sources if s.id in ids],
            citations_of=lambda c: [q for side in c.sides for q in side.citations],
            date_line=date_line(brief),
            source_count=source_count(brief),
            omitted_note=omitted_note(brief),
            footer=footer_text(brief),
            format_date=format_date,
            safe_url=safe_url,
            story_moves=since.moves,
            story_facts=since.story_facts,
            developments=since.developments,
            changes_shown=CHANGES_SHOWN,
            side_label=lambda side: side_label(side, brief),
            text_dir=text_dir,
            appendix=numbers.appendix(brief) if appendix else [],
            lineup=lineup,
            item_index=lambda name, item: places[(name, id(item))],
            reprint_lines=reprint_lines(brief),
            reprint_lines_shown=REPRINT_LINES,
            carried=carried_lines(brief),
            carried_notes=carried_notes(brief),
        )
    except TemplateError as exc:
        raise RenderError(f"{templates_dir() / TEMPLATE_NAME}: template error: {exc}") from exc
