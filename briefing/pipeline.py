"""The pipeline: composes the stages. Owns the clock and the file I/O of a build.

ingest -> reprints (a near-copy that adds no news counts once: ``dedup``) -> stories (group;
with a topic, keep the stories about it) -> per story: chunk -> retrieve -> extract (engine)
-> verify (quotes, then support) -> contradict within each story (engine judges candidates;
staleness detected for all) -> verify -> synthesize (engine) -> verify -> compose (select:
one story, today's page; several, the lineup of top stories) -> changes (daily briefs:
against the previous brief) -> fit one page, once
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from briefing.changes import PreviousDay, track_changes
from briefing.chunk import chunk_documents
from briefing.compose import fit_brief, select_brief, with_reprints
from briefing.config import Settings
from briefing.contradict import detect_temporal, propose_candidates
from briefing.dedup import find_reprints
from briefing.engines import Engine, EngineResult, create_engine
from briefing.engines.offline import OfflineEngine
from briefing.errors import NoDocumentsError
from briefing.ingest import DEFAULT_MAX_BYTES, ingest_paths, skip_as_error
from briefing.lineup import NEXT_STORIES, TOP_STORIES, select_lineup
from briefing.models import (
    Brief,
    BriefStats,
    Chunk,
    Contradiction,
    Document,
    Fact,
    Reprint,
    Story,
    Synthesis,
    Tally,
    Usage,
    counted,
)
from briefing.render.markdown import markdown_words
from briefing.retrieve import infer_topic, retrieve_chunks
from briefing.sanitize import safe_message, shown
from briefing.stories import (
    brief_stories,
    contradiction_story,
    group_stories,
    match_topic,
    story_of_sources,
)
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
T = TypeVar("T")


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
    copies: Mapping[str, Sequence[str]] = MappingProxyType({}),
) -> Brief:
    """A one-page Brief of ``documents``. Every citation in it is verified against its source,
    and every statement is supported by its quotes.

    A reprint among ``documents`` (another's text again, under another outlet line or as
    another file format: ``dedup.find_reprints``) counts once: it is no source of its own and
    is listed as a reprint of the document it copies, as the daily store's ``reprints`` (copies
    stored on earlier runs) are. The documents are grouped into stories; with
    ``settings.topic`` only the stories about it are briefed (NoMatchingDocumentsError when
    none is). A daily brief passes ``previous`` (what the brief before it reported): the brief
    then gets its "Since yesterday" changes. The brief lists the reprints of the stories it
    cites, before its page is fitted. ``copies`` are the ``warnings`` that name a copy of a
    document, by the document's id: a brief on a topic shows those of the documents it briefs.
    """
    if not documents:
        raise NoDocumentsError("no usable documents to brief")
    started = time.perf_counter()
    originals, copied = find_reprints(documents)
    reprints = [*reprints, *copied]
    stories = group_stories(originals)
    if settings.topic:
        stories = match_topic(stories, originals, settings.topic)
    on_topic = {i for story in stories for i in story.source_ids}
    off_topic_copies = {
        line for doc_id, lines in copies.items() if doc_id not in on_topic for line in lines
    }
    run = _Run(
        engine if engine is not None else create_engine(settings),
        documents=len(documents),
        skipped=skipped,
        warnings=[line for line in warnings if line not in off_topic_copies],
    )
    briefed = [d for d in originals if d.id in on_topic]
    # a reprint is on the subject of the document it copies
    off_topic = len(originals) - len(briefed) + sum(r.source_id not in on_topic for r in copied)
    stories_word = "story" if len(stories) == 1 else "stories"
    grouped = f"{len(stories)} {stories_word} in {counted(len(documents), 'document')}"
    progress(f"{grouped}; {off_topic} off the topic" if settings.topic else grouped)
    select = _select_lineup if len(stories) > 1 else _select_one_story
    brief = select(stories, briefed, settings=settings, today=today, run=run, progress=progress)
    brief = brief.model_copy(update={"documents_off_topic": off_topic})
    if previous is not None:
        brief = brief.model_copy(update={"changes": track_changes(brief, previous)})
    brief = with_reprints(brief, reprints)
    brief = fit_brief(brief, briefed, settings.max_words, measure)
    elapsed = round(time.perf_counter() - started, 3)
    return brief.model_copy(update={"stats": brief.stats.model_copy(update={"elapsed_s": elapsed})})


@dataclass
class _Run:
    """One build's running state: what its stages counted, and what its engine calls spent and
    reported (each call returns them with its result; nothing is read back from the engine)."""

    engine: Engine
    documents: int
    skipped: int
    warnings: list[str]
    tally: Tally = field(default_factory=Tally)
    usage: Usage = field(default_factory=Usage)

    def take(self, result: EngineResult[T]) -> T:
        self.usage += result.usage
        for warning in map(safe_message, result.warnings):  # never an echoed key
            if warning not in self.warnings:  # a lineup calls the engine once per story
                self.warnings.append(warning)
        return result.value

    def stats(self) -> BriefStats:
        """The frozen stats of the brief, once its content is chosen."""
        return BriefStats(
            documents=self.documents,
            documents_skipped=self.skipped,
            engine=self.engine.name,
            model=self.engine.model,
            usage=self.usage,
            warnings=tuple(self.warnings),
            **self.tally.counts(),
        )


def _extract(
    documents: Sequence[Document], topic: str, run: _Run, index: CitationIndex
) -> tuple[list[Fact], list[Document]]:
    """Verified, supported facts of ``documents`` and the documents they were taken from."""
    chunks = chunk_documents(documents)
    run.tally.chunks += len(chunks)
    retrieved = [chunk for chunk, _ in retrieve_chunks(chunks, topic)]
    kept_docs = {c.doc_id for c in retrieved}
    focus = [d for d in documents if d.id in kept_docs]
    raw_facts = run.take(run.engine.extract_facts(topic, focus, retrieved))
    facts, dropped = verify_facts(index, raw_facts)
    run.tally.facts_extracted += len(raw_facts)
    run.tally.facts_verified += len(facts)
    run.tally.facts_dropped_unverified += dropped
    supported = support_facts(index, facts, run.tally)
    return [*supported, *_fill_uncited(focus, retrieved, supported, topic, run, index)], focus


def _fill_uncited(
    focus: Sequence[Document],
    retrieved: Sequence[Chunk],
    facts: Sequence[Fact],
    topic: str,
    run: _Run,
    index: CitationIndex,
) -> list[Fact]:
    """Offline facts for each document an LLM engine's facts all failed for: a model's
    statements that its quotes do not bear out are left out by the support check, and a
    source left with none would be read but never cited. The offline engine's facts are its
    sources' sentences: it never leaves one so."""
    if run.engine.name == OfflineEngine.name:
        return []
    cited = {c.source_id for f in facts for c in f.citations}
    left = [d for d in focus if d.id not in cited]
    if not left:
        return []
    ids = {d.id for d in left}
    found = OfflineEngine().extract_facts(topic, left, [c for c in retrieved if c.doc_id in ids])
    filled, _ = verify_facts(index, found.value)
    if filled:
        run.tally.facts_extracted += len(found.value)
        run.tally.facts_verified += len(filled)
        names = ", ".join(d.path or d.id for d in left[:5])
        more = f" and {len(left) - 5} more" if len(left) > 5 else ""
        run.warnings.append(
            f"the model's facts for {counted(len(left), 'document')} ({names}{more}) were all "
            "left out as unverified or unsupported; their facts come from offline extraction"
        )
    return filled


