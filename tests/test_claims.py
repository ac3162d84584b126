from __future__ import annotations

from typing import Any

import pytest

from briefing.claims import (
    antonym_clash,
    attribute,
    disputes,
    in_own_voice,
    looks_ahead,
    negated,
    slanted,
    subject_entity,
)
from briefing.models import Citation, Fact


@pytest.mark.parametrize(
    ("sentence", "actor", "verb"),
    [
        ("Police said the man was arrested.", "Police", "said"),
        ("On Monday, the health ministry denied the report.", "the health ministry", "denied"),
        ("The envoy to the UN, Jane Roe, warned that talks could fail.", "Jane Roe", "warned"),
        (
            "Earlier, John Smith, now a candidate for mayor, claimed victory.",
            "John Smith",
            "claimed",
        ),
        (
            "A spokesperson addressed reporters, stating that no deal existed.",
            "A spokesperson",
            "stating",
        ),
        (
            "The plan was criticised, according to local residents.",
            "local residents",
            "according to",
        ),
        ("Supporters are rejecting claims of fraud.", None, None),
        ("The company recently announced record profits.", "The company", "announced"),
        (
            "This was reinforced by the treasurer, Ann Lee, who confirmed the figures.",
            "Ann Lee",
            "confirmed",
        ),
        # An actor is a name, never a fragment: a leading "though" or "even if" is not part
        # of it, and a clause ("... has created") is not one.
        ("The data was released, though the agency said it was late.", "the agency", "said"),
        ("Even if the council insisted on a vote, it was delayed.", "the council", "insisted"),
        ("The mayor's fondness for travel has created added costs for the city.", None, None),
        # "claims" and "added" as nouns and participles after a clause's opening pronoun
        ("That brings the total of jobless claims to 26 million.", None, None),
        ("That's more than all the jobs added in ten years.", None, None),
        ("Those officials said the port was safe.", "Those officials", "said"),
        ("He said the port was safe.", "He", "said"),
        # the time of saying is not part of the name
        ("President Trump on Monday said the report was wrong.", "President Trump", "said"),
        ("The agency late Tuesday said the port was safe.", "The agency", "said"),
        # "claims" that end a headline are a noun; "officials said." after a comma is a verb
        ("Rand Paul suspended by YouTube over COVID-19 mask claims", None, None),
        ("The port will reopen, officials said.", "officials", "said"),
        # a party tag after the name is not the actor
        ("Senator Ann Lee, D-Ore., told reporters the port was safe.", "Senator Ann Lee", "told"),
        # a long name runs through "of", "and", "for"; a relative clause's opening is not it
        (
            "Talks resumed, according to a statement from the Department of Health and Human "
            "Services and other agencies.",
            "Department of Health and Human Services",
            "according to",
        ),
        (
            "No booster is needed, the Food and Drug Administration and the Centers for "
            "Disease Control and Prevention said.",
            "Food and Drug Administration and the Centers for Disease Control and Prevention",
            "said",
        ),
        ("It was a hearing in which Ann Lee said the port was safe.", "Ann Lee", "said"),
        # an adverb, a gerund's clause or a possessive is not who said it; nor is the time
        (
            "The firm will remove posts that \u201cfalsely alleges\u201d harm, Ann Lee said.",
            "Ann Lee",
            "said",
        ),
        (
            "A spokesman, Lt. Col. Jon Conricus, initially said troops were in Gaza.",
            "Lt. Col. Jon Conricus",
            "said",
        ),
        ("The governor signed the bill, joining a host of other GOP-led states in it.", None, None),
        (
            "Few now challenge former President Trump\u2019s stolen election claims and grip.",
            None,
            None,
        ),
        ("Trump clings to false election claims at Arizona rally", None, None),
        (
            "On Monday Carlson, a critic of the agency, said it was spying on him.",
            "Carlson",
            "said",
        ),
        ("It was a lesson, as a senator who accused him of lying found.", "a senator", "accused"),
        (
            "Biden defended the withdrawal and insisted that the evacuation went well.",
            "Biden",
            "insisted",
        ),
        (
            "Ann Lee on Friday shot down a rule that blocked migrants, saying it was wrong.",
            "Ann Lee",
            "saying",
        ),
        (
            "Few got the second shot, according to data released Sunday by the U.S. Centers for "
            "Disease Control and Prevention.",
            "U.S. Centers for Disease Control and Prevention",
            "according to",
        ),
        # an "according to" source is never cut inside a word; an opening phrase is no name
        (
            "Two men allegedly filed 8,000 fraudulent applications, according to a 41-count "
            "criminal complaint from the Los Angeles County District Attorney\u2019s Office.",
            "Los Angeles County District Attorney\u2019s Office",
            "according to",
        ),
        ("He lied again, for instance when he dismissed the report.", "he", "dismissed"),
        (
            "Lisa Page breaks silence, saying the attacks forced her to speak.",
            "Lisa Page",
            "saying",
        ),
        ("The candidate campaigned in several states on Monday.", None, None),
        # a passive "announced by" and a noun "claims," say nothing themselves
        ("The list announced by the spokesman on Tuesday was short.", None, None),
        (
            "Weekly jobless claims, a proxy for layoffs, fell to 385,000, the Labor Department "
            "said.",
            "the Labor Department",
            "said",
        ),
        # who a relative clause is about; who follows "said"; a phrase that is nobody
        (
            "Biden fires Social Security Commissioner Andrew Saul, who says he isn't leaving",
            "Social Security Commissioner Andrew Saul",
            "says",
        ),
        ("A senator who opposed the bill said it was wrong.", "A senator", "said"),
        (
            "Jan. 6 panel subpoenas a Trump ally who promised to pursue fraud claims",
            "a Trump ally",
            "promised",
        ),
        (
            "David Black agreed to resign, said the official, who spoke on condition of anonymity.",
            "the official",
            "said",
        ),
        ('"We will win," said Jen Psaki.', "Jen Psaki", "said"),
        ("With new jobless claims hitting a pandemic low, Biden said it is back.", "Biden", "said"),
        ("The head of WHO said the vaccine works.", "The head of WHO", "said"),  # not "who"
        # "claims" after adjectives is a noun: nobody named claims anything
        ("It was a target of misleading, false and bizarre claims spread online.", None, None),
        ("The company claims it was hacked.", "The company", "claims"),
        # two clauses: the one that ends at the verb says who
        (
            "Yonhap also found no evidence of any medical hardship at the embassy in Beijing and "
            "Chinese government sources told Reuters they had no evidence of an emergency.",
            "Chinese government sources",
            "told",
        ),
        # "claims" that did something is a noun: the Labor Department said it
        (
            "Unemployment claims fell to 473,000 last week, the Labor Department said.",
            "the Labor Department",
            "said",
        ),
        # what was claimed and taken is no claim made: nobody said anything
        ("Another 4.4 million people claimed unemployment benefits last week.", None, None),
        ("The storm claimed 12 lives in two days.", None, None),
        ("The rebels claimed the attack was revenge.", "The rebels", "claimed"),
        # what a thing varies "according to" says nothing; a voice without a name does
        (
            "The magnitude of the command varies according to parameters such as the "
            "airplane's altitude and airspeed.",
            None,
            None,
        ),
        ("The launch went according to plan.", None, None),
        # a reporting verb inside the quotation is the speaker's word; an aside's bracket
        (
            "\u201cOur own ancestors wouldn\u2019t say to go down there. That\u2019s a modern "
            "thing,\u201d says Te Kaurinui.",
            "Te Kaurinui",
            "says",
        ),
        ("(Alibaba says it has no plans to do this, but few believe it).", "Alibaba", "says"),
        ("Two people died, according to police.", "police", "according to"),
        ("The myth began in 1920, according to the legend.", "the legend", "according to"),
    ],
)
def test_attribution(sentence: str, actor: str | None, verb: str | None) -> None:
    result = attribute(sentence)
    assert (result.actor, result.verb) == (actor, verb)
    if verb is not None:
        assert result.verb_start >= 0


