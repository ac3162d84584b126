"""Rendering a Brief: one entry point, ``render(brief, fmt)``, over the four formats.

Markdown and JSON live in ``markdown``, HTML in ``html`` and the one-page PDF in ``pdf``
(WeasyPrint, the ``pdf`` extra: imported only when a PDF is asked for).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, get_args

from briefing.errors import RenderError

if TYPE_CHECKING:
    from briefing.models import Brief
    from briefing.render.markdown import render_json, render_markdown

Format = Literal["md", "json", "html", "pdf"]
FORMATS: tuple[Format, ...] = get_args(Format)

__all__ = ["FORMATS", "Format", "render", "render_json", "render_markdown"]


def __getattr__(name: str) -> Any:
    # the Markdown and JSON renderers (jinja2, the models) load when first used, so that
    # ``import briefing`` and the CLI's start-up stay light
    if name in ("render_json", "render_markdown"):
        from briefing.render import markdown

        return getattr(markdown, name)
    raise AttributeError(f"module 'briefing.render' has no attribute {name!r}")


def render(brief: Brief, fmt: str, *, paper: str = "a4", appendix: bool = False) -> bytes:
    """The brief in ``fmt`` (one of FORMATS) as bytes; ``paper`` and ``appendix`` apply to
    HTML and PDF.

    Raises RenderError for an unknown format, a PDF without WeasyPrint installed, or a
    brief the PDF cannot fit on one page.
    """
    if fmt in ("md", "json"):
        from briefing.render.markdown import render_json, render_markdown

        return (render_markdown if fmt == "md" else render_json)(brief).encode("utf-8")
    if fmt == "html":
        from briefing.render.html import render_html

        return render_html(brief, paper=paper, appendix=appendix).encode("utf-8")
    if fmt == "pdf":
        try:
            from briefing.render.pdf import render_pdf
        except ImportError as exc:
            raise RenderError(
                f"PDF output needs WeasyPrint: pip install 'briefing[pdf]' (import failed: {exc})"
            ) from exc
        return render_pdf(brief, paper=paper, appendix=appendix).data
    raise RenderError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
