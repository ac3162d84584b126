"""Making stranger-written strings safe for where they land: one line, a safe link, no secret.

Source documents, feeds and file names are written by people the user does not control. A
name with a newline or an escape code could forge an ``Error:`` line on the terminal or a
heading in a brief; a ``javascript:`` URL would become a live link; an endpoint echoing the
API key in an error body would put the key on the screen and in the run history. The helpers
here are used at the edges: by the renderers, the CLI's reporter and the error messages.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

# C0 and C1 control characters, DEL, and the Unicode bidi overrides/isolates and line and
# paragraph separators, which can reorder or break what a terminal or viewer shows.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
# In running text (a document's, a quote in a brief): the same, but for the tab and the line
# feed, which are the text's own layout.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that print as nothing (soft hyphen, zero-width spaces and joiners, marks, the
# word joiner, a stray byte-order mark), as the body of a regex character class.
INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_EDGES = re.compile(rf"^[\s{INVISIBLE}]+|[\s{INVISIBLE}]+$")
REDACTED = "[redacted]"
_MIN_SECRET_CHARS = 6


_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_URL_CHARS = 2048  # longer is no link a reader follows (and no line can break it)


def one_line(text: object) -> str:
    """``text`` on one line: control characters and newlines become spaces, runs collapse;
    bytes a file name held that are not UTF-8 (lone surrogates) are shown as ``\\xff``."""
    line = str(text)
    if line.isascii() and line.isprintable() and "  " not in line and line == line.strip():
        return line  # already one line (the usual file name): no control, single inner spaces
    return trimmed(_SPACES.sub(" ", _CONTROL.sub(" ", as_text(line))))


def trimmed(text: str) -> str:
    """``text`` without the white space and the invisible characters at its ends: a title
    whose text opens with a zero-width space does not start with a character no one sees."""
    return _EDGES.sub("", text)


def printable(text: str) -> str:
    """``text`` with each control character that acts on a terminal or reorders what a viewer
    shows (C0 but tab and line feed, DEL, C1, bidi overrides and isolates) replaced by a space,
    and a lone surrogate by U+FFFD, one for one, so offsets into the text stay those of the
    original: an escape sequence in a source cannot clear the screen of whoever reads its
    brief, nor a right-to-left override turn a quote around, nor a broken character stop the
    text from being written."""
    text = whole_characters(text)
    return _TEXT_CONTROL.sub(" ", text) if _TEXT_CONTROL.search(text) else text


def whole_characters(text: str) -> str:
    """``text`` with each lone surrogate as U+FFFD, one for one. No byte stands for one, so
    it can be written nowhere (a store, a page, a parser's buffer); a charset a source may
    declare, such as ``unicode_escape``, decodes ``\\ud800`` to one."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


SHOWN_CHARS = 80  # what a message quotes of a user's long argument


def shown(text: object, limit: int = SHOWN_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: a ``--topic`` of a
    whole article is named in an error by its beginning, not printed whole."""
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def as_text(name: object) -> str:
    """``name`` (a path) as text that can be written anywhere: the bytes of a file name that
    are not UTF-8 (Python's lone surrogates) shown as ``\\xff``; other text unchanged."""
    line = str(name)
    if not _SURROGATE.search(line):
        return line
    try:
        raw = line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no byte stands for
        raw = line.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL with a host and nothing that could break out of a
    link; None otherwise (``javascript:``, ``data:``, ``file:``, relative paths...)."""
    if not url or len(url) > MAX_URL_CHARS:
        return None
    url = url.strip()
    if _CONTROL.search(url) or any(ch in url for ch in " <>\"'`\\"):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


_SECRETS: set[str] = set()


def remember_secret(value: str | None) -> None:
    """Note a secret (an API key, a password) that :func:`redact` must remove wherever it
    appears. Called where secrets are read: the settings and the daily config."""
    if value and len(value) >= _MIN_SECRET_CHARS:
        _SECRETS.add(value)


def is_secret(value: str) -> bool:
    """Whether ``value`` is a remembered secret."""
    return value in _SECRETS


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every remembered secret, and each of ``secrets``, replaced by
    ``[redacted]``: for any message about to be printed, logged or stored."""
    for secret in sorted({*_SECRETS, *(s for s in secrets if s)}, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def safe_message(text: object, secrets: Iterable[str | None] = ()) -> str:
    """A message for the terminal, a log or the run history: one line, no secret in it."""
    return one_line(redact(str(text), secrets))
