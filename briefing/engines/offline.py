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
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from briefing.chunk import document_sentences
from briefing.claims import (
    DOCUMENT_VOICES,
    FAULT,
    FORWARD,
    HEDGE,
    NUMBER,
    POINTS_BACK,
    REFUTATION,
    SENTENCES_CACHED,
    TITLE_WORDS,
    YEAR,
    about_coverage,
    actor_key,
    antonym_clash,
    attribute,
    claim_span,
    disputes,
    document_author,
    faked_things,
    in_own_voice,
    is_document,
    is_pronoun,
    looks_ahead,
    names_someone,
    needs_context,
    negated,
    negates,
    one_voice,
    opens_unclosed_quote,
    refutes,
    same_actor,
    schedule_clash,
    subject_entity,
    venue_only,
)
from briefing.engines.base import CandidatePair, EngineResult
from briefing.lexicon import STOPWORDS, content_terms, figures, stem
from briefing.models import (
    ActorPosition,
    Chunk,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    Synthesis,
)
from briefing.text import (
    addresses_model,
    clause_end,
    dateline_end,
    ends_sentence,
    has_unbroken_run,
    signpost_end,
    speaks_of_the_page,
    still_quoting,
    word_count,
)

_DATE_MENTION = re.compile(
    r"\b(?:\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:19|20)\d{2})\b"
)
# A sentence's end: not an ellipsis, which trails off or marks a teaser cut ("have...").
_ENDS_SENTENCE = re.compile(r"(?<![.\u2026])[.!][\"'\u201d\u2019)]*$")
MIN_WORDS, MAX_WORDS = 6, 70
FALLBACK_WORDS = 10
HEADLINE_PENALTY = 0.5  # a headline ranks below its article's lead (see _score)
OWN_VOICE_PENALTY = 0.3  # ... and a writer's first-person sentence below reported ones
EARLY_CHARS = 1600  # a refutation in a source's first few sentences is what the source is about
_WATCH_CUE = re.compile(
    r"\b(?:to watch|watch for|signals? to|key (?:test|question)s?|will be a "
    r"(?:clear )?(?:sign|signal|warning|test))\b",
    re.IGNORECASE,
)
# A statement holding this share of a bottom-line item's content terms says that item again
# (three outlets' leads on one event), when both have at least COVER_MIN terms.
COVERS = 0.7
COVER_MIN = 4
# ... and a statement whose opening clause (LEAD_MIN content terms or more) has this share of
# its terms in a bottom-line item restates that item's event, whatever it adds after it
LEAD_COVERS = 0.8
LEAD_MIN = 6
FIGURE_TERMS = 3  # ... or holds one of its figures ("4.2", "385,000") and this many of its terms
SCHEDULE_TERMS = 3  # two sources setting one event on different days share this many terms
NAMES_HELD = 0.5  # ... a source cited beside an item names this share of the names it opens with
SAME_THING = 0.5  # Jaccard overlap of content terms above which two statements say the same
NEARBY_CHARS = 600  # "a different account" answers a claim made a sentence or three earlier


_NAME = re.compile(r"(?<!^)\b[A-Z][\w'\u2019.-]*")  # a capitalised word, not the first


def _names(text: str) -> frozenset[str]:
    parts = (p.strip(".") for w in _NAME.findall(text) for p in w.split("-"))
    return frozenset(stem(p) for p in parts if len(p) > 1 and p.lower() not in STOPWORDS)


def _names_held(item: Fact, other: Fact) -> bool:
    """Whether ``other`` names who and what ``item`` names (NAMES_HELD of the names in its
    opening clause), so it can be cited beside it: two leads on a vaccine for 12-year-olds
    say the same only when both are about Pfizer and the FDA, not one about Moderna's trial."""
    statement = item.statement
    wanted = _names(statement[: clause_end(statement, 0)])
    return not wanted or len(wanted & _names(other.statement)) >= NAMES_HELD * len(wanted)


def _figures(text: str) -> frozenset[str]:
    """The figures of ``text`` that name a fact ("4.2", "943000"), a year not among them."""
    return frozenset(f.rstrip("%") for f in figures(text) if not YEAR.fullmatch(f))


def _figures_agree(item: Fact, other: Fact) -> bool:
    """Whether ``other`` gives none of its figures against ``item``'s: tariffs "on $34 billion
    in Chinese goods" and China's "on $60bn of US goods" are two measures, not one told twice."""
    mine, theirs = _figures(item.statement), _figures(other.statement)
    return not (mine and theirs) or bool(mine & theirs)


@dataclass
class _Candidate:
    doc_id: str
    start: int
    end: int
    text: str
    ordinal: int
    terms: frozenset[str]
    actor: str | None
    headline: bool = False  # the document's first line: its headline, full stop or not


@dataclass(frozen=True)
class _Shape:
    """What decides whether a sentence is a candidate, and its terms."""

    words: int
    run_on: bool  # more than 2 * MAX_WORDS words, or a dump without spaces
    ends: bool  # ends like a sentence (_ENDS_SENTENCE)
    terms: frozenset[str]


# Read once per distinct sentence: reprints of a story (wire copies, syndicated pages) repeat
# its sentences word for word, and each copy would otherwise be read again.
@lru_cache(maxsize=SENTENCES_CACHED)
def _shape(text: str) -> _Shape:
    words = word_count(text)
    run_on = words > 2 * MAX_WORDS or has_unbroken_run(text)
    if run_on:
        return _Shape(words, True, False, frozenset())
    ends = _ENDS_SENTENCE.search(text) is not None
    return _Shape(words, False, ends, frozenset(content_terms(text)))


@dataclass(frozen=True)
class _Cues:
    """What a candidate's salience and kind take from its words."""

    specifics: bool  # a number or a date
    hedged: bool
    own_voice: bool  # the writer speaking ("We don't know ...", "I joined ...")
    coverage: bool  # who reported it, not what happened ("The Post was first to report ...")
    needs_context: bool
    date: str | None  # the first date mentioned


