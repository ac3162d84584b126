"""The evaluation harness: metrics on tiny hand-made inputs with known answers, the loaders,
the baselines, and a fast regression gate on real data (skipped when the data is absent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from briefing.config import Settings
from briefing.eval import baselines, harness, loaders, metrics
from briefing.eval.__main__ import main as eval_main
from briefing.models import (
    ActorPosition,
    Brief,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
)

# --- helpers ------------------------------------------------------------------------------


def _doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", text=text)


def _cite(doc: Document, quote: str) -> Citation:
    start = doc.text.index(quote)
    return Citation(source_id=doc.id, quote=quote, start=start, end=start + len(quote))


def _brief(**sections: object) -> Brief:
    return Brief(title="T", topic="t", generated=dt.date(2026, 1, 1), **sections)  # type: ignore[arg-type]


DOC_A = _doc("a", "The council met on Monday. Mayor Ruiz said 1,200 homes did not flood.")
DOC_B = _doc("b", "Engineers warned the levee was weak. The council denied it.")


# --- citation validity ---------------------------------------------------------------------


def test_citation_validity_counts_exact_slices_only() -> None:
    good = _cite(DOC_A, "The council met on Monday.")
    shifted = good.model_copy(update={"start": 1, "end": good.end + 1})
    no_offsets = Citation(source_id="a", quote="The council met on Monday.")
    unknown_doc = good.model_copy(update={"source_id": "zzz"})
    brief = _brief(
        facts=[
            Fact(statement="s1", citations=(good, shifted)),
            Fact(statement="s2", citations=(no_offsets,)),
        ],
        watch=[Fact(statement="s3", citations=(unknown_doc,))],
    )
    assert metrics.citation_validity(brief, [DOC_A, DOC_B]) == (1, 4)


def test_citation_validity_includes_contradiction_sides_and_actors() -> None:
    brief = _brief(
        actors=[ActorPosition(name="Ruiz", position="p", citations=(_cite(DOC_A, "Mayor Ruiz"),))],
        contradictions=[
            Contradiction(
                kind="claim_conflict",
                summary="levee",
                sides=(
                    ContradictionSide(statement="x", citations=(_cite(DOC_B, "levee was weak"),)),
                    ContradictionSide(
                        statement="y",
                        citations=(Citation(source_id="b", quote="nope", start=0, end=4),),
                    ),
                ),
            )
        ],
    )
    assert metrics.citation_validity(brief, [DOC_A, DOC_B]) == (2, 3)


# --- support proxy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks in Geneva stalled. Officials met Smith's aides.", {"Geneva", "Smith"}),
        ("Police said: Nobody was hurt in Lyon.", {"Lyon"}),
        ("no capitals here at all", set()),
    ],
)
def test_named_entities_skip_sentence_starts(text: str, expected: set[str]) -> None:
    assert metrics.named_entities_in(text) == expected


def test_numbers_ignore_thousands_separators() -> None:
    assert metrics.numbers_in("1,200 homes, 3.5 m and 2021") == {"1200", "3.5", "2021"}


@pytest.mark.parametrize(
    ("statement", "quote", "missing"),
    [
        # everything is there (the thousands separator and the contraction differ)
        ("Ruiz said 1200 homes did not flood.", "Mayor Ruiz said 1,200 homes didn't flood.", ()),
        # a number the quote does not have
        (
            "Ruiz said 1300 homes did not flood.",
            "Mayor Ruiz said 1,200 homes did not flood.",
            ("1300",),
        ),
        # an entity the quote does not name
        (
            "Officials told Reuters 1200 homes did not flood.",
            "1,200 homes did not flood",
            ("Reuters",),
        ),
        # a negation the quote does not have: the statement reverses the source
        ("The mayor said homes did not flood.", "The mayor said homes flooded.", ("not",)),
        # a sentence-initial capital is not an entity
        ("Engineers warned of a weak levee.", "the levee was weak, engineers warned", ()),
    ],
)
def test_check_support(statement: str, quote: str, missing: tuple[str, ...]) -> None:
    check = metrics.check_support(statement, [quote])
    assert check.missing == missing
    assert check.supported is (not missing)


def test_support_proxy_counts_cited_statements() -> None:
    brief = _brief(
        bottom_line=[
            Fact(
                statement="Ruiz said 1,200 homes did not flood.",
                citations=(_cite(DOC_A, "Mayor Ruiz said 1,200 homes did not flood."),),
            )
        ],
        facts=[
            Fact(
                statement="Ruiz said 900 homes flooded.",
                citations=(_cite(DOC_A, "Mayor Ruiz said"),),
            ),
            Fact(statement="An uncited statement is not counted."),
        ],
    )
    supported, total, failures = metrics.support_proxy(brief)
    assert (supported, total) == (1, 2)
    assert failures[0][0].statement == "Ruiz said 900 homes flooded."
    assert failures[0][1].missing == ("900",)


# --- ROUGE, balance, brief text ---------------------------------------------------------------


def test_rouge_known_values() -> None:
    same = metrics.rouge("the cat sat on the mat", "the cat sat on the mat")
    assert same.rouge1_f == pytest.approx(1.0)
    assert same.rougeL_f == pytest.approx(1.0)
    part = metrics.rouge("the cat sat", "the cat sat on the mat")
    assert part.rouge1_recall == pytest.approx(3 / 6)
    assert part.rouge1_f == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert part.rouge2_f == pytest.approx(2 * 1.0 * 0.4 / 1.4)  # 2 of 5 reference bigrams
    assert metrics.rouge("dogs bark", "the cat sat").rouge1_f == 0.0
    # stemming: "flooding" and "floods" share a stem
    assert metrics.rouge("flooding", "floods").rouge1_f == pytest.approx(1.0)


def test_cites_every_source_and_brief_text() -> None:
    only_a = _brief(facts=[Fact(statement="A fact.", citations=(_cite(DOC_A, "The council met"),))])
    both = _brief(
        bottom_line=[Fact(statement="Bottom.", citations=(_cite(DOC_B, "Engineers warned"),))],
        facts=[Fact(statement="A fact.", citations=(_cite(DOC_A, "The council met"),))],
    )
    assert not metrics.cites_every_source(only_a, [DOC_A, DOC_B])
    appendix_b = only_a.model_copy(
        update={"more_facts": [Fact(statement="B.", citations=(_cite(DOC_B, "Engineers warned"),))]}
    )
    assert not metrics.cites_every_source(appendix_b, [DOC_A, DOC_B])  # the page must cite it
    assert metrics.citation_validity(appendix_b, [DOC_A, DOC_B]) == (2, 2)  # appendix checked
    assert metrics.cites_every_source(both, [DOC_A, DOC_B])
    assert metrics.brief_text(both) == "T\nBottom.\nA fact."
    assert metrics.bottom_line_text(both) == "Bottom."
    assert metrics.word_count(metrics.brief_text(both)) == 4


# --- contradiction detection -----------------------------------------------------------------


def _contradiction(*sides: Sequence[Citation]) -> Contradiction:
    return Contradiction(
        kind="claim_conflict",
        summary="s",
        sides=tuple(ContradictionSide(statement="x", citations=tuple(c)) for c in sides),
    )


def test_reports_contradiction_between_needs_a_side_from_each_document() -> None:
    a, b = _cite(DOC_A, "did not flood"), _cite(DOC_B, "The council denied it.")
    a2 = _cite(DOC_A, "The council met")
    assert metrics.reports_contradiction_between(
        _brief(contradictions=[_contradiction([a], [b])]), DOC_A, DOC_B
    )
    assert metrics.reports_contradiction_between(
        _brief(contradictions=[_contradiction([b], [a])]), DOC_A, DOC_B
    )
    assert not metrics.reports_contradiction_between(
        _brief(contradictions=[_contradiction([a], [a2])]), DOC_A, DOC_B
    )
    assert not metrics.reports_contradiction_between(_brief(), DOC_A, DOC_B)


def test_detection_scores() -> None:
    outcomes = [(True, True)] * 2 + [(False, True)] + [(True, False)] * 2 + [(False, False)] * 5
    det = metrics.score_detection(outcomes)
    assert (det.true_pos, det.false_pos, det.false_neg, det.true_neg) == (2, 1, 2, 5)
    assert det.precision == pytest.approx(2 / 3)
    assert det.recall == pytest.approx(0.5)
    assert det.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert det.false_alarm_rate == pytest.approx(1 / 6)
    # at 50% prevalence: hits .5*.5, alarms (1/6)*.5
    assert det.precision_at(0.5) == pytest.approx(0.25 / (0.25 + 1 / 12))
    assert metrics.score_detection([]).f1 == 0.0


# --- baselines ---------------------------------------------------------------------------------


def test_lead_n_takes_leading_sentences_of_each_article() -> None:
    articles = [
        "Sen. Lee spoke first. Then others spoke.",
        "Rain fell. Roads closed. Schools shut.",
    ]
    assert baselines.lead_n(articles, 1) == "Sen. Lee spoke first. Rain fell."
    assert baselines.lead_n(articles, 2) == (
        "Sen. Lee spoke first. Then others spoke. Rain fell. Roads closed."
    )


def test_centroid_picks_central_sentences_within_budget() -> None:
    articles = [
        "The bridge reopened after repairs. A bakery sold bread.",
        "Officials said the bridge reopened after months of repairs.",
        "The repaired bridge reopened to traffic on Friday. Birds sang.",
    ]
    # the sentence sharing most with the others comes first; what does not fit is passed over
    central = "Officials said the bridge reopened after months of repairs."
    assert baselines.centroid(articles, max_words=9) == central
    assert baselines.centroid(articles, max_words=5) == "The bridge reopened after repairs."
    picked = baselines.centroid(articles, max_words=12)
    assert picked.startswith(central) and metrics.word_count(picked) <= 12
    assert baselines.centroid(articles, max_words=0) == ""


def test_refute_cue() -> None:
    assert baselines.refute_cue("Claim", "The report was a hoax, officials said.")
    assert not baselines.refute_cue("Claim", "Officials confirmed the report.")


# --- loaders -------------------------------------------------------------------------------------


def _write_neus(root: Path, source_lines: list[str], target_lines: list[str]) -> None:
    folder = root / loaders.NEUS_DIR
    folder.mkdir(parents=True)
    (folder / "val.source").write_text("\n".join(source_lines) + "\n", encoding="utf-8")
    (folder / "val.target").write_text("\n".join(target_lines) + "\n", encoding="utf-8")


def _item(title: str, article: str) -> str:
    return f"TITLE=> {title}. ARTICLE=> {article}"


SOURCES = [
    " [SEP] ".join(
        [
            _item("Bridge reopens", "The bridge reopened on Friday. Traffic resumed."),
            _item("Repairs end", "Repairs on the bridge ended. Crews left."),
            _item("Commuters relieved", "Commuters welcomed the reopened bridge."),
        ]
    ),
    " [SEP] ".join([_item("Only a title", "  "), _item("Other", "Some text here.")]),
]
TARGETS = [
    _item("Bridge Reopens After Repairs", "The bridge reopened after repairs."),
    _item("x", "y"),
]


def test_load_neus_parses_clusters_and_warns_on_bad_lines(tmp_path: Path) -> None:
    _write_neus(tmp_path, SOURCES, TARGETS)
    loaded = loaders.load_neus(tmp_path)
    assert [c.id for c in loaded.items] == ["neus-001"]
    cluster = loaded.items[0]
    assert len(cluster.documents) == 3
    assert cluster.documents[0].title == "Bridge reopens"
    assert (
        cluster.documents[0].text
        == "Bridge reopens\n\nThe bridge reopened on Friday. Traffic resumed.\n"
    )
    assert cluster.articles[1] == "Repairs on the bridge ended. Crews left."
    assert cluster.roundup == "The bridge reopened after repairs."
    assert harness.neus_reference(cluster) == (
        "Bridge Reopens After Repairs. The bridge reopened after repairs."
    )
    assert len(loaded.warnings) == 1 and "val.source:2" in loaded.warnings[0]
    assert loaders.load_neus(tmp_path, limit=0).items == []


def _crawl_side(title: str, link: str, paragraphs: Any, source: str = "Outlet") -> dict[str, Any]:
    return {"newsTitle": title, "newsLink": link, "newBody": paragraphs, "newsSource": source}


def _write_crawl(root: Path, rows: Sequence[dict[str, Any]]) -> None:
    path = root / loaders.NEUS_DIR / loaders.CRAWL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


CRAWL_STORY = {
    "id": 1,
    "issue": "Bridge Reopens",
    "date": "2021-10-18",
    "roundup": ["The bridge reopened."],
    "news": {
        "left": _crawl_side("Bridge reopens", "https://a.example/x", ["The bridge reopened."]),
        "right": _crawl_side("Traffic back", "https://b.example/y", ["Traffic resumed."]),
    },
}


def test_load_allsides_crawl_reads_dated_stories_and_skips_thin_ones(tmp_path: Path) -> None:
    rows = [
        {
            "id": 7,
            "issue": "Bridge Reopens After Repairs",
            "date": "2021-10-18T05:00:00-07:00",
            "roundup": ["The bridge reopened.", "Traffic resumed."],
            "news": {
                # the crawl stores a list of paragraphs as the text of a Python list
                "left": _crawl_side(
                    "Bridge reopens .",
                    "https://a.example/2021/10/16/bridge/",
                    "['The bridge reopened on Friday.', 'Traffic resumed.']",
                    "A News (Online)",
                ),
                "right": _crawl_side(
                    "Repairs end", "https://b.example/bridge-n12", ["Repairs ended. Crews left."]
                ),
                "center": _crawl_side("No body", "https://c.example/x", "[]"),
            },
        },
        {"id": 8, "issue": "Thin", "date": "2021-10-18", "news": {}},
        {"id": 9, "issue": "Undated", "date": "soon", "news": {}},
    ]
    _write_crawl(tmp_path, rows)
    loaded = loaders.load_allsides_crawl(tmp_path)
    assert [c.id for c in loaded.items] == ["crawl-7"]
    cluster = loaded.items[0]
    first, second = cluster.documents
    assert first.text == "Bridge reopens\n\nThe bridge reopened on Friday.\n\nTraffic resumed.\n"
    assert (first.title, first.outlet) == ("Bridge reopens", "A News (Online)")
    assert first.date == dt.date(2021, 10, 16)  # the link's date
    assert second.date == dt.date(2021, 10, 18)  # no date in the link: the story's
    assert cluster.roundup_title == "Bridge Reopens After Repairs"
    assert cluster.roundup == "The bridge reopened. Traffic resumed."
    assert [w.split(": ", 1)[1] for w in loaded.warnings] == [
        "fewer than two articles; skipped",
        "not a story with a date; skipped",
    ]
    undated = loaders.load_allsides_crawl(tmp_path, dated=False).items[0]
    assert [d.date for d in undated.documents] == [None, None]


def test_missing_data_raises_eval_data_missing(tmp_path: Path) -> None:
    with pytest.raises(loaders.EvalDataMissing, match=r"val\.source"):
        loaders.load_neus(tmp_path)
    with pytest.raises(loaders.EvalDataMissing, match=r"bodies\.csv"):
        loaders.load_fnc1(tmp_path)
    with pytest.raises(loaders.EvalDataMissing, match=r"crawl"):
        loaders.load_allsides_crawl(tmp_path)


def _write_fnc(root: Path) -> None:
    folder = root / loaders.FNC1_DIR
    folder.mkdir(parents=True)
    bodies = 'Body ID,articleBody\r\n1,"Line one.\r\nLine two, denied."\r\n2,Plain body text.\r\n'
    rows = ["Headline,Body ID,Stance"]
    for i in range(6):
        rows.append(f"Disagree headline {i},1,disagree")
        rows.append(f"Agree headline {i},2,agree")
        rows.append(f"Discuss headline {i},1,discuss")
        rows.append(f"Unrelated headline {i},2,unrelated")
    rows.append("Orphan,99,agree")
    rows.append("Odd,1,maybe")
    (folder / "bodies.csv").write_text(bodies, encoding="utf-8")
    (folder / "stances.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")


def test_load_fnc1_pairs_and_seeded_stratified_sample(tmp_path: Path) -> None:
    _write_fnc(tmp_path)
    everything = loaders.load_fnc1(tmp_path)
    assert len(everything.items) == 18  # unrelated left out by default
    assert len(everything.warnings) == 2
    assert everything.population == {"agree": 6, "disagree": 6, "discuss": 6}
    assert any("stances.csv:26" in w and "no body" in w for w in everything.warnings)
    pair = everything.items[0]
    assert pair.stance == "disagree"
    assert pair.headline.text == "Disagree headline 0\n"
    assert pair.body.text == "Line one.\nLine two, denied."
    sample = loaders.load_fnc1(
        tmp_path,
        per_class={"disagree": 2, "agree": 2, "discuss": 2, "unrelated": 1},
        stances=("agree", "disagree", "discuss", "unrelated"),
    )
    again = loaders.load_fnc1(
        tmp_path,
        per_class={"disagree": 2, "agree": 2, "discuss": 2, "unrelated": 1},
        stances=("agree", "disagree", "discuss", "unrelated"),
    )
    assert [p.id for p in sample.items] == [p.id for p in again.items]
    counts = {s: sum(p.stance == s for p in sample.items) for s in loaders.FNC1_STANCES}
    assert counts == {"agree": 2, "disagree": 2, "discuss": 2, "unrelated": 1}


# --- the harness, with a fake builder ---------------------------------------------------


def _fake_build(documents: Sequence[Document]) -> Brief:
    """Cites each document's first sentence; a contradiction when the second says "denied"."""
    facts = []
    for doc in documents:
        body = doc.text.split("\n\n", 1)[-1].strip()
        first = body.split(". ")[0]
        facts.append(Fact(statement=first, citations=(_cite(doc, first),)))
    contradictions = []
    if len(documents) == 2 and "denied" in documents[1].text:
        contradictions.append(_contradiction([facts[0].citations[0]], [facts[1].citations[0]]))
    return _brief(bottom_line=facts[:1], facts=facts[1:], contradictions=contradictions)


