"""Support verification, shared by every engine: a statement says only what its quotes say.

Quote verification (``briefing.verify``) proves each quote is in its source; this stage proves
that the words around the quotes assert nothing the quotes do not. A text is *supported* by
its quotes when

- every number in it is a number of the quotes, compared by value and unit after normalising
  thousands separators, scale words and units ("1,200" == "1200", "5 percent" == "5%",
  "$3 million" == "3 million dollars"); a unit it states must be the quote's unit;
- every negation agrees: a negated term ("not signed") is negated in the quotes, and a term
  the quotes say only in negated clauses is not asserted in a plain one (a dropped "not");
- its polarity agrees: it does not say "rose" where the quotes say "fell" (``claims.ANTONYMS``);
- every named person, place or organisation (a capitalised word other than a stop word; the
  comparison ignores case, so a common word that starts a sentence is found as well) is named
  in the quotes;
- every date (month, weekday, "yesterday", "next week") is in the quotes, and its day and year
  are numbers of the quotes;
- and it shares at least a third of its content words with the quotes (no unrelated quote).

Numbers and negations are exact: no fuzzy match hides a changed figure or a dropped "not".
Who said it (a fact's actor, an actor's name) is often resolved from an earlier sentence, so
its names are looked for in the whole cited document instead (``unnamed``).
A ``given`` text (the user's topic for a title, the sides' actors for a contradiction's
summary) counts as quoted. The LLM engine calls ``support_problems`` in its own checks, so an
unsupported statement is re-asked with the reason; ``briefing.verify`` then replaces what
is still unsupported by its quote, or drops it, and counts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from briefing.claims import NEGATION, antonym_clash
from briefing.lexicon import STOPWORDS, content_terms, fold_quote, stem
from briefing.text import MONTH_NAMES_IN_ORDER, WEEKDAY_NAMES

MIN_SHARED_TERMS = 1 / 3  # share of a statement's content terms its quotes must contain
UNRELATED = "it shares too few words with its quotes"  # ... the problem when they do not
_MIN_TERMS_FOR_SHARE = 3

# -- numbers ------------------------------------------------------------------------------------

_DIGITS = re.compile(
    r"(?<![\w.,])(?P<cur>US\$|[$\u20ac\u00a3\u00a5])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:st|nd|rd|th)?(?![\d])"
)
_WORD_VALUES = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
# "one" alone is mostly a pronoun ("one of them"); it counts only before a scale word.
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<one>a|an|one)\s+(?=(?:hundred|thousand|million|billion|trillion)\b)|"
    r"(?P<word>" + "|".join(_WORD_VALUES) + r"))\b",
    re.IGNORECASE,
)
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}
_AFTER = re.compile(
    r"(?:\s*(?P<scale>hundred|thousand|million|billion|trillion)\b|(?P<abbr>bn|m|k)\b)?"
    r"(?:\s?-?\s?(?P<unit>%|per\s?cent\b|percentage\s+points?\b|[A-Za-z]+\b))?",
    re.IGNORECASE,
)
_UNITS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "percentage point": "percentage point",
    "percentage points": "percentage point",
    "point": "point",
    "points": "point",
    "dollar": "$",
    "dollars": "$",
    "usd": "$",
    "euro": "\u20ac",
    "euros": "\u20ac",
    "eur": "\u20ac",
    "pound": "\u00a3",
    "pounds": "\u00a3",
    "gbp": "\u00a3",
    "yen": "\u00a5",
    "km": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "mile": "mile",
    "miles": "mile",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "kg": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}
_CURRENCY = {"$": "$", "us$": "$", "\u20ac": "\u20ac", "\u00a3": "\u00a3", "\u00a5": "\u00a5"}


@dataclass(frozen=True)
class Quantity:
    """A number as asserted: its value after scale words, its unit (None = a bare number)."""

    value: float
    unit: str | None
    text: str
    # What it counts: the content terms of the FIGURE_CONTEXT words before it ...
    before: frozenset[str] = field(default=frozenset(), compare=False)
    # ... and of the FIGURE_LEAD words right before it ("a revised level of" 507,000)
    lead: frozenset[str] = field(default=frozenset(), compare=False)

    def matches(self, other: Quantity) -> bool:
        same = abs(self.value - other.value) <= 1e-9 * max(1.0, abs(self.value))
        return same and (self.unit is None or self.unit == other.unit)


def _quantity(text: str, start: int, end: int, value: float, currency: str | None) -> Quantity:
    after = _AFTER.match(text, end)
    unit = _CURRENCY.get(currency.lower()) if currency else None
    if after is not None:
        scale = after.group("scale") or after.group("abbr")
        if scale:
            value *= _SCALES[scale.lower()]
        word = after.group("unit")
        if word:
            named = _UNITS.get(" ".join(word.lower().split()).replace("per cent", "percent"))
            unit = unit or named
        end = after.end() if (scale or (word and word.lower() in _UNITS)) else end
    words = _CONTEXT_WORD.findall(text, max(0, start - 12 * FIGURE_CONTEXT), start)
    return Quantity(
        value,
        unit,
        " ".join(text[start:end].split()),
        before=frozenset(content_terms(" ".join(words[-FIGURE_CONTEXT:]))),
        lead=frozenset(content_terms(" ".join(words[-FIGURE_LEAD:]))),
    )


def _is_count(q: Quantity) -> bool:
    """Whether ``q`` counts or measures something the words before it name: a figure with a
    unit, or of 100 or more that is no year; not a day of the month or a small number."""
    if not q.lead:
        return False
    if q.unit is not None:
        return True
    return q.value >= 100 and not (1900 <= q.value <= 2100 and q.value.is_integer())


def _counts_as(said: Quantity, quoted: Quantity) -> bool:
    """Whether a quote gives the figure for what the statement counts with it: a word right
    before the statement's figure is among the words before the quote's ("claims fell to
    473,000" / "claims continued to fall last week to 473,000"), or begins as one does
    ("dropped by" / "a drop of")."""
    if not said.lead.isdisjoint(quoted.before):
        return True
    heads = {t[:4] for t in quoted.before if len(t) >= 4}
    return any(t[:4] in heads for t in said.lead if len(t) >= 4)


FIGURE_CONTEXT = 8  # words before a figure in a quote that say what it counts ...
FIGURE_LEAD = 3  # ... one of which must be among the words right before it in a statement
_CONTEXT_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")


def quantities(text: str) -> list[Quantity]:
    """The numbers ``text`` asserts, digits and number words alike."""
    found: list[Quantity] = []
    for m in _DIGITS.finditer(text):
        value = float(m.group("num").replace(",", ""))
        found.append(_quantity(text, m.start(), m.end(), value, m.group("cur")))
    for m in _WORD_NUMBER.finditer(text):
        word = m.group("word")
        value = float(_WORD_VALUES[word.lower()]) if word else 1.0
        found.append(_quantity(text, m.start(), m.end(), value, None))
    return found


# -- words, names and dates ---------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019.]*\w|[A-Za-z\u00c0-\u024f]")
_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES_IN_ORDER, 1)}
_MONTHS.update({name.lower()[:3]: i for i, name in enumerate(MONTH_NAMES_IN_ORDER, 1)})
_MONTHS["sept"] = 9
_SENTENCE_BREAK = re.compile(r"[.!?\u2026]$")
_OPENERS = "\"'\u201c\u2018\u201d\u2019([ \n"
_TITLES = frozenset(
    ["mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "prof", "lt", "col"]
)
_WEEKDAYS = frozenset(w.lower() for w in WEEKDAY_NAMES)
_RELATIVE = re.compile(
    r"\b(?:yesterday|today|tonight|tomorrow|(?:last|next|this)\s+(?:week|weekend|month|year|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def _bare(token: str) -> str:
    """A word for comparing names: lower case, no possessive, no dots ("U.S." ~ "US"). Cached:
    every distinct word of every briefed document asks (the actor check reads whole texts)."""
    low = token.lower().replace("\u2019", "'")
    low = low[:-2] if low.endswith("'s") else low
    return low.replace(".", "")


def _month(token: str) -> int | None:
    """The month a capitalised word names ("June", "Jun.", "Sept"), else None."""
    return _MONTHS.get(_bare(token)) if token[:1].isupper() else None


def _initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins a sentence (after "Mr." it does not)."""
    before = text[:start].rstrip(_OPENERS)
    if not before:
        return True
    if _SENTENCE_BREAK.search(before) is None:
        return False
    last = before.rstrip(".").rsplit(None, 1)[-1].lower() if before.rstrip(".") else ""
    return last not in _TITLES and len(last) > 1


def names(text: str, *, first_words: bool = True) -> list[str]:
    """Capitalised words that may name someone or something (not stop words, months or
    weekdays). With ``first_words`` a sentence's first word is among them ("Putin signed"
    names Putin; a common word that starts a sentence is found in the quotes anyway); without
    it, a first word counts only as part of a longer name ("Vladimir Putin") or an acronym."""
    tokens = list(_TOKEN.finditer(text))
    out: list[str] = []
    for i, m in enumerate(tokens):
        word = m.group(0)
        bare = _bare(word)
        if not word[0].isupper() or len(bare) < 2 or bare in STOPWORDS or bare in _WEEKDAYS:
            continue
        if _month(word) is not None:
            continue
        if not first_words and _initial(text, m.start()):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            run = (
                nxt is not None and nxt.group(0)[0].isupper() and text[m.end() : nxt.start()] == " "
            )
            if not (run or (len(word) > 1 and word.isupper())):
                continue
        out.append(word)
    return out


def _dates(text: str) -> list[tuple[str, str]]:
    """(what is shown, key compared) for each month, weekday and relative date in ``text``."""
    found: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        month = _month(word)
        if month is not None:
            found.append((word, f"month:{month}"))
        elif _bare(word) in _WEEKDAYS:
            found.append((word, f"day:{_bare(word)}"))
    for m in _RELATIVE.finditer(text):
        found.append((m.group(0), "rel:" + " ".join(m.group(0).lower().split())))
    return found


# -- negation -----------------------------------------------------------------------------------

# claims.NEGATION names the forms the offline engine's rules need; a statement may use any
# inflection of the same verbs ("skips" where the quote says "skipped"), so support also
# counts these.
_NEGATION_VERBS = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject(?:s|ed|ing)?|refus(?:e|es|ed|ing|al)|"
    r"refut(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|cancel(?:s|led|ed|ling|ing)?|"
    r"skip(?:s|ped|ping)?|halt(?:s|ed|ing)?|suspend(?:s|ed|ing)?|fail(?:s|ed|ing)?|"
    r"rul(?:e|es|ed|ing)\s+out)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[,;:.!?()\u2014\u2013]|\s-\s|\bbut\b|\bwhile\b|\bwhereas\b", re.I)


