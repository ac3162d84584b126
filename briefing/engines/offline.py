"""The offline engine: deterministic, extractive, no network.

Facts are whole source sentences (so every statement is its own verbatim quote), scored by
how central their terms are to the cluster, how early they stand in their document (news
leads carry the story), topic overlap, attribution and specifics (numbers, dates). Actors
come from reporting verbs ("X said", "according to X"); contradictions are judged with
lexical rules on the candidate pairs that blocking proposes.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.claims import (
    FORWARD,
    HEDGE,
    NUMBER,
    actor_key,
    antonym_clash,
    attribute,
    disputes,
    is_pronoun,
    negated,
)
from briefing.engines.base import CandidatePair
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
from briefing.retrieve import content_terms
from briefing.text import word_count

_DATE_MENTION = re.compile(
    r"\b(?:\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:19|20)\d{2})\b"
)
_ENDS_SENTENCE = re.compile(r"[.!\u2026][\"'\u201d\u2019)]*$")
MIN_WORDS, MAX_WORDS = 6, 70


@dataclass
class _Candidate:
    doc_id: str
    start: int
    end: int
    text: str
    ordinal: int
    terms: frozenset[str]
    actor: str | None


def _sentences(chunks: Sequence[Chunk]) -> list[_Candidate]:
    """Eligible sentences of the chunks, with their ordinal position in their document."""
    by_doc: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_doc[chunk.doc_id].append(chunk)
    out: list[_Candidate] = []
    for doc_id, doc_chunks in by_doc.items():
        ordinal = 0
        last_actor: str | None = None
        for chunk in sorted(doc_chunks, key=lambda c: c.start):
            for sentence in chunk.sentences:
                text = sentence.text
                attribution = attribute(text)
                actor = attribution.actor
                if is_pronoun(actor):
                    actor = last_actor
                elif actor:
                    last_actor = actor
                n_words = word_count(text)
                eligible = (
                    MIN_WORDS <= n_words <= MAX_WORDS and _ENDS_SENTENCE.search(text) is not None
                )
                if eligible:
                    out.append(
                        _Candidate(
                            doc_id=doc_id,
                            start=sentence.start,
                            end=sentence.end,
                            text=text,
                            ordinal=ordinal,
                            terms=frozenset(content_terms(text)),
                            actor=actor,
                        )
                    )
                ordinal += 1
    return out


def _score(candidates: Sequence[_Candidate], topic: str, n_docs: int) -> list[float]:
    """Salience in [0, ~1.3]: centrality + lead position + topic + specifics."""
    doc_freq: Counter[str] = Counter()
    coll_freq: Counter[str] = Counter()
    per_doc: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        per_doc[c.doc_id].update(c.terms)
        coll_freq.update(c.terms)
    for terms in per_doc.values():
        doc_freq.update(terms)
    topic_terms = set(content_terms(topic))
    raw: list[float] = []
    for c in candidates:
        if not c.terms:
            raw.append(0.0)
            continue
        spread = sum(
            (doc_freq[t] / n_docs if n_docs > 1 else 1.0) * math.log1p(coll_freq[t] - 1)
            for t in c.terms
        )
        raw.append(spread / math.sqrt(len(c.terms)))
    top = max(raw, default=0.0) or 1.0
    scores: list[float] = []
    for c, r in zip(candidates, raw, strict=True):
        centrality = r / top
        position = 1.0 / (1.0 + 0.35 * c.ordinal)
        topical = len(c.terms & topic_terms) / len(topic_terms) if topic_terms else 0.0
        score = 0.45 * centrality + 0.4 * position + 0.15 * topical
        if c.actor:
            score += 0.08
        if NUMBER.search(c.text) or _DATE_MENTION.search(c.text):
            score += 0.04
        if HEDGE.search(c.text):
            score -= 0.08
        scores.append(score)
    return scores


def _kind(c: _Candidate) -> str:
    if c.actor:
        return "claim"
    if FORWARD.search(c.text):
        return "signal"
    return "event"


class OfflineEngine:
    """Deterministic extractive engine; the default, needs no key and no network."""

    name = "offline"
    model: str | None = None

    def __init__(self) -> None:
        self.usage = Usage()

    # --- extraction -------------------------------------------------------------------
    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> list[Fact]:
        candidates = _sentences(chunks)
        n_docs = len({c.doc_id for c in candidates}) or 1
        scores = _score(candidates, topic, n_docs)
        facts: list[Fact] = []
        for c, score in zip(candidates, scores, strict=True):
            date = _DATE_MENTION.search(c.text)
            facts.append(
                Fact(
                    id=f"{c.doc_id}:{c.start}",
                    statement=c.text,
                    actor=c.actor,
                    kind=_kind(c),  # type: ignore[arg-type]
                    date=date.group(0) if date else None,
                    citations=(
                        Citation(source_id=c.doc_id, quote=c.text, start=c.start, end=c.end),
                    ),
                    score=round(score, 4),
                )
            )
        return facts

    # --- contradictions ---------------------------------------------------------------
    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> list[Contradiction]:
        found: list[Contradiction] = []
        for pair in candidates:
            judged = judge_pair(pair)
            if judged is not None:
                found.append(judged)
        return merge_contradictions(found)

    # --- synthesis --------------------------------------------------------------------
    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> Synthesis:
        ranked = sorted(facts, key=lambda f: -f.score)
        bottom = _bottom_line(ranked)
        used = {f.id for f in bottom}
        watch = [f for f in ranked if f.id not in used and FORWARD.search(f.statement)]
        watch.sort(key=lambda f: -(f.score + (0.3 if "watch" in f.statement.lower() else 0.0)))
        return Synthesis(
            title=f"Situation brief: {topic}",
            bottom_line=tuple(bottom),
            watch=tuple(watch[:3]),
            actors=tuple(_actor_positions(ranked)),
        )


def _source(fact: Fact) -> str:
    return fact.citations[0].source_id if fact.citations else ""


def _bottom_line(ranked: Sequence[Fact]) -> list[Fact]:
    """2-3 of the highest-scoring facts, from as many different sources as possible."""
    sources = {_source(f) for f in ranked}
    want = min(3, max(2, len(sources)))
    chosen: list[Fact] = []
    used_sources: set[str] = set()
    for fact in ranked:
        if _source(fact) not in used_sources:
            chosen.append(fact)
            used_sources.add(_source(fact))
        if len(chosen) == want:
            break
    for fact in ranked:
        if len(chosen) >= want:
            break
        if fact not in chosen:
            chosen.append(fact)
    return chosen


def _actor_positions(ranked: Sequence[Fact], limit: int = 6) -> list[ActorPosition]:
    """Each actor's strongest attributed claim, actors ordered by total salience."""
    best: dict[str, Fact] = {}
    weight: Counter[str] = Counter()
    names: dict[str, str] = {}
    for fact in ranked:
        if not fact.actor or fact.kind != "claim":
            continue
        key = actor_key(fact.actor)
        weight[key] += fact.score
        best.setdefault(key, fact)
        names.setdefault(key, fact.actor)
    positions = []
    for key, _ in weight.most_common(limit):
        fact = best[key]
        positions.append(
            ActorPosition(name=names[key], position=fact.statement, citations=fact.citations)
        )
    return positions


