"""A newsletter of several unrelated stories is one source per story; any other e-mail (a press
release, a one-article message, a personal note) stays one source."""

from __future__ import annotations

import datetime as dt
import html
import random
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")

from daily_samples import BRIDGE_VOTE, FERRY_STRIKE, LIBRARY_OPENING, ORCHARD_FROST

from briefing.cli import main
from briefing.config import Settings
from briefing.daily.config import DailyConfig
from briefing.daily.run import run_daily
from briefing.formats import newsletter
from briefing.ingest import ingest_paths
from briefing.pipeline import build_brief

STORIES = (
    ("Ferry crews walk out at the port of Halvik", FERRY_STRIKE),
    ("Lunde council votes to fund the Vessa bridge", BRIDGE_VOTE),
    ("Late frost damages the Tervola apple blossom", ORCHARD_FROST),
)
SPONSOR = (
    "Try the Acme travel card for your next island trip",
    "Acme members earn double points on every ferry crossing booked before the end of the "
    "month, and pay no fees abroad. Sign up in two minutes and start saving today.",
)
SENDER, SUBJECT = "Morning Wire", "Morning Wire: ferries, a bridge and a frost"


def _message(plain: str | None = None, markup: str | None = None, subject: str = SUBJECT) -> bytes:
    message = EmailMessage()
    message["From"] = f"{SENDER} <news@wire.example>"
    message["Subject"] = subject
    message["Date"] = "Thu, 19 Nov 2026 06:00:00 +0000"
    message.set_content(plain or "See the HTML version.")
    if markup is not None:
        message.add_alternative(f"<html><body>{markup}</body></html>", subtype="html")
    return bytes(message)


def _plain_newsletter(stories: tuple[tuple[str, str], ...] = STORIES) -> str:
    lines = ["View this email in your browser", "Good morning! Here is what you need to know."]
    for heading, body in stories:
        lines += [heading.upper(), body, "Read more: https://wire.example/story"]
    lines += ["SPONSORED", *SPONSOR]
    lines += ["--", "You are receiving this because you subscribed.", "Unsubscribe"]
    return "\n\n".join(lines)


def _html_newsletter(bold: bool = False) -> str:
    """Stories laid out as a newsletter's table of cards, each under an <h2> (or a bold line)."""
    cards = []
    for heading, body in (*STORIES[:2], SPONSOR, STORIES[2]):
        head = f"<p><b>{heading}</b></p>" if bold else f"<h2>{heading}</h2>"
        label = "<p>Presented by Acme</p>" if heading == SPONSOR[0] else ""
        cards.append(
            f"<tr><td>{label}{head}<p>{html.escape(body)}</p>"
            "<p><a href='https://wire.example/s'>Read more</a></p></td></tr>"
        )
    return (
        "<p><a href='#'>View in browser</a></p><p>Good morning!</p>"
        f"<table>{''.join(cards)}</table>"
        "<p>You are receiving this because you subscribed. <a href='#'>Unsubscribe</a></p>"
    )


@pytest.mark.parametrize("kind", ["plain", "h2", "bold"])
def test_a_newsletter_of_three_stories_is_three_sources(tmp_path: Path, kind: str) -> None:
    letter = tmp_path / "morning.eml"
    if kind == "plain":
        letter.write_bytes(_message(_plain_newsletter()))
    else:
        letter.write_bytes(_message(markup=_html_newsletter(bold=kind == "bold")))
    result = ingest_paths([letter])
    assert result.warnings == []
    docs = result.documents
    assert [d.path for d in docs] == [f"{letter}#{n}" for n in (1, 2, 3)]
    for doc, (heading, body) in zip(docs, STORIES, strict=True):
        assert (doc.title or "").lower() == heading.lower()  # its heading, not the subject
        assert doc.outlet == SENDER and doc.date == dt.date(2026, 11, 19)
        assert body in doc.text.split("\n")  # the source's own words, line for line
        shown = {doc.text[f.start : f.end] for f in doc.furniture}
        for line in doc.text.split("\n"):  # no greeting, sponsor or footer in a story
            assert "Acme" not in line and "Good morning" not in line
            assert "Unsubscribe" not in line and ("Read more" not in line or line in shown)
    # every quote of a brief of them is its document's text at its offsets
    brief = build_brief(docs, settings=Settings(cache=False), today=dt.date(2026, 11, 20))
    by_id = {d.id: d for d in docs}
    cited = {c.source_id for f in brief.bottom_line + brief.facts for c in f.citations}
    for fact in brief.bottom_line + brief.facts:
        for c in fact.citations:
            assert c.start is not None and c.end is not None
            assert by_id[c.source_id].text[c.start : c.end] == c.quote
    assert len(brief.stories) == 3 and len(cited) == 3


