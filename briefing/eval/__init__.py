"""Measure brief quality on real news clusters: ``python -m briefing.eval``.

Loaders (``loaders``) turn outside data sets into clusters of Documents with gold labels,
``metrics`` scores briefs against them, ``baselines`` gives reference points computed on the
same clusters, and ``harness`` runs it all through ``briefing.pipeline.build_brief``.
"""

from __future__ import annotations

from briefing.errors import EvalDataMissing
from briefing.eval.harness import RunPlan, format_table, pipeline_builder, run_evaluation
from briefing.eval.loaders import default_data_dir

__all__ = [
    "EvalDataMissing",
    "RunPlan",
    "default_data_dir",
    "format_table",
    "pipeline_builder",
    "run_evaluation",
]
