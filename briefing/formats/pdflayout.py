"""A PDF page's lines made paragraphs: the layout rules of :mod:`briefing.formats.pdf`.

Pure functions over the lines PDFium gives (their text, place and size), no PDFium here:

- lines are joined into one line per paragraph: a break where the vertical gap (beyond the
  page's space between two lines of a sentence, so double-spaced text keeps its sentences),
  the font size or a short line ending a sentence says a paragraph ends; hyphens at line ends
  are joined ("recon-" + "struction" -> "reconstruction"), ligatures are spelled out;
- a table's or a chart's rows (figures side by side, words set apart as cells are, an axis's
  labels, and the lines in capitals among them), rules drawn in characters and address
  blocks are lines of their own, furniture: kept in the text, never quoted;
- footnotes (a smaller line opening with a raised mark, and the lines of its size after it,
  at a column's foot) are furniture, read after their page's text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_HYPHENS = "-\u2010\u00ad"
_DASHES = "-\u2010\u2011\u2013"
_TERMINAL = ".!?:;\"'\u201d\u2019)"
LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
_DROP = re.compile("[\ufffe\u00ad\ufeff\u200b]")  # PDFium's soft-hyphen mark, soft hyphens
_WORD_RUN = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_TRAILING_WORD = re.compile(r"[^\W\d_]+$")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Line:
    """One line of a page as PDFium reads it, in PDF space (y grows upwards)."""

    text: str
    top: float  # of the first character (PDF space: y grows upwards)
    bottom: float  # of the last character
    end_top: float  # top of the last character
    left: float
    right: float
    size: float
    furniture: bool = False
    mark: bool = False  # it opens with a footnote's mark: a footnote's first line
    footnote: bool = False  # a line of a footnote at a column's foot


SMALL = 0.9  # a line set smaller than this share of the text's size is a note's, a label's


def common_size(lines: Iterable[Line]) -> float:
    """The size most of a document's characters are set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def mark_footnotes(lines: Sequence[Line], text_size: float) -> None:
    """Footnotes: from a line set smaller than the text that opens with a mark, the lines of
    its size after it, when nothing of another size stands below that first line across its
    width (a footnote sits at its column's foot). They are furniture, read after the page's
    text, so a paragraph going on from one column to the next is not cut by them."""
    body = [line for line in lines if not line.furniture]
    start = 0
    while start < len(lines):
        first = lines[start]
        if first.furniture or not first.mark or first.size >= SMALL * text_size:
            start += 1
            continue
        end = start + 1
        while end < len(lines) and abs(lines[end].size - first.size) <= 0.15 * first.size:
            end += 1
        if not any(
            other.top < first.bottom
            and other.left < first.right
            and first.left < other.right
            and abs(other.size - first.size) > 0.15 * first.size
            for other in body
        ):
            for line in lines[start:end]:
                line.footnote = not line.furniture
        start = end


def clean(text: str) -> str:
    return _CONTROL.sub(" ", _DROP.sub("", text.translate(LIGATURES)))


class Vocabulary:
    """The words and hyphenated compounds a document uses within its lines, which decide
    whether a hyphen at a line end is the typesetter's ("recon-struction") or the word's own
    ("long-term"); PDFium marks both alike."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        for text in texts:
            for m in _WORD_RUN.finditer(text):
                word = m.group(0).lower().replace("\u2010", "-")
                (self.compounds if "-" in word else self.words)[word] += 1

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """Whether ``left-`` at a line end and ``right`` on the next line are one hyphenated
        word; when the document never writes either form, the typesetter's hyphen is likelier."""
        if not right[:1].islower():
            return True  # "non-" + "Western", "COVID-" + "19"
        compound = f"{left}-{right}".lower()
        joined = (left + right).lower()
        return self.compounds[compound] > 0 and self.compounds[compound] >= self.words[joined]


