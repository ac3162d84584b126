"""An on-disk cache of LLM calls (SQLite, WAL), so an identical re-run makes no HTTP request.

A call is keyed by everything that decides its answer: the endpoint's base URL, the model,
the hash of the prompt templates, the JSON schema the answer must match, the request's
parameters and its input. The API key is never part of a key or a value. The same database
remembers, per base URL, which structured-output mode the server accepts (see
``briefing.engines.ladder``), so the capability probe happens once per endpoint.

``--no-cache`` (``Settings.cache = False``) means the engine opens no cache at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from briefing.errors import EngineError
from briefing.sanitize import shown
from briefing.sourcefiles import file_kind

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_calls (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    value TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS capabilities (
    base_url TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    probed REAL NOT NULL
);
"""
_TABLES = frozenset({"llm_calls", "capabilities"})
# Every column read or written: a file that has the tables under other columns is no cache.
_COLUMNS = """
SELECT key, model, value, created FROM llm_calls LIMIT 0;
SELECT base_url, mode, probed FROM capabilities LIMIT 0;
"""


def cache_key(*, base_url: str, model: str, prompt_hash: str, schema: str, payload: Any) -> str:
    """A stable key for one logical LLM call. ``payload`` must be JSON-serialisable."""
    material = json.dumps(
        {
            "base_url": base_url.rstrip("/"),
            "model": model,
            "prompt": prompt_hash,
            "schema": schema,
            "input": payload,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class LLMCache:
    """A thread-safe SQLite cache. Values are JSON objects."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        try:
            if str(self.path) != ":memory:":
                self._check_file()
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            self._check_tables()  # before anything is written to it
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA + _COLUMNS)
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise self._unusable(exc) from exc

    def _check_file(self) -> None:
        """EngineError for a path where something that is no file is: SQLite would read a
        device as an empty database and write a journal beside it (``/dev/null-journal``)."""
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return
        if not stat.S_ISREG(mode):
            raise EngineError(
                f"{shown(self.path)}: is {file_kind(mode)}, not an LLM cache; set "
                "BRIEFING_CACHE_PATH to a file or pass --no-cache"
            )

    def _check_tables(self) -> None:
        """EngineError for a database holding tables the cache never makes: another program's
        database (a mistyped ``BRIEFING_CACHE_PATH``, or the corpus store) would otherwise
        gain the cache's tables and a WAL journal. It is left as it was."""
        names = {
            str(name)
            for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        others = sorted(n for n in names - _TABLES if not n.startswith("sqlite_"))
        if others:
            self._db.close()
            raise EngineError(
                f"{shown(self.path)}: not an LLM cache (it holds other tables: "
                f"{shown(', '.join(others), 60)}); set BRIEFING_CACHE_PATH to another file "
                "or pass --no-cache"
            )

    def _unusable(self, exc: BaseException) -> EngineError:
        return EngineError(
            f"{self.path}: cannot use the LLM cache ({exc}); pass --no-cache or "
            "set BRIEFING_CACHE_PATH to a writable file"
        )

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        """The database, under the lock. A failure once it is open (a page damaged on disk,
        a disk gone read-only or full) is the same one line as failing to open it, not a
        traceback from the middle of a brief."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise self._unusable(exc) from exc

    def get(self, key: str) -> dict[str, Any] | None:
        with self._database() as db:
            row = db.execute("SELECT value FROM llm_calls WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            value = json.loads(row[0])
        except (ValueError, TypeError):  # not JSON, or bytes that are no text (UnicodeError)
            logger.warning("%s: ignoring a corrupt cache entry", self.path)
            self.misses += 1
            return None
        if not isinstance(value, dict):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, model: str, value: dict[str, Any]) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self._database() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_calls (key, model, value, created) VALUES (?, ?, ?, ?)",
                (key, model, text, time.time()),
            )
            db.commit()

    def get_capability(self, base_url: str) -> str | None:
        with self._database() as db:
            row = db.execute(
                "SELECT mode FROM capabilities WHERE base_url = ?", (base_url.rstrip("/"),)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_capability(self, base_url: str, mode: str) -> None:
        with self._database() as db:
            db.execute(
                "INSERT OR REPLACE INTO capabilities (base_url, mode, probed) VALUES (?, ?, ?)",
                (base_url.rstrip("/"), mode, time.time()),
            )
            db.commit()

    def __len__(self) -> int:
        with self._database() as db:
            row = db.execute("SELECT COUNT(*) FROM llm_calls").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
