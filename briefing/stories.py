"""Stories: documents grouped by the event they cover, ranked, and matched against a topic.

A story is one event or development covered by one or more sources. Grouping is blocking
over each document's most distinctive content terms (an inverted index: only documents that
share a rare-enough term are ever compared, never all pairs), then a cosine check of their
TF-IDF vectors (sublinear term frequency, idf raised to IDF_POWER so rare names and an
event's own figures weigh most; a name shared by several developments of one subject is not
doubled), then average-link union-find, then a second pass that joins a story split in two
to the one story it is clearly closest to. Documents dated far apart are never joined.
Stories are ranked by independent outlets (a reprint, the same text under another outlet,
counts once), then recency, then size.

With a topic, ``match_topic`` keeps the stories whose text covers the topic's distinctive
terms, so a folder of many subjects is briefed on the one asked for.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations

from briefing.claims import slanted
from briefing.errors import NoMatchingDocumentsError
from briefing.lexicon import STOPWORDS, figures, stem
from briefing.models import Brief, BriefStory, Citation, Contradiction, Document, Fact, Story
from briefing.sanitize import shown, trimmed
from briefing.text import (
    dateline_end,
    ends_sentence,
    paragraphs,
    sentence_spans,
    without_full_stop,
)

logger = logging.getLogger(__name__)

LEAD_CHARS = 2000  # a news story is told in its first paragraphs; the tail adds noise and time
MIN_SHARED = 2  # a candidate pair shares at least this many of their distinctive terms...
SMALL_INBOX = 200  # ... or one, in an inbox this small (where every pair is cheap)
VECTOR_TERMS = 40  # a document is compared on its most distinctive terms
IDF_POWER = 1.5  # rare terms (names, figures) weigh more than idf alone gives them
BLOCK_TERMS = 12  # each document is blocked on its most distinctive terms
MAX_POSTINGS = 150  # a term shared by more documents than this is too common to block on
BACKGROUND_DOCS = 200  # see _idf
MERGE_COSINE = 0.3  # centroid cosine above which two groups are one story (a large inbox)
SPLIT_COSINE = 0.15  # a story this close to another, and clearly closest to it, joins it
SPLIT_MARGIN = 2.0  # ... clearly: this many times closer than to the next story
# In a SMALL_INBOX two stories rarely share words by chance: a lower bar, so more of one event
# told in several outlets' own words is one story (measured in eval/README.md).
SMALL_MERGE_COSINE = 0.2
TINY_INBOX = 8  # a folder of a few dated articles within days, most often on one story ...
TINY_MERGE_COSINE = 0.1  # ... merges what links (see group_stories)
LINK_COSINE = 0.1  # TF-IDF cosine above which two documents cover the same story
MAX_DAYS_APART = 3  # dated documents further apart than this are different developments
TOPIC_COVERAGE = 0.5  # share of the topic's term weight the best document must hold...
OWNED_COVERAGE = 0.3  # ... or this share, when some documents own two of the topic's words
TOPIC_SEED = 0.7  # documents matching this share of the best match pick the stories briefed
STORY_MATCH = 0.7  # ... and of those stories, the ones whose documents match, on average,
#                   this share of the best story's average
TITLE_BONUS = 0.3  # a topic term in a document's headline counts this much more
MEMBER_NEAR = 0.2  # a briefed story's document not about the topic on its own, whose TF-IDF
#                   cosine with the ones about it is under this...
MEMBER_MARGIN = 1.25  # ... and this many times under its cosine with another such document,
#                      is another event grouped into the story: left out

# A word: a letter, then letters, digits, apostrophes and hyphens, with no closing quote or
# dash. The run is taken whole and given back only at its end (a lookbehind), not one
# character per word as a closing ``\w`` after a greedy run makes the engine do (30% faster).
_TOKEN = re.compile(r"[A-Za-z][\w'\u2019-]*(?<![-'\u2019])")
FINGERPRINT_CHARS = 400  # a reprint is told by its first characters, whitespace collapsed


@dataclass
class _Profile:
    """A document's weighted content terms (lead text and title)."""

    counts: Counter[str]
    fingerprint: int


def _profile(doc: Document) -> _Profile:
    lead = doc.running_text(LEAD_CHARS)
    if doc.title and doc.title not in lead:
        lead = doc.title + "\n" + lead
    tokens = _TOKEN.findall(lead)
    if doc.title:  # the headline names the event: its terms count again
        tokens += _TOKEN.findall(doc.title)
    # Terms in the order of their first word; looked up, filtered (None: a stop word or a
    # short word; a term is never empty) and counted in C.
    counts = Counter(filter(None, map(_TERMS.__getitem__, tokens)))
    # "943,000", "14.7%": an event's own figures
    counts.update(["#" + figure for figure in figures(lead)])
    # the running text: a reprint under another outlet's "Source:" line is the same story told once
    return _Profile(
        counts=counts, fingerprint=_fingerprint(doc.running_text(2 * FINGERPRINT_CHARS))
    )


