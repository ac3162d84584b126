"""PDF sources: reading order, joined hyphens, running heads and feet as furniture, pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("weasyprint")

from formats_samples import (
    REPORT_FOOTER,
    REPORT_HEADER,
    REPORT_PAGES,
    REPORT_TITLE,
    WEB_FURNITURE,
    WEB_HEADLINE,
    WEB_PARAGRAPHS,
    WEB_PUBLISHED,
    WEB_SITE,
    make_corrupt_pdf,
    make_encrypted_pdf,
    make_flate_pdf,
    make_page_tree_bomb,
    make_partly_scanned_pdf,
    make_report_pdf,
    make_scanned_pdf,
    pdf_bytes,
    set_in_columns,
    typeset_pdf,
    web_page_html,
)

from briefing.config import Settings
from briefing.ingest import ingest_paths
from briefing.models import Brief, Citation, Document
from briefing.pipeline import build_brief
from briefing.render.html import render_html
from briefing.render.markdown import render_json, render_markdown


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf")


@pytest.fixture(scope="module")
def document(report: Path) -> Document:
    result = ingest_paths([report])
    assert result.warnings == []
    (doc,) = result.documents
    return doc


@pytest.fixture(scope="module")
def web_print(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A news page printed to a one-page PDF, cookie banner, menu and footer included."""
    path = tmp_path_factory.mktemp("web") / "page.pdf"
    path.write_bytes(pdf_bytes(web_page_html()))
    return path


def _citations(brief: Brief) -> list[Citation]:
    found = [c for f in brief.bottom_line + brief.facts + brief.watch for c in f.citations]
    found += [c for x in brief.contradictions for s in x.sides for c in s.citations]
    return found + [c for a in brief.actors for c in a.citations]


def test_every_paragraph_is_one_line_with_its_hyphenated_words_joined(document: Document) -> None:
    lines = document.text.split("\n")
    for heading, paragraphs in REPORT_PAGES:
        assert heading in lines
        for paragraph in paragraphs:  # justified and hyphenated in a narrow column
            assert paragraph in lines
    assert "\u2010" not in document.text and "\u00ad" not in document.text


def test_running_header_footer_and_page_numbers_are_furniture(document: Document) -> None:
    furniture = [document.text[f.start : f.end] for f in document.furniture]
    pages = len(REPORT_PAGES)
    assert furniture.count(REPORT_HEADER) == pages
    feet = [line for line in furniture if REPORT_FOOTER in line]
    assert [f"Page {n} of {pages}" in line for n, line in enumerate(feet, 1)] == [True] * pages
    body = {p for _, paragraphs in REPORT_PAGES for p in paragraphs}
    assert not body & set(furniture)


def test_header_first_and_footer_last_on_each_page(document: Document) -> None:
    starts = [*document.pages, len(document.text)]
    for number, (heading, _) in enumerate(REPORT_PAGES):
        page = document.text[starts[number] : starts[number + 1]].strip().split("\n")
        assert page[0] == REPORT_HEADER and page[1] == heading
        assert REPORT_FOOTER in page[-1] and f"Page {number + 1} of" in page[-1]


def test_pages_and_metadata(document: Document) -> None:
    assert len(document.pages) == len(REPORT_PAGES) and document.pages[0] == 0
    for number, (_, paragraphs) in enumerate(REPORT_PAGES, 1):
        for paragraph in paragraphs:
            assert document.page_at(document.text.index(paragraph)) == number
    assert document.title == REPORT_TITLE
    assert document.outlet is None  # its Author (REPORT_AUTHOR) is a byline, not an outlet
    assert document.date == dt.date(2026, 9, 30)