def _join(paragraph: str, line: str, vocabulary: Vocabulary) -> str:
    """Two lines of one paragraph; a hyphen at the line end joins the word (and is kept when
    the word is a hyphenated compound)."""
    if paragraph[-1:] in _HYPHENS and paragraph[-2:-1].isalpha():
        if paragraph[-1] == "\u00ad":  # a soft hyphen is never part of the word
            return paragraph[:-1] + line
        left = _TRAILING_WORD.search(paragraph[:-1])
        right = _LEADING_WORD.match(line)
        if left and right and vocabulary.keeps_hyphen(left.group(0), right.group(0)):
            return paragraph[:-1] + "-" + line
        if line[:1].isalpha():
            return paragraph[:-1] + line
        return paragraph + line
    if paragraph[-1:] in _DASHES and paragraph[-2:-1].isdigit() and line[:1].isdigit():
        return paragraph + line  # "AD 2018\u2013" + "23\u201351": one number
    return paragraph + " " + line


_CHAR_EM = 0.6  # a character's width, in ems of its font size, at the widest of running text


def _breaks(
    prev: Line, line: Line, para_right: float, leading: dict[int, float] | None = None
) -> bool:
    """Whether ``line`` starts a new paragraph after ``prev`` (both body lines); ``leading``:
    the page's space between two lines of a sentence (``_leading``)."""
    size = max(prev.size, line.size, 1.0)
    if (
        abs(line.top - prev.end_top) < 0.25 * size
        and abs(line.bottom - prev.bottom) < 0.25 * size
        and prev.left + size < line.left
        and prev.right - size <= line.left <= prev.right + size
    ):
        return False  # one line PDFium cut in two (after a raised mark, at a change of font)
    if abs(prev.size - line.size) > 0.15 * size or line.mark:
        return True  # a heading, a caption, a footnote
    if line.top > prev.end_top + 0.5 * size:
        # moved up: the next column or a text box; a sentence left open at a column's foot
        # goes on at the next column's head ("... airspeed disagree alert, and" / "altitude
        # disagree alert, and may affect ...")
        return not (
            line.left >= prev.right - size
            and prev.text[-1:] not in _TERMINAL
            and line.text[:1].islower()
        )
    room = max(para_right, line.right) - prev.right  # left at the end of the previous line
    broken = prev.text[-1:] in _HYPHENS and prev.text[-2:-1].isalpha()  # "recon-" / "struction"
    ends = prev.text[-1:] in _TERMINAL or not (prev.text[-1:].isalnum() or broken)
    starts = line.text[:1].isupper() or line.text[:1].isdigit() or not line.text[:1].isalnum()
    # A line left short before a capital starts a paragraph only if the capital's word would
    # have fitted there: ragged-right text wraps before a long word ("... much more likely
    # than" / "Republicans to support ..." is one sentence)
    first = line.text.split(maxsplit=1)[0] if line.text.strip() else ""
    fitted = room > (len(first) + 1) * _CHAR_EM * size
    gap = prev.bottom - line.top
    usual = (leading or {}).get(round(prev.size), 0.0)
    if gap > max(0.45 * size, usual + 0.3 * size):
        return True  # a blank line's worth of space, more than between a sentence's lines
    if gap > 0.45 * size:  # double-spaced text: the words tell a paragraph's end
        return prev.text[-1:] in _TERMINAL or (starts and fitted)
    return room > 4 * size and (ends or (starts and fitted))


# A table's cells: figures ("30.50", "$6,205", "(1.2)", "12%"), a range's dash, a dot leader
# and the placeholders price tables print for no quote ("unq", "n/a").
_FIGURE = re.compile(r"[$\u20ac\u00a3]?(?:\([-+\u2212]?[\d.,]*\d%?\)|[-+\u2212]?[\d.,]*\d%?)\.?")
_MEASURED = re.compile(r"[$\u20ac\u00a3%]|\d\.\d")  # money, a share, decimals: no date, no count
_BETWEEN_FIGURES = re.compile(r"[-\u2013\u2014]|\.{3,}|unq|n/?a|nc|--")


