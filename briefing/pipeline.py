"""The pipeline: composes the stages. Owns the clock and the file I/O of a build.

ingest -> chunk -> retrieve -> extract (engine) -> verify (quotes, then support) -> contradict
(engine judges candidates; staleness detected for all) -> verify -> synthesize (engine) -> verify
-> compose (select) -> changes (daily briefs: against the previous brief) -> fit one page
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing.changes import PreviousDay, track_changes
from briefing.chunk import chunk_documents
from briefing.compose import fit_brief, select_brief, with_reprints
from briefing.config import Settings
from briefing.contradict import detect_temporal, propose_candidates
from briefing.engines import Engine, create_engine
from briefing.errors import NoDocumentsError
from briefing.ingest import DEFAULT_MAX_BYTES, ingest_paths
from briefing.models import Brief, BriefStats, Document, Reprint, Synthesis
from briefing.render.markdown import markdown_words
from briefing.retrieve import infer_topic, retrieve_chunks
from briefing.sanitize import safe_message
from briefing.verify import (
    CitationIndex,
    support_contradictions,
    support_facts,
    support_synthesis,
    verify_contradictions,
    verify_facts,
)

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _silent(_: str) -> None:
    return None


def build_brief(
    documents: Sequence[Document],
    *,
    settings: Settings,
    today: dt.date,
    engine: Engine | None = None,
    warnings: Sequence[str] = (),
    skipped: int = 0,
    progress: Progress = _silent,
    measure: Callable[[Brief], int] = markdown_words,
    previous: PreviousDay | None = None,
    reprints: Sequence[Reprint] = (),
) -> Brief:
    """A one-page Brief of ``documents``. Every citation in it is verified against its source.

    A daily brief passes ``previous`` (what the brief before it reported): the brief then
    gets its "Since yesterday" changes, and lists the ``reprints`` (copies of its documents
    counted once) of the stories it cites, before its page is fitted.
    """
    if not documents:
        raise NoDocumentsError("no usable documents to brief")
    started = time.perf_counter()
    engine = engine if engine is not None else create_engine(settings)
    stats = BriefStats(
        documents=len(documents),
        documents_skipped=skipped,
        engine=engine.name,
        model=engine.model,
        warnings=list(warnings),
    )
    progress(f"chunking {len(documents)} documents")
    chunks = chunk_documents(documents)
    stats.chunks = len(chunks)
    topic = settings.topic or infer_topic(documents)
    progress(f"retrieving chunks for topic: {topic}")
    retrieved = [chunk for chunk, _ in retrieve_chunks(chunks, topic)]
    kept_docs = {c.doc_id for c in retrieved}
    focus = [d for d in documents if d.id in kept_docs]

    progress(f"extracting facts from {len(retrieved)} chunks ({engine.name} engine)")
    raw_facts = engine.extract_facts(topic, focus, retrieved)
    index = CitationIndex(documents)
    facts, dropped = verify_facts(index, raw_facts)
    stats.facts_extracted = len(raw_facts)
    stats.facts_verified = len(facts)
    stats.facts_dropped_unverified = dropped
    facts = support_facts(index, facts, stats)

    progress("looking for contradictions")
    candidates = propose_candidates(facts)
    judged = engine.judge_contradictions(topic, focus, candidates) + detect_temporal(focus)
    contradictions, sides_dropped, _ = verify_contradictions(index, judged)
    contradictions = support_contradictions(index, contradictions, stats)
    stats.contradictions_found = len(contradictions)
    stats.contradiction_sides_dropped_unverified = sides_dropped

    progress("writing the brief")
    synthesis = engine.synthesize(topic, facts, contradictions)
    synthesis = _verify_synthesis(index, synthesis, stats)
    synthesis = support_synthesis(index, synthesis, facts, topic=topic, stats=stats)
    brief = select_brief(
        topic=topic,
        topic_inferred=settings.topic is None,
        documents=documents,
        facts=facts,
        contradictions=contradictions,
        synthesis=synthesis,
        stats=stats,
        today=today,
    )
    if previous is not None:
        changes = track_changes(brief, previous)
        brief = with_reprints(brief.model_copy(update={"changes": changes}), reprints)
    brief = fit_brief(brief, documents, settings.max_words, measure)
    final_stats = brief.stats.model_copy(
        update={
            "usage": engine.usage,
            # an echoed key never lands
            "warnings": [*brief.stats.warnings, *(safe_message(w) for w in engine.warnings)],
            "elapsed_s": round(time.perf_counter() - started, 3),
        }
    )
    return brief.model_copy(update={"stats": final_stats})


def _verify_synthesis(index: CitationIndex, synthesis: Synthesis, stats: BriefStats) -> Synthesis:
    bottom, dropped_bottom = verify_facts(index, synthesis.bottom_line)
    watch, dropped_watch = verify_facts(index, synthesis.watch)
    actors = []
    for actor in synthesis.actors:
        located = [index.locate(c) for c in actor.citations]
        if actor.citations and all(c is not None for c in located):
            actors.append(actor.model_copy(update={"citations": tuple(c for c in located if c)}))
        else:
            stats.facts_dropped_unverified += 1
    stats.facts_dropped_unverified += dropped_bottom + dropped_watch
    return synthesis.model_copy(
        update={"bottom_line": tuple(bottom), "watch": tuple(watch), "actors": tuple(actors)}
    )


def build_brief_from_paths(
    paths: Sequence[str | Path],
    *,
    settings: Settings,
    today: dt.date | None = None,
    engine: Engine | None = None,
    max_bytes: int | None = None,
    progress: Progress = _silent,
    warn: Callable[[str], None] | None = None,
) -> Brief:
    """Ingest ``paths`` (files, folders, '-') and build their brief.

    Each bad input is reported through ``warn`` (and kept in ``stats.warnings``); raises
    NoDocumentsError, naming what was tried, when nothing usable is left.
    """
    progress(f"reading {len(paths)} source path(s)")
    ingested = ingest_paths(paths, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    for line in ingested.warnings:
        if warn is not None:
            warn(line)
        logger.warning("%s", line)
    if not ingested.documents:
        tried = ", ".join(str(p) for p in paths) or "(nothing)"
        raise NoDocumentsError(f"no usable documents in {tried}")
    brief = build_brief(
        ingested.documents,
        settings=settings,
        today=today or dt.date.today(),
        engine=engine,
        warnings=ingested.warnings,
        skipped=ingested.skipped,
        progress=progress,
    )
    if warn is not None:  # the engine's own warnings (refusals, cost limit), after the inputs'
        for line in brief.stats.warnings[len(ingested.warnings) :]:
            warn(line)
    return brief
