"""Mixed inboxes: many unrelated stories in one folder, as an analyst's inbox holds them.

Built from the development data only (NeuS ``val`` clusters, FNC-1 article bodies as
unrelated distractors), through the public ``build_brief``:

- **mix12**: for each seed, 12 random NeuS clusters (36 articles) in one inbox. Without a
  topic: how ``stories[]`` matches the clusters (adjusted Rand index, purity, completeness),
  contradictions citing two clusters, near-duplicate pairs on the page. With each cluster's
  roundup headline as ``--topic``: topic precision (share of the cited sources from that
  cluster) and recall (share of its sources cited). With the roundup headlines of 12
  clusters *not* in the inbox: how many are briefed anyway (each should say "no match").
- **corpus**: every NeuS ``val`` article plus every FNC-1 body (about 1,400 documents) in one
  inbox: the same grouping figures over the NeuS articles, and topic precision/recall for a
  seeded sample of target clusters.
- **crawl-mix12**, **crawl**, **crawl-undated**: the same measures on the AllSides crawl, 505
  dated stories of April-October 2021 that nothing was tuned on (held out): 12-story inboxes,
  and all 1,479 articles in one inbox, with the dates a feed would give and without any.

Two options only write files, for a look at what a user would get: ``--write-inbox DIR``
writes the mix12 inbox of ``--seeds N`` (one .txt file per article: headline, blank line,
text) for ``briefing build DIR``; ``--write-days DIR`` writes two mornings of that inbox for
``briefing daily``. ``DIR/day1`` holds the first two articles of each of its first seven
clusters; ``DIR/day2`` holds day 1's files and the day's news: the other five clusters'
articles, the third article of one of the seven (a third outlet) and one of day 1's articles
again with its cluster's third article's lead paragraph appended (an update: the store finds
a near-copy with new sentences). The updated article is the one that paragraph changes least
(the most words of its own against the paragraph's), so it stays a near-copy; the third
outlet's is the first of the seven clusters other than that one.

Examples::

    python -m briefing.eval.mixed                 # all rows, 5 seeds, 30 corpus targets (~1 min)
    python -m briefing.eval.mixed --seeds 2 --targets 10
    python -m briefing.eval.mixed --seeds 1 --write-days days
    briefing daily days/day1 --out briefs --date 2026-11-20
    briefing daily days/day2 --out briefs --date 2026-11-21
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.config import Settings
from briefing.errors import BriefingError, EvalDataMissing
from briefing.eval.harness import EVAL_TODAY
from briefing.eval.loaders import (
    CRAWL_TODAY,
    NeusCluster,
    default_data_dir,
    load_allsides_crawl,
    load_fnc1,
    load_neus,
)
from briefing.eval.metrics import (
    adjusted_rand_index,
    cited_sources,
    cross_story_contradictions,
    mean,
    near_duplicate_pairs,
    purity,
)
from briefing.models import Brief, Document

logger = logging.getLogger(__name__)

MIX_CLUSTERS = 12


@dataclass
class MixedScores:
    """Figures of one kind of mixed inbox, summed over its inboxes and targets."""

    inboxes: int = 0
    documents: int = 0
    ari: list[float] = field(default_factory=list)
    purity: list[float] = field(default_factory=list)
    completeness: list[float] = field(default_factory=list)
    stories: list[int] = field(default_factory=list)
    cross_story: int = 0
    near_duplicates: int = 0
    pages: int = 0
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    no_match: int = 0  # targets for which the build said nothing is about the topic
    unrelated: int = 0  # topics of stories not in the inbox (each should get "no match")
    unrelated_briefed: int = 0  # ... for which a brief was built all the same
    seconds: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "inboxes": self.inboxes,
            "documents_per_inbox": self.documents // max(self.inboxes, 1),
            "ari": round(mean(self.ari), 3),
            "purity": round(mean(self.purity), 3),
            "completeness": round(mean(self.completeness), 3),
            "stories": round(mean(self.stories), 1),
            "cross_story_contradictions": self.cross_story,
            "near_duplicate_pairs": self.near_duplicates,
            "pages": self.pages,
            "topic_targets": len(self.precision),
            "topic_precision": round(mean(self.precision), 3),
            "topic_recall": round(mean(self.recall), 3),
            "topic_no_match": self.no_match,
            "unrelated_topics": self.unrelated,
            "unrelated_briefed": self.unrelated_briefed,
            "seconds_per_build": round(mean(self.seconds), 2),
        }


def _build(
    documents: Sequence[Document], topic: str | None, today: dt.date = EVAL_TODAY
) -> tuple[Brief | None, float]:
    from briefing.pipeline import build_brief

    started = time.perf_counter()
    try:
        brief = build_brief(documents, settings=Settings(topic=topic), today=today)
    except BriefingError as exc:
        logger.info("no brief (%s): %s", topic, exc)
        return None, time.perf_counter() - started
    return brief, time.perf_counter() - started


def _score_grouping(
    scores: MixedScores, brief: Brief, gold: dict[str, str], seconds: float
) -> None:
    predicted = {i: s.id for s in brief.stories for i in s.source_ids}
    ids = [i for i in gold if i in predicted]
    g = [gold[i] for i in ids]
    p = [predicted[i] for i in ids]
    scores.ari.append(adjusted_rand_index(g, p))
    scores.purity.append(purity(g, p))
    scores.completeness.append(purity(p, g))
    scores.stories.append(len(brief.stories))
    scores.cross_story += cross_story_contradictions(brief, gold)
    _score_page(scores, brief)
    scores.seconds.append(seconds)


def _score_page(scores: MixedScores, brief: Brief) -> None:
    scores.pages += 1
    pairs = near_duplicate_pairs(brief)
    scores.near_duplicates += len(pairs)
    for a, b in pairs:
        logger.info("near-duplicate pair: %r / %r", a[:80], b[:80])


def _score_topic(
    scores: MixedScores,
    documents: Sequence[Document],
    target: NeusCluster,
    gold: dict[str, str],
    today: dt.date,
) -> None:
    brief, seconds = _build(documents, target.roundup_title, today)
    scores.seconds.append(seconds)
    wanted = {d.id for d in target.documents}
    if brief is None:
        scores.no_match += 1
        scores.precision.append(0.0)
        scores.recall.append(0.0)
        return
    cited = cited_sources(brief)
    scores.precision.append(len(cited & wanted) / len(cited) if cited else 0.0)
    scores.recall.append(len(cited & wanted) / len(wanted))
    scores.cross_story += cross_story_contradictions(brief, gold)
    _score_page(scores, brief)


def evaluate_mix12(
    clusters: Sequence[NeusCluster], seeds: int, today: dt.date = EVAL_TODAY
) -> dict[str, Any]:
    scores = MixedScores()
    for seed in range(1, seeds + 1):
        chosen = random.Random(seed).sample(list(clusters), MIX_CLUSTERS)
        documents = [d for c in chosen for d in c.documents]
        gold = {d.id: c.id for c in chosen for d in c.documents}
        random.Random(seed).shuffle(documents)
        scores.inboxes += 1
        scores.documents += len(documents)
        brief, seconds = _build(documents, None, today)
        if brief is not None:
            _score_grouping(scores, brief, gold, seconds)
        for target in chosen:
            _score_topic(scores, documents, target, gold, today)
        outside = [c for c in clusters if c not in chosen]
        for other in random.Random(seed).sample(outside, MIX_CLUSTERS):
            scores.unrelated += 1
            briefed = _build(documents, other.roundup_title, today)[0] is not None
            scores.unrelated_briefed += briefed
        logger.info("mix12 seed %d: %s", seed, scores.summary())
    return scores.summary()


def evaluate_corpus(
    clusters: Sequence[NeusCluster],
    distractors: Sequence[Document],
    targets: int,
    today: dt.date = EVAL_TODAY,
) -> dict[str, Any]:
    scores = MixedScores(inboxes=1)
    documents = [d for c in clusters for d in c.documents]
    gold = {d.id: c.id for c in clusters for d in c.documents}
    known = set(gold)
    documents += [d for d in distractors if d.id not in known]
    scores.documents = len(documents)
    brief, seconds = _build(documents, None, today)
    if brief is not None:
        _score_grouping(scores, brief, gold, seconds)
    for target in random.Random(1354).sample(list(clusters), min(targets, len(clusters))):
        _score_topic(scores, documents, target, gold, today)
    return scores.summary()


def fnc1_bodies(data_dir: Path) -> list[Document]:
    """Every FNC-1 article body once, as a document (unrelated news: distractors)."""
    pairs = load_fnc1(data_dir, stances=("agree", "disagree", "discuss", "unrelated")).items
    bodies: dict[str, Document] = {}
    for pair in pairs:
        bodies.setdefault(pair.body.id, pair.body)
    return list(bodies.values())


def run_mixed(data_dir: Path, *, seeds: int = 5, targets: int = 30) -> dict[str, Any]:
    clusters = load_neus(data_dir).items
    result: dict[str, Any] = {"mix12": evaluate_mix12(clusters, seeds)}
    result["corpus"] = evaluate_corpus(clusters, fnc1_bodies(data_dir), targets)
    try:
        crawl = load_allsides_crawl(data_dir).items
    except EvalDataMissing as exc:  # an older copy of the data: the val rows alone
        logger.warning("crawl rows skipped: %s", exc)
        return result
    result["crawl-mix12"] = evaluate_mix12(crawl, seeds, CRAWL_TODAY)
    result["crawl"] = evaluate_corpus(crawl, [], targets, CRAWL_TODAY)
    undated = load_allsides_crawl(data_dir, dated=False).items
    result["crawl-undated"] = evaluate_corpus(undated, [], targets, CRAWL_TODAY)
    return result


def format_mixed(result: dict[str, Any]) -> str:
    keys = [
        ("documents_per_inbox", "documents"),
        ("stories", "stories"),
        ("ari", "ARI"),
        ("purity", "purity"),
        ("completeness", "completeness"),
        ("topic_precision", "topic precision"),
        ("topic_recall", "topic recall"),
        ("topic_no_match", "topic: no match"),
        ("unrelated_briefed", "unrelated topics briefed"),
        ("cross_story_contradictions", "cross-story contradictions"),
        ("near_duplicate_pairs", "near-duplicate pairs"),
        ("pages", "pages checked"),
        ("seconds_per_build", "s per build"),
    ]
    lines = [
        "| inbox | " + " | ".join(label for _, label in keys) + " |",
        "|---" * (len(keys) + 1) + "|",
    ]
    for name, summary in result.items():
        cells = [str(summary[k]) for k, _ in keys]
        unrelated = [k for k, _ in keys].index("unrelated_briefed")
        total = summary.get("unrelated_topics", 0)
        cells[unrelated] = f"{summary['unrelated_briefed']} of {total}" if total else "-"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mix12_inbox(data_dir: Path, seed: int, hint: str) -> list[NeusCluster] | None:
    """The clusters of the mix12 inbox of ``seed``, in the order drawn; None (said on stderr)
    when the data is missing."""
    try:
        clusters = load_neus(data_dir).items
    except EvalDataMissing as exc:
        print(f"Error: {exc}{hint}", file=sys.stderr)
        return None
    return random.Random(seed).sample(list(clusters), MIX_CLUSTERS)


def write_inbox(data_dir: Path, seed: int, folder: Path, *, hint: str = "") -> int:
    """Write the mix12 inbox of ``seed`` as one .txt file per article (headline, blank line,
    text), for a look at the brief a user would get: ``briefing build DIR``."""
    chosen = _mix12_inbox(data_dir, seed, hint)
    if chosen is None:
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    for cluster in chosen:
        for k, doc in enumerate(cluster.documents, 1):
            (folder / f"{cluster.id}-{k}.txt").write_text(doc.text, encoding="utf-8")
    print(f"wrote {3 * len(chosen)} articles of {len(chosen)} stories to {folder}")
    return 0


DAY1_CLUSTERS = 7  # day 1: the first two articles of each of the inbox's first seven clusters


def _lead(cluster: NeusCluster) -> str:
    """The lead paragraph of the cluster's third article (its text, without the headline)."""
    return cluster.articles[2].strip().split("\n\n")[0].strip()


