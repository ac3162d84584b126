"""Readers of document formats beyond plain text and HTML: PDF, Word (.docx), e-mail, feeds.

Each reader turns a file's bytes (already size-capped and read by :mod:`briefing.ingest`) into
an :class:`Extracted`: the decoded text that every offset of the brief refers to, the lines of
it that are furniture (running headers, footers, page numbers, unsubscribe links), the start
offset of each page, and the metadata the file states about itself. None of them runs anything
embedded in a document: no scripts, macros, form actions or external references.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Extracted:
    """A document's text as a reader built it, one paragraph a line, with its furniture."""

    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    date: dt.date | None = None
    # Whether a dateline in the first lines wins over ``date``: a PDF's or Word file's own
    # dates are often the file's (created, converted), not the text's.
    dateline_wins: bool = False
    furniture: tuple[tuple[int, int], ...] = ()
    pages: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()  # one line each, naming the file: what was left unread
    # Text the file holds in places the reader does not read ("text boxes and footnotes
    # (1,204 characters)"): named when nothing read is article text, so the error says where
    # the words are rather than that there are none.
    unread: str | None = None


class TextBuilder:
    """Builds a document's text one line (paragraph) at a time, remembering which lines are
    furniture and where pages start. Lines are whitespace-collapsed, so every furniture span
    is exactly one of :func:`briefing.text.paragraphs`' spans."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._page_break = False
        self.furniture: list[tuple[int, int]] = []
        self.pages: list[int] = []

    def new_page(self) -> None:
        """The next line starts a page (pages are separated by a blank line)."""
        self.pages.append(self._length + (2 if self._length else 0))
        self._page_break = True

    def line(self, text: str, *, furniture: bool = False) -> tuple[int, int] | None:
        """Append one line; returns its span, or None when it is blank."""
        text = _SPACE.sub(" ", text).strip()
        if not text:
            return None
        if self._length:
            sep = "\n\n" if self._page_break else "\n"
            self._parts.append(sep)
            self._length += len(sep)
        self._page_break = False
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if furniture:
            self.furniture.append((start, self._length))
        return start, self._length

    def text(self) -> str:
        return "".join(self._parts)

    def page_starts(self) -> tuple[int, ...]:
        """Start offset of every page, blank pages included (they start where the next does)."""
        length = self._length
        return tuple(min(p, length) for p in self.pages)
