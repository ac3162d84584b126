"""ordered_map: a plain loop's results, in order, whichever process computed them."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from briefing import parallel
from briefing.ingest import ingest_paths


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker for any list of 10 items or more, whatever the machine's load."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    monkeypatch.setattr(parallel, "_workers_possible", lambda: True)


def _square(n: int) -> int:
    return n * n


def test_results_are_in_item_order(forked: None) -> None:
    items = list(range(1000))
    assert parallel.ordered_map(_square, items) == [n * n for n in items]


def _fails_at(n: int) -> int:
    if n in (30, 900):
        raise ValueError(f"item {n}")
    return n


def test_the_first_failing_item_in_order_raises(forked: None) -> None:
    with pytest.raises(ValueError, match="item 30"):
        parallel.ordered_map(_fails_at, list(range(1000)))


_PARENT = os.getpid()


def _dies_in_the_worker(n: int) -> int:
    if os.getpid() != _PARENT:
        os._exit(3)  # the worker is killed mid-way
    return n + 1


def test_what_a_dead_worker_left_is_done_in_the_main_process(forked: None) -> None:
    items = list(range(500))
    assert parallel.ordered_map(_dies_in_the_worker, items) == [n + 1 for n in items]


def _interrupted_in_the_worker(n: int) -> int:
    time.sleep(0.001)  # slow enough for the worker to take its share
    if os.getpid() != _PARENT and n % 50 == 0:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C reaches every process of the group
    return n + 1


def test_ctrl_c_is_left_to_the_main_process(
    forked: None, capfd: pytest.CaptureFixture[str]
) -> None:
    """The worker printed 'Process ForkProcess-1:' and a KeyboardInterrupt traceback under
    the main process's one 'Error: interrupted' line."""
    items = list(range(500))
    assert parallel.ordered_map(_interrupted_in_the_worker, items) == [n + 1 for n in items]
    assert "Traceback" not in capfd.readouterr().err


def test_few_items_stay_in_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_workers_possible", lambda: pytest.fail("asked"))
    assert parallel.ordered_map(_square, [1, 2, 3]) == [1, 4, 9]


def test_ingest_reads_a_folder_alike_on_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(60):
        text = f"Report {i % 40}: the council said on Monday that the bridge would reopen.\n"
        (tmp_path / f"{i:03d}.txt").write_text(text if i % 9 else "", encoding="utf-8")
    (tmp_path / "030.txt").write_bytes(b"caf\xe9 owners said the bridge would reopen soon.\n")
    (tmp_path / "page.html").write_text("<p>short</p>", encoding="utf-8")
    alone = ingest_paths([tmp_path])
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10)
    monkeypatch.setattr(parallel, "CHUNK", 4)
    monkeypatch.setattr(parallel, "_workers_possible", lambda: True)
    shared = ingest_paths([tmp_path])
    assert shared == alone
    # empty files, copies, a repaired encoding and an HTML page without an article: the same
    # warnings in the same order
    assert (len(alone.documents), alone.skipped, len(alone.warnings)) == (38, 23, 24)
