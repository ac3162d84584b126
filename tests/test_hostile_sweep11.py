"""Hostile inputs, eleventh sweep: what the earlier sweeps left, and what probing found next.

Each test is a defect reproduced with the CLI first: files a read-only command left beside the
corpus store, ...
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from daily_samples import FERRY_STRIKE, make_document

from briefing.cli import main
from briefing.daily.store import Store

NOW = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)

# ---------------------------------------------------------------------------- the store


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_a_read_only_command_leaves_the_store_folder_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``daily --dry-run`` and ``history`` open the store read-only; SQLite made its -shm and
    -wal files beside it and, unable to write, left them there after every such run."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.txt").write_text(FERRY_STRIKE)
    out = tmp_path / "briefs"
    assert main(["daily", str(inbox), "--out", str(out), "--date", "2026-11-20"]) == 0
    before = {name: (out / name).read_bytes() for name in _names(out)}
    assert not any(name.endswith(("-shm", "-wal")) for name in before)

    assert main(["daily", str(inbox), "--out", str(out), "--dry-run"]) == 0
    assert main(["history", "--out", str(out)]) == 0
    capsys.readouterr()
    assert {name: (out / name).read_bytes() for name in _names(out)} == before


def test_a_reader_leaves_a_running_writers_files_alone(tmp_path: Path) -> None:
    """Files that were there when the reader came (a run going on) are the writer's: the
    reader neither removes them nor stops the writer from using them."""
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer:
        assert (tmp_path / "corpus.sqlite-wal").exists()
        with Store(path, read_only=True) as reader:
            assert reader.count_documents() == 0
        assert (tmp_path / "corpus.sqlite-wal").exists()
        added = writer.add_document(make_document(FERRY_STRIKE, "a.txt"), origin="file", now=NOW)
        assert added.status == "new"
    with Store(path, read_only=True) as reader:
        assert reader.count_documents() == 1
    assert _names(tmp_path) == ["corpus.sqlite"]
