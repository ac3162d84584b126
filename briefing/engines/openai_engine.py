"""The OpenAI engine: facts, contradictions and synthesis from an OpenAI-compatible endpoint.

Map-reduce within a budget:

- ``extract_facts`` packs chunks into batches sized to the model's context and sends them
  concurrently (``settings.concurrency`` threads). Every quote is checked against the source
  with ``briefing.verify.CitationIndex``; quotes that are not found are re-asked at most twice.
  Facts still unverified after that are returned with their unfound quotes, so the shared
  verification step drops them and counts them in the brief's ``stats`` like any engine's.
- ``judge_contradictions`` asks only about the candidate pairs it is given, in groups; the
  sides of a contradiction carry the (verified) citations of the two facts.
- ``synthesize`` writes the title, bottom line, watch list and actors from the verified facts
  it is given, citing fact ids; each sentence inherits the citations of the facts it cites.

Each returns an ``EngineResult``: refusals, content-filter stops and batches that never
produce valid JSON are skipped and reported in its ``warnings`` (the pipeline copies them into
``stats.warnings``), and its ``usage`` holds the calls, tokens and estimated cost it spent; a
length cut-off splits the batch once, or doubles the output budget once for a single chunk.
``engine.usage`` is the running total, which ``--max-cost`` limits: the engine stops before a
request that could exceed it, keeping what was done.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import openai
from pydantic import ValidationError

from briefing.config import Settings
from briefing.engines.base import CandidatePair, EngineResult
from briefing.engines.cache import LLMCache
from briefing.engines.cost import (
    Budget,
    BudgetExhausted,
    Deadline,
    Meter,
    estimate_tokens,
    price_for,
)
from briefing.engines.ladder import Ladder, is_looping, salvage_items
from briefing.engines.offline import OfflineEngine
from briefing.engines.schemas import (
    ExtractedFact,
    Extraction,
    Judgement,
    SynthesisOut,
    extraction_schema,
    judgement_schema,
    max_facts_for,
    synthesis_schema,
)
from briefing.engines.structured import (
    ContentFiltered,
    LengthCutOff,
    Refused,
    Request,
    StructuredCaller,
    Unusable,
)
from briefing.errors import MissingKeyError
from briefing.lexicon import fold_quote
from briefing.models import (
    ActorPosition,
    Chunk,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
    Usage,
)
from briefing.sanitize import remember_secret
from briefing.support import support_problems
from briefing.verify import CitationIndex, fallback_title

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
R = TypeVar("R")
_T = TypeVar("_T")

# Context windows in tokens; longest matching prefix wins; unknown (local) models get 8k.
CONTEXT_TOKENS: dict[str, int] = {
    "gpt-4o": 128_000,
    "gpt-4.1": 1_000_000,
    "gpt-5": 400_000,
    "o3": 200_000,
    "o4": 200_000,
}
DEFAULT_CONTEXT = 8_192
MAX_BATCH_TOKENS = 6_000  # source tokens per extraction call: small enough to extract well
EXTRACT_MAX_TOKENS = 4_096
EXTRACT_TOKENS_PER_FACT = 120  # a statement, one or two quotes and the JSON around them
JUDGE_MAX_TOKENS = 2_048
JUDGE_TOKENS_PER_PAIR = 96
SYNTH_MAX_TOKENS = 1_500
PAIRS_PER_CALL = 80
SYNTH_FACTS = 20
# A document the model gave fewer verified facts than this is filled in by offline extraction
# (sentences the model's quotes do not touch), so a weak model's page is not a thin one.
FILL_BELOW = 3


def context_tokens(model: str) -> int:
    matches = [prefix for prefix in CONTEXT_TOKENS if model.startswith(prefix)]
    return CONTEXT_TOKENS[max(matches, key=len)] if matches else DEFAULT_CONTEXT


def batch_budget(model: str) -> int:
    """Source tokens per extraction batch: a quarter of the context, at most MAX_BATCH_TOKENS."""
    return max(512, min(MAX_BATCH_TOKENS, (context_tokens(model) - EXTRACT_MAX_TOKENS) // 4))


def extract_max_tokens(blocks: int) -> int:
    """The output budget of one extraction call: what its facts need, not the model's limit.

    A model that loops stops here instead of at 4,096 tokens; one that writes more complete
    facts than this is cut off and keeps the complete ones.
    """
    return min(EXTRACT_MAX_TOKENS, 256 + EXTRACT_TOKENS_PER_FACT * max_facts_for(blocks))


def judge_max_tokens(pairs: int) -> int:
    return min(JUDGE_MAX_TOKENS, 128 + JUDGE_TOKENS_PER_PAIR * pairs)


def _salvage(content: str, schema: type[Extraction]) -> Extraction:
    """The complete, valid facts of an extraction answer cut off at the output limit."""
    facts: list[ExtractedFact] = []
    for item in salvage_items(content, "facts"):
        try:
            facts.extend(schema.model_validate({"facts": [item]}).facts)
        except ValidationError:
            continue
    return Extraction.model_construct(facts=facts)


def _date_as_written(date: str | None, quotes: Sequence[str]) -> str | None:
    """The fact's date only if its quotes write it so: no year or month the source does not give."""
    if not date or not date.strip():
        return None
    wanted = fold_quote(date).casefold()
    return date.strip() if any(wanted in fold_quote(q).casefold() for q in quotes) else None