def _contradictions(
    facts: Sequence[Fact],
    focus: Sequence[Document],
    topic: str,
    run: _Run,
    index: CitationIndex,
    story_of: dict[str, str],
) -> list[Contradiction]:
    candidates = propose_candidates(facts, story_of=story_of)
    judged = run.take(run.engine.judge_contradictions(topic, focus, candidates))
    judged += detect_temporal(focus, story_of=story_of)
    contradictions, sides_dropped, _ = verify_contradictions(index, judged)
    contradictions = support_contradictions(index, contradictions, run.tally)
    run.tally.contradictions_found += len(contradictions)
    run.tally.contradiction_sides_dropped_unverified += sides_dropped
    return contradictions


def _synthesis(
    index: CitationIndex,
    run: _Run,
    topic: str,
    facts: Sequence[Fact],
    contradictions: Sequence[Contradiction],
) -> Synthesis:
    synthesis = run.take(run.engine.synthesize(topic, list(facts), list(contradictions)))
    synthesis = _verify_synthesis(index, synthesis, run.tally)
    synthesis = _current_watch(index, synthesis, facts)
    return support_synthesis(index, synthesis, list(facts), topic=topic, tally=run.tally)


WATCH_DAYS = 2  # what to watch comes from sources at most this many days older than the latest


def _current_watch(index: CitationIndex, synthesis: Synthesis, facts: Sequence[Fact]) -> Synthesis:
    """What to watch from the story's latest sources: what a source dated days before its
    latest one expected may have happened since (a vote "expected Wednesday" in May, on a page
    whose news is from July). Undated sources are taken as current."""
    dates = [d for f in facts for c in f.citations if (d := index.date_of(c.source_id))]
    if not dates or not synthesis.watch:
        return synthesis
    since = max(dates) - dt.timedelta(days=WATCH_DAYS)

    def current(item: Fact) -> bool:
        return any((d := index.date_of(c.source_id)) is None or d >= since for c in item.citations)

    return synthesis.model_copy(update={"watch": tuple(w for w in synthesis.watch if current(w))})