def test_brief_of_a_pdf_cites_exact_quotes_with_their_pages(document: Document) -> None:
    brief = build_brief([document], settings=Settings(cache=False), today=dt.date(2026, 10, 1))
    citations = _citations(brief)
    assert len(citations) >= 3
    furniture = [(f.start, f.end) for f in document.furniture]
    for c in citations:
        assert c.start is not None and c.end is not None
        assert document.text[c.start : c.end] == c.quote
        assert not any(s < c.end and c.start < e for s, e in furniture), c.quote
        expected = next(
            n
            for n, (_, paragraphs) in enumerate(REPORT_PAGES, 1)
            if any(c.quote in p for p in paragraphs)
        )
        assert c.page == expected
    markdown = render_markdown(brief)
    first = citations[0]
    assert f"[1, p. {first.page}]" in markdown or f"[1, pp. {first.page}" in markdown
    assert f"[1, p. {first.page}]</a>" in render_html(brief) or "[1, pp. " in render_html(brief)
    assert f'"page": {first.page}' in render_json(brief)
    assert "Page" not in brief.topic and "Relief" not in brief.topic  # furniture is not a topic


def test_unreadable_pdfs_give_one_warning_each_and_the_rest_is_read(
    tmp_path: Path, report: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(report.read_bytes())
    scanned = make_scanned_pdf(folder / "scanned.pdf")
    locked = make_encrypted_pdf(folder / "locked.pdf", report.read_bytes())
    broken = make_corrupt_pdf(folder / "broken.pdf")
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    result = ingest_paths([folder])
    assert [d.path for d in result.documents] == [str(folder / "report.pdf")]
    assert result.skipped == 4 and len(result.warnings) == 4
    by_file = {w.split(": ", 1)[0]: w.split(": ", 1)[1] for w in result.warnings}
    assert "no text layer" in by_file[str(scanned)]
    assert "encrypted" in by_file[str(locked)]
    assert "not a readable PDF" in by_file[str(broken)]
    assert "empty" in by_file[str(empty)]
    assert all("\n" not in w for w in result.warnings)


def test_a_decompression_bomb_is_refused_before_pdfium_inflates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.formats import pdf

    monkeypatch.setattr(pdf, "MAX_INFLATED_BYTES", 1_000_000)
    small = make_flate_pdf(tmp_path / "small.pdf", 200_000)
    bomb = make_flate_pdf(tmp_path / "bomb.pdf", 5_000_000)
    assert bomb.stat().st_size < 20_000
    result = ingest_paths([small, bomb])
    assert result.documents == []  # "Hello" alone is not article text, but it was read
    assert "no article text" in result.warnings[0]
    assert result.warnings[1] == f"{bomb}: unpacks to over 1 MB (a decompression bomb?); skipped"


def test_a_page_tree_repeating_one_page_is_read_up_to_a_limit(tmp_path: Path) -> None:
    from briefing.formats.pdf import MAX_PAGES

    said = "Ferry crews walked off the job on Monday, halting crossings to the islands."
    bomb = make_page_tree_bomb(tmp_path / "pages.pdf", 16, said)  # 65,536 pages
    assert bomb.stat().st_size < 4_000
    started = dt.datetime.now()
    result = ingest_paths([bomb])
    assert (dt.datetime.now() - started).total_seconds() < 5
    [doc] = result.documents
    assert len(doc.pages) == MAX_PAGES and said in doc.text
    assert result.warnings == [
        f"{bomb}: 65,536 pages in 2 kB (pages repeated by its page tree?); only the first "
        f"{MAX_PAGES:,} read"
    ]
    # its 2,000 pages are 0.15 MB of text: over a 0.1 MB limit, as the file would be
    capped = ingest_paths([bomb], max_bytes=100_000)
    assert capped.documents == [] and capped.warnings == [
        f"{bomb}: unpacks to 0.2 MB of text, over the 0.1 MB per-document limit; skipped "
        "(raise it with --max-doc-mb)"
    ]


def test_a_scanned_page_inside_a_report_is_named_in_one_warning(tmp_path: Path) -> None:
    path = make_partly_scanned_pdf(tmp_path / "partly.pdf")
    result = ingest_paths([path])
    assert len(result.documents) == 1 and len(result.documents[0].pages) == len(REPORT_PAGES) + 1
    assert result.warnings == [
        f"{path}: 1 of {len(REPORT_PAGES) + 1} pages have no text layer (scanned?), so their "
        "text is not read: page 2"
    ]


def test_size_cap_applies_to_pdfs(report: Path) -> None:
    result = ingest_paths([report], max_bytes=1024)
    assert result.documents == [] and "per-document limit" in result.warnings[0]


def test_a_brief_made_by_briefing_is_not_read_as_a_source(tmp_path: Path, report: Path) -> None:
    doc = ingest_paths([report]).documents[0]
    brief = build_brief([doc], settings=Settings(cache=False), today=dt.date(2026, 10, 1))
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "brief.pdf").write_bytes(pdf_bytes(render_html(brief)))  # as render_pdf lays it out
    (folder / "report.pdf").write_bytes(report.read_bytes())
    in_folder = ingest_paths([folder])
    assert [Path(d.path).name for d in in_folder.documents] == ["report.pdf"]
    assert in_folder.warnings == []  # our own output beside the sources is passed over
    named = ingest_paths([folder / "brief.pdf"])
    assert named.documents == [] and "a brief made by briefing" in named.warnings[0]


