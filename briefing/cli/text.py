"""``briefing text SOURCE``: the decoded text that a source's citation offsets refer to.

Every citation's ``start``/``end`` in the JSON brief are offsets into this text, so anyone can
check ``text[start:end] == quote`` for a PDF, a Word file or an e-mail as for a .txt file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

from briefing.cli.common import (
    Parser,
    add_command,
    max_doc_bytes,
    output_path,
    write_stdout,
)
from briefing.errors import BriefingError, OutputError
from briefing.files import check_output_path, write_atomic
from briefing.formats.feed import FEED_SUFFIXES
from briefing.ingest import Ingested, ingest_paths, skip_as_error
from briefing.models import Document
from briefing.sanitize import one_line

TEXT_HELP = """\
Print the decoded text of one source: the text the offsets of the brief's citations
("start", "end" in the JSON brief) refer to, so that text[start:end] == quote can be checked
for every format. For a .txt file it is the file itself (with universal newlines); for a PDF,
Word file or e-mail it is the text briefing extracted: one paragraph a line, the pages of a
PDF separated by a blank line ("pages" in --json gives the offset each page starts at).

examples:
  briefing text report.pdf                     the text a PDF's citations refer to
  briefing text report.pdf --json              with title, date, pages and furniture spans
  briefing text inbox/weekly.mbox#2            the second message of a mailbox
  briefing text inbox/morning.eml#2            the second story of a newsletter
  briefing text note.docx -o note.txt          write it to a file
"""


def _message_target(source: str) -> tuple[str, tuple[int, ...]]:
    """``inbox.mbox#2`` -> (``inbox.mbox``, (2,)); ``inbox.mbox#2#1`` (a story of a
    newsletter in a mailbox) -> (``inbox.mbox``, (2, 1)); a path that exists as written is
    kept whole."""
    target, numbers = source, tuple[int, ...]()
    while not Path(target).exists():
        base, sep, number = target.rpartition("#")
        if not (sep and number.isdigit()):
            return source, ()
        target, numbers = base, (int(number), *numbers)
    return target, numbers


def source_document(source: str, *, max_bytes: int) -> Document:
    """The one Document that ``source`` (a file, ``file.mbox#N`` or ``letter.eml#N``) holds."""
    target, numbers = _message_target(source)
    if Path(target).is_dir():
        raise BriefingError(f"{target}: is a folder; name one file")
    result = ingest_paths([target], max_bytes=max_bytes)
    if not result.documents:
        if result.warnings:
            raise BriefingError(skip_as_error(result.warnings[0], "no text to print"))
        raise BriefingError(f"{target}: no text")
    if numbers:
        return _numbered(result, target, numbers)
    if len(result.documents) > 1:
        paths = [d.path for d in result.documents]
        raise BriefingError(
            f"{target} holds {len(paths)} documents (messages, entries or a newsletter's "
            f"stories): name one, e.g. {paths[0]} or {paths[-1]}"
        )
    return result.documents[0]


def _numbered(result: Ingested, target: str, numbers: tuple[int, ...]) -> Document:
    """Message, entry or story ``numbers`` of the mailbox, feed or newsletter ``target``;
    else why not: the warning that skipped it (an empty message, an entry without article
    text), or how many the file holds."""
    target = one_line(Path(target))  # as ingest names it: './box.mbox' is 'box.mbox#2'
    within = target + "".join(f"#{n}" for n in numbers[:-1])
    number = numbers[-1]
    wanted = f"{within}#{number}"
    for doc in result.documents:
        if doc.path == wanted:
            return doc
    for line in result.warnings:
        if line.startswith(f"{wanted}: "):
            raise BriefingError(skip_as_error(line, "no text to print"))
    if len(numbers) == 1 and any(d.path == f"{wanted}#1" for d in result.documents):
        raise BriefingError(f"{wanted}: a newsletter of several stories; name one, e.g. {wanted}#1")
    # Every message or entry is a document or a warning naming it: the last number is the count.
    numbered = re.compile(re.escape(within) + r"#(\d+)(?::|#|$)")
    found = (numbered.match(name) for name in [d.path for d in result.documents] + result.warnings)
    count = max((int(m.group(1)) for m in found if m), default=0)
    suffix = Path(target).suffix.lower()
    if suffix in FEED_SUFFIXES:
        unit, units = "entry", "entries"
    elif suffix == ".mbox" and len(numbers) == 1:
        unit, units = "message", "messages"
    else:
        unit, units = "story", "stories"
    held = f"{count} {unit if count == 1 else units}"
    raise BriefingError(f"{within}: no {unit} #{number} (it holds {held}, #1 to #{count})")


def _cmd_text(args: argparse.Namespace) -> int:
    max_bytes = max_doc_bytes(args.max_doc_mb)
    output = output_path(args.output)
    if output is not None:
        _check_output(Path(output), args.source)
    doc = source_document(args.source, max_bytes=max_bytes)
    if args.json:
        data = {
            "path": doc.path,
            "id": doc.id,
            "title": doc.title,
            "outlet": doc.outlet,
            "date": doc.date.isoformat() if doc.date else None,
            "pages": list(doc.pages),
            "furniture": [[f.start, f.end] for f in doc.furniture],
            "text": doc.text,
        }
        out = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        out = doc.text.encode("utf-8")
    if output is not None:
        write_atomic(Path(output), out, what="text")
    else:
        write_stdout(out, what="the text")
    return 0


def _check_output(output: Path, source: str) -> None:
    """OutputError, before anything is read, when ``-o`` cannot be written or names the source
    itself (``briefing text note.docx -o note.docx`` would replace the Word file by its text)."""
    check_output_path(output, what="text")
    target = _message_target(source)[0]
    try:
        same = os.path.samefile(output, target)
    except OSError:  # either is missing: nothing to lose
        return
    if same:
        raise OutputError(
            one_line(output), "is the source itself; refusing to overwrite it (name another file)"
        )


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add the text command to the main CLI's subparsers."""
    p = add_command(
        sub,
        "text",
        help="print the text a source's citation offsets refer to",
        description=TEXT_HELP,
    )
    p.add_argument(
        "source",
        metavar="SOURCE",
        help="one file (any accepted format), or FILE.mbox#N, FILE.eml#N (a newsletter's story)",
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write it here instead of stdout; - is stdout"
    )
    p.add_argument("--json", action="store_true", help="JSON with metadata, pages, furniture")
    p.add_argument(
        "--max-doc-mb",
        type=float,
        metavar="MB",
        default=10.0,
        help="refuse documents larger than this (default: 10)",
    )
    p.set_defaults(handler=_cmd_text)
