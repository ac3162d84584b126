"""The corpus store: one SQLite database that remembers what earlier daily runs saw and said.

Tables: documents (keyed by content hash; near-duplicates such as a reprinted wire story
grouped into clusters by MinHash so the story counts once and the copies stay as extra
sources), chunks with an FTS5 index, facts and contradictions per day (matched across days by
normalised content, never by id), runs, and fetch state (ETag / Last-Modified, feed entries
and files already taken).

The database runs in WAL mode and every change is one transaction, so a killed process loses
at most the change it was making, never what an earlier transaction stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import sqlite3
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import StoreError
from briefing.lexicon import normalise_statement, statement_key
from briefing.models import Chunk, Contradiction, Document, Fact, Span

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# MinHash by one-permutation hashing: each word shingle's 64-bit hash falls in one of
# _BINS bins and each bin keeps its minimum. LSH bands of _ROWS bins find candidates.
_SHINGLE = 5
_BINS = 120
_ROWS = 3
_MASK = (1 << 64) - 1
# Two documents are copies of one story when their estimated Jaccard similarity and the
# estimated share of the shorter one found in the longer are both high.
NEAR_DUP_JACCARD = 0.5
NEAR_DUP_CONTAINMENT = 0.8

_WORD = re.compile(r"\w+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,
    path TEXT NOT NULL,
    origin TEXT NOT NULL,
    title TEXT, outlet TEXT, url TEXT, date TEXT,
    text TEXT NOT NULL,
    furniture TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL,
    added_run INTEGER,
    briefed_day TEXT,
    shingles INTEGER NOT NULL,
    signature BLOB
);
CREATE INDEX IF NOT EXISTS documents_pending ON documents (briefed_day, cluster);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents (cluster);
CREATE INDEX IF NOT EXISTS documents_added ON documents (added_at);
CREATE TABLE IF NOT EXISTS lsh (band INTEGER NOT NULL, key INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_key ON lsh (band, key);
CREATE INDEX IF NOT EXISTS lsh_doc ON lsh (doc_id);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts
    USING fts5(text, content='chunks', content_rowid='rowid');
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    window_start TEXT,
    window_end TEXT,
    pid INTEGER,
    docs_added INTEGER NOT NULL DEFAULT 0,
    docs_in_brief INTEGER NOT NULL DEFAULT 0,
    facts INTEGER NOT NULL DEFAULT 0,
    contradictions INTEGER NOT NULL DEFAULT 0,
    warnings TEXT NOT NULL DEFAULT '[]',
    cost_usd REAL NOT NULL DEFAULT 0,
    fingerprint TEXT,
    outputs TEXT NOT NULL DEFAULT '[]',
    error TEXT
);
CREATE INDEX IF NOT EXISTS runs_day ON runs (day, status);
CREATE TABLE IF NOT EXISTS facts (
    day TEXT NOT NULL, run_id INTEGER NOT NULL, position INTEGER NOT NULL,
    key TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_day ON facts (day);
CREATE TABLE IF NOT EXISTS contradictions (
    day TEXT NOT NULL, run_id INTEGER NOT NULL, position INTEGER NOT NULL,
    key TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contradictions_day ON contradictions (day);
CREATE TABLE IF NOT EXISTS fetch_state (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched_at TEXT, status INTEGER
);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, doc_id TEXT, seen_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, doc_id TEXT
);
"""


# ---------------------------------------------------------------------------- content keys


def fact_key(fact: Fact) -> str:
    return statement_key(fact.statement)


def contradiction_key(contradiction: Contradiction) -> str:
    sides = sorted(normalise_statement(side.statement) for side in contradiction.sides)
    return hashlib.sha1("\x1f".join(sides).encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------- MinHash


def _shingle_hashes(text: str) -> set[int]:
    words = _WORD.findall(text.casefold())
    if not words:
        return set()
    if len(words) < _SHINGLE:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }


