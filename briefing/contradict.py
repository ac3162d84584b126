"""Contradiction candidates and staleness conflicts, shared by every engine.

``propose_candidates`` finds fact pairs worth judging through an inverted index of their
content terms (blocking): only pairs that share subject terms are ever compared, never all
pairs. ``detect_temporal`` finds the same person given conflicting titles across sources
("former President X" in one, "President X" in another), which means the sources come from
different periods and must not be compared as if simultaneous.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from briefing.chunk import document_sentences
from briefing.claims import (
    YEAR,
    actor_key,
    antonym_clash,
    disputes,
    has_antonym,
    negated,
    scheduled_day,
)
from briefing.engines.base import CandidatePair
from briefing.lexicon import content_terms
from briefing.models import Citation, Contradiction, ContradictionSide, Document, Fact, Sentence
from briefing.text import clause_around, short_name

MAX_POSTINGS = 40  # a term shared by more facts than this is too common to block on
SAME_SOURCE_WINDOW = 2500  # characters: a reported dispute refers to a nearby claim

_TITLES = (
    r"President|Vice President|Prime Minister|Premier|Chancellor|Foreign Minister|Minister|"
    r"Secretary of State|Secretary|Governor|Senator|Ambassador|Speaker|Mayor|King|Queen|"
    r"Crown Prince|Prince|Supreme Leader|Leader|Chief Executive|CEO|Chairman|Chairwoman|Chair|"
    r"General|Pope|Attorney General|Director"
)
_NAME = r"(?:[A-Z][a-z'\u2019\-]+\s+){0,2}[A-Z][a-z'\u2019\-]+"
_ROLE_MENTION = re.compile(
    rf"\b(?P<former>[Ff]ormer|[Ee]x-|[Tt]hen-|[Ll]ate|[Oo]utgoing)?\s*"
    rf"(?P<qual>(?:[A-Z][\w.]*\s+){{0,2}})?"
    rf"(?P<title>{_TITLES})\s+(?P<name>{_NAME})"
)
# What every role mention holds: a title, white space, a capital. Searched once per document
# (a literal scan), so the mention pattern runs only on documents that name a role at all.
_ROLE_TITLE = re.compile(rf"(?:{_TITLES})\s+[A-Z]")
# "put in place under President Trump", "revoked by President Trump": the title of the time of
# an act told in the past, not of the time of writing ("led by President Raisi" is that time)
_PAST_ACT = re.compile(
    r"\b(?:under|during|(?!(?:led|headed|chaired|governed|ruled|guided|run)\b)[a-z]+ed\s+by)\s*$",
    re.IGNORECASE,
)


def _source(fact: Fact) -> str:
    return fact.citations[0].source_id if fact.citations else ""


def _start(fact: Fact) -> int:
    c = fact.citations[0] if fact.citations else None
    return c.start if c is not None and c.start is not None else 0


def propose_candidates(
    facts: Sequence[Fact], *, limit: int = 80, story_of: Mapping[str, str] | None = None
) -> list[CandidatePair]:
    """Fact pairs that share subject terms, best first, at most ``limit``.

    With ``story_of`` (source id -> story id), a pair is proposed only within one story.

    Same-source pairs are kept only when close together and one of them reports a dispute;
    cross-source pairs need two shared terms. Ranking favours pairs with a polarity or
    antonym signal, so an engine that judges only the top pairs still sees the likely ones.
    """
    # First-occurrence order, not set order: a brief must not depend on the hash seed.
    terms = [tuple(dict.fromkeys(content_terms(f.statement))) for f in facts]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(terms):
        for t in ts:
            postings[t].append(i)
    sources = [_source(f) for f in facts]
    stories = [story_of.get(s) for s in sources] if story_of is not None else [None] * len(facts)
    shared = _shared_terms(postings, stories, sources)
    for a, b in _nearby_dispute_pairs(facts):
        shared.setdefault((min(a, b), max(a, b)), [])
    n = max(len(facts), 1)
    rarity = {t: math.log(1 + n / len(ids)) for t, ids in postings.items() if len(ids) > 1}
    # Per-fact features, computed once rather than once per pair.
    negs = [negated(f.statement) for f in facts]
    disps = [disputes(f.statement) for f in facts]
    antonyms = [has_antonym(f.statement) for f in facts]
    days = [scheduled_day(f.statement) for f in facts]
    scored: list[tuple[float, int, int, list[str]]] = []
    for (a, b), common in shared.items():
        left, right = facts[a], facts[b]
        same_source = sources[a] == sources[b]
        if not same_source and len(common) < 2:
            continue
        dispute = disps[a] or disps[b]
        weight = sum([rarity[t] for t in common])
        if same_source:
            # A reported dispute: two attributed voices in one source, close together.
            distance = abs(_start(left) - _start(right))
            if not (dispute and _two_voices(left, right)) or distance > SAME_SOURCE_WINDOW:
                continue
            weight += 3.0 / (1.0 + distance / 400)
            if _names_actor(left, right) or _names_actor(right, left):
                weight += 3.0
        if negs[a] != negs[b]:
            weight *= 1.5
        if antonyms[a] and antonyms[b] and antonym_clash(left.statement, right.statement):
            weight *= 2.0
        if days[a] is not None and days[b] is not None and days[a] != days[b]:
            weight *= 2.0  # one event set on two days
        if dispute:
            weight *= 1.5
        scored.append((weight, a, b, common))
    scored.sort(key=lambda x: -x[0])  # stable: pairs of one weight keep their order
    pairs: list[CandidatePair] = []
    for _, a, b, common in scored[:limit]:
        common.sort(key=lambda t: len(postings[t]))
        pairs.append(CandidatePair(left=facts[a], right=facts[b], shared_terms=tuple(common)))
    return pairs


def _shared_terms(
    postings: Mapping[str, list[int]], stories: Sequence[str | None], sources: Sequence[str]
) -> dict[tuple[int, int], list[str]]:
    """Fact pairs (a, b), a < b, of one story -> the terms they share, for each term held by 2
    to MAX_POSTINGS facts: pairs in the order the terms first pair them, terms in posting
    order. Only the pairs that can be proposed: one source's, or sharing two terms or more.

    Counted first (pairs from ``itertools.combinations``, counted in C), so a term list is
    built only for a pair that is kept: most pairs of two sources share one term.
    """
    blocking = [(term, ids) for term, ids in postings.items() if 2 <= len(ids) <= MAX_POSTINGS]
    counts: Counter[tuple[int, int]] = Counter()
    for _, ids in blocking:
        story = stories[ids[0]]
        if all(stories[i] == story for i in ids):
            counts.update(combinations(ids, 2))
        else:
            counts.update([(a, b) for a, b in combinations(ids, 2) if stories[a] == stories[b]])
    shared: dict[tuple[int, int], list[str]] = {
        pair: [] for pair, n in counts.items() if n >= 2 or sources[pair[0]] == sources[pair[1]]
    }
    for term, ids in blocking:
        for pair in combinations(ids, 2):
            common = shared.get(pair)
            if common is not None:
                common.append(term)
    return shared


NEARBY_CLAIMS = 3  # a dispute sentence is paired with up to this many earlier claims


def _nearby_dispute_pairs(facts: Sequence[Fact]) -> list[tuple[int, int]]:
    """(claim, dispute) index pairs within one source: each attributed sentence reporting a
    dispute, with the attributed claims just before it ("... offered a different account")."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, fact in enumerate(facts):
        if fact.actor:
            by_source[_source(fact)].append(i)
    pairs: list[tuple[int, int]] = []
    for ids in by_source.values():
        ids.sort(key=lambda i: _start(facts[i]))
        for pos, i in enumerate(ids):
            if not disputes(facts[i].statement):
                continue  # checked once per fact: this loop visits each fact once
            for j in ids[max(0, pos - NEARBY_CLAIMS) : pos]:
                if _start(facts[i]) - _start(facts[j]) <= SAME_SOURCE_WINDOW:
                    pairs.append((j, i))
    return pairs


