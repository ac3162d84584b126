"""Ingest: read source files into Documents, with a one-line warning for each bad input.

Reads ``.txt``/``.md`` (and ``.html`` through trafilatura when installed), recursively from
directories, and ``-`` for stdin. Decoded text uses universal newlines; a document's id is a
hash of that text. Metadata (title, outlet, URL, date) is taken only from what the document
states about itself: an undated document stays undated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from briefing.errors import InputError
from briefing.models import Document, Span
from briefing.text import MONTH_NAMES_IN_ORDER, furniture_spans, paragraphs, sentence_spans

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_HEADER_FIELD = re.compile(
    r"^\s*(title|headline|source|outlet|publisher|publication|url|link|date|published|updated)"
    r"\s*:\s*(.+?)\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MONTHS = list(MONTH_NAMES_IN_ORDER)
_MONTH_RE = "|".join(m[:3] + f"(?:{m[3:]})?" for m in _MONTHS).replace("sep(", "sep(?:t\\b)?(")
_DATE_PATTERNS = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.IGNORECASE),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:previous|prior|above|earlier)"
    r"\s+(?:instructions?|prompts?|rules?)|\byou\s+are\s+now\s+(?:a|an|in)\b|\bsystem\s+prompt\b"
    r"|<\|im_start\|>|\bact\s+as\s+(?:a|an)\s+\w+\s+(?:model|assistant)",
    re.IGNORECASE,
)


@dataclass
class Ingested:
    """The usable documents, and one warning line per input that was skipped or repaired."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0


def parse_date(value: str) -> dt.date | None:
    """A calendar date written in common news formats, or None."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(value)
        if not m:
            continue
        parts = m.groups()
        try:
            if pattern is _DATE_PATTERNS[0]:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            if pattern is _DATE_PATTERNS[1]:
                month = _month_number(parts[0])
                return dt.date(int(parts[2]), month, int(parts[1]))
            month = _month_number(parts[1])
            return dt.date(int(parts[2]), month, int(parts[0]))
        except ValueError:
            continue
    return None


def _month_number(name: str) -> int:
    return [m[:3] for m in _MONTHS].index(name[:3].lower()) + 1


def _header_metadata(text: str) -> dict[str, str]:
    """title / outlet / url / date stated in the document's first lines."""
    found: dict[str, str] = {}
    for count, (s, e) in enumerate(paragraphs(text)):
        if count >= 8:
            break
        line = text[s:e]
        m = _HEADER_FIELD.match(line)
        if m:
            key, value = m.group(1).lower(), m.group(2)
            key = {
                "headline": "title",
                "source": "outlet",
                "publisher": "outlet",
                "publication": "outlet",
                "link": "url",
                "published": "date",
                "updated": "date",
            }.get(key, key)
            found.setdefault(key, value)
            continue
        if "title" not in found and len(line) <= 200:
            found["title"] = line.lstrip("#").strip()
        if "url" not in found and (u := _URL.search(line)) and len(line) < 300:
            found["url"] = u.group(0)
        if "date" not in found and len(line) <= 60 and parse_date(line):
            found["date"] = line
    return found


def _trailing_outlet(text: str, furniture: Sequence[tuple[int, int]]) -> str | None:
    """An outlet named in a trailing 'Source(s)' block, e.g. 'Sources\\n- Reuters'."""
    lines = [text[s:e] for s, e in furniture]
    for i, line in enumerate(lines):
        if re.fullmatch(r"sources?:?", line.strip(), re.IGNORECASE):
            items = [ln.strip().lstrip("-*\u2022 ").strip() for ln in lines[i + 1 : i + 4]]
            items = [it for it in items if it and len(it) <= 60]
            if items:
                return ", ".join(items)
    return None