def test_a_compound_broken_at_its_hyphen_keeps_it_and_a_typesetter_hyphen_goes() -> None:
    from briefing.formats.pdf import read_pdf

    compounds = "The agency set out a long-term plan for so-called hubs in well-known districts. "
    hyphenated = "Reconstruction of infrastructure and international cooperation is indispensable. "
    markup = (
        f"<html lang='en'><body><p style='width: 5cm'>{compounds * 6}</p>"
        f"<p style='width: 5cm; hyphens: auto'>{hyphenated * 4}</p></body></html>"
    )
    lines = read_pdf(pdf_bytes(markup), "narrow.pdf").text.split("\n")
    assert lines == [(compounds * 6).strip(), (hyphenated * 4).strip()]


@pytest.mark.parametrize("width", ["5cm", "6.5cm", "8cm", "10cm"])
def test_a_ragged_line_before_a_long_capitalised_word_is_no_paragraph_end(width: str) -> None:
    # A web page printed to PDF is set ragged right: "... finds Democrats are now much more
    # likely than" / "Republicans to support ..." wrapped before a long name, and the line
    # left short had been read as a paragraph's end, so the sentence's second half was quoted
    # alone ("Republicans to support their state conducting elections ... 47% to 29%.").
    from briefing.formats.pdf import read_pdf

    paragraph = (
        "A poll from the Associated Press finds Democrats are more likely than Republicans to "
        "support voting by mail, and officials in Massachusetts, Pennsylvania and Connecticut "
        "said that Administrators and Commissioners would need Representatives to approve "
        "Supplementary funding before November, according to Spokeswoman Alexandria "
        "Featherstonehaugh of the Commonwealth."
    )
    markup = f"<html lang='en'><body><p style='width: {width}'>{paragraph}</p></body></html>"
    assert read_pdf(pdf_bytes(markup), "ragged.pdf").text.split("\n") == [paragraph]


NOTICE = [
    "The agency proposes to replace the software of the flight control computers on all the "
    "airplanes of the type.",
    "Since the first order was issued, the agency has determined that final corrective action "
    "is necessary to address the unsafe condition, and this proposal would require installing "
    "new software, revising the flight manual and changing the routing of the trim wires "
    "before further flight.",
    "Comments must reach the agency by the end of September.",
]


@pytest.mark.parametrize("scaled", [False, True], ids=["font-size", "text-matrix"])
def test_paragraphs_of_columns_are_rebuilt_whatever_sets_the_size(scaled: bool) -> None:
    # The Federal Register sets 9 pt text as "/F1 1 Tf 9 0 0 9 x y Tm": PDFium reports size 1,
    # so the space between two lines read as a blank line and every line was a paragraph
    # (quoted: "the flightcrew and sensors on the airplane."). The second paragraph runs on
    # from the first column's foot to the second column's head, mid-sentence.
    from briefing.formats.pdf import read_pdf

    data = typeset_pdf(set_in_columns(NOTICE, rows=8), scaled=scaled)
    assert read_pdf(data, "notice.pdf").text.split("\n") == NOTICE