@lru_cache(maxsize=SENTENCES_CACHED)
def _cues(text: str) -> _Cues:
    date = _DATE_MENTION.search(text)
    return _Cues(
        specifics=bool(NUMBER.search(text) or date),
        hedged=HEDGE.search(text) is not None,
        own_voice=in_own_voice(text),
        coverage=about_coverage(text),
        needs_context=needs_context(text),
        date=date.group(0) if date else None,
    )


def _sentences(chunks: Sequence[Chunk], titles: dict[str, str] | None = None) -> list[_Candidate]:
    """Eligible sentences of the chunks, with their ordinal position in their document.

    A sentence is eligible when it has MIN_WORDS..MAX_WORDS words and ends like a sentence.
    A document with no such sentence (an excerpt cut mid-sentence, a two-line note)
    contributes its unterminated sentences of at least FALLBACK_WORDS words instead, or else
    any sentence of three words or more (a headline), so every source can still be cited.
    A run of more than 2 * MAX_WORDS words without a sentence end is never a candidate.
    """
    by_doc: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_doc[chunk.doc_id].append(chunk)
    out: list[_Candidate] = []
    for doc_id, doc_chunks in by_doc.items():
        ordinal = 0
        # the sentences just before, most recent last: (ordinal, who it attributes, text)
        recent: deque[tuple[int, str | None, str]] = deque(maxlen=PRONOUN_REACH)
        complete: list[_Candidate] = []
        partial: list[_Candidate] = []
        short: list[_Candidate] = []
        notes: list[_Candidate] = []  # a source of nothing but "Watch the full interview (video)."
        for chunk in sorted(doc_chunks, key=lambda c: c.start):
            quoting = False  # inside a quotation its paragraph never closes
            previous_end = chunk.start
            for sentence in chunk.sentences:
                text = sentence.text
                if "\n" in chunk.text[previous_end - chunk.start : sentence.start - chunk.start]:
                    quoting = False  # a new paragraph
                previous_end = sentence.end
                start = sentence.start
                # "The big picture: Biden is also proposing ...", "WASHINGTON (AP) \u2014 The
                # House ...": a newsletter's signpost or a wire dateline is no part of what
                # the sentence says
                lead_in = signpost_end(text) or dateline_end(text)
                start += lead_in
                text = text[lead_in:]
                inside, quoting = quoting, still_quoting(text, quoting)
                cut = (inside or quoting) and _cut_short(chunk, sentence.end)
                shape = _shape(text)
                n_words = shape.words
                note = speaks_of_the_page(text)
                if shape.run_on or note or addresses_model(text) or cut:
                    # a dump; "Watch the video above."; "Ignore previous instructions and ...";
                    # a sentence of a quotation an excerpt cuts short ('"They have my word ...
                    # that's good enough...'): words with neither their end nor their speaker
                    if note and not (shape.run_on or cut) and n_words >= 3:
                        notes.append(
                            _Candidate(
                                doc_id, start, sentence.end, text, ordinal, shape.terms, None
                            )
                        )
                    ordinal += 1
                    continue
                attribution = attribute(text)
                actor = attribution.actor
                if actor is not None and is_pronoun(actor):
                    # "he", "they": someone named before; "I wrote", "you": the writer, the reader
                    actor = None if actor.lower() in _FIRST_SECOND else _antecedent(recent, ordinal)
                recent.append((ordinal, actor, text))
                candidate = _Candidate(
                    doc_id=doc_id,
                    start=start,
                    end=sentence.end,
                    text=text,
                    ordinal=ordinal,
                    terms=shape.terms,
                    actor=actor,
                    headline=text.strip() == (titles or {}).get(doc_id),
                )
                if opens_unclosed_quote(text):
                    # someone's words, named in a paragraph to come: never without them
                    partial.append(candidate)
                elif MIN_WORDS <= n_words <= MAX_WORDS and (
                    shape.ends or text == (titles or {}).get(doc_id)
                ):
                    complete.append(candidate)  # a sentence, or the document's own headline
                elif FALLBACK_WORDS <= n_words <= 2 * MAX_WORDS:
                    partial.append(candidate)
                elif n_words >= 3:
                    short.append(candidate)  # a headline, a two-line note
                ordinal += 1
        out.extend(complete or partial or short or notes)
    return out


def _cut_short(chunk: Chunk, at: int) -> bool:
    """Whether the paragraph that goes on at ``at`` (a document offset) ends cut, with an
    ellipsis: an excerpt's teaser."""
    rest = chunk.text[at - chunk.start :]
    paragraph = rest.split("\n", 1)[0] if "\n" in rest else rest
    return paragraph.rstrip().rstrip("\"'\u201d\u2019").endswith(("...", "\u2026"))


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
        cues = _cues(c.text)
        if c.actor:
            score += 0.08
        if cues.specifics:
            score += 0.04
        if cues.hedged:
            score -= 0.08
        if cues.own_voice or cues.coverage:
            score -= OWN_VOICE_PENALTY  # the writer's view or story, or the coverage: not news
        if c.headline or not _shape(c.text).ends:
            score -= HEADLINE_PENALTY  # a headline: telegraphic, kept below the sentences
        if cues.needs_context:
            score -= 0.12  # "This statement ...", "But ...": needs its context
        scores.append(score)
    return scores


@lru_cache(maxsize=SENTENCES_CACHED)
def _forward(text: str) -> bool:
    return FORWARD.search(text) is not None


_FIRST_SECOND = frozenset(["i", "we", "you"])
# How many sentences back "he said" may look for who "he" is: the paragraph before, not
# a speaker named four paragraphs earlier before someone else came in
PRONOUN_REACH = 3


def _antecedent(recent: Sequence[tuple[int, str | None, str]], ordinal: int) -> str | None:
    """Who a "he"/"she"/"they" that says something is: the last one the sentences just
    before named as speaker or as subject ('Isaac stopped short of revealing it. "I've signed
    away my organs," he joked': Isaac, not Chastain who spoke four paragraphs before)."""
    for before, actor, text in reversed(recent):
        if ordinal - before > PRONOUN_REACH:
            break
        if actor:
            return actor
        subject = subject_entity(text)
        if subject is not None and names_someone(subject):
            return subject
    return None