def test_polarity_disputes_and_antonyms() -> None:
    assert negated("The talks did not take place.")
    assert not negated("The talks took place.")
    assert disputes("She called the claims baseless.")
    assert disputes("An official offered a sharply different account.")
    assert not disputes("The weather was mild.")
    # a dispute word in a clause that describes something reports no one disputing
    assert not disputes("It bans ads on content that contradicts the scientific consensus.")
    assert disputes("The company denied the report.")
    assert antonym_clash("Talks were direct.", "Talks were indirect.") == ("direct", "indirect")
    assert antonym_clash("Prices rose.", "Prices rose again.") is None


def test_subject_entity() -> None:
    assert subject_entity("Norway has hosted several rounds of talks.") == "Norway"
    assert subject_entity("Acting as host, Norway has hosted talks.") == "Norway"
    assert subject_entity("It has rained all week.") is None
    # something done to a name is not what it does
    assert subject_entity("Amy Coney Barrett has officially been confirmed by the Senate.") is None
    assert subject_entity("Norway was chosen to host the talks.") is None
    assert subject_entity("Norway was hosting the talks.") == "Norway"


def test_actor_positions_name_each_actor_once_and_take_no_headline() -> None:
    from briefing.engines.offline import _actor_positions
    from briefing.models import Citation, Fact

    def fact(statement: str, score: float, actor: str | None = None) -> Fact:
        quote = Citation(source_id="a", quote=statement, start=0, end=len(statement))
        kind = "claim" if actor else "event"
        return Fact(statement=statement, score=score, actor=actor, kind=kind, citations=(quote,))

    positions = _actor_positions(
        [
            fact("Clinton makes history: declares win in Democratic race", 0.9),
            fact("Suspect who claimed to have a bomb has surrendered", 0.85, "Suspect"),
            fact(
                "Journalist Nikole Hannah-Jones said she would not join the faculty.",
                0.8,
                "Journalist Nikole Hannah-Jones",
            ),
            fact(
                "Nikole Hannah-Jones said the decision was a difficult one.",
                0.7,
                "Nikole Hannah-Jones",
            ),
        ]
    )
    assert [p.name for p in positions] == ["Journalist Nikole Hannah-Jones"] * 2
    # a document is no actor: its author is ("The opinion" had been listed as one)
    said = "The opinion said the committee had invoked sufficient reasons for the request."
    assert _actor_positions([fact(said, 0.9, "The opinion")]) == []
    # an outlet that reported the news is no actor in it
    first = "The Washington Post was first to report Saul's dismissal."
    assert _actor_positions([fact(first, 0.9)]) == []


@pytest.mark.parametrize(
    ("statement", "coverage"),
    [
        ("The Washington Post was first to report Saul's dismissal.", True),
        ("Axios was the first outlet to report the meeting.", True),
        ("The plan was first reported by The New York Times and The Washington Post.", True),
        ("Jane Doe contributed reporting to this story.", True),
        # the news itself, even with the coverage in an aside
        ("In a letter to Blinken, first reported by PBS, Foote said he was resigning.", False),
        ("The virus was first reported in Wuhan in December.", False),
        ("Biden was the first president to visit the site.", False),
    ],
)
def test_a_sentence_about_who_reported_the_news_is_not_news(statement: str, coverage: bool) -> None:
    from briefing.claims import about_coverage

    assert about_coverage(statement) is coverage


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("This statement contradicts the minister's account.", True),
        ("He added that the port would reopen.", True),
        ("But the union rejected the offer on Tuesday.", True),
        ("In contrast, the operator said night shifts were safe.", True),
        ("That seems to be the burning question on the tongues of many liberals.", True),
        ("With those striking words in an interview published late Sunday, Page spoke.", True),
        ("Despite this, the union rejected the offer on Tuesday.", True),
        ("In this year's budget, the city cut the port's funding.", False),  # a time
        ("With this week's vote, the Senate ended its session.", False),
        ("Without the port, exporters lose $2 million a day.", False),
        ("Given that the strike is in its second week, exporters asked for talks.", False),
        ("Butchers in Lyon went on strike on Tuesday.", False),  # a word, not "But"
        ("The union rejected the offer on Tuesday.", False),
        ("Thistle growers met in Leeds.", False),
        # someone's words with their speaker in another paragraph; with the speaker named
        ("\u201cWe had a banner year. But emissions remain flat.\u201d", True),
        ('"We will win," said Jen Psaki.', False),
        ("The plan is \u201cdead on arrival.\u201d", False),
        # a feature's opening on history; the news that names an old year
        (
            "When the Great Plague struck Halvik in 1720, killing half of the islanders, the "
            "port was walled off.",
            True,
        ),
        ("The ferry law, passed in 1965, was struck down on Tuesday.", False),
        ("In 2021, the council passed the ferry law.", False),
        # a number or a name is no year of history
        ("H.R. 1154 passed on Friday 371-18, with one member voting present.", False),
        ("The 1776 Commission met in Halvik, its members said.", False),
    ],
)
def test_a_sentence_that_leans_on_the_one_before_is_recognised(sentence: str, leans: bool) -> None:
    from briefing.claims import needs_context

    assert needs_context(sentence) is leans


def test_the_bottom_line_is_made_of_sentences_that_stand_alone() -> None:
    import datetime as dt

    from briefing import Settings, build_brief, document_from_text
    from briefing.claims import needs_context

    texts = [
        "Port strike enters second week\n\nBut the dockworkers union in Valparaiso said on Monday "
        "that its strike over night-shift safety would go on. The port operator offered talks "
        "on night-shift safety rules. Container ships waited offshore for a second week.\n",
        "Valparaiso port stays shut\n\nThis statement from the union came as container traffic "
        "at the Valparaiso port stayed at a standstill. Exporters of fruit said a long "
        "stoppage at the port would spoil cargo. The dockworkers union met the operator.\n",
    ]
    docs = [document_from_text(t, f"port-{i}.txt") for i, t in enumerate(texts)]
    brief = build_brief(docs, settings=Settings(), today=dt.date(2026, 3, 2))
    assert len(brief.bottom_line) >= 2
    assert not any(needs_context(f.statement) for f in brief.bottom_line)


def test_a_belief_the_next_sentence_overturns_is_no_bottom_line() -> None:
    import datetime as dt

    from briefing import Settings, build_brief, document_from_text

    setup = (
        "Halvik has long been heralded as the best-connected island in the north, a place "
        "where a ferry leaves every hour of the day."
    )
    text = (
        f"Halvik ferry study\n\n{setup} But a new study from the island council calls that "
        "into question. The study counted 40 cancelled crossings in the winter months. The "
        "council said it would ask the operator to add two ferries to the Halvik route.\n"
    )
    docs = [document_from_text(text, "ferry.txt")]
    brief = build_brief(docs, settings=Settings(), today=dt.date(2026, 3, 2))
    assert brief.bottom_line
    assert setup not in [f.statement for f in brief.bottom_line]


def test_a_story_whose_every_sentence_leans_is_lined_by_its_plain_headline() -> None:
    # s201 "Opinion: Identity Politics Backfires": both sentences after the question lean on it
    import datetime as dt

    from briefing import Settings, build_brief, document_from_text
    from briefing.claims import needs_context

    text = (
        "How identity politics blew up in Democrats' faces\n\nWhat's the matter with America? "
        "That seems to be the burning question on the tongues of many liberals in the wake of "
        "Donald Trump's stunning upset victory over Hillary Clinton. And in a way, that "
        "question is a mash-up response to two popular theories on America's political "
        "landscape, the first laid out in Thomas Frank's book.\n"
    )
    other = (
        "Port strike enters second week\n\nThe dockworkers union in Valparaiso said on Monday "
        "that its strike over night-shift safety would go on. Container ships waited offshore "
        "for a second week. Exporters of fruit said a long stoppage would spoil cargo.\n"
    )
    alone = build_brief(
        [document_from_text(text, "identity.txt")], settings=Settings(), today=dt.date(2026, 3, 2)
    )
    assert alone.bottom_line
    assert not any(needs_context(f.statement) for f in alone.bottom_line)
    docs = [document_from_text(t, f"{n}.txt") for n, t in enumerate([text, other])]
    lineup = build_brief(docs, settings=Settings(), today=dt.date(2026, 3, 2))
    assert len(lineup.stories) == 2
    assert not any(needs_context(f.statement) for f in lineup.bottom_line)


