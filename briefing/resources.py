"""Where the bundled prompts and templates live (top-level folders of the project)."""

from __future__ import annotations

from pathlib import Path

from briefing.errors import RenderError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
PROMPTS_DIR = PROJECT_ROOT / "prompts"


def require_dir(path: Path) -> Path:
    if not path.is_dir():
        raise RenderError(
            f"{path}: bundled folder not found; install briefing from its source tree "
            "(pip install -e .) so that templates/ and prompts/ are available"
        )
    return path