@dataclass
class _Polarity:
    """How a text negates: the first content term each negation governs, the content terms of
    its negated clauses, and those of its plain (un-negated) clauses."""

    negated: bool = False
    governed: set[str] = field(default_factory=set)
    in_negated: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)


def _polarity(text: str) -> _Polarity:
    found = _Polarity()
    starts = [0, *(m.end() for m in _CLAUSE.finditer(text))]
    ends = [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]
    for start, end in zip(starts, ends, strict=True):
        clause = text[start:end]
        terms = content_terms(clause)
        negations = [*NEGATION.finditer(clause), *_NEGATION_VERBS.finditer(clause)]
        if not negations:
            found.plain.update(terms)
            continue
        found.negated = True
        found.in_negated.update(terms)
        for m in negations:
            after = content_terms(clause[m.end() :])
            if after:
                found.governed.add(after[0])
    return found


# -- the rule -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """What one text offers as evidence, read once (quotes recur: a title cites them all)."""

    quantities: tuple[Quantity, ...]
    polarity: _Polarity
    terms: frozenset[str]
    dates: frozenset[str]
    words: frozenset[str]  # every word as names are compared (``_bare``)
    stems: frozenset[str]


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    return fold_quote(text)


@lru_cache(maxsize=16384)
def _read(text: str) -> _Reading:
    words = frozenset(map(_bare, set(_TOKEN.findall(text))))  # each distinct word once
    return _Reading(
        quantities=tuple(quantities(text)),
        polarity=_polarity(text),
        terms=frozenset(content_terms(text)),
        dates=frozenset(key for _, key in _dates(text)),
        words=words,
        stems=frozenset(stem(w) for w in words),
    )