@pytest.mark.parametrize("scaled", [False, True], ids=["font-size", "text-matrix"])
def test_a_line_opening_with_a_smaller_label_goes_on_in_its_paragraph(scaled: bool) -> None:
    from briefing.formats.pdf import read_pdf

    runs = [
        (45.0, 700.0, 7.0, "AGENCY:"),
        (80.0, 700.0, 9.0, "Federal Aviation"),
        (45.0, 687.5, 9.0, "Administration (FAA), DOT."),
    ]
    text = read_pdf(typeset_pdf(runs, scaled=scaled), "label.pdf").text
    assert text == "AGENCY: Federal Aviation Administration (FAA), DOT."


@pytest.mark.parametrize(
    "stated",
    ["10811.exe", "905_Precinct_NoOU", "C:\\jobs\\notice.ps", "/home/clerk/out/run 2.ps"],
)
def test_a_file_name_in_the_metadata_is_no_title(stated: str) -> None:
    # The Supreme Court's transcript says Title "10811.exe", a county's bulletin
    # "905_Precinct_NoOU": the program that made the PDF left a file's name there.
    from briefing.formats.pdf import read_pdf

    runs = [(45.0, 720.0, 18.0, "Notice of Proposed Rulemaking")]
    runs += set_in_columns(NOTICE, rows=20, top=680)
    assert read_pdf(typeset_pdf(runs, title=stated), "x.pdf").title == (
        "Notice of Proposed Rulemaking"
    )


@pytest.mark.parametrize("stated", ["Notice of Proposed Rulemaking", "COVID-19", "U.S. Budget"])
def test_a_stated_title_is_kept(stated: str) -> None:
    from briefing.formats.pdf import read_pdf

    runs = [(45.0, 720.0, 18.0, "Another Heading"), *set_in_columns(NOTICE, top=680)]
    assert read_pdf(typeset_pdf(runs, title=stated), "x.pdf").title == stated


def test_a_tables_rows_are_lines_of_their_own_never_quoted() -> None:
    # A USDA price round-up's rows had been joined into "sentences" and quoted as the bottom
    # line ("Chicago 30.50 unq 28.00 Tallows, Proteins and Hides Edible Tallow ($/cwt)").
    from briefing.formats.pdf import read_pdf

    prose = (
        "Applications for the grant rose to 344,000 from 293,000 last year, and the agency "
        "said on Monday that 12 of its 40 offices would stay open until 8 p.m. in March 2021."
    )
    rows = ["Chicago 30.50 unq 28.00", "Cornstalks 41.25 39.38 52.00", "Iowa 1.35 - 1.42 1.38"]
    runs = set_in_columns([prose], rows=20, lefts=(45,), width=60)
    runs += [(45.0, 560.0 - 12.5 * n, 9.0, row) for n, row in enumerate(rows)]
    result = read_pdf(typeset_pdf(runs), "prices.pdf")
    lines = result.text.split("\n")
    assert lines == [prose, *rows]
    assert [result.text[s:e] for s, e in result.furniture] == rows


def test_a_running_header_is_never_taken_for_the_title(tmp_path: Path) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for _, ps in REPORT_PAGES for p in ps)
    markup = (
        "<html><head><style>@page { @top-center { content: 'Basin Bulletin' } }"
        "p { break-after: page; font-size: 11pt }</style></head>"
        f"<body>{paragraphs}</body></html>"
    )
    (tmp_path / "untitled.pdf").write_bytes(pdf_bytes(markup))
    (doc,) = ingest_paths([tmp_path / "untitled.pdf"]).documents
    assert doc.text.startswith("Basin Bulletin\n")  # the header is kept, as furniture
    assert doc.title == REPORT_PAGES[0][1][0]


def test_a_title_wrapped_over_two_lines_is_the_whole_title(tmp_path: Path) -> None:
    title = (
        "Dockworkers in Valparaiso end their strike after the port operator agrees to new "
        "night-shift safety rules"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in REPORT_PAGES[0][1])
    markup = f"<html><body><h1>{title}</h1>{paragraphs}</body></html>"  # h1 wraps: 2 lines
    (tmp_path / "wrapped.pdf").write_bytes(pdf_bytes(markup))
    (doc,) = ingest_paths([tmp_path / "wrapped.pdf"]).documents
    assert doc.title == title