def test_a_second_outlet_restating_a_bottom_line_item_corroborates_it() -> None:
    import datetime as dt

    from briefing import Settings, build_brief, document_from_text

    first = (
        "Port ban lifted\n\nThe Valparaiso port authority on Monday lifted the ban on night "
        "shifts for dockworkers in a 5-2 vote. Exporters of fruit welcomed the decision.\n"
    )
    # Fewer than half its words are the first lead's, but it says all the first lead says.
    second = (
        "Chile strike ends\n\nThe Valparaiso port authority lifted its ban on night shifts for "
        "Chilean dockworkers on Monday, ending a week-long strike that had stranded container "
        "ships offshore. Shipping lines said the backlog would take a week to clear.\n"
    )
    docs = [document_from_text(t, f"port-{i}.txt") for i, t in enumerate((first, second))]
    brief = build_brief(docs, settings=Settings(), today=dt.date(2026, 3, 2))
    leads = [f for f in brief.bottom_line if "port authority" in f.statement]
    assert len(leads) == 1  # said once ...
    assert {c.source_id for c in leads[0].citations} == {d.id for d in docs}  # ... cited twice


def test_a_lead_about_another_company_is_never_cited_beside_an_item() -> None:
    """Two leads sharing a figure and the subject's words ("COVID-19 vaccine", "12") tell
    different events when they name different companies: citing the second beside the first
    would say its source reports what it does not."""
    import datetime as dt

    from briefing import Settings, build_brief, document_from_text

    pfizer = (
        "FDA to clear Pfizer shot for teens\n\nThe Food and Drug Administration is preparing to "
        "authorize the Pfizer and BioNTech COVID-19 vaccine for adolescents aged 12 to 15 by "
        "early next week. Shipments could start days later.\n"
    )
    moderna = (
        "Moderna teen trial\n\nModerna on Thursday released the results of its COVID-19 vaccine "
        "trials for those aged 12 to 17, reporting it 96 percent effective. The company will "
        "ask regulators to expand its authorization.\n"
    )
    docs = [document_from_text(t, f"v-{i}.txt") for i, t in enumerate((pfizer, moderna))]
    brief = build_brief(docs, settings=Settings(), today=dt.date(2021, 5, 7))
    for fact in brief.bottom_line:
        quotes = [c.quote for c in fact.citations]
        assert not ("Pfizer" in fact.statement and any("Moderna" in q for q in quotes)), quotes


@pytest.mark.parametrize(
    ("sentence", "ahead"),
    [
        ("Pelosi and Mnuchin plan to speak again Wednesday.", True),
        ("The full Senate will vote to confirm or reject her.", True),
        ("The court is expected to rule next week.", True),
        ("Navarro laid out the warning in two memos in January.", False),  # a past warning
        ("Early data signals the vaccine is effective.", False),
        ("The ceasefire meant fighters could lay down arms.", False),
        ("The cargo ship had lifted off as scheduled at 8:51 p.m. Moscow time.", False),
    ],
)
def test_what_is_still_to_come_is_recognised(sentence: str, ahead: bool) -> None:
    from briefing.claims import looks_ahead

    assert looks_ahead(sentence) is ahead


def test_an_actor_quoted_before_the_attribution_holds_the_quote_as_position() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Port to reopen\n\n“The port will reopen on Monday after the repairs,” Ms.\u00a0Soto "
        "told the Valparaiso daily El Mercurio. Soto said the dockworkers would be paid for "
        "the days lost. Earlier this month, the Port Authority said the repairs would cost "
        "two million dollars.\n"
    )
    docs = [document_from_text(text, "port.txt")]
    engine = OfflineEngine()
    facts = engine.extract_facts("port", docs, chunk_documents(docs)).value
    actors = engine.synthesize("port", facts, []).value.actors
    soto = [a for a in actors if "Soto" in a.name]
    assert len({a.name for a in soto}) == 1  # "Ms. Soto" and "Soto" are one actor
    positions = {a.position for a in soto}
    assert "The port will reopen on Monday after the repairs" in positions  # not "told ..."
    assert "said the dockworkers would be paid for the days lost." in positions
    operator = [a.position for a in actors if "Port Authority" in a.name]
    assert operator == ["said the repairs would cost two million dollars."]  # not the time
    for a in actors:  # every position is verbatim where its citation says
        assert text.find(a.position) >= 0 and a.citations[0].quote == a.position


def test_a_pronoun_speaker_is_the_one_named_just_before_not_an_earlier_speaker() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "A new film opens\n\nChastain said that the director had kept the script secret "
        "until the first day of shooting.\n\nThe film was shot in Queens over the winter.\n\n"
        "The crew worked through three snowstorms in January.\n\n"
        "Isaac stopped short of revealing anything about the ending.\n\n"
        "\u201cI have signed away my organs to the studio,\u201d he joked, adding that the "
        "shoot was long.\n\n"
        "The release date is set for March.\n\n"
        "The trailer drew ten million views in a day.\n\n"
        "Tickets went on sale at noon on the same day.\n\n"
        "\u201cWe will keep the ending a secret until then,\u201d she said on Monday.\n"
    )
    docs = [document_from_text(text, "film.txt")]
    facts = OfflineEngine().extract_facts("film", docs, chunk_documents(docs)).value
    who = {f.statement.split(",")[0]: f.actor for f in facts}
    assert who["\u201cI have signed away my organs to the studio"] == "Isaac"
    # no one named in the three sentences just before: "she" is nobody, not Isaac or Chastain
    assert who["\u201cWe will keep the ending a secret until then"] is None


def test_no_position_for_a_guess_a_cut_clause_or_the_writer() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Halvik port sale\n\nThe Halvik Port Authority said on Monday that it had sold the "
        "container terminal to Nordline for two billion crowns.\n\n"
        "I wrote a long primer on such port sales in 2019 for this newspaper.\n\n"
        "Remain Co. will probably just sit there, returning cash to its shareholders.\n\n"
        "There would be a code including, according to the notes of the British Bill, a "
        "provision to protect the confidentiality of journalistic sources.\n\n"
        "His spokesman told reporters that the buyer would keep all 300 dock jobs.\n"
    )
    docs = [document_from_text(text, "port.txt")]
    engine = OfflineEngine()
    facts = engine.extract_facts("port sale", docs, chunk_documents(docs)).value
    primer = next(f for f in facts if f.statement.startswith("I wrote"))
    assert primer.actor is None  # the writer, not the Port Authority named just before
    names = {a.name for a in engine.synthesize("port sale", facts, []).value.actors}
    assert any("Port Authority" in name for name in names), names
    assert not any(w in name for name in names for w in ("Remain", "British", "His")), names


def test_a_sentence_leaning_on_the_one_before_ranks_below_one_that_stands_alone() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Port strike\n\nThe dockworkers union in Valparaiso went on strike on Monday. "
        "But the port operator offered talks on night-shift safety on Tuesday. "
        "The port operator offered talks on night-shift safety rules on Wednesday.\n"
    )
    docs = [document_from_text(text, "port.txt")]
    facts = OfflineEngine().extract_facts("port", docs, chunk_documents(docs)).value
    score = {f.statement.split()[0]: f.score for f in facts if "offered" in f.statement}
    assert score["The"] > score["But"]  # later in the text, yet it stands alone