def _is_table_row(text: str) -> bool:
    """Whether a line reads as a table's row: two figures with nothing between them but
    another cell, one of them money, a share or a decimal ("Chicago 30.50 unq 28.00 Tallows,
    ...", "Cornstalks 41.25 39.38 52.00", "$85 ...... $0 ...... $85"). Running text names
    figures with words between them ("Applications rose to 344,000 from 293,000."); two
    whole numbers side by side are more often a date ("March 5 2020") or a count."""
    tokens = text.split()
    if not text.endswith(".") and all(
        _FIGURE.fullmatch(t) or _BETWEEN_FIGURES.fullmatch(t.lower()) for t in tokens
    ):
        return any(_MEASURED.search(t) for t in tokens)  # a cell alone: "2.6170", "$85"
    last: str | None = None  # the figure before, when only cells came since
    for token in tokens:
        if _FIGURE.fullmatch(token):
            if last is not None and (_MEASURED.search(last) or _MEASURED.search(token)):
                return True
            last = token
        elif not _BETWEEN_FIGURES.fullmatch(token.lower()):
            last = None
    return False


def _leading(lines: Sequence[Line]) -> dict[int, float]:
    """The space a page leaves between two lines of one sentence, for each size of its text
    (in whole points), from the foot of one line's letters to the head of the next's (their
    boxes): the median over the lines set one under the other where a line left without a
    stop goes on in lower case, when two or more do. Double-spaced text (a court's
    transcript) leaves a line's height there, which is then no paragraph's end ("...,
    Deputy Attorney General, Los" / "Angeles, Cal.; on behalf ...")."""
    gaps: dict[int, list[float]] = defaultdict(list)
    for prev, line in itertools.pairwise(lines):
        if (
            round(prev.size) == round(line.size)
            and line.text[:1].islower()
            and prev.text[-1:] not in _TERMINAL
            and line.top <= prev.end_top
            and line.left < prev.right
            and prev.left < line.right
        ):
            gaps[round(line.size)].append(prev.bottom - line.top)
    return {size: sorted(found)[len(found) // 2] for size, found in gaps.items() if len(found) >= 2}


# A line's width in ems per character, beyond which its words stand apart as a table's cells
# do ("CME Group Ethanol ($/gal)      CME Group"): running text, capitals and bold headings
# included, sets some 0.4 to 0.8 (a justified line's spaces widen it a little).
_WIDE_EM = 1.0
_LEGIBLE = 4.0  # a smaller size is no text's (a glyph's box PDFium could not measure)
_AXIS_TICKS = 5  # as many one- or two-character labels on a line make a chart's axis
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
_FIRST_ALNUM = re.compile(r"[^\W_]")
_ASIDE = "([$\u20ac\u00a3%"  # a token opening so is a unit or an aside, whatever its case
_WORDED = re.compile(r"[^\W_]{2}")  # a line without two letters or figures in a row is a rule


def _is_rule(text: str) -> bool:
    """A rule drawn in characters ("- - - - - x", "* * *"): a line of its own, no row."""
    return len(text) >= 3 and _WORDED.search(text) is None


def _is_row(line: Line, text: str) -> bool:
    """Whether a line is a table's or a chart's row whatever stands around it: figures side
    by side, words set apart as cells are, an axis's labels ("J F M A M J J A S O N D")."""
    if _is_table_row(text):
        return True
    tokens = text.split()
    width = line.right - line.left
    if (
        len(tokens) >= 2
        and line.size >= _LEGIBLE
        and width >= _WIDE_EM * len(text) * line.size
        and width >= _WIDE_EM * _widths(text) * line.size
    ):
        return True
    return len(tokens) >= _AXIS_TICKS and all(len(t) <= 2 and t.isalnum() for t in tokens)


def _may_be_row(text: str) -> bool:
    """Whether a line is a row when it stands among rows: a number alone, or words that all
    open with a capital or a figure and end no sentence ("GAVIN NEWSOM 64 DEM", "W/E
    02/24/17 Last Week Year Ago", "Edible Tallow ($/cwt)")."""
    if text.isdigit():
        return True
    if _SENTENCE_END.search(text):
        return False
    for token in text.split():  # a word in lower case, or in a script without capitals: no row
        if token[0] in _ASIDE:
            continue  # a unit, an abbreviation: "($/cwt)"
        first = _FIRST_ALNUM.search(token)
        if first is not None and not (first.group(0).isupper() or first.group(0).isdigit()):
            return False
    return True


def _widths(text: str) -> int:
    """A line's width in characters of running text: a Chinese or Japanese one is two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def _rows(lines: Sequence[Line], texts: Sequence[str], text_size: float = 0.0) -> list[bool]:
    """Which of a page's body lines are a table's or a chart's rows: a line that reads as one
    on its own (``_is_row``), the lines that could be one (``_may_be_row``) in an unbroken
    run of such lines with it, each of the size of the one before or both smaller than the
    text's ``text_size`` (a chart's title, legend and axes), and runs of three or more lines
    that are a number alone (a transcript's line numbers "1" to "25" in the margin). A rule
    ("- - - - x") is a line of its own, in no run."""
    rules = [_is_rule(text) for text in texts]
    rows = [
        rule or (bool(text) and _is_row(line, text))
        for line, text, rule in zip(lines, texts, rules, strict=True)
    ]
    if rows.count(True) == rules.count(True) and not any(text.isdigit() for text in texts):
        return rows  # running text only: no row to stand among
    kinds = [
        0 if rule or not text else 2 if row else int(_may_be_row(text))
        for text, rule, row in zip(texts, rules, rows, strict=True)
    ]
    start = 0
    while start < len(lines):
        if not kinds[start]:
            start += 1
            continue
        end = start + 1
        while (
            end < len(lines)
            and kinds[end]
            and (
                abs(lines[end].size - lines[end - 1].size) <= 0.15 * lines[end].size
                or max(lines[end].size, lines[end - 1].size) < text_size
            )
        ):
            end += 1
        if 2 in kinds[start:end]:
            rows[start:end] = [True] * (end - start)
        else:
            numbers = [i for i in range(start, end) if texts[i].isdigit()]
            if len(numbers) >= 3:
                for i in numbers:
                    rows[i] = True
        start = end
    return rows


# An e-mail address, a web address, a telephone number: a line of them and no sentence is an
# address block ("210 Walnut Street, Room 767 Email: desm.lpgmn@ams.usda.gov Des Moines,
# Iowa 50309 www.ams.usda.gov/..."), never news
_CONTACT = re.compile(
    r"\S@[^\W_][\w-]*\.|\bwww\.|\bhttps?://|\(?\b\d{3}\)?[-. \u2013]\d{3}[-.\u2013]\d{4}\b"
)
_CONTACT_CHARS = 240


def _is_contact(text: str) -> bool:
    """Whether a paragraph is an address block: an address, a number or a link, no sentence,
    and no word in lower case but an address's or a link's ("Room 767 Email: desk@...")."""
    if len(text) > _CONTACT_CHARS or _SENTENCE_END.search(text) or not _CONTACT.search(text):
        return False
    for token in text.split():
        first = _FIRST_ALNUM.search(token)
        if first is not None and first.group(0).islower() and not _CONTACT.search(token):
            return False
    return True


def paragraphs(
    lines: Sequence[Line], vocabulary: Vocabulary, text_size: float = 0.0
) -> list[tuple[str, bool]]:
    """The paragraphs of a page's body lines, each with whether it is furniture: a table's
    or a chart's row (a line of its own) or an address block, kept in the text but never
    quoted as a sentence."""
    texts = [clean(line.text.translate(LIGATURES)).strip() for line in lines]
    rows = _rows(lines, texts, text_size)
    leading = _leading(lines)
    out: list[tuple[str, bool]] = []
    prev: Line | None = None
    para_right = 0.0
    for line, text, row in zip(lines, texts, rows, strict=True):
        if not text:
            continue
        if prev is None or row or out[-1][1] or _breaks(prev, line, para_right, leading):
            out.append((text, row))
            para_right = line.right
        else:
            out[-1] = (_join(out[-1][0], text, vocabulary), False)
            para_right = max(para_right, line.right)
        prev = line
    return [(text, row or _is_contact(text)) for text, row in out]