def _kind(c: _Candidate) -> str:
    if c.actor:
        return "claim"
    if _forward(c.text):
        return "signal"
    return "event"


class OfflineEngine:
    """Deterministic extractive engine; the default, needs no key and no network."""

    name = "offline"
    model: str | None = None

    def __init__(self) -> None:
        self._headlines: set[str] = set()  # ids of facts that are a document's headline

    # --- extraction -------------------------------------------------------------------
    def extract_facts(
        self, topic: str, documents: Sequence[Document], chunks: Sequence[Chunk]
    ) -> EngineResult[list[Fact]]:
        titles = {d.id: d.title.strip() for d in documents if d.title}
        candidates = _sentences(chunks, titles)
        n_docs = len({c.doc_id for c in candidates}) or 1
        scores = _score(candidates, topic, n_docs)
        facts: list[Fact] = []
        for c, score in zip(candidates, scores, strict=True):
            if c.headline:
                self._headlines.add(f"{c.doc_id}:{c.start}")
            facts.append(
                Fact(
                    id=f"{c.doc_id}:{c.start}",
                    statement=c.text,
                    actor=c.actor,
                    kind=_kind(c),
                    date=_cues(c.text).date,
                    citations=(
                        Citation(source_id=c.doc_id, quote=c.text, start=c.start, end=c.end),
                    ),
                    score=round(score, 4),
                )
            )
        return EngineResult(facts)

    # --- contradictions ---------------------------------------------------------------
    def judge_contradictions(
        self, topic: str, documents: Sequence[Document], candidates: Sequence[CandidatePair]
    ) -> EngineResult[list[Contradiction]]:
        """Rule-based judging; for a reported dispute keeps the one claim it most likely answers."""
        docs = {d.id: d for d in documents}
        best_dispute: dict[str, tuple[float, Contradiction]] = {}
        conflicts: list[Contradiction] = []
        for pair in candidates:
            judged = judge_pair(pair, sums_up=lambda fact: _sums_up_its_article(fact, docs))
            if judged is None:
                continue
            contradiction, strength = judged
            if contradiction.kind == "reported_dispute":
                disputing = contradiction.sides[1].citations[0].quote
                if disputing not in best_dispute or strength > best_dispute[disputing][0]:
                    best_dispute[disputing] = (strength, contradiction)
            else:
                conflicts.append(contradiction)
        disputes_found = [_with_same_actor_context(c, docs) for _, c in best_dispute.values()]
        return EngineResult(merge_contradictions([*disputes_found, *conflicts]))

    # --- synthesis --------------------------------------------------------------------
    def synthesize(
        self, topic: str, facts: Sequence[Fact], contradictions: Sequence[Contradiction]
    ) -> EngineResult[Synthesis]:
        ranked = sorted(facts, key=lambda f: -f.score)
        bottom = _bottom_line(ranked, self._headlines)
        used = {f.id for f in bottom}
        watch = [
            f
            for f in ranked
            if f.id not in used
            and looks_ahead(f.statement)
            and _ENDS_SENTENCE.search(f.statement)  # a headline is not something to watch
            and not needs_context(f.statement)
        ]
        watch.sort(key=lambda f: -(f.score + (0.6 if _WATCH_CUE.search(f.statement) else 0.0)))
        return EngineResult(
            Synthesis(
                title=f"Situation brief: {topic}",
                bottom_line=tuple(bottom),
                watch=tuple(watch[:3]),
                actors=tuple(_actor_positions(ranked)),
            )
        )


def _source(fact: Fact) -> str:
    return fact.citations[0].source_id if fact.citations else ""


# What has long been believed, which the next sentence is about to question ("The U.S. has
# long been heralded as a land of opportunity ... But a new report calls that into question")
_PREMISE = re.compile(
    r"\b(?:has|have|had)\s+long\s+been\b|\bfor\s+(?:years|decades|generations)\b|"
    r"\b(?:long|widely|commonly|often|generally)\s+(?:been\s+)?(?:seen|regarded|considered|"
    r"believed|thought|assumed|heralded|viewed|touted|described|praised)\b|"
    r"\bconventional\s+wisdom\b|\bmany\s+(?:people\s+)?(?:believe|think|assume)\b",
    re.IGNORECASE,
)
_TURNS = re.compile(r"(?:But|However|Yet|Still|Now)\b")


def _set_ups(facts: Sequence[Fact]) -> set[str]:
    """Ids of sentences that set up what the next sentence of their source overturns: a
    belief the story is about to question, not its news (quoted alone, it says the reverse)."""
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.citations and f.citations[0].start is not None:
            by_source[_source(f)].append(f)
    out: set[str] = set()
    for told in by_source.values():
        told.sort(key=lambda f: f.citations[0].start or 0)
        for before, after in pairwise(told):
            if _TURNS.match(after.statement) and _PREMISE.search(before.statement):
                out.add(before.id)
    return out


