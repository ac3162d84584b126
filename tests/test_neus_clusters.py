"""Every NeuS cluster in ../shared/eval-data builds a brief citing each of its non-empty sources."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefing import Settings, build_brief, document_from_text
from briefing.cli import main

_PART = re.compile(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


def _clusters(eval_data: Path) -> list[list[tuple[str, str]]]:
    lines = (eval_data / "neus_allsides" / "val.source").read_text(encoding="utf-8").splitlines()
    clusters = []
    for line in lines:
        parts = []
        for part in line.split("[SEP]"):
            m = _PART.match(part)
            parts.append((m.group(1), m.group(2).strip()) if m else ("", part.strip()))
        clusters.append(parts)
    return clusters


@pytest.mark.parametrize("headline_in_text", [False, True])
def test_every_cluster_cites_every_non_empty_source(
    eval_data: Path, headline_in_text: bool
) -> None:
    # a headline given apart (a feed's title), or also as the text's first line (a file): a
    # source whose excerpt is its headline and a cut sentence is still cited when another
    # source's headline heads the story; a reprint (cluster 116: the AP text again under
    # another title) counts once, listed as a reprint of the cited source it copies
    clusters = _clusters(eval_data)
    assert len(clusters) > 300
    missing = []
    for i, parts in enumerate(clusters):
        docs = [
            document_from_text(
                f"{title.rstrip('.')}\n\n{body}\n" if headline_in_text and title else body,
                f"{i}-{j}",
                title=title.rstrip(".") if headline_in_text else title,
            )
            for j, (title, body) in enumerate(parts)
            if body.strip()
        ]
        brief = build_brief(docs, settings=Settings(), today=dt.date(2026, 1, 1))
        cited = {s.id for s in brief.sources}
        listed = {r.path for r in brief.reprints if r.source_id in cited}
        if cited != {d.id for d in docs if d.path not in listed}:
            missing.append(i)
        assert brief.stats.words <= 650
    assert missing == []


@pytest.mark.parametrize("index", [0, 100, 200, 306])
def test_cli_on_a_cluster_written_as_files(
    index: int, eval_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parts = _clusters(eval_data)[index]
    for j, (title, body) in enumerate(parts):
        (tmp_path / f"source{j}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    assert main(["build", str(tmp_path), "-f", "json", "-q"]) == 0
    import json

    brief = json.loads(capsys.readouterr().out)
    assert len(brief["sources"]) == sum(1 for _, body in parts if body.strip())
