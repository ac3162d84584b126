"""Evaluate the offline brief on NeuS, FNC-1 and the held-out AllSides crawl, with baselines,
and print a table.

Examples::

    python -m briefing.eval                      # everything, data from ../shared/eval-data
    python -m briefing.eval --fast               # the regression-gate subset (seconds)
    python -m briefing.eval --out eval/results.json --details

The data stays outside the repository; when it is absent the run is skipped (exit 0) unless
``--data`` named a folder explicitly (then it is an error, exit 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from briefing.config import Settings
from briefing.errors import BriefingError, EvalDataMissing
from briefing.eval.harness import (
    EVAL_TODAY,
    RunPlan,
    format_table,
    pipeline_builder,
    run_evaluation,
)
from briefing.eval.loaders import CRAWL_TODAY, default_data_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m briefing.eval",
        description="Measure brief quality on NeuS clusters, FNC-1 stance pairs and the held-out"
        " AllSides crawl.",
        epilog="Example: python -m briefing.eval --fast",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="eval data folder (default: ../shared/eval-data beside the checkout)",
    )
    parser.add_argument("--out", type=Path, help="write the metrics as JSON to this file")
    parser.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="at most N NeuS clusters and N FNC-1 pairs per stance (agree/disagree/discuss)",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="the regression-gate subset: 20 NeuS clusters, 20 FNC-1 pairs per stance",
    )
    parser.add_argument(
        "--only", choices=("neus", "fnc1", "crawl"), help="evaluate one data set only"
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="include per-cluster texts in the JSON (for failure analysis; contains source text)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.limit is not None and args.limit < 1:
        _parser().error("--limit must be at least 1")
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("briefing.eval").setLevel(logging.WARNING if args.quiet else logging.INFO)
    plan = RunPlan.fast() if args.fast else RunPlan()
    if args.limit is not None:
        plan = RunPlan.limited(args.limit)
    if args.only:
        plan = RunPlan(plan.neus_clusters, plan.fnc1_per_stance, plan.fnc1_unrelated, (args.only,))
    if args.out is not None and not args.out.resolve().parent.is_dir():
        # fail before a run of a minute, not after it
        print(f"Error: {args.out}: output folder {args.out.parent} does not exist", file=sys.stderr)
        return 1
    data_dir = args.data if args.data is not None else default_data_dir()
    settings = Settings()
    started = time.perf_counter()
    try:
        result = run_evaluation(
            data_dir,
            plan,
            pipeline_builder(settings),
            details=args.details,
            crawl_build=pipeline_builder(settings, today=CRAWL_TODAY),
        )
    except EvalDataMissing as exc:
        if args.data is None:
            print(f"Skipped: {exc} (pass --data DIR)", file=sys.stderr)
            return 0
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except BriefingError as exc:  # e.g. the eval extra is not installed
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for warning in result["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    meta: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "engine": settings.engine,
        "max_words": settings.max_words,
        "today": EVAL_TODAY.isoformat(),
        "crawl_today": CRAWL_TODAY.isoformat(),
        "plan": {
            "neus_clusters": plan.neus_clusters,
            "fnc1_per_stance": plan.fnc1_per_stance,
            "fnc1_unrelated": plan.fnc1_unrelated,
            "datasets": list(plan.datasets),
        },
        "command": "python -m briefing.eval " + " ".join(sys.argv[1:] if argv is None else argv),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    print(f"{meta['date']}, commit {meta['commit']}, engine {meta['engine']}\n")
    print(format_table(result))
    if args.out is not None:
        from briefing.files import write_atomic

        payload = {"meta": meta, **result}
        try:
            write_atomic(args.out, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        except BriefingError as exc:  # write_atomic's error names the file
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