# --- contradiction rules (shared with tests; pure functions) ---------------------------


def _different_voices(left: Fact, right: Fact) -> bool:
    if _source(left) != _source(right):
        return True
    if left.actor and right.actor:
        return actor_key(left.actor) != actor_key(right.actor)
    return bool(left.actor or right.actor)


def _mentions(text: str, actor: str | None) -> bool:
    """Whether ``text`` names ``actor`` (by any capitalised word of the actor's name)."""
    if not actor:
        return False
    names = [w for w in re.findall(r"[A-Z][\w]+", actor) if len(w) > 2]
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def judge_pair(pair: CandidatePair) -> Contradiction | None:
    """A contradiction if the two facts disagree by a rule below, else None.

    - reported dispute: one fact reports a dispute ("denied", "a sharply different account",
      "baseless") of a claim the other states, in the same source;
    - claim conflict: different sources or actors, shared subject, and opposite polarity
      (one negated, the other not) or a pair of opposite words.
    """
    left, right = sorted((pair.left, pair.right), key=lambda f: (_source(f), f.id))
    if not _different_voices(left, right):
        return None
    shared = pair.shared_terms
    same_source = _source(left) == _source(right)
    if same_source:
        first, second = sorted((left, right), key=lambda f: _position(f))
        if disputes(second.statement) and not disputes(first.statement):
            if second.actor and first.actor and actor_key(second.actor) == actor_key(first.actor):
                return None
            linked = _mentions(second.statement, first.actor) or len(shared) >= 2
            if linked and (first.actor or second.actor):
                return _contradiction("reported_dispute", first, second, shared, 0.9)
        return None
    clash = antonym_clash(left.statement, right.statement)
    polarity = negated(left.statement) != negated(right.statement)
    if len(shared) >= 2 and (clash is not None or (polarity and len(shared) >= 3)):
        score = 0.6 + (0.2 if clash else 0.0) + 0.05 * min(len(shared), 4)
        return _contradiction("claim_conflict", left, right, shared, score)
    return None


