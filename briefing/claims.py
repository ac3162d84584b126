"""Reading claims out of sentences: who said it, whether it is negated, disputed or forward-looking.

Plain-English lexical rules, deterministic and topic-free. Used by the offline engine to
attribute facts and by contradiction detection to judge polarity.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache

from briefing.lexicon import STOPWORDS, content_terms
from briefing.text import clause_end, still_quoting, without_full_stop

# Sentences whose attribution, negation and dispute cues are remembered: reprints of a story
# (wire copies, syndicated pages) repeat its sentences word for word.
SENTENCES_CACHED = 16384


_REPORTING_VERBS = [
    "said",
    "says",
    "say",
    "stated",
    "states",
    "told",
    "tells",
    "insisted",
    "insists",
    "insist",
    "denied",
    "denies",
    "deny",
    "warned",
    "warns",
    "claimed",
    "claims",
    "asserted",
    "asserts",
    "argued",
    "argues",
    "added",
    "adds",
    "noted",
    "notes",
    "accused",
    "accuses",
    "acknowledged",
    "acknowledges",
    "confirmed",
    "confirms",
    "rejected",
    "rejects",
    "described",
    "describes",
    "announced",
    "announces",
    "vowed",
    "vows",
    "threatened",
    "threatens",
    "urged",
    "urges",
    "maintained",
    "maintains",
    "reiterated",
    "reiterates",
    "suggested",
    "suggests",
    "wrote",
    "writes",
    "tweeted",
    "quoted",
    "declared",
    "declares",
    "dismissed",
    "dismisses",
    "disputed",
    "disputes",
    "countered",
    "counters",
    "refuted",
    "refutes",
    "admitted",
    "admits",
    "conceded",
    "concedes",
    "explained",
    "explains",
    "stressed",
    "stresses",
    "emphasized",
    "emphasised",
    "predicted",
    "predicts",
    "estimated",
    "believes",
    "alleged",
    "alleges",
    "testified",
    "promised",
    "promises",
    "pledged",
    "pledges",
    "signaled",
    "signalled",
    "responded",
    "responds",
    "replied",
    "replies",
    "criticized",
    "criticised",
    "blamed",
    "blames",
    "condemned",
    "condemns",
    "praised",
    "praises",
    "welcomed",
    "welcomes",
]
_PARTICIPLES = [
    "saying",
    "stating",
    "insisting",
    "arguing",
    "warning",
    "claiming",
    "adding",
    "noting",
    "denying",
    "rejecting",
    "describing",
    "calling",
    "asserting",
    "accusing",
    "suggesting",
    "emphasizing",
    "emphasising",
    "stressing",
    "explaining",
    "confirming",
    "acknowledging",
    "citing",
]
REPORTING = re.compile(r"\b(" + "|".join(_REPORTING_VERBS) + r")\b")
PARTICIPLE = re.compile(r",\s*(" + "|".join(_PARTICIPLES) + r")\b")
# up to a comma or full stop, but through an initial's ("the U.S. Centers for ...")
ACCORDING_TO = re.compile(r"\baccording to ((?:[^,.;]|(?<=\b[A-Z])\.){3,120})", re.IGNORECASE)

_NOUN_CONTEXT = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "his",
        "her",
        "their",
        "its",
        "our",
        "your",
        "my",
        "these",
        "those",
        "such",
        "any",
        "no",
        "new",
        # quantities: "several states", "other claims", "many notes"
        "several",
        "many",
        "other",
        "both",
        "all",
        "some",
        "most",
        "few",
    ]
)
_PRONOUNS = frozenset(["he", "she", "they", "it", "this", "that", "who", "which", "we", "i", "you"])
_MAIN_VERB = re.compile(
    r"\b(?:[a-z]+ed|is|was|are|were|has|have|had|will|would|can|could|made|gave|took|offered|"
    r"issued|held|met|sent|went|came|said|says|told|shot|struck|won|lost|led|left|kept|brought|"
    r"began|broke|chose|drove|fell|fought|found|got|grew|knew|meant|paid|ran|rose|saw|sold|"
    r"sought|spoke|spent|stood|swore|threw|wrote|became|drew)\b"
)
_LEADING = re.compile(
    r"^(?:(?:and|but|so|while|whilst|whereas|as|because|when|after|before|then|though|although|"
    r"even|if|since|unless|until|once)(?:\s+|$))+",
    re.I,
)
# An auxiliary or copula inside a would-be actor makes it a clause ("X's plan has created"),
# not the name of who said something.
_CLAUSE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|shall|must|does|did|"
    r"been|being)\b"
)
# A singular pronoun or demonstrative followed by more words opens a clause ("That brings the
# total of jobless" before "claims", "It's more than all the jobs" before "added"), not a name.
_CLAUSE_START = re.compile(
    r"^(?:this|that|it|there|what|he|she|they|we|i|you)(?:['\u2019]s)?\s", re.I
)
_TRAILING_ADVERB = re.compile(
    r"(?:(?:^|\s+)(?:(?!(?:ally|rally|family|italy|july|supply|reply|assembly|county)\b)\w+ly|"
    r"also|now|again|later|previously|then|still|already|too|once|even))+$",
    re.I,
)
# "On Monday Carlson said": the time of saying is not part of the name
_LEADING_TIME = re.compile(
    r"^(?:on|late|early|last|this|earlier)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday|week|month|year)(?:\s+(?:morning|afternoon|evening|night))?,?\s+",
    re.I,
)
_GERUND_START = re.compile(r"^[a-z]+ing\s")  # "joining a host of other ...": a clause
# "a senator who accused"; lower case only: "the head of WHO" is the World Health Organization
_RELATIVE_END = re.compile(r"\s+(?:who|which|that)$")
_RELATIVE_CLAUSE = re.compile(r"\s+who\s.*$")
_PREPOSITION_START = re.compile(
    r"^(?:with|without|amid|despite|during|under|over|against|into|onto|upon)\s", re.I
)
# "President Trump on Monday", "the agency late Tuesday": the time is not part of the name
_TRAILING_TIME = re.compile(
    r"(?:,?\s+(?:on|late|early|last|this|earlier|later)?\s*(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|yesterday|today|tonight|(?:this|last)\s+(?:week|month|year))"
    r"(?:\s+(?:morning|afternoon|evening|night))?)+$",
    re.IGNORECASE,
)
_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.I)
_ENDS_IN_NUMBER = re.compile(r"(?:^|\s)\d[\d,.]*$")

# "not", "no longer", "don't" and "don\u2019t": the words that flip what follows them
_PARTICLES = (
    r"not|no\s+longer|no|never|none|nobody|nothing|neither|nor|without|cannot|"
    r"(?:ca|wo|did|does|do|is|was|are|were|has|have|had|could|would|should|must)n['\u2019]t"
)
NEGATION = re.compile(
    r"\b(?:" + _PARTICLES + r"|"
    r"denied|denies|deny|denial|rejected|rejects|rejecting|refused|refuses|refuted|dismissed|"
    r"baseless|false|untrue|unfounded|ruled out|rules out|canceled|cancelled|skipped|skipping|"
    r"halted|suspended|failed|fails)\b",
    re.IGNORECASE,
)
# What flips a statement's polarity: a particle, not a verb that acts on its object ("a
# judge dismissed the complaint", "Twitter suspended the account" deny nothing another
# account asserts; "refused to sign" against "signed" is an antonym pair's or a dispute's).
POLARITY = re.compile(r"\b(?:" + _PARTICLES + r")\b", re.IGNORECASE)
DISPUTE = re.compile(
    r"\b(?:(?:a\s+)?(?:sharply\s+|starkly\s+|very\s+|markedly\s+)?(?:different|conflicting|"
    r"contradictory|opposing|competing)\s+(?:account|version|narrative|picture|story|claims?|"
    r"messages?|signals?)|contradict(?:s|ed|ing)?|disput(?:e|es|ed|ing)|denied|denies|denial|"
    r"refut(?:e|es|ed|ation)|rebut(?:s|ted|tal)?|reject(?:s|ed|ing)\s+(?:the\s+)?(?:claims?|"
    r"reports?|assertions?|allegations?|accusations?)|baseless|unfounded|false|untrue|"
    r"counter(?:s|ed|ing)?\s+(?:the\s+)?(?:claims?|assertions?)|dismiss(?:ed|es)\s+(?:the\s+)?"
    r"(?:claims?|reports?|allegations?)|insist(?:s|ed)?|on\s+the\s+contrary|contrary\s+to\s+"
    r"(?:[\w.'\u2019-]+\s+){0,3}(?:claims?|assertions?|reports?|account|statements?))\b",
    re.IGNORECASE,
)
REFUTATION = re.compile(
    r"\b(?:hoax(?:es)?|fake|faked|false(?:ly)?|untrue|not\s+true|debunk(?:s|ed|ing)?|fabricat(?:ed|ion)|"
    r"no\s+evidence|baseless|unfounded|bogus|myth|misleading|satir(?:e|ical)|"
    r"dismiss(?:es|ed)\s+(?:the\s+)?(?:claims?|reports?)\s+as)\b",
    re.IGNORECASE,
)
FORWARD = re.compile(
    r"\b(?:to\s+watch|will|would\s+be\s+a|expected\s+to|is\s+set\s+to|are\s+set\s+to|plans?\s+to|"
    r"scheduled|upcoming|next|coming\s+(?:days|weeks|months)|deadline|whether|could|may\s+(?:soon|"
    r"still)|likely|warning|signals?)\b",
    re.IGNORECASE,
)
# What is still to come, for "What to watch": a plan, a schedule, a deadline, a pending
# decision. Narrower than FORWARD, which also takes a past warning or a "could" for a signal.
AHEAD = re.compile(
    r"\b(?:will|won't|(?:is|are)\s+(?:set|due|poised|expected|likely)\s+to|expected\s+to|"
    r"plans?\s+to|scheduled|upcoming|next\s+(?:week|month|year|step|round|meeting|session|"
    r"phase|stage|election|vote|hearing|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday)|deadline|to\s+watch|watch\s+for|in\s+the\s+coming\s+(?:days|weeks|months)|"
    r"whether)\b",
    re.IGNORECASE,
)
# Of AHEAD's cues, those that only mention a limit, an open question or an event to come,
# in a sentence that may tell of the past ("the Supreme Court on Monday ended ... the
# deadline", "Democrats assembled ... for the upcoming election"): no watch item by themselves.
_MENTIONS_AHEAD = re.compile(r"deadline|whether|upcoming", re.IGNORECASE)
# ... a cue after these names a thing ("the will of the voters", "Democrats' plans to"), or
# is set in the past ("was expected to")
_NO_VERB_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|our|your|my|no|political|free|good|ill|own|against"
    r"|was|were|had|been)|['\u2019]s?)\s+$",
    re.IGNORECASE,
)
# Someone's words: in double quotation marks, or in single ones ("said: 'We will ...'",
# "Trump \u2018poisoning\u2019 democracy"), an apostrophe ("don\u2019t") not closing them
_QUOTE_MARK = re.compile("[\"\u201c\u2018']")
_QUOTED = re.compile(
    r"\u201c[^\u201d]*(?:\u201d|$)|\"[^\"]*(?:\"|$)"
    r"|(?<!\w)\u2018.*?(?:\u2019(?![a-z])|$)|(?<![\w'])'(?=[A-Z]).*?(?:'(?![a-z])|$)"
)
# The writer speaking: "I" before a verb ("I joined", "I will"; not "World War I" or
# "C.I.A."), "we", "us", "our", "my" (not "US"), or to the reader: "you", "Imagine ..."
_FIRST_PERSON = re.compile(
    r"\bI(?:['\u2019](?:ve|m|ll|d)\b|\s+[a-z])|\b(?:[Ww]e|us|[Oo]urs?|[Mm]y|[Yy]ou(?:r|rs)?)\b"
    r"|\b[Ll]et['\u2019]s\b"
    r"|^(?:Imagine|Picture|Consider|Remember|Think\s+about)\b"
)


# A headline that gives the floor to a name: "Trump: My tweets 'were NOT Racist'"
_SPEAKER = re.compile(r"(?:[A-Z][\w.'\u2019-]*\s+){0,3}[A-Z][\w.'\u2019-]*:\s")


def _unquoted(statement: str) -> str:
    """``statement`` without what it quotes (someone else's words), or what a name before a
    colon says."""
    speaker = _SPEAKER.match(statement)
    if speaker is not None:
        return statement[: speaker.end()]
    if not any(mark in statement for mark in "\"'\u201c\u2018"):
        return statement
    return _QUOTED.sub(" ", statement)


@lru_cache(maxsize=SENTENCES_CACHED)
def in_own_voice(statement: str) -> bool:
    """Whether the writer speaks in ``statement`` outside any quotation ("We don't know where
    the virus came from.", "Last month, I joined 15,000 cyclists ...", "Imagine if the Rams
    had to play ...", "If you don't watch cable news, ..."): an op-ed's or a feature's voice,
    the writer's view or story, not news a brief reports as fact."""
    text = _unquoted(statement)
    actor = attribute(statement).actor
    if actor and not _FIRST_PERSON.search(actor):
        return False  # "It's our fault, the mayor's aide said.": someone's words, reported
    for m in _FIRST_PERSON.finditer(text):
        if m.group().startswith("I"):
            before = text[: m.start()].split()
            if len(before) > 1 and before[-1][:1].isupper():
                continue  # a numeral after a name: "World War I was", "Phase I trials"
        return True
    return False


# A sentence about the coverage, not the news: "The Washington Post was first to report Saul's
# dismissal.", "The plan was first reported by The New York Times." (an aside, "..., first
# reported by PBS, ...", leaves the sentence news)
_ABOUT_COVERAGE = re.compile(
    r"\b(?:was|were|is|are)\s+(?:the\s+)?first\s+(?:[\w-]+\s+){0,2}to\s+"
    r"(?:report|break|publish|reveal)|\b(?:was|were|had\s+been)\s+first\s+reported\s+by\b|"
    r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)",
    re.IGNORECASE,
)


def about_coverage(statement: str) -> bool:
    """Whether ``statement`` tells who reported the news rather than the news: no development
    and no one's position."""
    return _ABOUT_COVERAGE.search(statement) is not None


# A headline that argues rather than tells: a label, loaded words, an explainer's or a
# question's turn ("How To Argue About ...", "What did you do this weekend?")
# ... a label: an opinion page's, or a wire's or a newsletter's before the news ("FLASH:",
# "BREAKING —"), which a plain headline of the story says without
_LABEL = re.compile(
    r"\s*(?:opinion|commentary|editorial|analysis|op-ed|column|perspective|viewpoint|flash|"
    r"breaking(?:\s+news)?|just\s+in|developing|exclusive|update[ds]?|watch|live)"
    r"\s*[:|\u2014\u2013]",
    re.IGNORECASE,
)
_LOADED = re.compile(
    r"\b(?:slams?|blasts?|lambast(?:s|ed)?|rips|trashes|destroys|obliterates|torches|shreds|"
    r"lie[sd]?|lying|"
    r"liars?|absurd|disgrace(?:ful)?|shameful|outrageous|insane|bombshell|hysteri(?:a|cal)|"
    r"meltdown|unhinged|backs?\s+down|caves|bows\s+to|livid)\b",
    re.IGNORECASE,
)
# ... or a verdict the headline itself passes ("The Conservative Defense of Kyle Rittenhouse
# Is Dangerous Nonsense", "Ending Birthright Citizenship Is No Panacea", "Biden Is Wrong
# About ..."): a judgement after "is", not a fact ("Storm is dangerous" names the weather's
# danger in a news headline too rarely to weigh against an op-ed's title)
_VERDICT = re.compile(
    r"\b(?:is|are|was|were)\s+(?:(?:a|an|no|the|just|simply|pure|utter|total|dangerous|"
    r"complete|dead|so|very)\s+)*(?:nonsense|wrong|right|disaster|mistake|hypocri\w*|farce|"
    r"joke|sham|travesty|panacea|ridiculous|dishonest|pathetic|stupid|dumb|cowardly|reckless|"
    r"foolish|delusional|embarrassing|indefensible|a\s+gift\s+to|nothing\s+new)\b",
    re.IGNORECASE,
)
_EXPLAINER = re.compile(r"(?:how|why|here['\u2019]s|this\s+is\s+(?:how|why|what))\b", re.I)
# A question anywhere in it ("Does Biden Need Pennsylvania to Win? The Path to 270")
_QUESTION = re.compile(r"\?(?=\s|$)")


def _passes_verdict(line: str) -> bool:
    """A verdict in the headline's own voice, not one it reports ("Court says the ban was
    wrong")."""
    m = _VERDICT.search(line)
    return m is not None and REPORTING.search(line, 0, m.start()) is None


def slanted(headline: str) -> bool:
    """Whether ``headline`` argues rather than tells what happened ("OPINION: ...", "...
    as Pelosi and Schumer Lie About Their Meeting", "Kim Backs Down ...", "How To Argue
    About ...", a question, a label such as "FLASH:", the writer speaking): a story has a
    plainer one to be headed by when another of its sources tells it (words in quotation
    marks are someone's, not the headline's)."""
    line = headline.strip()
    return bool(
        _LABEL.match(line)
        or _EXPLAINER.match(line)
        or line.rstrip("\"'\u201d\u2019").endswith("?")
        or _QUESTION.search(_unquoted(line))
        or _LOADED.search(_unquoted(line))
        or _passes_verdict(_unquoted(line))
        or in_own_voice(line)
    )


def looks_ahead(statement: str) -> bool:
    """Whether ``statement`` tells in its own words of what is to come ("will", "is expected
    to", "next week"), for What to watch: not in a quotation or a first-person sentence
    (someone's words: "“I will run,” Moore said" was an announcement), not a cue that names a
    thing or is set in the past, nor a mere mention of a deadline or an upcoming event."""
    if in_own_voice(statement):
        return False
    quoted = [m.span() for m in _QUOTED.finditer(statement)]
    for m in AHEAD.finditer(statement):
        if any(start <= m.start() < end for start, end in quoted):
            continue
        if _MENTIONS_AHEAD.fullmatch(m.group()):
            continue
        if _AS_BEFORE.search(statement, max(0, m.start() - 4), m.start()):
            continue  # "had lifted off as scheduled", "went as planned": what came about
        if _NO_VERB_BEFORE.search(statement, max(0, m.start() - 20), m.start()):
            continue
        relative = _RELATIVE_BEFORE.search(statement, max(0, m.start() - 12), m.start())
        if relative is not None and _PAST_VERB.search(statement, 0, relative.start()):
            continue  # "The House passed a bill that will deliver ...": what it did, and why
        return True
    return False


_AS_BEFORE = re.compile(r"\bas\s+$", re.IGNORECASE)
# "that will", "which will": a cue in a clause that describes something ...
_RELATIVE_BEFORE = re.compile(r"\b(?:that|which|who)\s+$", re.IGNORECASE)
# ... after a main verb in the past: the news is what was done ("gave final passage to a
# package that will deliver", "discussed the changes that will come")
_PAST_VERB = re.compile(
    r"(?<!\bthe )(?<!\ba )(?<!\ban )\b(?:[a-z]{2,}ed|gave|took|made|held|met|won|lost|left|"
    r"came|went|brought|began|sent|spent|sought|struck|told|wrote|signed|passed)\b"
)


HEDGE = re.compile(
    r"\b(?:might|perhaps|arguably|seems?|appears?\s+to|in\s+(?:our|my)\s+view|we\s+believe|"
    r"should|must|ought)\b",
    re.IGNORECASE,
)
ANAPHORIC = re.compile(
    r"^(?:This|That|These|Those|It|He|She|They|Such|The\s+(?:former|latter|move|statement|"
    r"remarks?|comments?|decision))\b"
)
# ... and one whose subject is what the one before it said ("This is what ...", "That was
# ..."): no claim of its own for another source to refute
POINTS_BACK = re.compile(r"(?:This|That|These|Those)\s+(?:is|was|are|were)\b")
# A sentence opening on a connective answers the one before it: it does not stand alone.
CONNECTIVE = re.compile(
    r"^(?:But|However|Yet|Still|And|Also|Meanwhile|Instead|Nonetheless|Nevertheless|Moreover|"
    r"Furthermore|(?:In|By)\s+contrast|On\s+the\s+other\s+hand|Even\s+so)\b"
)


# ... or one opening on a phrase about what the one before said or did ("With those striking
# words in an interview published late Sunday, ...", "After that, ...", "Despite this, ..."):
# not a time ("In this year's budget"; "By that time" does lean back) nor "Given that we are ..."
LEANS_BACK = re.compile(
    r"^(?!Given\s+that\b)"
    r"(?:With|After|Despite|Given|Beyond|Besides|Amid|Following|Like|Unlike|In|By|For|At)\s+"
    r"(?:all\s+)?(?:this|that|these|those|such)\b(?!\s+(?:week|weekend|month|year|morning|"
    r"afternoon|evening|night|season|spring|summer|fall|autumn|winter|decade|century)s?\b)"
)


def needs_context(statement: str) -> bool:
    """Whether ``statement`` leans on the sentence before it ("This statement ...", "He
    added ...", "But ...") or after it (it opens a quotation it does not close: '"With his
    words and his actions, President Trump has indicted himself.' is someone's, named in a
    sentence to come): not one to stand alone as a bottom line or a story's one line."""
    return bool(
        ANAPHORIC.match(statement)
        or CONNECTIVE.match(statement)
        or LEANS_BACK.match(statement)
        or opens_unclosed_quote(statement)
        or unattributed_quotation(statement)
        or opens_on_history(statement)
    )


def opens_on_history(statement: str) -> bool:
    """Whether ``statement`` opens on a time long past and tells of no later one ("When the
    Great Plague struck Marseille in 1720, killing more than half ...", "In 1965, ..."): the
    background a feature opens with, not the news it leads to."""
    opening = statement.split(",", 1)[0]
    if len(opening) == len(statement):
        return False
    then = [int(y) for y in _IN_YEAR.findall(opening)]
    later = [int(y) for y in _ANY_YEAR.findall(statement) if int(y) >= HISTORY_BEFORE]
    return bool(then) and min(then) < HISTORY_BEFORE and not later


HISTORY_BEFORE = 1990  # a year before it, with none after, is history to today's news
# a year as a time ("in 1720", "since 1965"), not a name or a number ("the 1776 Commission",
# "H.R. 1154")
_IN_YEAR = re.compile(r"\b(?:in|since|by|during|until|around|circa)\s+(1[0-9]{3})\b", re.I)
_ANY_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def unattributed_quotation(statement: str) -> bool:
    """Whether ``statement`` is wholly someone's words with no one named in it ('"In the
    electricity sector we had a banner year ..."', its speaker named in the paragraph
    before): a quotation the reader cannot attribute when it stands alone."""
    return bool(_WHOLLY_QUOTED.fullmatch(statement)) and attribute(statement).actor is None


_WHOLLY_QUOTED = re.compile(r'\s*["\u201c][^"\u201c\u201d]+["\u201d]\s*')


def opens_unclosed_quote(statement: str) -> bool:
    """Whether ``statement`` opens a quotation it does not close (a quotation going on into
    the next paragraph, its speaker named there or before)."""
    return _OPENS_QUOTE.match(statement) is not None and still_quoting(statement, False)


_OPENS_QUOTE = re.compile(r'\s*["\u201c]')


NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"hundred|thousand|million|billion)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(19[5-9]\d|20[0-9]\d)\b")

