"""Metrics of brief quality, each a pure function of a Brief, its sources and gold labels.

- citation validity: a citation is valid when ``doc.text[start:end] == quote``;
- citation support (an offline proxy for ALCE's NLI check): a cited statement is supported
  when every number, named entity (a capitalised word not at a sentence start) and negation
  in it also appears in its cited quotes;
- content selection: ROUGE-1/2/L F1 (rouge-score, with stemming) of the bottom line against
  a reference summary, and ROUGE-1 recall of the whole brief's text;
- source balance: whether the brief cites every source of its cluster;
- contradiction detection: whether the brief reports a contradiction between two given
  documents, scored as precision/recall/F1 against a gold label, with a false-alarm rate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from briefing.errors import BriefingError
from briefing.lexicon import SAME_WORDS, word_overlap
from briefing.models import Brief, Citation, Document

# --- the text of a brief ------------------------------------------------------------------


@dataclass(frozen=True)
class CitedStatement:
    """One statement in a brief and the citations given for it."""

    section: str  # bottom_line, facts, watch, actors, contradictions
    statement: str
    citations: tuple[Citation, ...]


def cited_statements(brief: Brief) -> Iterator[CitedStatement]:
    """Every statement of the brief that carries citations, section by section, appendix too."""
    for section, facts in (
        ("bottom_line", brief.bottom_line),
        ("facts", brief.facts),
        ("watch", brief.watch),
        ("more_facts", brief.more_facts),
    ):
        for fact in facts:
            yield CitedStatement(section, fact.statement, fact.citations)
    for actor in brief.actors:
        yield CitedStatement("actors", actor.position, actor.citations)
    for section, contradictions in (
        ("contradictions", brief.contradictions),
        ("more_contradictions", brief.more_contradictions),
    ):
        for contradiction in contradictions:
            for side in contradiction.sides:
                yield CitedStatement(section, side.statement, side.citations)


def all_citations(brief: Brief) -> Iterator[Citation]:
    for item in cited_statements(brief):
        yield from item.citations


def bottom_line_text(brief: Brief) -> str:
    return " ".join(f.statement.strip() for f in brief.bottom_line)


def brief_text(brief: Brief) -> str:
    """The words of the one-page brief: title, story headlines and every section; no source
    list, no appendix."""
    parts: list[str] = [brief.title]
    parts += [f.statement for f in brief.bottom_line]
    parts += [f.statement for f in brief.facts]
    parts += [f"{a.name}: {a.position}" for a in brief.actors]
    for c in brief.contradictions:
        parts.append(c.summary)
        parts += [s.statement for s in c.sides]
    parts += [f.statement for f in brief.watch]
    from briefing.render.markdown import lineup_view

    lineup = lineup_view(brief)  # a page of several stories also shows their headlines
    if lineup is not None:
        parts += [view.story.headline for view in [*lineup.top, *lineup.next]]
    return "\n".join(p.strip() for p in parts if p.strip())


def word_count(text: str) -> int:
    return len(text.split())


# --- citation validity -------------------------------------------------------------------


def citation_valid(citation: Citation, documents: Mapping[str, Document]) -> bool:
    """True when the citation's offsets select exactly its quote in its source."""
    doc = documents.get(citation.source_id)
    if doc is None or citation.start is None or citation.end is None:
        return False
    if not 0 <= citation.start < citation.end <= len(doc.text):
        return False
    return doc.text[citation.start : citation.end] == citation.quote


def citation_validity(brief: Brief, documents: Sequence[Document]) -> tuple[int, int]:
    """(valid citations, all citations) in the brief."""
    by_id = {d.id: d for d in documents}
    cites = list(all_citations(brief))
    return sum(citation_valid(c, by_id) for c in cites), len(cites)


# --- citation support proxy ---------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w'\u2019-]*|\d+(?:[.,:]\d+)*%?|[.!?:;]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_SENTENCE_END = {".", "!", "?", ":", ";"}
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)
_NEG_SUFFIX = ("n't", "n\u2019t")


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


