"""Per-item work shared with a second process, results in item order.

Ingest reads thousands of files, each on its own (decode, header, furniture). ``ordered_map``
forks one worker beside the main process; both claim the next chunk of items from a shared
counter, so when the second core is busy with something else the main process simply takes
more chunks. The worker sends what it did when the items run out; the results are in item
order, as a plain loop gives them. Whatever the worker did not finish (it died, or an item
raised there) is done again in the main process, in order, so the result, and the exception
a bad item raises, never depend on the worker.

Only where ``fork`` is the cheap way to start a process (Linux), from a process that runs no
other thread (a fork copies no thread, and a lock another thread held stays held in the
child), and when a CPU is free at that moment: on a machine whose other CPUs are busy, the
worker only takes time from the main process and adds the cost of passing results back
(10,000 files: 0.75 -> 0.49 s with a CPU free, 0.70 -> 0.83 s without).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized

T = TypeVar("T")
R = TypeVar("R")

# Below this many items the fork, the pickling of results and the import of multiprocessing
# cost more than the second process saves (measured on ingest: bench/README.md).
MIN_ITEMS = 4000
CHUNK = 100  # items a process claims at a time: the last one is all the main process waits for


def _workers_possible() -> bool:
    if sys.platform != "linux" or threading.active_count() > 1:
        return False
    try:  # "running/total" tasks: the ones that can run now, this process among them
        with open("/proc/loadavg", encoding="ascii") as fh:
            running = int(fh.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return False
    return running < len(os.sched_getaffinity(0))


class _Missing:
    """What a result is until a process computed it."""


_MISSING = _Missing()


def ordered_map(func: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[func(item) for item in items]``, with a forked worker when there are MIN_ITEMS items
    or more and the machine allows it. ``func`` must be a pure function of the item (reading a
    file is), and its results picklable."""
    if len(items) < MIN_ITEMS or not _workers_possible():
        return [func(item) for item in items]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    chunks = -(-len(items) // CHUNK)
    try:
        counter = context.Value("i", 0)  # a lock in shared memory: none where /dev/shm is not
        receive, send = context.Pipe(duplex=False)
    except OSError:
        return [func(item) for item in items]
    worker = context.Process(target=_work, args=(func, items, chunks, counter, send), daemon=True)
    for stream in (sys.stdout, sys.stderr):  # what they buffered is not the worker's to write
        stream.flush()
    worker.start()
    send.close()
    results: list[R | _Missing] = [_MISSING] * len(items)
    try:
        while (chunk := _claim(counter, chunks)) is not None:
            for k in range(chunk * CHUNK, min(len(items), (chunk + 1) * CHUNK)):
                try:
                    results[k] = func(items[k])
                except Exception:  # raised again below, in item order
                    continue
        try:
            for k, value in receive.recv():
                results[k] = value
        except (EOFError, OSError):  # the worker died: its items are done below
            pass
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
    return [func(items[k]) if isinstance(r, _Missing) else r for k, r in enumerate(results)]


def _claim(counter: Synchronized[int], chunks: int) -> int | None:
    with counter.get_lock():
        chunk = counter.value
        if chunk >= chunks:
            return None
        counter.value = chunk + 1
    return chunk


def _work(
    func: Callable[[Any], Any],
    items: Sequence[Any],
    chunks: int,
    counter: Synchronized[int],
    send: Connection,
) -> None:
    # Ctrl-C reaches the whole process group: the main process stops and terminates this one,
    # which would otherwise print a KeyboardInterrupt traceback of its own under the one line.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    done: list[tuple[int, Any]] = []
    try:
        while (chunk := _claim(counter, chunks)) is not None:
            for k in range(chunk * CHUNK, min(len(items), (chunk + 1) * CHUNK)):
                try:
                    done.append((k, func(items[k])))
                except Exception:  # left to the main process, where it raises in order
                    continue
        send.send(done)
    finally:
        send.close()
