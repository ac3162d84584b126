"""The corpus store: dedup by hash and by MinHash, reprints and updates, per-day facts, runs,
crash safety, the schema upgrade."""

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
    FetchState,
    Store,
    StoreError,
    contradiction_key,
    fact_key,
)
from briefing.dedup import estimate_jaccard, minhash_signature
from briefing.models import Citation, Contradiction, ContradictionSide, Fact

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
    assert added.status == "reprint"
    assert added.cluster == original.id
    assert store.add_document(other, origin="file", now=NOW).status == "new"
    pending = [d.document.id for d in store.pending_documents()]
    assert pending == [original.id, other.id]  # the story counts once
    copies = store.copies([original.id, other.id])
    assert [c.document.outlet for c in copies[original.id]] == ["Harbour Gazette"]
    assert other.id not in copies


def test_a_short_copy_under_another_outlets_source_line_is_a_reprint(store: Store) -> None:
    # a two-line teaser carried by four outlets: their "Source:" lines are most of what
    # differs, and had made each copy a new story ("4 outlets", the top of the page)
    from briefing.ingest import document_from_text

    teaser = "Ferry talks resume\n\nWatch the full interview with the Halvik ferry union leader.\n"
    copies = [
        document_from_text(f"Source: Wire Outlet {k}\n\n{teaser}", f"copy{k}.txt")
        for k in range(1, 5)
    ]
    statuses = [store.add_document(d, origin="file", now=NOW).status for d in copies]
    assert statuses == ["new", "reprint", "reprint", "reprint"]


def test_a_story_counts_a_copy_under_another_source_line_once() -> None:
    from briefing.ingest import document_from_text
    from briefing.stories import group_stories

    copies = [
        document_from_text(
            f"Source: Wire Outlet {k}\n\nFerry talks resume\n\n{FERRY_STRIKE}\n", f"c{k}.txt"
        )
        for k in range(1, 4)
    ]
    (story,) = group_stories(copies)
    assert story.outlets == 1


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


UPDATE = (
    "The operator and the union agreed on Thursday to meet a mediator in the capital next "
    "week. Crossings to the outer islands would remain suspended until then, the harbour "
    "master said."
)


def _commit(store: Store, day: dt.date, doc_ids: list[str]) -> int:
    run = store.begin_run(day, now=NOW, window_start=None, window_end=NOW, pid=1)
    store.commit_day(run, day, doc_ids, [], [], {"status": "ok", "finished_at": NOW})
    return run


def test_an_update_is_a_story_of_its_own_and_a_reprint_is_not(store: Store) -> None:
    day1, day2 = dt.date(2026, 11, 19), dt.date(2026, 11, 20)
    original = make_document(FERRY_STRIKE, "wire.txt")
    store.add_document(original, origin="file", now=NOW)
    _commit(store, day1, [original.id])
    # the same file in the next morning's folder: the same document, updated
    update = make_document(FERRY_STRIKE + "\n\n" + UPDATE, "day2/wire.txt")
    reprint = make_document(FERRY_REPRINT, "gazette.txt", outlet="Harbour Gazette")
    added = store.add_document(update, origin="file", now=NOW)
    assert (added.status, added.cluster) == ("update", update.id)
    assert store.add_document(reprint, origin="file", now=NOW).status == "reprint"
    # another outlet's copy with an intro of its own is a new source on the story, not an
    # update of the wire's document (a press release carried by several outlets)
    intro = "Travellers to the outer islands face a long wait for the next ferry this week."
    carried = make_document(intro + "\n\n" + FERRY_STRIKE, "post.txt", outlet="Bay Post")
    assert store.add_document(carried, origin="file", now=NOW).status == "new"
    batch = store.day_documents(day2)
    assert [d.id for d in batch.documents] == [update.id, carried.id] and batch.pending == 2
    assert batch.updated == [update.id]
    # the reprint's story was briefed on day 1: it is not in day 2's brief, nor its note
    assert batch.reprints == []


def test_a_version_1_store_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Store(path) as s:
        s.add_document(make_document(FERRY_STRIKE, "wire.txt"), origin="file", now=NOW)
    db = sqlite3.connect(path)  # make it look like schema 1: chunk/FTS tables, no band keys
    db.executescript(
        "DROP TABLE lsh_keys; ALTER TABLE documents DROP COLUMN updates;"
        " CREATE TABLE chunks (rowid INTEGER PRIMARY KEY, text TEXT);"
        " CREATE TABLE lsh (band INTEGER, key INTEGER, doc_id TEXT);"
        " UPDATE meta SET value='1' WHERE key='schema';"
    )
    db.close()
    with Store(path) as s:
        reprint = make_document(FERRY_REPRINT, "gazette.txt")
        assert s.add_document(reprint, origin="file", now=NOW).status == "reprint"
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "chunks" not in tables and "lsh" not in tables and "lsh_keys" in tables
    assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"
    db.close()


