"""Real documents of each accepted format, made by the tests (nothing is shipped or fetched).

A multi-page PDF report with a running header and footer on every page (WeasyPrint, which the
pdf extra installs), PDFs that cannot be read (no text layer, encrypted, damaged), a .docx with
a heading and a table (python-docx), an e-mail newsletter with an HTML body and a plain
alternative, and an mbox of three messages. The wording is generic on purpose: a fictional
river basin, its relief agency and a harbour town.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import io
from email.message import EmailMessage
from pathlib import Path

REPORT_TITLE = "Lower Basin Flood Response: Quarterly Report"
REPORT_AUTHOR = "Basin Relief Agency"
REPORT_HEADER = "Basin Relief Agency \u2014 Quarterly Report"
REPORT_FOOTER = "For official use"

# One (heading, paragraphs) per page; every paragraph is one page's running text.
REPORT_PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Summary of the quarter",
        (
            "The relief agency said on Monday that floodwater in the lower basin had fallen "
            "below the warning level for the first time since the spring storms.",
            "Engineers from the agency inspected the northern embankment and reported that "
            "temporary repairs were holding despite continuous heavy rainfall upstream.",
            "Officials estimated that reconstruction of the damaged pumping stations would "
            "cost about forty million euros over the next two years.",
        ),
    ),
    (
        "Shelter and displacement",
        (
            "Around twelve thousand residents remained in emergency shelters at the end of "
            "the quarter, according to figures compiled by the municipal authorities.",
            "The agency said that families from the riverside districts would be offered "
            "temporary housing once inspectors had certified the prefabricated units.",
            "Aid groups warned that overcrowding in the shelters was increasing the risk of "
            "infections among children and elderly people during the winter months.",
        ),
    ),
    (
        "Infrastructure and transport",
        (
            "The regional railway operator announced that services between the harbour and "
            "the capital would resume in stages after the bridge supports were strengthened.",
            "Farmers in the southern valley said that thousands of hectares of farmland were "
            "still under water and that the autumn harvest had been lost entirely.",
            "The ministry of transport confirmed that the coastal road would stay closed "
            "until engineers completed a survey of the landslides along the cliffs.",
        ),
    ),
    (
        "Funding and outlook",
        (
            "Donor governments pledged a further eighteen million euros at a conference in "
            "the capital, bringing the total committed to the recovery programme higher.",
            "The agency cautioned that the pledges covered less than half of the estimated "
            "needs and urged donors to disburse the promised money before the spring.",
            "Forecasters expect river levels to rise again in the spring when snow melts in "
            "the mountains, and the agency asked municipalities to prepare evacuation plans.",
        ),
    ),
)

DOCX_TITLE = "Briefing note: harbour reopening"
DOCX_AUTHOR = "Harbour Office"
DOCX_CREATED = dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.UTC)
DOCX_PARAGRAPHS = (
    "The harbour office said on Friday that the eastern quay would reopen to cargo ships "
    "after divers had cleared the debris left by the floods.",
    "Port officials told the town council that container traffic had fallen by a third "
    "during the closure and that shipping lines had diverted vessels to other ports.",
)
DOCX_TABLE = (
    ("Quay", "Status", "Reopening"),
    ("Eastern quay", "Cleared", "Monday"),
    ("Fishing harbour", "Damaged", "Not before spring"),
)

NEWSLETTER_SUBJECT = "Harbour Weekly: the quay reopens"
NEWSLETTER_SENDER = "Harbour Weekly"
NEWSLETTER_DATE = dt.datetime(2026, 10, 14, 6, 0, tzinfo=dt.UTC)
NEWSLETTER_BODY = (
    "The harbour office confirmed on Tuesday that the first cargo ship had berthed at the "
    "eastern quay since the floods closed the port in the spring.",
    "Dock workers said the cranes on the fishing harbour would need weeks of repairs before "
    "the fishing fleet could land its catch in the town again.",
)
# Only the HTML part says this: the reader must prefer the HTML body.
NEWSLETTER_HTML_ONLY = (
    "Shipping agents reported that insurance premiums for vessels calling at the harbour had "
    "doubled since the storms, and several lines were waiting for a new risk survey."
)
NEWSLETTER_FURNITURE = (
    "View this email in your browser",
    "You are receiving this email because you subscribed to Harbour Weekly.",
    "Unsubscribe or update your preferences",
    "Harbour Weekly, 1 Quay Street, Port Town",
)


def report_html(pages: int = 0, *, repeat: int = 1, width: str = "8cm") -> str:
    """The report as HTML: REPORT_PAGES, or ``pages`` sections cycling through them (one a
    page, each paragraph ``repeat`` times: 3 fills an A4 page at full ``width``)."""
    chosen = [REPORT_PAGES[i % len(REPORT_PAGES)] for i in range(pages or len(REPORT_PAGES))]
    body = []
    for number, (heading, paragraphs) in enumerate(chosen, 1):
        title = heading if not pages else f"{heading} ({number})"
        body.append(f"<section><h2>{html.escape(title)}</h2>")
        body.extend(f"<p>{html.escape(p)}</p>" for _ in range(repeat) for p in paragraphs)
        body.append("</section>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(REPORT_TITLE)}</title>
<meta name="author" content="{html.escape(REPORT_AUTHOR)}">
<meta name="dcterms.created" content="2026-09-30">
<style>
@page {{ size: A4; margin: 28mm 22mm;
  @top-center {{ content: "{REPORT_HEADER}"; font-size: 9pt; }}
  @bottom-left {{ content: "{REPORT_FOOTER}"; font-size: 9pt; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 9pt; }} }}
section {{ break-after: page; }}
p {{ hyphens: auto; text-align: justify; width: {width}; font-size: 11pt; }}
</style></head><body>{"".join(body)}</body></html>"""