def _bottom_line(ranked: Sequence[Fact], headlines: AbstractSet[str] = frozenset()) -> list[Fact]:
    """2-3 of the highest-scoring facts, from as many different sources as possible, never two
    saying the same thing (a source saying the same is cited beside the first)."""
    sentences = [
        f
        for f in ranked
        if _ENDS_SENTENCE.search(f.statement)
        and f.id not in headlines
        and not speaks_of_the_page(f.statement)  # a source's only words, a link: not news
    ]
    every = ranked
    if len(sentences) >= 2:
        ranked = sentences  # headlines are for key developments, not the bottom line
    set_ups = _set_ups(every)
    standalone = [f for f in ranked if not needs_context(f.statement) and f.id not in set_ups]
    if len(standalone) >= 2:
        ranked = standalone  # "This statement ...", "But ...": not without the one before
    elif not standalone:
        # every sentence leans on the one before ("That seems to be the burning question
        # ..."): the source's own headline, a plain one, is the line instead
        ranked = [f for f in every if not needs_context(f.statement)] or ranked
    sources = {_source(f) for f in ranked}
    want = min(3, max(2, len(sources)))
    chosen: list[Fact] = []
    chosen_terms: list[frozenset[str]] = []
    chosen_figures: list[frozenset[str]] = []
    used_sources: set[str] = set()

    def same_as(fact: Fact) -> tuple[int, bool] | None:
        """(the chosen item ``fact`` says the same as, whether it says all of that item) or
        None: two bottom-line items never say the same thing."""
        terms = frozenset(content_terms(fact.statement))
        statement = fact.statement
        head = statement[: clause_end(statement, 0)]
        lead = frozenset(content_terms(head))
        figures = _figures(head)
        denies = negated(statement)
        for i, t in enumerate(chosen_terms):
            if not (terms and t) or denies != negated(chosen[i].statement):
                continue  # "was never completed" does not say "completed" again
            shared = len(terms & t)
            if shared / len(terms | t) > SAME_THING:
                return i, True
            # its opening clause tells the item's event again ("A federal court dismissed the
            # FTC's antitrust lawsuit against Facebook, handing ..."): it says the same thing
            if len(lead) >= LEAD_MIN and len(lead & t) >= LEAD_COVERS * len(lead):
                return i, True
            # the same figure of the same subject: "The Consumer Price Index climbed 4.2
            # percent from a year earlier" under "The CPI ... has risen 4.2 percent from a year ago"
            if figures & chosen_figures[i] and len(lead & t) >= FIGURE_TERMS:
                return i, True
            if min(len(terms), len(t)) >= COVER_MIN:
                if shared >= COVERS * len(t):  # it says what the item says, in its own words
                    return i, True
                if shared >= COVERS * len(terms):  # it says part of what the item says
                    return i, False
        return None

    def take(fact: Fact) -> None:
        chosen.append(fact)
        chosen_terms.append(frozenset(content_terms(fact.statement)))
        chosen_figures.append(_figures(fact.statement))
        used_sources.add(_source(fact))

    for fact in ranked:
        if len(chosen) == want:
            break
        if _source(fact) in used_sources:
            continue
        same = same_as(fact)
        if same is None:
            take(fact)
        elif (
            same[1]
            and fact_source_is_new(chosen[same[0]], fact)
            and _names_held(chosen[same[0]], fact)
            and _figures_agree(chosen[same[0]], fact)
        ):
            # Another source says the same thing: it corroborates the item, cited beside it.
            item = chosen[same[0]]
            chosen[same[0]] = item.model_copy(
                update={"citations": (*item.citations, *fact.citations)}
            )
    used_sources.update(c.source_id for f in chosen for c in f.citations)
    for fact in ranked:
        if len(chosen) >= want:
            break
        if fact not in chosen and same_as(fact) is None:
            take(fact)
    return chosen


def fact_source_is_new(fact: Fact, other: Fact) -> bool:
    """Whether ``other`` is from a source that ``fact`` does not cite yet."""
    return _source(other) not in {c.source_id for c in fact.citations}


def _actor_positions(ranked: Sequence[Fact], per_actor: int = 3) -> list[ActorPosition]:
    """Positions of the actors, strongest actor first, up to ``per_actor`` claims each.

    Speakers ("X said ...") come from attributed claims, quoted from the reporting verb on;
    doers ("Oman has hosted ...") from sentences whose subject is a name, weighted less.
    Composition shows each actor's first position that the brief does not already quote.
    """
    claims: dict[str, list[tuple[Fact, str, tuple[int, int]]]] = defaultdict(list)
    weight: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    # words the sources write in lower case: capitalised only where a sentence opens on them
    common = {w for fact in ranked for w in _LOWER_WORD.findall(fact.statement)}
    for fact in ranked:
        text = fact.statement
        if not ends_sentence(text):
            continue  # a headline tells no one's position ("Clinton makes history: declares win")
        if _cues(text).coverage:
            continue  # "The Washington Post was first to report ...": an outlet, not an actor
        if fact.actor and fact.kind == "claim":
            if _POSSESSED.match(fact.actor):
                continue  # "His spokesman", "Their lawyer": whose, the label cannot say
            actor, factor = fact.actor, 1.0
            span = claim_span(text, text.find(actor), attribute(text).verb_start)
        else:
            subject = subject_entity(text)
            if subject is None or not names_someone(subject):
                continue  # "Both officials had been put in place ...": no one by name
            if _no_name(text, subject, common):
                continue  # "Coal has been ...", "Eventually recalled by ...": no one at all
            actor, factor = subject, 0.5
            offset = max(text.find(subject), 0)
            # "In two unsigned opinions Monday, the Supreme Court ruled ...": a position
            # starts where its sentence does, not in lower case mid-sentence
            start = 0 if text[offset : offset + 1].islower() else offset
            span = (start, clause_end(text, offset, asides=True))
        if is_document(actor):  # "Earlier reports said ...": a document, not an actor;
            author = document_author(actor)  # "a whistleblower complaint": its author is
            if author is None:
                continue
            actor = author
        key = actor_key(actor)
        if key in DOCUMENT_VOICES:
            continue  # "the opinion said ...": a document, not whose position it is
        if key not in names:  # one actor under two names ("Journalist Nikole Hannah-Jones")
            key = next((k for k, name in names.items() if same_actor(name, actor)), key)
        weight[key] += fact.score * factor
        names.setdefault(key, actor)
        # what they said counts, but a claim that leans on the sentence before it is no
        # position to show ('"But that's not going to happen on its own," Hauser said'),
        # nor one that tells only where it was said ("said in a blog post Wednesday ...")
        said = text[span[0] : span[1]]
        if _DANGLING.search(said):
            continue  # "There would be a code including[, according to ...,] ...": cut
        if not needs_context(said) and not venue_only(said):
            claims[key].append((fact, actor, span))
    positions: list[ActorPosition] = []
    for key in sorted(weight, key=lambda k: -weight[k]):
        for fact, _, (offset, end) in claims[key][:per_actor]:
            citation = fact.citations[0]
            start = (citation.start or 0) + offset
            quote = fact.statement[offset:end]
            positions.append(
                ActorPosition(
                    name=_display(names[key], names[key]),
                    position=quote,
                    citations=(
                        Citation(
                            source_id=citation.source_id,
                            quote=quote,
                            start=start,
                            end=start + len(quote),
                        ),
                    ),
                )
            )
    return positions


