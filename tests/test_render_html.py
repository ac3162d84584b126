"""The HTML brief: self-contained, escaped, cited, laid out like the Markdown brief."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from brief_samples import cite, daily_brief, make_brief, source

from briefing.config import paper_for_locale
from briefing.errors import RenderError
from briefing.models import Contradiction, ContradictionSide, Fact
from briefing.render.html import date_line, render_html, safe_url, text_dir
from briefing.render.markdown import render_markdown

HOSTILE = Path(__file__).parent / "data" / "hostile.txt"


class _Tags(HTMLParser):
    """Collects start tags with their attributes and the ids defined."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}  # type: ignore[misc]


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def hostile_brief():  # type: ignore[no-untyped-def]
    """A brief whose every string comes from the hostile fixture."""
    lines = [line for line in HOSTILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    brief = make_brief(n_facts=0, n_contradictions=0, n_watch=0, n_actors=0, n_sources=1)
    facts = [Fact(statement=line, citations=(cite(1, line),)) for line in lines]
    hostile_source = source(1, title=lines[0], outlet=lines[1], url="javascript:alert(1)")
    side = ContradictionSide(actor=lines[0], statement=lines[2], citations=(cite(1, lines[2]),))
    return brief.model_copy(
        update={
            "title": lines[0],
            "topic": lines[5],
            "facts": facts,
            "contradictions": [
                Contradiction(kind="claim_conflict", summary=lines[3], sides=(side, side))
            ],
            "sources": [hostile_source],
        }
    )


def test_source_markup_is_escaped_and_nothing_external_is_referenced() -> None:
    html = render_html(hostile_brief(), appendix=True)
    tags = parse(html)
    names = [name for name, _ in tags.tags]
    # Only the template's own elements: none of the fixture's tags became elements.
    for smuggled in ("script", "img", "link", "iframe"):
        assert smuggled not in names
    assert names.count("style") == 1
    # No attribute anywhere loads a resource; links are fragments or plain http(s).
    for _, attrs in tags.tags:
        assert "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or re.match(r"https?://", href), href
    assert "javascript:" not in " ".join(str(a.get("href")) for _, a in tags.tags)
    # The markup shows up as text, exactly as in the source.
    text = "".join(tags.text)
    assert '<script>alert("owned")</script>' in text
    assert '<img src="file:///etc/passwd">' in text
    assert "**bold Markdown**" in text
    assert "&lt;b&gt;" in text  # an entity in the source stays an entity, not a tag
    assert "javascript:alert(1)" in text  # the bad URL is shown, never linked
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@import" not in style and "url(" not in style


def test_every_citation_links_to_a_numbered_source() -> None:
    brief = make_brief(n_facts=5, n_sources=4)
    tags = parse(render_html(brief))
    hrefs = [
        a["href"] for name, a in tags.tags if name == "a" and str(a.get("href")).startswith("#")
    ]
    assert hrefs, "no citation links rendered"
    for href in hrefs:
        assert href is not None and href[1:] in tags.ids
    assert {f"src-{s.number}" for s in brief.sources} <= tags.ids
    sups = [a for name, a in tags.tags if name == "sup"]
    assert all(a.get("class") == "cite" for a in sups)
    # Fact i cites source i % 4 + 1; its marker is a superscript link to that source.
    html = render_html(brief)
    item = re.search(r'<li id="fact-2"[^>]*>(.*?)</li>', html, re.S)
    assert item is not None
    assert '<sup class="cite"><a href="#src-3">[3]</a></sup>' in item.group(1)


def test_sections_in_order_with_bottom_line_first() -> None:
    html = render_html(make_brief())
    order = [html.index(f'id="{name}"') for name in ("bottom-line", "contradictions", "facts")]
    order += [html.index(f'id="{name}"') for name in ("actors", "watch", "sources")]
    assert order == sorted(order)
    assert html.index("<footer") > html.index('id="sources"')


def test_empty_sections_have_no_heading() -> None:
    html = render_html(make_brief(n_facts=0, n_contradictions=0, n_watch=0, n_actors=0))
    for heading in ("Key developments", "Contradictions", "What to watch", "Actors and positions"):
        assert f"<h2>{heading}</h2>" not in html
    assert "<h2>Bottom line</h2>" in html


def test_contradiction_sides_are_paired_in_one_row() -> None:
    brief = make_brief(n_contradictions=1)
    html = render_html(brief)
    block = re.search(r'<div class="contradiction".*?</div>', html, re.S)
    assert block is not None
    assert block.group(0).count('<td class="side"') == 2
    assert block.group(0).count("<tr>") == 1
    assert ">vs<" in block.group(0)
    # As in the Markdown brief, each side shows its verbatim quote and its actor.
    for side in brief.contradictions[0].sides:
        assert f"“{side.citations[0].quote}”" in block.group(0)
        assert f'<span class="side-actor">{side.actor}</span>' in block.group(0)


@pytest.mark.parametrize(
    ("dates", "undated", "expected"),
    [
        (None, 3, "Generated 30 Mar 2025; undated sources"),
        ((dt.date(2025, 3, 2), dt.date(2025, 3, 2)), 0, "sources dated 2 Mar 2025"),
        (
            (dt.date(2024, 12, 30), dt.date(2025, 1, 4)),
            2,
            "sources dated 30 Dec 2024 to 4 Jan 2025 (2 undated)",
        ),
    ],
)
def test_date_line(dates: tuple[dt.date, dt.date] | None, undated: int, expected: str) -> None:
    brief = make_brief().model_copy(update={"source_dates": dates, "undated_sources": undated})
    assert expected in date_line(brief)
    assert expected in render_html(brief)


def test_sources_dated_after_the_briefs_day_are_marked_in_the_header() -> None:
    # A backfill (or a wrong date line) gives sources dated after the brief's day; the header
    # said "Source dates: ... to 7 Apr 2025" on a brief of 30 Mar 2025 with no mark. Now it
    # says how many cited sources are dated after it, in every format (build and daily).
    brief = make_brief(n_sources=3)
    late = [s.model_copy(update={"date": dt.date(2025, 4, 7)}) if s.number == 2 else s
            for s in brief.sources]  # fmt: skip
    after = brief.model_copy(
        update={"sources": late, "source_dates": (dt.date(2025, 3, 1), dt.date(2025, 4, 7))}
    )
    mark = "1 cited dated after the brief's day"
    assert f"sources dated 1 Mar 2025 to 7 Apr 2025 (1 undated; {mark})" in date_line(after)
    assert "dated after the brief&#39;s day" in render_html(after)
    assert f"**Source dates:** 2025-03-01 to 2025-04-07 (+1 undated) ({mark})" in render_markdown(
        after
    )
    # only an uncited source is later: the span's end is marked; none is: nothing is said
    uncited = brief.model_copy(update={"source_dates": (dt.date(2025, 3, 1), dt.date(2025, 4, 7))})
    assert "to 2025-04-07 (+1 undated) (the latest dated after the brief's day)" in render_markdown(
        uncited
    )
    assert "after the brief" not in render_markdown(brief) + date_line(brief)


def test_header_counts_sources_cited_of_read() -> None:
    brief = make_brief(n_sources=3)
    brief = brief.model_copy(update={"stats": brief.stats.model_copy(update={"documents": 1400})})
    assert "3 sources cited of 1400 read" in render_html(brief)


def test_footer_shows_model_and_cost_only_when_an_llm_was_used() -> None:
    llm = render_html(make_brief(engine="openai", model="gpt-4o-mini", cost=0.01234))
    footer = llm.split("<footer", 1)[1]
    assert "openai engine" in footer and "gpt-4o-mini" in footer and "$0.0123" in footer
    offline = render_html(make_brief()).split("<footer", 1)[1]
    assert "offline engine (no LLM)" in offline and "$" not in offline


def test_left_out_items_are_announced() -> None:
    brief = make_brief(n_facts=2)
    brief = brief.model_copy(update={"more_facts": make_brief(n_facts=7).facts})
    brief = brief.model_copy(update={"stats": brief.stats.model_copy(update={"omitted_other": 2})})
    html = render_html(brief)
    assert "7 more facts in the JSON brief." in html
    assert "2 actor or watch items left out for space." in html
    assert "more facts" not in render_html(make_brief())


def test_appendix_lists_every_cited_quote_in_full() -> None:
    brief = make_brief()
    without = render_html(brief)
    html = render_html(brief, appendix=True)
    appendix = html.split('id="appendix"', 1)[1]
    assert 'id="appendix"' not in without
    quotes = {c.quote for f in brief.bottom_line + brief.facts + brief.watch for c in f.citations}
    quotes |= {c.quote for k in brief.contradictions for s in k.sides for c in s.citations}
    quotes |= {c.quote for a in brief.actors for c in a.citations}
    for quote in quotes:
        assert f">{quote}</blockquote>" in appendix


@pytest.mark.parametrize(("paper", "size"), [("a4", "A4"), ("letter", "letter")])
def test_paper_size_and_font_size_reach_the_stylesheet(paper: str, size: str) -> None:
    html = render_html(make_brief(), paper=paper, font_pt=9.5)
    assert f"@page {{ size: {size};" in html
    assert "html { font-size: 9.50pt; }" in html


def test_unknown_paper_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="paper"):
        render_html(make_brief(), paper="a3")


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://news.example.org/a", True),
        ("http://news.example.org/a?b=1", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,<b>x</b>", False),
        ("//news.example.org/a", False),
        (None, False),
    ],
)
def test_only_http_urls_are_linked(url: str | None, linked: bool) -> None:
    assert (safe_url(url) is not None) is linked


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("قال المتحدث", "rtl"),
        ("« وزیر گفت »", "rtl"),
        ("Мэр заявил", "ltr"),
        ("港务局发言人表示", "ltr"),
        ("2025: ", "ltr"),
        ("", "ltr"),
    ],
)
def test_text_direction_follows_the_first_strong_character(text: str, direction: str) -> None:
    assert text_dir(text) == direction