def test_documents_round_trip_and_are_marked_briefed(store: Store) -> None:
    doc = make_document(
        LIBRARY_OPENING, "lib.txt", title="Library opens", date=dt.date(2026, 11, 19)
    )
    store.add_document(doc, origin="file", now=NOW)
    [stored] = store.pending_documents()
    assert stored.document == doc
    _commit(store, dt.date(2026, 11, 20), [doc.id])
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
    for _ in range(2):  # committing the day again replaces its results, never appends
        run = store.begin_run(day, now=NOW, window_start=None, window_end=NOW, pid=1)
        store.commit_day(run, day, [], [a], [contra], {"status": "ok"})
    previous = store.previous_brief(day + dt.timedelta(days=1))
    assert (previous.day, previous.facts, previous.contradictions) == (day, (a,), (contra,))


def test_runs_history_and_stale_runs(store: Store) -> None:
    d1, d2 = dt.date(2026, 11, 19), dt.date(2026, 11, 20)
    r1 = store.begin_run(d1, now=NOW, window_start=None, window_end=NOW, pid=1)
    store.record_run(r1, status="ok", docs_added=3, warnings=["feed x broken"], cost_usd=0.01)
    store.begin_run(d2, now=NOW, window_start=NOW, window_end=NOW, pid=2)
    r3 = store.begin_run(d2, now=NOW, window_start=NOW, window_end=NOW, pid=3)
    runs = store.runs()  # the run a killed process left 'running' is abandoned
    assert [(r.id, r.status) for r in runs] == [(r3, "running"), (r1 + 1, "abandoned"), (r1, "ok")]
    assert runs[2].warnings == ["feed x broken"] and runs[2].docs_added == 3
    assert store.last_window_end(before_day=d2 + dt.timedelta(days=1)) == NOW
    assert store.last_window_end(before_day=d1) is None
    assert store.previous_brief(d2).day == d1
    assert store.previous_brief(d1).day is None
    assert store.newest_brief_day(other_than=d2) == d1
    with pytest.raises(ValueError, match="unknown run column"):
        store.record_run(r3, colour="red")


def test_fetch_state_and_seen_entries(store: Store) -> None:
    url = "http://127.0.0.1/feed"
    assert store.fetch_state(url) is None
    entry = make_document(BRIDGE_VOTE, url)
    [added] = store.take_feed(
        url, [("entry-1", entry)], now=NOW, run_id=1, state=FetchState(url, '"v1"', None)
    )
    assert added.status == "new"
    state = store.fetch_state(url)
    assert state is not None and state.etag == '"v1"'
    assert store.seen("entry-1") and not store.seen("entry-2")
    assert not store.file_unchanged("a.txt", 10, 5)
    assert store.take_file("a.txt", 10, 5, [], now=NOW, run_id=1) == []
    assert store.file_unchanged("a.txt", 10, 5) and not store.file_unchanged("a.txt", 11, 5)
    assert store.known_files() == {"a.txt": (10, 5)}


def test_prune_forgets_old_briefed_stories_only(store: Store) -> None:
    old = make_document(BRIDGE_VOTE, "old.txt")
    new = make_document(ORCHARD_FROST, "new.txt")
    store.add_document(old, origin="file", now=NOW - dt.timedelta(days=100))
    store.add_document(new, origin="file", now=NOW)
    _commit(store, dt.date(2026, 11, 20), [old.id, new.id])
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


@pytest.mark.parametrize("read_only", [False, True])
@pytest.mark.parametrize("schema", ["x", "2.5", "", "99999999999999999999999"])
def test_a_schema_marker_that_is_no_version_is_a_clear_error(
    tmp_path: Path, schema: str, read_only: bool
) -> None:
    # int('x') had raised ValueError: a traceback from daily and from history.
    path = tmp_path / "s.sqlite"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (schema,))
    db.close()
    with pytest.raises(StoreError, match="not a briefing corpus store"):
        Store(path, read_only=read_only)


@pytest.mark.parametrize("read_only", [False, True])
def test_another_programs_database_is_refused_untouched(tmp_path: Path, read_only: bool) -> None:
    # A mistyped --store naming another program's database had briefing's tables added to
    # it and its journal switched to WAL.
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (name TEXT)")
        db.execute("INSERT INTO users VALUES ('alice')")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"app\.db: not a briefing corpus store .*users"):
        Store(path, read_only=read_only)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


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


def test_a_store_opened_to_read_writes_nothing(tmp_path: Path) -> None:
    # briefing history only reads: a store the user may not write to (another account's, a
    # read-only mount) is read without creating, upgrading or journalling anything.
    path = tmp_path / "corpus.sqlite"
    with Store(path) as store:
        run = store.begin_run(
            dt.date(2026, 11, 20), now=NOW, window_start=None, window_end=NOW, pid=1
        )
        store.record_run(run, status="ok", docs_added=2)

    def written() -> dict[str, bytes]:
        # The database and anything in its log; a reader's shared-memory index and an empty
        # log SQLite opens beside it hold no data.
        return {
            p.name: p.read_bytes()
            for p in tmp_path.iterdir()
            if p.suffix != ".sqlite-shm" and p.stat().st_size
        }

    before = written()
    with Store(path, read_only=True) as reader:
        assert [(r.id, r.status, r.docs_added) for r in reader.runs()] == [(run, "ok", 2)]
        with pytest.raises(sqlite3.OperationalError):
            reader._db.execute("DELETE FROM runs")
    assert written() == before
    with pytest.raises(StoreError, match="cannot open"):
        Store(tmp_path / "none.sqlite", read_only=True)