def _two_voices(left: Fact, right: Fact) -> bool:
    return bool(left.actor and right.actor) and actor_key(left.actor or "") != actor_key(
        right.actor or ""
    )


def _names_actor(text_fact: Fact, actor_fact: Fact) -> bool:
    """Whether ``text_fact`` names the actor of ``actor_fact`` (any capitalised name word)."""
    if not actor_fact.actor:
        return False
    names = [w for w in re.findall(r"[A-Z][\w]+", actor_fact.actor) if len(w) > 2]
    return any(re.search(rf"\b{re.escape(n)}\b", text_fact.statement) for n in names)


@dataclass(frozen=True)
class _RoleMention:
    doc_id: str
    name: str
    title: str
    former: bool
    phrase: str
    sentence: Citation
    clause: Citation


def _role_mentions(doc: Document) -> list[_RoleMention]:
    mentions: list[_RoleMention] = []
    if _ROLE_TITLE.search(doc.text) is None:
        return mentions
    for sentence in document_sentences(doc):
        for m in _ROLE_MENTION.finditer(doc.text, sentence.start, sentence.end):
            if not m.group("former") and _PAST_ACT.search(
                doc.text, max(0, m.start() - 30), m.start()
            ):
                continue
            phrase = re.sub(r"['\u2019]s$", "", m.group(0).strip())
            mentions.append(
                _RoleMention(
                    doc_id=doc.id,
                    name=re.sub(r"['\u2019]s$", "", m.group("name")),
                    title=m.group("title").lower(),
                    former=bool(m.group("former")),
                    phrase=phrase,
                    sentence=Citation(
                        source_id=doc.id,
                        quote=sentence.text,
                        start=sentence.start,
                        end=sentence.end,
                    ),
                    clause=_clause_citation(doc, sentence, m.start(), m.end()),
                )
            )
    return mentions


