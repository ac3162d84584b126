"""The evaluation run: clusters through the public pipeline, metrics, baselines, a table.

Every brief is built by ``briefing.pipeline.build_brief(documents, settings=..., today=...)``,
the same call a user's build makes; the baselines are computed on the same clusters in the
same run, so each figure can be read against them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefing.config import Settings
from briefing.errors import BriefingError, EvalDataMissing
from briefing.eval import baselines
from briefing.eval.loaders import (
    NeusCluster,
    StancePair,
    load_allsides_crawl,
    load_fnc1,
    load_neus,
)
from briefing.eval.metrics import (
    Detection,
    Rouge,
    bottom_line_text,
    brief_text,
    citation_validity,
    cited_sources,
    cites_every_source,
    mean,
    reports_contradiction_between,
    rouge,
    score_detection,
    support_proxy,
    word_count,
)
from briefing.models import Brief, Document

logger = logging.getLogger(__name__)

# A fixed "today", so a run does not depend on the day it is made.
EVAL_TODAY = dt.date(2026, 1, 1)

BuildFn = Callable[[Sequence[Document]], Brief]


def pipeline_builder(settings: Settings | None = None, today: dt.date = EVAL_TODAY) -> BuildFn:
    """A function that builds a brief with the public library API."""
    chosen = settings if settings is not None else Settings()

    def build(documents: Sequence[Document]) -> Brief:
        from briefing.pipeline import build_brief

        return build_brief(documents, settings=chosen, today=today)

    return build


def _timed_build(build: BuildFn, documents: Sequence[Document]) -> tuple[Brief | None, str, float]:
    started = time.perf_counter()
    try:
        brief = build(documents)
    except BriefingError as exc:  # an expected failure is scored as an empty brief
        return None, str(exc), time.perf_counter() - started
    return brief, "", time.perf_counter() - started


def _excerpt(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# --- NeuS ---------------------------------------------------------------------------------


@dataclass
class SystemScores:
    """Content-selection scores of one system, averaged over clusters (fractions)."""

    bottom_line: list[Rouge] = field(default_factory=list)
    whole: list[Rouge] = field(default_factory=list)
    bottom_line_words: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)

    def add(self, bottom_line: str, whole: str, reference: str) -> tuple[Rouge, Rouge]:
        bl, wh = rouge(bottom_line, reference), rouge(whole, reference)
        self.bottom_line.append(bl)
        self.whole.append(wh)
        self.bottom_line_words.append(word_count(bottom_line))
        self.words.append(word_count(whole))
        return bl, wh

    def summary(self) -> dict[str, float]:
        return {
            "bottom_line_rouge1_f": mean(r.rouge1_f for r in self.bottom_line),
            "bottom_line_rouge2_f": mean(r.rouge2_f for r in self.bottom_line),
            "bottom_line_rougeL_f": mean(r.rougeL_f for r in self.bottom_line),
            "bottom_line_words": mean(self.bottom_line_words),
            "whole_rouge1_recall": mean(r.rouge1_recall for r in self.whole),
            "words_mean": mean(self.words),
            "words_max": float(max(self.words, default=0)),
        }


def neus_reference(cluster: NeusCluster) -> str:
    """The roundup as the reference summary: its headline, then its text."""
    return (
        f"{cluster.roundup_title}. {cluster.roundup}" if cluster.roundup_title else cluster.roundup
    )


def evaluate_neus(
    clusters: Sequence[NeusCluster], build: BuildFn, *, details: bool = False
) -> dict[str, Any]:
    """Briefs and baselines on NeuS clusters, scored against the editors' roundups."""
    systems = {
        name: SystemScores() for name in ("brief", "lead-1", "lead-3", "centroid", "all text")
    }
    valid = cites = supported = statements = balanced = errors = 0
    rendered: list[int] = []
    elapsed = 0.0
    items: list[dict[str, Any]] = []
    for n, cluster in enumerate(clusters, start=1):
        brief, error, seconds = _timed_build(build, cluster.documents)
        elapsed += seconds
        reference = neus_reference(cluster)
        item: dict[str, Any] = {"id": cluster.id, "seconds": round(seconds, 3)}
        if brief is None:
            errors += 1
            item["error"] = error
            logger.warning("%s: %s", cluster.id, error)
            bl_text = whole = ""
        else:
            bl_text, whole = bottom_line_text(brief), brief_text(brief)
            v, c = citation_validity(brief, cluster.documents)
            s, t, unsupported = support_proxy(brief)
            all_cited = cites_every_source(brief, cluster.documents)
            valid, cites, supported, statements = (
                valid + v,
                cites + c,
                supported + s,
                statements + t,
            )
            balanced += all_cited
            rendered.append(brief.stats.words)
            item.update(
                citations_valid=v,
                citations=c,
                supported=s,
                statements=t,
                cites_every_source=all_cited,
                sources_cited=len(cited_sources(brief)),
                contradictions=len(brief.contradictions),
                rendered_words=brief.stats.words,
            )
            if details:
                item["unsupported"] = [
                    {"section": st.section, "statement": st.statement, "missing": list(ch.missing)}
                    for st, ch in unsupported
                ]
        bl, wh = systems["brief"].add(bl_text, whole, reference)
        item.update(
            words=word_count(whole),
            bottom_line_rouge=asdict(bl),
            whole_rouge1_recall=wh.rouge1_recall,
        )
        lead1 = baselines.lead_n(cluster.articles, 1)
        systems["lead-1"].add(lead1, lead1, reference)
        lead3 = baselines.lead_n(cluster.articles, 3)
        systems["lead-3"].add(lead3, lead3, reference)
        # The centroid baseline gets the brief's own budgets: its bottom line's length for the
        # short summary and its whole length for coverage (lead-1's when the brief has none).
        fallback = word_count(lead1)
        systems["centroid"].add(
            baselines.centroid(cluster.articles, word_count(bl_text) or fallback),
            baselines.centroid(cluster.articles, word_count(whole) or fallback),
            reference,
        )
        # The ceiling of any extractive brief: every word of every source, headlines included.
        everything = "\n".join(d.text for d in cluster.documents)
        systems["all text"].add(everything, everything, reference)
        if details:
            item.update(
                bottom_line=bl_text,
                roundup=reference,
                lead1=lead1,
                brief_text=_excerpt(whole, 4000),
            )
        items.append(item)
        if n % 25 == 0:
            logger.info("NeuS: %d/%d clusters", n, len(clusters))
    docs = sum(len(c.documents) for c in clusters)
    summary: dict[str, Any] = {
        "clusters": len(clusters),
        "documents": docs,
        "errors": errors,
        "citation_validity": valid / cites if cites else 0.0,
        "citations": cites,
        "support_proxy": supported / statements if statements else 0.0,
        "cited_statements": statements,
        "source_balance": balanced / len(clusters) if clusters else 0.0,
        "rendered_words_mean": mean(rendered),
        "rendered_words_max": max(rendered, default=0),
        "documents_per_second": docs / elapsed if elapsed else 0.0,
        "seconds": elapsed,
        "systems": {},
    }
    summary["systems"] = {name: scores.summary() for name, scores in systems.items()}
    return {"summary": summary, "items": items}