def _short_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def _build_client(settings: Settings, base_url: str) -> openai.OpenAI:
    key = settings.api_key.get_secret_value() if settings.api_key is not None else ""
    remember_secret(key)  # redacted from any error body that echoes it
    if not key:
        if settings.base_url is None:
            raise MissingKeyError(
                "the openai engine needs an API key: set OPENAI_API_KEY or pass --api-key"
            )
        key = "no-key"  # local OpenAI-compatible servers usually ignore the key
    # max_retries=0: StructuredCaller owns transport retries, so they never multiply.
    return openai.OpenAI(api_key=key, base_url=base_url, timeout=settings.timeout_s, max_retries=0)


class OpenAIEngine:
    """Engine protocol implementation over ``client.chat.completions``."""

    name = "openai"

    def __init__(
        self,
        settings: Settings,
        *,
        client: openai.OpenAI | None = None,
        cache: LLMCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        batch_tokens: int | None = None,
    ) -> None:
        self.settings = settings
        self.model: str | None = settings.model
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.meter = Meter()
        self.warnings: list[str] = []  # every warning so far; each result carries its own
        self._reported_usage = Usage()
        self._reported_warnings = 0
        self.unverified_returned = 0
        self.fallback_documents: list[str] = []  # extracted offline: the model gave nothing usable
        self._offline_ids: set[str] = set()  # the facts those documents gave
        self._lock = threading.Lock()
        if client is None:
            client = _build_client(settings, self.base_url)
        if not settings.cache:
            cache = None
        elif cache is None:
            cache = LLMCache(settings.cache_path)
        self.cache = cache
        prices = price_for(settings.model)
        if prices is None and settings.max_cost_usd is not None:
            self._warn(
                f"no price known for model {settings.model}: cost is reported as 0 and "
                "--max-cost cannot limit it"
            )
        self.budget = Budget(settings.max_cost_usd, prices)
        self.deadline = Deadline(settings.llm_budget_s, clock)
        self.ladder = Ladder(self.base_url, store=cache)
        self.caller = StructuredCaller(
            client,
            base_url=self.base_url,
            model=settings.model,
            timeout_s=settings.timeout_s,
            cache=cache,
            ladder=self.ladder,
            budget=self.budget,
            meter=self.meter,
            sleep=sleep,
            deadline=self.deadline,
            stream=settings.stream,
        )
        self.batch_tokens = batch_tokens or batch_budget(settings.model)
        self._budget_warned = False
        self._time_warned = False

    # -- the Engine protocol ------------------------------------------------------------------

    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> EngineResult[list[Fact]]:
        return self._result(self._extract_facts(topic, documents, chunks))

    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> EngineResult[list[Contradiction]]:
        return self._result(self._judge_contradictions(topic, documents, candidates))

    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> EngineResult[Synthesis]:
        return self._result(self._synthesize(topic, facts, contradictions))

    def _result(self, value: _T) -> EngineResult[_T]:
        """``value`` with what was spent and warned since the last result (the constructor's
        warnings ride on the first one)."""
        with self._lock:
            total = self.usage
            spent, self._reported_usage = total - self._reported_usage, total
            warned = tuple(self.warnings[self._reported_warnings :])
            self._reported_warnings = len(self.warnings)
        return EngineResult(value, usage=spent, warnings=warned)

    @property
    def usage(self) -> Usage:
        """What every call of this engine has spent so far (``--max-cost`` limits its cost)."""
        return self.meter.snapshot()

    def _extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> list[Fact]:
        self.deadline.start()  # --llm-budget counts from the first LLM work of the brief
        index = CitationIndex(documents)
        docs = {d.id: d for d in documents}
        batches = self._batches(chunks)
        jobs = [
            (lambda n=n, b=b: self._extract_batch(topic, b, n, index, docs))
            for n, b in enumerate(batches, 1)
        ]
        results = self._map(jobs, what="extraction batches")
        facts: list[Fact] = []
        seen: set[tuple[str, str]] = set()
        for batch_facts in results:
            for fact in batch_facts or []:
                key = (fold_quote(fact.statement).lower(), fact.citations[0].quote)
                if key not in seen:
                    seen.add(key)
                    facts.append(fact)
        logger.info("extracted %d facts from %d batches", len(facts), len(batches))
        return facts + self._fallback(topic, documents, chunks, facts)

    def _fallback(
        self,
        topic: str,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        facts: Sequence[Fact],
    ) -> list[Fact]:
        """Offline extraction for each document the model gave no usable (verified) fact for,
        and, for one it gave fewer than FILL_BELOW, the best sentences its quotes leave out."""
        spans: dict[str, list[tuple[int, int]]] = {}  # what the verified quotes cover
        count: Counter[str] = Counter()  # verified facts per document
        for f in facts:
            if f.citations and all(c.start is not None for c in f.citations):
                count.update({c.source_id for c in f.citations})
                for c in f.citations:
                    spans.setdefault(c.source_id, []).append((c.start or 0, c.end or 0))
        sent = {c.doc_id for c in chunks}
        missing = [d for d in documents if d.id in sent and d.id not in spans]
        thin = [d for d in documents if 0 < count[d.id] < FILL_BELOW]
        offline = OfflineEngine()
        extra: list[Fact] = []
        filled = 0
        for doc in [*missing, *thin]:
            own = [c for c in chunks if c.doc_id == doc.id]
            found = offline.extract_facts(topic, [doc], own).value
            if doc.id in spans:  # thin: only sentences the model's quotes do not touch
                found = [f for f in found if not _touches(f, spans[doc.id])]
                found = sorted(found, key=lambda f: -f.score)[: FILL_BELOW - count[doc.id]]
                filled += len(found)
            extra.extend(found)
        self.fallback_documents.extend(d.path or d.id for d in missing)
        self._offline_ids.update(f.id for f in extra)
        if filled:
            self._warn(
                f"the model gave fewer than {FILL_BELOW} usable facts for {len(thin)} of "
                f"{len(sent)} documents ({_names(thin)}); offline extraction added {filled} "
                f"{'fact' if filled == 1 else 'facts'} from them"
            )
        if not missing:
            return extra
        if self.deadline.hit or self.budget.exhausted:  # not asked, rather than empty-handed
            self._warn(
                f"{len(missing)} of {len(sent)} documents ({_names(missing)}) were left without "
                "the model's facts when the LLM budget ran out; their facts come from offline "
                "extraction"
            )
            return extra
        if not spans and not extra:
            self._warn(
                f"the model ({self.model}) gave no usable facts and offline extraction found "
                "none either: this brief has no facts"
            )
            return []
        if spans:
            self._warn(
                f"the model gave no usable facts for {len(missing)} of {len(sent)} documents "
                f"({_names(missing)}); their facts come from offline extraction"
            )
        else:
            self._warn(
                f"the model ({self.model}) gave no usable facts for any of the {len(sent)} "
                f"documents it was sent ({_names(missing)}); their facts come from offline "
                "extraction"
            )
        return extra

    def _judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> list[Contradiction]:
        # Offline facts are source text: they never enter a prompt outside its data blocks.
        candidates = [
            c
            for c in candidates
            if c.left.id not in self._offline_ids and c.right.id not in self._offline_ids
        ]
        groups = [
            list(candidates[i : i + PAIRS_PER_CALL])
            for i in range(0, len(candidates), PAIRS_PER_CALL)
        ]
        jobs = [(lambda g=g, n=n: self._judge_group(topic, g, n)) for n, g in enumerate(groups, 1)]
        found: list[Contradiction] = []
        for result in self._map(jobs, what="contradiction groups"):
            found.extend(result or [])
        return found

    def _synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> Synthesis:
        # Offline facts are source text: they never enter a prompt outside its data blocks.
        own = [f for f in facts if f.id not in self._offline_ids]
        ranked = sorted(own, key=lambda f: -f.score)[:SYNTH_FACTS]
        if not ranked:
            if facts:
                return self._fallback_synthesis(topic, sorted(facts, key=lambda f: -f.score))
            return Synthesis(title=topic or "Situation brief")
        labels = {f"F{i}": fact for i, fact in enumerate(ranked, 1)}
        request = Request(
            template="synthesize",
            variables={
                "topic": topic,
                "facts": [
                    {"id": label, "actor": f.actor, "statement": f.statement, "date": f.date}
                    for label, f in labels.items()
                ],
                "disputes": [c.summary for c in contradictions[:8]],
            },
            schema=synthesis_schema(tuple(labels)),
            max_tokens=SYNTH_MAX_TOKENS,
            label="synthesis",
        )

        def cited(ids: Sequence[str]) -> tuple[Citation, ...]:
            citations: list[Citation] = []
            for label in ids:
                for citation in labels[label].citations if label in labels else ():
                    if citation not in citations:
                        citations.append(citation)
            return tuple(citations[:3])

        def unsupported(where: str, text: str, ids: Sequence[str]) -> list[str]:
            """The shared support rule (briefing.support), so the re-ask gives the reason."""
            quotes = [c.quote for c in cited(ids)]
            return [
                f"{where}: {p}; say only what the cited facts say"
                for p in support_problems(text, quotes)
            ]

        support_rounds: list[None] = []  # support problems are re-asked once (then verify)

        def check(out: SynthesisOut) -> list[str]:
            support = not support_rounds
            support_rounds.append(None)
            errors: list[str] = []
            if not out.title.strip():
                errors.append("title: must not be empty")
            all_quotes = [c.quote for f in ranked for c in f.citations]
            for p in support_problems(out.title, all_quotes, given=fallback_title(topic)):
                if support:
                    errors.append(f"title: {p}; say only what the facts say")
            if not out.bottom_line:
                errors.append("bottom_line: give 2-3 sentences")
            for part, points in (("bottom_line", out.bottom_line), ("watch", out.watch)):
                for i, point in enumerate(points):
                    unknown = [f for f in point.facts if f not in labels]
                    if unknown or not point.facts:
                        errors.append(f"{part}.{i}.facts: cite ids from the list, not {unknown}")
                    elif support:
                        errors.extend(unsupported(f"{part}.{i}.text", point.text, point.facts))
            for i, actor in enumerate(out.actors):
                if not actor.facts or any(f not in labels for f in actor.facts):
                    errors.append(f"actors.{i}.facts: cite ids from the list")
                elif support:
                    errors.extend(unsupported(f"actors.{i}.position", actor.position, actor.facts))
            return errors

        try:
            answer = self.caller.ask(request, check)
        except (Refused, ContentFiltered, LengthCutOff, Unusable, BudgetExhausted) as exc:
            self._report(exc, "synthesis")
            return self._fallback_synthesis(topic, ranked)
        out: SynthesisOut = answer.attempts[-1]

        def point_fact(text: str, ids: Sequence[str], kind: str) -> Fact | None:
            citations = cited(ids)
            if not citations or not text.strip():
                return None
            return Fact(
                id="s" + _short_id(text),
                statement=text.strip(),
                kind=kind,
                citations=citations,
                score=max((labels[i].score for i in ids if i in labels), default=0.0),
            )

        bottom = [point_fact(p.text, p.facts, "claim") for p in out.bottom_line[:3]]
        watch = [point_fact(p.text, p.facts, "signal") for p in out.watch[:3]]
        actors = [
            ActorPosition(
                name=a.name.strip(), position=a.position.strip(), citations=cited(a.facts)
            )
            for a in out.actors[:5]
            if a.name.strip() and cited(a.facts)
        ]
        return Synthesis(
            title=out.title.strip() or topic or "Situation brief",
            bottom_line=tuple(f for f in bottom if f is not None),
            watch=tuple(f for f in watch if f is not None),
            actors=tuple(actors),
        )

    # -- extraction ---------------------------------------------------------------------------

    def _batches(self, chunks: Sequence[Chunk]) -> list[list[Chunk]]:
        batches: list[list[Chunk]] = []
        current: list[Chunk] = []
        size = 0
        for chunk in chunks:
            tokens = estimate_tokens(chunk.text)
            if current and size + tokens > self.batch_tokens:
                batches.append(current)
                current, size = [], 0
            current.append(chunk)
            size += tokens
        if current:
            batches.append(current)
        return batches

    def _extract_batch(
        self,
        topic: str,
        batch: list[Chunk],
        number: int | str,
        index: CitationIndex,
        docs: dict[str, Document],
        *,
        max_tokens: int | None = None,
        may_shrink: bool = True,
    ) -> list[Fact]:
        by_label = {f"C{i}": chunk for i, chunk in enumerate(batch, 1)}
        valid = ", ".join(by_label)
        batch_docs = list(dict.fromkeys(chunk.doc_id for chunk in batch))
        blocks = []
        for label, chunk in by_label.items():
            doc = docs.get(chunk.doc_id)
            meta = ", ".join(
                str(x) for x in (doc.outlet if doc else None, doc.date if doc else None) if x
            )
            blocks.append({"id": label, "meta": meta, "text": chunk.text})
        schema = extraction_schema(tuple(by_label))
        max_tokens = max_tokens or extract_max_tokens(len(batch))
        request = Request(
            template="extract",
            variables={"topic": topic, "blocks": blocks},
            schema=schema,
            max_tokens=max_tokens,
            label=f"extraction batch {number}",
            followups=("requote",),
        )

        def anywhere(quote: str) -> Citation | None:
            """The quote looked up in every document of the batch (its block id was wrong)."""
            for doc_id in batch_docs:
                found = index.locate(Citation(source_id=doc_id, quote=quote))
                if found is not None:
                    return found
            return None

        def located(fact: Any, support: bool = True) -> tuple[list[Citation], list[str]]:
            citations: list[Citation] = []
            problems: list[str] = []
            for q in fact.quotes:
                label = q.chunk.strip()
                chunk = by_label.get(label)
                if not q.quote.strip():
                    problems.append(f"empty quote for block {q.chunk!r}")
                    continue
                found = None
                if chunk is not None:
                    found = index.locate(Citation(source_id=chunk.doc_id, quote=q.quote))
                found = found or anywhere(q.quote)
                if found is not None:
                    citations.append(found)
                    continue
                # Kept unverified so that the verification step drops and counts it.
                citations.append(Citation(source_id=(chunk or batch[0]).doc_id, quote=q.quote))
                if chunk is None:
                    problems.append(
                        f"unknown source block {q.chunk!r} (the blocks are {valid}), and the "
                        f"quote is in none of them: {q.quote[:80]!r}"
                    )
                else:
                    problems.append(f"quote not found in {label}: {q.quote[:80]!r}")
            if not fact.quotes:
                problems.append("no quote given")
            if support and not problems:  # the shared support rule: the re-ask says why
                quotes = [c.quote for c in citations]
                problems.extend(
                    f"statement not supported by its quotes: {p}"
                    for p in support_problems(fact.statement, quotes)
                )
            return citations, problems

        support_rounds: list[None] = []  # support problems are re-asked once (then verify)

        def check(out: Extraction) -> list[str]:
            support = not support_rounds
            support_rounds.append(None)
            errors: list[str] = []
            for i, fact in enumerate(out.facts):
                errors.extend(
                    f"fact {i + 1} ({fact.statement[:50]!r}): {p}"
                    for p in located(fact, support)[1]
                )
            return errors

        def followup(out: Extraction, errors: list[str]) -> str:
            """Only the failing facts and the blocks they cite: not the whole batch again.

            A fact that names no valid block gets every block of the batch, so the model sees
            which ids exist and where its quote should come from.
            """
            failing = [fact for fact in out.facts if located(fact)[1]]
            cited = {q.chunk.strip() for fact in failing for q in fact.quotes}
            shown = [b for b in blocks if b["id"] in cited]
            if not cited <= set(by_label) or not shown:
                shown = blocks
            return self.caller.prompts.render(
                "requote",
                topic=topic,
                errors=[*errors, f"the valid block ids are {valid}"],
                facts=json.dumps(
                    [fact.model_dump() for fact in failing], ensure_ascii=False, indent=None
                ),
                blocks=shown,
            )

        try:
            answer = self.caller.ask(request, check, followup)
        except LengthCutOff as exc:
            looping = is_looping(exc.content)
            if not looping and may_shrink and len(batch) > 1:
                half = len(batch) // 2
                logger.info("extraction batch %s cut off; splitting it in two", number)
                return [
                    *self._extract_batch(
                        topic, batch[:half], f"{number}a", index, docs, may_shrink=False
                    ),
                    *self._extract_batch(
                        topic, batch[half:], f"{number}b", index, docs, may_shrink=False
                    ),
                ]
            if not looping and may_shrink:
                logger.info("extraction batch %s cut off; doubling its output budget", number)
                return self._extract_batch(
                    topic, batch, number, index, docs, max_tokens=max_tokens * 2, may_shrink=False
                )
            salvaged = _salvage(exc.content, schema)
            why = (
                "the model repeated itself (stopped there, within"
                if looping
                else "cut off at (the output limit of"
            )
            self._warn(
                f"extraction batch {number} ({len(batch)} chunks): {why} {max_tokens} tokens); "
                f"kept the {len(salvaged.facts)} complete fact(s) before it"
            )
            return self._facts_of(number, [salvaged], located, by_label, reported=True)
        except (Refused, ContentFiltered, Unusable) as exc:
            self._report(exc, f"extraction batch {number} ({len(batch)} chunks)")
            return []
        if answer.cut_off:
            self._warn(
                f"extraction batch {number}: a re-ask was cut off at the output limit; kept "
                "what the earlier answers verified"
            )
        return self._facts_of(number, answer.attempts, located, by_label)

    def _facts_of(
        self,
        number: int | str,
        attempts: Sequence[Any],
        located: Callable[..., tuple[list[Citation], list[str]]],
        by_label: dict[str, Chunk],
        *,
        reported: bool = False,
    ) -> list[Fact]:
        """Verified facts from every attempt, then every fact that never verified.

        A fact that failed in one answer and was left out of the next (the re-ask asked only
        about it) is still returned, unverified, so the verification step drops and counts
        it: every fact the model proposed is either on the page or in the count. Found quotes
        whose statement is unsupported are kept too, the latest per quote, unless a verified
        fact quotes them: verify puts the quote in place of the statement.
        """
        verified: dict[str, Fact] = {}
        unsupported: dict[str, Fact] = {}
        unverified: dict[str, Fact] = {}
        proposed = 0
        for out in attempts:
            for item in out.facts:
                proposed += 1
                citations, problems = located(item, support=False)
                if not citations:  # only empty quotes: count it through one unverifiable quote
                    first = next(iter(by_label.values()))
                    citations = [Citation(source_id=first.doc_id, quote=item.statement)]
                fact = Fact(
                    id="f" + _short_id(item.statement, citations[0].quote),
                    statement=item.statement.strip(),
                    actor=(item.actor or "").strip() or None,
                    kind=item.kind,
                    date=_date_as_written(item.date, [c.quote for c in citations]),
                    citations=tuple(citations),
                    score=item.importance / 5,
                )
                key = fold_quote(fact.statement).lower()
                if problems:
                    if key not in verified:
                        unverified[key] = fact
                elif located(item)[1]:
                    unsupported[citations[0].quote] = fact
                    unverified.pop(key, None)
                else:
                    verified.setdefault(key, fact)
                    unverified.pop(key, None)
        if unverified:
            with self._lock:
                self.unverified_returned += len(unverified)
            logger.info(
                "extraction batch %s: %d fact(s) still unverified after re-asking",
                number,
                len(unverified),
            )
        if proposed and not verified and not unsupported:
            self._warn(
                f"extraction batch {number}: none of the {len(unverified)} fact(s) the model "
                "gave has a quote found in the sources"
            )
        elif not proposed and not reported:
            self._warn(f"extraction batch {number}: the model gave no facts")
        quoted = {f.citations[0].quote for f in verified.values()}
        kept = [f for quote, f in unsupported.items() if quote not in quoted]
        return [*verified.values(), *kept, *unverified.values()]

    # -- contradictions -----------------------------------------------------------------------

    def _judge_group(
        self, topic: str, group: list[CandidatePair], number: int
    ) -> list[Contradiction]:
        # Each statement is listed once; pairs refer to statements by id.
        statement_ids: dict[tuple[str, str], str] = {}
        statements: list[dict[str, Any]] = []

        def sid(fact: Fact) -> str:
            key = (fact.statement, fact.citations[0].quote if fact.citations else "")
            if key not in statement_ids:
                statement_ids[key] = f"S{len(statement_ids) + 1}"
                statements.append(
                    {"id": statement_ids[key], "actor": fact.actor, "statement": fact.statement}
                )
            return statement_ids[key]

        labels = {f"P{i}": pair for i, pair in enumerate(group, 1)}
        pairs = [
            {"id": label, "left": sid(p.left), "right": sid(p.right)} for label, p in labels.items()
        ]
        request = Request(
            template="judge",
            variables={"topic": topic, "facts": statements, "pairs": pairs},
            schema=judgement_schema(tuple(labels)),
            max_tokens=judge_max_tokens(len(labels)),
            label=f"contradiction group {number}",
        )

        support_rounds: list[None] = []  # support problems are re-asked once (then verify)

        def check(out: Judgement) -> list[str]:
            support = not support_rounds
            support_rounds.append(None)
            errors: list[str] = []
            seen: set[str] = set()
            for i, conflict in enumerate(out.conflicts):
                pid = conflict.pair.strip()
                if pid not in labels:
                    errors.append(f"conflicts.{i}.pair: {conflict.pair!r} is not a listed pair")
                elif pid in seen:
                    errors.append(f"conflicts.{i}.pair: {pid} listed twice")
                elif support:
                    sides = (labels[pid].left, labels[pid].right)
                    quotes = [c.quote for f in sides for c in f.citations]
                    actors = "\n".join(f.actor for f in sides if f.actor)
                    errors.extend(
                        f"conflicts.{i}.summary: {p}; say only what the two statements say"
                        for p in support_problems(
                            conflict.summary, quotes, given=actors, framing=True
                        )
                    )
                seen.add(pid)
            return errors

        try:
            answer = self.caller.ask(request, check)
        except (Refused, ContentFiltered, LengthCutOff, Unusable) as exc:
            self._report(exc, f"contradiction group {number}")
            return []
        found: list[Contradiction] = []
        done: set[str] = set()
        for conflict in answer.attempts[-1].conflicts:
            pid = conflict.pair.strip()
            pair = labels.get(pid)
            if pair is None or pid in done:
                continue
            done.add(pid)
            sides = tuple(
                ContradictionSide(actor=f.actor, statement=f.statement, citations=f.citations)
                for f in (pair.left, pair.right)
            )
            found.append(
                Contradiction(
                    id="k" + _short_id(pair.left.statement, pair.right.statement),
                    kind=conflict.kind,
                    summary=conflict.summary.strip(),
                    sides=sides,
                    score=(pair.left.score + pair.right.score) / 2,
                )
            )
        return found

    # -- plumbing -----------------------------------------------------------------------------

    def _map(self, jobs: Sequence[Callable[[], R]], *, what: str) -> list[R | None]:
        """Run jobs with bounded concurrency, in order; the first one alone if the ladder is new.

        A job stopped by the cost limit yields None; errors the user must act on propagate.
        """
        results: list[R | None] = [None] * len(jobs)
        if not jobs:
            return results
        start = 0
        if not self.ladder.settled:
            results[0] = self._guard(jobs[0], what)
            start = 1
        rest = range(start, len(jobs))
        if self.settings.concurrency == 1 or len(rest) <= 1:
            for i in rest:
                results[i] = self._guard(jobs[i], what)
        else:
            workers = min(self.settings.concurrency, len(rest))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm") as pool:
                futures = {i: pool.submit(self._guard, jobs[i], what) for i in rest}
                try:
                    for i, future in futures.items():
                        results[i] = future.result()
                except BaseException:
                    for future in futures.values():
                        future.cancel()
                    raise
        skipped = sum(1 for r in results if r is None)
        if skipped and (self.budget.exhausted or self.deadline.hit):
            self._warn_budget(f"{skipped} of {len(jobs)} {what} not sent or cut short")
        return results

    def _guard(self, job: Callable[[], R], what: str) -> R | None:
        try:
            return job()
        except BudgetExhausted:
            return None

    def _report(self, exc: BaseException, where: str) -> None:
        if isinstance(exc, Refused):
            self._warn(f"the model refused {where}: {str(exc)[:160]}")
        elif isinstance(exc, ContentFiltered):
            self._warn(f"the content filter stopped {where}; skipped")
        elif isinstance(exc, LengthCutOff):
            self._warn(f"{where} was cut off at the output limit; skipped")
        elif isinstance(exc, Unusable):
            self._warn(f"{where}: no valid JSON after re-asking; skipped")
        elif isinstance(exc, BudgetExhausted):
            self._warn_budget(f"{where} not sent")

    def _warn_budget(self, detail: str) -> None:
        if self.deadline.hit:
            with self._lock:
                if self._time_warned:
                    return
                self._time_warned = True
            self._warn(
                f"stopped LLM calls at the --llm-budget of {self.settings.llm_budget_s:g} s: "
                f"{detail}; documents the model gave no facts for fall back to offline "
                "extraction"
            )
            return
        with self._lock:
            if self._budget_warned:
                return
            self._budget_warned = True
        self._warn(
            f"stopped before exceeding --max-cost ${self.settings.max_cost_usd:g} "
            f"(spent ${self.budget.spent:.4f}): {detail}; the brief uses what was done"
        )

    def _warn(self, message: str) -> None:
        logger.warning("%s", message)
        with self._lock:
            self.warnings.append(message)

    @staticmethod
    def _fallback_synthesis(topic: str, ranked: Sequence[Fact]) -> Synthesis:
        """The offline engine's synthesis of the facts, when the model gives none: a bottom
        line from as many sources as it can, never two items saying the same thing, and
        what to watch in the sources' own words."""
        return OfflineEngine().synthesize(topic, list(ranked), []).value

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def _touches(fact: Fact, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether any of ``fact``'s quotes overlaps one of ``spans`` (start, end) of its source."""
    return any(
        c.start is not None and c.end is not None and c.start < end and start < c.end
        for c in fact.citations
        for start, end in spans
    )


def _names(documents: Sequence[Document]) -> str:
    """Up to five documents' names for a warning line, and how many more."""
    names = ", ".join(d.path or d.title or d.id for d in documents[:5])
    return names + (f" and {len(documents) - 5} more" if len(documents) > 5 else "")
