"""Benchmark of the PDF, Word and e-mail readers: extraction time of large real files.

    .venv/bin/python bench/formats_bench.py                 # prints a Markdown report
    .venv/bin/python bench/formats_bench.py --compare       # also pypdf and pdfminer.six
    .venv/bin/python bench/formats_bench.py --pdf some.pdf  # also time PDFs of your own

1. A 100-page report PDF (WeasyPrint, as the tests make it: a running header and footer on
   every page, justified and hyphenated text, a full A4 page of text each), read to a
   Document through ingest (target: under 5 s), with the median of --runs runs.
2. With --compare, the raw text extraction of the same file by pypdfium2 (the reader's
   library), pypdf and pdfminer.six, when installed: the measurement behind the choice.
3. A .docx of 100 sections with a table each, and an mbox of 300 newsletters.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from formats_samples import (  # noqa: E402
    DOCX_TABLE,
    REPORT_PAGES,
    newsletter,
    pdf_bytes,
    report_html,
)

from briefing.ingest import load_documents  # noqa: E402
from briefing.sourcefiles import DEFAULT_MAX_BYTES  # noqa: E402


def _median(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _ingest(data: bytes, name: str, suffix: str) -> Callable[[], object]:
    # the per-document limit a build uses (it holds a file's unpacked text too: a 100-page
    # report's text is larger than its PDF, so the file's own size is no limit)
    limit = max(len(data) + 1, DEFAULT_MAX_BYTES)
    return lambda: load_documents(data, name, suffix=suffix, max_bytes=limit)


def _raw_extractors(data: bytes) -> dict[str, Callable[[], str]]:
    out: dict[str, Callable[[], str]] = {}
    try:
        import pypdfium2 as pdfium

        def pdfium_text() -> str:
            doc = pdfium.PdfDocument(data)
            try:
                return "\f".join(page.get_textpage().get_text_range() for page in doc)
            finally:
                doc.close()

        out["pypdfium2"] = pdfium_text
    except ImportError:
        pass
    try:
        import pypdf

        def pypdf_text() -> str:
            reader = pypdf.PdfReader(io.BytesIO(data))
            return "\f".join(page.extract_text() or "" for page in reader.pages)

        out["pypdf"] = pypdf_text
    except ImportError:
        pass
    try:
        from pdfminer.high_level import extract_text

        out["pdfminer.six"] = lambda: str(extract_text(io.BytesIO(data)))
    except ImportError:
        pass
    return out


def _docx_bytes(sections: int) -> bytes:
    import docx

    document = docx.Document()
    for i in range(sections):
        heading, paragraphs = REPORT_PAGES[i % len(REPORT_PAGES)]
        document.add_heading(f"{heading} ({i + 1})", level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        table = document.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
        for r, row in enumerate(DOCX_TABLE):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _mbox_bytes(messages: int) -> bytes:
    parts = []
    for i in range(messages):
        _, paragraphs = REPORT_PAGES[i % len(REPORT_PAGES)]
        raw = bytes(newsletter(f"Issue {i + 1}", paragraphs, html_extra=f"Issue number {i + 1}."))
        raw = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        parts.append(b"From news@harbour.example Thu Nov 19 08:00:00 2026\n" + raw + b"\n")
    return b"".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--compare", action="store_true", help="also time pypdf, pdfminer.six")
    parser.add_argument("--pdf", nargs="*", default=[], metavar="FILE", help="more PDFs to time")
    args = parser.parse_args(argv)

    print("# Reading PDF, Word and e-mail sources\n")
    print("| input | size | documents | characters | median s | target |")
    print("|---|---:|---:|---:|---:|---:|")
    report = pdf_bytes(report_html(args.pages, repeat=3, width="auto"))
    inputs: list[tuple[str, bytes, str, str]] = [
        (f"report PDF, {args.pages} pages", report, ".pdf", "< 5 s")
    ]
    for extra in args.pdf:
        inputs.append((Path(extra).name, Path(extra).read_bytes(), ".pdf", ""))
    inputs.append(("Word, 100 sections with tables", _docx_bytes(100), ".docx", ""))
    inputs.append(("mbox, 300 newsletters", _mbox_bytes(300), ".mbox", ""))
    with tempfile.TemporaryDirectory():
        for label, data, suffix, target in inputs:
            seconds, result = _median(_ingest(data, label, suffix), args.runs)
            docs, _ = result  # type: ignore[misc]
            chars = sum(len(d.text) for d in docs)
            pages = sum(len(d.pages) for d in docs)
            label = f"{label} ({pages} pages read)" if pages else label
            print(
                f"| {label} | {len(data) / 1e6:.2f} MB | {len(docs)} | {chars:,} | "
                f"{seconds:.2f} | {target} |"
            )
    if args.compare:
        print("\n## Raw text extraction of the report PDF, by library\n")
        print("| library | median s | characters |")
        print("|---|---:|---:|")
        for name, fn in _raw_extractors(report).items():
            seconds, text = _median(fn, args.runs)
            print(f"| {name} | {seconds:.2f} | {len(str(text)):,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