# Pairs of words whose presence on opposite sides signals incompatible claims.
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("direct", "indirect"),
    ("increase", "decrease"),
    ("rise", "fall"),
    ("rose", "fell"),
    ("win", "lose"),
    ("won", "lost"),
    ("accept", "reject"),
    ("accepted", "rejected"),
    ("confirm", "deny"),
    ("confirmed", "denied"),
    ("support", "oppose"),
    ("supports", "opposes"),
    ("legal", "illegal"),
    ("true", "false"),
    ("agree", "disagree"),
    ("guilty", "innocent"),
    ("alive", "dead"),
    ("open", "closed"),
    ("attend", "skip"),
    ("attended", "skipped"),
    ("resumed", "suspended"),
    ("safe", "dangerous"),
    ("success", "failure"),
    ("ceasefire", "attack"),
)


@dataclass(frozen=True)
class Attribution:
    actor: str | None
    verb: str | None
    verb_start: int = -1  # offset of the reporting verb in the sentence, -1 when none


# A name of several capitalised words, through "of", "and", "for", "the" ("Department of
# Health and Human Services", "Centers for Disease Control and Prevention").
_LONG_NAME = re.compile(
    r"[A-Z][\w'\u2019.-]+(?:\s+(?:(?:of|and|for|the|on|de|du|la|al)\s+)*[A-Z][\w'\u2019.-]+)+"
)
# A relative clause's opening before its subject: "a shouting match in which Fauci" -> "Fauci"
_RELATIVE = re.compile(r"^.*\b(?:which|whom|whose)\s+(?=\S)", re.I)


