"""Reprints: one test for the daily store and for build (``dedup``), and a build's shortcuts
(only documents that share sentences are fingerprinted; a line is hashed once) giving the
store's fingerprints and decisions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from daily_samples import (
    BRIDGE_VOTE,
    FERRY_REPRINT,
    FERRY_STRIKE,
    LIBRARY_OPENING,
    ORCHARD_FROST,
    make_document,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import dedup
from briefing.daily.store import Store
from briefing.models import Document

NOW = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)

_LINES = [
    "",
    "   ",
    "Advertisement",
    "By Staff",
    "Copy 3 of a syndicated story.",
    "* * *",
    *FERRY_STRIKE.split(". "),
    *BRIDGE_VOTE.split(". "),
    FERRY_STRIKE,
    ORCHARD_FROST,
    "  " + LIBRARY_OPENING + "  ",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LINES), max_size=8), min_size=1, max_size=6))
def test_a_builds_fingerprints_are_the_stores(texts: list[list[str]]) -> None:
    """Lines shared between texts, texts one line longer than an earlier one (before or
    after), short lines and lines of no words: the same signature, shingle count and band
    keys as ``fingerprint``, which the store persists."""
    prints = dedup.Fingerprinter()
    for lines in texts:
        for text in ("\n".join(lines), "\n".join(["Advertisement", *lines]), "\n\n".join(lines)):
            assert prints(text) == dedup.fingerprint(text)


_BIN = st.integers(min_value=0, max_value=(1 << 64) - 1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_BIN, min_size=dedup.BINS, max_size=dedup.BINS),
    st.lists(st.one_of(st.none(), st.integers(0, 63)), min_size=dedup.BINS, max_size=dedup.BINS),
    st.lists(_BIN, min_size=dedup.BINS, max_size=dedup.BINS),
)
def test_a_builds_comparison_of_signatures_is_the_stores(
    a: list[int], flips: list[int | None], c: list[int]
) -> None:
    """A build counts the bins two signatures share on packed integers: the same count as
    ``estimate_jaccard``'s, whichever bit of a bin differs (a bin of ``a`` with the bit
    ``flips`` names flipped, or another signature altogether)."""
    b = [x if k is None else x ^ (1 << k) for x, k in zip(a, flips, strict=True)]
    for sig in (b, c, a, [(1 << 64) - 1] * dedup.BINS, [0] * dedup.BINS):
        same = dedup._same_bins(dedup._packed(a), dedup._packed(sig))
        assert same / dedup.BINS == dedup.estimate_jaccard(a, sig)


def _documents() -> list[Document]:
    intro = "Travellers to the outer islands face a long wait for the next ferry this week."
    update = (
        "The operator and the union agreed on Thursday to meet a mediator in the capital next "
        "week. Crossings to the outer islands would remain suspended until then, the harbour "
        "master said."
    )
    return [
        make_document(FERRY_STRIKE, "day1/wire.txt", outlet="Wire"),
        make_document(BRIDGE_VOTE, "bridge.txt"),
        make_document(FERRY_REPRINT, "gazette.txt", outlet="Harbour Gazette"),
        make_document(FERRY_STRIKE + "\n\n" + update, "day2/wire.txt", outlet="Wire"),
        make_document(intro + "\n\n" + FERRY_STRIKE, "post.txt", outlet="Bay Post"),
        make_document("Lunde Herald\n\n" + BRIDGE_VOTE, "herald.txt", outlet="Lunde Herald"),
        make_document(ORCHARD_FROST, "orchard.txt"),
        make_document(FERRY_STRIKE + "\n\n" + update + " Talks resume.", "again.txt"),
    ]


def test_build_and_the_daily_store_agree_on_what_a_reprint_is(tmp_path: Path) -> None:
    docs = _documents()
    kept, reprints = dedup.find_reprints(docs)
    with Store(tmp_path / "corpus.sqlite") as store:
        statuses = {d.path: store.add_document(d, origin="file", now=NOW).status for d in docs}
    assert {r.path for r in reprints} == {p for p, s in statuses.items() if s == "reprint"}
    assert {r.path for r in reprints} == {"gazette.txt", "herald.txt", "again.txt"}
    by_path = {d.path: d.id for d in docs}
    assert {(r.path, r.source_id) for r in reprints} == {
        ("gazette.txt", by_path["day1/wire.txt"]),
        ("herald.txt", by_path["bridge.txt"]),
        ("again.txt", by_path["day2/wire.txt"]),
    }
    assert [d.path for d in kept] == [
        "day1/wire.txt", "bridge.txt", "day2/wire.txt", "post.txt", "orchard.txt",
    ]  # fmt: skip


def test_documents_that_share_only_a_quote_are_not_fingerprinted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build compares a document only when most of its sentences are another's: articles
    quoting one statement, or ending on one agency credit, cost no MinHash."""
    quote = "The agency said the decision was final and would not be reviewed again this year."
    texts = [FERRY_STRIKE, BRIDGE_VOTE, ORCHARD_FROST, LIBRARY_OPENING]
    docs = [make_document(f"{t} {quote}", f"{i}.txt") for i, t in enumerate(texts)]
    called: list[str] = []
    sketch = dedup.Fingerprinter.sketch

    def counted(self: dedup.Fingerprinter, text: str) -> dedup.Sketch:
        called.append(text)
        return sketch(self, text)

    monkeypatch.setattr(dedup.Fingerprinter, "sketch", counted)
    assert dedup.find_reprints(docs) == (docs, [])
    assert called == []
    copy = make_document("Copy 2 of a syndicated story.\n\n" + docs[1].text, "copy.txt")
    assert [r.path for r in dedup.find_reprints([*docs, copy])[1]] == ["copy.txt"]
    assert len(called) == 2  # the copy and what it copies
