"""The brief of the bundled examples: the conflicts a reader must learn, all citations exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.cli import main


@pytest.fixture(scope="module")
def brief_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("e2e") / "brief.json"
    examples = Path(__file__).resolve().parent.parent / "examples"
    assert main(["build", str(examples), "-o", str(out), "--date", "2026-11-21"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _source_texts(brief: dict) -> dict[str, str]:
    texts = {}
    for source in brief["sources"]:
        raw = Path(source["path"]).read_bytes().decode("utf-8")
        texts[source["id"]] = raw.replace("\r\n", "\n").replace("\r", "\n")
    return texts


def _citations(brief: dict) -> list[dict]:
    found = []
    for key in ("bottom_line", "facts", "watch", "more_facts"):
        for fact in brief[key]:
            found += fact["citations"]
    for key in ("contradictions", "more_contradictions"):
        for contradiction in brief[key]:
            for side in contradiction["sides"]:
                found += side["citations"]
    for actor in brief["actors"]:
        found += actor["citations"]
    return found


def test_every_citation_is_an_exact_slice_of_its_source_file(brief_json: dict) -> None:
    texts = _source_texts(brief_json)
    citations = _citations(brief_json)
    assert len(citations) > 20
    for c in citations:
        assert texts[c["source_id"]][c["start"] : c["end"]] == c["quote"]


def _sides_text(contradiction: dict) -> list[str]:
    return [" ".join(c["quote"] for c in side["citations"]) for side in contradiction["sides"]]


def test_the_three_conflicts_appear_with_both_sides_quoted(brief_json: dict) -> None:
    contradictions = brief_json["contradictions"]
    assert len(contradictions) >= 3
    by_kind = {c["kind"] for c in contradictions}
    assert {"temporal", "reported_dispute"} <= by_kind

    def find(*needles_per_side: str) -> dict | None:
        for c in contradictions:
            sides = _sides_text(c)
            if all(any(n in s for s in sides) for n in needles_per_side):
                return c
        return None

    meeting = find("did not attend", "on track")
    assert meeting is not None, "skipped meeting vs 'on track'"
    direct = find("eager to return to the negotiating table", "baseless")
    assert direct is not None, "Trump's claim vs Iran calling it baseless"
    assert any("no direct communication" in s for s in _sides_text(direct))
    temporal = next(c for c in contradictions if c["kind"] == "temporal")
    sides = _sides_text(temporal)
    assert any("former U.S. President Donald Trump" in s for s in sides)
    assert any("President Donald Trump would not tolerate" in s for s in sides)
    assert any("2024" in s for s in sides)
    for c in contradictions:
        for side in c["sides"]:
            assert side["citations"], "every side is cited"


def test_brief_names_actors_watch_items_and_undated_sources(brief_json: dict) -> None:
    assert brief_json["topic_inferred"] is True
    assert brief_json["source_dates"] is None and brief_json["undated_sources"] == 2
    assert len(brief_json["bottom_line"]) >= 2
    assert brief_json["actors"]
    assert any("watch" in f["statement"].lower() for f in brief_json["watch"])
    assert {s["id"] for s in brief_json["sources"]} == {
        c["source_id"] for c in _citations(brief_json)
    }
    stats = brief_json["stats"]
    assert stats["words"] <= 650
    assert stats["facts_dropped_unverified"] == 0


def test_markdown_brief_shows_the_contradictions_section(
    capsys: pytest.CaptureFixture[str],
) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    assert main(["build", str(examples), "--date", "2026-11-21"]) == 0
    md = capsys.readouterr().out
    section = md.split("## Contradictions", 1)[1].split("\n## ", 1)[0]
    assert "Different periods" in section and "Reported dispute" in section
    assert "sharply different account" in section and "baseless" in section
    assert "**Source dates:** undated sources" in md
    assert len(md.split()) < 800


def test_the_readme_sample_is_what_make_brief_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README.md shows the examples' brief as `make brief` prints it (date fixed): a change to
    # the engine that changes the page must change the README with it.
    repo = Path(__file__).resolve().parent.parent
    readme = (repo / "README.md").read_text(encoding="utf-8")
    sample = readme.split("<!-- sample-brief:start -->\n", 1)[1].split("<!-- sample-brief:end -->")[
        0
    ]
    monkeypatch.chdir(repo)
    out = tmp_path / "brief.md"
    assert main(["build", "examples", "-o", str(out), "--date", "2026-11-21", "-q"]) == 0
    assert out.read_text(encoding="utf-8") == sample
