"""Benchmark of the one-page PDF: whole-process time on examples/ and the fit loop at scale.

    .venv/bin/python bench/pdf_bench.py            # prints a Markdown report
    .venv/bin/python bench/pdf_bench.py --runs 5

1. Whole process: `python -m briefing build examples -o brief.pdf`, run --runs times (target:
   under 2 s each).
2. Fit loop at scale: a brief built (offline engine) from ~1,400 real news documents (the
   NeuS validation clusters split on [SEP], plus the FNC-1 article bodies, read from
   ../shared/eval-data; skipped when absent), then render_pdf timed (target: under 5 s), once
   as built and once with every verified fact put back on the page, which needs several pages
   before fitting.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
sys.path.insert(0, str(ROOT))

from briefing.config import Settings  # noqa: E402
from briefing.models import Brief, SourceRef  # noqa: E402
from briefing.pipeline import build_brief_from_paths  # noqa: E402
from briefing.render.html import render_html  # noqa: E402
from briefing.render.pdf import _fit, _Layouter, render_pdf  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_process(runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each run (CPU = user + system of the child process)."""
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "brief.pdf"
        for _ in range(runs):
            cpu, started = _children_cpu(), time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "briefing", "build", "examples", "-o", str(out), "-q"],
                cwd=ROOT,
                check=True,
            )
            walls.append(time.perf_counter() - started)
            cpus.append(_children_cpu() - cpu)
    return walls, cpus


def write_corpus(folder: Path) -> int:
    """The NeuS validation excerpts and FNC-1 bodies as .txt files; returns how many."""
    count = 0
    neus = EVAL_DATA / "neus_allsides" / "val.source"
    for line in neus.read_text(encoding="utf-8").splitlines():
        for part in line.split("[SEP]"):
            title, _, body = part.partition("ARTICLE=>")
            title = title.replace("TITLE=>", "").strip()
            if body.strip():
                count += 1
                text = f"{title}\n\n{body.strip()}\n"
                (folder / f"neus_{count:05d}.txt").write_text(text, encoding="utf-8")
    with (EVAL_DATA / "fnc1_dev" / "bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            body = row["articleBody"].strip()
            if body:
                count += 1
                (folder / f"fnc1_{row['Body ID']}.txt").write_text(body + "\n", encoding="utf-8")
    return count


def time_fit(brief: Brief) -> dict[str, object]:
    layouter = _Layouter("a4")
    cpu, started = time.process_time(), time.perf_counter()
    _fitted, counts, font_pt, _document = _fit(brief, layouter)
    fit_s, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    result = render_pdf(brief)
    render_s = time.perf_counter() - started
    return {
        "fit_s": fit_s,
        "fit_cpu": fit_cpu,
        "render_s": render_s,
        "layouts": layouter.layouts,
        "pages": result.pages,
        "omitted": counts,
        "font_pt": font_pt,
    }


def with_all_facts(brief: Brief) -> Brief:
    """The brief with every verified fact back on the page (and a source entry for each)."""
    facts = [*brief.facts, *brief.more_facts]
    sources = list(brief.sources)
    known = {s.id for s in sources}
    for fact in facts:
        for citation in fact.citations:
            if citation.source_id not in known:
                known.add(citation.source_id)
                number = len(sources) + 1
                sources.append(
                    SourceRef(
                        id=citation.source_id,
                        number=number,
                        title=None,
                        path=f"document {citation.source_id}",
                    )
                )
    return brief.model_copy(update={"facts": facts, "more_facts": [], "sources": sources})


def pages_unfitted(brief: Brief) -> int:
    from weasyprint import HTML

    return len(HTML(string=render_html(brief)).render().pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    walls, cpus = whole_process(args.runs)
    print("## Whole process: `python -m briefing build examples -o brief.pdf`\n")
    print(
        f"{len(walls)} runs. Wall: median {statistics.median(walls):.2f} s, "
        f"min {min(walls):.2f} s, max {max(walls):.2f} s. CPU (user + system): median "
        f"{statistics.median(cpus):.2f} s, max {max(cpus):.2f} s. Target < 2 s.\n"
    )

    if not (EVAL_DATA / "neus_allsides" / "val.source").is_file():
        print("## Fit loop at scale\n\nskipped: ../shared/eval-data not found\n")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        docs = write_corpus(Path(tmp))
        started = time.perf_counter()
        brief = build_brief_from_paths(
            [tmp], settings=Settings(), today=dt.date(2026, 11, 21), max_bytes=10_000_000
        )
        build_s = time.perf_counter() - started
    everything = with_all_facts(brief)
    print(f"## Fit loop at scale: {docs} documents (NeuS val + FNC-1 bodies)\n")
    print(f"pipeline (offline engine, not part of the target): {build_s:.1f} s\n")
    print(
        "| brief | pages before fitting | layouts | fit loop wall (CPU) | render_pdf wall "
        "| dropped | font |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, b in (("as built", brief), ("every verified fact on the page", everything)):
        before = pages_unfitted(b)
        r = time_fit(b)
        print(
            f"| {label} ({len(b.facts)} facts, {len(b.contradictions)} contradictions) "
            f"| {before} | {r['layouts']} | {r['fit_s']:.2f} s ({r['fit_cpu']:.2f} s) "
            f"| {r['render_s']:.2f} s "
            f"| {r['omitted'] or 'nothing'} | {r['font_pt']} pt |"
        )
    print("\n(target: fit loop < 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
