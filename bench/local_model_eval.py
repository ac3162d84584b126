"""The LLM engine with a real local model against the offline engine, on a few eval clusters.

    python bench/local_model_eval.py --model smollm2 --neus 8 --fnc1 2 --llm-budget 240
    python bench/local_model_eval.py --model qwen1.5b --neus 3 --fnc1 1 --out /tmp/q.json

For each of the first N NeuS dev clusters and a seeded stratified sample of FNC-1 dev pairs
(``briefing.eval.loaders``, data from ../shared/eval-data, never copied), a brief is built with
the offline engine and with the OpenAI engine against the model served on 127.0.0.1 by
``bench/local_model.py`` (same process, stopped at the end). Per brief: facts on the page,
facts the engine proposed, the share of proposed facts whose quotes verified, the share of
statements supported (when the build reports ``statements_unsupported``), contradictions,
whether the offline fallback was used, loops stopped, wall time and tokens. The cache is
off; answers are streamed (a model that repeats itself is stopped) and ``--llm-budget`` bounds
each brief's LLM time as ``make local-model`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from local_model import model_path, serving  # noqa: E402

from briefing.config import Settings  # noqa: E402
from briefing.engines.offline import OfflineEngine  # noqa: E402
from briefing.engines.openai_engine import OpenAIEngine  # noqa: E402
from briefing.eval.loaders import default_data_dir, load_fnc1, load_neus  # noqa: E402
from briefing.models import Brief, Document  # noqa: E402
from briefing.pipeline import build_brief  # noqa: E402

TODAY = dt.date(2026, 1, 1)


def _row(brief: Brief, engine: Any, seconds: float, documents: list[Document]) -> dict[str, Any]:
    st = brief.stats
    offline = len(getattr(engine, "_offline_ids", ()))  # the fallback's facts, all verified
    fell_back = set(getattr(engine, "fallback_documents", ()))
    by_model = {d.id for d in documents if (d.path or d.id) not in fell_back}
    unsupported = getattr(st, "statements_unsupported", None)
    shown = len(brief.facts) + len(brief.bottom_line)
    return {
        "facts": len(brief.facts),
        "proposed": st.facts_extracted,
        "verified": st.facts_verified,
        "dropped": st.facts_dropped_unverified,
        "quote_verified_share": st.facts_verified / st.facts_extracted
        if st.facts_extracted
        else None,
        "supported_share": None
        if unsupported is None or not shown
        else 1 - unsupported / (shown + unsupported),
        "contradictions": st.contradictions_found,
        "fallback_documents": len(getattr(engine, "fallback_documents", [])),
        "loops_stopped": engine.caller.stats.loops_stopped if hasattr(engine, "caller") else 0,
        # The model's own: proposed, quote found, and on the page (facts of documents that
        # did not fall back); statements_unsupported counts only LLM-written text.
        "model_proposed": st.facts_extracted - offline,
        "model_verified": st.facts_verified - offline,
        "statements_unsupported": unsupported,
        "model_facts": sum(
            1 for f in brief.facts if f.citations and f.citations[0].source_id in by_model
        )
        if engine.name == "openai"
        else None,
        "documents": st.documents,
        "seconds": round(seconds, 1),
        "tokens_in": st.usage.prompt_tokens,
        "tokens_out": st.usage.completion_tokens,
        "calls": st.usage.calls,
        "warnings": len(st.warnings),
    }


def _build(documents: list[Document], engine: Any, settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    brief = build_brief(documents, settings=settings, today=TODAY, engine=engine)
    return _row(brief, engine, time.perf_counter() - started, documents)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(key: str) -> float | None:
        values = [r[key] for r in rows if r[key] is not None]
        return round(statistics.mean(values), 3) if values else None

    keys = (
        "facts",
        "model_facts",
        "model_proposed",
        "model_verified",
        "statements_unsupported",
        "proposed",
        "quote_verified_share",
        "supported_share",
        "contradictions",
        "loops_stopped",
    )
    out = {k: mean(k) for k in keys}
    out.update(
        {k: mean(k) for k in ("seconds", "tokens_in", "tokens_out", "calls", "fallback_documents")}
    )
    out["briefs"] = len(rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--neus", type=int, default=3, help="NeuS dev clusters")
    parser.add_argument("--fnc1", type=int, default=1, help="FNC-1 dev pairs per stance")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--out", type=Path)
    parser.add_argument("--llm-budget", type=float, default=240.0, help="s per brief; 0: none")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no eval data; nothing measured")
        return 0
    items: list[tuple[str, list[Document]]] = []
    for cluster in load_neus(args.data, limit=args.neus).items:
        items.append((f"neus:{cluster.id}", list(cluster.documents)))
    per_class = {s: args.fnc1 for s in ("agree", "disagree", "discuss")}
    for pair in load_fnc1(args.data, per_class=per_class).items:
        items.append((f"fnc1:{pair.id}:{pair.stance}", list(pair.documents)))
    path, alias = model_path(args.model)
    key = "local-" + secrets.token_hex(12)
    results: dict[str, Any] = {"model": alias, "items": {}}
    offline_settings = Settings()
    with serving(path, alias, port=8790, key=key, ctx=8192) as url:
        llm_settings = Settings.model_validate(
            {
                "engine": "openai",
                "model": alias,
                "base_url": url,
                "api_key": key,
                "cache": False,
                "concurrency": 1,
                "timeout_s": 900.0,
                "stream": True,
                "llm_budget_s": args.llm_budget or None,
            }
        )
        for name, documents in items:
            offline = _build(documents, OfflineEngine(), offline_settings)
            llm = _build(documents, OpenAIEngine(llm_settings), llm_settings)
            results["items"][name] = {"offline": offline, "llm": llm}
            print(name, "offline", offline, "\n   llm", llm, flush=True)
            if args.out:  # what is done survives a stopped run
                args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    for engine in ("offline", "llm"):
        for data in ("neus", "fnc1"):
            rows = [v[engine] for k, v in results["items"].items() if k.startswith(data)]
            if rows:
                results[f"{engine}_{data}"] = _summary(rows)
                print(engine, data, results[f"{engine}_{data}"])
    if args.out:
        args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
