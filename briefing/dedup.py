"""Reprints and updates: which earlier document a new one copies, and whether it adds news.
The one definition of a reprint: the daily store applies it to each document it takes in,
``find_reprints`` to a build's documents.

MinHash by one-permutation hashing: each 5-word shingle's 64-bit hash falls in one of
``BINS`` bins and each bin keeps its minimum; LSH bands of ``ROWS`` bins give the candidate
keys the store looks up. Two documents are copies of one story when their estimated Jaccard
similarity and the estimated share of the shorter found in the longer are both high.

A copy is then either a *reprint* (the same text with other furniture, another outlet line,
a sentence cut) or a copy with new sentences: an *update* when it is the same document (the
same file name or URL, or the same outlet and headline), else another outlet's near-copy, a
new source on the story. A reprint counts once and is listed as a reprint, on every page:
the daily store keeps it in its story's cluster, and ``find_reprints`` leaves it out of a
build's documents; an update's new sentences are news and are briefed.

A build does not fingerprint every document: a near-copy shares a sentence of its running
text word for word with what it copies (``PIECE_CHARS``), so only documents that share one
with another document are fingerprinted, and a line a copy repeats is hashed once
(``Fingerprinter``: the same fingerprints as ``fingerprint``, which the store persists). A
build files documents under their bands' numbers (no band key is hashed) and counts the bins
two signatures share on integers that pack them (``_same_bins``), the same count.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
import struct
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal, NamedTuple

from briefing.lexicon import normalise_statement
from briefing.models import Document, Reprint
from briefing.text import ends_sentence, paragraphs, sentence_spans

SHINGLE = 5
BINS = 120
ROWS = 3
_MASK = (1 << 64) - 1
_BORROW = 0x9E3779B97F4A7C15  # an empty bin's value: the next bin's plus this per bin between
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
# A build compares the documents that share this share of their pieces of running text
# between full stops this long with other documents (see _sharing).
PIECE_CHARS = 40
SHARED_PIECES = 0.25

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """A document's MinHash signature, its distinct shingle count and its LSH band keys."""

    signature: tuple[int, ...]
    shingles: int
    bands: tuple[int, ...]


def _gram_hash(gram: str) -> int:
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")


def _gram_hashes(grams: Iterable[str]) -> list[int]:
    """``_gram_hash`` of each gram, in one comprehension (no call per gram)."""
    blake2b, little = hashlib.blake2b, int.from_bytes
    return [little(blake2b(gram.encode(), digest_size=8).digest(), "little") for gram in grams]