@pytest.mark.parametrize(
    ("sentence", "terms", "negated"),
    [
        ("Iran did not attend the talks on Monday.", {"attend"}, True),
        ("Iran did not attend the talks on Monday.", {"talk"}, False),  # attending is denied
        ("The governor touched them without consent, breaking state laws.", {"law"}, False),
        ("The workers were not tested for the virus.", {"worker"}, False),  # the subject
        ("No talks were held in Oman.", {"talk"}, True),
        ("Taiwan will not bow to pressure from Beijing.", {"pressure", "beij"}, False),
        ("The ferries would not restart on Thursday.", {"restart"}, True),
        # a typeset apostrophe and "no longer" negate; a verb acting on its object does not
        ("You don\u2019t need a booster shot.", {"booster"}, True),
        ("Vaccinated people are no longer recommended to wear masks.", {"recommend"}, True),
        ("Twitter suspended the account on Friday.", {"account"}, False),
        ("A judge dismissed the complaint.", {"complaint"}, False),
        # a negation in a condition asserts nothing
        ("It will skip the debates if the panel doesn't make changes.", {"mak", "chang"}, False),
        ("Unless Congress does not act, rates rise.", {"act"}, False),
        ("The panel did not make changes.", {"mak", "chang"}, True),
    ],
)
def test_a_negation_bears_on_the_words_after_it(
    sentence: str, terms: set[str], negated: bool
) -> None:
    from briefing.claims import negates

    assert negates(sentence, terms) is negated


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Trump", "US President Donald Trump", True),
        ("Ms. Granholm", "Granholm", True),
        ("The White House", "White House", True),
        ("President Trump", "President Biden", False),
        ("President", "President Trump", False),  # a title alone names nobody
        ("Jen Psaki", "the White House", False),
        ("Senate GOP Leader Mitch McConnell", "Senate Minority Leader Mitch McConnell", True),
        ("the Senate minority leader", "Senate Minority Leader Mitch McConnell (R-Ky.)", True),
        ("State Department", "Justice Department", False),
        ("A Ministry of Defence source", "Defence chiefs", False),  # the name qualifies them
        ("Staff Mick Mulvaney", "Mulvaney", True),
        # an acronym written beside its name, or spelled by its initials (three letters or more)
        ("RNC", "The Republican National Committee (RNC)", True),
        ("the RNC", "Republican National Committee", True),
        ("UN", "the United Nations (UN)", True),
        ("FBI", "CIA", False),
        ("US", "Ukraine Senate", False),
        # one name in another order; a place and its people's adjective
        ("The president-elect of Iran", "Iranian president-elect", True),
        ("the Defence Ministry", "the Ministry of Defence", True),
        ("Paul", "Pauline", False),
        # an organisation's spokesperson or officials speak for it
        ("a Taliban spokesperson", "The Taliban", True),
        ("White House officials", "White House press secretary Jen Psaki", True),
        ("Russian officials", "Russia", True),
        ("US officials", "Chinese officials", False),
    ],
)
def test_one_actor_under_two_names(a: str, b: str, same: bool) -> None:
    from briefing.claims import same_actor

    assert same_actor(a, b) is same


def test_two_outlets_quoting_one_actor_with_a_stray_not_are_not_a_contradiction() -> None:
    one = (
        "Budget vetoed\n\nPresident Trump said the budget bill was a disgrace and vetoed the "
        "budget bill on Tuesday.\n"
    )
    two = (
        "Veto\n\nTrump said the budget bill held measures that had nothing to do with the "
        "budget and vetoed the bill on Tuesday.\n"
    )
    assert _offline_contradictions("budget", one, two) == []


def test_a_source_finding_fault_with_what_another_calls_misleading_agrees_with_it() -> None:
    one = (
        "Testing data\n\nThe health agency is combining two kinds of virus test results, "
        "giving an inaccurate picture of the pandemic testing data.\n"
    )
    two = (
        "Scientists warn\n\nScientists say the health agency's testing data paint a misleading "
        "picture of the pandemic.\n"
    )
    assert _offline_contradictions("testing", one, two) == []


def test_two_ways_of_saying_no_agree_and_a_plain_yes_disagrees() -> None:
    no = (
        "Ferries\n\nThe union said the crews would not restart the island ferries on Thursday "
        "without a new offer.\n"
    )
    also_no = (
        "Strike\n\nThe operator said the island ferries on Thursday won't be forced to "
        "restart, rejecting the union's terms.\n"
    )
    yes = (
        "Service\n\nThe ministry said the crews would restart the island ferries on Thursday "
        "morning as planned.\n"
    )
    assert _offline_contradictions("ferries", no, also_no) == []
    assert len(_offline_contradictions("ferries", no, yes)) == 1
    banned = (
        "Ban\n\nThe ministry said a new rule prohibits the crews from being able to restart "
        "the island ferries on Thursday.\n"
    )
    assert _offline_contradictions("ferries", no, banned) == []  # a ban is a no too


def test_two_sources_setting_one_event_on_different_days_disagree() -> None:
    tuesday = (
        "Visit\n\nPresident Joe Biden will visit Tulsa, Oklahoma, on Tuesday to mark the "
        "centenary of the massacre.\n"
    )
    monday = "Trip\n\nPresident Biden will travel to Tulsa on Monday to mark the massacre.\n"
    (found,) = _offline_contradictions("Tulsa", tuesday, monday)
    assert "Tuesday" in found.summary and "Monday" in found.summary
    # the day of something else in the sentence sets no schedule
    reported = (
        "Results\n\nWith results trickling in late Monday, President Biden will visit Tulsa to "
        "mark the massacre, aides said.\n"
    )
    assert _offline_contradictions("Tulsa", tuesday, reported) == []


def test_calling_fake_the_thing_another_source_reports_is_a_contradiction() -> None:
    claim = (
        "Surgery\n\nA Florida woman had a third breast implanted in the centre of her chest "
        "at a clinic in Tampa.\n"
    )
    verdict = (
        "Receipt\n\nAn airport receipt lists a fake third breast among the Florida woman's "
        "belongings.\n"
    )
    (found,) = _offline_contradictions("third breast", claim, verdict)
    assert "calls into question" in found.summary
    # ... but "fake" on something the other source does not report is what that thing is
    other = (
        "Vests\n\nPolice in Tampa shot five men wearing fake suicide vests near the clinic "
        "where the Florida woman had surgery.\n"
    )
    assert _offline_contradictions("third breast", claim, other) == []


def test_two_sources_faulting_one_claim_agree() -> None:
    # one calls Trump's claim unproven in its own words ("without providing evidence"), the
    # other "falsely": neither questions what the other reports
    one = (
        "Claims\n\nPresident Trump and his team have called into question the integrity of "
        "the election without providing evidence, officials said.\n"
    )
    two = (
        "Remarks\n\nPresident Trump, falsely saying he won the election, lashed out at the "
        "integrity of the ballot count, aides said.\n"
    )
    assert _offline_contradictions("election", one, two) == []


def test_a_source_labelling_a_claim_false_agrees_with_one_calling_it_false() -> None:
    # both tell of a lawsuit over false claims, one in a label ("aired false claims"), the
    # other as a verdict ("falsely claimed"): they agree
    label = (
        "Lawsuit\n\nThe ferry union on Friday filed a defamation lawsuit against Halvik Radio, "
        "alleging that the station aired false claims about the union's strike fund to boost "
        "ratings.\n"
    )
    verdict = (
        "Suit\n\nThe ferry union on Friday filed a defamation lawsuit against Halvik Radio, "
        "arguing the station falsely claimed to boost its ratings that the strike fund was "
        "stolen, the union said.\n"
    )
    assert _offline_contradictions("lawsuit", label, verdict) == []


@pytest.mark.parametrize(
    ("sentence", "dispute"),
    [
        ("The crews asked the operator for a raise and were denied, but won one in May.", False),
        ("The ferry captain was denied bail on Monday.", False),
        ("The claims were denied.", True),
        ("The report was denied by the operator on Monday.", True),
        ("The operator denied that the crossings had been cancelled.", True),
    ],
)
def test_being_refused_is_no_denial_of_what_was_said(sentence: str, dispute: bool) -> None:
    assert disputes(sentence) is dispute


def test_a_phrasal_up_or_down_is_no_antonym() -> None:
    one = (
        "Wall\n\nThe governor announced that the state is funding a $250 million down payment "
        "for the border wall, officials said.\n"
    )
    two = (
        "Wall plan\n\nThe governor announced a plan to pick up the border wall construction "
        "where it stopped, aides said.\n"
    )
    assert _offline_contradictions("wall", one, two) == []


def _offline_contradictions(topic: str, *texts: str) -> list[Any]:
    """The offline engine's contradictions among ``texts``, each a document."""
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.contradict import propose_candidates
    from briefing.engines.offline import OfflineEngine

    docs = [document_from_text(t, f"doc{i}.txt") for i, t in enumerate(texts)]
    engine = OfflineEngine()
    facts = engine.extract_facts(topic, docs, chunk_documents(docs)).value
    return list(engine.judge_contradictions(topic, docs, propose_candidates(facts)).value)


