"""Chunking: whole sentences grouped into chunks with exact offsets into the document.

A chunk never splits a sentence and never contains page furniture; ``doc.text[c.start:c.end]
== c.text`` for every chunk, and each of its sentences is a verbatim slice too.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from briefing.models import Chunk, Document, Sentence
from briefing.text import paragraphs, sentence_spans

DEFAULT_CHUNK_CHARS = 1200


def document_sentences(doc: Document) -> Iterator[Sentence]:
    """The document's sentences outside page furniture, in order."""
    furniture = {(f.start, f.end) for f in doc.furniture}
    for p_start, p_end in paragraphs(doc.text):
        if (p_start, p_end) in furniture:
            continue
        for s, e in sentence_spans(doc.text, p_start, p_end):
            yield Sentence(start=s, end=e, text=doc.text[s:e])


def chunk_document(doc: Document, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[Chunk]:
    chunks: list[Chunk] = []
    group: list[Sentence] = []

    def flush() -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                id=f"{doc.id}:{len(chunks)}",
                doc_id=doc.id,
                index=len(chunks),
                start=start,
                end=end,
                text=doc.text[start:end],
                sentences=tuple(group),
            )
        )
        group.clear()

    furniture_starts = sorted(f.start for f in doc.furniture)
    for sentence in document_sentences(doc):
        if group and (
            sentence.end - group[0].start > max_chars
            or _furniture_between(furniture_starts, group[-1].end, sentence.start)
        ):
            flush()
        group.append(sentence)
    flush()
    return chunks


def _furniture_between(starts: Sequence[int], lo: int, hi: int) -> bool:
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def chunk_documents(docs: Sequence[Document], max_chars: int = DEFAULT_CHUNK_CHARS) -> list[Chunk]:
    return [chunk for doc in docs for chunk in chunk_document(doc, max_chars)]
