"""Where the bundled prompts and templates live.

In the repository they are the top-level ``templates/`` and ``prompts/`` folders (the design
card puts them there); a wheel ships them inside the package as ``briefing/templates`` and
``briefing/prompts`` (see ``[tool.setuptools.package-dir]`` in pyproject.toml). The installed
copy is found first with ``importlib.resources``; the source tree is the fallback that an
editable install or a plain checkout uses.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from briefing.errors import RenderError

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """The folder of bundled ``name`` files (``"templates"`` or ``"prompts"``)."""
    packaged = resources.files("briefing") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    source = _SOURCE_ROOT / name
    if source.is_dir():
        return source
    raise RenderError(
        f"{name}: bundled folder not found in the installed package or beside it; "
        "reinstall briefing (pip install briefing, or pip install -e . from a checkout)"
    )


def templates_dir() -> Path:
    return bundled_dir("templates")


def prompts_dir() -> Path:
    return bundled_dir("prompts")
