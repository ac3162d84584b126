"""A newsletter's stories: where a message of several unrelated stories divides into sections.

A morning newsletter ("Morning Briefing: Juneteenth, jobs and more") carries stories that have
nothing to do with each other, each under its own heading. Read as one source it joins one
story of the brief and the others leak into it or vanish, so :mod:`briefing.formats.mail`
reads such a message as one source per story section. Everything else (a press release, a
one-article message, a personal note) stays one source: the rule is built to say no.

A message divides only when its text has **two or more story sections**, each

- a **heading**: a line of 4 to 25 words (fewer is a label such as "About us" or "Media
  contact"), starting with a capital letter or a digit, with no final full stop, colon, comma
  or ellipsis, no link or address, no byline, no standing block's heading ("About Acme
  Robotics Inc.", "Forward-Looking Statements", "Safe Harbor"), and no page furniture
  (:func:`briefing.text.is_furniture_line`: "View in browser", "Read more", "Unsubscribe");
  in an HTML body only a line the markup makes a heading counts (``<h1>`` to ``<h4>``, or a
  block whose every word is bold), in a plain-text body a line standing alone. A numbered
  line ("1. Senate confirms ...") is a heading when it stands alone above its paragraphs and
  its number is 1 or follows the last numbered heading's; numbered lines in a row are a
  list's items, never headings;
- **followed at once by a real sentence** (six words or more, ending with a stop; a byline
  or furniture line may stand between), and a body of at least 15 words.

A heading whose section falls short is no boundary: its lines stay with the section before.
Two sections in a row are one story under two subheads, and are joined, when their content
words overlap (a third of the smaller one's or more) or one of the five words each says most
(more than once) is the same ("bitcoin" in "BTC: An assorted history" and "Two theories behind
the speculation"), or when the second refers back: its heading asks about what was told
("How the deal came together", "What happens next") or its first sentence opens with a
pronoun or names "the measure" (the deal, the plan ...) that its own heading does not. A
sponsor block ("Sponsored by ...",
"Presented by ...", "A message from our partners", "Advertisement", and the section such a
line stands above) is no story and becomes no source. Lines before the first heading (a
greeting, "Here's what you need to know") are left out, unless they are a story's worth of
text themselves (60 words or more: a lead story without a heading). Footer lines are
furniture, never a section. A message whose subject stands in its text as a line is one
article under its own title, whatever subheads it has (an essay, a one-article newsletter),
unless that line is the first story heading and the message is a digest whose subject is
its lead story's headline: three stories or more remain after joining, or two whose headings
are set alike (both ``<h2>``, both bold, both numbered or in capitals in plain text; an
article's title stands above its subheads: ``<h1>`` over ``<h2>``) and who share almost no
content words (a tenth of the smaller one's at most).

Sections are line ranges of the text the mail reader built, so each section's text is the
source's own words, line for line (a numbered heading without its number): a quote is
verified against exactly what the message says. A heading in capitals ("TEXAS ABORTION LAW
STAYS IN PLACE") is shown in a readable case, each word as the message writes it elsewhere
(:class:`CaseForms`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.lexicon import STOPWORDS, content_terms, stem
from briefing.text import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    is_furniture_line,
    sentence_spans,
    without_full_stop,
)

MIN_HEADING_WORDS = 4
MAX_HEADING_WORDS = 25
MAX_HEADING_CHARS = 160
MIN_SENTENCE_WORDS = 6
MIN_SECTION_WORDS = 15
SAME_STORY_OVERLAP = 1 / 3  # content words two adjacent sections share, of the smaller's
MAIN_TERMS = 5  # a section is about its most said words
# A message whose subject is its first story's headline is a digest with this many stories;
# with two, only when both headings are set alike and the two share almost no words (one
# article under its title and a subhead sets them apart: <h1> over <h2>).
TITLED_DIGEST_HEADINGS = 3
TWO_STORIES_OVERLAP = 0.1  # content words two stories share, at most, of the smaller's
MIN_LEAD_WORDS = 60  # text before the first heading is a story of its own from this long

_CLOSERS = "\"'\u201d\u2019)]"
_OPENERS = "\"'\u201c\u2018(["
_NOT_A_HEADING_END = (",", ";", ":", "\u2026", "..", "\u2013", "\u2014", "-")
_LINK = re.compile(r"https?://|www\.|\S@\S", re.IGNORECASE)
_BYLINE = re.compile(r"(?:by|from)\s+\S", re.IGNORECASE)
# a list item's line ("- ...", "* ...", "> ...", "1. ..."), matched at a line's start
LIST_LINE = re.compile(r"\s*(?:[-*\u2022>]|\d+[.)])\s")
# a numbered line ("1. Senate confirms ...", "2) ..."): a list item, or a digest's heading
_NUMBERED = re.compile(r"\s*(\d{1,2})[.)]\s+(?=\S)")
_SPONSOR = re.compile(
    r"""\s*(?:
        sponsored(?:\s+(?:by|content)\b.*)?
      | advertisement | ad | paid\s+(?:post|content|partnership)\b.* | partner\s+content
      | promoted(?:\s+by\b.*)?
      | (?:presented|powered|brought\s+to\s+you)\s+by\b.*
      | (?:together|in\s+partnership)\s+with\b.*
      | (?:a\s+)?(?:word|message|note)\s+from\s+(?:our|this\s+\w+['\u2019]s)\s+
            (?:sponsors?|partners?)\b.*
    )\s*""",
    re.IGNORECASE | re.VERBOSE,
)
_SPONSOR_CHARS = 100
# A press release's or a newsletter's standing blocks, no story: "About Acme Robotics Inc.",
# "Forward-Looking Statements and Safe Harbor", "Media contact", "Notes to editors". "About"
# takes a name (capitalised words), so "About 40 percent of voters back the plan" is news.
_BOILERPLATE = re.compile(
    r"""\s*(?:
        [Aa][Bb][Oo][Uu][Tt]\s+(?:us|the\s+\w+|this\s+\w+
            |[A-Z][^\s.!?:]*(?:\s+(?:[A-Z&][^\s.!?:]*|and|of|the|for|in|de)){0,7})
      | (?i:(?:cautionary\s+(?:note|statement|language)s?\s+(?:regarding|about|on|concerning)\s+)?
            forward[\s-]+looking\s+(?:statements?|information)
            (?:\s+(?:and|&)\s+safe\s+harbou?r(?:\s+statements?)?)?
        | safe\s+harbou?r(?:\s+statements?)?
        | (?:media|press|investor|news|editorial)\s+(?:contacts?|inquiries|enquiries|relations)
        | contacts?(?:\s+(?:us|information|details))? | disclaimers? | legal\s+notices?
        | for\s+(?:more|further)\s+information(?:\s+contact)?
        | notes?\s+(?:to|for)\s+(?:the\s+)?editors?)
    )\s*:?\s*""",
    re.VERBOSE,
)
_BOILERPLATE_CHARS = 80
# A subhead of one article asks about what the article told: "How the deal came together",
# "What the agreement means for growers", "What happens next", "Why it matters". A digest's
# headline tells its own news ("Senate confirms ...").
_SUBHEAD = re.compile(
    r"\s*(?:how|what|why|where|when|who)\s+(?:the|it|its|this|that|these|they|their|happens"
    r"|comes|next)\b",
    re.IGNORECASE,
)
# A story's first sentence that refers back to one told before: a pronoun ("It", "They"), or
# "the measure" (of a bill the sections before named) when its own heading does not name it.
_PRONOUN_OPENING = re.compile(r"\s*[\"\u201c]?(?:it|its|they|their|he|his|she|her)\s", re.I)
_BACK_REFERENCE = re.compile(
    r"\b(?:the|this|that)\s+(measure|deal|agreement|plan|proposal|bill|legislation|compromise"
    r"|accord|package|talks|negotiations)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Section:
    """One story of a newsletter: lines ``[start, end)`` of the message's text; ``title`` is
    its heading as its line says it without a list number ("1. "), or None for a lead story
    that has none (the message's subject titles it); ``head`` is the heading's line."""

    start: int
    end: int
    title: str | None
    head: int | None = None


def is_heading(line: str) -> bool:
    """Whether ``line`` is shaped as a story's heading (see the module docstring)."""
    line = line.strip()
    count = len(line.split())
    if not MIN_HEADING_WORDS <= count <= MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARS:
        return False
    first = line.lstrip(_OPENERS)[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    bare = line.rstrip(_CLOSERS)
    if without_full_stop(bare) != bare or bare.endswith(_NOT_A_HEADING_END):
        return False
    if _LINK.search(line) or _BYLINE.match(line) or LIST_LINE.match(line):
        return False
    return not (
        is_furniture_line(line, 0, len(line))
        or is_sponsor_line(line)
        or is_boilerplate_heading(line)
    )


def is_boilerplate_heading(line: str) -> bool:
    """Whether ``line`` heads a standing block, no story ("About Acme Robotics Inc.",
    "Forward-Looking Statements", "Safe Harbor", "Media contact", "Disclaimer")."""
    return len(line) <= _BOILERPLATE_CHARS and _BOILERPLATE.fullmatch(line) is not None


def boilerplate_blocks(lines: Sequence[str]) -> list[bool]:
    """Which ``lines`` are a standing block: from a boilerplate heading below the message's
    first line to the next line shaped as a story's heading (not the one right below it)
    that a sentence follows, or to the end."""
    n = len(lines)
    block = [False] * n
    i = 1
    while i < n:
        if not is_boilerplate_heading(lines[i]):
            i += 1
            continue
        j = i + 2
        while j < n and not (is_heading(lines[j]) and j + 1 < n and _has_sentence(lines[j + 1])):
            j += 1
        for k in range(i, j):
            block[k] = True
        i = j
    return block


SPONSOR_BLOCK_LINES = 3  # an advertiser's copy under its label in a message not split


def sponsor_blocks(lines: Sequence[str]) -> list[bool]:
    """Which ``lines`` of a message read as one source are a sponsor's block: a sponsor's
    label below a sentence ("SPONSORED BY NORTHWIND BANK") and up to SPONSOR_BLOCK_LINES
    lines after it, to the next line shaped as a heading (not the one right below it: the
    advertiser's own headline). Above any sentence, "Presented by" is a masthead's."""
    block = [False] * len(lines)
    seen_sentence = False
    for i, line in enumerate(lines):
        if seen_sentence and is_sponsor_line(line):
            block[i] = True
            for j in range(i + 1, min(len(lines), i + 1 + SPONSOR_BLOCK_LINES)):
                if j > i + 1 and is_heading(lines[j]):
                    break
                block[j] = True
        seen_sentence = seen_sentence or _has_sentence(line)
    return block


def is_sponsor_line(line: str) -> bool:
    """Whether ``line`` labels a sponsor's block ("Sponsored by Acme", "Advertisement")."""
    return len(line) <= _SPONSOR_CHARS and _SPONSOR.fullmatch(line) is not None


def _has_sentence(line: str) -> bool:
    for s, e in sentence_spans(line):
        sentence = line[s:e].rstrip(_CLOSERS)
        if len(sentence.split()) >= MIN_SENTENCE_WORDS and sentence.endswith((".", "!", "?")):
            return True
    return False


def _body_words(lines: Sequence[str], furniture: Sequence[bool], start: int, end: int) -> int:
    return sum(len(lines[i].split()) for i in range(start, end) if not furniture[i])


def _is_story(lines: Sequence[str], furniture: Sequence[bool], start: int, end: int) -> bool:
    """Whether lines ``[start, end)`` hold a story's body: enough words and a real sentence."""
    body = [i for i in range(start, end) if not furniture[i]]
    return _body_words(lines, furniture, start, end) >= MIN_SECTION_WORDS and any(
        _has_sentence(lines[i]) for i in body
    )


class _Terms:
    """The content terms of a run of lines, counted, and its MAIN_TERMS most said, kept as
    sections join so that each line's terms are counted once (a newsletter of thousands of
    joining sections was quadratic when each join recounted the whole run)."""

    def __init__(self, lines: Sequence[str], furniture: Sequence[bool], start: int, end: int):
        self.counts: Counter[str] = Counter(
            t for i in range(start, end) if not furniture[i] for t in content_terms(lines[i])
        )
        self.top = [t for t, _ in self.counts.most_common(MAIN_TERMS)]
        self.order = {t: k for k, t in enumerate(self.counts)}  # first said, first ranked

    def main(self) -> set[str]:
        """What a section is about: its MAIN_TERMS most frequent terms said more than once."""
        return {t for t in self.top if self.counts[t] > 1}

    def join(self, other: _Terms) -> None:
        """Add ``other``'s counts (the lines after these). ``top`` stays what ``most_common``
        gives: counts only grow, so a term that did not change and was not among the most
        said is still outranked by all of them; ties go to the term counted first."""
        self.counts.update(other.counts)
        for t in other.counts:
            self.order.setdefault(t, len(self.order))
        rivals = dict.fromkeys([*self.top, *other.counts])
        self.top = sorted(rivals, key=lambda t: (-self.counts[t], self.order[t]))[:MAIN_TERMS]


def _same_story(a: _Terms, b: _Terms) -> bool:
    """Whether two sections tell one story: a third of the smaller one's words are the other's
    too, or they are about the same thing (a term among the most said of both: "bitcoin"
    under "BTC: An assorted history" and "Two theories behind the speculation")."""
    if not a.counts or not b.counts:
        return False
    smaller, larger = sorted((a.counts, b.counts), key=len)
    shared = sum(t in larger for t in smaller) >= SAME_STORY_OVERLAP * len(smaller)
    return shared or bool(a.main() & b.main())


def _refers_back(heading: str, first: str) -> bool:
    """Whether a section under ``heading`` whose first sentence is ``first`` goes on with the
    story before it (a subhead of one article) rather than telling one of its own."""
    if _SUBHEAD.match(heading) or _PRONOUN_OPENING.match(first):
        return True
    named = set(_WORDS.findall(heading.lower()))
    return any(m.group(1).lower() not in named for m in _BACK_REFERENCE.finditer(first))


@dataclass
class _Segment:
    start: int
    end: int
    kind: str  # "lead" (before the first heading), "story", "sponsor", "none" (no story)
    head: int | None  # the line of its heading


def _same_words(a: str, b: str) -> bool:
    return _WORDS.findall(a.lower()) == _WORDS.findall(b.lower())


def _unnumbered(line: str) -> tuple[int | None, str]:
    """A line's list number and its text after it ("1. Senate confirms ..." -> 1, "Senate
    confirms ..."), or None and the line."""
    m = _NUMBERED.match(line)
    return (int(m.group(1)), line[m.end() :].strip()) if m else (None, line.strip())


def _apart(a: _Terms, b: _Terms) -> bool:
    """Whether two sections share almost no content words (TWO_STORIES_OVERLAP of the
    smaller one's at most): two stories, not one article's parts."""
    smaller, larger = sorted((a.counts, b.counts), key=len)
    return bool(smaller) and sum(t in larger for t in smaller) <= TWO_STORIES_OVERLAP * len(smaller)


def story_sections(
    lines: Sequence[str],
    furniture: Sequence[bool],
    marked: Sequence[str | None] | None = None,
    *,
    subject: str | None = None,
) -> list[Section]:
    """The story sections of a message's lines (``furniture``: which of them are furniture;
    ``marked``: for an HTML body, the kind of heading its markup made each line, "h2" or "b",
    None for no heading), or ``[]`` when it is no newsletter of two stories or more (see the
    module docstring). A message whose ``subject`` stands in its text as a line is one
    article under its own title, unless that line is its first story heading and the stories
    are digest-shaped (see :func:`_titled_digest`)."""
    n = len(lines)
    titled = next(
        (
            i
            for i, ln in enumerate(lines)
            if subject and _WORDS.search(subject) and _same_words(_unnumbered(ln)[1], subject)
        ),
        None,
    )
    sponsors = {i for i in range(n) if is_sponsor_line(lines[i])}

    def next_text(i: int) -> int:
        j = i + 1
        while j < n and (furniture[j] or (_BYLINE.match(lines[j]) and len(lines[j]) < 80)):
            j += 1
        return j

    def in_list(i: int) -> bool:  # a numbered line right after another: a list's item
        j = i - 1
        while j >= 0 and furniture[j]:
            j -= 1
        return j >= 0 and _NUMBERED.match(lines[j]) is not None

    heads: list[int] = []
    number = 0  # the last numbered heading's number: "1.", "2." ... head a digest's stories
    for i, line in enumerate(lines):
        if furniture[i] or (marked is not None and not marked[i]):
            continue
        after = next_text(i)
        if after >= n or not _has_sentence(lines[after]):
            continue
        count, heading = _unnumbered(line)
        if count is None:
            if is_heading(line):
                heads.append(i)
        elif (
            count in (1, number + 1)
            and is_heading(heading)
            and not LIST_LINE.match(lines[after])
            and not in_list(i)
        ):  # a numbered line alone above its paragraphs, not an item of a list
            heads.append(i)
            number = count
    if len(heads) < 2 or (titled is not None and titled != heads[0]):
        return []  # one article under its own title, whatever subheads it has
    cuts = sorted(set(heads) | sponsors)
    segments = [_Segment(0, cuts[0], "lead", None)]
    above = -1  # the last line above a cut that is text or a sponsor's label
    for k, cut in enumerate(cuts):
        end = cuts[k + 1] if k + 1 < len(cuts) else n
        for i in range(segments[-1].start if k == 0 else cuts[k - 1], cut):
            if not furniture[i] or i in sponsors:
                above = i
        if cut in sponsors or above in sponsors:
            segments.append(_Segment(cut, end, "sponsor", None))
        elif _is_story(lines, furniture, cut + 1, end):
            segments.append(_Segment(cut, end, "story", cut))
        else:
            segments[-1].end = end  # no section of its own: it stays with the one before
    lead = segments[0]
    if _body_words(lines, furniture, lead.start, lead.end) < MIN_LEAD_WORDS or not _is_story(
        lines, furniture, lead.start, lead.end
    ):
        lead.kind = "none"

    def continues(segment: _Segment) -> bool:
        head = segment.start if segment.head is None else segment.head
        body = lines[next_text(head)] if next_text(head) < segment.end else ""
        first = next((body[a:b] for a, b in sentence_spans(body)), "")
        return _refers_back(_unnumbered(lines[head])[1], first)

    joined: list[_Segment] = []
    terms: list[_Terms] = []  # of each joined segment, kept as the next ones join it
    for segment in segments:
        prev = joined[-1] if joined else None
        these = _Terms(lines, furniture, segment.start, segment.end)
        if (
            prev is not None
            and prev.kind in ("lead", "story")
            and segment.kind == "story"
            and (_same_story(terms[-1], these) or continues(segment))
        ):  # a story under two subheads
            prev.end = segment.end
            prev.head = segment.head if prev.head is None else prev.head
            terms[-1].join(these)
            continue
        joined.append(segment)
        terms.append(these)
    sections: list[Section] = []
    section_terms: list[_Terms] = []
    for segment, counted in zip(joined, terms, strict=True):
        if segment.kind not in ("lead", "story"):
            continue
        s, e = segment.start, segment.end
        while e > s and furniture[e - 1]:  # the footer, a "Read more" closing the section
            e -= 1
        while s < e and furniture[s]:
            s += 1
        if e > s:
            head = segment.head
            title = None if head is None else _unnumbered(lines[head])[1]
            sections.append(Section(s, e, title, head))
            section_terms.append(counted)
    if len(sections) < 2:
        return []
    if titled is None or len(sections) >= TITLED_DIGEST_HEADINGS:
        return sections
    # two sections under the subject and one more heading: a digest only when shaped as one
    kinds = [
        None if s.head is None else _heading_kind(lines[s.head], marked, s.head) for s in sections
    ]
    digest = kinds[0] is not None and kinds[0] == kinds[1] and _apart(*section_terms)
    return sections if digest else []


def _heading_kind(line: str, marked: Sequence[str | None] | None, i: int) -> str | None:
    """How a heading is set: its markup (``<h2>``, bold) in HTML; in plain text, numbered or
    in capitals, None for a plain line (a title and a subhead look alike)."""
    if marked is not None:
        return marked[i]
    if _NUMBERED.match(line):
        return "numbered"
    cased = [c for c in line if c.isupper() or c.islower()]
    return "capitals" if cased and all(c.isupper() for c in cased) else None


# --- HTML: marking the headings the markup states ----------------------------------------

_HEADING_TAGS = ("h1", "h2", "h3", "h4")
_BOLD_TAGS = ("b", "strong")
_BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "li", "section", "article", "table", "tr", "ul", "ol"}
    | {"blockquote", "h5", "h6", *_HEADING_TAGS}
)
_SPACE = re.compile(r"\s+")


def heading_marker(markup: str) -> str:
    """A word the markup does not hold, to mark its headings' lines with (the same for the
    same markup, so a brief is reproducible)."""
    return "hd" + hashlib.sha256(markup.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def mark_headings(root: object, marker: str) -> list[str]:
    """Prefix each heading element of the lxml tree ``root`` (``<h1>``-``<h4>``, a block whose
    every word is bold) with ``marker`` and its number, and make an ``<hN>`` a paragraph (the
    article finder drops a newsletter's ``<h2>`` lines); returns each one's kind by number:
    its tag, or "b" for a bold block."""
    found = []
    for element in root.iter():  # type: ignore[attr-defined]
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HEADING_TAGS or (tag in _BLOCK_TAGS and _all_bold(element)):
            found.append(element)
    kinds = []
    for number, element in enumerate(found):
        element.text = f"{marker}{number} " + (element.text or "")
        kinds.append(element.tag if element.tag in _HEADING_TAGS else "b")
        if element.tag in _HEADING_TAGS:
            element.tag = "p"
    return kinds


def _all_bold(element: object) -> bool:
    """Whether a block without blocks inside holds text, all of it inside ``<b>``/``<strong>``."""
    if any(
        isinstance(e.tag, str) and e.tag in _BLOCK_TAGS
        for e in element.iterdescendants()  # type: ignore[attr-defined]
    ):
        return False
    whole = _SPACE.sub("", element.text_content())  # type: ignore[attr-defined]
    if not whole:
        return False
    bold = "".join(
        b.text_content()
        for b in element.iterdescendants(*_BOLD_TAGS)  # type: ignore[attr-defined]
        if not any(a.tag in _BOLD_TAGS for a in b.iterancestors() if a is not element)
    )
    return _SPACE.sub("", bold) == whole


def marked_lines(text: str, marker: str) -> tuple[list[str], list[int | None]] | None:
    """The lines of ``text`` (extracted from markup marked by :func:`mark_headings`) without
    their markers, and the number of each one's marker (None for a line not marked); None
    when a marker stands anywhere but at a line's start (the extractor moved it: the lines
    cannot be trusted)."""
    start = re.compile(re.escape(marker) + r"(\d+) ?")
    lines: list[str] = []
    marked: list[int | None] = []
    for line in (ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()):
        stripped = line.strip()
        m = start.match(stripped)
        rest = stripped[m.end() :] if m else stripped
        if marker in rest:
            return None
        if rest.strip():
            lines.append(rest)
            marked.append(int(m.group(1)) if m else None)
    return lines, marked


# --- Headings in capitals: a readable case from how the message writes each word ---------

_LETTERS = re.compile(r"[^\W\d_]+")
_APOSTROPHES = "'\u2019"
_SENTENCE_MARKS = frozenset(".!?:")
# Words that open a sentence and are no part of a name after it ("The Senate", "In Texas")
_OPENING_WORDS = frozenset(
    (
        "the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our",
        "my", "your", "in", "on", "at", "for", "but", "and", "as", "after", "when", "while", "if",
        "it", "he", "she", "they", "we", "i",
    )
)  # fmt: skip
# A function word whose capitals in a heading are a country's name ("US": "us" seldom heads
# the news), when the text never writes it in lower case.
_COUNTRY_FUNCTION_WORDS = frozenset({"us"})
SHORT_WORD = 4  # a word in capitals this short that the text never writes otherwise: "UK", "NATO"


def shouting(text: str) -> bool:
    """Whether ``text`` is written in capitals: two words or more, no lower-case letter."""
    cased = [c for c in text if c.isupper() or c.islower()]
    return len(_LETTERS.findall(text)) >= 2 and bool(cased) and all(c.isupper() for c in cased)


def _pattern(form: str) -> str:
    if form.islower():
        return "lower"
    if form.isupper() and len(form) > 1:
        return "upper"
    return "title" if form[:1].isupper() and form[1:].islower() else "mixed"


def _apply(pattern: str, word: str) -> str:
    if pattern == "lower":
        return word.lower()
    if pattern == "upper":
        return word
    return word[:1] + word[1:].lower()


class CaseForms:
    """How a message's text writes the words of its headings in capitals, to show those in a
    readable case: read once, from its lines that are not in capitals themselves, for the
    words of ``headings`` only (a digest of thousands of headings is read in one pass)."""

    def __init__(self, lines: Sequence[str], headings: Sequence[str]) -> None:
        self.mid: dict[str, Counter[str]] = {}  # a word's forms inside sentences
        self.opening: dict[str, Counter[str]] = {}  # ... at a sentence's start
        self.stems: dict[str, Counter[str]] = {}  # a stem's patterns inside sentences
        self.names: dict[tuple[str, str], Counter[tuple[str, str]]] = {}  # "New York"
        wanted = {w.lower() for h in headings for w in _LETTERS.findall(h)}
        wanted_stems = {stem(w) for w in wanted}
        for line in lines:
            if shouting(line):
                continue
            last, end = "", 0
            for m in _LETTERS.finditer(line):
                word, start = m.group(), m.start()
                low = word.lower()
                if low not in wanted and stem(low) not in wanted_stems:
                    last, end = "", m.end()
                    continue
                gap = line[end:start]
                opens = end == 0 or (
                    bool(_SENTENCE_MARKS & set(gap)) and not gap.endswith(tuple(_APOSTROPHES))
                )
                counts = self.opening if opens else self.mid
                counts.setdefault(low, Counter())[word] += 1
                if not opens:
                    self.stems.setdefault(stem(low), Counter())[_pattern(word)] += 1
                if (
                    last
                    and gap.isspace()
                    and word[0].isupper()
                    and last[0].isupper()
                    and last.lower() not in _OPENING_WORDS
                ):
                    pair = self.names.setdefault((last.lower(), low), Counter())
                    pair[(last, word)] += 1
                last, end = word, m.end()

    def readable(self, heading: str) -> str:
        """``heading`` in a readable case when it is in capitals (else as it is): each word as
        the text writes it inside its sentences (a name of two words as a name: "New York"),
        else as a word of its stem is written ("STABBING" as "stabbed"); a word the text
        opens a sentence with keeps its capital unless it is a function word; a word the text
        never writes is in lower case, but a short one keeps its capitals ("UK", "NATO": never
        "Nato") and a month or a weekday its capital; the heading starts with a capital."""
        if not shouting(heading):
            return heading
        words = list(_LETTERS.finditer(heading))
        chosen: list[str | None] = [None] * len(words)
        for k in range(len(words) - 1):
            gap = heading[words[k].end() : words[k + 1].start()]
            pair = (words[k].group().lower(), words[k + 1].group().lower())
            if gap.isspace() and pair in self.names:
                first, second = self.names[pair].most_common(1)[0][0]
                chosen[k] = chosen[k] or first
                chosen[k + 1] = second
        for k, m in enumerate(words):
            if chosen[k] is None:
                after_apostrophe = m.start() > 0 and heading[m.start() - 1] in _APOSTROPHES
                chosen[k] = self._word(m.group(), after_apostrophe)
        out, end = [], 0
        for m, word in zip(words, chosen, strict=True):
            out += [heading[end : m.start()], word or m.group()]
            end = m.end()
        text = "".join([*out, heading[end:]])
        opening = next(_LETTERS.finditer(text), None)
        if opening is not None:
            at = opening.start()
            text = text[:at] + text[at].upper() + text[at + 1 :]
        return text

    def _word(self, word: str, after_apostrophe: bool) -> str:
        low = word.lower()
        if after_apostrophe:  # YORK'S, DON'T
            return low
        if low in self.mid:
            return self.mid[low].most_common(1)[0][0]
        if patterns := self.stems.get(stem(low)):
            return _apply(patterns.most_common(1)[0][0], word)
        function = low in STOPWORDS and low not in MONTH_NAMES | WEEKDAY_NAMES
        if low in self.opening:
            return low if function else self.opening[low].most_common(1)[0][0]
        if low in MONTH_NAMES | WEEKDAY_NAMES:
            return word[:1] + word[1:].lower()
        if len(word) <= SHORT_WORD and (not function or low in _COUNTRY_FUNCTION_WORDS):
            return word  # "UK", "NATO": an acronym as likely as not
        return low
