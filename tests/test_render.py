from __future__ import annotations

import datetime as dt
import io
import json

from briefing.models import Brief, BriefStats, Citation, Fact, SourceRef
from briefing.render.markdown import render_json, render_markdown


def _brief(statement: str, quote: str | None = None) -> Brief:
    citation = Citation(
        source_id="d1", quote=quote or statement, start=0, end=len(quote or statement)
    )
    return Brief(
        title="Brief",
        topic="harbour",
        generated=dt.date(2026, 1, 2),
        bottom_line=[Fact(id="b1", statement=statement, citations=(citation,))],
        sources=[
            SourceRef(
                id="d1", number=1, title="Harbour story", path="a.txt", date=dt.date(2025, 5, 1)
            )
        ],
        source_dates=(dt.date(2025, 5, 1), dt.date(2025, 5, 1)),
        stats=BriefStats(documents=1, engine="offline", facts_verified=1),
    )


def test_markdown_has_every_section_heading_with_content_and_citations() -> None:
    md = render_markdown(_brief("The harbour reopened on Monday."))
    assert md.startswith("# Brief\n")
    assert "**Generated:** 2026-01-02" in md
    assert "**Source dates:** 2025-05-01" in md
    assert "## Bottom line\n- “The harbour reopened on Monday.” [1]" in md
    assert "## Contradictions" not in md  # empty sections are left out
    assert "1. Harbour story (2025-05-01) · `a.txt`" in md


def test_paraphrase_is_followed_by_its_verbatim_quote() -> None:
    md = render_markdown(_brief("The port is open again.", quote="The harbour reopened on Monday."))
    assert "The port is open again. “The harbour reopened on Monday.” [1]" in md


def test_source_markup_is_shown_literally() -> None:
    md = render_markdown(_brief("Click [here](http://evil.example) <script>x()</script> **now**."))
    assert "\\[here\\](http://evil.example) \\<script\\>x()\\</script\\> \\*\\*now\\*\\*" in md


def test_json_has_the_documented_fields() -> None:
    data = json.loads(render_json(_brief("The harbour reopened on Monday.")))
    for key in ("title", "topic", "bottom_line", "facts", "contradictions", "sources", "stats"):
        assert key in data
    assert data["bottom_line"][0]["citations"][0] == {
        "source_id": "d1",
        "quote": "The harbour reopened on Monday.",
        "start": 0,
        "end": 31,
        "page": None,  # set for paged sources (PDF)
    }


def test_footer_names_the_warnings() -> None:
    brief = _brief("The harbour reopened on Monday.")
    warned = brief.stats.model_copy(
        update={"warnings": [f"feed{i}.xml: HTTP 500" for i in range(7)]}
    )
    brief = brief.model_copy(update={"stats": warned})
    md = render_markdown(brief)
    assert "- Warning: feed0.xml: HTTP 500" in md and "feed4.xml" in md
    assert "feed5.xml" not in md and "2 more warnings in the JSON" in md


def test_footer_says_what_the_support_check_changed() -> None:
    from briefing.render.html import render_html

    brief = _brief("The harbour reopened on Monday.")
    assert brief.stats.support_note() == ""  # the offline engine: nothing to say
    checked = brief.stats.model_copy(
        update={"statements_replaced_by_quote": 2, "statements_dropped_unsupported": 1}
    )
    brief = brief.model_copy(update={"stats": checked})
    note = "2 statements replaced by their quotes, 1 left out as unsupported"
    assert note in render_markdown(brief) and note in render_html(brief)


def test_citations_of_paged_sources_show_their_pages() -> None:
    from briefing.render.markdown import cite

    numbers = {"d1": 1, "d2": 2}
    unpaged = Citation(source_id="d1", quote="The harbour reopened.")
    p14 = Citation(source_id="d2", quote="The quay was cleared.", page=14)
    p3 = Citation(source_id="d2", quote="Divers finished work.", page=3)
    assert cite([unpaged], numbers) == "[1]"
    assert cite([p14], numbers) == "[2, p. 14]"
    assert cite([p14, p3, p14], numbers) == "[2, pp. 3, 14]"
    assert cite([p14, unpaged], numbers) == "[1; 2, p. 14]"
    assert cite([unpaged, Citation(source_id="d2", quote="x" * 9)], numbers) == "[1, 2]"
    brief = _brief("The harbour reopened on Monday.")
    fact = brief.bottom_line[0]
    paged = fact.citations[0].model_copy(update={"page": 7})
    brief = brief.model_copy(
        update={"bottom_line": [fact.model_copy(update={"citations": (paged,)})]}
    )
    assert "“The harbour reopened on Monday.” [1, p. 7]" in render_markdown(brief)
    assert json.loads(render_json(brief))["bottom_line"][0]["citations"][0]["page"] == 7


