"""The corpus store: one SQLite database that remembers what earlier daily runs saw and said.

Tables: documents (keyed by content hash; a near-copy of a stored document, found by MinHash
in ``dedup``, is either a reprint, which joins the story's cluster and counts once, or an
update, which is a story of its own that records the story it updates), LSH band keys,
facts and contradictions per day (matched across days by content, never by id), runs, and
fetch state (ETag / Last-Modified, feed entries and files already taken).

The daily run talks to it in intentions: begin a run, take a file or a feed's items, the
day's documents, the previous brief, commit the day. The database runs in WAL mode and every
change is one transaction, so a killed process loses at most the change it was making.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import stat
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from briefing import dedup
from briefing.changes import PreviousDay, PreviousStory
from briefing.errors import StoreError
from briefing.lexicon import normalise_statement, statement_key
from briefing.models import Contradiction, Document, Fact, Reprint, Span
from briefing.sanitize import shown
from briefing.sourcefiles import file_kind, os_reason

logger = logging.getLogger(__name__)
_Row = TypeVar("_Row", Fact, Contradiction, PreviousStory)  # a row a day's brief keeps

# 2: LSH keys carry their band; documents record the story an update updates; the chunk
# and FTS tables that nothing read are gone.
SCHEMA_VERSION = 2

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
    pages TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL,
    added_run INTEGER,
    briefed_day TEXT,
    shingles INTEGER NOT NULL,
    signature BLOB,
    updates TEXT
);
CREATE INDEX IF NOT EXISTS documents_pending ON documents (briefed_day, cluster);
CREATE INDEX IF NOT EXISTS documents_cluster ON documents (cluster);
CREATE INDEX IF NOT EXISTS documents_added ON documents (added_at);
CREATE TABLE IF NOT EXISTS lsh_keys (key INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_keys_key ON lsh_keys (key);
CREATE INDEX IF NOT EXISTS lsh_keys_doc ON lsh_keys (doc_id);
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
CREATE TABLE IF NOT EXISTS stories (
    day TEXT NOT NULL, run_id INTEGER NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_day ON stories (day);
CREATE TABLE IF NOT EXISTS fetch_state (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched_at TEXT, status INTEGER
);
CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, doc_id TEXT, seen_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, doc_id TEXT
);
"""
# A version-1 store: its band keys are recomputed from the stored signatures.
_MIGRATE_1 = """
DROP TABLE IF EXISTS chunks_fts;
DROP TABLE IF EXISTS chunks;
DROP TABLE IF EXISTS lsh;
"""
_RUN_VALUES = frozenset(
    {
        "status", "finished_at", "docs_added", "docs_in_brief", "facts", "contradictions",
        "warnings", "cost_usd", "fingerprint", "outputs", "error",
    }
)  # fmt: skip


def fact_key(fact: Fact) -> str:
    return statement_key(fact.statement)


def contradiction_key(contradiction: Contradiction) -> str:
    sides = sorted(normalise_statement(side.statement) for side in contradiction.sides)
    return hashlib.sha1("\x1f".join(sides).encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class AddResult:
    doc_id: str
    status: str  # "new" | "duplicate" | "reprint" | "update"
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


@dataclass(frozen=True)
class DayDocuments:
    """What a day's brief is built from."""

    documents: list[Document]  # briefed on the day already, then pending, oldest first
    pending: int  # how many of them no brief has had yet
    reprints: list[Reprint]  # copies of these documents, counted once
    earlier: dict[str, str]  # id of a document updating a story briefed before -> its old text
    # copies that arrived since the previous brief of a source an earlier day briefed (each
    # with ``briefed`` set), with the text of the source they copy: that story carried again
    carried: list[tuple[Reprint, str]] = field(default_factory=list)

    @property
    def updated(self) -> list[str]:
        """Ids of the documents that update a story an earlier day briefed."""
        return list(self.earlier)


_DOC_COLUMNS = (
    "id, cluster, path, origin, title, outlet, url, date, text, furniture, pages, added_at,"
    " briefed_day"
)
_RUN_COLUMNS = (
    "id, day, status, started_at, finished_at, window_start, window_end, docs_added,"
    " docs_in_brief, facts, contradictions, warnings, cost_usd, fingerprint, outputs, error"
)


def _sql_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, list):
        return json.dumps(value)
    return value


