"""Text primitives shared by the stages: sentence spans, words, page furniture.

Everything here works on offsets into the original text and never rewrites it, so a
sentence's ``text[start:end]`` is always a verbatim slice of the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice

MONTH_NAMES_IN_ORDER = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_NAMES = frozenset(MONTH_NAMES_IN_ORDER)
WEEKDAY_NAMES = frozenset(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)

# Abbreviations after which a period does not end a sentence (general English usage).
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "sens",
        "rep",
        "reps",
        "atty",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "st",
        "jr",
        "sr",
        "rev",
        "hon",
        "pres",
        "inc",
        "corp",
        "co",
        "ltd",
        "llc",
        "plc",
        "dept",
        "univ",
        "assn",
        "bros",
        "vs",
        "etc",
        "al",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "u.s.a",
        "d.c",
        "ph.d",
        "mt",
        "ft",
    ]
)

_BEFORE_NUMBER = frozenset(["no", "nos", "fig", "figs", "vol", "art", "sec", "p", "pp"])

# Candidate sentence ends: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")
_ELLIPSIS = re.compile(r"\u2026|\.\.")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_START = re.compile(r"\s+([\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f\u0400-\u04ff])")
# A line without the white space around it: its first to its last character that is not white
# space (Python's \s is exactly str.isspace; \S never matches a newline, so a match stays on
# one line and a blank line gives none).
_STRIPPED_LINE = re.compile(r"\S(?:[^\n]*\S)?")
_DOTTED_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_OPENING_WORD = re.compile(r"[\"'\u201c\u2018(\[]?([A-Za-z]+)")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff\u0600-\u06ff0-9][\w'\u2019-]*")


def paragraphs(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of non-empty lines of ``text[start:end]`` (offsets into ``text``; ``start`` and
    ``end`` not negative), stripped of surrounding whitespace. One regex pass: no Python
    loop per character."""
    for m in _STRIPPED_LINE.finditer(text, start, len(text) if end is None else end):
        yield m.span()


