"""The one notion of "the same words": stop words, the stemmer, content terms, quote folding
and statement keys, shared by retrieval, composition, contradiction finding, verification, the
engines and the daily store.

Stop words are data (``stopwords.txt`` beside this module, plus month and weekday names).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

from briefing.text import MONTH_NAMES, WEEKDAY_NAMES, words


def _load_stopwords() -> frozenset[str]:
    text = resources.files("briefing").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# General English function words and news boilerplate; never topic-specific vocabulary.
STOPWORDS: frozenset[str] = _load_stopwords() | MONTH_NAMES | WEEKDAY_NAMES

# The commonest words of French, Spanish, German, Portuguese and Italian that say no subject
# and are no English word (STOPWORDS are English's): a page in one of those languages is read,
# but its topic line must not be "les, des, par"
# fmt: off
OTHER_LANGUAGES_FUNCTION_WORDS: frozenset[str] = frozenset([
    "les", "des", "une", "dans", "avec", "sur", "est", "qui", "que", "pas", "par", "aux", "du",
    "au", "ces", "cette", "sont", "ont", "mais", "et", "le", "la", "il", "elle", "ils", "nous",
    "vous", "leur", "ses", "ne", "été", "comme", "tout", "très", "être",
    "los", "las", "del", "una", "por", "para", "el", "es", "lo", "al", "su", "sus", "más",
    "pero", "este", "esta", "ha", "han", "fue", "ser", "muy",
    "der", "das", "und", "ist", "nicht", "mit", "sich", "auf", "für", "von", "zu", "dem", "ein",
    "eine", "einen", "auch", "wird", "werden", "im", "bei", "nach", "oder",
    "os", "um", "uma", "não", "com", "dos", "ao", "foi", "são", "mais",
    "di", "che", "della", "delle", "gli", "per", "sono", "anche", "nel", "alla",
])
# fmt: on

# Characters folded together before comparing text: typographic quotes, dashes, no-break space.
QUOTE_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def fold_quote(text: str) -> str:
    """``text`` with typographic marks folded and whitespace collapsed: how quotes are matched."""
    return _SPACE.sub(" ", text.translate(QUOTE_FOLD)).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic English stemmer for matching (not for display). A final e goes
    too, as the suffixes take it: "increase", "increased" and "increases" are all "increas",
    "vote" and "votes" both "vot"."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ness", ""),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: len(w) - len(suffix)] + repl
            break
    return w[:-1] if len(w) >= 4 and w.endswith("e") else w


def content_terms(text: str) -> list[str]:
    """Stemmed content words of ``text`` (stop words, digits and short tokens removed)."""
    return [term for term in map(_content_term, words(text)) if term is not None]


@lru_cache(maxsize=65536)
def _content_term(token: str) -> str | None:
    """A word's stem; None for a stop word, a number or a word under 3 characters. Cached:
    the same words recur across a brief's sentences and stages."""
    low = token.lower().replace("\u2019", "'")
    if len(low) < 3 or low in STOPWORDS or low.isdigit():
        return None
    return stem(low)


def normalise_statement(text: str) -> str:
    """Lower-cased words only: how statements are compared (across sources and across days)."""
    return " ".join(_WORD.findall(text.translate(QUOTE_FOLD).casefold()))


def statement_key(text: str) -> str:
    """A short stable key of a statement's words."""
    return hashlib.sha1(normalise_statement(text).encode()).hexdigest()[:20]


_PAGE_WORD = re.compile(r"[\w'\u2019-]+")
SAME_WORDS = 0.6  # word overlap (Jaccard) at which two statements on a page say the same thing


def word_overlap(a: str, b: str) -> float:
    """Jaccard overlap of the plain lower-cased words of two statements (0 to 1): how a reader
    sees two lines of a page as the same sentence, stop words and all."""
    wa = set(_PAGE_WORD.findall(a.lower()))
    wb = set(_PAGE_WORD.findall(b.lower()))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


# An event's own figures ("943,000", "14.7%"): two digits or a percentage, not inside a word or
# a longer figure. The lookbehind follows the first digit, so the search jumps from digit to
# digit instead of testing every position.
_FIGURE = re.compile(r"\d(?<![\w.,]\d)(?:[\d,.]*\d%?|%)")


def figures(text: str) -> list[str]:
    """The figures of ``text``, thousands separators dropped ("943,000" -> "943000")."""
    return [figure.replace(",", "") for figure in _FIGURE.findall(text)]