@pytest.mark.parametrize(
    ("sentence", "refuting"),
    [
        ("The photo of the shark on the highway is a hoax.", True),
        ("Officials said the report was false.", True),
        ("There is no evidence the lab leaked the virus.", True),
        # a label on a claim that every outlet reports is not a verdict on another outlet
        ("Trump clings to false election claims at Arizona rally.", False),
        ("The ban followed his baseless claims of fraud.", False),
        ("Pelosi warned against drawing false equivalencies between the two.", False),
        ("Biden left the false impression that fewer doses were ordered.", False),
        # ... nor is the wording of a charge
        ("The two were charged with four counts of offering a false or forged instrument.", False),
        ("The accused man said the photos were fake.", True),
        ("Dominion sued Fox, accusing the network of airing false claims about it.", False),
        ("It was the target of misleading, false and bizarre claims spread by Trump.", False),
        ("The lawsuit alleges that the network aired false reports.", False),
        ("A race shaped by accusations of \u201cfake news\u201d and secret tapes.", False),
        # ... nor an adjective on the thing it describes: it is no verdict on a report
        ("Police shot five attackers wearing fake suicide vests.", False),
        ("She said Trump's 'fake orgasm' forced her to speak out.", False),
        ("It was a false flag operation, the post said.", False),
        # ... but one on a report, or a predicate, is
        ("Raven-Symone blasts fake report alleging she was abused.", True),
        ("The surgery is a fake and she made it all up.", True),
        ("The statements are completely false and that no biopsy was performed.", True),
        ("False or misleading posts have been spreading about the vote.", True),
    ],
)
def test_a_refutation_is_a_verdict_not_a_label_on_a_claim(sentence: str, refuting: bool) -> None:
    from briefing.claims import refutes

    assert refutes(sentence) is refuting


def test_a_headline_ranks_below_its_articles_lead() -> None:
    # Another outlet's headline retells the story in its own framing ("Trump's awful advice
    # on voting twice"): a key development only when no sentence is left to say.
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    texts = [
        "Dockworkers strike shuts Valparaiso docks as ships are diverted\n\n"
        "The dockworkers union in Valparaiso went on "
        "strike on Monday over night-shift safety. The port operator said ships were diverted "
        "to San Antonio. Talks are set for Thursday, the union said.\n",
        "Valparaiso docks shut by a strike over night-shift safety\n\n"
        "Dockworkers in Valparaiso stopped work on Monday. "
        "Ships waiting off the port were sent to San Antonio, the operator said.\n",
    ]
    docs = [document_from_text(t, f"{i}.txt") for i, t in enumerate(texts)]
    facts = OfflineEngine().extract_facts("port strike", docs, chunk_documents(docs)).value
    for doc in docs:
        own = [f for f in facts if f.citations[0].source_id == doc.id]
        (headline,) = [f.score for f in own if not f.statement.endswith(".")]
        lead = next(f.score for f in own if f.statement.endswith("."))
        assert headline < lead, doc.path


def test_a_headline_that_sums_up_its_article_disputes_none_of_it() -> None:
    summed = (
        "CNN moderator criticized for question to Sanders\n\nA CNN debate moderator is coming "
        "under criticism for asking Sen. Elizabeth Warren what she thought when Sen. Bernie "
        "Sanders reportedly told her that a woman could not win the presidential election, "
        "seconds after Sanders flatly denied he ever told Warren such a thing.\n"
    )
    assert _offline_contradictions("moderator", summed) == []
    # ... but a headline saying who says what is one side of an exchange
    said = (
        "Accuser Brittany Commisso says governor broke law\n\nThe accuser filed a complaint "
        "with the sheriff on Friday. Mr Cuomo, 63, denies any wrongdoing and has so far "
        "resisted calls to resign from the governor's office over the law.\n"
    )
    (found,) = _offline_contradictions("Cuomo", said)
    assert found.kind == "reported_dispute"


def test_no_fact_tells_the_reader_about_the_page() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Suspect surrenders near the Capitol\n\nA man who claimed to have a bomb in his truck "
        "near the Library of Congress surrendered to police on Thursday afternoon.\n\nYou can "
        "watch the videos throughout this article. The Facebook page he streamed from has now "
        "been taken down, a company spokesperson said on Thursday.\n"
    )
    docs = [document_from_text(text, "capitol.txt")]
    facts = OfflineEngine().extract_facts("suspect", docs, chunk_documents(docs)).value
    assert facts and not any("watch the videos" in f.statement for f in facts)


def test_a_headline_over_its_article_is_no_claim_to_call_into_question() -> None:
    # The headline sums up what its article says in sentences; a document that is only a
    # headline (an FNC-1 claim) is its own claim and still is one.
    article = (
        "Speculation over Kim Jong-un's health fueled by North Korea's secrecy\n\nSEOUL - "
        "North Korea's leader Kim Jong-un missed a state event on April 15 for the first time, "
        "and officials in Seoul declined to comment on his health.\n"
    )
    rebuttal = (
        "South Korea rejects report\n\nIt is not true that Kim Jong-un's health is failing "
        "after surgery: there is no evidence of any emergency in North Korea, officials in "
        "Seoul said.\n"
    )
    found = _offline_contradictions("Kim health", article, rebuttal)
    assert all("health fueled" not in side.statement for c in found for side in c.sides)
    claim = "Kim Jong-un's health failing after heart surgery, North Korea officials fear\n"
    (found,) = _offline_contradictions("Kim health", claim, rebuttal)
    assert "calls into question" in found.summary


def test_no_fact_from_a_quotation_an_excerpt_cuts_short() -> None:
    # The teaser ends inside the quotation: its sentences have neither their end nor their
    # speaker ('"They have my word, ...' had opened a key development it never closed).
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Biden backs infrastructure deal\n\nPresident Biden said on Thursday that he had "
        "reached a deal with a group of senators on a plan to rebuild roads and bridges.\n\n"
        "\u201cThey have my word, I\u2019ll stick with what they\u2019ve proposed. "
        "And they\u2019ve given me their word as well. "
        "Where I come from that\u2019s good enough...\n"
    )
    docs = [document_from_text(text, "deal.txt")]
    facts = OfflineEngine().extract_facts("deal", docs, chunk_documents(docs)).value
    assert facts and not any("word" in f.statement for f in facts)
    # a quotation that closes is quoted whole, as before
    closed = text.replace("good enough...", "good enough,\u201d he said.")
    docs = [document_from_text(closed, "deal.txt")]
    facts = OfflineEngine().extract_facts("deal", docs, chunk_documents(docs)).value
    assert any("They have my word" in f.statement for f in facts)


def test_a_newsletters_signpost_is_no_part_of_the_quote() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Biden plan\n\nThe big picture: Biden is also proposing to extend the child tax credit "
        "through 2025, officials said on Wednesday.\n\nWhy it matters: The plan would cost "
        "$1.8 trillion over ten years, the White House said.\n"
    )
    docs = [document_from_text(text, "axios.txt")]
    facts = OfflineEngine().extract_facts("plan", docs, chunk_documents(docs)).value
    quotes = {f.citations[0].quote for f in facts}
    assert any(q.startswith("Biden is also proposing") for q in quotes)
    assert not any(q.startswith(("The big picture", "Why it matters")) for q in quotes)
    for f in facts:  # still exact slices of the source
        c = f.citations[0]
        assert c.start is not None and text[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    ("statement", "ahead"),
    [
        ("The council will vote on the ferry contract next Tuesday.", True),
        ("The port is expected to reopen once the inspectors sign off.", True),
        ("The union said on Monday that its members will vote at the weekend.", True),
        ("The operator plans to restart crossings within days.", True),
        # someone's words, or a first-person sentence: an announcement, not a schedule
        ("\u201cWe will restart the crossings on Thursday,\u201d the operator said.", False),
        ('"I will stand for mayor in 2020," Lund said.', False),
        ("I think the mayor will have to resign before long.", False),
        # a cue that names a thing, or is set in the past
        ("Senators sank the mayor's plans to sell the port on Monday evening.", False),
        ("The ruling reflected the will of the island councils.", False),
        ("The vote was expected to pass easily but failed on Monday.", False),
        # a mere mention of a deadline, an open question or an upcoming event
        ("The court on Monday ended the dispute over the ballot deadline.", False),
        ("Crews gathered in Halvik on Tuesday for the upcoming strike vote.", False),
        ("Talks continued on Thursday on whether a deal could pass.", False),
        # what was done, and what the thing done will do, is the news of the day
        ("The assembly approved a ferry subsidy that will cut fares in May.", False),
        ("The new timetable, which will add two crossings, starts in May.", True),
    ],
)
def test_what_to_watch_is_what_comes_next_in_the_sources_own_words(
    statement: str, ahead: bool
) -> None:
    assert looks_ahead(statement) is ahead