def minhash_signature(text: str) -> tuple[list[int], int]:
    """(signature of _BINS values, number of distinct shingles); empty signature for no words."""
    hashes = _shingle_hashes(text)
    if not hashes:
        return [], 0
    empty = _MASK
    sig = [empty] * _BINS
    for h in hashes:
        b = h % _BINS
        v = h // _BINS
        if v < sig[b]:
            sig[b] = v
    # Densify: an empty bin borrows the next non-empty bin's value, offset by the distance,
    # so two similar short texts still agree on their empty bins.
    original = list(sig)
    if empty in original:
        for i in range(_BINS):
            if original[i] != empty:
                continue
            for step in range(1, _BINS):
                j = (i + step) % _BINS
                if original[j] != empty:
                    sig[i] = (original[j] + step * 0x9E3779B97F4A7C15) & _MASK
                    break
    return sig, len(hashes)


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def _bands(sig: Sequence[int]) -> list[tuple[int, int]]:
    out = []
    for band in range(_BINS // _ROWS):
        part = sig[band * _ROWS : (band + 1) * _ROWS]
        digest = hashlib.blake2b(repr(tuple(part)).encode(), digest_size=7).digest()
        out.append((band, int.from_bytes(digest, "little")))
    return out


def _is_near_duplicate(jaccard: float, size_a: int, size_b: int) -> bool:
    if jaccard < NEAR_DUP_JACCARD or not size_a or not size_b:
        return False
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment is that over the smaller set.
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return inter / min(size_a, size_b) >= NEAR_DUP_CONTAINMENT


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class AddResult:
    doc_id: str
    status: str  # "new" | "duplicate" | "near_duplicate"
    cluster: str


@dataclass(frozen=True)
class StoredDocument:
    document: Document
    cluster: str
    origin: str
    added_at: dt.datetime
    briefed_day: dt.date | None


@dataclass
class RunRecord:
    id: int
    day: dt.date
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    docs_added: int = 0
    docs_in_brief: int = 0
    facts: int = 0
    contradictions: int = 0
    warnings: list[str] = field(default_factory=list)
    cost_usd: float = 0.0
    fingerprint: str | None = None
    outputs: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class FetchState:
    url: str
    etag: str | None
    last_modified: str | None


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat()


def _parse_dt(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


# ---------------------------------------------------------------------------- the store


class Store:
    """A corpus database. Use as a context manager, or call close()."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self._db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer briefing (schema {row[0]}); upgrade briefing"
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the corpus store: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: everything inside commits together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ documents

    def has_document(self, doc_id: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone() is not None
        )

    def count_documents(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def add_document(
        self,
        doc: Document,
        *,
        origin: str,
        now: dt.datetime,
        run_id: int | None = None,
        chunks: Sequence[Chunk] = (),
    ) -> AddResult:
        """Add a document once: identical text is a duplicate, a near-copy joins its story.

        Call inside :meth:`transaction` to make several additions atomic together.
        """
        row = self._db.execute("SELECT cluster FROM documents WHERE id=?", (doc.id,)).fetchone()
        if row is not None:
            return AddResult(doc.id, "duplicate", row[0])
        sig, size = minhash_signature(doc.text)
        cluster, status = doc.id, "new"
        bands = _bands(sig) if sig else []
        if bands:
            match = self._find_near_duplicate(sig, size, bands)
            if match is not None:
                cluster, status = match, "near_duplicate"
        self._db.execute(
            "INSERT INTO documents (id, cluster, path, origin, title, outlet, url, date, text,"
            " furniture, added_at, added_run, shingles, signature)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.id,
                cluster,
                doc.path,
                origin,
                doc.title,
                doc.outlet,
                doc.url,
                doc.date.isoformat() if doc.date else None,
                doc.text,
                json.dumps([[s.start, s.end] for s in doc.furniture]),
                _iso(now),
                run_id,
                size,
                array("Q", sig).tobytes() if sig else None,
            ),
        )
        if bands:
            self._db.executemany(
                "INSERT INTO lsh (band, key, doc_id) VALUES (?,?,?)",
                [(b, k, doc.id) for b, k in bands],
            )
        if status == "new":
            self._insert_chunks(chunks)
        return AddResult(doc.id, status, cluster)

    def _find_near_duplicate(
        self, sig: list[int], size: int, bands: list[tuple[int, int]]
    ) -> str | None:
        candidates: set[str] = set()
        for band, key in bands:
            for (doc_id,) in self._db.execute(
                "SELECT doc_id FROM lsh WHERE band=? AND key=?", (band, key)
            ):
                candidates.add(doc_id)
        best: tuple[float, str] | None = None
        for doc_id in sorted(candidates):
            row = self._db.execute(
                "SELECT cluster, shingles, signature FROM documents WHERE id=?", (doc_id,)
            ).fetchone()
            if row is None or row[2] is None:
                continue
            other = array("Q")
            other.frombytes(row[2])
            jac = estimate_jaccard(sig, other)
            if _is_near_duplicate(jac, size, row[1]) and (best is None or jac > best[0]):
                best = (jac, row[0])
        return None if best is None else best[1]

    def _insert_chunks(self, chunks: Sequence[Chunk]) -> None:
        for chunk in chunks:
            cur = self._db.execute(
                'INSERT OR IGNORE INTO chunks (id, doc_id, idx, start, "end", text)'
                " VALUES (?,?,?,?,?,?)",
                (chunk.id, chunk.doc_id, chunk.index, chunk.start, chunk.end, chunk.text),
            )
            if cur.rowcount:
                self._db.execute(
                    "INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)",
                    (cur.lastrowid, chunk.text),
                )

    def _row_document(self, row: sqlite3.Row | tuple[object, ...]) -> StoredDocument:
        (
            doc_id,
            cluster,
            path,
            origin,
            title,
            outlet,
            url,
            date,
            text,
            furniture,
            added_at,
            briefed_day,
        ) = row
        doc = Document(
            id=str(doc_id),
            path=str(path),
            text=str(text),
            title=title if title is None else str(title),
            outlet=outlet if outlet is None else str(outlet),
            url=url if url is None else str(url),
            date=dt.date.fromisoformat(str(date)) if date else None,
            furniture=tuple(Span(start=s, end=e) for s, e in json.loads(str(furniture))),
        )
        return StoredDocument(
            document=doc,
            cluster=str(cluster),
            origin=str(origin),
            added_at=dt.datetime.fromisoformat(str(added_at)),
            briefed_day=dt.date.fromisoformat(str(briefed_day)) if briefed_day else None,
        )

    _DOC_COLUMNS = (
        "id, cluster, path, origin, title, outlet, url, date, text, furniture, added_at,"
        " briefed_day"
    )

    def pending_documents(self) -> list[StoredDocument]:
        """Story representatives not yet in any brief, oldest first."""
        rows = self._db.execute(
            f"SELECT {self._DOC_COLUMNS} FROM documents"
            " WHERE briefed_day IS NULL AND cluster = id ORDER BY added_at, id"
        ).fetchall()
        return [self._row_document(r) for r in rows]

    def briefed_documents(self, day: dt.date) -> list[StoredDocument]:
        rows = self._db.execute(
            f"SELECT {self._DOC_COLUMNS} FROM documents"
            " WHERE briefed_day = ? AND cluster = id ORDER BY added_at, id",
            (day.isoformat(),),
        ).fetchall()
        return [self._row_document(r) for r in rows]

    def copies(self, clusters: Sequence[str]) -> dict[str, list[StoredDocument]]:
        """For each story, its other copies (reprints), oldest first."""
        out: dict[str, list[StoredDocument]] = {}
        for cluster in clusters:
            rows = self._db.execute(
                f"SELECT {self._DOC_COLUMNS} FROM documents"
                " WHERE cluster = ? AND id != cluster ORDER BY added_at, id",
                (cluster,),
            ).fetchall()
            if rows:
                out[cluster] = [self._row_document(r) for r in rows]
        return out

    def mark_briefed(self, doc_ids: Sequence[str], day: dt.date) -> None:
        self._db.executemany(
            "UPDATE documents SET briefed_day=? WHERE id=? AND briefed_day IS NULL",
            [(day.isoformat(), d) for d in doc_ids],
        )

    def search_chunks(self, query: str, limit: int = 10) -> list[tuple[str, str]]:
        """(doc_id, chunk text) of the chunks best matching ``query`` (words, ANDed)."""
        words = _WORD.findall(query)
        if not words:
            return []
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self._db.execute(
            "SELECT c.doc_id, c.text FROM chunks_fts f JOIN chunks c ON c.rowid = f.rowid"
            " WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(str(a), str(b)) for a, b in rows]

    def prune(self, before: dt.datetime) -> int:
        """Forget briefed stories whose every copy was added before ``before``; returns count."""
        with self.transaction() as db:
            clusters = [
                r[0]
                for r in db.execute(
                    "SELECT cluster FROM documents GROUP BY cluster"
                    " HAVING max(added_at) < ? AND"
                    " sum(CASE WHEN id = cluster AND briefed_day IS NOT NULL THEN 1 ELSE 0 END)"
                    " = 1",
                    (_iso(before),),
                )
            ]
            removed = 0
            for cluster in clusters:
                ids = [
                    r[0] for r in db.execute("SELECT id FROM documents WHERE cluster=?", (cluster,))
                ]
                for doc_id in ids:
                    for rowid, text in db.execute(
                        "SELECT rowid, text FROM chunks WHERE doc_id=?", (doc_id,)
                    ).fetchall():
                        db.execute(
                            "INSERT INTO chunks_fts (chunks_fts, rowid, text)"
                            " VALUES ('delete', ?, ?)",
                            (rowid, text),
                        )
                    db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                    db.execute("DELETE FROM lsh WHERE doc_id=?", (doc_id,))
                db.execute("DELETE FROM documents WHERE cluster=?", (cluster,))
                removed += len(ids)
        return removed

    # ------------------------------------------------------------------ fetch state

    def fetch_state(self, url: str) -> FetchState | None:
        row = self._db.execute(
            "SELECT url, etag, last_modified FROM fetch_state WHERE url=?", (url,)
        ).fetchone()
        return None if row is None else FetchState(row[0], row[1], row[2])

    def save_fetch_state(
        self,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        status: int,
        now: dt.datetime,
    ) -> None:
        self._db.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, fetched_at, status)"
            " VALUES (?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
            " etag=excluded.etag, last_modified=excluded.last_modified,"
            " fetched_at=excluded.fetched_at, status=excluded.status",
            (url, etag, last_modified, _iso(now), status),
        )

    def seen(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE key=?", (key,)).fetchone() is not None

    def mark_seen(self, key: str, doc_id: str | None, now: dt.datetime) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO seen (key, doc_id, seen_at) VALUES (?,?,?)",
            (key, doc_id, _iso(now)),
        )

    def file_unchanged(self, path: str, size: int, mtime_ns: int) -> bool:
        row = self._db.execute("SELECT size, mtime_ns FROM files WHERE path=?", (path,)).fetchone()
        return row is not None and row[0] == size and row[1] == mtime_ns

    def mark_file(self, path: str, size: int, mtime_ns: int, doc_id: str | None) -> None:
        self._db.execute(
            "INSERT INTO files (path, size, mtime_ns, doc_id) VALUES (?,?,?,?)"
            " ON CONFLICT (path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns,"
            " doc_id=excluded.doc_id",
            (path, size, mtime_ns, doc_id),
        )

    # ------------------------------------------------------------------ runs

    def start_run(
        self,
        day: dt.date,
        *,
        now: dt.datetime,
        window_start: dt.datetime | None,
        window_end: dt.datetime,
        pid: int,
    ) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (day, status, started_at, window_start, window_end, pid)"
                " VALUES (?, 'running', ?, ?, ?, ?)",
                (day.isoformat(), _iso(now), _iso(window_start), _iso(window_end), pid),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def abandon_stale_runs(self, now: dt.datetime) -> int:
        """Mark runs left 'running' by a killed process (call while holding the run lock)."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE runs SET status='abandoned', finished_at=?,"
                " error='process ended before the run finished' WHERE status='running'",
                (_iso(now),),
            )
            return cur.rowcount

    def update_run(self, run_id: int, **values: object) -> None:
        allowed = {
            "status",
            "finished_at",
            "docs_added",
            "docs_in_brief",
            "facts",
            "contradictions",
            "warnings",
            "cost_usd",
            "fingerprint",
            "outputs",
            "error",
        }
        cols, params = [], []
        for key, value in values.items():
            if key not in allowed:
                raise ValueError(f"unknown run column {key}")
            if isinstance(value, dt.datetime):
                value = _iso(value)
            elif isinstance(value, list):
                value = json.dumps(value)
            cols.append(f"{key}=?")
            params.append(value)
        self._db.execute(f"UPDATE runs SET {', '.join(cols)} WHERE id=?", (*params, run_id))

    def _run(self, row: tuple[object, ...]) -> RunRecord:
        return RunRecord(
            id=int(row[0]),  # type: ignore[call-overload]
            day=dt.date.fromisoformat(str(row[1])),
            status=str(row[2]),
            started_at=dt.datetime.fromisoformat(str(row[3])),
            finished_at=_parse_dt(row[4]),  # type: ignore[arg-type]
            window_start=_parse_dt(row[5]),  # type: ignore[arg-type]
            window_end=_parse_dt(row[6]),  # type: ignore[arg-type]
            docs_added=int(row[7]),  # type: ignore[call-overload]
            docs_in_brief=int(row[8]),  # type: ignore[call-overload]
            facts=int(row[9]),  # type: ignore[call-overload]
            contradictions=int(row[10]),  # type: ignore[call-overload]
            warnings=json.loads(str(row[11])),
            cost_usd=float(row[12]),  # type: ignore[arg-type]
            fingerprint=row[13],  # type: ignore[arg-type]
            outputs=json.loads(str(row[14])),
            error=row[15],  # type: ignore[arg-type]
        )

    _RUN_COLUMNS = (
        "id, day, status, started_at, finished_at, window_start, window_end, docs_added,"
        " docs_in_brief, facts, contradictions, warnings, cost_usd, fingerprint, outputs, error"
    )

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first."""
        sql = f"SELECT {self._RUN_COLUMNS} FROM runs ORDER BY id DESC"
        params: tuple[object, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        return [self._run(r) for r in self._db.execute(sql, params)]

    def last_successful_run(self, *, before_day: dt.date | None = None) -> RunRecord | None:
        """The newest successful run (optionally of a day before ``before_day``)."""
        sql = f"SELECT {self._RUN_COLUMNS} FROM runs WHERE status IN ('ok', 'no_new', 'unchanged')"
        params: tuple[object, ...] = ()
        if before_day is not None:
            sql += " AND day < ?"
            params = (before_day.isoformat(),)
        row = self._db.execute(
            sql + " ORDER BY window_end DESC, id DESC LIMIT 1", params
        ).fetchone()
        return None if row is None else self._run(row)

    def last_run_of_day(self, day: dt.date) -> RunRecord | None:
        row = self._db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM runs WHERE day=? AND status IN ('ok', 'no_new')"
            " ORDER BY id DESC LIMIT 1",
            (day.isoformat(),),
        ).fetchone()
        return None if row is None else self._run(row)

    # ------------------------------------------------------------------ facts per day

    def save_day_results(
        self,
        day: dt.date,
        run_id: int,
        facts: Sequence[Fact],
        contradictions: Sequence[Contradiction],
    ) -> None:
        """Replace the day's stored facts and contradictions (call inside a transaction)."""
        iso = day.isoformat()
        self._db.execute("DELETE FROM facts WHERE day=?", (iso,))
        self._db.execute("DELETE FROM contradictions WHERE day=?", (iso,))
        self._db.executemany(
            "INSERT INTO facts (day, run_id, position, key, data) VALUES (?,?,?,?,?)",
            [(iso, run_id, i, fact_key(f), f.model_dump_json()) for i, f in enumerate(facts)],
        )
        self._db.executemany(
            "INSERT INTO contradictions (day, run_id, position, key, data) VALUES (?,?,?,?,?)",
            [
                (iso, run_id, i, contradiction_key(c), c.model_dump_json())
                for i, c in enumerate(contradictions)
            ],
        )

    def day_results(self, day: dt.date) -> tuple[list[Fact], list[Contradiction]]:
        iso = day.isoformat()
        facts = [
            Fact.model_validate_json(r[0])
            for r in self._db.execute(
                "SELECT data FROM facts WHERE day=? ORDER BY position", (iso,)
            )
        ]
        contras = [
            Contradiction.model_validate_json(r[0])
            for r in self._db.execute(
                "SELECT data FROM contradictions WHERE day=? ORDER BY position", (iso,)
            )
        ]
        return facts, contras

    def previous_day_with_results(self, day: dt.date) -> dt.date | None:
        """The latest day before ``day`` with a brief (a "no new sources" day has none)."""
        row = self._db.execute(
            "SELECT max(day) FROM runs WHERE day < ? AND status = 'ok'",
            (day.isoformat(),),
        ).fetchone()
        return dt.date.fromisoformat(row[0]) if row and row[0] else None
