"""The Jinja prompt templates in ``prompts/``, each identified by a hash of its source.

The hash of every template a call may use goes into the call's cache key, so editing a prompt
invalidates exactly the cached answers it produced.

Every value a template interpolates is data, never markup: whatever it holds (a source's
text, a model's statement echoed back, an error message), it cannot open or close the
prompt's data delimiters (``<source ...>``, ``</source>``, ``<reply>``): their ``<`` becomes
``\u2039``. Values are folded onto one line, so a statement cannot forge a line of a
line-oriented list ("F9: ..."), except where a template marks a value ``| block`` (the text
inside a delimited block keeps its newlines).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import jinja2

from briefing.errors import EngineError
from briefing.resources import prompts_dir
from briefing.sanitize import INVISIBLE

# The tags the templates use to delimit data; data may contain neither an opening nor a
# closing one, in any case or spacing ("< / SOURCE >"), nor one spelled as an HTML entity or
# with a full-width bracket that a model may read as the tag.
DELIMITER_TAGS = ("source", "reply")
# Characters that print as nothing: "<\u200b/source>" or "</sou\u00adrce>" reads as the tag.
_INVISIBLE = f"[{INVISIBLE}]*"
_GAP = r"[\s" + _INVISIBLE[1:-2] + "]*"
_NAMES = "|".join(_INVISIBLE.join(tag) for tag in DELIMITER_TAGS)
_DELIMITER = re.compile(
    r"(?:<|\uff1c|&lt;|&#0*60;|&#x0*3c;)(?=" + _GAP + "/?" + _GAP + "(?:" + _NAMES + r")\b)",
    re.IGNORECASE,
)
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


class _Block(str):
    """A value that keeps its line breaks in the prompt (``| block``); still neutralised."""


def neutralise(value: object) -> str:
    """``value`` as prompt data: delimiter tags defused; one line unless it is a ``_Block``."""
    text = "" if value is None else str(value)
    text = _DELIMITER.sub("\u2039", text)
    return text if isinstance(value, _Block) else _LINE_BREAKS.sub(" ", text)


def attribute(value: object) -> str:
    """``value`` inside a double-quoted tag attribute (``| attr``): it cannot end the attribute
    or the tag."""
    text = "" if value is None else str(value)
    return text.replace('"', "'").replace("<", "\u2039").replace(">", "\u203a")


class Prompts:
    """The Jinja prompt templates, each identified by a hash of its source."""

    def __init__(self, directory: Path | None = None) -> None:
        directory = directory if directory is not None else prompts_dir()
        self.directory = directory
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(directory)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            finalize=neutralise,
        )
        self._env.filters["block"] = _Block
        self._env.filters["attr"] = attribute
        self._hashes: dict[str, str] = {}

    def render(self, name: str, **variables: Any) -> str:
        try:
            return self._env.get_template(f"{name}.j2").render(**variables).strip()
        except jinja2.TemplateNotFound as exc:
            raise EngineError(
                f"{self.directory / (name + '.j2')}: prompt template missing"
            ) from exc

    def hash(self, *names: str) -> str:
        digest = hashlib.sha256()
        for name in names:
            if name not in self._hashes:
                path = self.directory / f"{name}.j2"
                self._hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(self._hashes[name].encode())
        return digest.hexdigest()[:16]