# "for instance when he", "seconds after Sanders": an opening phrase, not part of the name
_LEADING_PHRASE = re.compile(
    r"^(?:for\s+(?:instance|example)|in\s+fact|(?:\w+\s+)?(?:seconds|minutes|hours|days|"
    r"weeks|months|years)\s+(?:after|before|later))\b,?\s*",
    re.I,
)
# "Lisa Page breaks silence": a name, then a verb in the present
_NAME_THEN_VERB = re.compile(r"((?:[A-Z][\w'\u2019.-]*\s+)+)[a-z]+s\b")


def _clean_actor(text: str) -> str | None:
    text = text.strip(" ,;:\u2014-\u2013\"'\u201c\u201d")
    if text[:1] in "([" and ")" not in text and "]" not in text:
        text = text[1:].lstrip()  # "(Alibaba says it has no plans ...)": the aside's subject
    text = _RELATIVE.sub("", text)
    text = _LEADING_PHRASE.sub("", text)
    text = _LEADING.sub("", text)
    text = _LEADING_TIME.sub("", text)
    text = _RELATIVE_END.sub("", text)
    text = _RELATIVE_CLAUSE.sub("", text)  # "A senator who opposed the bill": a senator
    if _PREPOSITION_START.match(text):
        return None  # "With new jobless [claims hitting a low]": a phrase, not who said it
    text = _TRAILING_ADVERB.sub("", text).strip(" ,")
    if _GERUND_START.match(text) or text.endswith(("'s", "\u2019s")):
        return None  # "joining a host of", "President Trump's [stolen election claims]"
    if text.count("\u201c") != text.count("\u201d"):
        text = text.replace("\u201c", "").replace("\u201d", "")  # 'passages of "Peril'
    if not text:
        return None
    text = _TRAILING_TIME.sub("", text).strip(" ,")
    text = re.sub(r"(?:\s+(?:and|or|but|nor))+$", "", text, flags=re.I)
    if not text or _CLAUSE_VERB.search(text) or _CLAUSE_START.match(text):
        return None
    if _ENDS_IN_NUMBER.search(text):
        return None  # "The so-called interim analysis looked at the first 94": no name
    if text.lower() not in _PRONOUNS and not any(
        w.lower() not in STOPWORDS for w in re.findall(r"[^\W\d_][\w'\u2019-]*", text)
    ):
        return None  # "and", "but also": a fragment, not an actor
    n_words = len(text.split())
    if n_words > 10:  # a long phrase: the name in it ("a statement from the Department of ...")
        head, _, tail = text.rpartition(" and ")
        words = tail.split()
        if (
            0 < len(words) <= 6
            and tail[:1].isupper()
            and any(w.islower() and w not in STOPWORDS for w in words)  # not "... and Prevention"
            and _MAIN_VERB.search(head, 1)
        ):
            # "Yonhap found no evidence ... in Beijing and Chinese government sources [told]":
            # two clauses; the one that ends at the verb says who
            return _clean_actor(tail)
        names = _LONG_NAME.findall(text)
        # "The Supreme Court Monday issued ...": the day is not part of the name
        return _TRAILING_TIME.sub("", names[-1]) if names else None
    return text


