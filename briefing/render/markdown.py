"""Rendering: Markdown through a Jinja template, and JSON of the Brief model."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import jinja2

from briefing.compose import MAX_NEW_FACTS_SHOWN
from briefing.models import Brief, Citation, Reprint
from briefing.resources import templates_dir
from briefing.sanitize import one_line, safe_url
from briefing.text import word_count

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def markdown_escape(text: str) -> str:
    """Source text as literal Markdown: markup characters escaped, newlines and control
    characters folded into spaces."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def markdown_link(url: str | None) -> str:
    """An http(s) URL as an autolink ``<url>``; any other scheme (``javascript:``, ``data:``)
    or a URL that could break out of the brackets is shown as escaped text, never linked."""
    if not url:
        return ""
    safe = safe_url(url)
    return f"<{safe}>" if safe is not None else markdown_escape(url)


def markdown_code(text: str) -> str:
    """``text`` as an inline code span, its fence longer than any backtick run inside."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["mdlink"] = markdown_link
    env.filters["mdcode"] = markdown_code
    return env


def source_numbers(brief: Brief) -> dict[str, int]:
    return {s.id: s.number for s in brief.sources}


Cited = Citation | Reprint | Mapping[str, str]


def cite_labels(citations: Iterable[Cited], numbers: Mapping[str, int]) -> list[tuple[int, str]]:
    """(source number, label) per cited source, in number order: ``(2, "2")``, or
    ``(2, "2, p. 14")`` / ``(2, "2, pp. 3, 14")`` when the quotes come from a paged source."""
    pages: dict[int, set[int]] = {}
    for c in citations:
        source_id = c["source_id"] if isinstance(c, Mapping) else c.source_id
        if source_id not in numbers:
            continue
        found = pages.setdefault(numbers[source_id], set())
        page = c.page if isinstance(c, Citation) else None
        if page is not None:
            found.add(page)
    labels: list[tuple[int, str]] = []
    for number in sorted(pages):
        on = sorted(pages[number])
        if not on:
            labels.append((number, str(number)))
        else:
            prefix = "p." if len(on) == 1 else "pp."
            labels.append((number, f"{number}, {prefix} {', '.join(str(p) for p in on)}"))
    return labels


def cite(citations: Iterable[Cited], numbers: Mapping[str, int]) -> str:
    """Citation markers like ``[1]``, ``[1, 2]``, or ``[2, p. 14]`` and ``[1; 2, p. 14]`` when
    a quote comes from a paged source (a PDF)."""
    labels = cite_labels(citations, numbers)
    if not labels:
        return ""
    paged = any(label != str(number) for number, label in labels)
    return "[" + ("; " if paged else ", ").join(label for _, label in labels) + "]"


def quoted(statement: str, citations: Sequence[Citation]) -> bool:
    """Whether the statement is itself the (single) verbatim quote, so it needs no repeat."""
    return len(citations) == 1 and " ".join(statement.split()) == " ".join(
        citations[0].quote.split()
    )


MAX_WARNINGS_SHOWN = 5

KIND_LABELS = {
    "claim_conflict": "Conflicting claims",
    "reported_dispute": "Reported dispute",
    "temporal": "Different periods",
}


def render_markdown(brief: Brief) -> str:
    template = _environment().get_template("brief.md.j2")
    numbers = source_numbers(brief)
    return template.render(
        brief=brief,
        cite=lambda cs: cite(cs, numbers),
        max_new_facts=MAX_NEW_FACTS_SHOWN,
        max_warnings=MAX_WARNINGS_SHOWN,
        citations_of=lambda c: [q for side in c.sides for q in side.citations],
        cited=lambda facts: [f for f in facts if cite(f.citations, numbers)],
        quoted=quoted,
        kind_label=KIND_LABELS,
        source_marks=lambda ids: cite([{"source_id": i} for i in ids], numbers),
    )


def render_json(brief: Brief) -> str:
    return brief.model_dump_json(indent=2) + "\n"


def markdown_words(brief: Brief) -> int:
    return word_count(render_markdown(brief))
