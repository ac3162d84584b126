"""Efficiency benchmark of the OpenAI engine against a scripted endpoint on loopback.

    .venv/bin/python bench/openai_bench.py                 # writes bench/OPENAI.md
    .venv/bin/python bench/openai_bench.py --latency 0.5 --concurrency 1 4 16 --out -

For each input set and concurrency it reports the number of LLM calls, prompt tokens divided
by source tokens (goal: at most 1.5, i.e. each source token sent about once plus
instructions), completion tokens and wall time, then re-runs with the warm cache and counts
the HTTP requests that reach the server (should be 0).

Inputs:
- ``examples/``: the whole pipeline (``briefing.pipeline.build_brief``) with this engine.
- the ~1,400-article corpus (NeuS val.source, 300 clusters split on [SEP], plus FNC-1
  bodies.csv from ../shared/eval-data; skipped when absent): the engine's map-reduce over
  *every* chunk (extract all, verify, propose candidate pairs, judge, synthesize), without the
  pipeline's retrieval step, which would send only the chunks relevant to one topic.

The endpoint is ``cassettes/scripted_server.py``: OpenAI wire format, rule-based answers, a
fixed simulated latency per request. Token counts are its chars/4 estimate of each request
(messages plus response_format schema), the same estimate used for the source tokens.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "cassettes")]

from scripted_server import Script, ScriptedServer  # noqa: E402

from briefing.chunk import chunk_documents  # noqa: E402
from briefing.config import Settings  # noqa: E402
from briefing.contradict import propose_candidates  # noqa: E402
from briefing.engines.cost import estimate_tokens  # noqa: E402
from briefing.engines.openai_engine import OpenAIEngine  # noqa: E402
from briefing.ingest import document_from_text, ingest_paths  # noqa: E402
from briefing.models import Document  # noqa: E402
from briefing.pipeline import build_brief  # noqa: E402
from briefing.verify import CitationIndex, verify_contradictions, verify_facts  # noqa: E402

EVAL_DATA = ROOT.parent / "shared" / "eval-data"
TODAY = dt.date(2026, 1, 1)
CORPUS_TOPIC = "the main news events, claims and disputes in these articles"


@dataclass
class Run:
    inputs: str
    documents: int
    source_tokens: int
    concurrency: int
    cached: bool
    requests: int
    prompt_tokens: int
    completion_tokens: int
    wall_s: float
    cpu_s: float
    facts: int
    contradictions: int
    by_kind: dict[str, tuple[int, int]]

    @property
    def ratio(self) -> float:
        return self.prompt_tokens / max(1, self.source_tokens)


def load_corpus(limit_clusters: int = 300) -> list[Document]:
    docs: list[Document] = []
    neus = EVAL_DATA / "neus_allsides" / "val.source"
    for n, line in enumerate(neus.read_text(encoding="utf-8").splitlines()[:limit_clusters]):
        for k, item in enumerate(line.split("[SEP]")):
            text = item.replace("TITLE=>", "").replace("ARTICLE=>", "\n").strip()
            if len(text) > 200:
                docs.append(document_from_text(text, f"neus/{n}/{k}"))
    csv.field_size_limit(10**8)
    with (EVAL_DATA / "fnc1_dev" / "bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if len(row["articleBody"]) > 200:
                docs.append(document_from_text(row["articleBody"], f"fnc1/{row['Body ID']}"))
    return docs


def _settings(base_url: str, cache_path: Path, concurrency: int) -> Settings:
    return Settings(
        engine="openai",
        model="gpt-4o-mini",
        base_url=base_url,
        api_key="bench-key",  # type: ignore[arg-type]
        concurrency=concurrency,
        cache_path=cache_path,
        timeout_s=60,
    )


def run_pipeline(engine: OpenAIEngine, docs: list[Document]) -> tuple[int, int]:
    brief = build_brief(docs, settings=engine.settings, today=TODAY, engine=engine)
    return brief.stats.facts_verified, len(brief.contradictions)


def run_map_reduce(engine: OpenAIEngine, docs: list[Document]) -> tuple[int, int]:
    chunks = chunk_documents(docs)
    index = CitationIndex(docs)
    facts, _ = verify_facts(index, engine.extract_facts(CORPUS_TOPIC, docs, chunks).value)
    judged = engine.judge_contradictions(CORPUS_TOPIC, docs, propose_candidates(facts)).value
    contradictions, _, _ = verify_contradictions(index, judged)
    engine.synthesize(CORPUS_TOPIC, facts, contradictions)
    return len(facts), len(contradictions)


def measure(
    name: str,
    docs: list[Document],
    flow: Callable[[OpenAIEngine, list[Document]], tuple[int, int]],
    levels: list[int],
    latency: float,
) -> list[Run]:
    source_tokens = sum(estimate_tokens(d.text) for d in docs)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        for level in levels:
            script = Script(latency_s=latency)
            # One server per level: the cache is keyed by base URL, so the cached re-run of
            # the last level must talk to the same endpoint as its cold run.
            with ScriptedServer(script) as server:
                cache_path = Path(tmp) / f"cache-{level}.sqlite"
                passes = (False, True) if level == levels[-1] else (False,)
                for cached in passes:
                    script.requests.clear()
                    engine = OpenAIEngine(_settings(server.base_url, cache_path, level))
                    started, cpu = time.perf_counter(), time.process_time()
                    facts, contradictions = flow(engine, docs)
                    wall = time.perf_counter() - started
                    cpu = time.process_time() - cpu
                    engine.close()
                    run = Run(
                        inputs=name,
                        documents=len(docs),
                        source_tokens=source_tokens,
                        concurrency=level,
                        cached=cached,
                        requests=len(script.requests),
                        prompt_tokens=engine.usage.prompt_tokens,
                        completion_tokens=engine.usage.completion_tokens,
                        wall_s=wall,
                        cpu_s=cpu,
                        facts=facts,
                        contradictions=contradictions,
                        by_kind=_by_kind(script.requests),
                    )
                    runs.append(run)
                    print(
                        f"{name:9} c={level:<3} {'cached' if cached else 'cold  '} "
                        f"requests={run.requests:<4} ratio={run.ratio:.2f} "
                        f"wall={run.wall_s:.2f}s facts={facts} contradictions={contradictions}",
                        file=sys.stderr,
                    )
    return runs


EXPLANATION = [
    "Why the shape of these numbers:",
    "",
    "- Extraction sends each source token once, plus about 700 tokens of instructions and "
    "JSON schema per batch (batches of at most 6,000 source tokens for gpt-4o-mini), so its "
    "share stays near 1.15-1.2. Judging and synthesis send statements derived from the "
    "facts (each statement once per call), a cost fixed per brief: it dominates a "
    "3,300-token input such as examples/ (about 0.5 each) and vanishes on a large one. On "
    "small inputs the 1.5 goal is therefore missed by design of three separate stages; on "
    "the corpus it is met.",
    "- examples/ fits one extraction batch and the stages run one after another, so "
    "concurrency cannot shorten it. On the corpus, wall time falls with concurrency until "
    "the CPU-bound work (chunking, verification, candidate pairs and the in-process scripted "
    "server, about 3 s of CPU here) dominates.",
    "- The cached re-run sends zero requests; its time is the non-LLM work only.",
    "- The corpus row measures the engine's map-reduce over every chunk, without the "
    "pipeline's retrieval step; a real brief sends only the chunks retrieved for its topic.",
    "- Not measured: a real model. Its latency is seconds per call, so the concurrency gain "
    "would be larger, and its statements are shorter than the scripted server's (which "
    "copies whole sentences), so judging and synthesis would cost fewer tokens.",
]


def _by_kind(requests: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Calls and prompt tokens per kind of request, estimated as the server does."""
    kinds: dict[str, tuple[int, int]] = {}
    for body in requests:
        user = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        kind = (
            "repair"
            if "<reply>" in user
            else "extraction"
            if "<source id=" in user
            else "judging"
            if " vs S" in user
            else "synthesis"
        )
        tokens = estimate_tokens(
            json.dumps(body["messages"], ensure_ascii=False)
            + json.dumps(body.get("response_format") or {}, ensure_ascii=False)
        )
        calls, total = kinds.get(kind, (0, 0))
        kinds[kind] = (calls + 1, total + tokens)
    return kinds


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(runs: list[Run], latency: float, notes: list[str]) -> str:
    lines = [
        "# OpenAI engine: efficiency benchmark",
        "",
        f"Generated by `bench/openai_bench.py` on {dt.date.today()} at commit {_commit()} "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, shared 2-core machine).",
        "",
        "Endpoint: `cassettes/scripted_server.py` on 127.0.0.1, OpenAI wire format, "
        f"**{latency:g} s simulated latency per request**, rule-based answers (not a model). "
        "Tokens are chars/4 estimates of each full request (messages + JSON schema) and of "
        "the source documents' text. Model name sent: gpt-4o-mini (prices used for the cost "
        "estimate only).",
        "",
        "| inputs | docs | source tokens | concurrency | run | LLM calls | prompt tokens "
        "| prompt / source | completion tokens | wall time | CPU time | facts | contradictions |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| {r.inputs} | {r.documents} | {r.source_tokens:,} | {r.concurrency} | "
            f"{'cached re-run' if r.cached else 'cold'} | {r.requests} | "
            f"{r.prompt_tokens:,} | {r.ratio:.2f} | {r.completion_tokens:,} | "
            f"{r.wall_s:.2f} s | {r.cpu_s:.2f} s | {r.facts} | {r.contradictions} |"
        )
    lines += ["", "## Where the prompt tokens go (cold run at the first concurrency level)", ""]
    lines += [
        "| inputs | kind | calls | prompt tokens | share of source tokens |",
        "|---|---|---:|---:|---:|",
    ]
    seen: set[str] = set()
    for r in runs:
        if r.cached or r.inputs in seen:
            continue
        seen.add(r.inputs)
        for kind, (calls, tokens) in r.by_kind.items():
            share = tokens / max(1, r.source_tokens)
            lines.append(f"| {r.inputs} | {kind} | {calls} | {tokens:,} | {share:.2f} |")
    lines += ["", "## Reading it", ""]
    for name in dict.fromkeys(r.inputs for r in runs):
        mine = [r for r in runs if r.inputs == name]
        cold = [r for r in mine if not r.cached]
        cached = [r for r in mine if r.cached]
        ratio = cold[0].ratio
        verdict = "meets" if ratio <= 1.5 else "misses"
        speed = cold[0].wall_s / max(cold[-1].wall_s, 1e-9)
        line = (
            f"- **{name}**: {cold[0].requests} LLM calls; prompt/source {ratio:.2f}, which "
            f"{verdict} the goal of at most 1.5; wall time {cold[0].wall_s:.1f} s at "
            f"concurrency {cold[0].concurrency} and {cold[-1].wall_s:.1f} s at "
            f"{cold[-1].concurrency} ({speed:.1f}x)"
        )
        if cached:
            line += (
                f"; the cached re-run sent {cached[0].requests} requests in "
                f"{cached[0].wall_s:.2f} s"
            )
        lines.append(line + ".")
    lines += ["", *EXPLANATION, "", *notes, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--clusters", type=int, default=300, help="NeuS clusters to use")
    parser.add_argument("--out", default=str(ROOT / "bench" / "OPENAI.md"), help="'-' = stdout")
    args = parser.parse_args(argv)

    examples = ingest_paths([str(ROOT / "examples")]).documents
    runs = measure("examples", examples, run_pipeline, args.concurrency, args.latency)
    notes: list[str] = []
    if (EVAL_DATA / "neus_allsides" / "val.source").is_file() and (
        EVAL_DATA / "fnc1_dev" / "bodies.csv"
    ).is_file():
        corpus = load_corpus(args.clusters)
        runs += measure("corpus", corpus, run_map_reduce, args.concurrency, args.latency)
    else:
        notes.append(f"The corpus was skipped: {EVAL_DATA} is not present.")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    notes.append(
        f"Load average when the run ended: {load:.1f} on 2 cores shared with other work; "
        "CPU time is this process's (engine, pipeline stages and the in-process scripted "
        "server together)."
    )
    text = report(runs, args.latency, notes)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