def test_the_offline_watch_list_holds_what_comes_next_not_a_past_announcement() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Halvik ferry talks\n\nFerry crews in Halvik ended their strike on Monday after the "
        "operator tabled a new wage offer. \u201cWe will be back at sea on Thursday with full "
        "crews,\u201d the union leader told reporters after the vote. Island councils met on "
        "Tuesday ahead of the upcoming review of the ferry timetable. The regional assembly "
        "will vote on the operator's subsidy next week, officials said.\n"
    )
    docs = [document_from_text(text, "ferry.txt")]
    engine = OfflineEngine()
    facts = engine.extract_facts("ferry", docs, chunk_documents(docs)).value
    watch = [f.statement for f in engine.synthesize("ferry", facts, []).value.watch]
    assert any("will vote on the operator's subsidy" in w for w in watch)
    assert not any("back at sea" in w or "upcoming review" in w for w in watch), watch


@pytest.mark.parametrize(
    ("statement", "own"),
    [
        ("We still don't know why the ferry engines failed.", True),
        ("Last month, I joined 300 islanders on the picket line in Halvik.", True),
        ("I\u2019ll say it plainly: the operator misled the councils.", True),
        ("The strike hurts our islands more than the operator admits.", True),
        ("Imagine if the islands had to wait a month for their ferry.", True),
        ("If you don't live on the islands, you might not notice the strike.", True),
        ("First, let\u2019s say what the ferry sale is not.", True),
        # someone quoted, an abbreviation, a numeral, a country: not the writer speaking
        ("\u201cWe will sail on Thursday,\u201d the operator said.", False),
        ("The C.I.A. officer said the memo was leaked.", False),
        ("Veterans of World War I were honoured in Halvik on Sunday.", False),
        ("Sen. Jon Tester (D-Mont.) and Sen. Angus King (I-Maine) voted against it.", False),
        ("The US and the EU said the ferry deal would stand.", False),
        ("The minister said: 'We will not let the islands down.'", False),
        ("It's our fault, the operator's spokesman said on Monday.", False),
        ("Lund: My crews 'were NOT on strike'", False),
    ],
)
def test_the_writer_speaking_is_told_from_reported_news(statement: str, own: bool) -> None:
    assert in_own_voice(statement) is own


def test_a_writers_first_person_sentence_ranks_below_reported_ones() -> None:
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Halvik ferry strike\n\nWe all know the ferry crews in Halvik have been treated badly "
        "for years by the operator. The ferry operator in Halvik said on Monday that crossings "
        "to the outer islands would restart on Thursday after crews accepted a new wage offer.\n"
    )
    docs = [document_from_text(text, "ferry.txt")]
    engine = OfflineEngine()
    facts = engine.extract_facts("Halvik ferry strike", docs, chunk_documents(docs)).value
    ranked = sorted(facts, key=lambda f: -f.score)
    assert ranked[0].statement.startswith("The ferry operator in Halvik said"), ranked


@pytest.mark.parametrize(
    ("headline", "slant"),
    [
        ("Opinion: The ferry strike is the operator's fault", True),
        ("Union Boss Slams Operator as Ferry Talks Collapse", True),
        ("Islanders sympathize with crews, lambast operator", True),
        ("Why the Halvik ferry strike matters", True),
        ("Is the Halvik ferry strike over?", True),
        ("Our islands deserve better ferries", True),
        ("Does Halvik Need Its Ferries? The Islands' Winter Timetable", True),
        ("FLASH: Halvik ferry crews walk out", True),
        ("BREAKING \u2014 Halvik ferry crews walk out", True),
        ("Crews ask \u201cWhy now?\u201d as Halvik ferry talks stall", False),  # their words
        ("Ferry crews strike in Halvik, halting island crossings", False),
        ("\u2018It\u2019s Not True\u2019: Operator denies union report on ferry cuts", False),
        ("Union says operator \u201clied\u201d about ferry safety", False),  # the union's word
        ("Lund says operator \u2018lied\u2019 about ferry safety", False),
        # a verdict in the headline's own voice; one it reports; a plain danger
        ("The Operator's Defense of the Ferry Cuts Is Dangerous Nonsense", True),
        ("Ending the Halvik Ferry Subsidy Is No Panacea", True),
        ("Court says the ferry cuts were wrong", False),
        ("Storm is dangerous for Halvik ferries, forecasters warn", False),
    ],
)
def test_a_headline_that_argues_is_told_from_one_that_tells(headline: str, slant: bool) -> None:
    assert slanted(headline) is slant


def test_a_lead_denying_a_claim_told_after_it_is_a_reported_dispute() -> None:
    # the denial leads ("... contrary to Mr. Lund's claim"), the claim comes after it
    text = (
        "Operator denies cutting crossings\n\nThe ferry operator said on Monday that it had "
        "never cut the night crossings to the outer islands, contrary to Mr. Lund's claim in a "
        "leaked letter. Union leader Per Lund said in the letter that the operator had cut "
        "the night crossings to the outer islands twelve times since October.\n"
    )
    (found,) = _offline_contradictions("ferry crossings", text)
    assert found.kind == "reported_dispute"
    assert "operator" in found.summary.lower() and "Lund" in found.summary
    # two who both deny are no dispute: the later one says "not" itself
    both = (
        "Operator denies cutting crossings\n\nThe ferry operator said on Monday that it had "
        "never cut the night crossings to the outer islands, contrary to the union's claim. "
        "The union leader said the night crossings to the outer islands were not cut by the "
        "crews either.\n"
    )
    assert _offline_contradictions("ferry crossings", both) == []


@pytest.mark.parametrize(
    ("sentence", "dispute"),
    [
        ("Kerry said he never discussed it, contrary to Mr. Zarif's claim.", True),
        ("The ruling ran contrary to the court's earlier reports.", True),
        ("Contrary to expectations, the ferry sailed on time.", False),
    ],
)
def test_contrary_to_a_claim_reports_a_dispute(sentence: str, dispute: bool) -> None:
    assert disputes(sentence) is dispute


def test_a_sentence_about_the_one_before_it_is_no_claim_to_refute() -> None:
    # "This is what ..." says nothing without the sentence before it: another source calling
    # something false does not call it into question
    opinion = (
        "Debate\n\nThe mayor left the hall after ten minutes. This is what "
        "the operator and the island papers wanted the mayor to do.\n"
    )
    check = (
        "Fact check\n\nIn the ferry debate, the operator repeatedly relied on false figures "
        "that the island papers had already debunked.\n"
    )
    assert _offline_contradictions("ferry debate", opinion, check) == []


def test_another_source_is_no_corroboration_when_its_figures_differ() -> None:
    from briefing.engines.offline import OfflineEngine
    from briefing.models import Citation, Fact

    def fact(fid: str, source: str, text: str, score: float) -> Fact:
        return Fact(
            id=fid, statement=text, score=score,
            citations=(Citation(source_id=source, quote=text),),
        )  # fmt: skip

    ours = fact("a", "d1", "The ferry operator raised fares on the island routes by 12 percent "
                "on Monday, the union said.", 0.9)  # fmt: skip
    same = fact("b", "d2", "The ferry operator raised fares on the island routes by 12 percent "
                "on Monday, union leaders said.", 0.8)  # fmt: skip
    other = fact("c", "d3", "The ferry operator raised fares on the island routes by 30 percent "
                 "on Monday, the union said.", 0.7)  # fmt: skip
    bottom = OfflineEngine().synthesize("ferry fares", [ours, same, other], []).value.bottom_line
    first = bottom[0]
    assert [c.source_id for c in first.citations] == ["d1", "d2"]  # says it again: corroborates
    assert all("d3" not in {c.source_id for c in f.citations[1:]} for f in bottom)