def numbers_in(text: str) -> set[str]:
    """Digit sequences, with thousands separators dropped ("15,000" == "15000")."""
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def named_entities_in(text: str) -> set[str]:
    """Capitalised words that do not start a sentence (nor follow a colon or semicolon)."""
    found: set[str] = set()
    at_start = True
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in _SENTENCE_END:
            at_start = True
            continue
        if token[0].isupper() and not at_start:
            found.add(_strip_possessive(token))
        at_start = False
    return found


def negations_in(text: str) -> set[str]:
    """Negation words, with every "-n't" contraction counted as "n't"."""
    found: set[str] = set()
    for m in _TOKEN.finditer(text):
        word = m.group().lower()
        if word in NEGATIONS:
            found.add(word)
        elif word.endswith(_NEG_SUFFIX):
            found.add("n't")
    return found


def _words_lower(text: str) -> set[str]:
    return {_strip_possessive(m.group()).lower() for m in _TOKEN.finditer(text)}


@dataclass(frozen=True)
class SupportCheck:
    supported: bool
    missing: tuple[str, ...]  # the numbers / entities / negations not found in the quotes


def check_support(statement: str, quotes: Iterable[str]) -> SupportCheck:
    """Whether the statement's numbers, named entities and negations all occur in the quotes.

    Entities match case-insensitively as whole words; "n't" and "not" count as the same
    negation, so "did not" is supported by "didn't" and vice versa.
    """
    quote_text = " ".join(quotes)
    quote_numbers = numbers_in(quote_text)
    quote_words = _words_lower(quote_text)
    quote_negations = negations_in(quote_text)
    if quote_negations & {"n't", "not", "cannot"}:
        quote_negations |= {"n't", "not", "cannot"}
    missing: list[str] = []
    missing += sorted(numbers_in(statement) - quote_numbers)
    missing += sorted(e for e in named_entities_in(statement) if e.lower() not in quote_words)
    missing += sorted(negations_in(statement) - quote_negations)
    return SupportCheck(not missing, tuple(missing))


def support_proxy(brief: Brief) -> tuple[int, int, list[tuple[CitedStatement, SupportCheck]]]:
    """(supported statements, cited statements, the unsupported ones with what is missing)."""
    total = supported = 0
    failures: list[tuple[CitedStatement, SupportCheck]] = []
    for item in cited_statements(brief):
        if not item.citations:
            continue
        total += 1
        check = check_support(item.statement, (c.quote for c in item.citations))
        if check.supported:
            supported += 1
        else:
            failures.append((item, check))
    return supported, total, failures


# --- content selection ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _scorer() -> Any:
    try:
        from rouge_score import rouge_scorer  # optional dependency: the "eval" extra
    except ImportError:  # one line, not a traceback a minute into the run
        raise BriefingError(
            "ROUGE scores need the rouge-score package: pip install 'briefing[eval]'"
        ) from None

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


@dataclass(frozen=True)
class Rouge:
    """F1 and recall, as fractions in [0, 1]."""

    rouge1_f: float
    rouge2_f: float
    rougeL_f: float
    rouge1_recall: float


def rouge(prediction: str, reference: str) -> Rouge:
    """ROUGE of a prediction against one reference (stemmed; rouge-score's tokenizer)."""
    scores = _scorer().score(reference, prediction)  # score(target, prediction)
    return Rouge(
        rouge1_f=scores["rouge1"].fmeasure,
        rouge2_f=scores["rouge2"].fmeasure,
        rougeL_f=scores["rougeL"].fmeasure,
        rouge1_recall=scores["rouge1"].recall,
    )


def cited_sources(brief: Brief) -> set[str]:
    """Ids of the sources cited on the page (the appendix does not count)."""
    return {
        c.source_id
        for item in cited_statements(brief)
        if not item.section.startswith("more_")
        for c in item.citations
    }


def cites_every_source(brief: Brief, documents: Sequence[Document]) -> bool:
    """True when each of the documents is cited at least once on the page."""
    return {d.id for d in documents} <= cited_sources(brief)


# --- contradiction detection ---------------------------------------------------------------