_PARTY_TAG = re.compile(r"\(?[RDI]-[A-Z][A-Za-z.]{0,10}\)?")  # "R-Ky.", "(D-Calif.)"


def _subject_of(segment: str) -> str | None:
    """The subject of the clause that ends at a reporting verb, from the text before it."""
    # "Jonathan Conricus, initially said": the adverb is not the subject
    segment = _TRAILING_ADVERB.sub("", segment.rstrip()).rstrip()
    if segment.endswith(","):
        parts = [p.strip() for p in segment[:-1].split(",") if p.strip()]
        # "..., Name, description," -> Name; "..., description, Name," -> Name
        for part in reversed(parts):
            if _PARTY_TAG.fullmatch(part):
                continue  # "Mitch McConnell, R-Ky., said": the name, not the tag
            # '"... happen," Mr Jackson, now a pro-Trump congressman,': the name after a quote
            bare = part.lstrip(_QUOTE_MARKS)
            if bare[:1].isupper() and part.lower() not in _PRONOUNS:
                return _clean_actor(part)
        return _clean_actor(parts[-1]) if parts else None
    parts = re.split(r"[,;:\u2014]|\s\u2013\s|\bthat\b|\bwhile\b|\bbut\b", segment)
    last = parts[-1].strip()
    if _RELATIVE_END.search(last) and (phrase := _ANTECEDENT.search(_RELATIVE_END.sub("", last))):
        last = phrase.group(0)  # "Jan. 6 panel subpoenas a Trump ally who promised": the ally
    if last.lower() in {"who", "which"} and len(parts) > 1:
        last = parts[-2].strip()  # "Biden fires Commissioner Andrew Saul, who says": Saul
        name = _TRAILING_NAME.search(last)
        if name is not None and name.start() > 0 and not last[: name.start()].istitle():
            last = name.group(0)
    if last.endswith(" and"):  # "Biden defended the withdrawal and insisted": Biden
        verb = _MAIN_VERB.search(last, 1)
        if verb is not None:
            last = last[: verb.start()]
    return _clean_actor(last)


_ANTECEDENT = re.compile(r"\b(?:a|an|the)\s+(?:\S+\s+){0,3}\S+$", re.I)  # the noun phrase
_TRAILING_NAME = re.compile(r"(?<!\S)(?:[A-Z][\w'\u2019.-]*\s+)*[A-Z][\w'\u2019.-]*$")
_PASSIVE = re.compile(r"\s+by\b")
# A number ("94", "1,200"; not an age, "Page, 39,") or a compound adjective ("Republican-led",
# "GOP-controlled"): the words before a noun
_COUNTS_OR_QUALIFIES = re.compile(r"\d(?:[\d,.]*\d)?|\w[\w'\u2019]*-\w+ed|so-called")
_PREPOSITIONS = frozenset(
    ["to", "over", "about", "for", "in", "on", "with", "against", "from", "into", "amid"]
)
_NOUN_FORMS = frozenset(["claims", "claim", "notes", "promises", "pledges", "vows", "threats"])
_COMMA_AFTER = re.compile(r"\s*,|\s+(?:and|or|at|of|about|over|against|from)\b")
_ENDS_AT = re.compile(r"[\s.!?\"'\u201d\u2019)]*")  # nothing but closing marks to the end
_CLAIM_MARK = re.compile(r"[,\"\u201d\u2019]")  # '"...," she said', '..., officials said'


