"""Simple baselines, run by the harness on the same clusters as the engine.

- ``lead_n``: the first N sentences of each source's article (lead-1 is the classic news
  summarisation baseline; lead-3 per source is a generous one);
- ``centroid``: a centroid-based extractive selection (Radev et al. 2004, greedy with a
  redundancy penalty) within a word budget, so it can be compared with the brief at the
  brief's own length;
- ``refute_cue``: a stance baseline that flags a contradiction whenever the body uses a word
  of refutation or denial, in the spirit of the FNC-1 baseline's "refuting words" feature.

Sentences come from ``briefing.text.sentence_spans``, the splitter the pipeline's chunks use,
so the baselines and the engine choose among the same sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from briefing.text import sentence_spans

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Function words carry no topic; an ordinary English list, nothing specific to any data set.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said says say told according may might must shall
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words of refutation and denial (generic English, not tuned to any data set).
_REFUTE_TEXT = """
fake hoax hoaxes false falsely deny denies denied denial debunk debunked debunks untrue bogus
fabricated fabrication rumor rumour rumors rumours doubt doubts doubted retract retracted
retraction misleading satire satirical refute refuted refutes dismissed disputes disputed
"""
REFUTE_CUES = frozenset(_REFUTE_TEXT.split())


def sentences(text: str) -> list[str]:
    """The text's sentences, in order, whitespace-trimmed."""
    return [text[start:end].strip() for start, end in sentence_spans(text)]


def lead_n(articles: Sequence[str], n: int = 1) -> str:
    """The first ``n`` sentences of each article, article by article."""
    return " ".join(" ".join(sentences(article)[:n]) for article in articles)


def _terms(sentence: str) -> list[str]:
    return [w for w in _WORD.findall(sentence.lower()) if w not in _STOPWORDS and len(w) > 1]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def centroid(articles: Sequence[str], max_words: int, *, redundancy: float = 0.5) -> str:
    """Sentences closest to the cluster's TF-IDF centroid, greedily, within ``max_words``.

    Each pick maximises ``sim(sentence, centroid) - redundancy * max sim(sentence, picked)``;
    a sentence that would overflow the budget is passed over. The picks are returned in
    their order of selection.
    """
    pool = [s for article in articles for s in sentences(article)]
    bags = [Counter(_terms(s)) for s in pool]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(pool)
    vectors = [
        {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in bag.items()}
        for bag in bags
    ]
    center: dict[str, float] = {}
    for vec in vectors:
        for t, v in vec.items():
            center[t] = center.get(t, 0.0) + v / max(n, 1)
    relevance = [_cosine(v, center) for v in vectors]
    chosen: list[int] = []
    words = 0
    remaining = set(range(n))
    while remaining:
        best, best_score = -1, -math.inf
        for i in sorted(remaining):
            overlap = max((_cosine(vectors[i], vectors[j]) for j in chosen), default=0.0)
            score = relevance[i] - redundancy * overlap
            if score > best_score:
                best, best_score = i, score
        remaining.discard(best)
        length = len(pool[best].split())
        if words + length > max_words:
            continue
        chosen.append(best)
        words += length
    return " ".join(pool[i] for i in chosen)


def refute_cue(headline: str, body: str) -> bool:
    """True when the body uses a word of refutation or denial."""
    del headline  # the cue is in how the body treats the claim, not in the claim itself
    return any(w in REFUTE_CUES for w in _WORD.findall(body.lower()))
