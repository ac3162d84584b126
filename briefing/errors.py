"""Errors a person can act on. The CLI prints ``Error: <message>`` for any BriefingError (exit 1).

Every error class of the package is defined here. Bugs are not wrapped in these: they keep
their own type and traceback.

    BriefingError                 an expected failure whose message says what to do
    ├── InputError                a source document cannot be used (carries the path)
    │   └── OwnBriefError         a brief briefing wrote, met among the sources
    ├── NoDocumentsError          nothing usable was given
    │   └── NoMatchingDocumentsError  nothing is about the --topic
    ├── ConfigError               a setting or config file is wrong
    │   └── FlagError             a command-line flag's value is wrong (a usage error: exit 2)
    ├── EngineError               the extraction engine failed in a way the user can act on
    │   └── MissingKeyError       no API key, or the key was rejected
    ├── RenderError               the brief could not be rendered
    ├── OutputError               a file could not be written (carries the path)
    ├── StoreError                the daily store cannot be opened or used
    ├── FetchError                a feed, page or file could not be fetched (carries the source)
    ├── DailyLockedError          another daily run holds the lock
    ├── DeliveryError             the brief was written but could not be delivered
    ├── ScheduleError             a schedule could not be produced or did not validate
    └── EvalDataMissing           the evaluation data (or one of its files) is not there
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: an expected failure whose message says what to do."""


class InputError(BriefingError):
    """A source document cannot be used. Carries the path at fault."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OwnBriefError(InputError):
    """A brief this tool wrote, met among the sources: never read as one (passed over
    quietly when it sits in a folder being read, e.g. examples/brief.pdf)."""


class NoDocumentsError(BriefingError):
    """Nothing usable was given."""


class NoMatchingDocumentsError(NoDocumentsError):
    """Documents were read, but none is about the topic asked for."""


class ConfigError(BriefingError):
    """A setting, flag value or config file is wrong."""


class FlagError(ConfigError):
    """A value given on the command line is not valid: a usage error (exit 2), not a failure."""


class EngineError(BriefingError):
    """The extraction engine failed in a way the user can act on."""


class MissingKeyError(EngineError):
    """No API key, or the key was rejected."""


class RenderError(BriefingError):
    """The brief could not be rendered."""


class OutputError(BriefingError):
    """A file could not be written. Carries the path and what was being written."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StoreError(BriefingError):
    """The corpus database cannot be opened or used."""


class FetchError(BriefingError):
    """A feed, page or file could not be fetched or read. Carries what was at fault."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class DailyLockedError(BriefingError):
    """Another daily run holds the lock."""


class DeliveryError(BriefingError):
    """The brief was written but could not be delivered."""


class ScheduleError(BriefingError):
    """A schedule could not be produced or did not validate."""


class EvalDataMissing(BriefingError):
    """The evaluation data (or one of its files) is not there."""