def test_briefing_text_shows_one_story_of_a_newsletter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "morning.eml"
    letter.write_bytes(_message(_plain_newsletter()))
    (second,) = [d for d in ingest_paths([letter]).documents if d.path.endswith("#2")]
    assert main(["text", f"{letter}#2"]) == 0
    assert capsys.readouterr().out == second.text
    assert main(["text", str(letter)]) == 1
    assert "holds 3 documents" in capsys.readouterr().err
    assert main(["text", f"{letter}#4"]) == 1
    assert (
        capsys.readouterr().err == f"Error: {letter}: no story #4 (it holds 3 stories, #1 to #3)\n"
    )


def test_a_newsletter_in_a_mailbox_is_named_by_message_and_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = _message("Thanks for the photos of the harbour, they came out really well.\n")
    raw = [_message(_plain_newsletter()), note]
    box = tmp_path / "inbox.mbox"
    box.write_bytes(
        b"".join(b"From news@wire.example Thu Nov 19 06:00:00 2026\n" + m + b"\n" for m in raw)
    )
    docs = ingest_paths([box]).documents
    assert [d.path for d in docs] == [*(f"{box}#1#{n}" for n in (1, 2, 3)), f"{box}#2"]
    assert main(["text", f"{box}#1#3"]) == 0
    assert ORCHARD_FROST in capsys.readouterr().out
    assert main(["text", f"{box}#1"]) == 1
    assert "a newsletter of several stories; name one" in capsys.readouterr().err


