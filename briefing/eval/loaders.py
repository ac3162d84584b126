"""Loaders for the evaluation data sets: each yields clusters of Documents plus gold labels.

The data lives outside the repository (``../shared/eval-data`` by default, see
``default_data_dir``) and is never copied into it. Each loader reads one data set's files,
turns every source text into a :class:`~briefing.models.Document` through the same
``briefing.ingest.document_from_text`` a user's files go through, and attaches what the
data set says the right answer is:

- NeuS (``neus_allsides/val.source`` + ``val.target``): one line per story; the source line
  holds three outlets' excerpts separated by ``[SEP]``, each ``TITLE=> ... ARTICLE=> ...``;
  the target line is the AllSides editors' neutral roundup in the same format.
- FNC-1 (``fnc1_dev/stances.csv`` + ``bodies.csv``): each (headline, body) pair becomes two
  documents; the gold label is the stance (agree, disagree, discuss, unrelated).
- The AllSides crawl (``neus_allsides/allsides_raw_crawl_2021-10-19.jsonl``): 506 dated stories
  of April-October 2021, each two or three outlets' articles (headline, outlet, link and the
  opening paragraphs) and the editors' roundup. Not used to tune anything: a held-out check
  that story grouping and topic focus hold beyond ``val``, with the dates a feed would give.

A malformed line is skipped with a one-line warning naming the file and line; a missing file
raises :class:`EvalDataMissing` so the harness (and the tests) can skip cleanly.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import logging
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from briefing.errors import EvalDataMissing
from briefing.models import Document

logger = logging.getLogger(__name__)

NEUS_DIR = "neus_allsides"
CRAWL_FILE = "allsides_raw_crawl_2021-10-19.jsonl"
CRAWL_TODAY = dt.date(2021, 10, 19)  # the day the crawl was made: "today" for its briefs
FNC1_DIR = "fnc1_dev"
FNC1_STANCES = ("agree", "disagree", "discuss", "unrelated")

_ITEM = re.compile(r"^\s*TITLE=>(?P<title>.*?)\s*ARTICLE=>(?P<article>.*)$", re.DOTALL)
_SEP = "[SEP]"

T = TypeVar("T")


def default_data_dir() -> Path:
    """``../shared/eval-data`` beside the repository root (the folder holding ``briefing/``)."""
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "eval-data"


@dataclass(frozen=True)
class NeusCluster:
    """Three outlets' takes on one story, and the editors' roundup of it."""

    id: str
    documents: tuple[Document, ...]
    articles: tuple[str, ...]  # each outlet's article text, without its title
    roundup: str  # the roundup's article text: the reference summary
    roundup_title: str


@dataclass(frozen=True)
class StancePair:
    """An FNC-1 headline and article body, as two documents, with the gold stance."""

    id: str
    headline: Document
    body: Document
    stance: str

    @property
    def documents(self) -> tuple[Document, Document]:
        return (self.headline, self.body)


@dataclass
class Loaded(Generic[T]):
    items: list[T] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    population: dict[str, int] = field(default_factory=dict)  # label counts before sampling


def make_document(
    text: str,
    path: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    date: dt.date | None = None,
) -> Document:
    """A Document built the way the pipeline builds one from a user's file."""
    from briefing.ingest import document_from_text  # the lead's ingest stage

    return document_from_text(text, path, title=title, outlet=outlet, url=url, date=date)


def parse_item(raw: str) -> tuple[str, str] | None:
    """``TITLE=> t ARTICLE=> a`` as ``(t, a)`` (trimmed), or None when it is not in that form."""
    match = _ITEM.match(raw)
    if match is None:
        return None
    title = match["title"].strip()
    article = match["article"].strip()
    if not article:
        return None
    return title, article


def _clean_title(title: str) -> str:
    # The data set ends every headline with " ." or "."; a headline has no full stop.
    return title.rstrip(" .").strip()


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise EvalDataMissing(f"{path}: evaluation data file not found")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataMissing(f"{path}: cannot read evaluation data: {exc}") from exc


