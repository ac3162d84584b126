from __future__ import annotations

import itertools

import pytest

from briefing.chunk import chunk_documents
from briefing.contradict import detect_temporal, propose_candidates
from briefing.engines.offline import OfflineEngine
from briefing.ingest import document_from_text
from briefing.models import Citation, Fact

OLD = document_from_text(
    "Harbour Plan Stalls\n\nFormer Prime Minister Alan Grey criticised the harbour plan on "
    "Tuesday. The 2019 budget had set aside funds for the harbour.\n",
    "old.txt",
)
NEW = document_from_text(
    "Harbour Plan Advances\n\nPrime Minister Alan Grey opened the new harbour terminal on "
    "Friday. Officials praised the project.\n",
    "new.txt",
)


def test_same_person_with_conflicting_titles_is_a_temporal_conflict() -> None:
    [found] = detect_temporal([OLD, NEW])
    assert found.kind == "temporal"
    quotes = [c.quote for side in found.sides for c in side.citations]
    assert any("Former Prime Minister Alan Grey" in q for q in quotes)
    assert any("Prime Minister Alan Grey opened" in q for q in quotes)
    assert "2019" in found.summary
    for side in found.sides:
        for c in side.citations:
            doc = OLD if c.source_id == OLD.id else NEW
            assert doc.text[c.start : c.end] == c.quote


def test_no_temporal_conflict_when_titles_agree() -> None:
    same = document_from_text(
        "Prime Minister Alan Grey spoke to reporters about the harbour.", "x.txt"
    )
    assert detect_temporal([same, NEW]) == []


def test_a_title_of_the_time_of_a_past_act_is_not_another_period() -> None:
    # "appointed by Prime Minister X" and "under Prime Minister X" date the act, not the
    # writing: beside "former Prime Minister X" they are the same period.
    past = document_from_text(
        "Harbour chief fired\n\nThe harbour chief, appointed by Prime Minister Alan Grey in "
        "2019, was fired. The board had been put in place under Prime Minister Alan Grey.\n",
        "past.txt",
    )
    assert detect_temporal([OLD, past]) == []
    assert len(detect_temporal([OLD, NEW])) == 1  # "Prime Minister Alan Grey opened ..."
    led = document_from_text(
        "Harbour board\n\nThe government led by Prime Minister Alan Grey named a new harbour "
        "board.\n",
        "led.txt",
    )
    assert len(detect_temporal([OLD, led])) == 1  # "led by" is the time of writing


def _fact(i: int, text: str, doc: str = "d", actor: str | None = None) -> Fact:
    return Fact(
        id=str(i),
        statement=text,
        actor=actor,
        kind="claim" if actor else "event",
        citations=(Citation(source_id=doc, quote=text, start=i * 100, end=i * 100 + 50),),
    )


def test_blocking_only_pairs_facts_that_share_terms() -> None:
    facts = [_fact(i, f"Unique{i} topic{i} words{i} here.", doc=f"d{i}") for i in range(200)]
    facts += [
        _fact(300, "The bridge tolls will rise sharply next year.", doc="a", actor="The mayor"),
        _fact(301, "The bridge tolls will fall sharply next year.", doc="b", actor="The governor"),
    ]
    pairs = propose_candidates(facts)
    assert len(pairs) == 1
    assert {pairs[0].left.id, pairs[0].right.id} == {"300", "301"}
    assert pairs[0].shared_terms


def test_offline_engine_finds_a_reported_dispute_and_a_cross_source_conflict() -> None:
    one = document_from_text(
        "Strike Talks\n\nThe Dockers Union said workers would walk out on Monday over pay. "
        "Hours later, Portline offered a sharply different account, saying no strike had been "
        "called and talks were continuing.\n",
        "one.txt",
    )
    two = document_from_text(
        "Port Dispute\n\nThe port authority said the talks with the union were direct. "
        "A union spokesperson said the talks with the port authority were indirect.\n",
        "two.txt",
    )
    three = document_from_text(
        "Port Dispute Again\n\nThe port authority said the talks with the union were indirect "
        "and slow.\n",
        "three.txt",
    )
    engine = OfflineEngine()
    docs = [one, two, three]
    facts = engine.extract_facts("strike", docs, chunk_documents(docs)).value
    found = engine.judge_contradictions("strike", docs, propose_candidates(facts)).value
    kinds = {c.kind for c in found}
    assert "reported_dispute" in kinds
    dispute = next(c for c in found if c.kind == "reported_dispute")
    assert [s.actor for s in dispute.sides] == ["The Dockers Union", "Portline"]
    assert "claim_conflict" in kinds


