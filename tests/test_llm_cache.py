"""The SQLite LLM-call cache: keys, persistence, WAL, capabilities, concurrency, bad files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from briefing.engines.cache import LLMCache, cache_key
from briefing.errors import EngineError

BASE = {
    "base_url": "https://api.example.test/v1",
    "model": "m1",
    "prompt_hash": "p1",
    "schema": '{"type":"object"}',
    "payload": {"vars": {"topic": "t", "blocks": ["a", "b"]}, "max_tokens": 10},
}


def test_key_is_stable_and_ignores_dict_order_and_trailing_slash() -> None:
    same = {**BASE, "payload": {"max_tokens": 10, "vars": {"blocks": ["a", "b"], "topic": "t"}}}
    assert cache_key(**BASE) == cache_key(**same)  # type: ignore[arg-type]
    slash = {**BASE, "base_url": "https://api.example.test/v1/"}
    assert cache_key(**BASE) == cache_key(**slash)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_url", "http://127.0.0.1:8000/v1"),
        ("model", "m2"),
        ("prompt_hash", "p2"),
        ("schema", '{"type":"array"}'),
        ("payload", {"vars": {"topic": "t", "blocks": ["a", "c"]}, "max_tokens": 10}),
        ("payload", {"vars": {"topic": "t", "blocks": ["a", "b"]}, "max_tokens": 20}),
    ],
)
def test_key_changes_with_every_component(field: str, value: object) -> None:
    assert cache_key(**{**BASE, field: value}) != cache_key(**BASE)  # type: ignore[arg-type]


def test_put_get_round_trip_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "cache.sqlite"
    cache = LLMCache(path)
    key = cache_key(**BASE)  # type: ignore[arg-type]
    assert cache.get(key) is None
    cache.put(key, "m1", {"contents": ['{"facts": []}']})
    cache.close()
    again = LLMCache(path)
    assert again.get(key) == {"contents": ['{"facts": []}']}
    assert len(again) == 1 and again.hits == 1


def test_database_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    LLMCache(path).close()
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_capabilities_are_remembered_per_base_url(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = LLMCache(path)
    cache.set_capability("http://a.test/v1/", "json_object")
    cache.close()
    again = LLMCache(path)
    assert again.get_capability("http://a.test/v1") == "json_object"
    assert again.get_capability("http://b.test/v1") is None


def test_concurrent_writers_do_not_lose_entries(tmp_path: Path) -> None:
    cache = LLMCache(tmp_path / "cache.sqlite")

    def write(n: int) -> None:
        for i in range(25):
            cache.put(f"k{n}-{i}", "m", {"n": n, "i": i})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 100
    assert cache.get("k3-24") == {"n": 3, "i": 24}


def test_corrupt_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = LLMCache(path)
    raw = sqlite3.connect(path)
    raw.execute("INSERT INTO llm_calls VALUES ('bad', 'm', 'not json', 0)")
    raw.commit()
    raw.close()
    assert cache.get("bad") is None


def test_unusable_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database, just some bytes" * 100)
    with pytest.raises(EngineError) as info:
        LLMCache(path)
    message = str(info.value)
    assert str(path) in message and "--no-cache" in message and "\n" not in message


def test_an_entry_of_bytes_that_are_no_text_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = LLMCache(path)
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO llm_calls VALUES ('bad', 'm', x'c3', 0)")  # UnicodeDecodeError
    raw.close()
    assert cache.get("bad") is None


def test_a_cache_of_other_columns_is_refused_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE llm_calls (x)")  # was OperationalError at the first call
    raw.close()
    with pytest.raises(EngineError, match=r"cache\.sqlite: cannot use the LLM cache .*--no-cache"):
        LLMCache(path)


def test_a_cache_damaged_on_disk_is_one_error_at_the_call_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    cache = LLMCache(path)
    for i in range(400):
        cache.put(f"k{i}", "m", {"contents": ["x" * 200]})
    cache.close()
    cache = LLMCache(path)  # opens: the damage is in pages only a lookup reads
    with path.open("r+b") as fh:
        fh.seek(8192)
        fh.write(b"\xde\xad" * 4000)
    for call in (lambda: cache.get("k7"), lambda: cache.put("k7", "m", {}), lambda: len(cache)):
        with pytest.raises(EngineError, match=r"cache\.sqlite: cannot use the LLM cache"):
            call()


@pytest.mark.parametrize("other", ["contacts", "meta"])  # meta: the corpus store's
def test_another_programs_database_is_refused_and_left_untouched(
    tmp_path: Path, other: str
) -> None:
    # BRIEFING_CACHE_PATH naming another program's database (or the corpus store) gave it the
    # cache's two tables and a WAL journal.
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute(f"CREATE TABLE {other} (name TEXT)")
        raw.execute(f"INSERT INTO {other} VALUES ('kept')")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(EngineError) as info:
        LLMCache(path)
    assert str(info.value) == (
        f"{path}: not an LLM cache (it holds other tables: {other}); set BRIEFING_CACHE_PATH "
        "to another file or pass --no-cache"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]  # no -wal, no -shm


def test_a_cache_path_that_is_no_file_is_refused_before_sqlite_opens_it(tmp_path: Path) -> None:
    # /dev/null was opened as an empty database, and /dev/null-journal written beside it.
    (tmp_path / "folder").mkdir()
    for path, kind in (
        (tmp_path / "folder", "a directory"),
        (Path("/dev/null"), "a character device"),
    ):
        with pytest.raises(EngineError, match=f"^{path}: is {kind}, not an LLM cache"):
            LLMCache(path)
    assert not Path("/dev/null-journal").exists()