def test_evaluate_neus_with_fake_builder(tmp_path: Path) -> None:
    _write_neus(tmp_path, SOURCES[:1], TARGETS[:1])
    clusters = loaders.load_neus(tmp_path).items
    result = harness.evaluate_neus(clusters, _fake_build, details=True)
    s = result["summary"]
    assert s["clusters"] == 1 and s["documents"] == 3 and s["errors"] == 0
    assert s["citation_validity"] == 1.0
    assert s["source_balance"] == 1.0
    assert s["support_proxy"] == 1.0
    brief = s["systems"]["brief"]
    # bottom line "The bridge reopened on Friday." vs the reference
    expected = metrics.rouge("The bridge reopened on Friday", harness.neus_reference(clusters[0]))
    assert brief["bottom_line_rouge1_f"] == pytest.approx(expected.rouge1_f)
    assert s["systems"]["lead-1"]["bottom_line_words"] == 5 + 5 + 5
    assert result["items"][0]["bottom_line"] == "The bridge reopened on Friday"


def test_evaluate_fnc1_with_fake_builder(tmp_path: Path) -> None:
    _write_fnc(tmp_path)
    pairs = loaders.load_fnc1(tmp_path, stances=("agree", "disagree", "discuss", "unrelated")).items
    population = {"disagree": 1, "agree": 1, "discuss": 8, "unrelated": 50}
    s = harness.evaluate_fnc1(pairs, _fake_build, population=population)["summary"]
    brief = s["systems"]["brief"]
    # at the population's 10% disagree: recall 1.0, false alarms 0.5 -> .1 / (.1 + .45)
    assert brief["precision_at_natural_prevalence"] == pytest.approx(0.1 / 0.55)
    # body 1 says "denied": flagged on all 6 disagree and all 6 discuss pairs, never on body 2
    assert (brief["true_pos"], brief["false_pos"], brief["false_neg"]) == (6, 6, 0)
    assert brief["recall"] == 1.0 and brief["precision"] == 0.5
    assert brief["false_alarm_rate"] == 0.5
    assert brief["false_alarm_rate_unrelated"] == 0.0
    assert s["systems"]["always"]["false_alarm_rate"] == 1.0
    assert "| brief | 50.0 | 100.0 | 0.667 | 50.0 | 0.0 | 18.2 |" in harness.format_table(
        {"fnc1": {"summary": s}}
    )