def _term(token: str) -> str | None:
    """The grouping term of a word: its stem; None for a stop word or a word under 3 letters."""
    low = token.lower().replace("\u2019", "'")
    if len(low) < 3 or low in STOPWORDS:
        return None
    return stem(low)


MAX_CACHED_WORDS = 65536


class _TermCache(dict[str, str | None]):
    """Word -> its ``_term``, kept: an inbox repeats its words across documents. A lookup is a
    plain dict's, in C (a word not seen yet is computed by ``__missing__``): the words of
    10,000 leads are counted in 0.14 s, against 0.21 s through an ``lru_cache``."""

    def __missing__(self, token: str) -> str | None:
        if len(self) >= MAX_CACHED_WORDS:
            self.clear()
        term = self[token] = _term(token)
        return term


_TERMS = _TermCache()


def _fingerprint(text: str) -> int:
    """A hash of the first FINGERPRINT_CHARS characters of ``text``, whitespace collapsed: a
    reprint's is its original's."""
    # Collapsing a prefix of the text gives a prefix of the collapsed text, so a long document
    # need not be collapsed whole.
    body = " ".join(text[: 2 * FINGERPRINT_CHARS].split())
    if len(body) < FINGERPRINT_CHARS:
        body = " ".join(text.split())
    return hash(body[:FINGERPRINT_CHARS])


def _vectors(profiles: Sequence[_Profile]) -> tuple[list[dict[str, float]], Counter[str]]:
    doc_freq: Counter[str] = Counter()
    for p in profiles:
        doc_freq.update(p.counts.keys())
    n = len(profiles)
    rarity = {term: _idf(df, n) ** IDF_POWER for term, df in doc_freq.items()}
    # Most terms occur once in a lead, where the weight is the rarity itself (1 + log 1 = 1):
    # their sort keys are made once per inbox, not once per document.
    once = {term: (-weight, term) for term, weight in rarity.items()}
    vectors: list[dict[str, float]] = []
    for p in profiles:
        ranked = sorted(  # heaviest first (negated weights), ties by term
            [
                once[term] if count == 1 else (-(1.0 + math.log(count)) * rarity[term], term)
                for term, count in p.counts.items()
            ]
        )
        top = ranked[:VECTOR_TERMS]
        norm = math.sqrt(sum([negated**2 for negated, _ in top])) or 1.0
        vectors.append({t: -negated / norm for negated, t in top})
    return vectors, doc_freq