@lru_cache(maxsize=SENTENCES_CACHED)
def attribute(sentence: str) -> Attribution:
    """Who the sentence attributes its claim to, and the reporting verb, if any."""
    m = ACCORDING_TO.search(sentence)
    if m and _speaks(m.group(1)):
        source = m.group(1)
        if m.end(1) < len(sentence) and sentence[m.end(1)].isalnum():
            source = source.rsplit(None, 1)[0]  # cut at the length limit: not half a word
        return Attribution(_clean_actor(source), "according to", m.start())
    p = PARTICIPLE.search(sentence)
    r = REPORTING.search(sentence)
    if p and (r is None or p.start() < r.start()):
        return _participle_attribution(sentence, p)
    qualified = False  # a reporting verb's word taken as a noun's, which hid a participle
    quoted = [m.span() for m in _QUOTED.finditer(sentence)] if _QUOTE_MARK.search(sentence) else []
    for r in REPORTING.finditer(sentence):
        if any(start < r.start() < end for start, end in quoted):
            continue  # '"Our own ancestors wouldn't say ...," says Te Kaurinui': the words quoted
        before = sentence[: r.start()].rstrip()
        prev = before.rsplit(None, 1)[-1].lower() if before else ""
        if prev in _NOUN_CONTEXT or prev.endswith(("'s", "\u2019s", "ing")):
            continue  # "the claims", "Trump's claims", "rejecting claims": a noun, not a verb
        if prev in _PREPOSITIONS:  # "immunity to disputes over alleged excessive force": a
            continue  # noun, an adjective; "declined to say": nothing said
        if _COUNTS_OR_QUALIFIES.fullmatch(prev):
            qualified = True
            continue  # "the first 94 confirmed cases", "Republican-led states": a noun's word
        if _ENDS_AT.fullmatch(sentence, r.end()) and not _CLAIM_MARK.search(before):
            continue  # "... over COVID-19 mask claims" ends a headline: a noun, said by nobody
        if _PASSIVE.match(sentence, r.end()):
            continue  # "the list announced by the spokesman": the list announced nothing
        if r.group(1).startswith("claim") and _CLAIMED_GOODS.match(sentence, r.end()):
            continue  # "4.4 million people claimed unemployment benefits": nothing said
        if r.group(1) in _NOUN_FORMS and _COMMA_AFTER.match(sentence, r.end()):
            continue  # "unemployment claims, a proxy", "election claims at a rally": a noun
        if r.group(1) in _NOUN_FORMS and _VERB_AFTER.match(sentence, r.end()):
            continue  # "Unemployment claims fell to 473,000": the claims did something
        inverted = _INVERTED.match(sentence, r.end()) if _CLAIM_MARK.search(before[-1:]) else None
        if inverted is not None:  # '"The port will reopen," said the minister': who follows
            who = _clean_actor(without_full_stop(inverted.group(1)))
            if who:
                return Attribution(who, r.group(1), r.start())
        subject = _subject_of(before)
        if subject and r.group(1) in _NOUN_FORMS and not _NAMED_SUBJECT.match(subject):
            continue  # "misleading, false and bizarre claims spread by": a noun after adjectives
        if subject:
            return Attribution(subject, r.group(1), r.start())
    if p and qualified:  # "... into five Republican-led states ..., saying": who says
        return _participle_attribution(sentence, p)
    return Attribution(None, None)


# "claimed jobless benefits", "claimed 12 lives", "claimed the title": taken, not said
_CLAIMED_GOODS = re.compile(
    r"\s+(?:(?:the|a|an|their|his|her|its|some|about|nearly|more\s+than|[\d,.]+|million|"
    r"billion|thousand|[a-z]+(?:ment|less|ed|al|ic))\s+){0,4}"
    r"(?:benefits?|lives|life|refunds?|deductions?|tax\s+credits?|titles?|prizes?|"
    r"jackpot|medals?|seats?|asylum|compensation|damages|insurance|pensions?|territory|"
    r"land|throne|crown|trophy|victims)\b"
)


def _speaks(source: str) -> bool:
    """Whether what follows "according to" is who or what says it (a name, "police", "a
    report", "the legend"), not what a thing varies with ("according to parameters such as
    the airplane's altitude", "according to plan", "according to their size")."""
    if any(c.isupper() or c.isdigit() for c in source):
        return True  # a name: "the Labor Department", "9to5Mac"
    head = _HEAD_ENDS.split(source, maxsplit=1)[0]
    return not any(w.removesuffix("s") in _MEASURES for w in head.lower().split())


_HEAD_ENDS = re.compile(r"\b(?:such|as|of|from|by|in|on|at|for|with|and|or|that|which)\b")
# What a thing can be "according to" that says nothing: measures, rules and plans
_MEASURES = frozenset(
    [
        "parameter",
        "plan",
        "schedule",
        "size",
        "need",
        "factor",
        "condition",
        "circumstance",
        "variable",
        "type",
        "kind",
        "category",
        "level",
        "scale",
        "formula",
        "priority",
        "age",
        "weight",
        "height",
        "design",
        "specification",
        "pattern",
        "criteria",
        "criterion",
        "merit",
        "ability",
        "income",
        "performance",
        "distance",
        "severity",
        "demand",
    ]
)


def _participle_attribution(sentence: str, p: re.Match[str]) -> Attribution:
    """Who the clause before a participle's comma names ("X did Y, saying ..."): X."""
    main = sentence[: p.start()]
    clause = re.split(r"[,;:\u2014]", main)
    candidates = [c for c in clause if c.strip()]
    head = candidates[-1] if candidates else main
    v = _MAIN_VERB.search(head, 1)
    named = None if v else _NAME_THEN_VERB.match(head.strip())
    subject = head[: v.start()] if v else named.group(1) if named else head
    return Attribution(_clean_actor(subject), p.group(1), p.start(1))


# A verb right after "claims" or "vows" makes it the subject, a noun
_VERB_AFTER = re.compile(
    r"\s+(?:fell|rose|were|are|have|had|remain(?:ed)?|jumped|dropped|declined|climbed|surged|"
    r"soared|plunged|plummeted|totall?ed|reached|hit|topped|increased|decreased|edged|ticked)\b"
)


# Who "claims" or "vows" is named or determined ("Trump claims", "the company claims").
_NAMED_SUBJECT = re.compile(
    r"(?:[A-Z0-9]|(?:the|a|an|this|that|his|her|its|their|he|she|it|they|we|you)\b)"
)


# After a claim and its reporting verb, the one who said it: "..., said the official, who ...",
# '"...," said Jen Psaki.'
_INVERTED = re.compile(
    r"\s+((?:the|a|an)\s+[a-z][\w'\u2019-]*(?:\s+[a-z][\w'\u2019-]*){0,2}|"
    r"[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,4})(?=\s*[,.;]|\s*$)"
)


_QUOTED_BEFORE = re.compile(r"[\u201d\"],?\s*$")  # "'The port will reopen,' the minister said"
_CLAUSE_BEFORE = re.compile(r",\s*$")  # "The port will reopen, the minister said on Monday."
_QUOTE_MARKS = " \t\u201c\u201d\"',"
VENUE_WORDS = 8  # "said on Monday", "told CNN's State of the Union": no more than this ...
_CLAIM_AFTER = re.compile(  # ... and no claim: "said the repairs would cost ..."
    r"\b(?:that|is|are|was|were|has|have|had|will|would|can|could|should|must|may|might)\b",
    re.IGNORECASE,
)


# "said in a blog post Wednesday announcing ...", "said on Twitter": where it was said
_VENUE = re.compile(r"\w+\s+(?:in|on|at|during|via|through)\b")


def venue_only(span: str) -> bool:
    """Whether a claim's span from its reporting verb tells only where it was said ("said in
    the recording, reported by The New York Times on Sunday"), not what."""
    return _VENUE.match(span) is not None and not _CLAIM_AFTER.search(span)


