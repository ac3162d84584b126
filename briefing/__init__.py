"""briefing: turn source documents into a cited one-page situation brief.

The library API: ``build_brief`` (from Documents) and ``build_brief_from_paths`` (from files),
the stage models, and the errors. The CLI in ``briefing.cli`` is a thin layer over these.
"""

from __future__ import annotations

__version__ = "0.1.0"

from briefing.config import Settings, load_settings
from briefing.errors import (
    BriefingError,
    ConfigError,
    EngineError,
    InputError,
    MissingKeyError,
    NoDocumentsError,
    NoMatchingDocumentsError,
    OutputError,
    RenderError,
)
from briefing.ingest import document_from_text, ingest_paths
from briefing.models import (
    ActorPosition,
    Brief,
    BriefStats,
    Chunk,
    Citation,
    Contradiction,
    ContradictionSide,
    Document,
    Fact,
    SourceRef,
    Story,
)
from briefing.pipeline import build_brief, build_brief_from_paths
from briefing.render import FORMATS, render
from briefing.render.markdown import render_json, render_markdown

__all__ = [
    "FORMATS",
    "ActorPosition",
    "Brief",
    "BriefStats",
    "BriefingError",
    "Chunk",
    "Citation",
    "ConfigError",
    "Contradiction",
    "ContradictionSide",
    "Document",
    "EngineError",
    "Fact",
    "InputError",
    "MissingKeyError",
    "NoDocumentsError",
    "NoMatchingDocumentsError",
    "OutputError",
    "RenderError",
    "Settings",
    "SourceRef",
    "Story",
    "__version__",
    "build_brief",
    "build_brief_from_paths",
    "document_from_text",
    "ingest_paths",
    "load_settings",
    "render",
    "render_json",
    "render_markdown",
]