def test_a_quote_is_marked_as_its_own_sources_and_the_others_as_saying_the_same() -> None:
    # "[1, 2]" after a quote read as if source 2 held those words too: it says the same thing
    # in its own words, and is marked as such
    from briefing.render.html import render_html

    brief = _brief("The harbour reopened on Monday.")
    fact = brief.bottom_line[0]
    other = Citation(source_id="d2", quote="Ships returned to the harbour.", start=0, end=30)
    brief = brief.model_copy(
        update={
            "bottom_line": [fact.model_copy(update={"citations": (*fact.citations, other)})],
            "sources": [
                *brief.sources,
                SourceRef(id="d2", number=2, title="Port story", path="b.txt"),
            ],
        }
    )
    assert "“The harbour reopened on Monday.” [1; also 2]" in render_markdown(brief)
    html = render_html(brief)
    assert '[1]</a></sup><sup class="cite"> also <a href="#src-2">[2]</a></sup>' in html


def _disputed(brief: Brief, side_quote: str, *, source_id: str = "d1") -> Brief:
    """``brief`` with one contradiction: a side quoting ``side_quote`` against another."""
    from briefing.models import Contradiction, ContradictionSide

    other = "The harbour stays closed until June."
    sides = (
        ContradictionSide(
            actor="The port authority",
            statement=side_quote,
            citations=(Citation(source_id=source_id, quote=side_quote, start=0, end=40),),
        ),
        ContradictionSide(
            actor="The union",
            statement=other,
            citations=(Citation(source_id="d1", quote=other, start=50, end=86),),
        ),
    )
    contradiction = Contradiction(
        id="c1", kind="claim_conflict", summary="Open or not.", sides=sides
    )
    return brief.model_copy(update={"contradictions": [contradiction]})


def _side_text(html: str, actor: str) -> str:
    """The text of the HTML side cell of ``actor``, tags dropped."""
    import re

    cell = html[html.index(f'<span class="side-actor">{actor}</span>') :]
    cell = cell[: cell.index("</td>")]
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_a_side_quoting_the_bottom_line_still_shows_its_quote_on_every_page() -> None:
    import pypdf

    from briefing.render import render
    from briefing.render.html import render_html
    from briefing.render.markdown import back_references

    said = "The harbour reopened on Monday after a week of repairs."
    brief = _disputed(_brief(said), said)
    # The sides sit next to each other: neither is a pointer to somewhere else on the page.
    md = render_markdown(brief)
    assert f"- **The port authority:** “{said}” [1]" in md
    assert "- **The union:** “The harbour stays closed until June.” [1]" in md
    assert "(see " not in md
    html = render_html(brief)
    assert _side_text(html, "The port authority") == f"The port authority “{said}” [1]"
    assert "(see " not in html
    pdf = pypdf.PdfReader(io.BytesIO(render(brief, "pdf"))).pages
    assert len(pdf) == 1
    text = " ".join(pdf[0].extract_text().split())
    assert text.count("week of repairs") == 2 and "(see " not in text
    # The repeat is known (the near-duplicate metric of briefing.eval allows it) ...
    assert back_references(brief) == {("c1", 0): "bottom line 1"}
    # ... and the JSON keeps every side whole, as before.
    side = json.loads(render_json(brief))["contradictions"][0]["sides"][0]
    assert side["statement"] == said and side["citations"][0]["quote"] == said


def test_every_page_shows_a_side_in_the_same_words() -> None:
    from briefing.models import Contradiction, ContradictionSide
    from briefing.render.html import render_html

    said = "The harbour reopened on Monday after a week of repairs."
    brief = _brief(said)
    sides = tuple(
        ContradictionSide(
            actor=actor,
            statement=f"Refers to “{phrase}”.",  # a temporal side: its statement is a label
            citations=(Citation(source_id="d1", quote=quote, start=0, end=len(quote)),),
        )
        for actor, phrase, quote in (
            ("Old report", "the late mayor", "the late mayor opened the quay"),
            ("New report", "Mayor Lind", "Mayor Lind closed the quay"),
        )
    )
    temporal = Contradiction(id="c1", kind="temporal", summary="Two periods.", sides=sides)
    brief = brief.model_copy(update={"contradictions": [temporal]})
    md, html = render_markdown(brief), render_html(brief)
    assert "- **Old report:** “the late mayor opened the quay” [1]" in md
    assert _side_text(html, "Old report") == "Old report “the late mayor opened the quay” [1]"


