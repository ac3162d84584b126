"""Reprints and updates: which earlier document a new one copies, and whether it adds news.

MinHash by one-permutation hashing: each 5-word shingle's 64-bit hash falls in one of
``BINS`` bins and each bin keeps its minimum; LSH bands of ``ROWS`` bins give the candidate
keys the store looks up. Two documents are copies of one story when their estimated Jaccard
similarity and the estimated share of the shorter found in the longer are both high.

A copy is then either a *reprint* (the same text with other furniture, another outlet line,
a sentence cut) or an *update* (the same story with new sentences). A reprint counts once
and is listed as a reprint; an update's new sentences are news and are briefed.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from briefing.lexicon import normalise_statement
from briefing.models import Document
from briefing.text import paragraphs, sentence_spans

SHINGLE = 5
BINS = 120
ROWS = 3
_MASK = (1 << 64) - 1
NEAR_DUP_JACCARD = 0.5
NEAR_DUP_CONTAINMENT = 0.8
# A band key this many stored documents share is a template's (one sender's notices, a
# newsletter's boilerplate) rather than a story's: no more documents are filed under it, and a
# new copy is checked for news against this many copies of its story at most. A mailbox of
# thousands of one sender's messages then costs each message the same (it was quadratic).
MAX_KEY_DOCUMENTS = 20
# A sentence of the new copy that the earlier one lacks is news when it has this many words
# (shorter lines are datelines, bylines, "updated at" notes and the like).
MIN_NEWS_WORDS = 10
# ... and when less than this share of its word pairs are in the earlier text.
NEWS_SHARE_KNOWN = 0.5

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """A document's MinHash signature, its distinct shingle count and its LSH band keys."""

    signature: tuple[int, ...]
    shingles: int
    bands: tuple[int, ...]


def _shingle_hashes(text: str) -> set[int]:
    words = _WORD.findall(text.casefold())
    if not words:
        return set()
    if len(words) < SHINGLE:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }


def minhash_signature(text: str) -> tuple[list[int], int]:
    """(signature of BINS values, number of distinct shingles); empty signature for no words."""
    hashes = _shingle_hashes(text)
    if not hashes:
        return [], 0
    empty = _MASK
    sig = [empty] * BINS
    for h in hashes:
        b = h % BINS
        v = h // BINS
        if v < sig[b]:
            sig[b] = v
    # Densify: an empty bin borrows the next non-empty bin's value, offset by the distance,
    # so two similar short texts still agree on their empty bins.
    original = list(sig)
    if empty in original:
        for i in range(BINS):
            if original[i] != empty:
                continue
            for step in range(1, BINS):
                j = (i + step) % BINS
                if original[j] != empty:
                    sig[i] = (original[j] + step * 0x9E3779B97F4A7C15) & _MASK
                    break
    return sig, len(hashes)


def _band_keys(sig: Sequence[int]) -> tuple[int, ...]:
    """One signed 63-bit key per band (the band number is hashed in), for an SQLite index."""
    keys = []
    for band in range(BINS // ROWS):
        part = (band, *sig[band * ROWS : (band + 1) * ROWS])
        digest = hashlib.blake2b(repr(part).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def fingerprint(text: str) -> Fingerprint:
    sig, size = minhash_signature(text)
    return Fingerprint(tuple(sig), size, _band_keys(sig) if sig else ())


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def is_near_duplicate(jaccard: float, size_a: int, size_b: int) -> bool:
    if jaccard < NEAR_DUP_JACCARD or not size_a or not size_b:
        return False
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment is that over the smaller set.
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return inter / min(size_a, size_b) >= NEAR_DUP_CONTAINMENT


def _sentences(doc: Document) -> list[str]:
    """The document's sentences outside page furniture, normalised to their words."""
    furniture = [(f.start, f.end) for f in doc.furniture]
    out = []
    for start, end in paragraphs(doc.text):
        if any(s <= start and end <= e for s, e in furniture):
            continue
        for s, e in sentence_spans(doc.text, start, end):
            words = normalise_statement(doc.text[s:e])
            if words:
                out.append(words)
    return out


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def news_sentences(doc: Document, earlier: Sequence[Document]) -> list[str]:
    """Sentences of ``doc`` (normalised) that are news against the ``earlier`` copies of its
    story: long enough not to be a dateline or an outlet's note, and mostly made of word pairs
    no earlier copy has (a sentence an editor touched up, "on Monday" made "on Monday
    morning", is not news; nor is a sentence one copy cut and another kept)."""
    known: set[tuple[str, str]] = set()
    for copy in earlier:
        for sentence in _sentences(copy):
            known |= _bigrams(sentence.split())
    news = []
    for sentence in _sentences(doc):
        words = sentence.split()
        if len(words) < MIN_NEWS_WORDS:
            continue
        pairs = _bigrams(words)
        if len(pairs & known) < NEWS_SHARE_KNOWN * len(pairs):
            news.append(sentence)
    return news


def copy_kind(doc: Document, earlier: Sequence[Document]) -> Literal["reprint", "update"]:
    """How a near-duplicate ``doc`` relates to the ``earlier`` copies of the story it copies."""
    return "update" if news_sentences(doc, earlier) else "reprint"


def same_document(doc: Document, earlier: Document) -> bool:
    """Whether ``doc`` is ``earlier`` again (a later version of it): the same file name (a
    morning's folder holds yesterday's files again, ``day2/a.txt`` after ``day1/a.txt``) or
    URL, or the same outlet and headline. Another outlet's copy of a text is never the same
    document."""
    if doc.path and earlier.path and PurePath(doc.path).name == PurePath(earlier.path).name:
        return True
    if doc.url and doc.url == earlier.url:
        return True
    return bool(doc.outlet and doc.title) and (doc.outlet, doc.title) == (
        earlier.outlet,
        earlier.title,
    )
