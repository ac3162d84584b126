"""Benchmark of `briefing daily`: a store of 10,000 documents, then 200 new ones.

Targets (issue 5): the daily run with 200 new documents < 15 s with the offline engine; a rerun
with nothing new < 2 s. Documents come from ../shared/eval-data (NeuS val.source split on
[SEP], FNC-1 bodies.csv), replicated with small variations (another outlet line, a sentence
dropped or an update line added) so the store holds many near-duplicate reprints, as a real
news corpus does. 200 source texts are held back: they are the day's new documents.

    .venv/bin/python bench/daily_bench.py            # full size
    .venv/bin/python bench/daily_bench.py --docs 2000 --new 50   # quicker
    .venv/bin/python bench/daily_bench.py --folder 5000   # daily vs build on one folder

Writes bench/results/daily.json. Skips (exit 0 with a message) when the data is absent.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.changes import brief_contradictions, brief_facts  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.daily.collect import collect, expand_sources, run_window  # noqa: E402
from briefing.daily.config import DailyConfig  # noqa: E402
from briefing.daily.fetch import HttpClient  # noqa: E402
from briefing.daily.run import run_daily  # noqa: E402
from briefing.daily.store import Store  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval-data"
_ITEM = re.compile(r"TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.DOTALL)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def base_texts() -> list[tuple[str, str]]:
    """(title, body) pairs from NeuS excerpts and FNC-1 bodies."""
    out: list[tuple[str, str]] = []
    for line in (EVAL / "neus_allsides" / "val.source").read_text(encoding="utf-8").splitlines():
        for raw in line.split("[SEP]"):
            match = _ITEM.search(raw)
            if match and len(match.group(2).split()) >= 30:
                out.append((match.group(1).strip(), match.group(2).strip()))
    csv.field_size_limit(10_000_000)
    with (EVAL / "fnc1_dev" / "bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body = row["articleBody"].strip()
            if len(body.split()) >= 30:
                out.append((" ".join(body.split()[:10]), body))
    return out


def variant(title: str, body: str, v: int, rng: random.Random) -> str:
    sentences = _SENTENCE.split(body)
    if v % 3 == 1 and len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    elif v % 3 == 2:
        sentences.append(f"This report was updated (revision {v}).")
    return f"Title: {title}\nSource: Outlet {v}\n\n" + " ".join(sentences) + "\n"


def seed_store(config: DailyConfig, archive: Path, texts: list[tuple[str, str]], n: int) -> float:
    """Write n archive files and ingest them as if earlier days had briefed them."""
    rng = random.Random(11)
    archive.mkdir(parents=True)
    for i in range(n):
        title, body = texts[i % len(texts)]
        (archive / f"{i:05d}.txt").write_text(variant(title, body, i // len(texts), rng))
    started = time.perf_counter()
    past = dt.datetime(2026, 11, 18, 7, 0, tzinfo=dt.UTC)
    with Store(config.store_path) as store:
        window = run_window(config, store, past, None)
        run_id = store.begin_run(window.day, now=past, window_start=window.start,
                                 window_end=window.end, pid=0)  # fmt: skip
        client = HttpClient(user_agent="bench", timeout_s=1)
        got = collect(expand_sources(config), store, config, window, client=client, now=past,
                      run_id=run_id, progress=lambda m: None)  # fmt: skip
        batch = store.day_documents(window.day)
        record = {"status": "ok", "finished_at": past, "docs_added": got.added}
        store.commit_day(run_id, window.day, [d.id for d in batch.documents], [], [], record)
        count = store.count_documents()
    print(f"seeded {count} documents ({got.reprints} stored as reprints) "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return time.perf_counter() - started


def _timed(argv: list[str], cwd: Path) -> float:
    """Wall-clock seconds of a whole process, as /usr/bin/time reports them (when present)."""
    time_bin = Path("/usr/bin/time")
    if time_bin.exists():
        proc = subprocess.run([str(time_bin), "-f", "%e", *argv], cwd=cwd, capture_output=True,
                              text=True, check=False)  # fmt: skip
        if proc.returncode not in (0, 3):
            raise SystemExit(f"{argv[:3]} failed: {proc.stderr[-500:]}")
        return float(proc.stderr.strip().splitlines()[-1])
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def folder_speed(texts: list[tuple[str, str]], n: int) -> int:
    """``daily`` against ``build`` over one folder of n small files (issue 12: within 3x)."""
    work = Path(tempfile.mkdtemp(prefix="briefing-daily-folder-"))
    try:
        inbox = work / "inbox"
        inbox.mkdir()
        for i in range(n):
            title, body = texts[i % len(texts)]
            sentences = _SENTENCE.split(body)
            k = (i // len(texts)) * 3  # another part of the text for each pass over the corpus
            part = sentences[k : k + 3] if len(sentences) >= k + 3 else sentences[:3]
            (inbox / f"{i:05d}.txt").write_text(
                f"Title: {title}\nSource: Outlet {i}\n\n" + " ".join(part) + "\n"
            )
        (work / "briefing.toml").write_text(
            f'[daily]\nsources = ["{inbox}"]\nout = "{work / "briefs"}"\n'
        )
        exe = [sys.executable, "-m", "briefing", "-q"]
        build_s = _timed([*exe, "build", str(inbox), "-o", str(work / "build.md")], work)
        daily_s = _timed([*exe, "daily", "--config", str(work / "briefing.toml")], work)
        rerun_s = _timed([*exe, "daily", "--config", str(work / "briefing.toml")], work)
        ratio = daily_s / build_s
        report = {
            "files": n,
            "build_s": build_s,
            "daily_s": daily_s,
            "daily_rerun_s": rerun_s,
            "ratio": round(ratio, 2),
            "met": ratio <= 3.0,
        }
        print(json.dumps(report, indent=2))
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "daily_folder.json").write_text(json.dumps(report, indent=2) + "\n")
        return 0 if report["met"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=200)
    parser.add_argument(
        "--folder", type=int, metavar="N", help="instead: daily vs build over N small files"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not EVAL.is_dir():
        print(f"skipped: {EVAL} is not present")
        return 0
    if args.folder:
        return folder_speed(base_texts(), args.folder)
    texts = base_texts()
    rng = random.Random(7)
    rng.shuffle(texts)
    fresh, old = texts[: args.new], texts[args.new :]
    work = Path(tempfile.mkdtemp(prefix="briefing-daily-bench-"))
    try:
        inbox = work / "inbox"
        config = DailyConfig(sources=[str(inbox)], out=work / "briefs")
        config.out.mkdir(parents=True)
        seed_s = seed_store(config, inbox / "archive", old, args.docs)
        (inbox / "new").mkdir()
        for i, (title, body) in enumerate(fresh):
            (inbox / "new" / f"{i:04d}.txt").write_text(f"Title: {title}\n\n{body}\n")
        settings = Settings(cache=False)
        day = dt.datetime(2026, 11, 19, 7, 0, tzinfo=dt.UTC)
        timings: dict[str, float] = {}
        results = {}
        for label, now in (
            ("daily_new", day),
            ("rerun_nothing_new", day + dt.timedelta(minutes=30)),
            ("next_day_nothing_new", day + dt.timedelta(days=1)),
        ):
            started = time.perf_counter()
            result = run_daily(config, now=now, settings=settings)
            timings[label] = time.perf_counter() - started
            results[label] = {
                "status": result.status, "documents_added": result.docs_added,
                "documents_in_brief": result.docs_in_brief,
                "facts": len(brief_facts(result.brief)) if result.brief else 0,
                "contradictions": len(brief_contradictions(result.brief)) if result.brief else 0,
                "warnings": len(result.warnings), "seconds": round(timings[label], 2),
                "build_brief_seconds": result.brief.stats.elapsed_s if result.brief else 0.0,
            }  # fmt: skip
            print(f"{label:22} {timings[label]:6.2f} s  {results[label]}")
        with Store(config.store_path) as store:
            total = store.count_documents()
        report = {
            "store_documents": total,
            "seed_seconds": round(seed_s, 1),
            "runs": results,
            "targets": {"daily_new_s": 15.0, "rerun_nothing_new_s": 2.0},
            "met": timings["daily_new"] < 15.0 and timings["rerun_nothing_new"] < 2.0,
        }
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "daily.json").write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
        return 0 if report["met"] else 1
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
