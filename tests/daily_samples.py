"""Invented news texts for the daily-brief tests (no relation to any real cluster)."""

from __future__ import annotations

import hashlib

from briefing.models import Document

FERRY_STRIKE = (
    "Ferry crews at the port of Halvik walked off the job on Monday, halting crossings to the "
    "outer islands for the first time in eleven years. The union said its members had rejected "
    "a wage offer of three percent and would stay out until the operator returned to talks. "
    "Island shops reported that fresh food deliveries had already been cancelled for the week. "
    "The operator said it had offered a fair deal and accused the union of refusing to negotiate. "
    "Local officials asked residents to avoid unnecessary travel and promised an emergency "
    "freight service by Wednesday. Tourism businesses on the islands warned that bookings for "
    "the spring festival were being cancelled at an alarming rate."
)

FERRY_REPRINT = (
    "Harbour Gazette: wire report\n"
    + FERRY_STRIKE.replace("on Monday", "on Monday morning")
    + " The wire service contributed to this report."
)

BRIDGE_VOTE = (
    "The regional council of Lunde voted by a narrow margin to fund a new road bridge across "
    "the Vessa river, ending a decade of debate over the crossing. Supporters said the bridge "
    "would cut commuting times in half and bring new jobs to the northern districts. Opponents "
    "argued that the cost estimate of forty million had been set too low and that wetlands "
    "along the river would be damaged beyond repair. Construction is expected to begin next "
    "autumn if the environmental review is approved by the national agency."
)

ORCHARD_FROST = (
    "A late frost swept through the orchard valleys of Tervola overnight, and growers fear "
    "that much of the apple blossom has been lost. The growers association estimated that at "
    "least half of the early varieties were damaged, although the agriculture ministry said "
    "the losses were limited to a few hillside farms. Several farmers lit fires between the "
    "rows in an attempt to keep the temperature above freezing. Insurance claims are expected "
    "to rise sharply, and some cider makers have already warned customers of higher prices."
)

LIBRARY_OPENING = (
    "The new central library in Ostrava Nova opened its doors on Saturday after four years of "
    "construction. City officials said more than five thousand visitors came through on the "
    "first day. The building houses a children's wing, a makerspace and a rooftop reading "
    "garden. The architect said the design was inspired by the old grain warehouses along the "
    "canal, several of which were demolished in the nineteen seventies."
)


def make_document(text: str, path: str, **meta: object) -> Document:
    """A Document with a content-hash id, built directly (no ingest stage needed)."""
    doc_id = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Document(id=doc_id, path=path, text=text, **meta)  # type: ignore[arg-type]