def document_id(text: str) -> str:
    return "d" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def document_from_text(
    text: str,
    path: str,
    *,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    date: dt.date | None = None,
) -> Document:
    """A Document from decoded text: universal newlines, stated metadata, furniture marked."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    furniture = furniture_spans(text)
    header = _header_metadata(text)
    if date is None and "date" in header:
        date = parse_date(header["date"])
    return Document(
        id=document_id(text),
        path=path,
        text=text,
        title=title or header.get("title"),
        url=url or header.get("url"),
        outlet=outlet or header.get("outlet") or _trailing_outlet(text, furniture),
        date=date,
        furniture=tuple(Span(start=s, end=e) for s, e in furniture),
    )


def _decode(data: bytes, path: str, warnings: list[str]) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks like a binary file (NUL bytes); skipped")
    sample = data[:8192]
    control = len(_CONTROL_BYTES.findall(sample))
    if sample and control / len(sample) > 0.05:
        raise InputError(path, "looks like a binary file (control bytes); skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "decoded as Windows-1252"
        )
        return data.decode("cp1252", errors="replace")


def _html_to_text(data: bytes, path: str) -> tuple[str, dict[str, str]]:
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise InputError(path, "HTML needs the 'html' extra: pip install 'briefing[html]'") from exc
    html = data.decode("utf-8", errors="replace")
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    meta = trafilatura.extract_metadata(html)
    if not text:
        raise InputError(path, "no article text found in the HTML; skipped")
    info: dict[str, str] = {}
    if meta is not None:
        for key, attr in (
            ("title", "title"),
            ("url", "url"),
            ("outlet", "sitename"),
            ("date", "date"),
        ):
            value = getattr(meta, attr, None)
            if value:
                info[key] = str(value)
    return str(text), info


def load_document(
    data: bytes, path: str, *, suffix: str = ".txt", max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Document, list[str]]:
    """One Document from raw bytes, or InputError naming ``path``; plus repair warnings."""
    warnings: list[str] = []
    if len(data) > max_bytes:
        raise InputError(
            path,
            f"{len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB per-document limit; "
            "skipped (raise it with --max-doc-mb)",
        )
    if not data.strip():
        raise InputError(path, "empty file; skipped")
    if suffix in HTML_SUFFIXES:
        text, meta = _html_to_text(data, path)
        doc = document_from_text(
            text,
            path,
            title=meta.get("title"),
            url=meta.get("url"),
            outlet=meta.get("outlet"),
            date=parse_date(meta["date"]) if "date" in meta else None,
        )
    else:
        doc = document_from_text(_decode(data, path, warnings), path)
    if not _has_content(doc):
        raise InputError(path, "no article text (only headings or page furniture); skipped")
    if _INJECTION.search(doc.text):
        warnings.append(
            f"{path}: contains text addressed to an AI model; it is treated as content, never "
            "followed"
        )
    return doc, warnings


MIN_SENTENCE_WORDS = 4


def _has_content(doc: Document) -> bool:
    furniture = {(f.start, f.end) for f in doc.furniture}
    for s, e in paragraphs(doc.text):
        if (s, e) in furniture:
            continue
        for ss, se in sentence_spans(doc.text, s, e):
            # A real sentence, however short ("Iran denies the talks took place."): a flash or
            # a one-line denial is a document.
            if len(doc.text[ss:se].split()) >= MIN_SENTENCE_WORDS and doc.text[se - 1] in (
                ".!?\"'\u201d\u2019)"
            ):
                return True
            if len(doc.text[ss:se].split()) >= 12:  # an excerpt cut mid-sentence
                return True
    return False


def _expand(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES:
                yield child
    else:
        yield path


def ingest_paths(
    paths: Sequence[str | Path],
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Ingested:
    """Documents from files, directories (recursive) and ``-`` (stdin).

    Never raises for one bad input: each gets a warning naming it, and the rest are read.
    Identical documents (same decoded text) are kept once.
    """
    result = Ingested()
    seen: dict[str, str] = {}

    def add(data: bytes, name: str, suffix: str) -> None:
        try:
            doc, warnings = load_document(data, name, suffix=suffix, max_bytes=max_bytes)
        except InputError as exc:
            result.warnings.append(str(exc))
            result.skipped += 1
            return
        result.warnings.extend(warnings)
        if doc.id in seen:
            result.warnings.append(f"{name}: same text as {seen[doc.id]}; counted once")
            result.skipped += 1
            return
        seen[doc.id] = name
        result.documents.append(doc)

    for raw in paths:
        if str(raw) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            add(stream.read(max_bytes + 1), "-", ".txt")
            continue
        path = Path(raw)
        if not path.exists():
            result.warnings.append(f"{path}: no such file or directory")
            result.skipped += 1
            continue
        found = False
        for file in _expand(path):
            found = True
            try:
                size = file.stat().st_size
                if size > max_bytes:
                    raise InputError(
                        str(file),
                        f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB per-document "
                        "limit; skipped (raise it with --max-doc-mb)",
                    )
                data = file.read_bytes()
            except InputError as exc:
                result.warnings.append(str(exc))
                result.skipped += 1
                continue
            except OSError as exc:
                result.warnings.append(f"{file}: cannot read: {exc.strerror}")
                result.skipped += 1
                continue
            add(data, str(file), file.suffix.lower())
        if not found:
            result.warnings.append(f"{path}: no .txt, .md or .html documents in this directory")
    return result
