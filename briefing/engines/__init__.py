"""Engines: the structured-output step. ``create_engine`` builds the one the settings name."""

from __future__ import annotations

from briefing.config import Settings
from briefing.engines.base import CandidatePair, Engine, EngineResult
from briefing.engines.offline import OfflineEngine
from briefing.errors import ConfigError

__all__ = ["CandidatePair", "Engine", "EngineResult", "OfflineEngine", "create_engine"]


def create_engine(settings: Settings) -> Engine:
    """The engine named by ``settings.engine``; the OpenAI client is imported only when used."""
    if settings.engine == "offline":
        return OfflineEngine()
    if settings.engine == "openai":
        from briefing.engines.openai_engine import OpenAIEngine

        return OpenAIEngine(settings)
    raise ConfigError(f"unknown engine {settings.engine!r}; choose offline or openai")
