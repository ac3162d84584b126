"""The Jinja prompt templates in ``prompts/``, each identified by a hash of its source.

The hash of every template a call may use goes into the call's cache key, so editing a prompt
invalidates exactly the cached answers it produced.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import jinja2

from briefing.errors import EngineError
from briefing.resources import prompts_dir


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
        )
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