NOT_NEWSLETTERS = {
    "press release": (
        "FOR IMMEDIATE RELEASE\n\nHalvik Ferry Company restores island crossings from Monday\n\n"
        f"{FERRY_STRIKE}\n\nAbout Halvik Ferries\n\nHalvik Ferries has carried passengers and "
        "freight to the outer islands since 1952 and employs four hundred people in the "
        "region.\n\nMedia contact\n\nJane Berg, press office\n"
    ),
    "one article under subheads": (
        f"What the ferry crews decided on Monday\n\n{FERRY_STRIKE}\n\n"
        "What the island shops and the operator say now\n\n"
        "Island shops said the ferry strike had emptied their shelves, and the operator of "
        "the ferry crossings said the union crews had refused every offer made at the port.\n"
    ),
    "personal note": (
        "Hi Ana,\n\nThe ferry was cancelled again this morning, so I will not make it to the "
        "island before Friday. Could you ask your brother to feed the cat until then?\n\n"
        "Talk soon,\nTom\n"
    ),
    "one story and a sponsor": (
        f"FERRY CREWS WALK OUT AT THE PORT OF HALVIK\n\n{FERRY_STRIKE}\n\n"
        f"Sponsored by Acme\n\n{SPONSOR[0]}\n\n{SPONSOR[1]}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_NEWSLETTERS))
def test_an_email_of_one_story_stays_one_source(tmp_path: Path, name: str) -> None:
    mail = tmp_path / "message.eml"
    mail.write_bytes(_message(NOT_NEWSLETTERS[name], subject="Ferry news"))
    (doc,) = ingest_paths([mail]).documents
    assert doc.path == str(mail) and doc.title == "Ferry news"


def test_an_article_whose_title_is_the_subject_stays_one_source(tmp_path: Path) -> None:
    """An essay sent as a newsletter states its subject as its heading: its subheads (here two
    unrelated-looking stories) are its sections, not stories of their own."""
    subject = "Three things I saw on the islands this week"
    markup = f"<h1>{subject}</h1>" + "".join(
        f"<h2>{h}</h2><p>{html.escape(b)}</p>" for h, b in STORIES
    )
    mail = tmp_path / "essay.eml"
    mail.write_bytes(_message(markup=markup, subject=subject))
    (doc,) = ingest_paths([mail]).documents
    assert doc.path == str(mail)


def test_a_newsletter_in_the_daily_run_is_stored_per_story(tmp_path: Path) -> None:
    """Day 1 reads a newsletter of three stories; day 2 the same message again (re-delivered
    as a new file) and a second newsletter repeating one of its stories beside a new one:
    only the new story is news."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "monday.eml").write_bytes(_message(_plain_newsletter()))
    config = DailyConfig.model_validate({"sources": [str(inbox)], "out": tmp_path / "briefs"})
    settings = Settings(cache=False)
    day1 = run_daily(config, now=dt.datetime(2026, 11, 19, 7, tzinfo=dt.UTC), settings=settings)
    assert (day1.status, day1.docs_added) == ("ok", 3)
    (inbox / "monday-again.eml").write_bytes(_message(_plain_newsletter()))
    tuesday = (STORIES[2], ("New library opens in Ostrava Nova", LIBRARY_OPENING))
    (inbox / "tuesday.eml").write_bytes(_message(_plain_newsletter(tuesday)))
    day2 = run_daily(config, now=dt.datetime(2026, 11, 20, 7, tzinfo=dt.UTC), settings=settings)
    assert day2.status == "ok" and day2.docs_added == 1
    assert day2.brief is not None
    assert [s.title for s in day2.brief.sources] == ["New library opens in Ostrava Nova"]


def _joining_sections(count: int, seed: int = 0) -> list[str]:
    """Lines of ``count`` headed sections that all tell one story (they share their words),
    so that each joins the one before."""
    rng = random.Random(seed)
    words = [f"{w}{k}" for w in ("senate", "budget", "river", "museum", "tariff") for k in range(9)]
    lines = []
    for k in range(count):
        lines.append(f"Senate budget talks continue in part {k}")
        body = " ".join(rng.choice(words) for _ in range(30))
        lines.append(f"The {body} officials said on Monday in report {k}.")
    return lines


def test_a_newsletter_of_thousands_of_joining_sections_counts_each_line_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Joining sections keep running term counts: each line's terms are counted once (a run
    of 4,000 joining sections recounted the whole run at each join: 93 s for 1.26 MB)."""
    calls = 0
    counted = newsletter.content_terms

    def counting(text: str) -> list[str]:
        nonlocal calls
        calls += 1
        return counted(text)

    monkeypatch.setattr(newsletter, "content_terms", counting)
    lines = _joining_sections(3000)
    started = time.perf_counter()
    sections = newsletter.story_sections(lines, [False] * len(lines))
    assert sections == []  # one story under 3,000 subheads: no newsletter
    assert calls <= len(lines)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("seed", range(20))
def test_joined_running_terms_are_the_terms_of_the_whole_run(seed: int) -> None:
    """The running counts and most-said terms of joined sections are those counted afresh
    over their lines, ties included (first said, first ranked)."""
    rng = random.Random(seed)
    words = [f"word{k}" for k in range(rng.randint(3, 12))]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(30)]
    furniture = [rng.random() < 0.1 for _ in lines]
    cuts = sorted(rng.sample(range(1, len(lines)), 6))
    bounds = list(zip([0, *cuts], [*cuts, len(lines)], strict=True))
    running = newsletter._Terms(lines, furniture, *bounds[0])
    for start, end in bounds[1:]:
        running.join(newsletter._Terms(lines, furniture, start, end))
        whole = newsletter._Terms(lines, furniture, 0, end)
        assert running.counts == whole.counts
        assert running.top == whole.top
        assert running.main() == whole.main()


FARM_BILL = (
    (
        "Farm bill deal reached after all-night talks",
        "House and Senate negotiators reached a deal early Tuesday on a five-year farm bill, "
        "ending months of stalemate over food aid and crop subsidies.",
    ),
    (
        "How the deal came together in the final hours",
        "Negotiators met through the night after the committee chairman dropped his demand for "
        "stricter work requirements, and aides said the breakthrough came shortly after 3 a.m.",
    ),
    (
        "What the agreement means for growers",
        "Corn and soybean growers would see higher reference prices, and dairy farmers would get "
        "a new insurance program that covers losses when milk prices fall.",
    ),
    (
        "Congress returns for a final vote",
        "Both chambers are expected to vote on the measure next week, and the White House has "
        "signaled the president will sign it.",
    ),
)


def test_one_article_under_subheads_stays_one_source(tmp_path: Path) -> None:
    """Subheads of one article (short sections that ask about what it told, or refer back to
    "the measure") are no stories of their own: the last would be a story with no referent."""
    markup = "".join(f"<h2>{h}</h2><p>{b}</p>" for h, b in FARM_BILL)
    letter = tmp_path / "read.eml"
    letter.write_bytes(_message(markup=markup, subject="Your Tuesday read"))
    (doc,) = ingest_paths([letter]).documents
    assert "vote on the measure next week" in doc.text


@pytest.mark.parametrize(
    ("heading", "first", "back"),
    [
        ("How the deal came together in the final hours", "Negotiators met all night.", True),
        ("What happens next when Congress returns", "Both chambers will vote soon.", True),
        ("Why it matters for growers in the Midwest", "Corn prices rise.", True),
        ("Congress returns for a final vote", "Both chambers will vote on the measure.", True),
        ("Reaction from the farm states", "They welcomed the plan on Tuesday.", True),
        # a digest's headline and lead tell their own news
        ("Senate confirms new defense secretary", "The Senate confirmed Lloyd Austin.", False),
        ("Office move to the fifth floor is delayed", "The move has slipped to May.", False),
        ("Senate passes the farm bill after talks", "The bill passed 87 to 13 on Friday.", False),
        ("Ferry crews walk out at the port of Halvik", FERRY_STRIKE, False),
        ("What to watch for in the markets this week", "Stocks fell on Monday.", False),
    ],
)
def test_a_section_that_refers_back_goes_on_with_the_story_before(
    heading: str, first: str, back: bool
) -> None:
    assert newsletter._refers_back(heading, first) is back


RELEASE = (
    "ACME ROBOTICS REPORTS RECORD THIRD QUARTER REVENUE",
    "SAN JOSE, Calif. -- Acme Robotics Inc. today reported revenue of $412 million for the "
    "third quarter, up 18 percent from a year earlier, driven by its warehouse systems.",
    "Net income rose to $51 million, or 42 cents a share, from $38 million a year earlier.",
    "About Acme Robotics Incorporated",
    "Acme Robotics designs and builds autonomous mobile robots for warehouses and factories. "
    "Founded in 2009, the company employs 2,300 people in eleven countries.",
    "Forward-Looking Statements and Safe Harbor",
    "This press release contains forward-looking statements. Actual results may differ "
    "materially from those expressed or implied by such statements.",
    "Media contact",
    "press@acme-robotics.example",
)


@pytest.mark.parametrize("kind", ["plain", "bold"])
def test_a_press_releases_standing_blocks_are_no_story_and_never_quoted(
    tmp_path: Path, kind: str
) -> None:
    """ "About Acme ..." and "Forward-Looking Statements" head no story, and their blocks are
    furniture: a brief of the release quotes its news, not its boilerplate."""
    letter = tmp_path / "release.eml"
    if kind == "plain":
        letter.write_bytes(_message("\n\n".join(RELEASE), subject="Acme Q3 results"))
    else:
        heads = {RELEASE[0], RELEASE[3], RELEASE[5]}
        markup = "".join(f"<p><b>{ln}</b></p>" if ln in heads else f"<p>{ln}</p>" for ln in RELEASE)
        letter.write_bytes(_message(markup=markup, subject="Acme Q3 results"))
    (doc,) = ingest_paths([letter]).documents
    shown = {doc.text[f.start : f.end] for f in doc.furniture}
    assert {RELEASE[4], RELEASE[6]} <= shown
    assert RELEASE[2] in doc.text and RELEASE[2] not in shown


@pytest.mark.parametrize(
    ("line", "boilerplate"),
    [
        ("About Acme Robotics Incorporated", True),
        ("ABOUT ACME ROBOTICS", True),
        ("About us", True),
        ("About the author", True),
        ("Forward-Looking Statements and Safe Harbor", True),
        ("Cautionary Note Regarding Forward-Looking Statements", True),
        ("Safe Harbor Statement", True),
        ("Media Contact:", True),
        ("Investor Relations", True),
        ("Contact", True),
        ("Disclaimer", True),
        ("Notes to editors", True),
        ("About 40 percent of voters back the plan", False),
        ("About Face: Senate reverses course on tariffs", False),
        ("Contact tracing app launched across the state", False),
        ("Senate confirms new defense secretary in 93-2 vote", False),
    ],
)
def test_a_standing_blocks_heading_is_no_story_heading(line: str, boilerplate: bool) -> None:
    assert newsletter.is_boilerplate_heading(line) is boilerplate
    if boilerplate:
        assert not newsletter.is_heading(line)


def test_a_sponsors_block_in_a_message_of_one_source_is_furniture(tmp_path: Path) -> None:
    """A sponsor's copy in a message that is not split is no part of its news; a "Presented
    by" masthead above the first sentence is no sponsor's block."""
    lines = [
        "Presented by Acme",
        FERRY_STRIKE,
        "SPONSORED BY NORTHWIND BANK",
        SPONSOR[1],
        "Quote of the day from the harbour",
        "The union leader said the crews would stay out until the operator came back to talks.",
    ]
    letter = tmp_path / "note.eml"
    letter.write_bytes(_message("\n\n".join(lines), subject="Harbour news"))
    (doc,) = ingest_paths([letter]).documents
    shown = {doc.text[f.start : f.end] for f in doc.furniture}
    assert {lines[2], SPONSOR[1]} <= shown
    assert not {lines[1], lines[4], lines[5]} & shown


def test_a_digest_whose_subject_is_its_first_headline_is_split(tmp_path: Path) -> None:
    """Many newsletters take their lead story's headline as the subject: with three stories
    or more under their headlines it is still a digest, one source per story."""
    markup = "".join(f"<h2>{h}</h2><p>{html.escape(b)}</p>" for h, b in STORIES)
    letter = tmp_path / "wire.eml"
    letter.write_bytes(_message(markup=markup, subject=STORIES[0][0]))
    docs = ingest_paths([letter]).documents
    assert [d.title for d in docs] == [h for h, _ in STORIES]


CAFES = (
    "Cafe owners in the old town ask for help",
    "Cafe owners in the old town of Halvik said their takings had halved this spring, and the "
    "council offered a grant to every business open through the winter.",
)
TITLED_ARTICLES = {
    # the subject as the title over one subhead the markup sets apart (<h1> over <h2>)
    "title over a subhead": f"<h1>{STORIES[0][0]}</h1><p>{FERRY_STRIKE}</p>"
    f"<h2>{STORIES[1][0]}</h2><p>{BRIDGE_VOTE}</p>",
    # two headings set alike whose sections share words: one story's two parts
    "sections sharing words": f"<h2>{STORIES[0][0]}</h2><p>{FERRY_STRIKE}</p>"
    f"<h2>{CAFES[0]}</h2><p>{CAFES[1]}</p>",
    # a title over subheads that go on with it
    "subheads that refer back": "".join(f"<h2>{h}</h2><p>{b}</p>" for h, b in FARM_BILL),
}


@pytest.mark.parametrize("name", sorted(TITLED_ARTICLES))
def test_an_article_titled_by_its_subject_stays_one_source(tmp_path: Path, name: str) -> None:
    """The subject as the title over a subhead set apart from it, over a section that shares
    its words, or over subheads that go on with it, is one article."""
    subject = FARM_BILL[0][0] if name == "subheads that refer back" else STORIES[0][0]
    letter = tmp_path / "article.eml"
    letter.write_bytes(_message(markup=TITLED_ARTICLES[name], subject=subject))
    (doc,) = ingest_paths([letter]).documents
    assert doc.path == str(letter)


def test_a_plain_title_over_a_plain_subhead_stays_one_source(tmp_path: Path) -> None:
    """In plain text a title and a subhead look alike: under the subject, two sections under
    plain headings are one article."""
    plain = "\n\n".join([STORIES[0][0], FERRY_STRIKE, STORIES[1][0], BRIDGE_VOTE])
    letter = tmp_path / "article.eml"
    letter.write_bytes(_message(plain, subject=STORIES[0][0]))
    (doc,) = ingest_paths([letter]).documents
    assert doc.path == str(letter)


@pytest.mark.parametrize("kind", ["h2", "bold", "capitals", "numbered"])
def test_a_digest_of_two_stories_whose_subject_is_its_first_headline_is_split(
    tmp_path: Path, kind: str
) -> None:
    """Two stories under headings set alike (both <h2>, both bold, both in capitals, both
    numbered) that share almost no words are a digest, whose subject is its lead headline."""
    stories = STORIES[:2]
    if kind in ("h2", "bold"):
        tag = "<h2>{}</h2>" if kind == "h2" else "<p><b>{}</b></p>"
        markup = "".join(tag.format(h) + f"<p>{b}</p>" for h, b in stories)
        letter_bytes = _message(markup=markup, subject=stories[0][0])
    else:
        heads = (
            [h.upper() for h, _ in stories]
            if kind == "capitals"
            else [f"{n}. {h}" for n, (h, _) in enumerate(stories, 1)]
        )
        plain = "\n\n".join(
            x for head, (_, b) in zip(heads, stories, strict=True) for x in (head, b)
        )
        letter_bytes = _message(plain, subject=stories[0][0])
    letter = tmp_path / "digest.eml"
    letter.write_bytes(letter_bytes)
    docs = ingest_paths([letter]).documents
    assert [d.path for d in docs] == [f"{letter}#1", f"{letter}#2"]
    assert [d.title for d in docs] == [h for h, _ in stories]
    assert [b in d.text for d, (_, b) in zip(docs, stories, strict=True)] == [True, True]


def test_a_digest_under_numbered_headings_is_split(tmp_path: Path) -> None:
    """ "1. Senate confirms ..." standing alone above its paragraphs heads a story (it had
    been taken for a list item: the digest stayed one source and quoted its sponsor's
    copy); its title and its line are the heading without the number."""
    lines = ["Hello readers,"]
    for n, (heading, body) in enumerate(STORIES, 1):
        lines += [f"{n}. {heading}", body]
        if n == 2:
            lines += ["SPONSORED BY NORTHWIND BANK", SPONSOR[1]]
    letter = tmp_path / "digest.eml"
    letter.write_bytes(_message("\n\n".join(lines), subject="World Digest: three stories"))
    docs = ingest_paths([letter]).documents
    assert [d.title for d in docs] == [h for h, _ in STORIES]
    assert [d.text.split("\n")[0] for d in docs] == [h for h, _ in STORIES]
    assert all(SPONSOR[1] not in d.text and "Hello" not in d.text for d in docs)


def test_a_numbered_list_heads_no_story(tmp_path: Path) -> None:
    """Numbered lines in a row are a list's items, even the last one above a paragraph."""
    lines = [
        FERRY_STRIKE,
        "The union listed what it wants before the crews go back:",
        "1. A pay rise of five percent this year",
        "2. Two more crew members on every winter crossing",
        "3. Shorter shifts on the night ferry to the islands",
        "The operator said it would answer the union by Friday and asked the crews to return "
        "to work while the talks went on.",
        "4. Lunde council votes to fund the Vessa bridge",
        BRIDGE_VOTE,
    ]
    letter = tmp_path / "note.eml"
    letter.write_bytes(_message("\n\n".join(lines), subject="Ferry news"))
    (doc,) = ingest_paths([letter]).documents
    assert doc.title == "Ferry news"


@pytest.mark.parametrize(
    ("heading", "readable"),
    [
        # each word as the text writes it; a name of two words as a name
        (
            "COURT BLOCKS NEW YORK CONGRESSIONAL MAP FOR 2022 ELECTIONS",
            "Court blocks New York congressional map for 2022 elections",
        ),
        (
            "BOEING SAYS IT WILL MOVE ITS HEADQUARTERS TO VIRGINIA",
            "Boeing says it will move its headquarters to Virginia",
        ),
        # a stem as the text writes a word of it; a short word never written otherwise keeps
        # its capitals ("UK"), as does an acronym the text writes so
        (
            "UK POLITICIAN DAVID AMESS STABBED AT A CHURCH IN ESSEX, NHS SAYS",
            "UK politician David Amess stabbed at a church in Essex, NHS says",
        ),
        ("NEW YORK'S MAYOR MEETS MCCABE ON MONDAY", "New York's mayor meets McCabe on Monday"),
        ("US AND UK TALKS STALL OVER TARIFFS", "US and UK talks stall over tariffs"),
        ("Ferry crews walk out", "Ferry crews walk out"),  # not in capitals: as it is
    ],
)
def test_a_heading_in_capitals_is_shown_in_a_readable_case(heading: str, readable: str) -> None:
    text = [
        "New York's highest court on Wednesday struck down the state's new congressional map.",
        "A special master will now draw new lines, and the primary may move to August.",
        "Boeing said on Thursday that it would move its global headquarters from Chicago to "
        "Arlington, Virginia, and that the mayor had met Andrew McCabe on Monday.",
        "David Amess, a lawmaker, was stabbing victim of an attack, a politician said, and the "
        "NHS said the church in Essex was closed. It was stabbed twice, a local source said.",
        "COURT BLOCKS NEW YORK CONGRESSIONAL MAP FOR 2022 ELECTIONS",  # a heading: not read
    ]
    assert newsletter.CaseForms(text, [heading]).readable(heading) == readable


def test_a_heading_in_capitals_titles_its_story_and_is_never_quoted(tmp_path: Path) -> None:
    """Sources and story headings show a newsletter's headings in capitals in a readable
    case; the line in capitals itself is the title, never a quote."""
    letter = tmp_path / "morning.eml"
    letter.write_bytes(_message(_plain_newsletter()))
    docs = ingest_paths([letter]).documents
    assert [d.title for d in docs] == [
        "Ferry crews walk out at the port of Halvik",
        "Lunde council votes to fund the Vessa bridge",
        "Late frost damages the Tervola apple blossom",
    ]
    brief = build_brief(docs, settings=Settings(cache=False), today=dt.date(2026, 11, 20))
    quotes = [c.quote for f in brief.bottom_line + brief.facts for c in f.citations]
    assert quotes and not any(newsletter.shouting(q) for q in quotes)