def claim_span(statement: str, actor_at: int, verb_at: int) -> tuple[int, int]:
    """Where an attributed claim is in its sentence: from the reporting verb to the end of its
    clause ("X said the port will reopen"), or, when the actor and verb come after the claim
    ("'The port will reopen,' X told CNN"), the claim before them, without its quotation
    marks; the whole sentence when neither is clear."""
    if verb_at <= 0 or not 0 <= actor_at < verb_at:
        return 0, clause_end(statement, 0, asides=True)
    head, tail = statement[:actor_at], statement[verb_at:]
    venue = not _CLAIM_AFTER.search(tail) and (
        len(tail.split()) <= VENUE_WORDS or _VENUE.match(tail) is not None
    )
    if _QUOTED_BEFORE.search(head) or (_CLAUSE_BEFORE.search(head) and venue):
        start = len(head) - len(head.lstrip(_QUOTE_MARKS))
        end = len(head.rstrip(_QUOTE_MARKS))
        if len(head[start:end].split()) >= 3:
            return start, end
    return verb_at, clause_end(statement, verb_at, asides=True)


def is_pronoun(actor: str | None) -> bool:
    return actor is not None and actor.lower() in _PRONOUNS


def actor_key(actor: str) -> str:
    """A normalised form for grouping the same actor ('The ministry' ~ 'the ministry',
    'Ms. Granholm' ~ 'Granholm')."""
    key = _DETERMINER.sub("", actor.strip()).lower().replace("\u2019", "'")
    key = re.sub(r"\s+", " ", key)
    return _HONORIFIC.sub("", key) or key


def same_actor(a: str, b: str) -> bool:
    """Whether two actor names name one actor: the same key, one's role within the other's
    name, or every name word of one in the other and both ending with it ("Trump" and "US
    President Donald Trump"), so an outlet's "Trump" never disputes another outlet's
    "President Trump"."""
    key_a, key_b = actor_key(a), actor_key(b)
    if key_a == key_b or _abbreviates(a, b) or _abbreviates(b, a):
        return True
    voice_a, voice_b = _voice_of(key_a) or key_a, _voice_of(key_b) or key_b
    if _same_words(voice_a, voice_b):
        return True  # "The president-elect of Iran"; "a Taliban spokesperson" and "the Taliban"
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter.split()) >= 2 and f" {shorter} " in f" {longer} ":
        return True  # "the Senate minority leader" and "Senate Minority Leader Mitch McConnell"
    names_a = {w for w in _NAME_WORD.findall(a) if w.rstrip(".") not in TITLE_WORDS}
    names_b = {w for w in _NAME_WORD.findall(b) if w.rstrip(".") not in TITLE_WORDS}
    if not names_a or not names_b or not (names_a <= names_b or names_b <= names_a):
        return False
    # ... and both are that name, not something it qualifies ("Defence chiefs", "A Ministry
    # of Defence source", "the Biden administration"): each ends with the name they share
    return _last_word(a) == _last_word(b) and _last_word(a) in names_a & names_b


# Who speaks for someone: "the Biden administration", "the senator's office", "Trump's
# lawyer", "a campaign spokeswoman": the voice of the one named before the role.
_SPEAKS_FOR = re.compile(
    r"^(?:the\s+|a\s+|an\s+)?(?P<who>.+?)(?:['\u2019]s?)?\s+(?:office|administration|campaign|"
    r"spokes(?:man|woman|person)|press\s+secretary|lawyers?|attorneys?|aides?|legal\s+team)$",
    re.IGNORECASE,
)
# A title and its short form: "the senator's office" speaks for "Sen. Sheldon Whitehouse"
_ROLE_FORMS = {
    "senator": ("senator", "sen"),
    "governor": ("governor", "gov"),
    "president": ("president",),
    "representative": ("representative", "rep"),
    "congressman": ("rep", "congressman"),
    "congresswoman": ("rep", "congresswoman"),
    "mayor": ("mayor",),
}


def one_voice(a: str, b: str) -> bool:
    """Whether two actors speak with one voice: one actor under two names (``same_actor``), or
    one speaking for the other ("The Biden administration" and "Biden", "The senator's
    office" and "Sen. Sheldon Whitehouse", "Cuomo's lawyer" and "Andrew Cuomo")."""
    if same_actor(a, b):
        return True
    for voice, other in ((a, b), (b, a)):
        m = _SPEAKS_FOR.match(voice.strip())
        if m is None:
            continue
        who = m.group("who")
        if same_actor(who, other):
            return True
        forms = _ROLE_FORMS.get(who.lower())
        words = {w.lower().rstrip(".") for w in other.split()}
        if forms is not None and not words.isdisjoint(forms):
            return True
    return False