def _idf(doc_freq: int, n_docs: int) -> float:
    """Smoothed idf over the inbox plus BACKGROUND_DOCS imaginary unrelated documents, so a
    small inbox does not take the words all its documents share for common words."""
    return math.log((n_docs + BACKGROUND_DOCS + 1) / (doc_freq + 1)) + 1.0


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    # Over the shared terms in the order of ``a``: the sum, term by term, that a sum over all
    # of ``a`` with zeros for the terms ``b`` lacks would give.
    return sum([w * b[t] for t, w in a.items() if t in b])


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _apart(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and abs((a - b).days) > MAX_DAYS_APART


def _candidate_pairs(
    vectors: Sequence[dict[str, float]], doc_freq: Counter[str]
) -> list[tuple[int, int]]:
    """Document pairs (a, b), a < b, sharing one of their distinctive terms (MIN_SHARED of them
    unless the inbox is small)."""
    blocked: list[list[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)  # each in ascending document order
    for i, vec in enumerate(vectors):
        pairable = sorted(  # a term of one document pairs nothing
            (-w, t) for t, w in vec.items() if doc_freq[t] > 1
        )
        top = [t for _, t in pairable[:BLOCK_TERMS]]
        blocked.append(top)
        for term in top:
            if doc_freq[term] <= MAX_POSTINGS or len(vectors) <= MAX_POSTINGS:
                postings[term].append(i)
    least = 1 if len(vectors) <= SMALL_INBOX else MIN_SHARED
    pairs: list[tuple[int, int]] = []
    for a, terms in enumerate(blocked):
        later: list[int] = []  # each later document once per term it shares with a
        for term in terms:
            ids = postings.get(term, [])
            if len(ids) <= MAX_POSTINGS:
                later += ids[bisect_right(ids, a) :]
        # counted in one call, in C (in the order the documents first appear, as before)
        pairs.extend((a, b) for b, n in Counter(later).items() if n >= least)
    return pairs


def group_stories(documents: Sequence[Document]) -> list[Story]:
    """The documents grouped into stories, best-ranked first (``rank`` 1, 2, ...)."""
    if not documents:
        return []
    profiles = [_profile(d) for d in documents]
    vectors, doc_freq = _vectors(profiles)
    groups = _UnionFind(len(documents))
    sums = [dict(v) for v in vectors]  # per root: the sum of its members' vectors
    sizes = [1] * len(vectors)
    dates = [d.date for d in documents]
    fingerprints = [p.fingerprint for p in profiles]
    pairs = []
    for a, b in _candidate_pairs(vectors, doc_freq):
        if _apart(dates[a], dates[b]):
            continue
        same = fingerprints[a] == fingerprints[b]
        cos = 1.0 if same else _cosine(vectors[a], vectors[b])
        if cos >= LINK_COSINE:
            pairs.append((cos, a, b))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    merge_bar = SMALL_MERGE_COSINE if len(documents) <= SMALL_INBOX else MERGE_COSINE
    tiny = len(documents) <= TINY_INBOX
    for cos, a, b in pairs:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        # a few articles of the same days: linked is one story (told from several angles)
        bar = TINY_MERGE_COSINE if tiny and dates[a] and dates[b] else merge_bar
        if cos < 1.0 and _cosine(sums[ra], sums[rb]) / (sizes[ra] * sizes[rb]) < bar:
            continue
        groups.union(ra, rb)
        root, other = (ra, rb) if groups.find(ra) == ra else (rb, ra)
        for t, w in sums[other].items():
            sums[root][t] = sums[root].get(t, 0.0) + w
        sums[other] = {}
        sizes[root] += sizes[other]
    _merge_split_stories(documents, groups, sums, sizes, pairs)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(documents)):
        members[groups.find(i)].append(i)
    told = {  # characters of text: among stories alike, the one told at more length leads
        min(ids): sum(len(documents[i].text) for i in ids) for ids in members.values()
    }
    ranked = sorted(
        ((_story(documents, ids, profiles, vectors), told[min(ids)]) for ids in members.values()),
        key=lambda pair: _rank_key(*pair),
    )
    stories = [story for story, _ in ranked]
    return [s.model_copy(update={"id": f"s{i}", "rank": i}) for i, s in enumerate(stories, 1)]


def _clearly_closest(
    ranked: Sequence[tuple[float, int]], close: Callable[[int, int], float]
) -> tuple[int, list[int]] | None:
    """(the closest, the runners-up close to both) of candidates ranked by closeness, closest
    first, when the closest is as close as a split-off part of a story must be (SPLIT_COSINE)
    and SPLIT_MARGIN times closer than the first rival; else None. A runner-up close to the
    closest too (``close``: closeness of two candidates) is the same story again, told in two
    parts, not a rival development. The one rule for "one story told twice": the grouping's
    second pass, the daily's continued stories and its quiet ones."""
    best, k = ranked[0]
    parts = [o for c, o in ranked[1:] if c >= SPLIT_COSINE and close(k, o) >= SPLIT_COSINE]
    rivals = [c for c, o in ranked[1:] if o not in parts]
    runner_up = rivals[0] if rivals else 0.0
    if best >= SPLIT_COSINE and best >= SPLIT_MARGIN * runner_up:
        return k, parts
    return None


def _merge_split_stories(
    documents: Sequence[Document],
    groups: _UnionFind,
    sums: list[dict[str, float]],
    sizes: list[int],
    pairs: Sequence[tuple[float, int, int]],
) -> None:
    """Second pass: a story joins the one story it is clearly closest to.

    The first pass keeps stories apart when their average similarity is below MERGE_COSINE,
    which splits a story whose outlets tell it in different words. Here each story looks at
    the stories its documents were linked to: when the closest holds SPLIT_COSINE and is
    SPLIT_MARGIN times closer than the next one, they are one story told twice. A story close
    to several (one subject, several developments: impeachment day 2 and day 3) stays apart,
    unless those several are also close to each other: three outlets' accounts of one event,
    each in its own words, are three stories equally close to one another, and one story.
    """

    def closeness(a: int, b: int) -> float:
        return _cosine(sums[a], sums[b]) / (sizes[a] * sizes[b])

    near: dict[int, set[int]] = defaultdict(set)
    for _, a, b in pairs:
        ra, rb = groups.find(a), groups.find(b)
        if ra != rb:
            near[ra].add(rb)
            near[rb].add(ra)
    spans: dict[int, list[dt.date]] = defaultdict(list)
    for i, doc in enumerate(documents):
        if doc.date is not None:
            spans[groups.find(i)].append(doc.date)
    joins: list[tuple[int, int]] = []
    for root, others in near.items():
        scored = sorted(((closeness(root, o), o) for o in others), reverse=True)
        found = _clearly_closest(scored, closeness)
        if found is not None:
            other = found[0]
            dates = spans[root] + spans[other]
            if not dates or (max(dates) - min(dates)).days <= MAX_DAYS_APART:
                joins.append((root, other))
    for a, b in joins:
        groups.union(a, b)


def _story(
    documents: Sequence[Document],
    ids: Sequence[int],
    profiles: Sequence[_Profile],
    vectors: Sequence[dict[str, float]],
) -> Story:
    centroid: dict[str, float] = defaultdict(float)
    for i in ids:
        for term, weight in vectors[i].items():
            centroid[term] += weight
    dates = [d for d in (documents[i].date for i in ids) if d is not None]
    latest = max(dates) if dates else None
    # A story told over days is headed by its latest day: the news is the latest development
    heads = [i for i in ids if documents[i].date == latest] if len(set(dates)) > 1 else ids
    # ... and by the source closest to the story's centroid that tells it plainly, when one
    # does (headlines are read closest first, only until a plain one: most stories' first)
    # ... and an outlet's own headline before an untitled document's cut lead
    closest = sorted(heads, key=lambda i: (_cosine(vectors[i], centroid), -i), reverse=True)
    closest.sort(key=lambda i: not _titled(documents[i]))
    plain = (i for i in closest if not slanted(headline_of(documents[i])))
    lead = next(plain, closest[0]) if len(closest) > 1 else closest[0]
    ordered = [lead, *(i for i in ids if i != lead)]
    copies: set[int] = set()
    outlets: set[str] = set()
    for i in ordered:
        fingerprint = profiles[i].fingerprint
        if fingerprint in copies:
            continue  # a reprint of a story already counted
        copies.add(fingerprint)
        doc = documents[i]
        outlets.add((doc.outlet or doc.url or doc.id).lower())
    return Story(
        id="",
        rank=0,
        headline=headline_of(documents[lead]),
        source_ids=tuple(documents[i].id for i in ordered),
        outlets=len(outlets),
        latest=latest,
        terms=tuple(sorted(centroid, key=lambda t: (-centroid[t], t))[:8]),
    )


HEADLINE_WORDS = 25  # a first line longer than this is a paragraph, not a headline
TITLE_WORDS = 20  # a "title" of more words that ends a sentence is a lead: no headline
UNTITLED_WORDS = 16  # an untitled document's heading: its lead's first clause, or this many words


def headline_of(doc: Document) -> str:
    """The document's title; else its first line when it is headline-sized; else the first
    sentence of that paragraph without its dateline ("(CNN) --", "LONDON (Reuters) -"), cut
    after its first clause or at UNTITLED_WORDS: a heading, never a paragraph or a long lead.
    A heading has no full stop: it ends pages' titles (", among other stories") and labels."""
    return without_full_stop(trimmed(_heading(doc)))


def _titled(doc: Document) -> bool:
    """Whether the document has a headline of its own (a title, or a headline-sized first
    line), not a lead cut to a heading."""
    title = (doc.title or "").strip()
    return bool(title and not _is_lead(title)) or _headline_sized(_first_line(doc))


def _first_line(doc: Document) -> str:
    """The document's title, else its first line that is not page furniture (a photo caption
    with its credit had headed an untitled FNC-1 body)."""
    title = (doc.title or "").strip()
    if title:
        return title
    if not doc.furniture:
        return doc.text.strip().split("\n", 1)[0].strip()
    furniture = [(f.start, f.end) for f in doc.furniture]
    return next(
        (
            doc.text[start:end]
            for start, end in paragraphs(doc.text)
            if not any(s <= start and end <= e for s, e in furniture)
        ),
        "",
    )


def _headline_sized(line: str) -> bool:
    return len(line.split()) <= HEADLINE_WORDS and not ends_sentence(line)


def _heading(doc: Document) -> str:
    title = (doc.title or "").strip()
    if title and not _is_lead(title):
        return title
    first = _first_line(doc)
    if _headline_sized(first):
        return first if len(first) <= 200 else _cut(first.split(), 30)
    span = next(sentence_spans(first), None)
    if span is not None:
        first = first[span[0] : span[1]].strip()
    first = first[dateline_end(first) :]
    words = first.split()
    if len(words) <= UNTITLED_WORDS:
        return first
    clause = next(  # the lead's first clause, when it is headline-sized
        (
            i
            for i in range(6, min(len(words), UNTITLED_WORDS + 5))
            if words[i - 1][-1:] in ",;:\u2014"
        ),
        None,
    )
    return _cut(words, clause or UNTITLED_WORDS)


def _is_lead(line: str) -> bool:
    """A title that is a long sentence: the first line of a text with no headline."""
    return len(line.split()) > TITLE_WORDS and ends_sentence(line)


# Words that lead into what follows them: a cut heading does not end on one
_LEADS_ON_WORDS = (
    "a an the of to from for with by in on at into onto over under about as and or but nor "
    "his her him its their them our your my that which who whose than is are was were be "
    "been has have had will would can could should may might must not no"
)
_LEADS_ON = frozenset(_LEADS_ON_WORDS.split())


def _cut(words: list[str], n: int) -> str:
    """The first ``n`` words and an ellipsis, not ending on a word that leads into the cut
    ("... as her godson to protect him from…" is "... as her godson to protect…")."""
    kept = words[:n]
    while len(kept) > n // 2 and kept[-1].lower().strip(",;:") in _LEADS_ON:
        kept.pop()
    return " ".join(kept).rstrip(",;:-\u2014") + "\u2026"


def _rank_key(story: Story, told: int) -> tuple[int, int, int, int, str]:
    """Outlets first, then the latest day, then sources, then how much is told: an undated
    inbox of three-source stories had ranked its top stories by their headlines' alphabet."""
    latest = story.latest.toordinal() if story.latest else 0
    return (-story.outlets, -latest, -len(story.source_ids), -told, story.headline)


def match_topic(stories: Sequence[Story], documents: Sequence[Document], topic: str) -> list[Story]:
    """The stories about ``topic``, best match first (re-ranked 1, 2, ...).

    A document's match is the share of the topic's term weight (terms weighted by how rare
    they are in the inbox) that its text holds, its headline counting extra. The documents
    matching within TOPIC_SEED of the best one, and those about it by their headlines
    (``_headlined``), are the seeds; the stories holding a seed are
    briefed, each as a unit (a story's other outlets tell it in their own words, not the
    topic's) but for another event grouped into it (``_members_on_topic``), and nothing of
    another story joins them: a document that shares the topic's general words ("federal
    judge blocks") but not the story is another story's, and pulling such documents in by
    their closeness to the seeds (relevance feedback) cost more precision than it won recall
    (see eval/README.md). Raises NoMatchingDocumentsError when no document holds
    TOPIC_COVERAGE (OWNED_COVERAGE when some documents own two of the topic's words, see
    ``_owned``), or when the topic has no word to match ("(", "the").
    """
    wanted = topic_terms(topic)
    if not wanted:
        raise NoMatchingDocumentsError(
            f"the topic {shown(topic)!r} has no words to look for in the documents; "
            "try other words or leave out --topic"
        )
    text_terms = {d.id: topic_terms(d.text, joined=True) for d in documents}
    title_terms = {d.id: topic_terms(d.title or "", joined=True) for d in documents}
    doc_freq: Counter[str] = Counter()
    for terms in text_terms.values():
        doc_freq.update(t for t in terms if t in wanted)
    weight = {t: _idf(doc_freq[t], len(documents)) for t in wanted}
    total = sum(weight.values())

    def share(terms: set[str]) -> float:
        return sum(w for t, w in weight.items() if t in terms) / total

    score = {
        d.id: share(text_terms[d.id]) + TITLE_BONUS * share(title_terms[d.id]) for d in documents
    }
    best = max(score.values(), default=0.0)
    if best < TOPIC_COVERAGE and not (best >= OWNED_COVERAGE and _owned(text_terms, wanted)):
        raise NoMatchingDocumentsError(
            f"no document is about the topic {shown(topic)!r} ({len(documents)} read); "
            "try other words or leave out --topic"
        )
    seeds = {i for i, value in score.items() if value >= TOPIC_SEED * best}
    headlined = _headlined(text_terms, title_terms, doc_freq, wanted, seeds) - seeds
    seeds |= headlined
    chosen = _told_throughout(
        {s.id: s for s in stories if seeds.intersection(s.source_ids)}, score, headlined
    )
    match = {sid: max(score[i] for i in s.source_ids if i in seeds) for sid, s in chosen.items()}
    ordered = sorted(chosen.values(), key=lambda s: (-match[s.id], s.rank))
    by_id = {d.id: d for d in documents}
    ordered = [_members_on_topic(s, by_id, score, best) for s in ordered]
    return [s.model_copy(update={"rank": i}) for i, s in enumerate(ordered, 1)]


def _members_on_topic(
    story: Story, by_id: Mapping[str, Document], score: Mapping[str, float], best: float
) -> Story:
    """The story without another event grouped into it: its documents that are not about the
    topic on their own (under the TOPIC_COVERAGE bar a document must pass for the topic to be
    in the inbox; when only the ``_owned`` bar was passed, not a seed), are far from the ones
    that are (cosine under MEMBER_NEAR) and clearly nearer (MEMBER_MARGIN) to another document
    not about it. An undated marijuana-bill article had been grouped with two
    infrastructure-vote articles by "Schumer" and "Senate", and the marijuana brief quoted the
    vote's "67-32"; a 2021 infrastructure article grouped into the USMCA deal (they share
    Pelosi, House, vote) put her "We're going to pass the bill this week" on the USMCA page,
    which its words "House", "White House", "pass" matched half as well as the USMCA article;
    an FDA panel's booster vote was briefed with July's "vaccinated people don't need a
    booster" articles. The other event's articles tell it together. An outlet telling the
    topic's story in its own words ("the updated NAFTA" for "USMCA", "blasts" for
    "explosions") is near a document about the topic, or about as near to one as to the other
    documents, or the only one not about it: kept (dropping every weak match, 8008135, cost
    typed-topic recall). Vectors of the story's documents only: the cost is a few
    documents'."""
    ids = story.source_ids
    bar = TOPIC_COVERAGE if best >= TOPIC_COVERAGE else TOPIC_SEED * best
    on = [i for i in ids if score[i] >= bar]
    off = [i for i in ids if score[i] < bar]
    if len(off) < 2 or not on:
        return story
    vectors = dict(zip(ids, _vectors([_profile(by_id[i]) for i in ids])[0], strict=True))

    def nearest(i: str, others: Sequence[str]) -> float:
        return max((_cosine(vectors[i], vectors[j]) for j in others if j != i), default=0.0)

    gone = set()
    for i in off:
        near_on = nearest(i, on)
        if near_on < MEMBER_NEAR and MEMBER_MARGIN * near_on < nearest(i, off):
            gone.add(i)
    if not gone:
        return story
    return story.model_copy(update={"source_ids": tuple(i for i in ids if i not in gone)})


def _owned(text_terms: dict[str, set[str]], wanted: set[str]) -> bool:
    """Whether two of the topic's words are owned by the same documents: two or more hold
    both, and at most one other holds either. An editor's headline says in its own words what
    the outlets told ("Afghan Refugees Set to Start New Lives in US" over "Afghan refugees
    headed to 46 states"), so most of its words are nowhere in the inbox; two of its words
    that travel together through a few documents, and nowhere else, show the story is there.
    """
    holders: dict[str, set[str]] = defaultdict(set)
    for doc_id, terms in text_terms.items():
        for term in terms & wanted:
            holders[term].add(doc_id)
    shared = sorted(t for t, ids in holders.items() if len(ids) >= 2)
    for a, b in combinations(shared, 2):
        both = len(holders[a] & holders[b])
        if both >= 2 and len(holders[a] | holders[b]) <= both + 1:
            return True
    return False


def _headlined(
    text_terms: Mapping[str, set[str]],
    title_terms: Mapping[str, set[str]],
    doc_freq: Mapping[str, int],
    wanted: set[str],
    seeds: AbstractSet[str],
) -> set[str]:
    """The documents about the topic by their headlines, though under the seed bar: when a
    seed's headline holds every topic word in the inbox, some of those words are one
    document's own and the others are shared by documents that all put them in their
    headlines, the documents headlining the shared words. In an inbox where one article says
    "government" (its headline "Government shutdown, day 2: ...") and three headline
    "shutdown", the other two had scored under the bar for lacking "government", each was a
    story of its own, and "government shutdown" briefed 1 of the 3 and called the others "on
    other subjects". A shared word some holders leave out of their headlines is no story's
    ("North" of North Korea and of North Carolina)."""
    held = {t for t in wanted if doc_freq.get(t, 0)}
    own = {t for t in wanted if doc_freq.get(t, 0) == 1}
    shared = held - own
    if not own or not shared or not any(held <= title_terms[i] for i in seeds):
        return set()
    headlined = {i for i, terms in title_terms.items() if shared <= terms}
    holders = {i for i, terms in text_terms.items() if shared <= terms}
    return headlined if len(headlined) >= 2 and holders == headlined else set()


def _told_throughout(
    chosen: dict[str, Story], score: dict[str, float], headlined: AbstractSet[str] = frozenset()
) -> dict[str, Story]:
    """The chosen stories whose documents match the topic, on average, within STORY_MATCH of
    the best story's: a story where one document happens to use the topic's words among
    other subjects is not briefed beside the story all of whose sources are about it. A story
    holding a ``headlined`` document is about it by that document's headline."""
    mean = {
        sid: sum(score[i] for i in s.source_ids) / len(s.source_ids) for sid, s in chosen.items()
    }
    best = max(mean.values(), default=0.0)
    return {
        sid: s
        for sid, s in chosen.items()
        if mean[sid] >= STORY_MATCH * best or not headlined.isdisjoint(s.source_ids)
    }


def topic_terms(text: str, *, joined: bool = False) -> set[str]:
    """Match keys of the content words of ``text``: their stems, so "evacuate" meets
    "evacuated" (both evacuat); a hyphenated word counts as its parts (and, ``joined``, in a
    document, as one word too), so "fact-checking" meets "fact check", "virus-fueled" meets
    "the virus" and a document's "Whistle-Blower" meets the topic "whistleblower" (the topic's
    own hyphenated words count once, as their parts); a two-letter
    word in capitals is an acronym and counts ("EU", "UN"; "US" is not "us"); a figure's
    "fall" is its "drop", a city's is not (``_falls_as_a_figure``)."""
    out: set[str] = set()
    for match in _TOKEN.finditer(text):
        token = match.group().replace("\u2019", "'")
        parts = token.split("-")
        if joined and len(parts) > 1:  # a document's "Whistle-Blower" meets "whistleblower"
            parts.append("".join(parts))
        for written in parts:
            part = written.lower()
            if len(written) == 2 and written.isupper():  # EU, UN, UK, AI, US: an acronym
                out.add(part.upper())
            elif len(part) >= 3 and (part not in STOPWORDS or part in _TOPIC_WORDS):
                key = stem(part)
                if key in _FALL and _falls_as_a_figure(text, match.start(), match.end()):
                    key = _DROP
                out.add(_SAME_SENSE.get(key, key))
    return out


def _falls_as_a_figure(text: str, start: int, end: int) -> bool:
    """Whether the "fall" at ``text[start:end]`` is a figure's (a rate, a price, poll numbers):
    a figure follows it ("fell to 5.8%", "fell 2%") or a figure's noun stands within two words
    of it ("unemployment fell", "falling poll numbers", "prices have fallen"); not a city's or
    a leader's ("Kabul could fall to the Taliban", "Rome fell in 476")."""
    if _FIGURE_AFTER.match(text, end) is not None:
        return True
    before = _TOKEN.findall(text, max(0, start - 40), start)[-2:]
    after = _TOKEN.findall(text, end, end + 40)[:2]
    return any(stem(w.lower()) in _FIGURE_NOUNS for w in (*before, *after))


# Words too common to tell documents apart in general that a topic still means: the month of
# "August jobs report", the report of it
_TOPIC_WORD_LIST = (
    "january february march april june july august september october november december "
    "report reports"
)
_TOPIC_WORDS = frozenset(_TOPIC_WORD_LIST.split())

# An editor's headline and the articles under it name one thing in different words ("probe"
# and "inquiry", "surge" and "rise"): the words of each group are one match key. "Fall" is a
# rate's "drop" only beside a figure (``_falls_as_a_figure``): a city falls, a leader's fall,
# the fall season (a "Kabul could fall to the Taliban" headline had matched "Unemployment
# Drops to 5.8%"); elsewhere it meets only its own forms.
_SENSE_GROUPS = (
    "probe inquiry investigation investigate investigates investigated investigating",
    "concern concerns concerned worry worries worried fear fears alarm alarmed",
    "surge surges surged rise rises rising rose soar soars soared jump jumps jumped spike",
    "plunge plunges plunged drop drops dropped slump slumped decline declined dip dips dipped",
    "fall falls fell falling fallen",
    "slam slams slammed blast blasts blasted criticize criticizes criticized condemn condemns",
    "expedite expedited expedites quick quickly swift swiftly fast rapid rapidly",
    "sue sues sued lawsuit lawsuits suit",
    "quit quits resign resigns resigned resignation",
    "talks negotiation negotiations negotiate negotiating",
)
_SAME_SENSE = {stem(w): group.split()[0] for group in _SENSE_GROUPS for w in group.split()}
_FALL = frozenset(stem(w) for w in ["fall", "falls", "fell", "falling", "fallen"])
_DROP = stem("plunge")
_FIGURE_AFTER = re.compile(  # "fell 2%", "fell to 5.8%", "fell by $3"
    r"\s+(?:(?:to|by|from|below|under|nearly|almost|about|more than|less than)\s+)?"
    r"[$\u20ac\u00a3]?\d"
)
# the nouns of a figure that falls as a rate drops
_FIGURE_NOUN_LIST = (
    "rate rates number numbers rating ratings poll polls price prices cost costs sales stock "
    "stocks share shares market markets index unemployment inflation growth output profit "
    "profits revenue revenues approval yield yields claims cases deaths percent point points "
    "level levels figure figures value values temperature temperatures"
)
_FIGURE_NOUNS = frozenset(stem(w) for w in _FIGURE_NOUN_LIST.split())


def same_stories(
    today: Sequence[tuple[str, Sequence[str]]], earlier: Sequence[tuple[str, Sequence[str]]]
) -> dict[int, list[int]]:
    """Today's story index -> the earlier stories it continues, for stories given as
    (headline, statements): the earlier story closest by the grouping's TF-IDF cosine, when as
    close as a split-off part of a story must be to join it (SPLIT_COSINE) and clearly closest
    (SPLIT_MARGIN), with the earlier stories as close to it that are close to that one too
    (one story told in two parts the day before, as ``_merge_split_stories`` reads a runner-up
    close to both). Another outlet's account of yesterday's story continues it, though it
    shares no sentence with it and tells it in its own words."""
    if not today or not earlier:
        return {}
    profiles = [
        _profile(Document(id=str(n), path="", title=headline, text=" ".join(statements)))
        for n, (headline, statements) in enumerate([*earlier, *today])
    ]
    vectors, _ = _vectors(profiles)
    old, new = vectors[: len(earlier)], vectors[len(earlier) :]
    found: dict[int, list[int]] = {}
    for n, vector in enumerate(new):
        ranked = sorted(((_cosine(vector, o), k) for k, o in enumerate(old)), reverse=True)
        closest = _clearly_closest(ranked, lambda a, b: _cosine(old[a], old[b]))
        if closest is not None:
            found[n] = [closest[0], *closest[1]]
    return found


def one_story_groups(stories: Sequence[tuple[str, Sequence[str]]]) -> list[list[int]]:
    """The given stories, (headline, statements), in groups the grouping would call one story:
    a story joins the one it is clearly closest to by the grouping's TF-IDF cosine, as
    ``_merge_split_stories`` joins a split-off part (SPLIT_COSINE, SPLIT_MARGIN; a runner-up
    close to both is the same story again). Stories on one subject but no closer to each other
    than to the rest stay apart. Groups in the stories' order, each in order."""
    if not stories:
        return []
    profiles = [
        _profile(Document(id=str(n), path="", title=headline, text=" ".join(statements)))
        for n, (headline, statements) in enumerate(stories)
    ]
    vectors, _ = _vectors(profiles)
    groups = _UnionFind(len(vectors))
    for n, vector in enumerate(vectors):
        ranked = sorted(
            ((_cosine(vector, o), k) for k, o in enumerate(vectors) if k != n), reverse=True
        )
        if not ranked:
            break
        closest = _clearly_closest(ranked, lambda a, b: _cosine(vectors[a], vectors[b]))
        if closest is not None:
            groups.union(n, closest[0])
    by_root: dict[int, list[int]] = defaultdict(list)
    for n in range(len(vectors)):
        by_root[groups.find(n)].append(n)
    return sorted(by_root.values())


def headed_by_cited(
    story: Story,
    cited: AbstractSet[str],
    doc_of: Mapping[str, Document],
    said: AbstractSet[str] = frozenset(),
    *,
    plain_stays: bool = True,
) -> Story:
    """``story`` headed by a source the page cites for it: its headline's source when cited,
    else the first of its cited sources with a headline of its own that tells it plainly
    (else the first), so a reader finds the heading's outlet in Sources (``doc_of``: document
    id -> document). A headline the story's items already quote (``said``) heads it only when
    no other will. An untitled source's cut lead never replaces an outlet's own headline: the
    story keeps its heading when only untitled sources are cited (a crawl story had been
    headed "The Washington Post, The New York Times, and NBC News on Saturday issued…", the
    lead of its one cited source, over two outlets' headlines, and its line went unlabelled).
    Nor does a slanted headline (an op-ed's verdict, ``claims.slanted``) replace an outlet's
    plain one: a story whose only cited source was "OPINION: Ending Birthright Citizenship Is
    No Panacea" had been headed by it over its lead's plain news headline. The plain heading
    is then its lead's, which the page's Sources may not list: a heading is the story's name,
    each line under it names its own source. ``plain_stays`` false: the caller cites the
    plain headline under a moved heading (a top story's key development), so every source
    stays cited, and the slanted headline may head it."""
    if not cited or story.source_ids[0] in cited:
        return story
    candidates = [i for i in story.source_ids if i in cited and i in doc_of]
    if not candidates:
        return story
    headlines = {i: headline_of(doc_of[i]) for i in candidates}
    # a cited source with its own headline, as the story's own heading was chosen, that tells
    # it plainly and whose headline is not a line under it already
    first = min(
        candidates,
        key=lambda i: (not _titled(doc_of[i]), slanted(headlines[i]), headlines[i] in said),
    )
    lead = doc_of.get(story.source_ids[0])
    if lead is not None and _titled(lead):
        if not _titled(doc_of[first]):
            return story
        if plain_stays and slanted(headlines[first]) and not slanted(story.headline):
            return story
    return story.model_copy(update={"headline": headlines[first]})


def story_of_sources(stories: Sequence[Story | BriefStory]) -> dict[str, str]:
    """Source id -> id of the story it belongs to."""
    return {source: story.id for story in stories for source in story.source_ids}


def _first_source(citations: Sequence[Citation]) -> str:
    return citations[0].source_id if citations else ""


def fact_story(fact: Fact, story_of: dict[str, str]) -> str | None:
    return story_of.get(_first_source(fact.citations))


def contradiction_story(contradiction: Contradiction, story_of: dict[str, str]) -> str | None:
    sides = contradiction.sides
    return story_of.get(_first_source(sides[0].citations)) if sides else None


def brief_stories(stories: Sequence[Story]) -> list[BriefStory]:
    return [
        BriefStory(
            id=s.id,
            rank=s.rank,
            headline=s.headline,
            source_ids=s.source_ids,
            outlets=s.outlets,
            latest=s.latest,
        )
        for s in stories
    ]


def assign_items(brief: Brief) -> Brief:
    """The brief with each story's item ids filled in from where its items are cited."""
    if not brief.stories:
        return brief
    story_of = story_of_sources(brief.stories)
    ids: dict[str, dict[str, list[str]]] = {
        s.id: {"bottom_line": [], "facts": [], "contradictions": [], "watch": []}
        for s in brief.stories
    }

    def add(story: str | None, field: str, item_id: str) -> None:
        if story in ids:
            ids[story][field].append(item_id)

    for fact in brief.bottom_line:
        add(fact_story(fact, story_of), "bottom_line", fact.id)
    for fact in [*brief.facts, *brief.more_facts]:
        add(fact_story(fact, story_of), "facts", fact.id)
    for fact in brief.watch:
        add(fact_story(fact, story_of), "watch", fact.id)
    for c in [*brief.contradictions, *brief.more_contradictions]:
        add(contradiction_story(c, story_of), "contradictions", c.id)
    stories = [
        s.model_copy(update={k: tuple(v) for k, v in ids[s.id].items()}) for s in brief.stories
    ]
    return brief.model_copy(update={"stories": stories})