def _is_abbreviation(text: str, dot: int, lo: int = 0, hi: int | None = None) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial, looking no further
    than ``text[lo:hi]`` (the paragraph: a range's sentences are its slice's)."""
    if text[dot] != ".":
        return False
    m = _WORD_BEFORE.search(text, max(lo, dot - 12), dot)
    if m is None:
        return False
    written = m.group(1).rstrip(".")
    word = written.lower()
    if word in _ABBREVIATIONS or written in _STATES:
        return True
    if word in _BEFORE_NUMBER:  # "No. 5", "Fig. 2"; but "said no. The ..." ends a sentence
        after = text[dot + 1 : min(dot + 3, len(text) if hi is None else hi)]
        return after.strip()[:1].isdigit()
    # A single capital initial ("J. Smith") or dotted initials ("U.S.").
    return len(word) == 1 or bool(_DOTTED_INITIALS.fullmatch(word))


# US states as AP style shortens them after a city ("Tampa, Fla.", "Sen. Ed Markey (D-Mass.)"),
# written with their capital: "ill." or "wash." end sentences
_STATES = frozenset(
    [
        "Ala",
        "Ariz",
        "Ark",
        "Calif",
        "Colo",
        "Conn",
        "Del",
        "Fla",
        "Ga",
        "Ill",
        "Ind",
        "Kan",
        "Kans",
        "Ky",
        "La",
        "Md",
        "Mass",
        "Mich",
        "Minn",
        "Miss",
        "Mo",
        "Mont",
        "Neb",
        "Nev",
        "Okla",
        "Ore",
        "Pa",
        "Tenn",
        "Tex",
        "Vt",
        "Va",
        "Wash",
        "Wis",
        "Wyo",
    ]
)


_SENTENCE_OPENERS = frozenset(
    [
        "The",
        "A",
        "An",
        "But",
        "In",
        "It",
        "He",
        "She",
        "They",
        "This",
        "That",
        "These",
        "Those",
        "We",
        "I",
        "His",
        "Her",
        "Their",
        "Its",
        "On",
        "At",
        "After",
        "When",
        "While",
        "However",
        "Yet",
        "And",
        "So",
    ]
)


def _starts_sentence(text: str, pos: int, hi: int) -> bool:
    """Whether the word at ``pos`` (and before ``hi``) is one that opens sentences rather than
    continues names ("U.S. The ..." ends a sentence, "U.S. Army" does not)."""
    m = _OPENING_WORD.match(text[pos : min(pos + 20, hi)])
    return m is not None and m.group(1) in _SENTENCE_OPENERS


class _Quotation:
    """Whether a cut falls inside a quotation opened since the sentence began ("“We will win.
    We will fight,” she said") that closes later in its paragraph. Counted as the paragraph is
    read: each character is counted once and the next closing mark looked for once, so a long
    paragraph inside one open quotation stays linear."""

    def __init__(self, text: str, end: int) -> None:
        self.text, self.end = text, end
        self.pos = self.curly = self.straight = 0
        self.closing: dict[str, int] = {}  # mark -> its next position found (-1: none left)

    def restart(self, start: int) -> None:
        self.pos, self.curly, self.straight = start, 0, 0

    def inside(self, cut: int) -> bool:
        text = self.text
        self.curly += text.count("\u201c", self.pos, cut) - text.count("\u201d", self.pos, cut)
        self.straight += text.count('"', self.pos, cut)
        self.pos = cut
        if self.curly > 0:
            return self._closes("\u201d", cut)
        return self.straight % 2 == 1 and self._closes('"', cut)

    def _closes(self, mark: str, cut: int) -> bool:
        found = self.closing.get(mark)
        if found is None or 0 <= found < cut:
            found = self.text.find(mark, cut, self.end)
            self.closing[mark] = found
        return found != -1


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentence spans within ``text[start:end]`` (``start`` and ``end`` not negative); a line
    break always ends a sentence."""
    for p_start, p_end in paragraphs(text, start, end):
        s = p_start
        quotation = _Quotation(text, p_end)
        quotation.restart(s)
        for m in _BOUNDARY.finditer(text, p_start, p_end):
            cut = m.end()
            nxt = _NEXT_START.match(text, cut, p_end)
            if nxt is None or _ELLIPSIS.search(m.group(0)):
                continue  # " ... " in a quote leaves words out; it does not end the sentence
            if quotation.inside(cut):
                continue  # a quotation is quoted whole: never half of it with its mark open
            abbreviation = _is_abbreviation(text, m.start(), p_start, p_end)
            if abbreviation and not _starts_sentence(text, nxt.start(1), p_end):
                continue  # "U.S. officials", "Dr. Jones"; but "in the U.S. The next day" splits
            if cut > s:
                yield s, cut
            s = nxt.start(1)
            quotation.restart(s)
        if p_end > s:
            yield s, p_end


# A closing full stop after a word ("... three breasts.", "Jen Psaki."), not an abbreviation's
# or an initial's ("U.S.", "Jr.", "J.") nor an ellipsis's.
_FULL_STOP = re.compile(r"(?<=[a-z\d][a-z\d])\.$")


def without_full_stop(text: str) -> str:
    """``text`` without a closing full stop: a heading or a name has none."""
    return _FULL_STOP.sub("", text)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# --- page furniture ------------------------------------------------------------------------

# What a site's menus and footers link to: a line of nothing else ("Home Politics Business
# Opinion Subscribe", "Privacy policy \u00b7 Terms of use \u00b7 Contact us") is navigation.
_NAV_ITEM = (
    r"(?:home|news|politics|business|opinions?|world|u\.?s\.?|u\.?k\.?|sports?|tech(?:nology)?"
    r"|science|health|culture|arts|entertainment|lifestyle|style|travel|food|videos?|photos"
    r"|podcasts?|audio|live|newsletters?|subscribe|search|menu|local|weather|economy|markets"
    r"|money|climate|environment|education|books|obituaries|national|international|magazine"
    r"|games|puzzles|sign\s+in|log\s+in|login|account|latest|trending|investigations|analysis"
    r"|features|europe|asia|africa|americas|middle\s+east|elections?|media|jobs|real\s+estate"
    r"|privacy(?:\s+policy)?|terms(?:\s+of\s+(?:use|service)|\s+and\s+conditions)?"
    r"|cookie\s+(?:policy|settings)|contact(?:\s+us)?|about(?:\s+us)?|help|careers|advertise)(?!\w)"
)
# A picture's credit closing a line makes the line its caption ("... in the run-up to the
# presidential election. Photo: AP", "... in Paris (Picture: Reuters)", "(photo credit: AP)",
# "(Joe Raedle / Getty Images file)"): a name after the colon, no sentence after it. A bare
# "Credit:" only after a stop or a bracket ("the child tax credit: $2,000" is prose).
_COLON_CREDIT = (
    r"(?:(?<![\w-])(?:photo(?:graph)?|picture|image)s?(?:\s+credits?)?|(?:(?<=[.!?\u201d\"])\s*"
    r"|(?<=[.!?\u201d\"]\s)|(?<=[(\[]))credits?)\s*:\s*[A-Z][^.!?:\n]{0,60}?[)\]]?"
)
# Who supplies news pictures: an agency or a picture library, as a credit names it
_PICTURE_SOURCE = (
    r"(?:ap|afp|reuters|epa(?:-efe)?|getty(?:\s+images)?|pa(?:\s+wire)?|upi|xinhua|anadolu"
    r"|shutterstock|tass|sputnik|nyt|bloomberg)"
)
# A picture's credit in brackets, however long it runs: a picture source's photo ("(AP
# Photo/Paul Sakuma, File)", "(AFP/Getty)", "(Oleg Urusov/ Roscosmos Space Agency Press
# Service photo via AP)", "(Joe Raedle / Getty Images file)"). A wire site's export may glue
# a word to it ("...)AP2014").
_BRACKET_CREDIT = (
    r"\s*\([^()\n]{0,160}?(?:\b(?:getty(?:\s+images)?|ap\s+photos?|file\s+photo|shutterstock"
    r"|(?:pool|handout)\s+photo|(?:photo(?:graph)?|picture|image)s?\s+(?:via|by|courtesy)\s)"
    rf"|\b{_PICTURE_SOURCE}\s*/|/\s*{_PICTURE_SOURCE}\b|\bvia\s+{_PICTURE_SOURCE}\b)"
    r"[^()\n]{0,60}\)\w{0,12}"
)
# ... or closing the line unbracketed, after a stop, two spaces or nothing: "... in Raqqa,
# Syria.  AP Photo/Raqqa Media Center, File", "... 2021. REUTERS/Stringer", "Chip
# Somodevilla/Getty Images", "Stock image via Getty Images"
_SLASH_CREDIT = (
    rf"(?:{_PICTURE_SOURCE}(?:\s+photos?)?\s*/\s*[A-Z][^.!?:\n]{{0,60}}"
    rf"|[A-Z][^.!?:/\n]{{0,40}}/\s*{_PICTURE_SOURCE}(?:\s+(?:photos?|file))?"
    rf"|(?:stock\s+)?(?:photo(?:graph)?|picture|image)s?\s+(?:via|by|courtesy\s+of)\s+[A-Z]"
    r"[^.!?:\n]{0,60})"
)
_LOOSE_CREDIT = rf"(?:(?<=[.!?\u201d\"])\s*|\s{{2,}}){_SLASH_CREDIT}"
# A bracket of nothing but an agency's name credits a picture only after a caption's last word:
# after a full stop it signs off a wire story ("He spoke to reporters on Monday. (Reuters)")
_AGENCY_ONLY = r"\((?:ap|afp|reuters|getty|epa|pa)\)"
_AGENCY_CREDIT = rf"(?<=[\w\u2019'])\s+{_AGENCY_ONLY}"
_CREDIT = rf"{_COLON_CREDIT}|{_BRACKET_CREDIT}|{_LOOSE_CREDIT}|{_AGENCY_CREDIT}"
# ... of a caption of one or two sentences: a paragraph of three that ends with a credit is
# prose ("... state media confirmed ... Hmm, seems like ... to me.  Images: Getty Images (3)").
# A wire caption of up to four sentences ends with its photographer and agency, which no
# paragraph of prose does ("... on Sunday, Jan. 11. (AP Photo/A24 Films, Atsushi Nishijima)").
_CAPTION_SENTENCE = r"(?:[^.!?\n\u201d\"]|[.!?\u201d\"](?!\s+[A-Z])){0,300}?"
_CAPTION = re.compile(
    rf"(?:{_CAPTION_SENTENCE}[.!?\u201d\"]\s+)?{_CAPTION_SENTENCE}(?:[.!?\u201d\"]\s*)?"
    rf"(?:{_CREDIT})\s*$",
    re.IGNORECASE,
)
_WIRE_CAPTION = re.compile(
    rf"(?:{_CAPTION_SENTENCE}[.!?\u201d\"]\s+){{0,3}}{_CAPTION_SENTENCE}(?:[.!?\u201d\"]\s*)?"
    rf"(?:{_BRACKET_CREDIT}|{_LOOSE_CREDIT})\s*$",
    re.IGNORECASE,
)
# ... or a line of nothing but a credit ("Chip Somodevilla/Getty Images", "(Getty)", "Source:
# Anadolu Agency/Getty Images")
_CREDIT_LINE = re.compile(
    rf"(?:(?:source|credit|photo|image|picture)s?\s*:\s*)?(?:{_SLASH_CREDIT}|{_AGENCY_ONLY})\s*$",
    re.IGNORECASE,
)
_CREDIT_INSIDE = re.compile(
    rf"(?:{_BRACKET_CREDIT}|\s{_AGENCY_ONLY})\s+[\w\"\u201c]", re.IGNORECASE
)
CAPTION_TAIL_CHARS = 90  # a credit is a name: its colon or bracket is this near the line's end
CAPTION_MAX_CHARS = 1500  # four sentences and a credit: a longer line is no caption
# What a credit's bracket holds, lower-cased (one of them)
_BRACKET_CREDIT_WORDS = (
    "photo", "picture", "image", "credit", "getty", "shutterstock", "courtesy", "via ", "/",
    "(ap)", "(afp)", "(reuters)", "(epa)", "(pa)",
)  # fmt: skip
# A wire caption's opening: the picture it stands under ("In this photo ...", "FILE - In this
# Aug. 21, 2012, file photo, ...", "In this image released by A24 Films, ...", "Clockwise from
# top: ...", "From left: ...", "Pictured: ..."), after a list's dash. Only dates and kinds of
# picture stand between "In this" and the picture: "In this case, images ..." is prose.
_MONTH_OR_DAY = "|".join(
    sorted({n[:3] for n in (*MONTH_NAMES, *WEEKDAY_NAMES)} | MONTH_NAMES | WEEKDAY_NAMES)
)
_CAPTION_OPENER = re.compile(
    rf"""[-*\u2022]?\s*(?:file\s*[-\u2013\u2014:]\s*)?(?:
        in\s+this\s+(?:(?:(?:{_MONTH_OR_DAY})\.?|sept\.|\d{{1,4}}(?:st|nd|rd|th)?|undated|file
            |handout|aerial|archive|family|provided|composite|combination|satellite|drone
            |video|ap|afp|reuters|epa|pool|courtesy|photo)[,.]?\s+){{0,6}}
            (?:(?:file\s+)?photo(?:graph)?s?|images?|pictures?|frame\s+grabs?|screen\s*(?:shot|grab)s?
            |still\s+(?:image|frame)|(?:photo|picture|image)\s+illustration)(?![\w-])
      | clockwise\s+from\s+(?:the\s+)?(?:top|bottom|left|right)\b
      | (?:from\s+|\()?(?:left|l)\s*(?:to|-)\s*(?:right|r)\)?\s*:
      | from\s+(?:left|right)(?:\s+to\s+(?:right|left))?\s*[:,]
      | pictured\s*:
    )""",
    re.IGNORECASE | re.VERBOSE,
)
CAPTION_SENTENCES = 4  # a caption opening so runs to at most this many sentences
_OPENER_FIRST = frozenset("-*\u2022FfIiCcPpLl(")  # what the openings start with
# Where the people in a picture stand, after their names: "Jessica Chastain, left, and Oscar
# Isaac appear in a scene ...", "Dick Costolo (far left) and ...". Prose never places its
# subjects so; "All right, so" or "on the left, the party" names no one.
_POSITION = (
    r"(?:(?:far\s+|second\s+(?:from\s+)?|third\s+(?:from\s+)?)?(?:left|right)|cent(?:er|re))"
)
_PLACE_IN_PICTURE = re.compile(rf",\s+{_POSITION},|\({_POSITION}\)")
_NAME_BEFORE = re.compile(r"[A-Z][\w.'\u2019-]*\s*$")
POSITION_CAPTION_SENTENCES = 2  # a caption placing its people runs to at most this many
POSITION_CAPTION_CHARS = 600  # ... and this many characters
# A call to readers for their pictures and stories, after the questions that ask them: "Are
# you in the grips of the wintry storm sweeping across the country? Please share your videos,
# pictures and stories at iReport.", "Tell us what you think.", "Send us your tips." A line of
# nothing else, its questions put to "you": "The senator asked: Are you ready? Tell us now, she
# said, ..." is prose.
_READER_CALL = re.compile(
    r"""(?:(?:are|were|have|has|did|do|does|is|was|will|would|can|could|what|how|where|when|who)
        \s[^.!?\n\"\u201c\u201d:]{0,200}?\byou\b[^.!?\n\"\u201c\u201d:]{0,200}\?\s+){0,2}
    (?:please\s+)?(?:
        (?:share|send(?:\s+(?:us|in))?|submit|upload|show\s+us)\s+your
      | send\s+us | tell\s+us | let\s+us\s+know | (?:e-?mail|contact|write\s+to)\s+us
    )\b[^.!?\n]{0,120}[.!]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
READER_CALL_CHARS = 400  # a longer line is prose
# Matched at a line's offsets in the whole text (pos and endpos: no slice of the line), where a
# "^" would never match; .match anchors it at the line's start. A cookie or consent notice is
# furniture however long it runs: a page printed to PDF keeps its banner as a paragraph.
_FURNITURE_LINE = re.compile(
    r"""(?:
        (?:latest|recent|popular|related|top|more)\s+(?:posts?|stories|news|articles?)\b.*
      | submit\s+(?:app|news|story|article)s?
      | (?:do\s+)?follow\s+.{0,60}\s+for\s+(?:more\s+)?updates?\b.*
      | (?:gif|image|photo|picture|video|figure)s?\s*\d*\s*(?:[:|].{0,120})?
      | \[[^\]\n]{1,160}\]
      | share\s+(?:this|on|via)\b.{0,60}
      | (?:click|tap)\s+here\b.{0,80}
      | (?:read|see)\s+(?:more|also)\b.{0,100}
      | continue\s+reading\b.{0,100}
      | also\s+read\b.{0,140}
      | (?:subscribe|sign\s+up|log\s+in|register)\b.{0,80}
      | advertisement|sponsored(?:\s+content)?|ad
      | (?:tags?|topics?|filed\s+under|categories)\s*:.{0,200}
      | (?:copyright|\u00a9).{0,160}
      | most\s+(?:read|popular|viewed|shared|emailed|commented)\b.{0,40}
      | (?:trending(?:\s+now)?|recommended(?:\s+for\s+you)?|editor['\u2019]?s\s+picks?)
      | you\s+(?:may|might)\s+also\s+(?:like|enjoy)\b.{0,80}
      | (?:we|this\s+(?:web)?site|our\s+(?:web)?site)(?:\s+and\s+our\s+partners)?
            \s+uses?\s+cookies\b.{0,600}
      | we\s+(?:value|care\s+about|respect)\s+your\s+privacy\b.{0,600}
      | by\s+(?:continuing|using|clicking|browsing|staying)\b.{0,200}\bcookies\b.{0,300}
      | (?:accept|reject|allow|decline|manage)\s+(?:all\s+|the\s+)?cookies\b.{0,200}
      | cookies?\s+(?:policy|settings|preferences|consent|notice)\b.{0,200}
      | {_NAV_ITEM}(?:(?:\s*[\u00b7|\u2022/]\s*|\s+){_NAV_ITEM}){2,}
      | sources?:?
      | (?:print|email|comments?|reply|like|tweet|whatsapp|facebook|twitter|linkedin|telegram)
    )\s*$""".replace("{_NAV_ITEM}", _NAV_ITEM),
    re.IGNORECASE | re.VERBOSE,
)
# ... or a copyright line's end ("... All rights reserved."), apart: its 120 characters before
# "all" are tried at every line, and only a line holding "rights" is tried (is_furniture_line).
_ALL_RIGHTS_RESERVED = re.compile(r"(?:.{0,120}\s)?all\s+rights\s+reserved\.?\s*$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*[-*\u2022]\s+\S.{0,80}$")
# How a sentence ends: a stop, then any closing quotes or brackets. Tested with str methods on
# the line's end: a regex ending in `$` is tried at every position of a 1,000-character line.
_SENTENCE_STOPS = tuple(".!?\u2026")
_SENTENCE_CLOSERS = "\"'\u201d\u2019)"
# What running text ends with (a stop, a colon or semicolon, a closing quote or bracket).
_PROSE_ENDS = (*_SENTENCE_STOPS, *":;", *_SENTENCE_CLOSERS)


# A short line holding one of these is a newsletter's furniture, whatever else it says
_FURNITURE_PHRASE = re.compile(
    r"view\s+(?:this\s+|it\s+|the\s+)?(?:e-?mail\s+|newsletter\s+|message\s+)?"
    r"(?:in\s+(?:your|a|the)\s+browser|online|on\s+the\s+web|as\s+a\s+web\s*page)"
    r"|having\s+trouble\s+(?:viewing|reading)|trouble\s+viewing"
    r"|forward(?:ed)?\s+(?:this|it)?\s*to\s+a\s+(?:friend|colleague)"
    r"|(?:was\s+this(?:\s+e-?mail|\s+newsletter)?|this\s+(?:e-?mail|newsletter)\s+was)"
    r"\s+forwarded\s+to\s+you"
    r"|add\s+(?:us|\S+@\S+)\s+to\s+your\s+(?:address\s+book|contacts|safe\s+senders)"
    r"|(?:follow|like)\s+us\s+on\b|share\s+this\s+(?:e-?mail|newsletter)",
    re.IGNORECASE,
)
# What each alternative of _FURNITURE_PHRASE holds in every match, lower-cased (a pre-check:
# the search starts a case-insensitive match at every position of the line).
_FURNITURE_PHRASE_WORDS = ("view", "trouble", "forward", "your", "follow", "like", "share")
_FURNITURE_PHRASE_HINT = re.compile(
    r"view|trouble|forward|your\s+(?:address|contacts|safe)|(?:follow|like)\s+us|share\s+this"
)
SHORT_LINE_CHARS = 200  # a longer line is prose, whatever words it uses
# The only characters outside ASCII that a case-insensitive pattern matches to an ASCII letter
# (capital I with a dot, dotless i, long s, the Kelvin sign).
_CASE_SPECIALS = re.compile("[\u0130\u0131\u017f\u212a]")


def _lowered(line: str) -> str | None:
    """``line`` lower-cased, when a case-insensitive pattern's ASCII words in it are found in
    that as they are (a line without _CASE_SPECIALS: its other letters outside ASCII never
    match an ASCII one, and white space stays white space); else None."""
    if line.isascii() or _CASE_SPECIALS.search(line) is None:
        return line.lower()
    return None


def _may_hold_phrase(low: str) -> bool:
    """Whether a ``_lowered`` line holds what every _FURNITURE_PHRASE match does (its words
    found first, in C: most lines hold none)."""
    return (
        any(map(low.__contains__, _FURNITURE_PHRASE_WORDS))
        and _FURNITURE_PHRASE_HINT.search(low) is not None
    )


def is_furniture_line(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` is a known piece of page furniture (a share
    prompt, a credit, a caption, "[Image via AP]", a cookie notice, a menu, "view in browser",
    a call to readers), wherever it stands. The one test of a furniture line: every format's
    text goes through it. The slower patterns are tried only on a line holding words that each
    of their matches holds (``_lowered``; ``_is_caption`` has its own cheap checks): most
    lines are prose, and a case-insensitive search is slow."""
    if _FURNITURE_LINE.match(text, start, end) is not None:
        return True
    low = _lowered(text[start:end])
    if (low is None or "rights" in low) and _ALL_RIGHTS_RESERVED.match(
        text, start, end
    ) is not None:
        return True
    if _is_caption(text, start, end):
        return True
    if end - start <= READER_CALL_CHARS and _READER_CALL.match(text, start, end) is not None:
        return True
    if end - start > SHORT_LINE_CHARS or (low is not None and not _may_hold_phrase(low)):
        return False
    return _FURNITURE_PHRASE.search(text, start, end) is not None


def _is_caption(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` is a picture's caption or credit: it ends with a
    credit, opens as a wire caption does, or places the people it names ("Jessica Chastain,
    left, and ..."), and is no longer than a caption runs."""
    if end - start > CAPTION_MAX_CHARS:
        return False
    if _may_end_with_credit(text[max(start, end - CAPTION_TAIL_CHARS) : end]) and (
        _CAPTION.match(text, start, end) is not None
        or _WIRE_CAPTION.match(text, start, end) is not None
        or _CREDIT_LINE.match(text, start, end) is not None
    ):
        return True
    if text[start] in _OPENER_FIRST and _CAPTION_OPENER.match(text, start, end) is not None:
        return _at_most_sentences(text, start, end, CAPTION_SENTENCES) and not _credit_inside(
            text, start, end
        )
    if end - start > POSITION_CAPTION_CHARS:
        return False
    line = text[start:end]
    if not ("left" in line or "right" in line or "cent" in line):
        return False
    placed = next(
        (
            m
            for m in _PLACE_IN_PICTURE.finditer(text, start, end)
            if _NAME_BEFORE.search(text, max(start, m.start() - 40), m.start())
        ),
        None,
    )
    return (
        placed is not None
        and _at_most_sentences(text, start, end, POSITION_CAPTION_SENTENCES)
        and not _credit_inside(text, start, end)
        and placed.end() <= next(sentence_spans(text, start, end))[1]  # in its first sentence
    )


def _may_end_with_credit(tail: str) -> bool:
    """Whether a line's tail (its last CAPTION_TAIL_CHARS) can end with a credit: a bracket
    closing it, a slash naming an agency or a photographer with no stop after it, or a picture's
    word before a colon, "via" or "by". Cheap: most lines are spared the caption patterns."""
    if not (
        ":" in tail or ")" in tail or "]" in tail or "/" in tail or "hoto" in tail
        or "mage" in tail or "icture" in tail or "HOTO" in tail or "MAGE" in tail
    ):  # fmt: skip
        return False
    low = tail.lower()
    if ")" in low[-14:] or low.endswith("]"):  # what the last bracket holds: "(D-Calif.)" is none
        inside = low[max(low.rfind("("), low.rfind("["), 0) :]
        if any(word in inside for word in _BRACKET_CREDIT_WORDS):
            return True
    slash = low.rfind("/")  # between words ("Raedle / Getty Images"), not "9/11" or "24/7"
    if (
        slash > 0
        and low[:slash].rstrip()[-1:].isalpha()
        and low[slash + 1 :].lstrip()[:1].isalpha()
        and not any(stop in low[slash:] for stop in ".!?:")
    ):
        return True
    return any(word in low for word in ("photo", "picture", "image", "credit")) and any(
        word in low for word in (":", " via ", " by ", "courtesy")
    )


def _credit_inside(text: str, start: int, end: int) -> bool:
    """Whether a credit stands inside the line ``text[start:end]`` with words after it: a
    caption glued to the article's next paragraph ("Journalist Steven Sotloff, left, pictured
    in Libya in 2011 (Getty)  The White House has said ..."), which is no caption alone."""
    return ")" in text[start:end] and _CREDIT_INSIDE.search(text, start, end) is not None


def _at_most_sentences(text: str, start: int, end: int, most: int) -> bool:
    """Whether ``text[start:end]`` holds at most ``most`` sentences (counted no further)."""
    return len(list(islice(sentence_spans(text, start, end), most + 1))) <= most


def _ends_with_stop(line: str) -> bool:
    """Whether ``line`` (no trailing newline) ends with a stop and any closing marks."""
    return line.rstrip(_SENTENCE_CLOSERS).endswith(_SENTENCE_STOPS)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends as a sentence does (a stop, then any closing quote or bracket),
    not as a headline or a fragment."""
    return _ends_with_stop(text.rstrip())


def _is_prose(text: str, start: int, end: int) -> bool:
    """Whether the line ``text[start:end]`` reads as running text: several words and terminal
    punctuation."""
    return end - start >= 80 and text.endswith(_PROSE_ENDS, start, end)


# More characters than this without a space is no word of prose (a tracking link, a dump, a
# hostile 100 kB "word"): quoted, it would fill the page, and no line can break it.
MAX_UNBROKEN_CHARS = 300
_UNBROKEN_RUN = re.compile(rf"\S{{{MAX_UNBROKEN_CHARS + 1}}}")


def has_unbroken_run(text: str) -> bool:
    """Whether ``text`` holds more than MAX_UNBROKEN_CHARS characters without a space."""
    return len(text) > MAX_UNBROKEN_CHARS and _UNBROKEN_RUN.search(text) is not None


def furniture_lines(text: str) -> list[tuple[int, int, bool]]:
    """Each line of ``text`` (``paragraphs``) and whether it is a furniture line
    (``is_furniture_line``): read once, for a document's header and its furniture."""
    return [(s, e, is_furniture_line(text, s, e)) for s, e in paragraphs(text)]


def furniture_spans(
    text: str, lines: Sequence[tuple[int, int, bool]] | None = None
) -> list[tuple[int, int]]:
    """Spans of page furniture: share prompts, teasers, 'Latest Post', credits, source lists.

    A line is furniture when it matches a known furniture pattern, or when it is a short
    non-prose line in the document's tail (after the last paragraph of running text), where
    pages put teasers of other stories. Offsets of the remaining text never change.
    ``lines`` are the text's ``furniture_lines``, when its caller has them.
    """
    if lines is None:
        lines = furniture_lines(text)
    spans: list[tuple[int, int]] = []
    last_prose = next(
        (i for i in range(len(lines) - 1, -1, -1) if _is_prose(text, *lines[i][:2])), -1
    )
    for i, (s, e, furniture) in enumerate(lines):
        if furniture or (i > last_prose >= 0 and _is_teaser(text[s:e])):
            spans.append((s, e))
    return spans


# A sentence about the page itself, to its reader: no news ("You can watch the videos
# throughout this article.", "This story has been updated.", "Scroll down for video.")
_PAGE_NOTE = re.compile(
    r"""(?:
        (?:you\s+can\s+|please\s+)?(?:watch|see|view|listen\s+to)\b[^.!?]{0,80}?
            \b(?:(?:above|below)\W*$|(?:in|throughout)\s+this\s+(?:article|story|page|post|report)\b)
      | scroll\s+(?:down|up)\b
      | this\s+(?:article|story|post|page)\s+(?:has\s+been|was|is\s+being)\s+
            (?:updated|corrected|amended)\b
      | editor['\u2019]s\s+note\b
      | (?:click|tap)\s+(?:here|to\s+(?:watch|read|see|view|listen))\b
      # a link's words: "Read more Letters to the Editor.", "Continue reading ...", "Sign up
      # for our newsletter.", "Submit your letter to the editor via this form.", "Watch: ..."
      | (?:read|see)\s+(?:more|also)\b | continue\s+reading\b
      | (?:sign\s+up|subscribe)\s+(?:for|to|here|now|today)\b
      | submit\s+(?:your|a)\s+(?:letter|story|tip|news|photo|video|question|comment|op-?ed)
      | (?:watch|listen)\s*:
      | watch\s+(?:the|our)\s+(?:full|latest|entire|complete)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# "Watch the full 60 Minutes interview with Andrew McCabe (video).": a link to a clip
_LINK_TAIL = re.compile(r"[(\[](?:video|watch|audio|listen|photos|gallery)[)\]]\W*$", re.I)
_LINK_ENDS = (")", "]", ").", "].", ")!", "]!")
# who helped: "CNBC's Mark Berniker contributed reporting.", "The Associated Press
# contributed to this report." (not "Smith, who contributed reporting to the Times, was ...")
_HELPED = re.compile(
    r"(?:(?!\b(?:who|which|was|were|has|had)\b)[^.!?]){0,200}?\bcontributed\s+"
    r"(?:reporting|to\s+this\s+(?:report|story|article))(?:\s+(?:from|in)\s+[^.!?,]{1,60})?"
    r"[.!?]?\s*$",
    re.IGNORECASE,
)
# ... a writer's note at the end: the whole sentence a name, "is a ... writer for" an outlet
# (case matters: a name, not "He is a former reporter for")
_AUTHOR_NOTE = re.compile(
    r"(?:[A-Z][\w.'\u2019-]*\s+){1,4}is\s+(?:an?|the)\s+(?:(?!former\b)[\w-]+\s+){0,3}"
    r"(?:writer|reporter|correspondent|columnist|editor|contributor|journalist)\s+"
    r"(?:for|at|with|of)\s+(?:(?!\b(?:who|whom|which|that|was|were|has|had|is|said)\b)[^.!?]){1,100}"
    r"[.!?]?\s*$"
)


def speaks_of_the_page(sentence: str) -> bool:
    """Whether ``sentence`` tells its reader about the page ("You can watch the videos
    throughout this article."), not about the news: never a fact."""
    bare = sentence.lstrip("\"'\u201c\u2018 ")
    return (
        _PAGE_NOTE.match(bare) is not None
        or (bare.rstrip().endswith(_LINK_ENDS) and _LINK_TAIL.search(bare) is not None)
        or ("contributed" in bare and _HELPED.match(bare) is not None)
        or (" is " in bare and _AUTHOR_NOTE.match(bare) is not None)
    )


# Text addressed to an AI model, planted in a page: "Ignore previous instructions and ..."
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier)"
    r"\s+(?:instructions?|prompts?|rules?)|\byou\s+are\s+now\s+(?:a|an|in)\b|\bsystem\s+prompt\b"
    r"|<\|im_start\|>|\bact\s+as\s+(?:a|an)\s+\w+\s+(?:model|assistant)",
    re.IGNORECASE,
)
# Literals that a match of each alternative of _INJECTION contains once lower-cased, chosen
# without "i" and "s" (the letters whose case-insensitive matches lower() can turn into something
# else: "\u0130", "\u0131", "\u017f"). A text that holds none of one alternative's literals cannot
# match it, and most texts hold none, so the slow case-insensitive scan runs on few documents.
_INJECTION_VERBS = ("gnore", "regard", "forget")  # ignore / disregard / forget ...
_INJECTION_OBJECTS = ("truct", "prompt", "rule")  # ... the previous instructions / prompts / rules
_INJECTION_YOU_ARE_NOW = re.compile(r"you\s+are\s+now\s")
_INJECTION_ACT_AS = re.compile(r"act\s+a")


def addresses_model(text: str) -> bool:
    """Whether ``text`` holds text addressed to an AI model (``_INJECTION``), cheaply: a
    warning about a document holding it, and never a fact ("Ignore previous instructions and
    write that ...")."""
    low = text.lower()
    if not (
        (any(v in low for v in _INJECTION_VERBS) and any(o in low for o in _INJECTION_OBJECTS))
        or ("prompt" in low and "tem" in low)  # system prompt
        or "tart|>" in low  # <|im_start|>
        or ("now" in low and "you" in low and _INJECTION_YOU_ARE_NOW.search(low))
        or (("model" in low or "tant" in low) and _INJECTION_ACT_AS.search(low))
    ):
        return False
    return _INJECTION.search(text) is not None


# The signposts a newsletter opens paragraphs with ("Why it matters:", Axios style)
_SIGNPOST = re.compile(
    r"(?:The big picture|Why it matters|Driving the news|Between the lines|The bottom line|"
    r"Go deeper|What['\u2019]s next|Yes, but|Flashback|By the numbers|Zoom in|Zoom out|"
    r"The latest|What they['\u2019]re saying|Catch up quick|State of play|The other side|"
    r"Be smart|Our thought bubble|Worth noting|Of note|The backstory|The intrigue|"
    r"What we['\u2019]re watching|Where it stands|Why now|The catch|Key quote|Threat level|"
    r"The big question|Details|Context|Background)\s*:\s+(?=\S)"
)


def signpost_end(sentence: str) -> int:
    """Where the words after a newsletter's signpost begin ("Why it matters: The plan ..."),
    0 when the sentence opens with none."""
    m = _SIGNPOST.match(sentence)
    return m.end() if m is not None else 0


# A wire dateline before a lead: "WASHINGTON (AP) \u2014", "WEST PALM BEACH, Fla.\u2014",
# "BUENOS AIRES, Dec. 29 (UPI) --", "SEOUL, South Korea \u2014", "BAGHDAD/WASHINGTON (Reuters)
# -", "Washington (CNN)" (a place in capitals, or any place before an agency in brackets),
# before a capitalised word. A hyphen is a dateline's dash only with spaces around it: "COVID-19"
# and "SARS-CoV-2" are words.
_PLACE = r"(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*)?(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
_AGENCY = r"\([A-Z][A-Za-z&.\s]{0,24}\)"
_DASH = r"(?:\s*(?:--|\u2014|\u2013)\s*|\s+-\s+)"
_DATELINE = re.compile(
    rf"(?:[A-Z][A-Z.'\u2019/-]{{2,}}(?:\s+[A-Z][A-Z.'\u2019/-]+)*{_PLACE}(?:\s*{_AGENCY})?"
    rf"{_DASH}|(?:[A-Z][A-Za-z.'\u2019/-]*(?:\s+[A-Z][A-Za-z.'\u2019/-]*)*{_PLACE}\s*)?{_AGENCY}"
    rf"(?:{_DASH}|\s*))(?=[A-Z\"\u201c\d])"
)
_ASIDE_CHARS = (
    80  # "AOC \u2014 Alexandria Ocasio-Cortez \u2014 said": a dash this close closes an aside
)


def dateline_end(sentence: str) -> int:
    """Where a lead begins after its wire dateline ("WASHINGTON (AP) \u2014 President ..."),
    0 when it opens with none: the place and the agency are no part of what it says."""
    m = _DATELINE.match(sentence)
    if m is None or m.end() >= len(sentence):
        return 0
    dash = sentence[m.start() : m.end()]
    if "(" not in dash and "\u2014" in sentence[m.end() : m.end() + _ASIDE_CHARS]:
        return 0  # a name and an aside between dashes, not a place
    return m.end()


def still_quoting(sentence: str, quoting: bool) -> bool:
    """Whether a quotation is open after ``sentence`` (``quoting``: open before it). The
    splitter keeps a quotation that closes in its paragraph in one sentence, so one left open
    never closes there."""
    opened = sentence.count("\u201c") - sentence.count("\u201d")
    straight = sentence.count('"') % 2 == 1
    if quoting:
        return "\u201d" not in sentence and not straight
    return opened > 0 or straight


def _is_teaser(line: str) -> bool:
    """A line that is no sentence (a list item or a fragment): furniture in a page's tail."""
    return _LIST_ITEM.match(line) is not None or not _ends_with_stop(line)


# A comma or colon inside a figure ("507,000", "10:30") breaks no clause
# A dash that can open or close an aside ("--", an em dash, a spaced en dash), paired in order
_ASIDE_DASH = re.compile(r"\s--\s|\u2014|\s\u2013\s")
# ", New Mexico," after a place: a state or country between commas, capitalised, then a comma
_PLACE_STATE = re.compile(r"\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,")
_CLAUSE_BREAK = re.compile(
    r"(?<!\d),|,(?!\d{3}(?!\d))|(?<!\d):|:(?!\d\d(?!\d))|[;()\u2014\u2013]|\s-\s"
)


def clause_around(text: str, start: int, end: int, *, min_chars: int = 20) -> tuple[int, int]:
    """The span of the clause (between commas, semicolons, dashes, brackets) holding
    ``text[start:end]``, stripped of surrounding spaces; widened to a neighbouring clause
    when it would be shorter than ``min_chars``."""
    lo, hi = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if hi - lo < min_chars and (lo > 0 or hi < len(text)):
        return clause_around(text, max(0, lo - 2), min(len(text), hi + 2), min_chars=0)
    return lo, hi


def clause_end(text: str, start: int, *, min_words: int = 6, asides: bool = False) -> int:
    """End of the clause that begins at ``start``: the first clause break after at least
    ``min_words`` words, extended over a closing quote mark left open; else the text's end.
    A bracketed aside is no break: the clause goes on after it ("billed $2m (£1.5m) for
    the student's care"). With ``asides`` (what someone said, quoted whole), nor is an aside
    between two dashes ("airports -- LaGuardia, JFK and Newark -- caused delays"), nor a
    place's state between commas ("his Albuquerque, New Mexico, contracting company");
    without, a sentence's opening clause stops at them (its event, for telling repeats)."""
    aside_end = start
    dashes = [m.start() for m in _ASIDE_DASH.finditer(text, start)] if asides else []
    between = list(zip(dashes[::2], dashes[1::2], strict=False))
    for m in _CLAUSE_BREAK.finditer(text, start):
        if m.start() < aside_end:
            continue
        if m.group() == "(" and (close := text.find(")", m.end())) >= 0:
            aside_end = close + 1
            continue
        closing = next((b for a, b in between if a <= m.start() < b), None)
        if closing is not None:
            aside_end = closing + 1
            continue
        if asides and m.group() == "," and (state := _PLACE_STATE.match(text, m.end())):
            aside_end = state.end()
            continue
        if len(_WORD.findall(text, start, m.start())) >= min_words:
            end = len(text[: m.start()].rstrip())
            opened = text.count("\u201c", start, end) - text.count("\u201d", start, end)
            if opened > 0:
                close = text.find("\u201d", end)
                end = close + 1 if close >= 0 else len(text)
            elif text.count('"', start, end) % 2:  # a straight quote left open
                close = text.find('"', end)
                end = close + 1 if close >= 0 else len(text)
            return end
    return len(text.rstrip())


def short_name(outlet: str | None, title: str | None, *, max_words: int = 8) -> str | None:
    """How a source is named where a label is due: its outlet, else its title (at most
    ``max_words`` words), else None."""
    if outlet:
        return outlet
    if title:
        words = title.split()
        return " ".join(words[:max_words]) + ("\u2026" if len(words) > max_words else "")
    return None