def test_cli_skips_cleanly_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("briefing.eval.__main__.default_data_dir", lambda: tmp_path / "absent")
    assert eval_main(["--fast"]) == 0
    assert "Skipped" in capsys.readouterr().err
    assert eval_main(["--data", str(tmp_path / "absent")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1


def test_cli_writes_json_and_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_neus(tmp_path, SOURCES[:1], TARGETS[:1])
    _write_fnc(tmp_path)
    _write_crawl(tmp_path, [CRAWL_STORY])
    monkeypatch.setattr(
        "briefing.eval.__main__.pipeline_builder", lambda settings, **_: _fake_build
    )
    out = tmp_path / "out.json"
    assert eval_main(["--data", str(tmp_path), "--limit", "2", "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "| lead-1 |" in printed and "| refute-cue |" in printed
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["neus"]["summary"]["clusters"] == 1
    assert payload["fnc1"]["summary"]["pairs"] == 6  # 2 per stance
    assert payload["meta"]["plan"]["fnc1_per_stance"] == 2
    assert payload["crawl"]["summary"]["clusters"] == 1
    assert "AllSides crawl (held out): 1 clusters" in printed


# --- the regression gate: a fixed subset of real data through the offline engine ---------------
#
# 20 NeuS clusters and 20 FNC-1 pairs per stance (agree/disagree/discuss), seeded, built with
# default Settings. Thresholds sit just below the values measured when the gate was set (see
# eval/README.md); a drop fails the suite. Raise them when the engine improves.

GATE_NEUS = {
    "citation_validity": 1.0,  # target: every citation is an exact slice of its source
    "support_proxy": 0.98,  # measured 1.000
    "source_balance": 0.95,  # measured 1.000 (issue target 0.90); one cluster short still passes
}
GATE_NEUS_BRIEF = {
    "bottom_line_rouge1_f": 0.375,  # measured 0.390 (lead-1 on the same clusters: 0.382)
    "bottom_line_rouge2_f": 0.150,  # measured 0.157
    "bottom_line_rougeL_f": 0.235,  # measured 0.247
    "whole_rouge1_recall": 0.69,  # measured 0.706 with headlines as facts (all text: 0.714)
}
GATE_MAX_FALSE_ALARMS = 0.10  # issue target: under 10% on agree/discuss pairs (measured 0.025)
GATE_MIN_FNC1_BRIEFS_WITH_CONTRADICTIONS = 5  # measured 7 of 60
GATE_MIN_FNC1_RECALL = 0.10  # measured 0.20 (4 of 20) with the cross-source refutation rule


@pytest.fixture(scope="module")
def gate_run() -> dict[str, Any]:
    data = loaders.default_data_dir()
    if not (data / loaders.NEUS_DIR).is_dir() or not (data / loaders.FNC1_DIR).is_dir():
        pytest.skip(f"eval data not found at {data}")
    return harness.run_evaluation(data, harness.RunPlan.fast(), harness.pipeline_builder())


def test_gate_neus_quality(gate_run: dict[str, Any]) -> None:
    s = gate_run["neus"]["summary"]
    assert s["clusters"] == harness.FAST_NEUS_CLUSTERS and s["errors"] == 0
    for key, floor in GATE_NEUS.items():
        assert s[key] >= floor, f"NeuS {key} {s[key]:.3f} fell below {floor}"
    brief = s["systems"]["brief"]
    for key, floor in GATE_NEUS_BRIEF.items():
        assert brief[key] >= floor, f"NeuS brief {key} {brief[key]:.3f} fell below {floor}"
    # issue target: the bottom line selects at least as well as lead-1 on the same clusters
    lead1 = s["systems"]["lead-1"]["bottom_line_rouge1_f"]
    assert brief["bottom_line_rouge1_f"] >= lead1 - 0.005
    assert s["rendered_words_max"] <= Settings().max_words


def test_gate_fnc1_false_alarms_and_validity(gate_run: dict[str, Any]) -> None:
    s = gate_run["fnc1"]["summary"]
    assert s["pairs"] == 3 * harness.FAST_FNC1_PER_STANCE and s["errors"] == 0
    assert s["citation_validity"] == 1.0
    brief = s["systems"]["brief"]
    assert brief["false_alarm_rate"] <= GATE_MAX_FALSE_ALARMS
    assert s["briefs_with_contradictions"] >= GATE_MIN_FNC1_BRIEFS_WITH_CONTRADICTIONS
    assert brief["recall"] >= GATE_MIN_FNC1_RECALL


@pytest.mark.xfail(
    reason="issue target not reached: the offline engine's lexical rules find few headline-vs-body "
    "disagreements (full-set F1 0.230 at 2.8% false alarms); see eval/README.md",
    strict=True,
)
def test_gate_fnc1_disagree_f1_target(gate_run: dict[str, Any]) -> None:
    assert gate_run["fnc1"]["summary"]["systems"]["brief"]["f1"] >= 0.35


def test_run_skips_a_missing_data_set_with_a_warning(tmp_path: Path) -> None:
    _write_neus(tmp_path, SOURCES[:1], TARGETS[:1])  # NeuS only, no FNC-1 files
    result = harness.run_evaluation(tmp_path, harness.RunPlan.fast(), _fake_build)
    assert result["neus"]["summary"]["clusters"] == 1
    assert "fnc1" not in result
    assert any("stances.csv" in w or "bodies.csv" in w for w in result["warnings"])
    with pytest.raises(loaders.EvalDataMissing):
        harness.run_evaluation(tmp_path / "none", harness.RunPlan.fast(), _fake_build)


def test_cli_checks_the_output_folder_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def never(settings: object) -> object:
        raise AssertionError("the run must not start")

    monkeypatch.setattr("briefing.eval.__main__.pipeline_builder", never)
    out = tmp_path / "no-such-dir" / "out.json"
    assert eval_main(["--data", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {out}") and err.count("\n") == 1


def test_missing_data_from_an_installed_wheel_says_pass_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed from a wheel, the default folder is under site-packages: the README's
    '--write-inbox inbox' said only 'file not found' there."""
    from briefing.eval import mixed

    monkeypatch.setattr(mixed, "default_data_dir", lambda: tmp_path / "absent")
    assert mixed.main(["--seeds", "1", "--write-inbox", str(tmp_path / "inbox")]) == 1
    assert capsys.readouterr().err.endswith("evaluation data file not found (pass --data DIR)\n")
    assert mixed.main(["--seeds", "1"]) == 0
    assert capsys.readouterr().err.endswith("(pass --data DIR)\n")
    assert mixed.main(["--seeds", "1", "--write-days", str(tmp_path / "days")]) == 1
    assert capsys.readouterr().err.endswith("evaluation data file not found (pass --data DIR)\n")
    assert not (tmp_path / "days").exists()


def test_write_days_gives_briefing_daily_two_mornings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's "Since yesterday" sample is day 2 of these folders: day 1 is seven stories
    of the seed's mix12 inbox, two articles each; day 2 holds day 1's files, the other five
    stories, a third outlet on one of the seven and one of day 1's articles updated with a
    paragraph that the daily store takes for an update (a near-copy with new sentences)."""
    from briefing import dedup
    from briefing.eval import mixed

    data = loaders.default_data_dir()
    if not (data / loaders.NEUS_DIR).is_dir():
        pytest.skip(f"eval data not found at {data}")
    assert mixed.main(["--seeds", "1", "--write-days", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote 14 articles of 7 stories to {tmp_path}")
    day1 = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "day1").iterdir()}
    day2 = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "day2").iterdir()}
    inbox = tmp_path / "inbox"
    assert mixed.main(["--seeds", "1", "--write-inbox", str(inbox)]) == 0
    whole = {f.name: f.read_text(encoding="utf-8") for f in inbox.iterdir()}

    def stories(names: Any) -> set[str]:
        return {n.rsplit("-", 1)[0] for n in names}

    assert len(day1) == 14 and len(stories(day1)) == 7
    assert {n.rsplit("-", 1)[1] for n in day1} == {"1.txt", "2.txt"}
    assert len(day2) == 30 and set(day1) < set(day2) and set(day2) <= set(whole)
    third = [n for n in set(day2) - set(day1) if stories([n]) <= stories(day1)]
    assert len(third) == 1 and third[0].endswith("-3.txt")
    assert stories(set(day2) - set(day1) - set(third)).isdisjoint(stories(day1))
    changed = [n for n in day1 if day2[n] != day1[n]]
    assert len(changed) == 1 and stories(changed) != stories(third)
    assert all(day1[n] == whole[n] for n in day1)
    before, after = day1[changed[0]], day2[changed[0]]
    assert after.startswith(before.rstrip() + "\n\n")
    # the daily store's own test: a near-copy of the day-1 article, with news in it
    a, b = dedup.fingerprint(before), dedup.fingerprint(after)
    jaccard = dedup.estimate_jaccard(a.signature, b.signature)
    assert dedup.is_near_duplicate(jaccard, a.shingles, b.shingles)
    earlier = _doc("d1", before)
    assert dedup.copy_kind(_doc("d2", after), [earlier]) == "update"
    # the same seed writes the same files
    again = tmp_path / "again"
    assert mixed.main(["--seeds", "1", "--write-days", str(again)]) == 0
    assert {f.name: f.read_text(encoding="utf-8") for f in (again / "day2").iterdir()} == day2


def test_rouge_without_the_eval_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.errors import BriefingError

    monkeypatch.setitem(__import__("sys").modules, "rouge_score", None)  # not installed
    metrics._scorer.cache_clear()
    try:
        with pytest.raises(BriefingError, match=r"pip install 'briefing\[eval\]'"):
            metrics._scorer()
    finally:
        metrics._scorer.cache_clear()


def test_the_readme_multi_story_sample_is_what_the_build_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's lineup sample is ``briefing build inbox`` over the seed-1 mix12 inbox
    (shown up to its first source): a change to ranking or lines shows up here, not as a
    sample that no longer matches the tool."""
    from briefing.cli import main
    from briefing.eval import mixed

    data = loaders.default_data_dir()
    if not (data / loaders.NEUS_DIR).is_dir():
        pytest.skip(f"eval data not found at {data}")
    monkeypatch.chdir(tmp_path)
    assert mixed.main(["--seeds", "1", "--write-inbox", "inbox"]) == 0
    capsys.readouterr()
    assert main(["build", "inbox", "--date", "2026-11-21", "-o", "page.md"]) == 0
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    shown = page[: page.index("\n", page.index("## Sources\n1. ") + len("## Sources\n"))]
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("# Situation brief:", readme.index("--write-inbox inbox`)"))
    assert readme[start : readme.index("\n...\n", start)] == shown