@pytest.mark.parametrize("suffix", [".pdf", ".txt", ".md", ".html"])
def test_a_pages_furniture_is_never_cited_whatever_its_format(
    web_print: Path, tmp_path: Path, suffix: str
) -> None:
    """A web page printed to one PDF page keeps its cookie banner, menu, newsletter prompt and
    footer as body text, where nothing repeats across pages: they had become Key developments
    ("We use cookies to improve your experience."). They are furniture in the PDF as in the
    same text saved as .txt or .md, and the HTML page's article finder leaves them out."""
    path = web_print
    if suffix == ".html":
        path = tmp_path / "page.html"
        path.write_text(web_page_html(), encoding="utf-8")
    elif suffix != ".pdf":
        path = tmp_path / f"page{suffix}"
        path.write_text(ingest_paths([web_print]).documents[0].text, encoding="utf-8")
    (doc,) = ingest_paths([path]).documents
    marked = {doc.text[f.start : f.end] for f in doc.furniture}
    assert all(line in marked for line in WEB_FURNITURE if line in doc.text)
    assert not marked & set(WEB_PARAGRAPHS)
    if suffix in (".txt", ".md"):
        assert doc.title == WEB_HEADLINE  # not the cookie banner, the first line
    brief = build_brief([doc], settings=Settings(cache=False), today=dt.date(2026, 10, 1))
    quotes = [c.quote for c in _citations(brief)]
    assert quotes
    assert not [q for q in quotes if any(q in line for line in WEB_FURNITURE)]