# --- FNC-1 --------------------------------------------------------------------------------


def _detection_summary(det: Detection, prevalence: float | None) -> dict[str, Any]:
    return {
        "precision": det.precision,
        "recall": det.recall,
        "f1": det.f1,
        "false_alarm_rate": det.false_alarm_rate,
        "precision_at_natural_prevalence": (
            det.precision_at(prevalence) if prevalence is not None else det.precision
        ),
        "true_pos": det.true_pos,
        "false_pos": det.false_pos,
        "false_neg": det.false_neg,
        "true_neg": det.true_neg,
    }


def evaluate_fnc1(
    pairs: Sequence[StancePair],
    build: BuildFn,
    *,
    details: bool = False,
    population: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Whether briefs report a contradiction on disagree pairs and stay quiet on the others.

    Precision, recall and F1 are over agree/discuss/disagree pairs (disagree = positive);
    unrelated pairs, when present, only give a separate false-alarm rate. ``population``
    (stance counts before sampling) gives the natural share of disagree pairs, to which
    precision is re-weighted; without it the sample's own share is used.
    """
    outcomes: dict[str, list[tuple[bool, bool]]] = {"brief": [], "refute-cue": [], "always": []}
    unrelated: dict[str, list[bool]] = {"brief": [], "refute-cue": [], "always": []}
    valid = cites = errors = 0
    elapsed = 0.0
    items: list[dict[str, Any]] = []
    for n, pair in enumerate(pairs, start=1):
        brief, error, seconds = _timed_build(build, pair.documents)
        elapsed += seconds
        flagged = False
        item: dict[str, Any] = {"id": pair.id, "stance": pair.stance, "seconds": round(seconds, 3)}
        if brief is None:
            errors += 1
            item["error"] = error
            logger.warning("%s: %s", pair.id, error)
        else:
            flagged = reports_contradiction_between(brief, pair.headline, pair.body)
            v, c = citation_validity(brief, pair.documents)
            valid, cites = valid + v, cites + c
            item["contradictions"] = len(brief.contradictions)
            if details:
                item["found"] = [
                    {
                        "kind": k.kind,
                        "summary": k.summary,
                        "sides": [s.statement for s in k.sides],
                        "quotes": [[c.quote for c in s.citations] for s in k.sides],
                    }
                    for k in brief.contradictions
                ]
        cue = baselines.refute_cue(pair.headline.text, pair.body.text)
        item.update(flagged=flagged, refute_cue=cue)
        if details:
            item.update(headline=pair.headline.text.strip(), body=_excerpt(pair.body.text, 1500))
        if pair.stance == "unrelated":
            unrelated["brief"].append(flagged)
            unrelated["refute-cue"].append(cue)
            unrelated["always"].append(True)
        else:
            gold = pair.stance == "disagree"
            outcomes["brief"].append((gold, flagged))
            outcomes["refute-cue"].append((gold, cue))
            outcomes["always"].append((gold, True))
        items.append(item)
        if n % 100 == 0:
            logger.info("FNC-1: %d/%d pairs", n, len(pairs))
    counts: dict[str, int] = {}
    for pair in pairs:
        counts[pair.stance] = counts.get(pair.stance, 0) + 1
    docs = 2 * len(pairs)
    systems: dict[str, Any] = {}
    counts_from = population or {}
    judged = sum(counts_from.get(s, 0) for s in ("agree", "disagree", "discuss"))
    prevalence = counts_from.get("disagree", 0) / judged if judged else None
    for name, outs in outcomes.items():
        row = _detection_summary(score_detection(outs), prevalence)
        flags = unrelated[name]
        row["false_alarm_rate_unrelated"] = sum(flags) / len(flags) if flags else None
        systems[name] = row
    summary: dict[str, Any] = {
        "pairs": len(pairs),
        "stances": counts,
        "population": dict(counts_from),
        "documents": docs,
        "errors": errors,
        "citation_validity": valid / cites if cites else 0.0,
        "citations": cites,
        "briefs_with_contradictions": sum(1 for i in items if i.get("contradictions")),
        "documents_per_second": docs / elapsed if elapsed else 0.0,
        "seconds": elapsed,
        "systems": systems,
    }
    return {"summary": summary, "items": items}


# --- the table ----------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _summary_table(name: str, s: dict[str, Any]) -> list[str]:
    """The table of a cluster data set's summary: the brief beside its baselines."""
    lines: list[str] = []
    lines += [
        f"{name}: {s['clusters']} clusters, {s['documents']} documents"
        f" ({s['errors']} build errors), {s['documents_per_second']:.1f} documents/s;"
        f" rendered brief {s['rendered_words_mean']:.0f} words on average,"
        f" {s['rendered_words_max']} at most",
        "",
        "| system | bottom line R-1 F1 | R-2 F1 | R-L F1 | bottom line words"
        " | brief R-1 recall | brief words (mean / max) | citation validity"
        " | support proxy | source balance |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in s["systems"].items():
        own = name == "brief"
        lines.append(
            f"| {name} | {_pct(row['bottom_line_rouge1_f'])}"
            f" | {_pct(row['bottom_line_rouge2_f'])}"
            f" | {_pct(row['bottom_line_rougeL_f'])} | {row['bottom_line_words']:.0f}"
            f" | {_pct(row['whole_rouge1_recall'])}"
            f" | {row['words_mean']:.0f} / {row['words_max']:.0f}"
            f" | {_pct(s['citation_validity']) if own else '-'}"
            f" | {_pct(s['support_proxy']) if own else '-'}"
            f" | {_pct(s['source_balance']) if own else '-'} |"
        )
    lines.append("")
    return lines


def format_table(result: dict[str, Any]) -> str:
    """Markdown tables of a run's summaries (percentages, one decimal)."""
    lines: list[str] = []
    for key, name in (("neus", "NeuS"), ("crawl", "AllSides crawl (held out)")):
        if key in result:
            lines += _summary_table(name, result[key]["summary"])
    fnc = result.get("fnc1")
    if fnc is not None:
        s = fnc["summary"]
        stances = ", ".join(f"{k} {v}" for k, v in sorted(s["stances"].items()))
        lines += [
            f"FNC-1: {s['pairs']} pairs ({stances}), {s['errors']} build errors,"
            f" {s['documents_per_second']:.1f} documents/s,"
            f" citation validity {_pct(s['citation_validity'])}",
            "",
            "| system | disagree precision | recall | F1 | false alarms on agree/discuss"
            " | false alarms on unrelated | precision at natural prevalence |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, row in s["systems"].items():
            lines.append(
                f"| {name} | {_pct(row['precision'])} | {_pct(row['recall'])}"
                f" | {row['f1']:.3f} | {_pct(row['false_alarm_rate'])}"
                f" | {_pct(row['false_alarm_rate_unrelated'])}"
                f" | {_pct(row['precision_at_natural_prevalence'])} |"
            )
        lines.append("")
    return "\n".join(lines)


# --- a whole run --------------------------------------------------------------------------

# The fast subset: the regression gate in the test suite, and ``--fast``.
FAST_NEUS_CLUSTERS = 20
FAST_FNC1_PER_STANCE = 20
# Unrelated FNC-1 pairs sampled in a full run, for a separate false-alarm rate.
FULL_FNC1_UNRELATED = 300


@dataclass(frozen=True)
class RunPlan:
    """Which part of each data set a run covers."""

    neus_clusters: int | None = None  # None = all
    fnc1_per_stance: int | None = None  # per agree/disagree/discuss; None = all
    fnc1_unrelated: int = FULL_FNC1_UNRELATED
    datasets: tuple[str, ...] = ("neus", "fnc1", "crawl")

    @classmethod
    def fast(cls) -> RunPlan:
        return cls(FAST_NEUS_CLUSTERS, FAST_FNC1_PER_STANCE, 0, ("neus", "fnc1"))

    @classmethod
    def limited(cls, n: int) -> RunPlan:
        return cls(n, n, 0)


def run_evaluation(
    data_dir: Path,
    plan: RunPlan,
    build: BuildFn,
    *,
    details: bool = False,
    crawl_build: BuildFn | None = None,
) -> dict[str, Any]:
    """Load the planned data, evaluate it, and return ``{"neus": ..., "fnc1": ...,
    "crawl": ..., "warnings"}``. The crawl's clusters (held out, dated 2021) are built with
    ``crawl_build`` when given, so that "today" is the day of the crawl.

    A data set whose files are missing is left out with a warning; when every planned data set
    is missing, raises ``EvalDataMissing`` (naming the first missing file).
    """
    root = Path(data_dir)
    result: dict[str, Any] = {"warnings": []}
    missing: list[EvalDataMissing] = []
    if "neus" in plan.datasets:
        try:
            neus = load_neus(root, limit=plan.neus_clusters)
        except EvalDataMissing as exc:
            missing.append(exc)
        else:
            result["warnings"] += neus.warnings
            logger.info("NeuS: %d clusters loaded", len(neus.items))
            result["neus"] = evaluate_neus(neus.items, build, details=details)
    if "fnc1" in plan.datasets:
        per_class: dict[str, int] = {}
        stances: tuple[str, ...] = ("agree", "disagree", "discuss")
        if plan.fnc1_per_stance is not None:
            per_class = dict.fromkeys(stances, plan.fnc1_per_stance)
        if plan.fnc1_unrelated:
            stances += ("unrelated",)
            per_class["unrelated"] = plan.fnc1_unrelated
        try:
            fnc = load_fnc1(root, per_class=per_class, stances=stances)
        except EvalDataMissing as exc:
            missing.append(exc)
        else:
            result["warnings"] += fnc.warnings
            logger.info("FNC-1: %d pairs loaded", len(fnc.items))
            result["fnc1"] = evaluate_fnc1(
                fnc.items, build, details=details, population=fnc.population
            )
    if "crawl" in plan.datasets:
        try:
            crawl = load_allsides_crawl(root)
        except EvalDataMissing as exc:
            missing.append(exc)
        else:
            items = crawl.items[: plan.neus_clusters]
            logger.info("AllSides crawl: %d clusters loaded", len(items))
            result["crawl"] = evaluate_neus(items, crawl_build or build, details=details)
    if missing and len(missing) == len(plan.datasets):
        raise missing[0]
    result["warnings"] += [f"{exc}; data set skipped" for exc in missing]
    return result
