"""Retrieval: an SQLite FTS5 index over chunks, ranked with bm25(), and topic inference.

Without a topic, the topic is inferred from the terms that the most documents share, so a
brief of one story focuses on that story and a large mixed corpus on its dominant thread.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from briefing.lexicon import OTHER_LANGUAGES_FUNCTION_WORDS, STOPWORDS, stem
from briefing.models import Chunk, Document

_FTS_SAFE = re.compile(r"[^\w]+", re.UNICODE)


_VERBISH = re.compile(r"(?:ly|ed|ing|ize|ise|izes|ises)$")


# Longer than any word a topic line could show (a URL, a hash, a hostile 100 kB "word").
MAX_WORD_CHARS = 40


def infer_topic(documents: Sequence[Document], max_terms: int = 3) -> str:
    """A short topic line: the names and nouns that most documents share.

    Terms are ranked by how many documents use them, then by how often; names (words
    capitalised mid-sentence) are preferred over common words, and adverbs, participles and
    reporting verbs are skipped, so the line reads like a subject, not a sentence.
    """
    doc_freq: Counter[str] = Counter()
    coll_freq: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    display: dict[str, Counter[str]] = {}
    texts = [doc.running_text() for doc in documents]
    for text in texts:
        terms, keys = _document_terms(text)
        for key, token, count, capital in terms:
            forms = display.get(key)
            if forms is None:
                forms = display[key] = Counter()
            forms[token] += count
            coll_freq[key] += count
            if capital is not None:
                capitalised[key] += capital
        doc_freq.update(keys)
    if not doc_freq:
        return "untitled"

    def rank(term: str) -> tuple[float, float, str]:
        name_share = capitalised[term] / coll_freq[term]
        return (-doc_freq[term], -(math.log1p(coll_freq[term]) * (1.0 + 0.3 * name_share)), term)

    chosen: list[str] = []
    for term in sorted(doc_freq, key=rank):
        forms = display[term]
        form = forms.most_common(1)[0][0]
        if capitalised[term] / coll_freq[term] < 0.5 and any(f.islower() for f in forms):
            form = form.lower()  # a common word (never "biden": a name opening sentences)
            if form in OTHER_LANGUAGES_FUNCTION_WORDS:
                continue  # "les, des, par" for a French page: no subject in any language
        if form.lower() in {c.lower() for c in chosen}:
            continue
        joined = _one_name(chosen, form, texts) if form[0].isupper() else None
        if joined is None:
            chosen.append(form)
        else:
            chosen[joined[0]] = joined[1]
        if len(chosen) == max_terms:
            break
    return ", ".join(chosen)


def _one_name(chosen: list[str], form: str, texts: Sequence[str]) -> tuple[int, str] | None:
    """(index in ``chosen``, the joined name) when ``form`` and a chosen name are two words of
    one name ("White" and "House": "White House"): the two written side by side are most of
    the rarer one's uses, so the topic line never reads "House, White, Biden"."""
    for i, name in enumerate(chosen):
        if not name[0].isupper():
            continue
        for phrase in (f"{name} {form}", f"{form} {name}"):
            together = sum(text.count(phrase) for text in texts)
            if together and together * 2 >= min(
                sum(text.count(name) for text in texts), sum(text.count(form) for text in texts)
            ):
                return i, phrase
    return None


_TopicTerms = tuple[tuple[tuple[str, str, int, int | None], ...], frozenset[str]]


@lru_cache(maxsize=2048)
def _document_terms(text: str) -> _TopicTerms:
    """What ``infer_topic`` counts in one document's running text: (stem, displayed form,
    count, capitalised count or None for a lower-case form) in first-occurrence order, and
    the set of stems. Kept for the documents last asked about: the page's topic is inferred
    over the documents whose stories' topics were just inferred."""
    counts = Counter(_TOKEN.findall(text))
    openers = Counter(_SENTENCE_INITIAL.findall(text))
    terms = []
    for raw, count in counts.items():
        term = _topic_term(raw)
        if term is None:
            continue
        key, token = term
        capital = max(0, count - openers[raw]) if token[0].isupper() else None
        terms.append((key, token, count, capital))
    return tuple(terms), frozenset(key for key, _, _, _ in terms)