@pytest.mark.parametrize(
    ("published", "date"),
    [
        (f"Published {WEB_PUBLISHED.isoformat()}", WEB_PUBLISHED),
        (f"Published {WEB_PUBLISHED:%B} {WEB_PUBLISHED.day}, {WEB_PUBLISHED.year}", WEB_PUBLISHED),
        (f"Published {WEB_PUBLISHED:%m/%d/%Y}", None),  # a number, not a written date
    ],
)
def test_a_printed_web_page_is_titled_sourced_and_dated_as_the_page(
    tmp_path: Path, published: str, date: dt.date | None
) -> None:
    """A page printed to PDF keeps its <title>, "Headline | Site", as its Title and the
    page's byline author as its Author: the brief had listed "Headline | Site — Staff
    Reporter (undated)" though the page prints "Published <date>" under its headline."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf_bytes(web_page_html(published=published)))
    (doc,) = ingest_paths([path]).documents
    assert (doc.title, doc.outlet, doc.date) == (WEB_HEADLINE, WEB_SITE, date)


def test_footnote_marks_are_left_out_of_sentences_and_footnotes_are_furniture() -> None:
    # The Federal Register's superscript marks had been read into the quotes ("... an AOA
    # disagree alert,9 (3) revising ...", "... of the AFM 14 used by ...") and a footnote
    # quoted with its mark ("12The magnitude of the command varies ..."). A subscript and a
    # unit's power are the text's own.
    from briefing.formats.pdf import read_pdf

    sentence = (
        "The agency proposes new software to generate a disagree alert,{} revised crew "
        "procedures{} and a new routing of the trim wires before further flight."
    )
    note = "The alert compares the readings of the two sensors on the airplane."

    def page(opening: str) -> str:
        text = " ".join([opening, *[sentence.format("<sup>9</sup>", " <sup>10</sup>")] * 4])
        return (
            f"<div class='page'><p>{text}</p>"
            "<p>Emissions of CO<sub>2</sub> fell over 120 km<sup>2</sup> of the estate.</p>"
            f"<div class='notes'><p><sup>9</sup>{note}</p><p><sup>10</sup>{note}</p></div></div>"
        )

    markup = (
        "<html lang='en'><head><style>p { font-size: 10pt; width: 12cm }"
        "sup { font-size: 0.65em } .notes { position: absolute; bottom: 3cm }"
        ".notes p { font-size: 7pt } .page { break-after: page; position: relative;"
        f" height: 24cm }}</style></head><body>{page('First.')}{page('Second.')}</body></html>"
    )
    result = read_pdf(pdf_bytes(markup), "notice.pdf")
    lines = result.text.split("\n")
    body = " ".join([sentence.format("", "")] * 4)
    assert [line for line in lines if line.endswith(body)] == [f"First. {body}", f"Second. {body}"]
    assert "Emissions of CO2 fell over 120 km\u00b2 of the estate." in lines
    notes = [result.text[s:e] for s, e in result.furniture]
    assert notes == [note] * 4  # each page's two footnotes, after the page's text
    assert lines.index(note) == lines.index(f"First. {body}") + 2


def test_a_hyphen_at_a_pages_foot_takes_no_slug_into_the_sentence() -> None:
    # PDFium joins a line ending in a hyphen to whatever it reads next: the Federal Register's
    # "... after takeoff from Soekarno-" took the typesetter's slug at the page's foot
    # ("Soekarno-VerDate Sep<11>2014 16:21 Aug 05, 2020 Jkt 250001 ..."), quoted as one.
    from briefing.formats.pdf import read_pdf

    lines = [
        "On October 29, 2018, an airplane operated by a",
        "regional carrier was involved in an accident after",
        "takeoff from the airport at Soekarno-",
    ]
    slug = "VerDate Sep<11>2014 16:21 Aug 05, 2020 Jkt 250001 PO 00000 Frm 00001"
    runs = [(45.0, 700.0 - 12.5 * n, 9.0, line) for n, line in enumerate(lines)]
    result = read_pdf(typeset_pdf([*runs, (25.0, 30.0, 6.0, slug)]), "notice.pdf")
    assert result.text.split("\n") == [" ".join(lines), slug]
    assert [result.text[s:e] for s, e in result.furniture] == [slug]


TRANSCRIPT = [
    "IN THE SUPREME COURT OF THE UNITED STATES",
    "The above-entitled matter came on for oral",
    "argument before the Supreme Court of the United States",
    "at 1:01 p.m.",
    "APPEARANCES:",
    "STEVEN E. MERCER, ESQ., Deputy Attorney General, Los",
    "Angeles, Cal.; on behalf of the Petitioner.",
    "CHARLES M. SEVILLA, ESQ., San Diego, Cal.; on behalf",
    "of the Respondent.",
]


def test_a_double_spaced_transcript_keeps_its_sentences_and_drops_its_margins(
    tmp_path: Path,
) -> None:
    # A court's transcript: a line's height between every two lines, numbered lines, and a
    # running head set small over a one-page file. Every line had been a paragraph, so the
    # brief's one fact was "Angeles, Cal.; on behalf of the Petitioner.", and its title the
    # running head "Official - Subject to Final Review".
    head = "Official - Subject to Final Review"
    runs = [(250.0, 756.0, 10.0, head), (260.0, 40.0, 10.0, "Alderson Reporting Company")]
    runs += [(90.0, 700.0 - 26 * n, 12.0, str(n + 1)) for n in range(len(TRANSCRIPT) + 1)]
    for n, line in enumerate(TRANSCRIPT):
        row = n + (n > 0)  # a blank line under the court's name
        runs.append((126.0 if n != 6 else 148.0, 700.0 - 26 * row, 12.0, line))
    (tmp_path / "transcript.pdf").write_bytes(typeset_pdf(runs, title="10811.exe"))
    (doc,) = ingest_paths([tmp_path / "transcript.pdf"]).documents
    marked = {doc.text[f.start : f.end] for f in doc.furniture}
    kept = [line for line in doc.text.split("\n") if line not in marked]
    assert kept == [
        TRANSCRIPT[0],
        " ".join(TRANSCRIPT[1:4]),
        TRANSCRIPT[4],
        " ".join(TRANSCRIPT[5:7]),
        " ".join(TRANSCRIPT[7:9]),
    ]
    assert {head, "1", "10", "Alderson Reporting Company"} <= marked
    assert doc.title == TRANSCRIPT[0]


def test_table_chart_and_address_lines_are_furniture_and_the_prose_is_not() -> None:
    # A USDA price report: its quotes had been a chart's axis ("J F M A M J J A S O N D"),
    # the office's address ("210 Walnut Street, Room 767 Email: ...") and rows whose cells
    # PDFium had joined with a space ("CME Group Ethanol ($/gal) CME Group"); a county's
    # election bulletin, rows of names and counts in capitals ("VOTER NOMINATED PJ 2D APP").
    from briefing.formats.pdf import read_pdf

    prose = (
        "Ethanol prices rose in every state of the region this week as plants cut output, "
        "traders said, and the agency will publish its next report at www.example.gov."
    )
    runs = set_in_columns([prose], rows=20, lefts=(45,), width=60, top=740)
    table = [
        ("Nearby Futures", None),
        ("CME Group Ethanol ($/gal)", "CME Group"),
        ("NYMEX Crude Oil ($/barrel)", "CME Group"),
        ("GAVIN NEWSOM 64 DEM", None),
        ("Edible Tallow ($/cwt)", None),
        ("Chicago unq 34.50 30.50", None),
    ]
    for n, (left, right) in enumerate(table):
        runs.append((45.0, 600.0 - 12.5 * n, 9.0, left))
        if right:
            runs.append((450.0, 600.0 - 12.5 * n, 9.0, right))
    runs.append((300.0, 400.0, 5.0, "J F M A M J J A S O N D"))
    address = ["210 Walnut Street, Room 767 Email: desk@example.gov", "Des Moines, Iowa 50309"]
    runs += [(45.0, 300.0 - 12.5 * n, 9.0, line) for n, line in enumerate(address)]
    result = read_pdf(typeset_pdf(runs), "prices.pdf")
    marked = [result.text[s:e] for s, e in result.furniture]
    assert [line for line in result.text.split("\n") if line not in marked] == [prose]
    assert "J F M A M J J A S O N D" in marked
    assert "GAVIN NEWSOM 64 DEM" in marked
    assert " ".join(address) in marked


def test_a_pdf_of_tables_only_is_no_source(tmp_path: Path) -> None:
    rows = [
        "PRECINCT 0050003A ACTON GROUP 13",
        "1100 REGISTERED VOTERS",
        "VOTER NOMINATED YES 90 YES 109 YES 96",
        "NEEL KASHKARI 247 REP NO 142 NO 105 NO 216",
        "EDMUND G BROWN 69 DEM",
    ]
    runs = []
    for n, row in enumerate(rows):
        cells = row.split(" YES ", 1) if " YES " in row else [row]
        runs.append((45.0, 700.0 - 12.5 * n, 8.0, cells[0]))
        if len(cells) > 1:
            runs.append((400.0, 700.0 - 12.5 * n, 8.0, "YES " + cells[1]))
    (tmp_path / "bulletin.pdf").write_bytes(typeset_pdf(runs))
    result = ingest_paths([tmp_path / "bulletin.pdf"])
    assert result.documents == []
    assert "no article text" in " ".join(result.warnings)


def test_a_small_dateline_over_a_one_page_articles_headline_is_kept(tmp_path: Path) -> None:
    # A one-page file's small lines above all its text are a running head only when they
    # stand apart from it: a dateline set close over the headline is the article's date.
    runs = [(45.0, 745.0, 8.0, "December 7, 2026"), (45.0, 722.0, 16.0, "Relief road reopens")]
    runs += set_in_columns(NOTICE, rows=20, lefts=(45,), width=70, top=690)
    (tmp_path / "article.pdf").write_bytes(typeset_pdf(runs))
    (doc,) = ingest_paths([tmp_path / "article.pdf"]).documents
    assert doc.text.startswith("December 7, 2026\n")
    assert (doc.title, doc.date) == ("Relief road reopens", dt.date(2026, 12, 7))
    assert not doc.furniture