def _position(fact: Fact) -> int:
    c = fact.citations[0] if fact.citations else None
    return c.start if c is not None and c.start is not None else 0


def _contradiction(
    kind: str, first: Fact, second: Fact, shared: Sequence[str], score: float
) -> Contradiction:
    subject = ", ".join(shared[:3]) if shared else "the same subject"
    a = first.actor or "one source"
    b = second.actor or "another source"
    if kind == "reported_dispute":
        summary = f"{b} disputes what {a} says about {subject}."
    else:
        summary = f"{a} and {b} give incompatible accounts of {subject}."
    return Contradiction(
        kind=kind,  # type: ignore[arg-type]
        summary=summary,
        sides=(
            ContradictionSide(actor=first.actor, statement=first.statement, citations=first.citations),
            ContradictionSide(
                actor=second.actor, statement=second.statement, citations=second.citations
            ),
        ),
        score=round(score, 3),
    )


def merge_contradictions(found: Sequence[Contradiction]) -> list[Contradiction]:
    """Merge contradictions that share a side: one claim disputed by several sentences of the
    same actor becomes one contradiction whose disputing side carries every citation."""
    merged: list[Contradiction] = []
    by_first: dict[tuple[str, str], int] = {}
    for c in sorted(found, key=lambda c: -c.score):
        first, second = c.sides[0], c.sides[1]
        key = (first.citations[0].quote, actor_key(second.actor or "?"))
        if key in by_first:
            i = by_first[key]
            old = merged[i]
            other = old.sides[1]
            if len(other.citations) < 3 and all(
                x.quote != second.citations[0].quote for x in other.citations
            ):
                extended = other.model_copy(
                    update={
                        "statement": other.statement + " " + second.statement,
                        "citations": other.citations + second.citations,
                    }
                )
                merged[i] = old.model_copy(update={"sides": (old.sides[0], extended)})
            continue
        if any(_same_pair(c, m) for m in merged):
            continue
        by_first[key] = len(merged)
        merged.append(c)
    return merged


def _same_pair(a: Contradiction, b: Contradiction) -> bool:
    quotes_a = {cit.quote for side in a.sides for cit in side.citations}
    quotes_b = {cit.quote for side in b.sides for cit in side.citations}
    return len(quotes_a & quotes_b) >= 2 or quotes_a <= quotes_b