_POSSESSED = re.compile(r"(?:his|her|their|its)\s", re.IGNORECASE)
# A position cut where its sentence goes on: a last word that needs what follows it
_DANGLING = re.compile(
    r"\b(?:including|include|such\s+as|of|to|the|a|an|and|or|but|with|for|that|which|by|from|"
    r"in|on|at|as|than|into|about|his|her|its|their|our|is|are|was|were|be|been)\W*$",
    re.IGNORECASE,
)
_LOWER_WORD = re.compile(r"(?<![\w'\u2019-])[a-z][a-z'\u2019-]*")
# "Eventually recalled by the Reich, Peters ...": a participle's phrase, done to someone after it
_PARTICIPLE_BY = re.compile(r"\s+[a-z]+(?:ed|en|wn)\s+by\b")


def _no_name(sentence: str, subject: str, common: AbstractSet[str]) -> bool:
    """Whether the would-be subject of ``sentence`` names no one: one word that the sources
    write in lower case elsewhere ("Coal has been ...", "Eventually ..."), or a word before
    a participle's phrase ("Eventually recalled by the Reich for his cruelty, Peters ..."); or
    whether the sentence tells what its subject is, not what it does ("Petersallee is to be
    divided ...", "Jennifer Aniston was an upset winner"): no one's position."""
    words = _DETERMINER_WORD.sub("", subject).split()
    if len(words) == 1 and not words[0].isupper() and words[0].lower() in common:  # not "FAST"
        return True
    at = sentence.find(subject)
    if at >= 0 and _BEING.match(sentence, at + len(subject)):
        return True
    if at >= 0 and _PREDICTED.match(sentence, at + len(subject)):
        return True  # "Remain Co. will probably just sit there": the writer's guess, not theirs
    return at >= 0 and _PARTICIPLE_BY.match(sentence, at + len(subject)) is not None


# "is", "was", "has been", "will become": what the subject is or what is done to it ("is
# to be divided", "was later named"), not what it does ("is taking", "is set to announce")
_BEING = re.compile(
    r"\s+(?:(?:has|have|had)\s+been|is|are|was|were|(?:will|would)\s+(?:\w+ly\s+)?(?:be|become)|"
    r"becomes?|became)\b(?!\s+(?:\w+ing|set|expected|poised|due|about|going|likely|ready)\b)"
)


# "is likely to", "will probably", "could", "may": what the writer expects of the subject
_PREDICTED = re.compile(
    r"\s+(?:(?:is|are|was|were)\s+(?:un)?likely\s+to|(?:is|are|was|were)\s+expected\s+to|"
    r"(?:will|would)\s+(?:probably|likely|almost\s+certainly)|could|may|might)\b"
)


_DETERMINER_WORD = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


# --- contradiction rules (shared with tests; pure functions) ---------------------------


def _different_voices(left: Fact, right: Fact) -> bool:
    if _source(left) != _source(right):
        return True
    if left.actor and right.actor:
        return actor_key(left.actor) != actor_key(right.actor)
    return bool(left.actor or right.actor)


def _one_actor(left: Fact, right: Fact) -> bool:
    """Both attributed to one actor, under one name or two ("Barr" and "Attorney General
    William Barr"), or one speaking for the other ("The Biden administration" and "Biden")."""
    return bool(left.actor and right.actor) and one_voice(left.actor or "", right.actor or "")


def _one_account(left: Fact, right: Fact) -> bool:
    """Whether one side's voice is a document the other side's actor brought out ("The
    petition alleges ..." beside "The attorney general's office filed a lawsuit ..."): the
    same account told twice, not two."""
    return _brought_out(left, right) or _brought_out(right, left)


# "filed a scathingly worded lawsuit", "released a report": who brings out a document
_BRINGS_OUT = re.compile(
    r"\b(?:fil(?:ed|es|ing)|brought|brings|issu(?:ed|es|ing)|releas(?:ed|es|ing)|"
    r"publish(?:ed|es|ing)|submit(?:s|ted|ting)|sen[dt]s?)((?:\s+[\w'\u2019-]+){1,4})",
    re.IGNORECASE,
)
_FILED = frozenset(["lawsuit", "suit", "petition", "complaint", "filing", "motion"])


def _brought_out(document: Fact, author: Fact) -> bool:
    """Whether ``document``'s voice is a document of the kind ``author``'s statement tells its
    actor brought out (a lawsuit, a petition and a complaint being one kind)."""
    key = actor_key(document.actor or "")
    if key not in DOCUMENT_VOICES or not author.actor:
        return False
    kinds = _FILED if key in _FILED else frozenset([key])
    return any(
        not kinds.isdisjoint(w.lower() for w in m.group(1).split())
        for m in _BRINGS_OUT.finditer(author.statement)
    )


def _mentions(text: str, actor: str | None) -> bool:
    """Whether ``text`` names ``actor`` (by any capitalised word of the actor's name)."""
    if not actor:
        return False
    names = [
        w for w in re.findall(r"[A-Z][\w]+", actor) if len(w) > 2 and w.lower() not in STOPWORDS
    ]
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def _refers_to(text: str, actor: str | None) -> bool:
    """Whether ``text`` names ``actor`` or describes it ("Iran's foreign minister" for "The
    Iranian foreign minister": all its content words but one)."""
    if _mentions(text, actor):
        return True
    words = set(content_terms(actor or ""))
    return len(words) >= 2 and len(words & set(content_terms(text))) >= len(words) - 1


