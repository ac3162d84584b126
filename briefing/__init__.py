"""briefing: turn source documents into a cited one-page situation brief.

The library API: ``build_brief`` (from Documents) and ``build_brief_from_paths`` (from files),
the stage models, and the errors. The CLI in ``briefing.cli`` is a thin layer over these.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

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
from briefing.render import FORMATS, render

if TYPE_CHECKING:
    from briefing.config import Settings, load_settings
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
    from briefing.render.markdown import render_json, render_markdown

# The rest loads on first use (PEP 562): ``import briefing.cli`` stays light, so the CLI's
# own start-up runs under its Ctrl-C handling, and a library user pays for what it uses.
# ("render" is imported above: the submodule of that name would otherwise shadow it.)
_LAZY: dict[str, str] = {
    "Settings": "briefing.config",
    "load_settings": "briefing.config",
    "document_from_text": "briefing.ingest",
    "ingest_paths": "briefing.ingest",
    "ActorPosition": "briefing.models",
    "Brief": "briefing.models",
    "BriefStats": "briefing.models",
    "Chunk": "briefing.models",
    "Citation": "briefing.models",
    "Contradiction": "briefing.models",
    "ContradictionSide": "briefing.models",
    "Document": "briefing.models",
    "Fact": "briefing.models",
    "SourceRef": "briefing.models",
    "Story": "briefing.models",
    "build_brief": "briefing.pipeline",
    "build_brief_from_paths": "briefing.pipeline",
    "render_json": "briefing.render.markdown",
    "render_markdown": "briefing.render.markdown",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'briefing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
