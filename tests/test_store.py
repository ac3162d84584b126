"""The corpus store: dedup by hash and by MinHash, FTS, per-day facts, runs, crash safety."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
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

from briefing.daily.store import (
    Store,
    StoreError,
    contradiction_key,
    estimate_jaccard,
    fact_key,
    minhash_signature,
)
from briefing.models import Chunk, Citation, Contradiction, ContradictionSide, Fact

NOW = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "corpus.sqlite") as s:
        yield s  # type: ignore[misc]


def test_database_uses_wal(store: Store) -> None:
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_identical_text_is_added_once(store: Store) -> None:
    doc = make_document(BRIDGE_VOTE, "a.txt")
    first = store.add_document(doc, origin="file", now=NOW)
    again = store.add_document(doc.model_copy(update={"path": "b.txt"}), origin="file", now=NOW)
    assert (first.status, again.status) == ("new", "duplicate")
    assert store.count_documents() == 1


def test_reprinted_story_joins_the_original_as_a_copy(store: Store) -> None:
    original = make_document(FERRY_STRIKE, "wire.txt", outlet="Wire")
    reprint = make_document(FERRY_REPRINT, "gazette.txt", outlet="Harbour Gazette")
    other = make_document(ORCHARD_FROST, "frost.txt")
    assert store.add_document(original, origin="file", now=NOW).status == "new"
    added = store.add_document(reprint, origin="file", now=NOW)
    assert added.status == "near_duplicate"
    assert added.cluster == original.id
    assert store.add_document(other, origin="file", now=NOW).status == "new"
    pending = [d.document.id for d in store.pending_documents()]
    assert pending == [original.id, other.id]  # the story counts once
    copies = store.copies([original.id, other.id])
    assert [c.document.outlet for c in copies[original.id]] == ["Harbour Gazette"]
    assert other.id not in copies


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        (FERRY_STRIKE, FERRY_REPRINT, 0.6, 1.0),
        (FERRY_STRIKE, BRIDGE_VOTE, 0.0, 0.1),
        (ORCHARD_FROST, LIBRARY_OPENING, 0.0, 0.1),
        (BRIDGE_VOTE, BRIDGE_VOTE, 1.0, 1.0),
    ],
)
def test_minhash_estimates_similarity(a: str, b: str, low: float, high: float) -> None:
    sig_a, _ = minhash_signature(a)
    sig_b, _ = minhash_signature(b)
    assert low <= estimate_jaccard(sig_a, sig_b) <= high


def test_short_and_empty_texts_do_not_crash(store: Store) -> None:
    assert minhash_signature("") == ([], 0)
    short = store.add_document(make_document("Brief note.", "n.txt"), origin="f", now=NOW)
    assert short.status == "new"
    assert store.add_document(make_document("   ", "e.txt"), origin="f", now=NOW).status == "new"


def test_chunks_are_searchable(store: Store) -> None:
    doc = make_document(ORCHARD_FROST, "frost.txt")
    chunk = Chunk(id=f"{doc.id}:0", doc_id=doc.id, index=0, start=0, end=80, text=doc.text[:80])
    store.add_document(doc, origin="file", now=NOW, chunks=[chunk])
    hits = store.search_chunks("orchard frost")
    assert hits == [(doc.id, doc.text[:80])]
    assert store.search_chunks("submarine") == []
    assert store.search_chunks('"";') == []


def test_documents_round_trip_and_are_marked_briefed(store: Store) -> None:
    doc = make_document(
        LIBRARY_OPENING, "lib.txt", title="Library opens", date=dt.date(2026, 11, 19)
    )
    store.add_document(doc, origin="file", now=NOW)
    [stored] = store.pending_documents()
    assert stored.document == doc
    store.mark_briefed([doc.id], dt.date(2026, 11, 20))
    assert store.pending_documents() == []
    assert [d.document for d in store.briefed_documents(dt.date(2026, 11, 20))] == [doc]


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_document(make_document(BRIDGE_VOTE, "a.txt"), origin="file", now=NOW)
        raise RuntimeError("injected")
    assert store.count_documents() == 0


def _fact(statement: str, fid: str) -> Fact:
    return Fact(id=fid, statement=statement, citations=(Citation(source_id="x", quote=statement),))


def test_facts_are_matched_by_content_not_id(store: Store) -> None:
    day = dt.date(2026, 11, 20)
    a = _fact("The council approved the bridge.", "f1")
    b = _fact("the Council approved  the bridge", "zz")
    assert fact_key(a) == fact_key(b)
    contra = Contradiction(
        kind="claim_conflict",
        summary="Losses disputed",
        sides=(
            ContradictionSide(statement="Half the blossom was lost."),
            ContradictionSide(statement="Losses were limited."),
        ),
    )
    flipped = contra.model_copy(update={"id": "other", "sides": tuple(reversed(contra.sides))})
    assert contradiction_key(contra) == contradiction_key(flipped)
    run = store.start_run(day, now=NOW, window_start=None, window_end=NOW, pid=1)
    with store.transaction():
        store.save_day_results(day, run, [a], [contra])
    with store.transaction():  # saving again replaces, never appends
        store.save_day_results(day, run, [a], [contra])
    assert store.day_results(day) == ([a], [contra])


def test_runs_history_and_stale_runs(store: Store) -> None:
    d1, d2 = dt.date(2026, 11, 19), dt.date(2026, 11, 20)
    r1 = store.start_run(d1, now=NOW, window_start=None, window_end=NOW, pid=1)
    store.update_run(r1, status="ok", docs_added=3, warnings=["feed x broken"], cost_usd=0.01)
    r2 = store.start_run(d2, now=NOW, window_start=NOW, window_end=NOW, pid=2)
    assert store.abandon_stale_runs(NOW) == 1
    runs = store.runs()
    assert [(r.id, r.status) for r in runs] == [(r2, "abandoned"), (r1, "ok")]
    assert runs[1].warnings == ["feed x broken"] and runs[1].docs_added == 3
    last = store.last_successful_run()
    assert last is not None and last.id == r1
    assert store.previous_day_with_results(d2) == d1
    assert store.previous_day_with_results(d1) is None


def test_fetch_state_and_seen_entries(store: Store) -> None:
    assert store.fetch_state("http://127.0.0.1/feed") is None
    store.save_fetch_state(
        "http://127.0.0.1/feed", etag='"v1"', last_modified=None, status=200, now=NOW
    )
    state = store.fetch_state("http://127.0.0.1/feed")
    assert state is not None and state.etag == '"v1"'
    assert not store.seen("entry-1")
    store.mark_seen("entry-1", None, NOW)
    assert store.seen("entry-1")
    assert not store.file_unchanged("a.txt", 10, 5)
    store.mark_file("a.txt", 10, 5, None)
    assert store.file_unchanged("a.txt", 10, 5) and not store.file_unchanged("a.txt", 11, 5)


def test_prune_forgets_old_briefed_stories_only(store: Store) -> None:
    old = make_document(BRIDGE_VOTE, "old.txt")
    new = make_document(ORCHARD_FROST, "new.txt")
    store.add_document(old, origin="file", now=NOW - dt.timedelta(days=100))
    store.add_document(new, origin="file", now=NOW)
    store.mark_briefed([old.id, new.id], dt.date(2026, 11, 20))
    assert store.prune(NOW - dt.timedelta(days=30)) == 1
    assert not store.has_document(old.id) and store.has_document(new.id)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer briefing"):
        Store(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite"):
        Store(path)


def test_killed_writer_loses_only_its_open_transaction(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    script = f"""
import os, signal, datetime as dt, sys
sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(Path(__file__).parents[1])!r}]
from daily_samples import make_document, BRIDGE_VOTE, ORCHARD_FROST
from briefing.daily.store import Store
now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
s = Store({str(path)!r})
with s.transaction():
    s.add_document(make_document(BRIDGE_VOTE, "a.txt"), origin="file", now=now)
s._db.execute("BEGIN IMMEDIATE")
s.add_document(make_document(ORCHARD_FROST, "b.txt"), origin="file", now=now)
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    with Store(path) as s:
        assert [d.document.path for d in s.pending_documents()] == ["a.txt"]