def test_a_side_saying_something_else_is_not_a_repeat() -> None:
    from briefing.render.markdown import back_references

    said = "The harbour reopened on Monday after a week of repairs."
    brief = _disputed(_brief(said), "Ferries are still running a reduced timetable.")
    md = render_markdown(brief)
    assert "“Ferries are still running a reduced timetable.” [1]" in md
    assert back_references(brief) == {}


def test_another_outlets_near_identical_sentence_is_a_repeat_shown_in_its_words() -> None:
    from briefing.render.markdown import back_references

    said = "Trump delays State of the Union address until shutdown ends"
    other = "President Donald Trump postpones State of the Union until shutdown ends"
    brief = _disputed(_brief(said), other)
    brief = brief.model_copy(
        update={"sources": [*brief.sources, SourceRef(id="d2", number=2, title="B", path="b.txt")]}
    )
    sides = brief.contradictions[0].sides
    moved = sides[0].model_copy(
        update={"citations": (sides[0].citations[0].model_copy(update={"source_id": "d2"}),)}
    )
    contradiction = brief.contradictions[0].model_copy(update={"sides": (moved, sides[1])})
    brief = brief.model_copy(update={"contradictions": [contradiction]})
    assert back_references(brief) == {("c1", 0): "bottom line 1"}
    assert f"- **The port authority:** “{other}” [2]" in render_markdown(brief)


def test_on_a_page_of_stories_a_side_repeating_its_storys_line_is_still_quoted() -> None:
    from briefing.models import BriefStory
    from briefing.render.markdown import back_references

    said = "The harbour reopened on Monday after a week of repairs."
    other = "Snow closed the mountain pass overnight."
    brief = _disputed(_brief(said), said)
    brief = brief.model_copy(
        update={
            "bottom_line": [
                Fact(
                    id="b1",
                    statement=other,
                    citations=(Citation(source_id="d2", quote=other, start=0, end=40),),
                ),
                brief.bottom_line[0].model_copy(update={"id": "b2"}),
            ],
            "sources": [*brief.sources, SourceRef(id="d2", number=2, title="Pass", path="b.txt")],
            "stories": [
                BriefStory(id="s1", rank=1, headline="Harbour reopens", source_ids=("d1",)),
                BriefStory(id="s2", rank=2, headline="Pass closed", source_ids=("d2",)),
            ],
        }
    )
    md = render_markdown(brief)
    assert "## Top stories" in md
    assert f"- **The port authority:** “{said}” [1]" in md
    assert back_references(brief) == {("c1", 0): "story 1, line 1"}


def test_a_side_without_an_actor_is_named_by_its_source() -> None:
    from brief_samples import make_brief

    from briefing.render.html import render_html

    brief = make_brief(n_contradictions=1, n_sources=3)
    c = brief.contradictions[0]
    unnamed = c.model_copy(update={"sides": (c.sides[0].model_copy(update={"actor": None}),
                                             c.sides[1])})  # fmt: skip
    brief = brief.model_copy(update={"contradictions": [unnamed]})
    ref = next(s for s in brief.sources if s.id == c.sides[0].citations[0].source_id)
    assert ref.outlet and f"- **{ref.outlet}:**" in render_markdown(brief)
    html = render_html(brief)
    assert f'<span class="side-actor">{ref.outlet}</span>' in html and "Unattributed" not in html