def _same_words(a: str, b: str) -> bool:
    """Whether two keys are one name in another order ("the president-elect of Iran" and
    "Iranian president-elect"): the same words but "of", a place and its people's adjective
    counting as one ("Iran", "Iranian")."""
    words_a = [w for w in a.split() if w != "of"]
    left = [w for w in b.split() if w != "of"]
    if not words_a or len(words_a) != len(left):
        return False
    for word in words_a:
        match = next((w for w in left if _one_word(word, w)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _one_word(a: str, b: str) -> bool:
    """One word, or a place and its people's adjective ("Iran", "Iranian"; "Russia")."""
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 4 and long.removeprefix(short) in _DEMONYM_ENDINGS)


_DEMONYM_ENDINGS = frozenset(["n", "an", "ian", "ese", "i", "ish"])


# "a Taliban spokesperson", "White House officials", "White House press secretary Jen Psaki":
# the voice of the organisation named before the role.
_VOICE = re.compile(
    r"^(?P<org>[a-z][\w'.-]*(?: [a-z][\w'.-]*){0,3}?) (?:spokes(?:person|man|woman)|"
    r"press secretary|officials?|aides?)\b"
)


def _voice_of(key: str) -> str | None:
    """The organisation an actor key speaks for ("taliban" for "taliban spokesperson")."""
    m = _VOICE.match(key)
    return m.group("org") if m else None


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_NAME_INITIAL = re.compile(r"\b[A-Z]")  # "Republican National Committee": R, N, C


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is an acronym of ``name``: written beside it ("The Republican National
    Committee (RNC)") or spelled by its capitalised words' initials."""
    acronym = _LEADING_THE.sub("", short.strip())
    if not _ACRONYM.fullmatch(acronym) or _ACRONYM.fullmatch(name.strip()):
        return False
    if f"({acronym})" in name:
        return True
    initials = "".join(_NAME_INITIAL.findall(_LEADING_THE.sub("", _PARENTHESIS.sub("", name))))
    return len(acronym) >= 3 and initials == acronym  # two letters spell too much by chance


_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _last_word(actor: str) -> str:
    words = _PARENTHESIS.sub("", actor).split()
    return words[-1].strip(".,;:\"'\u201d") if words else ""


_PARENTHESIS = re.compile(r"\([^)]*\)")


_NAME_WORD = re.compile(r"\b[A-Z][\w'\u2019-]+")
# Capitalised words that are a role, not a name: "President" alone names nobody in particular.
TITLE_WORDS = frozenset(
    [
        "The",
        "A",
        "An",
        "President",
        "Former",
        "Senator",
        "Sen",
        "Rep",
        "Representative",
        "Gov",
        "Governor",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Minister",
        "Prime",
        "Secretary",
        "General",
        "US",
        "U.S",
        "UK",
        "Officials",
        "Official",
        "Senate",
        "House",
        "GOP",
        "Minority",
        "Majority",
        "Leader",
        "Speaker",
        "Chief",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Press",
        "Deputy",
        "Director",
        "Vice",
        "Republican",
        "Democratic",
        "Democrat",
        "Attorney",
    ]
)
_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|dr|prof|sen|rep|gov|gen|lt|col|sgt|rev)\.? (?=\S)")


# What a sentence can make "say" that is no actor: a document (its author is the actor)
DOCUMENT_VOICES = frozenset(
    [
        "opinion",
        "ruling",
        "report",
        "reports",
        "memo",
        "statement",
        "letter",
        "order",
        "document",
        "documents",
        "study",
        "filing",
        "complaint",
        "lawsuit",
        "suit",
        "petition",
        "motion",
        "indictment",
        "bill",
        "legislation",
        "survey",
        "poll",
        "analysis",
        "article",
        "story",
        "summary",
    ]
)
# Words that open a noun phrase naming no one in particular ("Officials", "Police", "Health
# officials", "Earlier reports"): capitalised only because the sentence starts with them.
_UNNAMED_WORDS = DOCUMENT_VOICES | frozenset(
    [
        "official",
        "authority",
        "authorities",
        "police",
        "source",
        "analyst",
        "expert",
        "critic",
        "witness",
        "witnesses",
        "resident",
        "prosecutor",
        "investigator",
        "researcher",
        "scientist",
        "lawmaker",
        "legislator",
        "observer",
        "regulator",
        "doctor",
        "lawyer",
        "attorney",
        "aide",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "protester",
        "activist",
        "officer",
        "leader",
        "diplomat",
        "economist",
        "people",
        "person",
        "agency",
        "ministry",
        "government",
        "company",
        "court",
        "judge",
        "board",
        "committee",
        "council",
        "campaign",
        "administration",
        "office",
        "group",
        "team",
        "family",
        "media",
        "newspaper",
        "outlet",
        "insider",
        "employee",
        "worker",
        "staff",
        "user",
        "parent",
        "student",
        "voter",
        "earlier",
        "later",
        "previous",
        "recent",
        "initial",
        "local",
        "other",
        "senior",
        "top",
        "former",
        "unnamed",
        "anonymous",
        "federal",
        "state",
        "city",
        "county",
        "health",
        "military",
        "security",
        "intelligence",
        "various",
        "numerous",
        "multiple",
        "independent",
        "foreign",
        "western",
        "eastern",
        "two",
        "three",
        "four",
        "five",
    ]
)
_ACTOR_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")


def is_document(actor: str) -> bool:
    """Whether ``actor`` is a document, not who wrote or filed it ("Earlier reports", "A
    government whistleblower complaint", "The 165-page report"): its last word, in lower
    case, names a document ("the Bureau of Economic Analysis" names someone)."""
    words = _ACTOR_WORD.findall(actor)
    return bool(words) and words[-1] in DOCUMENT_VOICES


# Who writes or files a document, named in front of it: "a whistleblower complaint"
_AUTHOR_WORDS = frozenset(
    [
        "whistleblower",
        "government",
        "court",
        "agency",
        "ministry",
        "department",
        "committee",
        "campaign",
        "official",
        "prosecutor",
        "investigator",
        "researcher",
        "scientist",
        "lawmaker",
        "regulator",
        "lawyer",
        "attorney",
    ]
)


def document_author(actor: str) -> str | None:
    """Who a document named in front of its word speaks for ("A government whistleblower
    complaint": "A government whistleblower"; "a Lancet study": "Lancet"), or None when no
    one is ("Earlier reports", "The 165-page report", "a new study")."""
    head = actor.rsplit(None, 1)[0] if len(actor.split()) > 1 else ""
    head = re.sub(r"['\u2019]s?$", "", head)
    words = _ACTOR_WORD.findall(head)
    if not words:
        return None
    if words[-1][:1].isupper() and names_someone(head):
        name = _TRAILING_NAME.search(head)
        return name.group(0) if name else None
    return head if words[-1].lower() in _AUTHOR_WORDS else None


def names_someone(actor: str) -> bool:
    """Whether ``actor`` is a name or a named organisation ("Attorney General William Barr",
    "the White House", "US officials", "Republicans"), not a noun phrase that names no one
    ("The official", "Earlier reports", "Both officials", "The authority", "The petition"):
    a label on the page must say who."""
    for i, word in enumerate(_ACTOR_WORD.findall(actor)):
        word = re.sub(r"['\u2019]s?$", "", word).rstrip(".")
        if not word[:1].isupper():
            continue
        if len(word) > 1 and word.isupper():
            return True  # an acronym: "US", "NSA", "U.S"
        plain = word.lower()
        if plain in STOPWORDS:
            continue
        if i > 0 or (plain not in _UNNAMED_WORDS and plain.removesuffix("s") not in _UNNAMED_WORDS):
            return True
    return False


@lru_cache(maxsize=SENTENCES_CACHED)
def negated(text: str) -> bool:
    return NEGATION.search(text) is not None


NEGATION_REACH = 1  # content words after a negation that it denies: its predicate


def negates(text: str, terms: Collection[str]) -> bool:
    """Whether a negation in ``text`` bears on one of ``terms`` (content-word stems): the
    first content word after it, in its clause, is one of them. "Iran did not attend the
    talks" denies attending, not the talks; "No talks were held" denies the talks. "Taiwan
    will not bow to pressure" says nothing against another account of the pressure, nor does
    "the workers were not tested" deny the workers."""
    for m in POLARITY.finditer(text):
        clause = _CLAUSE_END.split(text[m.end() :], maxsplit=1)[0]  # its scope ends at a comma
        before = _CLAUSE_END.split(text[: m.start()])[-1]
        if _CONDITION.search(before):
            continue  # "will skip the debates if the panel doesn't change": a condition
        if any(term in terms for term in content_terms(clause)[:NEGATION_REACH]):
            return True
    return False


_CLAUSE_END = re.compile(r"[,;:!?\u2014]")  # not "." ("U.S."): a statement is one sentence
_CONDITION = re.compile(r"\b(?:if|unless|until|whether|lest)\b", re.IGNORECASE)


# Words by which a source finds fault with what it reports: a claim side that uses them agrees
# with a refutation of the same subject rather than contradicting it ("the CDC's data paint an
# inaccurate picture" / "scientists warn the CDC's data could be misleading").
FAULT = re.compile(
    r"\b(?:inaccurate|incorrect|wrong(?:ly)?|distort(?:s|ed|ing|ion)?|mislead(?:s|ing)?|"
    r"flawed|erroneous(?:ly)?|mistakes?|accus(?:ed|es|ing|ations?)|alleg(?:ed|es|ing|ations?)|"
    r"critici[sz](?:ed|es|m)|falsehoods?|fact[- ]?check(?:s|ed|ing|ers?)?|rumou?rs?|"
    r"conspiracy\s+theor(?:y|ies|ists?)|unproven|unsubstantiated|"
    r"without\s+(?:providing\s+|offering\s+|any\s+)?evidence)\b",
    re.IGNORECASE,
)


# "Trump's false election claims", "an unfounded narrative of fraud": a word that labels a
# claim both outlets report, not one that says the other outlet's account is false.
_LABELS_A_CLAIM = re.compile(  # "false election claims", "misleading, false and bizarre claims"
    r",?\s+(?:(?:[\w'\u2019-]+,?\s+){0,3})(?:claims?|narratives?|allegations?|accusations?|"
    r"conspirac(?:y|ies)|theor(?:y|ies)|rumou?rs?|equivalenc(?:e|es|y|ies)|statements?|"
    r"impressions?|(?:mis)?information|arguments?)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=SENTENCES_CACHED)  # asked of both sides of every candidate pair
def refutes(text: str) -> bool:
    """Whether the text says something reported is false, a hoax, denied or unproven (not
    merely a claim's label: "Trump's baseless claims of fraud", nor a charge's wording:
    "charged with ... offering a false or forged instrument", nor what a thing is: "fake
    suicide vests", see ``faked_things``)."""
    return any(_described(text, m) is None for m in _verdict_words(text))


def _verdict_words(text: str) -> Iterator[re.Match[str]]:
    """The refutation words of ``text`` that are neither a claim's label nor a charge's
    wording."""
    for m in REFUTATION.finditer(text):
        if not _LABELS_A_CLAIM.match(text, m.end()) and not _CHARGED.search(text, 0, m.start()):
            yield m


@lru_cache(maxsize=SENTENCES_CACHED)
def faked_things(text: str) -> frozenset[str]:
    """Content terms of the things ``text`` calls fake or false by an adjective before them
    ("fake suicide vests", "Tridevil's fake third breast"): no verdict on a report, unless
    another statement reports that very thing ("gets a third breast implanted")."""
    found: set[str] = set()
    for m in _verdict_words(text):
        described = _described(text, m)
        if described is not None:
            found.update(content_terms(described))
    return frozenset(found)


def _described(text: str, m: re.Match[str]) -> str | None:
    """The words after the refutation word when it is an adjective before a thing it
    describes ("fake suicide vests", "a false flag"): that tells what the thing is, not that
    what another outlet reports is untrue, which is said of the report ("the report was
    false", "a hoax", "a fake report", "falsely claimed"). None when it is no such adjective."""
    if not _ATTRIBUTIVE_WORD.fullmatch(m.group()):
        return None
    after = _NEXT_WORD.match(text, m.end())
    while after is not None and after.group(1).lower() in ("and", "or"):
        # "false or misleading posts": the adjectives describe one thing
        also = _NEXT_WORD.match(text, after.end())
        if also is None or not _ATTRIBUTIVE_WORD.fullmatch(also.group(1)):
            return None
        after = _NEXT_WORD.match(text, also.end())
    if after is None:
        return None
    word = after.group(1).lower()
    if word in _FUNCTION_WORDS or _REPORT_NOUN.fullmatch(word):
        return None
    thing = _THING.match(text, after.start(1))
    return thing.group() if thing is not None else word


_ATTRIBUTIVE_WORD = re.compile(
    r"hoax|fake|false|untrue|bogus|misleading|baseless|unfounded|fabricated|satirical",
    re.IGNORECASE,
)
# The thing described: up to three words, within the clause
_THING = re.compile(r"[^\W\d_][\w\u2019'-]*(?: [^\W\d_][\w\u2019'-]*){0,2}")
_NEXT_WORD = re.compile(r"[\u2019'\"\u201d]?,?\s+([^\W\d_][\w\u2019'-]*)")
# What a report is made of: a falsehood adjective on one of these is a verdict on a report
_REPORT_NOUN = re.compile(
    r"(?:reports?|stor(?:y|ies)|articles?|news|headlines?|accounts?|videos?|photos?|"
    r"photographs?|images?|pictures?|footage|tweets?|posts?|quotes?|websites?|sites?|"
    r"documents?|letters?|emails?|memos?)"
)
# Words that follow a predicate ("was false, according to", "is a hoax that", "were fake and
# the"), never the noun an adjective describes
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "about",
        "according",
        "after",
        "against",
        "also",
        "an",
        "and",
        "as",
        "at",
        "because",
        "before",
        "but",
        "by",
        "for",
        "from",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "she",
        "since",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "to",
        "under",
        "unless",
        "until",
        "was",
        "we",
        "were",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "with",
        "without",
        "you",
        "said",
        "says",
        "say",
        "saying",
        "told",
    }
)