def _sums_up_its_article(fact: Fact, docs: Mapping[str, Document]) -> bool:
    """Whether ``fact`` is the headline over an article's text: it sums up what the article
    says in its sentences (a document that is only a headline, as FNC-1's claims are, is
    its own claim)."""
    doc = docs.get(_source(fact))
    title = (doc.title or "").strip() if doc is not None else ""
    statement = fact.statement.strip()
    return (
        doc is not None
        and bool(title)
        and bool(statement)
        and title.startswith(statement)  # the headline, or its first sentence ("No, ... .")
        and doc.text.strip() != title
        and not ends_sentence(title)
    )


def judge_pair(
    pair: CandidatePair, *, sums_up: Callable[[Fact], bool] | None = None
) -> tuple[Contradiction, float] | None:
    """A contradiction and the strength of the evidence if the two facts disagree, else None.

    - reported dispute (same source): the later fact reports a dispute ("denied", "a sharply
      different account", "baseless") by one actor of a claim the earlier fact attributes to
      another actor, and either names that actor or shares two subject terms with it;
    - claim conflict (different sources): attributed claims of different actors on a shared
      subject with a pair of opposite words or opposite polarity, or one source disputing
      what the other asserts.
    """
    left, right = pair.left, pair.right
    if not _different_voices(left, right):
        return None
    shared = pair.shared_terms
    if _source(left) == _source(right):
        first, second = sorted((left, right), key=_position)
        if (
            disputes(first.statement)
            and not disputes(second.statement)
            and ends_sentence(first.statement)
            and _refers_to(first.statement, second.actor)
            and not negated(second.statement)
        ):
            # the lead reports a denial of what it names ("Kerry said he had never discussed
            # ..., contrary to Mr. Zarif's claim"), and the claim is told after it
            first, second = second, first
        if not (disputes(second.statement) and second.actor and first.actor):
            return None
        if not (_asserts(first) and _asserts(second)):
            return None  # a headline sums up its own article: it disputes none of it
        if disputes(first.statement) or _one_actor(first, second) or _one_account(first, second):
            return None
        named = _mentions(second.statement, first.actor)
        distance = abs(_position(second) - _position(first))
        if not (named or len(shared) >= 2 or distance <= NEARBY_CHARS):
            return None
        strength = len(shared) + (2.0 if named else 0.0) + 2.0 / (1.0 + distance / 400)
        if negated(first.statement):
            strength += 0.5
        return _contradiction("reported_dispute", first, second, shared, 0.9), strength
    days = (
        schedule_clash(left.statement, right.statement) if len(shared) >= SCHEDULE_TERMS else None
    )
    if days is not None:
        found = _contradiction("claim_conflict", left, right, shared, 0.7)
        subject = _subject(left, shared)
        summary = f"The sources give different days, {days[0]} and {days[1]}{_about(subject)}."
        return found.model_copy(update={"summary": summary}), 0.7
    if _one_account(left, right):
        return None  # "The petition alleges" is the account of who filed it
    refuted = None if _one_actor(left, right) else _refutation(left, right, shared)
    if (
        refuted is not None
        and sums_up is not None
        and (sums_up(refuted[0]) or _unattributed_headline(refuted[1], sums_up))
    ):
        # a headline over its article is no claim to call into question, and calls none into
        # question unless it says who does ("Researcher says ... a hoax"): its article's
        # sentences say what it sums up
        refuted = None
    if refuted is not None:
        claim, refutation = refuted
        return _contradiction("claim_conflict", claim, refutation, shared, 0.7, refutes=True), 0.7
    clash = antonym_clash(left.statement, right.statement)
    left_denies, right_denies = negates(left.statement, shared), negates(right.statement, shared)
    # "not X" against a plain "X": the other side holds no negation of its own ("won't be
    # forced to bow" and "would not bow" say one thing; so do "will not bow" and "rejects")
    plain = right if left_denies else left
    polarity = (
        left_denies != right_denies
        and not negated(plain.statement)
        and not _PROHIBITS.search(plain.statement)  # "prohibits them from" / "no longer"
    )
    sizes = min(len(set(content_terms(left.statement))), len(set(content_terms(right.statement))))
    overlap = len(shared) / sizes if sizes else 0.0
    told = clash is not None and _same_subject(left.statement, right.statement, clash)
    if not ((left.actor and right.actor) or told) or overlap < 0.2:
        return None
    if not clash and overlap < 0.3:
        return None
    if _one_actor(left, right) and not clash:
        return None  # two outlets quoting one actor, one with a "not" somewhere: not two accounts
    if len(shared) >= 2 and (clash or (polarity and len(shared) >= 3)):
        score = 0.6 + (0.1 if clash else 0.0) + 0.03 * min(len(shared), 4)
        return _contradiction("claim_conflict", left, right, shared, score), score
    return None


SUBJECT_TERMS = 3  # two outlets' sentences tell one subject's opposite moves: this many terms


def _same_subject(left: str, right: str, clash: tuple[str, str]) -> bool:
    """Whether two sources' own sentences say opposite things of one subject: the words before
    the opposite pair ("The number of Americans applying for unemployment benefits" before
    "rose" and before "fell") share SUBJECT_TERMS content terms, most of either side's. Two
    outlets' statements are accounts as much as two actors' claims are."""
    heads = []
    for text, word in ((left, clash[0]), (right, clash[1])):
        m = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
        if m is None:
            return False
        heads.append(set(content_terms(text[: m.start()])))
    shared = len(heads[0] & heads[1])
    return shared >= SUBJECT_TERMS and shared >= 0.6 * max(len(heads[0]), len(heads[1]))


def _unattributed_headline(fact: Fact, sums_up: Callable[[Fact], bool]) -> bool:
    """Whether ``fact`` is a headline summing up its article that says no one says it."""
    return attribute(fact.statement).verb not in _SAYS and sums_up(fact)


def _asserts(fact: Fact) -> bool:
    """Whether ``fact`` is one side of an exchange: a sentence, or a headline that says who
    says what ("Accuser says governor broke law"), not one that sums up the article
    ("CNN moderator criticized for question to Sanders")."""
    return ends_sentence(fact.statement) or attribute(fact.statement).verb in _SAYS


_SAYS = frozenset({"says", "say", "said", "claims", "claim", "alleges", "accuses", "denies"})