def write_days(data_dir: Path, seed: int, folder: Path, *, hint: str = "") -> int:
    """Write two mornings of the mix12 inbox of ``seed`` for ``briefing daily``, in the
    format of :func:`write_inbox`: ``folder/day1`` (the first two articles of each of the
    first seven clusters) and ``folder/day2`` (day 1's files, the other five clusters'
    articles, a third outlet on one of the seven and one of day 1's articles updated with a
    paragraph: see the module docstring)."""
    chosen = _mix12_inbox(data_dir, seed, hint)
    if chosen is None:
        return 1
    seven, rest = chosen[:DAY1_CLUSTERS], chosen[DAY1_CLUSTERS:]
    day1 = {f"{c.id}-{k}.txt": c.documents[k - 1].text for c in seven for k in (1, 2)}
    # The update: the day-1 article its cluster's third lead changes least, so the store
    # still finds a near-copy of it (about half its words shared at least) with new sentences.
    words = {c.id: len(_lead(c).split()) for c in seven}
    updated, k = max(
        ((c, k) for c in seven for k in (1, 2)),
        key=lambda ck: len(ck[0].documents[ck[1] - 1].text.split()) / words[ck[0].id],
    )
    third = next(c for c in seven if c is not updated)
    day2 = dict(day1)
    day2[f"{updated.id}-{k}.txt"] = (
        updated.documents[k - 1].text.rstrip() + "\n\n" + _lead(updated) + "\n"
    )
    day2[f"{third.id}-3.txt"] = third.documents[2].text
    day2.update({f"{c.id}-{n}.txt": d.text for c in rest for n, d in enumerate(c.documents, 1)})
    for name, files in (("day1", day1), ("day2", day2)):
        (folder / name).mkdir(parents=True, exist_ok=True)
        for file, text in files.items():
            (folder / name / file).write_text(text, encoding="utf-8")
    print(
        f"wrote {len(day1)} articles of {len(seven)} stories to {folder / 'day1'} and"
        f" {len(day2)} to {folder / 'day2'}: day 1's, {3 * len(rest)} of {len(rest)} more"
        f" stories, a third outlet ({third.id}-3.txt) and an update ({updated.id}-{k}.txt)"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m briefing.eval.mixed",
        description="Measure story grouping and topic focus on mixed inboxes of dev data.",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="eval data folder (default: ../shared/eval-data beside the checkout)",
    )
    parser.add_argument("--seeds", type=int, default=5, help="mix12 inboxes (default 5)")
    parser.add_argument("--targets", type=int, default=30, help="corpus topic targets (30)")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    parser.add_argument(
        "--write-inbox",
        type=Path,
        metavar="DIR",
        help="only write the mix12 inbox of --seeds N as .txt files to DIR (for briefing build)",
    )
    parser.add_argument(
        "--write-days",
        type=Path,
        metavar="DIR",
        help="only write two mornings of the mix12 inbox of --seeds N to DIR/day1 and DIR/day2"
        " (for briefing daily): day 1 is the first two articles of each of its first seven"
        " stories; day 2 is day 1's files plus the other five stories, a third outlet on one"
        " story and one of day 1's articles updated with a paragraph",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger(__name__).setLevel(logging.INFO if args.verbose else logging.WARNING)
    data_dir = args.data if args.data is not None else default_data_dir()
    # The default is beside a checkout: from an installed wheel it is not there.
    hint = " (pass --data DIR)" if args.data is None else ""
    if args.write_inbox is not None:
        return write_inbox(data_dir, args.seeds, args.write_inbox, hint=hint)
    if args.write_days is not None:
        return write_days(data_dir, args.seeds, args.write_days, hint=hint)
    try:
        result = run_mixed(data_dir, seeds=args.seeds, targets=args.targets)
    except EvalDataMissing as exc:
        print(f"Skipped: {exc}{hint}", file=sys.stderr)
        return 0 if args.data is None else 1
    print(format_mixed(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