def _grams(words: Sequence[str]) -> list[str]:
    return [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def _shingle_hashes(text: str) -> set[int]:
    words = _WORD.findall(text.casefold())
    if not words:
        return set()
    grams = [" ".join(words)] if len(words) < SHINGLE else _grams(words)
    return set(_gram_hashes(grams))


def _binned(hashes: Iterable[int], sig: list[int]) -> list[int]:
    """``sig`` with each hash's value kept in its bin where it is the smallest."""
    for h in hashes:
        b = h % BINS
        v = h // BINS
        if v < sig[b]:
            sig[b] = v
    return sig


def _densified(sig: list[int]) -> list[int]:
    """An empty bin borrows the next non-empty bin's value (the first bin's after the last),
    offset by the distance, so two similar short texts still agree on their empty bins."""
    empty = _MASK
    if empty not in sig:
        return sig
    filled = [i for i, v in enumerate(sig) if v != empty]
    if not filled:
        return sig
    following = filled[0] + BINS  # read from the end: the next non-empty bin, round the end
    for i in range(BINS - 1, -1, -1):
        if sig[i] != empty:
            following = i
        else:
            sig[i] = (sig[following % BINS] + (following - i) * _BORROW) & _MASK
    return sig


def minhash_signature(text: str) -> tuple[list[int], int]:
    """(signature of BINS values, number of distinct shingles); empty signature for no words."""
    hashes = _shingle_hashes(text)
    if not hashes:
        return [], 0
    return _densified(_binned(hashes, [_MASK] * BINS)), len(hashes)


def _band_key(part: tuple[int, ...]) -> int:
    digest = hashlib.blake2b(repr(part).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _band_keys(sig: Sequence[int]) -> tuple[int, ...]:
    """One signed 63-bit key per band (the band number is hashed in), for an SQLite index."""
    return tuple(
        _band_key((band, *sig[band * ROWS : (band + 1) * ROWS])) for band in range(BINS // ROWS)
    )


def fingerprint(text: str) -> Fingerprint:
    sig, size = minhash_signature(text)
    return Fingerprint(tuple(sig), size, _band_keys(sig) if sig else ())


# A line with this many shingles keeps its own bins, merged bin by bin into its document's;
# a shorter line's hashes are binned one by one (cheaper than a merge of all BINS).
_LINE_BINS = 40


@dataclass(frozen=True)
class _Line:
    text: str  # the one copy kept of a line many texts repeat
    words: list[str]
    hashes: frozenset[int]  # of the shingles within the line
    bins: list[int] | None  # their minimum per bin, for a long line


class _Pieces(dict[str, str]):
    """Line -> the one copy kept of it, or "" for a line of no words: a text's lines are
    looked up in C, and only a line not seen yet is read (``read``)."""

    def __init__(self, read: Callable[[str], _Line]) -> None:
        super().__init__()
        self._read = read

    def __missing__(self, line: str) -> str:
        found = self._read(line)
        piece = self[line] = found.text if found.words else ""
        return piece


Band = tuple[int, ...]  # (band number, its ROWS values): what a band key is the hash of


def _bands(sig: Sequence[int]) -> list[Band]:
    """(band, its ROWS values) for each band of ``sig``, made in C."""
    rows = [sig[row::ROWS] for row in range(ROWS)]
    return list(zip(range(BINS // ROWS), *rows, strict=True))


class _Numbered(dict[Band, int]):
    """Band -> its number among the bands seen (the same band, the same number), and the
    bands by number: two texts share a band key exactly when they share its number, and a
    number is cheaper to look up than the band."""

    def __init__(self) -> None:
        super().__init__()
        self.bands: list[Band] = []

    def __missing__(self, band: Band) -> int:
        number = self[band] = len(self.bands)
        self.bands.append(band)
        return number


class Sketch(NamedTuple):
    """A text's MinHash signature, shingle count and bands: each band by its number among
    those its ``Fingerprinter`` has seen, not hashed to a key (a build compares bands only
    with each other). ``Fingerprinter.__call__`` gives the store's form, ``Fingerprint``."""

    signature: tuple[int, ...]
    shingles: int
    bands: tuple[int, ...]
    # what a text of one more line grows it from (none for a text of fewer than SHINGLE words)
    empty: tuple[int, ...] = ()  # its bins no shingle fell in (densified in its signature)
    parts: tuple[frozenset[int], ...] = ()  # its shingle hashes: its lines', across each break


class Fingerprinter:
    """``fingerprint`` of many texts that share lines (copies of one story): each distinct
    line's words and shingle hashes are found once, and only the shingles that cross from
    one line to the next are hashed per text; a text that is an earlier one's lines with one
    more line before or after them adds that line's shingles to the earlier one's. Words never
    cross a line break, and a text's shingles are those within its lines and those across
    their breaks, so the fingerprints are ``fingerprint``'s exactly. ``sketch`` leaves the
    bands unhashed (a build compares them only with each other)."""

    def __init__(self) -> None:
        self._lines: dict[str, _Line] = {}
        self._pieces = _Pieces(self._line)
        self._across: dict[tuple[str, str], frozenset[int]] = {}
        self._across_words: dict[tuple[str, ...], frozenset[int]] = {}
        self._texts: dict[tuple[str, ...], Sketch] = {}  # by their lines of words
        self._numbered = _Numbered()
        self._keys: dict[int, int] = {}  # band number -> band key

    def __call__(self, text: str) -> Fingerprint:
        sketch = self.sketch(text)
        keys, bands = self._keys, self._numbered.bands
        return Fingerprint(
            sketch.signature,
            sketch.shingles,
            tuple(keys.get(n) or keys.setdefault(n, _band_key(bands[n])) for n in sketch.bands),
        )

    def _line(self, line: str) -> _Line:
        found = self._lines.get(line)
        if found is None:
            words = _WORD.findall(line.casefold())
            within = _grams(words) if len(words) >= SHINGLE else []
            hashes = frozenset(_gram_hashes(within))
            bins = _binned(hashes, [_MASK] * BINS) if len(hashes) >= _LINE_BINS else None
            found = self._lines[line] = _Line(line, words, hashes, bins)
        return found

    def _pair(self, before: str, after: str) -> frozenset[int] | None:
        """The shingles across the break between two lines, when they are the two lines'
        alone (each has SHINGLE - 1 words or more)."""
        found = self._across.get((before, after))
        if found is None:
            a, b = self._line(before).words, self._line(after).words
            if min(len(a), len(b)) < SHINGLE - 1:
                return None
            words = (*a[1 - SHINGLE :], *b[: SHINGLE - 1])
            found = self._across_words.get(words)  # another line pair ending and starting so
            if found is None:
                across = _across(words, SHINGLE - 1, len(words) - SHINGLE)
                found = self._across_words[words] = frozenset(across)
            self._across[before, after] = found
        return found

    def sketch(self, text: str) -> Sketch:
        """The text's signature, shingle count and bands, as ``fingerprint`` finds them."""
        pieces = tuple(filter(None, map(self._pieces.__getitem__, text.split("\n"))))
        found = self._texts.get(pieces)
        if found is None and len(pieces) > 1:
            found = self._grown(pieces, 0) or self._grown(pieces, -1)
        if found is None:
            found = self._print(pieces)
            if found is None:  # fewer than SHINGLE words
                sig, size = minhash_signature(text)
                bands = map(self._numbered.__getitem__, _bands(sig)) if sig else ()
                return Sketch(tuple(sig), size, tuple(bands))
        self._texts[pieces] = found
        return found

    def _grown(self, pieces: tuple[str, ...], end: int) -> Sketch | None:
        """The print of ``pieces`` from that of an earlier text without its line at ``end``
        (its first or its last)."""
        base = self._texts.get(pieces[1:] if end == 0 else pieces[:-1])
        if base is None:
            return None
        across = self._pair(*pieces[:2]) if end == 0 else self._pair(*pieces[-2:])
        if across is None:
            return None
        line = self._line(pieces[end])
        parts = base.parts
        new = [
            h
            for h in line.hashes | across
            if not any(map(operator.contains, parts, itertools.repeat(h, len(parts))))
        ]
        sig, changed = list(base.signature), set()
        empty = set(base.empty)  # (an empty bin holds a borrowed value in sig)
        for h in new:
            b, v = h % BINS, h // BINS
            if b in empty:
                empty.discard(b)
            elif v >= sig[b]:
                continue
            sig[b] = v
            changed.add(b // ROWS)
            # the empty bins before it borrow its value now
            i, step = (b - 1) % BINS, 1
            while i in empty:
                sig[i] = (v + step * _BORROW) & _MASK
                changed.add(i // ROWS)
                i, step = (i - 1) % BINS, step + 1
        parts = (*parts, line.hashes, across)
        if not changed:
            return Sketch(base.signature, base.shingles + len(new), base.bands, base.empty, parts)
        bands = list(base.bands)
        for band in changed:
            bands[band] = self._numbered[(band, *sig[band * ROWS : (band + 1) * ROWS])]
        return Sketch(
            tuple(sig),
            base.shingles + len(new),
            tuple(bands),
            tuple(b for b in base.empty if b in empty),  # those no new shingle fell in
            parts,
        )

    def _print(self, pieces: tuple[str, ...]) -> Sketch | None:
        lines = [self._line(piece) for piece in pieces]
        words = list(itertools.chain.from_iterable(line.words for line in lines))
        if len(words) < SHINGLE:
            return None
        parts = [line.hashes for line in lines]
        cut, last = 0, len(words) - SHINGLE
        for k in range(1, len(lines)):
            cut += len(lines[k - 1].words)
            pair = self._pair(pieces[k - 1], pieces[k])
            parts.append(pair if pair is not None else frozenset(_across(words, cut, last)))
        bins: list[int] | None = None
        for line in lines:
            if line.bins is not None:
                bins = list(line.bins) if bins is None else list(map(min, bins, line.bins))
        short = (line.hashes for line in lines if line.bins is None)
        loose = itertools.chain(*parts[len(lines) :], *short)
        bins = _binned(loose, bins if bins is not None else [_MASK] * BINS)
        sig = _densified(list(bins))
        size = len(frozenset().union(*parts))
        bands = tuple(map(self._numbered.__getitem__, _bands(sig)))
        return Sketch(tuple(sig), size, bands, _empty(bins), tuple(parts))


def _empty(bins: Sequence[int]) -> tuple[int, ...]:
    if _MASK not in bins:
        return ()
    return tuple(itertools.compress(range(len(bins)), map(_MASK.__eq__, bins)))  # in C


def _across(words: Sequence[str], cut: int, last: int) -> list[int]:
    """The hashes of the shingles of ``words`` that cross from before ``cut`` to after it
    (none starts after ``last``)."""
    starts = range(max(0, cut - SHINGLE + 1), min(cut, last + 1))
    return _gram_hashes(" ".join(words[i : i + SHINGLE]) for i in starts)


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    same: int = sum(map(operator.eq, a, b))  # counted in C
    return same / len(a)


def is_near_duplicate(jaccard: float, size_a: int, size_b: int) -> bool:
    if jaccard < NEAR_DUP_JACCARD or not size_a or not size_b:
        return False
    # |A ∩ B| = J (|A| + |B|) / (1 + J); containment is that over the smaller set.
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return inter / min(size_a, size_b) >= NEAR_DUP_CONTAINMENT


# ------------------------------------------------------------------ reprint or news


class _Sentences(dict[str, tuple[str, ...]]):
    """Line -> its sentences, normalised to their words: a line's sentences are found within
    it alone, so a line many copies repeat is split once (``find_reprints`` keeps one)."""

    def __missing__(self, line: str) -> tuple[str, ...]:
        spans = sentence_spans(line)
        found = self[line] = tuple(filter(None, (normalise_statement(line[s:e]) for s, e in spans)))
        return found


def _lines(doc: Document) -> list[str]:
    """The document's lines outside page furniture, stripped (``paragraphs``)."""
    if not doc.furniture:  # each line stripped, as paragraphs() spans them, in C
        return list(filter(None, map(str.strip, doc.text.split("\n"))))
    furniture = [(f.start, f.end) for f in doc.furniture]
    return [
        doc.text[start:end]
        for start, end in paragraphs(doc.text)
        if not any(s <= start and end <= e for s, e in furniture)
    ]


def _bigrams(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def _pairs(lines: Iterable[str], sentences: _Sentences) -> set[tuple[str, str]]:
    """The word pairs of the sentences of ``lines``."""
    pairs: set[tuple[str, str]] = set()
    for line in lines:
        for sentence in sentences[line]:
            pairs.update(itertools.pairwise(sentence.split()))
    return pairs


class _Copies:
    """Copies of one story: their lines of running text, and the word pairs of their
    sentences (found only when a new copy has a line of its own long enough to be news)."""

    def __init__(self, docs: Iterable[Document], sentences: _Sentences) -> None:
        self.sentences = sentences
        self.docs: list[Document] = []
        self._ids: set[str] = set()
        self._lines: set[str] = set()
        self._known: set[tuple[str, str]] | None = None
        for doc in docs:
            self.add(doc)

    def add(self, doc: Document, lines: Iterable[str] | None = None) -> None:
        self.docs.append(doc)
        self._ids.add(doc.id)
        new = set(_lines(doc) if lines is None else lines) - self._lines
        self._lines |= new
        if self._known is not None:
            self._known |= _pairs(new, self.sentences)

    def news(
        self, doc: Document, *, also: Document | None = None, lines: Sequence[str] | None = None
    ) -> list[str]:
        """``news_sentences`` of ``doc`` (its ``lines``) against these copies (and ``also``)."""
        extra = set() if also is None or also.id in self._ids else set(_lines(also)) - self._lines
        # a line a copy holds is all known word pairs: only the others are read
        fresh = [
            words
            for line in (_lines(doc) if lines is None else lines)
            if line not in self._lines and line not in extra and ends_sentence(line)
            for sentence in self.sentences[line]
            if len(words := sentence.split()) >= MIN_NEWS_WORDS
        ]
        if not fresh:
            return []
        if self._known is None:
            self._known = _pairs(self._lines, self.sentences)
        known = self._known | _pairs(extra, self.sentences) if extra else self._known
        return [
            " ".join(words)
            for words in fresh
            if len(_bigrams(words) & known) < NEWS_SHARE_KNOWN * len(_bigrams(words))
        ]


def news_sentences(doc: Document, earlier: Sequence[Document]) -> list[str]:
    """Sentences of ``doc`` (normalised) that are news against the ``earlier`` copies of its
    story: in a paragraph of running text (a print of a web page carries its banner and byline
    lines), long enough not to be a dateline or an outlet's note, and mostly made of word pairs
    no earlier copy has (a sentence an editor touched up, "on Monday" made "on Monday
    morning", is not news; nor is a sentence one copy cut and another kept)."""
    return _Copies(earlier, _Sentences()).news(doc)


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


# ------------------------------------------------------------------ a build's reprints


def _sharing(texts: Sequence[str]) -> list[bool]:
    """Per text: whether it may be a near-copy of another or copied by one. A copy repeats
    most of the sentences it copies word for word, so a text is compared when at least
    SHARED_PIECES of its pieces between full stops (white space collapsed; those of
    PIECE_CHARS or more, or all of a text with none so long) are also another text's. A quote
    two articles share, or an agency's credit line, leaves most of a text its own."""
    keys = []
    for text in texts:
        pieces = " ".join(text.split()).split(". ")
        long = [p for p in pieces if len(p) >= PIECE_CHARS]
        keys.append(set(map(hash, long or pieces)))
    count = Counter(itertools.chain.from_iterable(keys))
    once = count.__getitem__
    return [
        bool(own) and (len(own) - list(map(once, own)).count(1)) >= SHARED_PIECES * len(own)
        for own in keys
    ]


def find_reprints(documents: Sequence[Document]) -> tuple[list[Document], list[Reprint]]:
    """``documents`` without their reprints, and the reprints, each naming the document it
    copies: a near-copy of an earlier document (in the order given) that adds no news to the
    copies of it already seen, as the daily store decides it for a document it takes in (the
    same band keys filed, at most MAX_KEY_DOCUMENTS documents under one; news against the
    closest copy and the story's first MAX_KEY_DOCUMENTS copies)."""
    texts = [doc.running_text() for doc in documents]
    compared = _sharing(texts)
    prints = Fingerprinter()
    sentences = _Sentences()
    sketches: dict[int, tuple[int, int]] = {}  # document -> its packed signature, shingles
    story: dict[int, int] = {}  # document -> the first document of its story (or itself)
    copies: dict[int, _Copies] = {}  # per story, its first copies
    size: dict[int, int] = {}  # per story, its documents
    filed: dict[int, list[int]] = {}  # band (its number, as its key) -> documents
    reprints: list[Reprint] = []
    left_out: set[int] = set()
    partly_filed: set[int] = set()  # documents left out of a band's full list
    for i, doc in enumerate(documents):
        if not compared[i]:
            continue
        sketch = prints.sketch(texts[i])
        packed = sketches[i] = (_packed(sketch.signature), sketch.shingles)
        under = list(map(filed.get, sketch.bands))  # each band's documents (None: none)
        shared = Counter(itertools.chain.from_iterable(filter(None, under)))
        near = _closest(
            packed,
            sorted(shared),
            sketches,
            shared,
            partly_filed,
            # any near-duplicate in a story whose copies are all read for news will do
            lambda found: (
                len({story[j] for j in found}) == 1 and size[story[found[0]]] <= MAX_KEY_DOCUMENTS
            ),
        )
        own = _lines(doc)
        if near is not None and not copies[story[near]].news(doc, also=documents[near], lines=own):
            first = story[i] = story[near]
            size[first] += 1
            if len(copies[first].docs) < MAX_KEY_DOCUMENTS:
                copies[first].add(doc, own)
            left_out.add(i)
            reprints.append(
                Reprint(
                    source_id=documents[first].id,
                    path=doc.path,
                    outlet=doc.outlet,
                    title=doc.title,
                    url=doc.url,
                )
            )
        else:
            story[i] = i
            copies[i] = _Copies([], sentences)
            copies[i].add(doc, own)
            size[i] = 1
        # filed under each band (no two bands of a text are one: a band holds its number)
        if not all(under):
            filed.update(
                (key, [i]) for key, got in zip(sketch.bands, under, strict=True) if got is None
            )
        lists = [got for got in under if got is not None and len(got) < MAX_KEY_DOCUMENTS]
        deque(map(list.append, lists, itertools.repeat(i)), maxlen=0)  # in C
        if len(lists) < len(under) - under.count(None):
            partly_filed.add(i)
    return [d for i, d in enumerate(documents) if i not in left_out], reprints


def _packed(sig: Sequence[int]) -> int:
    """A signature as one integer, a bin per 64 bits (``_same_bins``)."""
    return int.from_bytes(struct.pack(f"<{len(sig)}Q", *sig), "little")


_LANES = int.from_bytes(struct.pack(f"<{BINS}Q", *[1] * BINS), "little")  # each bin's low bit


def _same_bins(a: int, b: int) -> int:
    """How many of the BINS bins two ``_packed`` signatures agree on: a differing bin's 64
    bits are folded into its lowest bit and counted, in C (``estimate_jaccard``'s count)."""
    x = a ^ b
    x |= x >> 1
    x |= x >> 2
    x |= x >> 4
    x |= x >> 8
    x |= x >> 16
    x |= x >> 32
    return BINS - (x & _LANES).bit_count()


def _closest(
    print_: tuple[int, int],
    found: Sequence[int],
    sketches: dict[int, tuple[int, int]],
    shared: Counter[int],
    partly_filed: set[int],
    any_will_do: Callable[[Sequence[int]], bool],
) -> int | None:
    """The document of ``found`` (earlier documents filed under one of ``print_``'s bands)
    that ``print_`` (a packed signature and a shingle count) is a near-duplicate of and most
    resembles (the first of equals), as the store's ``_near_copy_of`` picks it; the first
    near-duplicate when ``any_will_do``. A band not shared has a bin not shared, so a document
    under ``shared[j]`` of the bands shares at most _AT_MOST + that many bins when it was
    filed under each of its own (not ``partly_filed``), and is then not compared once one
    sharing as many bins is found."""
    if not found:
        return None
    first = any_will_do(found)
    best: tuple[float, int] | None = None
    most = 0  # bins the best shares
    packed, shingles = print_
    for j in found:
        if best is not None and _AT_MOST + shared[j] <= most and j not in partly_filed:
            continue
        other, other_shingles = sketches[j]
        same = _same_bins(packed, other)
        jac = same / BINS  # estimate_jaccard: both have BINS bins
        if jac >= NEAR_DUP_JACCARD and is_near_duplicate(jac, shingles, other_shingles):
            if first:
                return j
            if best is None or jac > best[0]:
                best, most = (jac, j), same
    return best[1] if best is not None else None


_AT_MOST = BINS - BINS // ROWS  # bins two signatures share at most when they share no band