def pdf_bytes(markup: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=markup).write_pdf())


def make_report_pdf(path: Path, pages: int = 0) -> Path:
    path.write_bytes(pdf_bytes(report_html(pages)))
    return path


# A news page as a browser shows it, for printing to a one-page PDF: a cookie banner, a menu,
# a newsletter prompt, a byline with share buttons, the article, then an advertisement,
# teasers and a footer. Its <title> carries the site's name; its Author is a byline.
WEB_SITE = "Basin Herald"
WEB_HEADLINE = "Relief agency reopens the northern embankment road after repairs"
WEB_PUBLISHED = dt.date(2026, 9, 28)
WEB_BYLINE = "Staff Reporter"
WEB_PARAGRAPHS = (
    "The relief agency reopened the northern embankment road to traffic on Monday after "
    "engineers finished repairs to the flood wall that had been breached in the spring.",
    "Engineers said the repaired wall had been tested against river levels higher than "
    "those recorded during the spring storms, and that it held without seepage.",
    "The agency said heavy vehicles would still be kept off the road until a second "
    "inspection of the bridge supports, expected by the end of the month.",
)
WEB_FURNITURE = (
    "We use cookies to improve your experience. By continuing to browse you agree to our "
    "use of cookies. Accept all cookies Manage preferences",
    "Home Politics Business Opinion Subscribe",
    "Sign up for our morning newsletter and get the news you need to start your day.",
    "Advertisement",
    "Read more: Top stories you may have missed this week",
    "Most read",
    f"\u00a9 2026 {WEB_SITE}. All rights reserved.",
    "Privacy policy \u00b7 Terms of use \u00b7 Contact us",
)


def web_page_html(*, published: str = f"Published {WEB_PUBLISHED.isoformat()}") -> str:
    """A news page with its furniture (WEB_FURNITURE), no date in its metadata: the date is
    printed under the headline (``published``)."""
    cookie, menu, signup, advert, more, most, rights, links = (
        html.escape(line) for line in WEB_FURNITURE
    )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in WEB_PARAGRAPHS)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(WEB_HEADLINE)} | {WEB_SITE}</title>