def test_a_source_saying_not_is_no_corroboration_and_keeps_its_own_line() -> None:
    from briefing.engines.offline import OfflineEngine
    from briefing.models import Citation, Fact

    done = "The council said inspectors completed the safety review of the ferries in February."
    never = "The union said the safety review of the ferries was never completed."
    facts = [
        Fact(id="a", statement=done, score=0.9, citations=(Citation(source_id="d1", quote=done),)),
        Fact(
            id="b", statement=never, score=0.8, citations=(Citation(source_id="d2", quote=never),)
        ),
    ]
    bottom = OfflineEngine().synthesize("ferry review", facts, []).value.bottom_line
    assert [[c.source_id for c in f.citations] for f in bottom] == [["d1"], ["d2"]]


@pytest.mark.parametrize(
    ("actor", "named"),
    [
        ("Attorney General William Barr", True),
        ("the White House", True),
        ("The State Department", True),
        ("US officials", True),
        ("Georgia election officials", True),
        ("Republicans", True),
        ("The NSA", True),
        # a noun phrase that says no one: capitalised only as a sentence's first words
        ("The official", False),
        ("Earlier reports", False),
        ("Both officials", False),
        ("The authority", False),
        ("The petition", False),
        ("Health officials", False),
        ("Police", False),
    ],
)
def test_an_actor_label_is_a_name(actor: str, named: bool) -> None:
    from briefing.claims import names_someone

    assert names_someone(actor) is named


def test_a_voice_that_names_no_one_is_named_by_its_source() -> None:
    # "Earlier reports" had been a side's label and an actor with a position; the side is
    # named by its source on the page, the summary says it in lower case
    from briefing.engines.offline import _actor_positions
    from briefing.models import Citation, Fact

    text = (
        "Trump denies paying\n\nNorth Korea had demanded the bill be paid before the student "
        "was allowed home. Earlier reports said that the US had been billed $2m for the "
        "student's medical care. Mr Trump denied the claim on Twitter on Friday.\n"
    )
    (found,) = _offline_contradictions("Warmbier", text)
    assert [side.actor for side in found.sides] == [None, "Mr Trump"]
    assert found.summary == "Mr Trump disputes earlier reports."
    facts = [
        Fact(
            statement="Both officials had been put in place under President Donald Trump.",
            score=0.9,
            citations=(Citation(source_id="a", quote="x", start=0, end=1),),
        ),
        Fact(
            statement="Deputy Commissioner David Black agreed to resign, said the official.",
            score=0.8,
            actor="the official",
            kind="claim",
            citations=(Citation(source_id="a", quote="x", start=0, end=1),),
        ),
    ]
    # a doer that names no one has no position ("Both officials had been put in place ...");
    # a speaker's words stay a position under the voice the source gives (whole-brief recall)
    assert [p.name for p in _actor_positions(facts)] == ["The official"]


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ("The Biden administration", "Biden", True),
        ("The senator's office", "Sen. Sheldon Whitehouse", True),
        ("Cuomo's lawyer", "Andrew Cuomo", True),
        ("The Trump campaign", "Biden", False),
        ("Chief of Staff John Kelly", "President Trump", False),
    ],
)
def test_one_speaking_for_another_is_one_voice(a: str, b: str, one: bool) -> None:
    from briefing.claims import one_voice

    assert one_voice(a, b) is one


def test_a_document_and_the_actor_who_filed_it_are_one_account() -> None:
    # "The petition" is the lawsuit the office filed: the same account, whatever words in
    # the two ("illegal coordination", "legal obligations") look opposite
    filed = (
        "Lawsuit\n\nThe New York State attorney general's office filed a lawsuit on Thursday "
        "against the Trump Foundation, accusing the charity of illegal coordination with the "
        "presidential campaign.\n"
    )
    petition = (
        "Suit\n\nThe petition alleges that the Trump Foundation broke basic legal obligations "
        "with its coordination with the presidential campaign.\n"
    )
    assert _offline_contradictions("Trump Foundation", filed, petition) == []
    # ... but a report someone else wrote is another account
    other = (
        "Suit\n\nThe Trump Foundation said its coordination with the presidential campaign "
        "was legal, rejecting the lawsuit filed on Thursday.\n"
    )
    assert len(_offline_contradictions("Trump Foundation", filed, other)) == 1


def test_one_actor_quoted_by_two_outlets_is_not_called_into_question() -> None:
    # both sides are Barr's summary: "Barr quoted from Mueller's report" is Barr speaking
    quoted = (
        "Mueller did not find Trump conspired\n\nMueller's investigation did not conclude the "
        "President committed a crime, but it also does not exonerate him, Barr quoted from "
        "Mueller's report.\n"
    )
    summary = (
        "Barr: Mueller clears Trump\n\nSpecial counsel Robert Mueller found no evidence that "
        "the President conspired with Russia, according to a summary of his report released "
        "Sunday by Attorney General William Barr.\n"
    )
    assert _offline_contradictions("Mueller report", quoted, summary) == []


def test_a_headline_over_its_article_calls_nothing_into_question() -> None:
    # "Why CNN is standing by a Michael Cohen story that his lawyer calls false" sums up its
    # article: it is no verdict on what another source reports (the article's sentences are)
    claim = (
        "Lawyers stumble\n\nThe lawyers speaking for Michael Cohen have been fumbling the facts "
        "about the Trump Tower meeting story of late.\n"
    )
    headline = (
        "Why CNN is standing by a Michael Cohen story that his lawyer calls false\n\nCNN stood "
        "by its reporting on Friday after the network's story drew criticism.\n"
    )
    assert _offline_contradictions("Michael Cohen story", claim, headline) == []
    # ... unless the headline says who calls it false: then it reports a verdict
    says = (
        "Lawyer says Michael Cohen story is false\n\nCNN stood by its reporting on Friday after "
        "the network's story drew criticism.\n"
    )
    (found,) = _offline_contradictions("Michael Cohen story", claim, says)
    assert "calls into question" in found.summary


def test_a_claim_that_disputes_agrees_with_a_refutation() -> None:
    # both say the campaign's video shows no fraud: neither questions the other
    officials = (
        "Video\n\nGeorgia election officials disputed a video promoted by the Trump campaign "
        "as evidence of election fraud at the ballot count.\n"
    )
    check = (
        "Fact check\n\nThe video of the Georgia ballot count promoted by the Trump campaign "
        "is false evidence of election fraud, officials said.\n"
    )
    assert _offline_contradictions("Georgia video", officials, check) == []


def test_a_denial_sharing_only_names_with_a_refutation_is_not_what_it_refutes() -> None:
    # "never missed" and "no evidence of a medical emergency" both say no, of one man, about
    # different things: no contradiction
    event = (
        "Kim's absence\n\nThere was one state event that the secretive leader of North Korea, "
        "Kim Jong-un, never missed: a visit to the palace every April 15.\n"
    )
    sources = (
        "No emergency\n\nChinese government sources told Reuters they had no evidence of a "
        "medical emergency of North Korea's Kim Jong-un.\n"
    )
    assert _offline_contradictions("Kim Jong-un", event, sources) == []
    # ... a claim that says yes is what a refutation naming the same people refutes
    claim = "ISIS beheads Kurdish fighter Rehana in Kobane\n"
    verdict = (
        "Safe\n\nKurdish fighter Rehana is safe and the ISIS report is not true, a Kobane "
        "activist tweeted on Monday.\n"
    )
    (found,) = _offline_contradictions("Rehana", claim, verdict)
    assert "calls into question" in found.summary


def test_a_sentence_opening_a_quotation_it_does_not_close_is_not_quoted_alone() -> None:
    # '"With his words and his actions, President Trump has indicted himself.' [1]: a
    # quotation going on into the next paragraph, its speaker named there; on the page it read
    # as the outlet's own words under an unclosed quotation mark.
    from briefing import document_from_text
    from briefing.chunk import chunk_documents
    from briefing.engines.offline import OfflineEngine

    text = (
        "Ferry union backs strike\n\nThe Halvik ferry union voted on Monday to strike from "
        "Thursday over night-shift safety rules.\n\n"
        '"The operator has ignored every warning we gave about the night crossings.\n\n'
        '"We will not sail until the rules change," union leader Mira Lund said at the '
        "harbour. The operator said the crossings were safe.\n"
    )
    docs = [document_from_text(text, "a.txt")]
    facts = OfflineEngine().extract_facts("ferry strike", docs, chunk_documents(docs)).value
    statements = [f.statement for f in facts]
    assert any(s.startswith("The Halvik ferry union voted") for s in statements)
    assert not any(s.startswith('"The operator has ignored') for s in statements), statements