def _finds_fault(statement: str) -> bool:
    """Whether ``statement`` finds fault with what it tells of, if only by a label ("aired
    false claims", "Trump's baseless claims"): a side that says so agrees with a refutation."""
    return FAULT.search(statement) is not None or REFUTATION.search(statement) is not None


def _refutation(left: Fact, right: Fact, shared: Sequence[str]) -> tuple[Fact, Fact] | None:
    """(claim, refutation) when one source says early on that what the other reports is a
    hoax, false, denied or without evidence, and they share the subject."""
    left_refutes = refutes(left.statement) or _fakes(left.statement, right.statement)
    right_refutes = refutes(right.statement) or _fakes(right.statement, left.statement)
    if left_refutes == right_refutes or len(shared) < 2:
        return None
    claim, refutation = (right, left) if left_refutes else (left, right)
    if negated(claim.statement) and not _beyond_names(claim, refutation, shared):
        # a "claim" that says no ("Kim Jong-un never missed", "did not file charges against
        # Bill Cosby") and a refutation sharing only names with it deny no one thing
        return None
    if _position(refutation) > EARLY_CHARS or _finds_fault(claim.statement):
        return None  # late, or the "claim" finds fault with the subject too: they agree
    if disputes(claim.statement):
        # the "claim" disputes what it tells of ("Georgia election officials disputed a video
        # promoted by the campaign"): it agrees with a source calling that false
        return None
    if POINTS_BACK.match(claim.statement):
        return None  # "This is what the campaign wanted him to do." claims nothing by itself
    return claim, refutation


def _beyond_names(left: Fact, right: Fact, shared: Sequence[str]) -> bool:
    """Whether two statements share a term beyond names, one either writes in lower case: two
    sentences naming only "North Korea" and "Kim Jong-un" are about one man, maybe not one
    claim."""
    wanted = set(shared)
    for fact in (left, right):
        for token in _WORD.findall(fact.statement):
            if token[:1].islower() and stem(token.lower()) in wanted:
                return True
    return False


def _fakes(text: str, other: str) -> bool:
    """Whether ``text`` calls fake a thing ``other`` reports ("Tridevil's fake third breast"
    against "gets third breast implanted"; "fake suicide vests" calls nothing of "five
    attackers were shot" fake)."""
    faked = faked_things(text)
    return bool(faked) and not faked.isdisjoint(content_terms(other))


def _with_same_actor_context(
    contradiction: Contradiction, docs: dict[str, Document]
) -> Contradiction:
    """Add to the disputing side the sentence just before it when the same actor said it
    ("X said there were no talks. He called the claims baseless.")."""
    first, second = contradiction.sides[0], contradiction.sides[1]
    citation = second.citations[0]
    doc = docs.get(citation.source_id)
    # the side's actor, or who its sentence attributes it to when that names no one
    speaker = second.actor or attribute(second.statement).actor
    if doc is None or speaker is None or citation.start is None:
        return contradiction
    previous = None
    for sentence in document_sentences(doc):
        if sentence.end > citation.start:
            break
        previous = sentence
    if previous is None or first.citations[0].quote == previous.text:
        return contradiction
    actor = attribute(previous.text).actor
    if actor is None or actor_key(actor) != actor_key(speaker):
        return contradiction
    extra = Citation(source_id=doc.id, quote=previous.text, start=previous.start, end=previous.end)
    side = second.model_copy(
        update={
            "statement": previous.text + " " + second.statement,
            "citations": (extra, *second.citations),
        }
    )
    return contradiction.model_copy(update={"sides": (first, side)})