<meta name="author" content="{WEB_BYLINE}">
<style>@page {{ size: A4; margin: 20mm; }} p, div, li {{ font-size: 11pt; }}
h1 {{ font-size: 20pt; }}</style></head><body>
<div id="cookie-banner"><p>{cookie}</p></div>
<nav><p>{menu}</p></nav><div class="promo">{signup}</div>
<h1>{html.escape(WEB_HEADLINE)}</h1>
<div class="byline">By {WEB_BYLINE} \u00b7 {html.escape(published)}</div>
<div class="share">Share this: Facebook Twitter Email</div>
{body}<div class="ad">{advert}</div><p>{more}</p>
<aside><h3>{most}</h3><ul><li>Celebrity chef opens new restaurant downtown</li></ul></aside>
<footer><p>{rights}</p><p>{links}</p></footer></body></html>"""


def make_scanned_pdf(path: Path) -> Path:
    """A page with a picture of text but no text layer, as a scanner makes."""
    markup = (
        '<html><body><div style="width: 15cm; height: 20cm; background: #bbb; '
        'border: 4px solid #333"></div></body></html>'
    )
    path.write_bytes(pdf_bytes(markup))
    return path


# A 1x1 grey PNG: a scanned page's picture, for the tests' purposes.
PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def make_partly_scanned_pdf(path: Path) -> Path:
    """The report with a page that is only a picture (a scanned page) as its page 2."""
    first, rest = report_html().split("</section>", 1)
    scan = f'<section><img style="width: 15cm" src="data:image/png;base64,{PIXEL_PNG}"></section>'
    path.write_bytes(pdf_bytes(first + "</section>" + scan + rest))
    return path


def make_encrypted_pdf(path: Path, source: bytes) -> Path:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(source)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def make_corrupt_pdf(path: Path) -> Path:
    head = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\n"
    path.write_bytes(head + bytes(range(256)) * 8)  # a header, then no objects, no xref
    return path


def make_flate_pdf(path: Path, inflated: int) -> Path:
    """A one-page PDF whose content stream is ``inflated`` bytes once decompressed, almost
    all blanks: a decompression bomb when large."""
    import zlib

    content = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET\n" + b" " * inflated, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_pdf_file(objects))
    return path


def make_page_tree_bomb(path: Path, levels: int, text: str) -> Path:
    """A PDF of ``2 ** levels`` pages in a couple of kB: each level of its page tree lists the
    next one twice, down to one page object showing ``text``."""
    content = b"BT /F1 12 Tf 72 400 Td (%s) Tj ET" % text.encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kid = level + 3
        objects.append(
            b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>"
            % (kid, kid, 2 ** (levels - level))
        )
    page = levels + 2
    objects += [
        b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R"
        b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (page + 1, page + 2),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_pdf_file(objects))
    return path


# A run of text at a place on a page: (x, baseline y, size in points, words). Runs on one
# baseline make one line.
Run = tuple[float, float, float, str]


def typeset_pdf(runs: list[Run], *, scaled: bool = False, title: str | None = None) -> bytes:
    """A one-page US Letter PDF (Helvetica) of ``runs`` placed where they say, as a
    typesetter writes them. ``scaled``: the size is set by the text matrix and the font is
    set at size 1 ("/F1 1 Tf 9 0 0 9 x y Tm"), as the Federal Register's pages are;
    ``title``: the metadata's Title."""
    ops = []
    for x, y, size, words in runs:
        text = _pdf_string(words)
        place = (
            f"/F1 1 Tf {size} 0 0 {size} {x} {y} Tm"
            if scaled
            else (f"/F1 {size} Tf 1 0 0 1 {x} {y} Tm")
        )
        ops.append(f"BT {place} ({text}) Tj ET")
    content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    info = None
    if title is not None:
        objects.append(b"<< /Title (%s) >>" % _pdf_string(title).encode("latin-1"))
        info = len(objects)
    return _pdf_file(objects, info=info)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def set_in_columns(
    paragraphs: list[str],
    *,
    size: float = 9,
    width: int = 40,
    rows: int = 9,
    lefts: tuple[float, ...] = (45, 225, 405),
    top: float = 700,
    lead: float = 12.5,
) -> list[Run]:
    """``paragraphs`` set ragged, ``width`` characters a line, ``lead`` points apart (a
    little space between lines, as a newspaper's 9 on 10 pt), a blank line between two, in
    columns of ``rows`` lines from ``top`` down, at ``lefts``: a paragraph may run on from a
    column's foot to the next column's head."""
    lines: list[str | None] = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines += [line, None]
    runs: list[Run] = []
    for row, line in enumerate(lines):
        column, down = divmod(row, rows)
        if line is not None:
            runs.append((lefts[column], top - down * lead, size, line))
    return runs