def test_a_side_without_an_actor_or_outlet_is_never_labelled_by_its_headline() -> None:
    # the headline of the report being disputed states the other side's position
    from brief_samples import make_brief

    from briefing.render.html import render_html

    brief = make_brief(n_contradictions=1, n_sources=3)
    c = brief.contradictions[0]
    unnamed = c.model_copy(update={"sides": (c.sides[0].model_copy(update={"actor": None}),
                                             c.sides[1])})  # fmt: skip
    source = c.sides[0].citations[0].source_id
    headline = "Trump denies paying North Korea for Warmbier treatment"
    sources = [
        s.model_copy(update={"outlet": None, "title": headline}) if s.id == source else s
        for s in brief.sources
    ]
    brief = brief.model_copy(update={"contradictions": [unnamed], "sources": sources})
    ref = next(s for s in brief.sources if s.id == source)
    md = render_markdown(brief)
    assert f"- **Source {ref.number}:**" in md and f"**{headline}" not in md
    assert f'<span class="side-actor">Source {ref.number}</span>' in render_html(brief)


def test_a_name_heading_a_line_starts_with_a_capital_unless_written_in_mixed_case() -> None:
    from brief_samples import make_brief

    from briefing.models import ActorPosition
    from briefing.render.html import render_html

    brief = make_brief(n_contradictions=1, n_sources=3)
    c = brief.contradictions[0]
    sides = (c.sides[0].model_copy(update={"actor": "a senior US official"}),
             c.sides[1].model_copy(update={"actor": "eBay"}))  # fmt: skip
    cited = c.sides[0].citations
    actor = ActorPosition(name="officials", position=cited[0].quote, citations=cited)
    brief = brief.model_copy(
        update={"contradictions": [c.model_copy(update={"sides": sides})], "actors": [actor]}
    )
    md = render_markdown(brief)
    assert "- **A senior US official:**" in md and "- **eBay:**" in md
    assert "- **Officials:**" in md and "a senior US official:" not in md
    html = render_html(brief)
    assert '<span class="side-actor">A senior US official</span>' in html
    assert '<span class="actor-name">Officials</span>' in html
    # the JSON keeps the actor as the source wrote it
    assert json.loads(render_json(brief))["actors"][0]["name"] == "officials"


def test_counts_of_one_are_singular_in_the_footer() -> None:
    from briefing.render.html import footer_text

    brief = _brief("The harbour reopened on Monday.")
    citation = brief.bottom_line[0].citations[0]
    more = [Fact(id="m1", statement="Ferries resumed.", citations=(citation,))]
    warned = brief.stats.model_copy(
        update={"warnings": [f"feed{i}.xml: HTTP 500" for i in range(6)]}
    )
    brief = brief.model_copy(update={"stats": warned, "more_facts": more})
    md = render_markdown(brief)
    assert "1 fact verified" in md and "1 more fact in the JSON" in md
    assert "1 more warning in the JSON" in md
    assert "1 fact verified against" in footer_text(brief)


def test_a_source_without_a_title_is_named_by_its_path_as_code_once() -> None:
    from briefing.models import Changes, Reprint
    from briefing.render.html import render_html

    hostile = "in[click](javascript:alert(1))_`x`*b*.txt"  # a name with link and emphasis syntax
    brief = _brief("The harbour reopened on Monday.")
    untitled = brief.sources[0].model_copy(update={"title": None, "path": hostile})
    reprint = Reprint(source_id="d1", path="copies/harbour_2.txt")
    brief = brief.model_copy(
        update={"sources": [untitled], "reprints": [reprint], "changes": Changes()}
    )
    md = render_markdown(brief)
    # Read as a file name (code), not as a title with its underscores escaped; said once.
    assert "\n1. ``in[click](javascript:alert(1))_`x`*b*.txt`` (2025-05-01)\n" in md
    assert md.count("javascript") == 1 and "\\_" not in md
    assert "also carried by `copies/harbour_2.txt`\n" in md
    html = render_html(brief)
    assert html.count("copies/harbour_2.txt") == 1 and "javascript" not in html.replace(
        '<span class="path">in[click](javascript:alert(1))_`x`*b*.txt</span>', "", 1
    )


def test_a_fetched_source_whose_path_is_its_url_names_it_once() -> None:
    """A daily feed entry or page has its URL as its path: it was printed twice, as the link
    and again as a code span."""
    from briefing.render import render

    url = "https://news.example.org/harbour.html"
    fetched = SourceRef(id="d1", number=1, title="Harbour story", path=url, url=url)
    brief = _brief("The harbour reopened on Monday.").model_copy(update={"sources": [fetched]})
    md = render_markdown(brief)
    assert f"1. Harbour story (undated) <{url}>\n" in md
    assert md.count(url) == 1
    html = render(brief, "html").decode()
    assert html.count(f">{url}<") == 1 and 'class="path"' not in html
    local = fetched.model_copy(update={"path": "feeds/local.rss#1"})
    md = render_markdown(brief.model_copy(update={"sources": [local]}))
    assert f"<{url}> · `feeds/local.rss#1`" in md  # a local feed file's entry: both, as before


