from __future__ import annotations

import briefing


def test_public_api_is_pinned() -> None:
    # sorted as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions
    def group(name: str) -> tuple[int, str]:
        kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
        return kind, name

    assert briefing.__all__ == sorted(briefing.__all__, key=group)
    assert set(briefing.__all__) == {
        "ActorPosition",
        "FORMATS",
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
    }
    for name in briefing.__all__:
        assert hasattr(briefing, name), name


def test_engines_share_one_protocol() -> None:
    from briefing.engines import Engine, OfflineEngine

    assert isinstance(OfflineEngine(), Engine)
