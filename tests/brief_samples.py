"""Synthetic Brief objects for the HTML and PDF renderer tests (no pipeline, no network).

The wording is generic on purpose: a fictional river authority and town council, nothing from
examples/. ``make_brief(n_facts=...)`` scales from an examples-sized brief to one that would
need many pages.
"""

from __future__ import annotations

import datetime as dt

from briefing.models import (
    ActorPosition,
    Brief,
    BriefStats,
    Citation,
    Contradiction,
    ContradictionSide,
    Fact,
    SourceRef,
    Usage,
)

_SUBJECTS = (
    "The river authority",
    "The town council",
    "Local farmers",
    "The regional court",
    "A spokesperson for the port",
    "Independent engineers",
    "The transport ministry",
    "Residents of the eastern district",
)
_VERBS = (
    "said the dam inspection would finish",
    "reported that water levels had risen",
    "warned that the ferry schedule could change",
    "confirmed that repair crews were deployed",
    "disputed the figures published",
    "announced a review of the flood barriers",
)


def source(number: int, **extra: object) -> SourceRef:
    fields: dict[str, object] = {
        "id": f"doc{number:04d}",
        "number": number,
        "title": f"Report {number} on the river works",
        "path": f"sources/report_{number:04d}.txt",
        "outlet": f"Outlet {number % 7 + 1}",
        "url": f"https://news.example.org/{number}",
        "date": dt.date(2025, 3, 1) + dt.timedelta(days=number % 20),
    }
    fields.update(extra)
    return SourceRef.model_validate(fields)


def cite(number: int, quote: str) -> Citation:
    return Citation(source_id=f"doc{number:04d}", quote=quote, start=0, end=len(quote))


def fact(i: int, n_sources: int, *, words: int = 22) -> Fact:
    subject = _SUBJECTS[i % len(_SUBJECTS)]
    verb = _VERBS[i % len(_VERBS)]
    filler = " ".join(["on the northern embankment"] * max(0, (words - 12) // 4))
    statement = f"{subject} {verb} by week {i + 1}, item {i}, {filler}.".replace(" ,", ",")
    number = i % n_sources + 1
    return Fact(
        id=f"f{i}",
        statement=statement,
        actor=subject,
        citations=(cite(number, statement[:60]),),
        score=1.0 / (i + 1),
    )


def contradiction(i: int, n_sources: int) -> Contradiction:
    left, right = i % n_sources + 1, (i + 1) % n_sources + 1
    return Contradiction(
        id=f"c{i}",
        kind="claim_conflict",
        summary=f"Sources disagree on whether the barrier {i} reopened on schedule.",
        sides=(
            ContradictionSide(
                actor="The river authority",
                statement=f"The barrier {i} reopened on Monday as planned.",
                citations=(cite(left, f"barrier {i} reopened on Monday"),),
            ),
            ContradictionSide(
                actor="The town council",
                statement=f"The barrier {i} is still closed and no date has been set.",
                citations=(cite(right, f"barrier {i} is still closed"),),
            ),
        ),
        score=1.0 / (i + 1),
    )


def make_brief(
    *,
    n_facts: int = 8,
    n_contradictions: int = 2,
    n_watch: int = 3,
    n_actors: int = 3,
    n_sources: int = 6,
    fact_words: int = 22,
    engine: str = "offline",
    model: str | None = None,
    cost: float = 0.0,
) -> Brief:
    sources = [source(n) for n in range(1, n_sources + 1)]
    facts = [fact(i, n_sources, words=fact_words) for i in range(n_facts)]
    return Brief(
        title="River barrier repairs slip as authority and council give conflicting accounts",
        topic="river barrier repairs",
        generated=dt.date(2025, 3, 30),
        source_dates=(dt.date(2025, 3, 1), dt.date(2025, 3, 20)),
        undated_sources=1,
        bottom_line=[
            Fact(
                statement="Repairs on the river barriers are behind schedule and the two "
                "main authorities describe the delay differently.",
                citations=(
                    cite(1, "behind schedule"),
                    cite(min(2, n_sources), "describe the delay"),
                ),
            ),
            Fact(
                statement="Ferry services remain reduced until the review is published.",
                citations=(cite(3 % n_sources + 1, "Ferry services remain reduced"),),
            ),
        ],
        facts=facts,
        contradictions=[contradiction(i, n_sources) for i in range(n_contradictions)],
        actors=[
            ActorPosition(
                name=_SUBJECTS[i % len(_SUBJECTS)],
                position=f"Holds position {i}: the works must finish before the spring floods.",
                citations=(cite(i % n_sources + 1, f"position {i}"),),
            )
            for i in range(n_actors)
        ],
        watch=[
            Fact(
                statement=f"Whether review {i} is published before the next council vote.",
                citations=(cite(i % n_sources + 1, f"review {i}"),),
            )
            for i in range(n_watch)
        ],
        sources=sources,
        stats=BriefStats(
            documents=n_sources,
            engine=engine,
            model=model,
            usage=Usage(calls=4 if model else 0, cost_usd=cost),
        ),
    )


def daily_brief(
    previous_day: str | None = "2025-03-29",
    *,
    new_fact_source: int = 3,
    reprint_source: int = 2,
    **kwargs: int,
) -> Brief:
    """A brief carrying a 'Since yesterday' block, built from plain data."""
    data = make_brief(**kwargs).model_dump()
    new_fact = Fact(
        statement="The ferry timetable changed overnight.",
        citations=(cite(new_fact_source, "ferry timetable changed"),),
    )
    data["changes"] = {
        "previous_day": previous_day,
        "new_facts": [new_fact.model_dump()],
        "repeated_facts": 2,
        "new_contradictions": [make_brief(n_contradictions=1).contradictions[0].model_dump()],
        "resolved_contradictions": [],
        "dropped_contradictions": [
            {"kind": "temporal", "summary": "An old dispute about the tolls.", "sides": []}
        ],
    }
    data["reprints"] = [
        {"source_id": f"doc{reprint_source:04d}", "path": "wire/copy.txt", "outlet": "Copy Wire"}
    ]
    return Brief.model_validate(data)