# ---------------------------------------------------------------------------- the store


def store_exists(path: Path) -> bool:
    """Whether a store file is at ``path`` (a link is followed); False when nothing is there.
    StoreError when something that is no file is: a folder, a FIFO, a device (SQLite would
    say only "unable to open database file" or "disk I/O error", and history "no store yet")."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:  # a link loop, a path too long, a folder that cannot be searched
        raise StoreError(f"{shown(path)}: cannot open the corpus store: {os_reason(exc)}") from None
    if stat.S_ISREG(mode):
        return True
    raise StoreError(
        f"{shown(path)}: is {file_kind(mode)}, not a corpus store; name the store's file "
        "(--store, or store in the [daily] config)"
    )


class Store:
    """A corpus database. Use as a context manager, or call close()."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        """Open (creating or upgrading) the store at ``path``; with ``read_only``, open it only
        to read it (``briefing history``): nothing is written, so a store the user may not
        write to (another account's, a read-only mount) can still be read."""
        self.path = Path(path)
        self._tidy_on_close = False
        store_exists(self.path)
        if read_only and self._open_read_only():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            version = self._schema_version()  # before anything is written to it
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer briefing (schema {version}); upgrade briefing"
                )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            if version is not None and version < SCHEMA_VERSION:
                self._migrate(version)
            self._db.executescript(_SCHEMA)
            self._add_pages_column()
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
            )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the corpus store: {exc}") from exc

    def _open_read_only(self) -> bool:
        """Open the store to read it; False when it must be upgraded first (opened to write
        then, which upgrades it as a run would)."""
        uri = self.path.resolve().as_uri()
        # A reader of a WAL store makes its -shm and -wal files and, unable to write, cannot
        # remove them when it closes: tidied then, when it found none (a run is not going on).
        self._tidy_on_close = not any(side.exists() for side in self._side_files())
        try:
            self._db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
            try:
                version = self._schema_version()
            except sqlite3.OperationalError:
                # A WAL store in a folder this user cannot write: SQLite cannot make the shared
                # memory file a reader needs; read the file as it stands instead.
                self._db.close()
                self._db = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
                version = self._schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the corpus store: {exc}") from exc
        except StoreError:
            self._db.close()
            raise
        if version == SCHEMA_VERSION:
            return True
        self._db.close()
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer briefing (schema {version}); upgrade briefing"
            )
        return False

    def _add_pages_column(self) -> None:
        """Stores made before PDF sources lack documents.pages (PDF page offsets); adding the
        column with its empty default keeps them readable and unchanged otherwise."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if "pages" not in columns:
            self._db.execute("ALTER TABLE documents ADD COLUMN pages TEXT NOT NULL DEFAULT '[]'")

    def _schema_version(self) -> int | None:
        """The store's schema version; None for a database with no store in it yet.
        StoreError for one that is no corpus store: another program's tables (a mistyped
        ``--store``: briefing would add its own tables and switch it to WAL) or a schema
        marker that is no version number."""
        tables = [
            str(name)
            for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{self.path}: not a briefing corpus store (it holds other tables: "
                    f"{shown(', '.join(sorted(tables)), 60)}); name another store"
                )
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            return None
        value = str(row[0]).strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 6:
            raise StoreError(
                f"{self.path}: not a briefing corpus store (its schema is {shown(value, 40)!r})"
            )
        return int(value)

    def _migrate(self, version: int) -> None:
        logger.info("%s: upgrading the corpus store from schema %d", self.path, version)
        with self.transaction() as db:
            for statement in _MIGRATE_1.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("ALTER TABLE documents ADD COLUMN updates TEXT")
            db.execute("CREATE TABLE lsh_keys (key INTEGER NOT NULL, doc_id TEXT NOT NULL)")
            for doc_id, text in db.execute("SELECT id, text FROM documents").fetchall():
                bands = dedup.fingerprint(str(text)).bands
                db.executemany(
                    "INSERT INTO lsh_keys (key, doc_id) VALUES (?,?)", [(k, doc_id) for k in bands]
                )

    def _side_files(self) -> tuple[Path, Path]:
        """The WAL and shared-memory files SQLite keeps beside the store (a link's target)."""
        real = self.path.resolve()
        return real.with_name(real.name + "-wal"), real.with_name(real.name + "-shm")

    def close(self) -> None:
        self._db.close()
        if self._tidy_on_close:
            self._tidy_side_files()

    def _tidy_side_files(self) -> None:
        """Leave the folder as a read-only open found it (``daily --dry-run``, ``history``
        left ``briefing.sqlite-shm`` and ``-wal`` beside the store). SQLite removes them when
        the last connection that may write closes, so one is opened, made to read and closed:
        with the WAL empty nothing is written, and while another process has the store open
        SQLite keeps them for it. A store this user cannot write keeps them, as SQLite would."""
        if not any(side.exists() for side in self._side_files()):
            return
        try:
            db = sqlite3.connect(self.path.resolve(), isolation_level=None, timeout=0)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                db.close()
        except sqlite3.Error as exc:
            logger.debug("%s: its -wal and -shm files stay: %s", self.path, exc)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: everything inside commits together or not at all."""
        if self._db.in_transaction:  # already inside one: part of it
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _reading(self, table: str) -> Iterator[None]:
        """Rows of ``table`` read back: a value briefing did not write there (a store edited
        by hand or damaged on disk: text where a date, a number or JSON belongs) is one
        StoreError naming the store, not a traceback from the run or from history."""
        try:
            yield
        except (ValueError, TypeError) as exc:  # json, pydantic, fromisoformat, int(), unpacking
            raise StoreError(
                f"{self.path}: damaged corpus store: a row of its {table} table cannot be read "
                f"({shown(exc, 100)}); restore it from a backup or move it aside to start anew"
            ) from exc

    def _day_rows(self, table: str, model: type[_Row], iso: str) -> tuple[_Row, ...]:
        """The ``model`` rows ``table`` keeps for the brief of day ``iso``, in page order."""
        query = f"SELECT data FROM {table} WHERE day=? ORDER BY position"  # table: ours, fixed
        with self._reading(table):
            return tuple(model.model_validate_json(r[0]) for r in self._db.execute(query, (iso,)))

    # ------------------------------------------------------------------ taking material in

    def add_document(
        self, doc: Document, *, origin: str, now: dt.datetime, run_id: int | None = None
    ) -> AddResult:
        """Add a document once: identical text is a duplicate; a near-copy of a stored
        document is a reprint (joins its story), an update (the same document with new
        sentences: a story of its own that records the one it updates) or, from another
        outlet with sentences of its own, a new document."""
        row = self._db.execute("SELECT cluster FROM documents WHERE id=?", (doc.id,)).fetchone()
        if row is not None:
            return AddResult(doc.id, "duplicate", row[0])
        # its running text: a copy under another "Source:" line is still a copy, however short
        print_ = dedup.fingerprint(doc.running_text())
        cluster, status, updates = doc.id, "new", None
        match = self._near_copy_of(print_)
        if match is not None:
            earlier, earlier_cluster = match
            if dedup.copy_kind(doc, earlier) == "reprint":
                cluster, status = earlier_cluster, "reprint"
            elif any(dedup.same_document(doc, copy) for copy in earlier):
                status, updates = "update", earlier_cluster
            # else another outlet's near-copy with sentences of its own (a press release under
            # a new intro): a new source on the story, not an update of the earlier document
        with self.transaction() as db:
            db.execute(
                "INSERT INTO documents (id, cluster, path, origin, title, outlet, url, date, text,"
                " furniture, pages, added_at, added_run, shingles, signature, updates)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.id, cluster, doc.path, origin, doc.title, doc.outlet, doc.url,
                    doc.date.isoformat() if doc.date else None, doc.text,
                    json.dumps([[s.start, s.end] for s in doc.furniture]),
                    json.dumps(list(doc.pages)), _iso(now), run_id,
                    print_.shingles,
                    array("Q", print_.signature).tobytes() if print_.signature else None,
                    updates,
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO lsh_keys (key, doc_id) VALUES (?,?)",
                [(key, doc.id) for key in self._keys_to_file(print_.bands)],
            )
        return AddResult(doc.id, status, cluster)

    def _keys_to_file(self, bands: Sequence[int]) -> list[int]:
        """The band keys a new document is filed under: those fewer than
        ``dedup.MAX_KEY_DOCUMENTS`` stored documents share (a fuller one is a template's)."""
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        full = {
            key
            for (key,) in self._db.execute(
                f"SELECT key FROM lsh_keys WHERE key IN ({marks}) GROUP BY key"
                " HAVING count(*) >= ?",
                (*bands, dedup.MAX_KEY_DOCUMENTS),
            )
        }
        return [key for key in bands if key not in full]

    def _near_copy_of(self, print_: dedup.Fingerprint) -> tuple[list[Document], str] | None:
        """If ``print_`` is a copy: the story it copies (the stored document it most
        resembles, with the other copies of its cluster) and that cluster."""
        if not print_.bands:
            return None
        marks = ",".join("?" * len(print_.bands))
        rows = self._db.execute(
            "SELECT DISTINCT d.id, d.cluster, d.shingles, d.signature FROM lsh_keys k"
            f" JOIN documents d ON d.id = k.doc_id WHERE k.key IN ({marks}) ORDER BY d.id",
            print_.bands,
        ).fetchall()
        best: tuple[float, str, str] | None = None
        for doc_id, cluster, shingles, signature in rows:
            if signature is None:
                continue
            other = array("Q")
            other.frombytes(signature)
            jac = dedup.estimate_jaccard(print_.signature, other)
            if dedup.is_near_duplicate(jac, print_.shingles, shingles) and (
                best is None or jac > best[0]
            ):
                best = (jac, doc_id, cluster)
        if best is None:
            return None
        copies = self._documents(  # the copy it resembles most, and the story's first ones
            "id = ? OR id IN (SELECT id FROM documents WHERE cluster = ?"
            " ORDER BY added_at, id LIMIT ?)",
            (best[1], best[2], dedup.MAX_KEY_DOCUMENTS),
        )
        return [c.document for c in copies], best[2]

    def take_file(
        self,
        path: str,
        size: int,
        mtime_ns: int,
        docs: Sequence[Document],
        *,
        now: dt.datetime,
        run_id: int,
    ) -> list[AddResult]:
        """A file read (no ``docs``: it held no usable document; an mbox: one per message),
        in one transaction."""
        with self.transaction() as db:
            results = [self.add_document(d, origin="file", now=now, run_id=run_id) for d in docs]
            result = results[0] if results else None
            db.execute(
                "INSERT INTO files (path, size, mtime_ns, doc_id) VALUES (?,?,?,?)"
                " ON CONFLICT (path) DO UPDATE SET size=excluded.size,"
                " mtime_ns=excluded.mtime_ns, doc_id=excluded.doc_id",
                (path, size, mtime_ns, None if result is None else result.doc_id),
            )
        return results

    def take_feed(
        self,
        source: str,
        items: Sequence[tuple[str, Document]],
        *,
        now: dt.datetime,
        run_id: int,
        state: FetchState | None = None,
        status: int = 200,
    ) -> list[AddResult]:
        """A feed's (or page's) new items, keyed so they are taken once, and the URL's fetch
        state, in one transaction."""
        results = []
        with self.transaction() as db:
            for key, doc in items:
                result = self.add_document(doc, origin=f"feed:{source}", now=now, run_id=run_id)
                results.append(result)
                db.execute(
                    "INSERT OR IGNORE INTO seen (key, doc_id, seen_at) VALUES (?,?,?)",
                    (key, result.doc_id, _iso(now)),
                )
            if state is not None:
                db.execute(
                    "INSERT INTO fetch_state (url, etag, last_modified, fetched_at, status)"
                    " VALUES (?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET"
                    " etag=excluded.etag, last_modified=excluded.last_modified,"
                    " fetched_at=excluded.fetched_at, status=excluded.status",
                    (state.url, state.etag, state.last_modified, _iso(now), status),
                )
        return results

    def known_files(self) -> dict[str, tuple[int, int]]:
        """Every file taken before, with the (size, mtime_ns) it had then."""
        with self._reading("files"):
            return {
                str(p): (int(size), int(mtime))
                for p, size, mtime in self._db.execute("SELECT path, size, mtime_ns FROM files")
            }

    def file_unchanged(self, path: str, size: int, mtime_ns: int) -> bool:
        row = self._db.execute("SELECT size, mtime_ns FROM files WHERE path=?", (path,)).fetchone()
        return row is not None and row[0] == size and row[1] == mtime_ns

    def seen(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM seen WHERE key=?", (key,)).fetchone() is not None

    def fetch_state(self, url: str) -> FetchState | None:
        row = self._db.execute(
            "SELECT url, etag, last_modified FROM fetch_state WHERE url=?", (url,)
        ).fetchone()
        return None if row is None else FetchState(row[0], row[1], row[2])

    # ------------------------------------------------------------------ documents

    def has_document(self, doc_id: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM documents WHERE id=?", (doc_id,)).fetchone() is not None
        )

    def count_documents(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def _row_document(self, row: sqlite3.Row | tuple[object, ...]) -> StoredDocument:
        (
            doc_id, cluster, path, origin, title, outlet, url, date, text, furniture, pages,
            added_at, briefed_day,
        ) = row  # fmt: skip
        doc = Document(
            id=str(doc_id),
            path=str(path),
            text=str(text),
            title=title if title is None else str(title),
            outlet=outlet if outlet is None else str(outlet),
            url=url if url is None else str(url),
            date=dt.date.fromisoformat(str(date)) if date else None,
            furniture=tuple(Span(start=s, end=e) for s, e in json.loads(str(furniture))),
            pages=tuple(int(p) for p in json.loads(str(pages))),
        )
        return StoredDocument(
            document=doc,
            cluster=str(cluster),
            origin=str(origin),
            added_at=dt.datetime.fromisoformat(str(added_at)),
            briefed_day=dt.date.fromisoformat(str(briefed_day)) if briefed_day else None,
        )

    def _documents(self, where: str, params: tuple[object, ...] = ()) -> list[StoredDocument]:
        rows = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE {where} ORDER BY added_at, id", params
        ).fetchall()
        with self._reading("documents"):
            return [self._row_document(r) for r in rows]

    def pending_documents(self) -> list[StoredDocument]:
        """Story representatives not yet in any brief, oldest first."""
        return self._documents("briefed_day IS NULL AND cluster = id")

    def briefed_documents(self, day: dt.date) -> list[StoredDocument]:
        return self._documents("briefed_day = ? AND cluster = id", (day.isoformat(),))

    def copies(self, clusters: Sequence[str]) -> dict[str, list[StoredDocument]]:
        """For each story, its other copies (reprints), oldest first."""
        out: dict[str, list[StoredDocument]] = {}
        for copy in self._documents("cluster != id AND cluster IN (SELECT value FROM json_each(?))",
                                    (json.dumps(list(clusters)),)):  # fmt: skip
            out.setdefault(copy.cluster, []).append(copy)
        return out

    def day_documents(self, day: dt.date) -> DayDocuments:
        """The documents of ``day``'s brief: those it already had, then every story no brief
        has had yet; with their reprints and which of them update an earlier day's story."""
        already = self.briefed_documents(day)
        known = {d.document.id for d in already}
        pending = [d for d in self.pending_documents() if d.document.id not in known]
        docs = [d.document for d in [*already, *pending]]
        ids = json.dumps([d.id for d in docs])
        reprints = [
            Reprint(source_id=c.cluster, path=m.path, outlet=m.outlet, title=m.title, url=m.url)
            for c in self._documents(
                "cluster != id AND cluster IN (SELECT value FROM json_each(?))", (ids,)
            )
            for m in (c.document,)
        ]
        earlier = {
            str(r[0]): str(r[1])
            for r in self._db.execute(
                "SELECT d.id, e.text FROM documents d JOIN documents e ON e.id = d.updates"
                " WHERE d.id IN (SELECT value FROM json_each(?))"
                " AND e.briefed_day IS NOT NULL AND e.briefed_day < ? ORDER BY d.id",
                (ids, day.isoformat()),
            )
        }
        return DayDocuments(docs, len(pending), reprints, earlier, self._carried(day))

    def _carried(self, day: dt.date) -> list[tuple[Reprint, str]]:
        """Copies of a source an earlier day briefed that were collected for ``day`` or since
        the brief before it (a rebuild of ``day`` finds them again, the next day's brief does
        not), each with the text of the source it copies."""
        row = self._db.execute(  # the brief before: one of news or a "no new sources" one
            "SELECT max(day) FROM runs WHERE day < ? AND status IN ('ok', 'no_new')",
            (day.isoformat(),),
        ).fetchone()
        after = str(row[0]) if row and row[0] else ""
        copies = self._documents(
            "cluster != id AND added_run IN (SELECT id FROM runs WHERE day > ? AND day <= ?)"
            " AND cluster IN (SELECT id FROM documents WHERE briefed_day < ?)",
            (after, day.isoformat(), day.isoformat()),
        )
        originals = {
            o.document.id: o
            for o in self._documents(
                "id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted({c.cluster for c in copies})),),
            )
        }
        out = []
        for c in copies:
            copy, original = c.document, originals[c.cluster]
            reprint = Reprint(
                source_id=c.cluster,
                path=copy.path,
                outlet=copy.outlet,
                title=copy.title,
                url=copy.url,
                briefed=original.briefed_day,
            )
            out.append((reprint, original.document.text))
        return out

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
                db.executemany("DELETE FROM lsh_keys WHERE doc_id=?", [(i,) for i in ids])
                db.execute("DELETE FROM documents WHERE cluster=?", (cluster,))
                removed += len(ids)
        return removed

    # ------------------------------------------------------------------ runs

    def begin_run(
        self,
        day: dt.date,
        *,
        now: dt.datetime,
        window_start: dt.datetime | None,
        window_end: dt.datetime,
        pid: int,
    ) -> int:
        """Record a run as started (runs a killed process left 'running' become 'abandoned';
        call while holding the run lock)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET status='abandoned', finished_at=?,"
                " error='process ended before the run finished' WHERE status='running'",
                (_iso(now),),
            )
            cur = db.execute(
                "INSERT INTO runs (day, status, started_at, window_start, window_end, pid)"
                " VALUES (?, 'running', ?, ?, ?, ?)",
                (day.isoformat(), _iso(now), _iso(window_start), _iso(window_end), pid),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def record_run(self, run_id: int, **values: object) -> None:
        """Note what a run did so far (documents added, warnings, its end, its failure)."""
        unknown = set(values) - _RUN_VALUES
        if unknown:
            raise ValueError(f"unknown run column {sorted(unknown)[0]}")
        cols = ", ".join(f"{key}=?" for key in values)
        params = [_sql_value(v) for v in values.values()]
        self._db.execute(f"UPDATE runs SET {cols} WHERE id=?", (*params, run_id))

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

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first."""
        sql = f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id DESC"
        params: tuple[object, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._reading("runs"):
            return [self._run(r) for r in self._db.execute(sql, params)]

    def last_window_end(self, *, before_day: dt.date) -> dt.datetime | None:
        """The end of the newest successful run's window, of a day before ``before_day``."""
        row = self._db.execute(
            "SELECT window_end FROM runs WHERE status IN ('ok', 'no_new', 'unchanged')"
            " AND day < ? ORDER BY window_end DESC, id DESC LIMIT 1",
            (before_day.isoformat(),),
        ).fetchone()
        with self._reading("runs"):
            return _parse_dt(row[0]) if row else None

    def unchanged_since_last_run(self, day: dt.date, fingerprint: str) -> bool:
        """Whether the day's last finished run built a brief of the same inputs."""
        row = self._db.execute(
            "SELECT fingerprint FROM runs WHERE day=? AND status IN ('ok', 'no_new')"
            " ORDER BY id DESC LIMIT 1",
            (day.isoformat(),),
        ).fetchone()
        return row is not None and row[0] == fingerprint

    def newest_brief_day(self, *, other_than: dt.date) -> dt.date | None:
        """The newest day with a finished brief other than ``other_than``."""
        row = self._db.execute(
            "SELECT max(day) FROM runs WHERE status IN ('ok', 'no_new') AND day != ?",
            (other_than.isoformat(),),
        ).fetchone()
        with self._reading("runs"):
            return dt.date.fromisoformat(row[0]) if row and row[0] else None

    # ------------------------------------------------------------------ a day's results

    def commit_day(
        self,
        run_id: int,
        day: dt.date,
        doc_ids: Sequence[str],
        facts: Sequence[Fact],
        contradictions: Sequence[Contradiction],
        record: Mapping[str, object],
        stories: Sequence[PreviousStory] = (),
    ) -> None:
        """After the brief is on disk: its documents are briefed, its facts, contradictions
        and stories become the day's results, and the run is finished, all at once."""
        iso = day.isoformat()
        with self.transaction() as db:
            db.executemany(
                "UPDATE documents SET briefed_day=? WHERE id=? AND briefed_day IS NULL",
                [(iso, d) for d in doc_ids],
            )
            if record.get("status") == "ok":
                db.execute("DELETE FROM facts WHERE day=?", (iso,))
                db.execute("DELETE FROM contradictions WHERE day=?", (iso,))
                db.execute("DELETE FROM stories WHERE day=?", (iso,))
                db.executemany(
                    "INSERT INTO stories (day, run_id, position, data) VALUES (?,?,?,?)",
                    [(iso, run_id, i, s.model_dump_json()) for i, s in enumerate(stories)],
                )
                db.executemany(
                    "INSERT INTO facts (day, run_id, position, key, data) VALUES (?,?,?,?,?)",
                    [
                        (iso, run_id, i, fact_key(f), f.model_dump_json())
                        for i, f in enumerate(facts)
                    ],
                )
                db.executemany(
                    "INSERT INTO contradictions (day, run_id, position, key, data)"
                    " VALUES (?,?,?,?,?)",
                    [
                        (iso, run_id, i, contradiction_key(c), c.model_dump_json())
                        for i, c in enumerate(contradictions)
                    ],
                )
            self.record_run(run_id, **record)

    def previous_brief(self, day: dt.date, *, since: dt.datetime | None = None) -> PreviousDay:
        """What the latest brief before ``day`` reported (a "no new sources" day has none)."""
        row = self._db.execute(
            "SELECT max(day) FROM runs WHERE day < ? AND status = 'ok'", (day.isoformat(),)
        ).fetchone()
        if not row or not row[0]:
            return PreviousDay(since=since)
        iso = str(row[0])
        facts = self._day_rows("facts", Fact, iso)
        contras = self._day_rows("contradictions", Contradiction, iso)
        stories = self._day_rows("stories", PreviousStory, iso)
        with self._reading("runs"):
            day_briefed = dt.date.fromisoformat(iso)
        return PreviousDay(
            day=day_briefed,
            facts=facts,
            contradictions=contras,
            stories=stories,
            since=since,
        )