def test_right_to_left_items_are_marked() -> None:
    brief = make_brief(n_facts=1)
    rtl = brief.facts[0].model_copy(update={"statement": "قال المتحدث إن الأعمال ستستأنف."})
    html = render_html(brief.model_copy(update={"facts": [rtl]}))
    assert '<li id="fact-0" dir="rtl">' in html


@pytest.mark.parametrize(
    ("locale_name", "paper"),
    [
        ("en_US.UTF-8", "letter"),
        ("fr_CA", "letter"),
        ("es_MX.utf8@euro", "letter"),
        ("en_GB.UTF-8", "a4"),
        ("de_DE", "a4"),
        ("fa_IR.UTF-8", "a4"),
        ("C.UTF-8", "a4"),
        ("POSIX", "a4"),
        ("", "a4"),
        (None, "a4"),
    ],
)
def test_paper_for_locale(locale_name: str | None, paper: str) -> None:
    assert paper_for_locale(locale_name) == paper


def test_since_yesterday_section_for_daily_briefs() -> None:
    html = render_html(daily_brief())
    section = html.split('id="since-yesterday"', 1)[1].split("</section>", 1)[0]
    assert html.index('id="bottom-line"') < html.index('id="since-yesterday"')
    assert html.index('id="since-yesterday"') < html.index('id="contradictions"')
    assert "Compared with the brief of 29 Mar 2025" in section
    assert "New developments (1):" in section
    assert "“The ferry timetable changed overnight.”" not in section  # not the quote itself
    assert 'The ferry timetable changed overnight. <span class="quote">' in section
    assert '<a href="#src-3">[3]</a>' in section
    assert "2 facts repeat what the 29 Mar 2025 brief already had." in section
    assert "Sources disagree on whether the barrier 0 reopened" in section
    assert "An old dispute about the tolls. <span" in section and "(no longer reported)" in section
    assert '<a href="#src-2">[2]</a></sup> also carried by' in section and "Copy Wire" in section
    assert 'id="since-yesterday"' not in render_html(make_brief())


def test_first_daily_brief_says_there_is_nothing_to_compare() -> None:
    html = render_html(daily_brief(previous_day=None))
    assert "First daily brief: there is no earlier brief to compare with." in html
    assert "New developments" not in html


def test_html_citation_marker_shows_the_page_of_a_paged_source() -> None:
    brief = make_brief(n_facts=1)
    fact = brief.facts[0]
    paged = fact.citations[0].model_copy(update={"page": 12})
    brief = brief.model_copy(update={"facts": [fact.model_copy(update={"citations": (paged,)})]})
    number = next(s.number for s in brief.sources if s.id == paged.source_id)
    assert f'<a href="#src-{number}">[{number}, p. 12]</a>' in render_html(brief)