# A charge named before the word, in its sentence: "charged with", "counts of", "accusing the
# network of", "alleging that": the word tells what the charge says, not a verdict on a report.
_CHARGED = re.compile(
    r"\b(?:charged\s+with|charges?\s+of|counts?\s+of|accus(?:e|es|ed|ing)\s+(?:\S+\s+){0,6}?of|"
    r"(?:accusations?|allegations?)\s+(?:of|that)|"
    r"convicted\s+of|indicted\s+(?:on|for)|guilty\s+to|alleg(?:e|es|ed|ing)\s+that)\b"
    r"[^.;:!?]*$",
    re.IGNORECASE,
)


_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def schedule_clash(left: str, right: str) -> tuple[str, str] | None:
    """The two days when two statements each set what is still to come on one day and the
    days differ ("will visit Tulsa on Tuesday" / "will travel to Tulsa on Monday"): two
    schedules of one event (see ``scheduled_day``)."""
    a, b = scheduled_day(left), scheduled_day(right)
    return (a, b) if a is not None and b is not None and a != b else None


@lru_cache(maxsize=SENTENCES_CACHED)
def scheduled_day(text: str) -> str | None:
    """The one day ``text`` sets something still to come on: the day follows the "will"
    within SCHEDULE_REACH words; a statement naming two days ("said on Monday it will ... on
    Friday") sets none."""
    day = _WEEKDAY.search(text)
    if day is None or len(set(_WEEKDAY.findall(text))) != 1:
        return None
    before = list(AHEAD.finditer(text, 0, day.start()))
    ahead = before[-1] if before else None  # the last "will" before the day
    if ahead is None or len(text[ahead.end() : day.start()].split()) > SCHEDULE_REACH:
        return None  # none, or the day dates something else in the sentence
    return day.group(1)


SCHEDULE_REACH = 8  # words from "will ..." to the day it sets


@lru_cache(maxsize=SENTENCES_CACHED)
def disputes(text: str) -> bool:
    """Whether ``text`` reports a dispute: a dispute word, not one in a relative clause that
    describes something ("content that contradicts the scientific consensus", "claims which
    were false" describe content; they report no one disputing)."""
    return any(
        _DESCRIBING.search(text, max(0, m.start() - 12), m.start()) is None
        and not _refused(text, m)
        for m in DISPUTE.finditer(text)
    )


def _refused(text: str, dispute: re.Match[str]) -> bool:
    """Whether the dispute word ``dispute`` (or one just before it) is "were denied" of
    someone: a refusal, not a denial of what was said."""
    near = _DENIED.search(text, max(0, dispute.start() - 30), dispute.end() + 8)
    return near is not None and near.group(1).lower() not in _DENIABLE


_DESCRIBING = re.compile(r"\b(?:that|which)\s+(?:is\s+|are\s+|was\s+|were\s+)?$", re.IGNORECASE)
# "were denied" of someone is a refusal ("asked for the honor and were denied", "was denied
# bail"), not a denial of what was said: unless what is denied is a report ("the claims were
# denied") or it is denied by someone ("was denied by the ministry")
_DENIED = re.compile(
    r"(\w+)\s+(?:was|were|been|be|being|is|are)\s+denied\b(?!\s+by\b)", re.IGNORECASE
)
_DENIABLE = frozenset(
    {"claim", "claims", "report", "reports", "allegation", "allegations", "accusations"}
    | {"rumor", "rumors", "story"}
)


_ANTONYM_WORDS = frozenset(word for pair in ANTONYMS for word in pair)


def has_antonym(text: str) -> bool:
    """Whether ``text`` holds a word of ANTONYMS: one without clashes with no text (a check
    made once per statement, where ``antonym_clash`` is tried on every pair)."""
    return not _ANTONYM_WORDS.isdisjoint(_word_set(text))


def antonym_clash(left: str, right: str) -> tuple[str, str] | None:
    """A pair of opposite words with one in each text (and not both in either)."""
    lw, rw = _word_set(left), _word_set(right)
    for a, b in ANTONYMS:
        if a in lw and b in rw and b not in lw and a not in rw:
            return a, b
        if b in lw and a in rw and a not in lw and b not in rw:
            return b, a
    return None


@lru_cache(maxsize=4096)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()))


_SUBJECT = re.compile(
    r"^(?P<subject>(?:[Tt]he\s+)?(?:[A-Z][\w'\u2019.-]*\s+){0,3}[A-Z][\w'\u2019.-]*"
    r"(?:\s+(?:officials|diplomats|forces|authorities|leaders|government|ministry|military|"
    r"police|troops|negotiators|lawmakers|officers|company|court))?)"
    r"\s+(?:has|have|had|is|was|are|were|will|would|[a-z]+ed)\b"
)
_INTRO = re.compile(r"^[^,]{1,60},\s+")


def subject_entity(sentence: str) -> str | None:
    """A named subject doing something ("Oman has hosted talks" -> "Oman"), or None; none
    when something is done to it ("Amy Coney Barrett has been confirmed")."""
    for text in (sentence, _INTRO.sub("", sentence, count=1)):
        m = _SUBJECT.match(text)
        if m:
            subject = m.group("subject")
            first = subject.split()[0].lower()
            if first not in _NOT_SUBJECT and not _DONE_TO.match(text, m.end("subject")):
                return subject
    return None


_DONE_TO = re.compile(  # a passive verb: "has been confirmed", "was shown"
    r"\s+(?:(?:has|have|had)\s+(?:\w+ly\s+)?been|is|are|was|were)\s+(?:\w+ly\s+)?"
    r"\w+(?:ed|en|wn)\b"
)


_NOT_SUBJECT = frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "there",
        "here",
        "what",
        "when",
        "while",
        "if",
        "as",
        "but",
        "and",
        "since",
        "after",
        "before",
        "during",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
    ]
)