# A yes that says no: "a policy that prohibits deniers from being able to monetize" agrees
# with "will no longer monetize".
_PROHIBITS = re.compile(
    r"\b(?:prohibit(?:s|ed|ing)?|ban(?:s|ned|ning)?|bar(?:s|red|ring)?|forbid(?:s|den|ding)?|"
    r"block(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)


def _position(fact: Fact) -> int:
    c = fact.citations[0] if fact.citations else None
    return c.start if c is not None and c.start is not None else 0


_WORD = re.compile(r"[\w'\u2019-]+")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


def _subject(first: Fact, shared: Sequence[str], named: Sequence[str | None] = ()) -> str | None:
    """Readable words for the shared subject, from the first statement: a name whole ("Kim
    Jong-un", not "Jong-un, Kim"), without a possessive ("Mueller", not "Mueller's") and not a
    bare title ("President"), nor words of the sides' own names (``named``: the summary names
    them already: not "(President Trump, chief, staff)"); None when no shared term reads as a
    word."""
    text = first.statement
    their_words = {w.lower() for name in named if name for w in _WORD.findall(name)}
    tokens = list(_WORD.finditer(text))
    phrases: dict[str, int] = {}  # phrase -> rank of its rarest shared term
    i = 0
    while i < len(tokens):
        j = i + 1
        if _capitalised(tokens[i], text):
            # a name: capitalised words with nothing but a space between them
            while (
                j < len(tokens)
                and _capitalised(tokens[j], text)
                and text[tokens[j - 1].end() : tokens[j].start()] == " "
            ):
                j += 1
        words = [t.group() for t in tokens[i:j]]
        ranks = [shared.index(s) for w in words if (s := stem(w.lower())) in shared]
        i = j
        if not ranks or all(_POSSESSIVE.sub("", w) in TITLE_WORDS for w in words):
            continue
        if all(_POSSESSIVE.sub("", w).lower() in their_words for w in words):
            continue
        phrase = " ".join([*words[:-1], _POSSESSIVE.sub("", words[-1])])
        if phrase.lower() not in {p.lower() for p in phrases}:
            phrases[phrase] = min(ranks)
    ordered = sorted(phrases, key=lambda p: phrases[p])
    return ", ".join(ordered[:3]) or None


def _capitalised(token: re.Match[str], text: str) -> bool:
    """Whether a word is capitalised as a name is: not only as the sentence's first word."""
    word = token.group()
    if not word[:1].isupper():
        return False
    return token.start() > 0 or word.lower() not in STOPWORDS


def _about(subject: str | None) -> str:
    return f" ({subject})" if subject else ""


def _named(actor: str | None) -> str | None:
    """The actor as a label: a name or a named organisation, else None (the page names the
    side by its source)."""
    return actor if actor and names_someone(actor) else None


def _mid(actor: str | None) -> str | None:
    """The actor written mid-sentence: "the White House", not "The White House"; "earlier
    reports", not "Earlier reports"."""
    if not actor:
        return actor
    if not names_someone(actor):
        return actor[0].lower() + actor[1:]
    return "the" + actor[3:] if actor.startswith("The ") else actor


# A subject's last word that makes it plural: a lowercase plural ("government sources",
# "officials"; not "analysis", "status") or a group's plural name; a name ending in "s"
# ("Reuters", "The New York Times", "Congress") is one.
_PLURAL_NOUN = re.compile(r"[a-z]*[a-z][^isu\W]s")
_PLURAL_GROUPS = frozenset(
    [
        "officials",
        "sources",
        "critics",
        "experts",
        "lawmakers",
        "analysts",
        "prosecutors",
        "investigators",
        "protesters",
        "residents",
        "authorities",
        "police",
        "democrats",
        "republicans",
        "americans",
    ]
)


def _verb(subject: str, singular: str) -> str:
    """``singular`` ("calls", "disputes") agreeing with ``subject``: "Chinese government
    sources call", "Officials dispute", "The White House disputes", "Reuters calls"."""
    words = subject.split()
    last = words[-1] if words else ""
    plural = _PLURAL_NOUN.fullmatch(last) is not None or last.lower() in _PLURAL_GROUPS
    return singular.removesuffix("s") if plural else singular


def _display(actor: str | None, fallback: str) -> str:
    if not actor:
        return fallback
    return actor[0].upper() + actor[1:]


def _contradiction(
    kind: str,
    first: Fact,
    second: Fact,
    shared: Sequence[str],
    score: float,
    *,
    refutes: bool = False,
) -> Contradiction:
    a, b = first.actor, second.actor
    subject = _subject(first, shared, (_named(a), _named(b)))
    if refutes:
        doubter = _display(b, "Another source" if a else "One source")
        doubted = _mid(a) or ("another source" if b else "another")
        calls = _verb(doubter, "calls")
        summary = f"{doubter} {calls} into question what {doubted} reports{_about(subject)}."
    elif kind == "reported_dispute":
        disputer = _display(b, "Another source")
        disputes = _verb(disputer, "disputes")
        summary = f"{disputer} {disputes} {_mid(a) or 'one source'}{_about(subject)}."
    elif a and b:
        summary = f"{_display(a, '')} and {_mid(b)} give incompatible accounts{_about(subject)}."
    elif a or b:
        named = _display(a or b, "")
        summary = f"{named} and another source give incompatible accounts{_about(subject)}."
    else:
        summary = f"Two sources give incompatible accounts{_about(subject)}."
    return Contradiction(
        kind=kind,
        summary=summary,
        sides=(_side(first), _side(second)),
        score=round(score, 3),
    )


_INTRO_PHRASE = re.compile(r"^(?:[^,\s]+\s+){0,4}[^,\s]+,\s+")


def _side(fact: Fact) -> ContradictionSide:
    """A contradiction side quoting the fact, without a short lead-in ("Within minutes, ")
    when the actor's name follows it."""
    citation = fact.citations[0]
    text = fact.statement
    m = _INTRO_PHRASE.match(text)
    if m and fact.actor and text.startswith(fact.actor, m.end()) and len(fact.citations) == 1:
        quote = text[m.end() :]
        start = (citation.start or 0) + m.end()
        citation = Citation(
            source_id=citation.source_id, quote=quote, start=start, end=start + len(quote)
        )
        return ContradictionSide(actor=_named(fact.actor), statement=quote, citations=(citation,))
    return ContradictionSide(actor=_named(fact.actor), statement=text, citations=fact.citations)


def merge_contradictions(found: Sequence[Contradiction], max_sides: int = 3) -> list[Contradiction]:
    """One contradiction per disputed claim: every voice disputing the same claim becomes a
    side of it (the same voice twice becomes one side with both citations)."""
    merged: list[Contradiction] = []
    by_claim: dict[str, int] = {}
    for c in sorted(found, key=lambda c: -c.score):
        claim = c.sides[0].citations[0].quote
        if c.kind != "reported_dispute" or claim not in by_claim:
            if any(_same_pair(c, m) for m in merged):
                continue
            if c.kind == "reported_dispute":
                by_claim[claim] = len(merged)
            merged.append(c)
            continue
        i = by_claim[claim]
        sides = list(merged[i].sides)
        new = c.sides[1]
        known = {q.quote for side in sides for q in side.citations}
        fresh = tuple(q for q in new.citations if q.quote not in known)
        if not fresh:
            continue
        same = next(
            (
                j
                for j, side in enumerate(sides[1:], 1)
                if side.actor and new.actor and actor_key(side.actor) == actor_key(new.actor)
            ),
            None,
        )
        if same is not None:
            old = sides[same]
            sides[same] = old.model_copy(
                update={
                    "citations": old.citations + fresh,
                    "statement": old.statement + " " + " ".join(q.quote for q in fresh),
                }
            )
        elif len(sides) < max_sides:
            sides.append(new.model_copy(update={"citations": fresh}))
        else:
            continue
        disputers = " and ".join(_display(side.actor, "another source") for side in sides[1:])
        verb = "dispute" if len(sides) > 2 else _verb(disputers, "disputes")
        summary = f"{disputers} {verb} {_mid(sides[0].actor) or 'one source'}."
        merged[i] = merged[i].model_copy(update={"sides": tuple(sides), "summary": summary})
    return merged


def _same_pair(a: Contradiction, b: Contradiction) -> bool:
    quotes_a = {cit.quote for side in a.sides for cit in side.citations}
    quotes_b = {cit.quote for side in b.sides for cit in side.citations}
    return len(quotes_a & quotes_b) >= 2 or quotes_a <= quotes_b
