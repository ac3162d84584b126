"""Errors a person can act on. The CLI prints ``Error: <message>`` for any BriefingError."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: an expected failure whose message says what to do."""


class InputError(BriefingError):
    """A source document cannot be used. Carries the path at fault."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NoDocumentsError(BriefingError):
    """Nothing usable was given."""


class NoMatchingDocumentsError(NoDocumentsError):
    """Documents were read, but none is about the topic asked for."""


class ConfigError(BriefingError):
    """A setting or config file is wrong."""


class EngineError(BriefingError):
    """The extraction engine failed in a way the user can act on."""


class MissingKeyError(EngineError):
    """No API key, or the key was rejected."""


class RenderError(BriefingError):
    """The brief could not be rendered or written."""