def _pdf_file(objects: list[bytes], *, info: int | None = None) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalog) with its cross-references."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        b" /Info %d 0 R" % info if info else b"",
        xref,
    )
    return bytes(out)


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = DOCX_TITLE
    props.author = DOCX_AUTHOR
    props.created = DOCX_CREATED
    document.add_heading("Harbour reopening", level=1)
    for paragraph in DOCX_PARAGRAPHS:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph(
        "The council said it would review the harbour budget at its next meeting in November."
    )
    document.save(str(path))
    return path


def newsletter(
    subject: str = NEWSLETTER_SUBJECT,
    body: tuple[str, ...] = NEWSLETTER_BODY,
    *,
    date: dt.datetime = NEWSLETTER_DATE,
    html_extra: str = NEWSLETTER_HTML_ONLY,
) -> EmailMessage:
    """A newsletter with a plain part and an HTML alternative, furniture top and bottom."""
    message = EmailMessage()
    message["From"] = f"{NEWSLETTER_SENDER} <news@harbour.example>"
    message["To"] = "reader@example.org"
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(date)
    view, receiving, unsubscribe, address = NEWSLETTER_FURNITURE
    plain = "\n\n".join((view, *body, "--", receiving, unsubscribe, address))
    message.set_content(plain)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in (*body, html_extra))
    message.add_alternative(
        f"""<html><head><title>{html.escape(subject)}</title></head><body>
<p><a href="https://harbour.example/view">{view}</a></p>
<article><h1>{html.escape(subject)}</h1>{paragraphs}</article>
<footer><p>{receiving}</p><p><a href="https://harbour.example/u">{unsubscribe}</a></p>
<p>{address}</p></footer></body></html>""",
        subtype="html",
    )
    return message


def make_eml(path: Path, message: EmailMessage | None = None) -> Path:
    path.write_bytes(bytes(message or newsletter()))
    return path


MBOX_SUBJECTS = (
    "Harbour Weekly: cranes under repair",
    "Harbour Weekly: insurers wait for survey",
    "Harbour Weekly: fishing fleet returns",
)
MBOX_BODIES = (
    (
        "Engineers said on Wednesday that two of the harbour cranes had been repaired and "
        "that the remaining three would return to service by the end of the month.",
    ),
    (
        "Marine insurers told shipping agents that premiums would stay high until a new risk "
        "survey of the harbour entrance had been completed by the port authority.",
    ),
    (
        "The fishing fleet landed its first catch in the town since the floods, and the fish "
        "market reopened with prices well above their level of last year.",
    ),
)


def make_mbox(path: Path) -> Path:
    """Three newsletters in one mbox file; a body line starting 'From ' is escaped."""
    parts = []
    for i, (subject, body) in enumerate(zip(MBOX_SUBJECTS, MBOX_BODIES, strict=True)):
        date = NEWSLETTER_DATE + dt.timedelta(days=7 * (i + 1))
        message = newsletter(subject, body, date=date, html_extra="")
        raw = bytes(message).replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        stamp = date.strftime("%a %b %d %H:%M:%S %Y")
        parts.append(b"From news@harbour.example " + stamp.encode() + b"\n" + raw + b"\n")
    path.write_bytes(b"".join(parts))
    return path