def test_a_next_storys_line_that_opens_with_its_heading_is_not_headed_twice() -> None:
    # An untitled document's heading is its lead, cut: "Heading…: “Heading and the rest.”"
    # said the same words twice in Other stories.
    from briefing.models import BriefStory
    from briefing.render.markdown import StoryView

    lead = "An airliner in Saudi Arabia has a new in-flight plan that involves segregation."
    line = Fact(statement=lead, citations=(Citation(source_id="a", quote=lead),))

    def view(headline: str) -> StoryView:
        story = BriefStory(id="s2", rank=4, headline=headline, source_ids=("a",))
        return StoryView(story=story, bottom_line=[line], facts=[], contradictions=[], watch=[])

    assert view("An airliner in Saudi Arabia has a new in-flight plan\u2026").line_says_heading
    assert view(lead.rstrip(".")).line_says_heading
    assert not view("Saudi airline to seat men and women apart").line_says_heading


def test_an_actor_position_in_its_own_words_is_not_shown_as_a_quote() -> None:
    # An LLM may write a position in its own words (checked against its quote): only the
    # source's words go between quotation marks, on every page.
    from briefing.models import ActorPosition
    from briefing.render.html import render_html

    quote = "the harbour will reopen on Monday once divers have checked the wall"
    cited = (Citation(source_id="d1", quote=quote, start=0, end=len(quote)),)
    own = ActorPosition(name="The port authority", position="Reopening Monday", citations=cited)
    verbatim = ActorPosition(name="The port authority", position=quote, citations=cited)
    brief = _brief("The harbour reopened on Monday.")
    md = render_markdown(brief.model_copy(update={"actors": [own]}))
    assert "Reopening Monday \u201c" + quote + "\u201d" in md
    assert "\u201cReopening Monday\u201d" not in md
    html = render_html(brief.model_copy(update={"actors": [own]}))
    assert "\u201cReopening Monday\u201d" not in html and quote in html
    md = render_markdown(brief.model_copy(update={"actors": [verbatim]}))
    assert "\u201c" + quote + "\u201d" in md


def test_reprints_are_one_line_per_cited_source_and_a_few_of_them() -> None:
    # a wire story copied into many files is one line naming three copies, and only the first
    # few sources' copies are listed: 60 lines had crowded every story off the one-page PDF
    from briefing.models import Changes, Reprint
    from briefing.render.html import render_html

    brief = _brief("The harbour reopened on Monday.")
    sources = [
        SourceRef(id=f"d{n}", number=n, title=f"Harbour story {n}", path=f"{n}.txt")
        for n in range(1, 9)
    ]
    reprints = [
        Reprint(source_id=f"d{n}", path=f"copy-{n}-{k}.txt", title=f"Harbour story {n}")
        for n in range(1, 9)
        for k in range(5 if n == 1 else 1)
    ]
    brief = brief.model_copy(
        update={"sources": sources, "reprints": reprints, "changes": Changes(previous_day=None)}
    )
    md = render_markdown(brief)
    assert md.count("also carried by") == 5
    assert "`copy-1-0.txt`; `copy-1-1.txt`; `copy-1-2.txt` (and 2 more in the JSON)" in md
    assert "Harbour story 1 ·" not in md  # a copy under its source's own title is named by path
    assert "(and the reprints of 3 more sources in the JSON)" in md
    html = render_html(brief)
    assert html.count("also carried by") == 5 and "reprints of 3 more sources" in html


def test_a_statement_that_is_its_quote_but_for_typography_is_shown_once_as_written() -> None:
    # an LLM statement with straight apostrophes over a quote with curly ones had printed the
    # same sentence twice, the first time not as the source writes it
    from briefing.render.html import render_html

    quote = "Iran\u2019s insistence on indirect talks is not new."
    brief = _brief("Iran's insistence on indirect talks is not new.", quote)
    md = render_markdown(brief)
    assert "- \u201cIran\u2019s insistence on indirect talks is not new.\u201d [1]" in md
    assert "Iran's" not in md
    assert render_html(brief).count("insistence on indirect talks") == 1