@lru_cache(maxsize=65536)
def _topic_term(raw: str) -> tuple[str, str] | None:
    """The stem a topic counts ``raw`` under and its displayed form (without a possessive),
    or None for a short, stop, verb-like or reporting word. A word's every occurrence in
    every document asks the same question: the answer is kept."""
    token = _POSSESSIVE.sub("", raw).rstrip("'\u2019-")
    low = token.lower()
    if len(low) < 3 or len(low) > MAX_WORD_CHARS or low in STOPWORDS or _VERBISH.search(low):
        return None
    if low in _ABBREVIATIONS:
        return None  # "Sen.", "Gov.", "Nov.": a title or a date, not a subject
    key = stem(low)
    if key in _REPORTING_STEMS:
        return None
    return key, token


_SENTENCE_INITIAL = re.compile(
    r"(?:^|[.!?:\n][\"'\u201d\u2019)]*\s+[\"'\u201c\u2018(]?)([A-Z][\w'\u2019-]*)"
)
_POSSESSIVE = re.compile(r"['\u2019]s$")
_ABBREVIATION_WORDS = (
    "sen rep gov gen lt col sgt capt cmdr adm atty supt pres rev jan feb mar apr jun jul aug "
    "sep sept oct nov dec mon tue tues wed thu thur thurs fri inc corp ltd mrs messrs"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_TOKEN = re.compile(r"\b[A-Za-z][\w'\u2019-]*")
_REPORTING_STEMS = frozenset(
    stem(w)
    for w in [
        "said",
        "says",
        "insist",
        "insists",
        "claim",
        "claims",
        "told",
        "added",
        "noted",
        "stated",
        "warned",
    ]
)


class ChunkIndex:
    """An in-memory SQLite FTS5 index over chunks (porter-stemmed), queried with bm25()."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._chunks: list[Chunk] = list(chunks)
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE VIRTUAL TABLE chunk USING fts5(body, tokenize='porter unicode61')")
        self._db.executemany(
            "INSERT INTO chunk(rowid, body) VALUES (?, ?)",
            ((i, c.text) for i, c in enumerate(self._chunks)),
        )

    def __len__(self) -> int:
        return len(self._chunks)

    def close(self) -> None:
        self._db.close()

    def search(self, query: str, limit: int) -> list[tuple[Chunk, float]]:
        """Chunks matching any query term, best first, with a positive relevance score."""
        terms = [t for t in _FTS_SAFE.split(query.lower()) if len(t) > 2 and t not in STOPWORDS]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        rows = self._db.execute(
            "SELECT rowid, bm25(chunk) FROM chunk WHERE chunk MATCH ? ORDER BY bm25(chunk) LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(self._chunks[rowid], -score) for rowid, score in rows]


def retrieve_chunks(
    chunks: Sequence[Chunk], topic: str, *, limit: int = 400, per_document: int = 6
) -> list[tuple[Chunk, float]]:
    """The chunks to extract from, with relevance scores normalised to [0, 1].

    Small corpora keep every chunk (all are relevant to a one-story cluster); large ones keep
    the best ``limit`` by bm25 against the topic, at most ``per_document`` per document.
    """
    if len(chunks) <= limit:
        index = ChunkIndex(chunks)
        try:
            scores = {c.id: s for c, s in index.search(topic, len(chunks))}
        finally:
            index.close()
        top = max(scores.values(), default=0.0) or 1.0
        return [(c, scores.get(c.id, 0.0) / top) for c in chunks]
    index = ChunkIndex(chunks)
    try:
        hits = index.search(topic, limit * 4)
    finally:
        index.close()
    per_doc: Counter[str] = Counter()
    kept: list[tuple[Chunk, float]] = []
    top = hits[0][1] if hits else 1.0
    for chunk, score in hits:
        if per_doc[chunk.doc_id] >= per_document:
            continue
        per_doc[chunk.doc_id] += 1
        kept.append((chunk, score / top if top else 0.0))
        if len(kept) >= limit:
            break
    return kept


def idf(doc_freq: int, n_docs: int) -> float:
    return math.log(1 + n_docs / (1 + doc_freq))