def load_neus(data_dir: Path, *, limit: int | None = None) -> Loaded[NeusCluster]:
    """NeuS clusters in file order (``limit`` = the first N usable ones)."""
    source_path = data_dir / NEUS_DIR / "val.source"
    target_path = data_dir / NEUS_DIR / "val.target"
    sources = _read_lines(source_path)
    targets = _read_lines(target_path)
    loaded: Loaded[NeusCluster] = Loaded()
    if len(sources) != len(targets):
        loaded.warnings.append(
            f"{source_path}: {len(sources)} lines but {target_path.name} has {len(targets)};"
            f" using the first {min(len(sources), len(targets))}"
        )
    for lineno, (source, target) in enumerate(zip(sources, targets, strict=False), start=1):
        if limit is not None and len(loaded.items) >= limit:
            break
        cluster_id = f"neus-{lineno:03d}"
        parts = [parse_item(raw) for raw in source.split(_SEP)]
        roundup = parse_item(target)
        if any(p is None for p in parts) or len(parts) < 2:
            loaded.warnings.append(
                f"{source_path}:{lineno}: an item is not TITLE=> ... ARTICLE=> ... with an"
                " article; skipped"
            )
            continue
        if roundup is None:
            loaded.warnings.append(f"{target_path}:{lineno}: no TITLE=>/ARTICLE=> roundup; skipped")
            continue
        docs: list[Document] = []
        articles: list[str] = []
        for k, part in enumerate(parts, start=1):
            assert part is not None
            title, article = part
            title = _clean_title(title)
            docs.append(
                make_document(
                    f"{title}\n\n{article}\n", f"{source_path}:{lineno}#{k}", title=title or None
                )
            )
            articles.append(article)
        loaded.items.append(
            NeusCluster(
                id=cluster_id,
                documents=tuple(docs),
                articles=tuple(articles),
                roundup=roundup[1],
                roundup_title=_clean_title(roundup[0]),
            )
        )
    return loaded


def _read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise EvalDataMissing(f"{path}: evaluation data file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise EvalDataMissing(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalDataMissing(f"{path}: cannot read evaluation data: {exc}") from exc


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def stratified_sample(
    items: Sequence[T], label_of: Mapping[int, str], per_class: Mapping[str, int], seed: int
) -> list[int]:
    """Indices of a seeded sample with ``per_class[label]`` items of each label (all if fewer).

    ``label_of`` maps an item's index to its label. The result is in file order, so the same
    seed and data always give the same sample.
    """
    rng = random.Random(seed)
    chosen: list[int] = []
    for label in sorted(per_class):
        pool = [i for i in range(len(items)) if label_of[i] == label]
        want = per_class[label]
        chosen.extend(pool if want >= len(pool) else rng.sample(pool, want))
    return sorted(chosen)


def load_fnc1(
    data_dir: Path,
    *,
    per_class: Mapping[str, int] | None = None,
    stances: Sequence[str] = ("agree", "disagree", "discuss"),
    seed: int = 1354,
) -> Loaded[StancePair]:
    """FNC-1 pairs with the given stances: all of them, or a seeded stratified sample.

    ``per_class`` maps a stance to how many pairs of it to draw; a stance it leaves out is
    taken whole.
    """
    stances_path = data_dir / FNC1_DIR / "stances.csv"
    bodies_path = data_dir / FNC1_DIR / "bodies.csv"
    bodies = {
        row["Body ID"].strip(): _normalise_newlines(row["articleBody"])
        for row in _read_csv(bodies_path, ("Body ID", "articleBody"))
    }
    rows = _read_csv(stances_path, ("Headline", "Body ID", "Stance"))
    loaded: Loaded[StancePair] = Loaded()
    usable: list[tuple[int, dict[str, str]]] = []
    for rowno, row in enumerate(rows, start=2):  # line 1 is the header
        stance = (row["Stance"] or "").strip().lower()
        body_id = (row["Body ID"] or "").strip()
        if stance not in FNC1_STANCES:
            loaded.warnings.append(f"{stances_path}:{rowno}: unknown stance {stance!r}; skipped")
            continue
        if body_id not in bodies:
            loaded.warnings.append(f"{stances_path}:{rowno}: no body {body_id!r}; skipped")
            continue
        if not (row["Headline"] or "").strip() or not bodies[body_id].strip():
            loaded.warnings.append(f"{stances_path}:{rowno}: empty headline or body; skipped")
            continue
        if stance in stances:
            usable.append((rowno, row))
    labels = {i: (row["Stance"] or "").strip().lower() for i, (_, row) in enumerate(usable)}
    for label in labels.values():
        loaded.population[label] = loaded.population.get(label, 0) + 1
    wanted = {s: len(usable) for s in stances}
    wanted.update(per_class or {})
    for i in stratified_sample(usable, labels, wanted, seed):
        rowno, row = usable[i]
        body_id = row["Body ID"].strip()
        headline = _normalise_newlines(row["Headline"]).strip()
        loaded.items.append(
            StancePair(
                id=f"fnc-{rowno}",
                headline=make_document(f"{headline}\n", f"{stances_path}:{rowno}"),
                body=make_document(bodies[body_id], f"{bodies_path}#{body_id}"),
                stance=labels[i],
            )
        )
    return loaded


_URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d)[/-](\d\d)(?:/|$)")