def test_two_outlets_saying_one_figure_moved_opposite_ways_is_a_conflict() -> None:
    """Neither sentence is anyone's claim: each outlet says it. One says the number rose, the
    other that it fell; a reader must see the disagreement (it had been two bottom-line items
    side by side with no Contradictions section). Opposite words about different subjects
    are no conflict."""
    rose = document_from_text(
        "Jobless claims jump\n\nThe number of Americans applying for unemployment benefits "
        "rose to its highest level in three months last week. Economists said the jump was a "
        "sign the job market is weakening.\n",
        "ledger.txt",
    )
    fell = document_from_text(
        "Jobless claims fall\n\nThe number of Americans applying for unemployment benefits "
        "fell to its lowest level since the pandemic began. Hiring has slowed in the past two "
        "months.\n",
        "wire.txt",
    )
    other = document_from_text(
        "Harvest report\n\nThe price of wheat in Kansas fell to its lowest level in a decade "
        "last week. Farmers said storage costs were rising.\n",
        "farm.txt",
    )
    engine = OfflineEngine()

    def conflicts(docs: list) -> list:
        facts = engine.extract_facts("claims", docs, chunk_documents(docs)).value
        return engine.judge_contradictions("claims", docs, propose_candidates(facts)).value

    found = conflicts([rose, fell])
    assert [c.kind for c in found] == ["claim_conflict"]
    sides = found[0].sides
    assert {side.citations[0].source_id for side in sides} == {rose.id, fell.id}
    assert conflicts([rose, other]) == []


def test_unrelated_sentences_are_not_contradictions() -> None:
    a = document_from_text("The museum said it will open a new wing in spring.", "a.txt")
    b = document_from_text("The football club said it did not sign the striker.", "b.txt")
    engine = OfflineEngine()
    facts = engine.extract_facts("news", [a, b], chunk_documents([a, b])).value
    assert engine.judge_contradictions("news", [a, b], propose_candidates(facts)).value == []
    assert list(itertools.chain(detect_temporal([a, b]))) == []


@pytest.mark.parametrize(
    ("left_actor", "right_actor", "refutes", "expected"),
    [
        (None, None, True, "One source calls into question what another reports (port)."),
        ("the union", None, True,
         "Another source calls into question what the union reports (port)."),
        (None, "the mayor", True,
         "The mayor calls into question what another source reports (port)."),
        (None, "Chinese government sources", True,
         "Chinese government sources call into question what another source reports (port)."),
        (None, "port officials", False, "Port officials dispute one source (port)."),
        (None, "Reuters", False, "Reuters disputes one source (port)."),
        (None, "The New York Times", True,
         "The New York Times calls into question what another source reports (port)."),
        (None, None, False, "Two sources give incompatible accounts (port)."),
        ("the union", "a port spokesman", False,
         "The union and a port spokesman give incompatible accounts (port)."),
    ],
)  # fmt: skip
def test_a_summary_reads_as_a_sentence_whoever_is_named(
    left_actor: str | None, right_actor: str | None, refutes: bool, expected: str
) -> None:
    from briefing.engines.offline import _contradiction

    def fact(text: str, actor: str | None) -> Fact:
        quote = Citation(source_id="s", quote=text, start=0, end=len(text))
        return Fact(statement=text, actor=actor, citations=(quote,))

    left = fact("The port will reopen on Monday.", left_actor)
    right = fact("The port reopening is a hoax.", right_actor)
    kind = "reported_dispute" if expected.endswith("one source (port).") else "claim_conflict"
    made = _contradiction(kind, left, right, ["port"], 0.7, refutes=refutes)
    assert made.summary == expected


@pytest.mark.parametrize(
    ("statement", "shared", "words"),
    [
        # a name whole, in the order the statement writes it, not its parts by rarity
        (
            "The secretive leader of North Korea, Kim Jong-un, never missed the visit.",
            ("jong-un", "kim", "korea"),
            "Kim Jong-un, North Korea",
        ),
        (
            "The lawyers of his longtime fixer Michael Cohen have been fumbling the facts.",
            ("michael", "cohen", "lawyer"),
            "Michael Cohen, lawyers",
        ),
        # no possessive fragment, no bare title
        (
            "Mueller's inquiry did not conclude the President committed a crime, Barr said.",
            ("president", "barr", "mueller"),
            "Barr, Mueller",
        ),
        # nothing that reads as a word: no parenthesis at all
        ("The President spoke.", ("president",), None),
    ],
)
def test_the_subject_of_a_contradiction_reads_as_words(
    statement: str, shared: tuple[str, ...], words: str | None
) -> None:
    from briefing.engines.offline import _subject

    assert _subject(_fact(1, statement), shared) == words


def test_the_subject_of_a_contradiction_leaves_out_the_sides_own_names() -> None:
    from briefing.engines.offline import _subject

    statement = (
        "President Trump contradicted his own chief of staff on Thursday and said his plan for "
        "a wall had not evolved."
    )
    shared = ("president", "trump", "chief", "staff", "evolv", "wall")
    assert _subject(_fact(1, statement), shared) == "President Trump, chief, staff"
    named = ("President Trump", "Chief of Staff John Kelly")
    assert _subject(_fact(1, statement), shared, named) == "evolved, wall"