@lru_cache(maxsize=1024)
def _words_of(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A document's words and their stems, for looking up actors' names."""
    words = frozenset(map(_bare, set(_TOKEN.findall(text))))  # each distinct word once
    return words, frozenset(stem(w) for w in words)


def _named(name: str, words: Iterable[str], stems: Iterable[str]) -> bool:
    """Case-insensitive, tolerant of inflection ("Russia" ~ "Russian", "Skips" ~ "skipped")."""
    bare = _bare(name)
    short = stem(bare)
    if bare in words or short in stems:
        return True
    for other in stems:  # a stem that is a prefix of the other, by at most three letters
        a, b = (short, other) if len(short) <= len(other) else (other, short)
        if len(a) >= 4 and b.startswith(a) and len(b) - len(a) <= 3:
            return True
    return False


def support_problems(
    text: str, quotes: Sequence[str], *, given: str = "", framing: bool = False
) -> list[str]:
    """Why ``quotes`` do not support ``text``, one reason each; [] when they do.

    ``given`` counts as quoted (the user's topic, the actors of a contradiction's sides).
    ``framing`` marks a text that reports on its quotes rather than restating them (a
    contradiction's summary or side): it may name what a quote denies and open a sentence with
    words of its own, but its numbers, names, dates and its own negations must still be in the
    quotes.
    """
    if not text.strip():
        return []
    if not quotes:
        return ["it cites no quote"]
    folded = _fold(text)
    if folded == _fold(given) or any(_fold(q) == folded for q in quotes):
        return []  # the text is one of its quotes (or the given text), word for word
    said = _read(text)
    readings = [_read(q) for q in quotes]
    extra = _read(given) if given else None
    known = [*readings, extra] if extra is not None else readings
    problems: list[str] = []

    have = [q for r in known for q in r.quantities]
    for q in said.quantities:
        same = [p for p in have if q.matches(p)]
        if not same:
            problems.append(f"the number {q.text!r} is not in its quotes")
        elif not framing and _is_count(q) and not any(_counts_as(q, p) for p in same):
            # "a revised level of 473,000" where the quotes give 473,000 as this week's claims
            problems.append(f"its quotes do not give {q.text!r} for what it says it counts")

    negated = any(r.polarity.negated for r in readings)
    in_negated = {t for r in readings for t in r.polarity.in_negated}
    plain = {t for r in readings for t in r.polarity.plain}
    source_terms = {t for r in readings for t in r.terms}
    given_terms = extra.terms if extra is not None else frozenset()
    text_terms = said.terms - given_terms
    if said.polarity.negated and not negated:
        problems.append("it is negated but its quotes are not")
    else:
        for term in sorted((said.polarity.governed & source_terms) - in_negated - given_terms):
            problems.append(f"it negates {term!r}, which its quotes do not")
    if not framing:  # a term the quotes only ever say in a negated clause, said plainly
        for term in sorted((said.polarity.plain & in_negated) - plain - given_terms):
            problems.append(
                f"its quotes negate {term!r}, which it asserts plainly (a dropped 'not')"
            )

    clash = antonym_clash(text, "\n".join(quotes))
    if clash is not None:
        problems.append(f"it says {clash[0]!r} where its quotes say {clash[1]!r}")

    words = {w for r in known for w in r.words}
    stems = {w for r in known for w in r.stems}
    for name in dict.fromkeys(names(text, first_words=not framing)):
        if not _named(name, words, stems):
            problems.append(f"{name!r} is not named in its quotes")

    known_dates = {d for r in known for d in r.dates}
    for shown, key in dict.fromkeys(_dates(text)):
        if key not in known_dates:
            problems.append(f"the date {shown!r} is not in its quotes")

    if not framing and len(text_terms) >= _MIN_TERMS_FOR_SHARE:
        shared = len(text_terms & source_terms) / len(text_terms)
        if shared < MIN_SHARED_TERMS:
            problems.append(UNRELATED)
    return problems


def unnamed(actor: str, documents: Sequence[str]) -> list[str]:
    """The names in ``actor`` that none of ``documents`` (their whole texts) contains."""
    read = [_words_of(text) for text in documents]
    if len(read) == 1:  # an actor's one source (the usual case): its sets as they are
        words, stems = read[0]
    else:
        words = frozenset(w for ws, _ in read for w in ws)
        stems = frozenset(s for _, ss in read for s in ss)
    return [name for name in dict.fromkeys(names(actor)) if not _named(name, words, stems)]


def written_in(text: str, quotes: Sequence[str]) -> bool:
    """Whether ``text`` appears, as written, in one of ``quotes`` (case and quote marks aside):
    how a fact's date must stand ("28 June", never a year the source does not give)."""
    needle = _fold(text).lower()
    return bool(needle) and any(needle in _fold(q).lower() for q in quotes)