def test_actor_positions_take_no_common_word_or_participle_phrase_as_a_doer() -> None:
    from briefing.engines.offline import _actor_positions
    from briefing.models import Citation, Fact

    def fact(statement: str, score: float) -> Fact:
        quote = Citation(source_id="a", quote=statement, start=0, end=len(statement))
        return Fact(statement=statement, score=score, kind="event", citations=(quote,))

    names = [
        p.name
        for p in _actor_positions(
            [
                # a commodity the sources also write in lower case: capitalised as an opening
                fact("Coal has been in a slow-motion death spiral over the past ten years.", 0.9),
                fact("The plants burned less coal last year.", 0.5),
                # a participle's phrase before the one it tells of
                fact("Eventually recalled by the Reich for his cruelty, Peters was feted.", 0.8),
                # an acronym is a name even where its word is common ("fast")
                fact("FAST will collect radio waves from a wide area of the sky.", 0.7),
                fact("The telescope is fast to point at new sources.", 0.4),
            ]
        )
    ]
    assert names == ["FAST"]


def test_actor_positions_take_no_position_that_leans_on_the_sentence_before() -> None:
    from briefing.engines.offline import _actor_positions
    from briefing.models import Citation, Fact

    def fact(statement: str, score: float, actor: str) -> Fact:
        quote = Citation(source_id="a", quote=statement, start=0, end=len(statement))
        return Fact(statement=statement, score=score, actor=actor, kind="claim", citations=(quote,))

    positions = _actor_positions(
        [
            fact(
                "\u201cBut that\u2019s not going to happen on its own,\u201d Hauser said.",
                0.9,
                "Hauser",
            ),
            fact(
                "But now, observation time will be accessible to researchers, says Zhiqiang Shen.",
                0.8,
                "Zhiqiang Shen",
            ),
            fact(
                "Hauser said heat pumps would replace gas furnaces in most houses.", 0.5, "Hauser"
            ),
        ]
    )
    assert [(p.name, p.position) for p in positions] == [
        ("Hauser", "said heat pumps would replace gas furnaces in most houses.")
    ]


def test_actor_positions_take_what_a_doer_does_not_what_it_is() -> None:
    from briefing.engines.offline import _actor_positions
    from briefing.models import Citation, Fact

    def fact(statement: str, score: float) -> Fact:
        quote = Citation(source_id="a", quote=statement, start=0, end=len(statement))
        return Fact(statement=statement, score=score, kind="event", citations=(quote,))

    positions = _actor_positions(
        [
            fact("Petersallee is to be divided into Anna-Mungunda-Allee and Maji-Maji-Allee.", 0.9),
            fact("Luderitzstrasse will become Cornelius-Fredericks-Strasse next year.", 0.85),
            fact("Jennifer Aniston was an upset winner for her role as a TV anchor.", 0.8),
            fact("Peters was later named imperial high commissioner of East Africa.", 0.75),
            fact("The White House is taking extra precautions for the visit.", 0.7),
            fact("Oman has hosted several rounds of talks.", 0.6),
        ]
    )
    assert [p.name for p in positions] == ["The White House", "Oman"]


def _claim(statement: str, actor: str | None, score: float = 0.9) -> Fact:
    quote = Citation(source_id="a", quote=statement, start=0, end=len(statement))
    kind = "claim" if actor else "event"
    return Fact(statement=statement, score=score, actor=actor, kind=kind, citations=(quote,))


@pytest.mark.parametrize(
    ("statement", "actor", "shown"),
    [
        (
            "Earlier reports said that the US had been billed $2m for the care.",
            "Earlier reports",
            [],
        ),
        ("The 165-page report said the agency had failed to act.", "The 165-page report", []),
        # a document's author named in front of it speaks: the whistleblower, not the complaint
        (
            "Federal workers did not have the necessary protective gear, according to a "
            "government whistleblower complaint.",
            "A government whistleblower complaint",
            ["A government whistleblower"],
        ),
    ],
)
def test_a_document_is_no_actor(statement: str, actor: str, shown: list[str]) -> None:
    # "Earlier reports" and "A government whistleblower complaint" had been shown as actors
    from briefing.claims import document_author, is_document
    from briefing.engines.offline import _actor_positions

    assert is_document(actor)
    assert [p.name for p in _actor_positions([_claim(statement, actor)])] == shown
    # a name that ends with a document's word is someone
    assert not is_document("the Bureau of Economic Analysis")
    assert document_author("a new Pew Research Center survey") == "Pew Research Center"
    assert document_author("a new study") is None


def test_a_noun_after_a_preposition_is_no_reporting_verb() -> None:
    # "to disputes over alleged ..." had made "The Supreme Court Monday" a speaker
    sentence = (
        "The Supreme Court Monday issued two unsigned opinions applying qualified immunity "
        "to disputes over alleged excessive use of force by police officers, reversing "
        "lower court decisions."
    )
    assert attribute(sentence).actor is None
    assert attribute("The senator declined to say whether she would run.").actor is None
    # a long subject keeps its name, not the day it spoke
    long = (
        "The Supreme Court Monday issued two unsigned opinions in the cases of several "
        "officers and their families and said the rulings stand."
    )
    assert attribute(long).actor == "The Supreme Court"


def test_a_doers_position_starts_where_its_sentence_does() -> None:
    # "the Supreme Court ruled in favor ..." had been a position starting mid-sentence
    from briefing.engines.offline import _actor_positions

    text = (
        "In two unsigned opinions Monday, the Supreme Court ruled in favor of police "
        "officers seeking qualified immunity."
    )
    (position,) = _actor_positions([_claim(text, None)])
    assert position.position == text


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        # a reporting verb's word after a number or a compound adjective is a noun's word
        (
            "The so-called interim analysis looked at the first 94 confirmed cases of "
            "Covid-19 among the more than 43,000 volunteers.",
            None,
        ),
        (
            "The Supreme Court is considering a challenge to Obamacare brought by Texas and "
            "other Republican-led states.",
            None,
        ),
        ("Officials in 12 states said the rule was unfair.", "Officials in 12 states"),
        # ... which leaves the participle to say who speaks
        (
            "The Education Department on Monday opened investigations into five "
            "Republican-led states, saying the policies could amount to discrimination.",
            "The Education Department",
        ),
        # an age is no such number
        ("Page, 39, told The Daily Beast that she could no longer stay silent.", "Page"),
        # a name never ends in a number
        ("Biden marks 500,000 COVID deaths, vows \u2018nation will smile again\u2019.", None),
        # the name after a quotation, not the description after the name
        (
            '"That is not me and what is alleged did not happen," Mr Jackson, now a '
            "pro-Trump congressman, said.",
            "Mr Jackson",
        ),
    ],
)
def test_an_actor_is_a_name_not_a_clause(sentence: str, actor: str | None) -> None:
    # "The so-called interim analysis looked at the first 94", "brought by Texas and other
    # Republican-led" and "now a pro-Trump congressman" had been facts' actors
    assert attribute(sentence).actor == actor


def test_a_position_is_what_was_said_not_where() -> None:
    # "YouTube: said in a blog post Wednesday announcing its new guidelines." and "The
    # Iranian foreign minister: said in the recording, reported by ..." had been positions
    from briefing.claims import claim_span
    from briefing.engines.offline import _actor_positions

    said = (
        "The company will remove any content that claims the vaccines contain certain "
        "substances, YouTube said in a blog post Wednesday announcing its new guidelines."
    )
    start, end = claim_span(said, said.index("YouTube"), said.index("said"))
    assert said[start:end] == (
        "The company will remove any content that claims the vaccines contain certain substances"
    )
    venue = (
        "The Iranian foreign minister said in the recording, reported by The New York Times "
        "on Sunday, that the general had dictated policy."
    )
    assert _actor_positions([_claim(venue, "The Iranian foreign minister")]) == []