def reports_contradiction_between(brief: Brief, left: Document, right: Document) -> bool:
    """True when a contradiction in the brief has one side citing ``left``, another ``right``."""
    for contradiction in brief.contradictions:
        side_sources = [{c.source_id for c in side.citations} for side in contradiction.sides]
        for i, a in enumerate(side_sources):
            for j, b in enumerate(side_sources):
                if i != j and left.id in a and right.id in b:
                    return True
    return False


@dataclass(frozen=True)
class Detection:
    """Counts of a binary detector against gold labels (positive = the contradiction class)."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    true_neg: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        positives = self.true_pos + self.false_neg
        return self.true_pos / positives if positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_alarm_rate(self) -> float:
        negatives = self.false_pos + self.true_neg
        return self.false_pos / negatives if negatives else 0.0

    def precision_at(self, prevalence: float) -> float:
        """Precision expected when positives make up ``prevalence`` of the population.

        A stratified sample over-represents the rare class; this re-weights its recall and
        false-alarm rate to the natural class balance.
        """
        hits = self.recall * prevalence
        alarms = self.false_alarm_rate * (1 - prevalence)
        return hits / (hits + alarms) if hits + alarms else 0.0


def score_detection(outcomes: Iterable[tuple[bool, bool]]) -> Detection:
    """Detection counts from ``(gold is positive, detector flagged)`` pairs."""
    tp = fp = fn = tn = 0
    for gold, flagged in outcomes:
        if gold and flagged:
            tp += 1
        elif flagged:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
    return Detection(tp, fp, fn, tn)


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


# --- stories: grouping, topic focus, redundancy ---------------------------------------------


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def adjusted_rand_index(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Hubert and Arabie's adjusted Rand index of two labelings of the same items (1 = same)."""
    from collections import Counter

    n = len(gold)
    if n < 2:
        return 1.0
    both = sum(_pairs(v) for v in Counter(zip(gold, predicted, strict=True)).values())
    a = sum(_pairs(v) for v in Counter(gold).values())
    b = sum(_pairs(v) for v in Counter(predicted).values())
    expected = a * b / _pairs(n)
    best = (a + b) / 2
    return 1.0 if best == expected else (both - expected) / (best - expected)


def purity(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of items whose predicted group's majority gold label is their own (1 = no group
    mixes two gold clusters). Swap the arguments for completeness."""
    from collections import Counter

    groups: dict[str, Counter[str]] = {}
    for g, p in zip(gold, predicted, strict=True):
        groups.setdefault(p, Counter())[g] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(gold) if gold else 1.0


def page_statements(brief: Brief) -> list[tuple[str, str]]:
    """(group, statement) of every statement on the page; sides of one contradiction share a
    group (they are meant to overlap)."""
    from briefing.render.markdown import back_references

    see = back_references(brief)  # a side shown as "(see bottom line 1)" repeats nothing
    out = [("f", f.statement) for f in [*brief.bottom_line, *brief.facts, *brief.watch]]
    for i, c in enumerate(brief.contradictions):
        out.extend(
            (f"c{i}", side.statement) for k, side in enumerate(c.sides) if (c.id, k) not in see
        )
    return out


def near_duplicate_pairs(brief: Brief, threshold: float = SAME_WORDS) -> list[tuple[str, str]]:
    """Pairs of page statements whose word sets overlap by ``threshold`` (Jaccard) or more:
    two items saying the same thing (measured on plain lower-cased words, not on the terms
    the composer's own redundancy control uses)."""
    items = page_statements(brief)
    found: list[tuple[str, str]] = []
    for i, (g1, s1) in enumerate(items):
        for g2, s2 in items[i + 1 :]:
            if g1 == g2 and g1 != "f":
                continue
            if word_overlap(s1, s2) >= threshold:
                found.append((s1, s2))
    return found


def cross_story_contradictions(brief: Brief, story_of: Mapping[str, str]) -> int:
    """Contradictions (on the page or in the JSON) whose sides cite sources of different
    stories, by the gold ``story_of`` (source id -> cluster)."""
    count = 0
    for c in [*brief.contradictions, *brief.more_contradictions]:
        stories = {story_of.get(q.source_id) for side in c.sides for q in side.citations}
        count += len(stories) > 1
    return count