def _crawl_date(link: str, story_date: dt.date | None) -> dt.date | None:
    """An article's date: the one in its link ("/2021/10/16/") when it has one, else its
    story's (the roundup's), as a feed entry's published date would give it."""
    match = _URL_DATE.search(link)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    return story_date


def _crawl_body(raw: object) -> str:
    """The article's paragraphs: a list, or the crawl's text of a Python list of strings."""
    if isinstance(raw, str):
        text = raw
        try:
            raw = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text.strip()
    if isinstance(raw, list):
        return "\n\n".join(str(p).strip() for p in raw if str(p).strip())
    return ""


def load_allsides_crawl(data_dir: Path, *, dated: bool = True) -> Loaded[NeusCluster]:
    """The AllSides crawl's stories with two or more usable articles, in file order, as
    clusters (``roundup_title`` is the story's AllSides headline). With ``dated``, each article
    carries the date of its link or, failing that, of its story; else no date at all."""
    path = data_dir / NEUS_DIR / CRAWL_FILE
    loaded: Loaded[NeusCluster] = Loaded()
    for lineno, line in enumerate(_read_lines(path), start=1):
        try:
            row = json.loads(line)
            story_date = dt.date.fromisoformat(str(row.get("date", ""))[:10])
        except ValueError:
            loaded.warnings.append(f"{path}:{lineno}: not a story with a date; skipped")
            continue
        docs: list[Document] = []
        articles: list[str] = []
        for k, side in enumerate((row.get("news") or {}).values(), start=1):
            title = _clean_title(str(side.get("newsTitle") or ""))
            body = _crawl_body(side.get("newBody"))
            if not title or not body:
                continue
            link = str(side.get("newsLink") or "")
            docs.append(
                make_document(
                    f"{title}\n\n{body}\n",
                    f"{path}:{lineno}#{k}",
                    title=title,
                    outlet=str(side.get("newsSource") or "") or None,
                    url=link or None,
                    date=_crawl_date(link, story_date) if dated else None,
                )
            )
            articles.append(body)
        if len(docs) < 2:
            loaded.warnings.append(f"{path}:{lineno}: fewer than two articles; skipped")
            continue
        loaded.items.append(
            NeusCluster(
                id=f"crawl-{row.get('id', lineno)}",
                documents=tuple(docs),
                articles=tuple(articles),
                roundup=" ".join(str(p) for p in row.get("roundup") or []),
                roundup_title=_clean_title(str(row.get("issue") or "")),
            )
        )
    return loaded
