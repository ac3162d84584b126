"""Rendering: Markdown through a Jinja template, and JSON of the Brief model."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import jinja2

from briefing.compose import MAX_NEW_FACTS_SHOWN
from briefing.models import Brief, Citation
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


def cite(citations: Sequence[Citation | Mapping[str, str]], numbers: dict[str, int]) -> str:
    """Citation markers like ``[1]`` or ``[1, 2]`` for the sources of ``citations``."""
    ids = [c["source_id"] if isinstance(c, Mapping) else c.source_id for c in citations]
    nums = sorted({numbers[i] for i in ids if i in numbers})
    return "[" + ", ".join(str(n) for n in nums) + "]" if nums else ""


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