def _clause_citation(doc: Document, sentence: Sentence, start: int, end: int) -> Citation:
    """The clause around document offsets ``[start, end)`` within ``sentence``, as a citation."""
    lo, hi = clause_around(sentence.text, start - sentence.start, end - sentence.start)
    s, e = sentence.start + lo, sentence.start + hi
    return Citation(source_id=doc.id, quote=doc.text[s:e], start=s, end=e)


def _person_key(name: str) -> str:
    last = name.split()[-1].lower().replace("\u2019", "'")
    return last[:-2] if last.endswith("'s") else last


def _latest_year(doc: Document) -> tuple[int, Citation] | None:
    best: tuple[int, Citation] | None = None
    for sentence in document_sentences(doc):
        for m in YEAR.finditer(sentence.text):
            year = int(m.group(1))
            if best is None or year > best[0]:
                start = sentence.start + m.start()
                best = (year, _clause_citation(doc, sentence, start, start + 4))
    return best


def _label(doc: Document) -> str:
    """A short name for a source: its outlet, else its title (at most 8 words), else its path."""
    return short_name(doc.outlet, doc.title) or doc.path


def detect_temporal(
    documents: Sequence[Document], *, limit: int = 3, story_of: Mapping[str, str] | None = None
) -> list[Contradiction]:
    """The same person called "former <title>" in one source and "<title>" in another (with
    ``story_of``, source id -> story id: two sources of one story)."""
    by_person: dict[tuple[str, str], list[_RoleMention]] = defaultdict(list)
    for doc in documents:
        for mention in _role_mentions(doc):
            by_person[(_person_key(mention.name), mention.title)].append(mention)
    docs = {d.id: d for d in documents}
    found: list[Contradiction] = []
    for (_, title), mentions in by_person.items():
        former = [m for m in mentions if m.former]
        current = [m for m in mentions if not m.former]
        pair = next(
            (
                (f, c)
                for f in former
                for c in current
                if f.doc_id != c.doc_id
                and (story_of is None or story_of.get(f.doc_id) == story_of.get(c.doc_id))
            ),
            None,
        )
        if pair is None:
            continue
        old, new = pair
        old_doc, new_doc = docs[old.doc_id], docs[new.doc_id]
        old_citations = [old.clause]
        year = _latest_year(old_doc)
        if year is not None and year[1].quote != old.clause.quote:
            old_citations.append(year[1])
        others = [
            m
            for m in _role_mentions(old_doc)
            if not m.former and _person_key(m.name) != _person_key(old.name) and m.title == title
        ]
        if others and others[0].clause.quote not in {c.quote for c in old_citations}:
            old_citations.append(others[0].clause)
        summary = (
            f"Sources from different periods: one refers to \u201c{old.phrase}\u201d, the "
            f"other to \u201c{new.phrase}\u201d"
        )
        if year is not None:
            summary += f"; the first mentions years up to {year[0]}"
        summary += ". Compare their claims with care."
        found.append(
            Contradiction(
                kind="temporal",
                summary=summary,
                sides=(
                    ContradictionSide(
                        actor=_label(old_doc),
                        statement=f"Refers to \u201c{old.phrase}\u201d.",
                        citations=tuple(old_citations),
                    ),
                    ContradictionSide(
                        actor=_label(new_doc),
                        statement=f"Refers to \u201c{new.phrase}\u201d.",
                        citations=(new.clause,),
                    ),
                ),
                score=0.95,
            )
        )
        if len(found) >= limit:
            break
    return found