def _select_one_story(
    stories: Sequence[Story],
    documents: Sequence[Document],
    *,
    settings: Settings,
    today: dt.date,
    run: _Run,
    progress: Progress,
) -> Brief:
    """Today's one-story page: bottom line, contradictions, developments, actors, watch."""
    topic = settings.topic or infer_topic(documents)
    progress(f"extracting facts on: {shown(topic)} ({run.engine.name} engine)")
    index = CitationIndex(documents)
    facts, focus = _extract(documents, topic, run, index)
    progress("looking for contradictions")
    story_of = story_of_sources(stories)
    contradictions = _contradictions(facts, focus, topic, run, index, story_of)
    progress("writing the brief")
    synthesis = _synthesis(index, run, topic, facts, contradictions)
    if (
        settings.topic is None
        and stories
        and synthesis.title in (topic, f"Situation brief: {topic}")
    ):
        # The engine only repeated the inferred topic, a list of terms: the story's own
        # headline reads better.
        synthesis = synthesis.model_copy(
            update={"title": f"Situation brief: {stories[0].headline}"}
        )
    brief = select_brief(
        topic=topic,
        topic_inferred=settings.topic is None,
        documents=documents,
        facts=facts,
        contradictions=contradictions,
        synthesis=synthesis,
        stats=run.stats(),
        today=today,
    )
    return brief.model_copy(update={"stories": brief_stories(stories)})


def _select_lineup(
    stories: Sequence[Story],
    documents: Sequence[Document],
    *,
    settings: Settings,
    today: dt.date,
    run: _Run,
    progress: Progress,
) -> Brief:
    """A page of several stories: the top ones briefed, the next in a line, the rest counted."""
    by_id = {d.id: d for d in documents}
    index = CitationIndex(documents)
    story_of = story_of_sources(stories)
    briefed = stories[: TOP_STORIES + NEXT_STORIES]
    facts: dict[str, list[Fact]] = {}
    focus: list[Document] = []
    for story in briefed:
        docs = [by_id[i] for i in story.source_ids if i in by_id]
        topic = settings.topic or infer_topic(docs)
        progress(f"story {story.rank}: {story.headline}")
        facts[story.id], story_focus = _extract(docs, topic, run, index)
        focus.extend(story_focus)
    topic = settings.topic or infer_topic(focus or documents)  # what the page is about
    progress("looking for contradictions within each story")
    all_facts = [f for fs in facts.values() for f in fs]
    contradictions = _contradictions(all_facts, focus, topic, run, index, story_of)
    syntheses: dict[str, Synthesis] = {}
    for story in briefed[:TOP_STORIES]:
        own = [c for c in contradictions if contradiction_story(c, story_of) == story.id]
        syntheses[story.id] = _synthesis(index, run, story.headline, facts[story.id], own)
    progress("writing the brief")
    return select_lineup(
        stories=stories,
        topic=settings.topic or f"{len(stories)} stories in {len(documents)} documents",
        topic_inferred=settings.topic is None,
        documents=documents,
        facts=facts,
        contradictions=contradictions,
        syntheses=syntheses,
        stats=run.stats(),
        today=today,
    )


def _verify_synthesis(index: CitationIndex, synthesis: Synthesis, tally: Tally) -> Synthesis:
    bottom, dropped_bottom = verify_facts(index, synthesis.bottom_line)
    watch, dropped_watch = verify_facts(index, synthesis.watch)
    actors = []
    for actor in synthesis.actors:
        located = [index.locate(c) for c in actor.citations]
        if actor.citations and all(c is not None for c in located):
            actors.append(actor.model_copy(update={"citations": tuple(c for c in located if c)}))
        else:
            tally.facts_dropped_unverified += 1
    tally.facts_dropped_unverified += dropped_bottom + dropped_watch
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
    NoDocumentsError, naming what was tried, when nothing usable is left (the one reason
    itself when a single input was given and failed: one line, not a warning and an error).
    """
    progress(f"reading {counted(len(paths), 'source path')}")
    ingested = ingest_paths(paths, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    if not ingested.documents and len(ingested.warnings) == 1:
        raise NoDocumentsError(skip_as_error(ingested.warnings[0], "nothing to brief"))
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
        copies=ingested.copies,
    )
    if warn is not None:  # the engine's own warnings (refusals, cost limit), after the inputs'
        told = set(ingested.warnings)
        for line in brief.stats.warnings:
            if line not in told:
                warn(line)
    return brief
