"""Rendering a Brief: Markdown and JSON (``markdown``), HTML (``html``) and PDF (``pdf``)."""
