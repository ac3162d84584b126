"""An HTML page: which charset its bytes are in, its main text, and the date it states.

The charset comes from what the document says (a byte-order mark, then ``<meta charset>`` /
``http-equiv``, then the HTTP ``Content-Type`` when fetched); a page that says nothing and is
not valid UTF-8 is guessed with charset-normalizer and the guess is a warning. The date comes
only from places that state one (``article:published_time`` and kin, JSON-LD
``datePublished``, ``<time datetime>`` marked as the publication time): never from a number
that happens to be in the text or the title. The main text (``main_text``, trafilatura) is
the one HTML-to-text path for files (ingest) and fetched pages (daily) alike.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from briefing.entities import settle_entities
from briefing.lexicon import content_terms
from briefing.sanitize import whole_characters
from briefing.text import is_furniture_line, word_count

logger = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_DATE_META = (
    "article:published_time", "og:published_time", "og:article:published_time",
    "datepublished", "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created",
    "pubdate", "publishdate", "publish-date", "publication_date", "sailthru.date",
    "parsely-pub-date", "article.published", "citation_publication_date",
)  # fmt: skip
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD = re.compile(
    r"""<script[^>]+application/ld\+json[^>]*>(.*?)</script>""", re.IGNORECASE | re.DOTALL
)
_TIME_TAG = re.compile(r"<time\b[^>]*>", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def bom_encoding(data: bytes) -> str | None:
    """The codec a byte-order mark names (UTF-8/16/32), or None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def text_codec(codec: str) -> str | None:
    """The name of ``codec`` when it is a text encoding: a page's charset may name any Python
    codec ("zlib", "base64", "rot13"), and those are not ways to read text."""
    try:
        info = codecs.lookup(codec)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def meta_charset(data: bytes) -> str | None:
    """The text codec a page's ``<meta charset>`` names (in its first 8 KB), or None."""
    m = _META_CHARSET.search(data[:8192])
    return text_codec(m.group(1).decode("ascii")) if m else None


def decode_html(data: bytes, source: str, warnings: list[str], *, content_type: str = "") -> str:
    """The page as text, in the charset it declares; a guess (with a warning) when it does not."""
    declared = bom_encoding(data) or meta_charset(data)
    if declared is None and (m2 := _HEADER_CHARSET.search(content_type)):
        declared = text_codec(m2.group(1))
    elif (
        declared is not None
        and declared.startswith(("utf-16", "utf-32"))
        and not bom_encoding(data)
    ):
        declared = "utf-8"  # as browsers do: a page that can say so in ASCII is not UTF-16
    if declared is not None:
        try:
            return whole_characters(data.decode(declared))
        except (UnicodeError, LookupError):
            pass
        try:  # a codec that cannot repair ("idna", "undefined") falls through to a guess
            text = whole_characters(data.decode(declared, errors="replace"))
        except (UnicodeError, LookupError):
            pass
        else:
            warnings.append(f"{source}: not valid {declared} as it declares; decoded with repairs")
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = _guess(data)
    warnings.append(
        f"{source}: no usable charset declared and not UTF-8; decoded as {guess} (a guess)"
    )
    return data.decode(guess, errors="replace")


def _guess(data: bytes) -> str:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - installed with the html extra
        return "cp1252"
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    return text_codec(best.encoding) or "cp1252" if best is not None else "cp1252"


def _attrs(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTR.finditer(tag)
    }


def _iso_date(value: object) -> dt.date | None:
    m = _ISO_DATE.match(str(value))
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _json_ld(html: str, limit: int, containing: str = "") -> Iterator[object]:
    """The page's JSON-LD blocks (in its first ``limit`` characters, holding ``containing``),
    parsed. A block that is no JSON, or nests deeper than the parser's stack (a hostile page:
    100,000 open brackets had been a traceback), is skipped."""
    for block in _JSON_LD.findall(html[:limit]):
        if containing not in block:
            continue
        try:
            yield json.loads(block)
        except (ValueError, RecursionError):
            continue


def _json_ld_values(node: object, keys: tuple[str, ...]) -> list[object]:
    """The values of ``keys`` anywhere in a parsed JSON-LD block, in document order (walked
    with a stack: a block as deep as the parser allows is no recursion limit here)."""
    found: list[object] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found += [item[key] for key in keys if key in item]
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def stated_date(html: str) -> dt.date | None:
    """The publication date the page states in its metadata, or None."""
    by_name: dict[str, str] = {}
    for tag in _META_TAG.findall(html[:200_000]):
        attrs = _attrs(tag)
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if name in _DATE_META and "content" in attrs:
            by_name.setdefault(name, attrs["content"])
    for name in _DATE_META:
        if name in by_name and (date := _iso_date(by_name[name])):
            return date
    for data in _json_ld(html, 500_000):
        for value in _json_ld_values(data, ("datePublished", "dateCreated")):
            if date := _iso_date(value):
                return date
    for tag in _TIME_TAG.findall(html[:500_000]):
        attrs = _attrs(tag)
        if ("pubdate" in tag.lower() or attrs.get("itemprop", "").lower() == "datepublished") and (
            date := _iso_date(attrs.get("datetime", ""))
        ):
            return date
    return None


# A page's <title> is often "Headline | Site" or "Headline - Site"; a PDF printed from the page
# keeps it as its Title. The part after the last such separator is the site's name when it is
# a short name (capitalised words, or a domain) after a longer headline.
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|\u2013|\u2014|\u00b7|::)\s+")
_SITE_WORD = re.compile(r"(?:[A-Z0-9&][\w.&'\u2019-]*|of|the|and|de|du|la|le|el|for|on)$")
_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}$", re.IGNORECASE)
# Words a headline's tail is made of that name no site ("... - Live Updates")
_NOT_SITE = frozenset(
    {
        "live", "updates", "update", "video", "videos", "photos", "opinion", "analysis",
        "explainer", "review", "interview", "transcript", "report", "full", "text", "watch",
        "listen", "podcast", "breaking", "news",
    }
)  # fmt: skip
_SECTION = re.compile(r"\s+\|\s+([^|]{1,40})$")  # "Headline | Politics" once the site is gone
SITE_NAME_WORDS = 5
HEADLINE_WORDS = 4  # a title with a shorter head is no "Headline | Site"


def split_site_name(title: str) -> tuple[str, str | None]:
    """A page title without the site's name it ends with, and that name: "Fire closes the
    bridge | The Herald" -> ("Fire closes the bridge", "The Herald"); a title that ends with
    no site name is returned whole ("Trump vs. Biden - The Final Debate" is a headline)."""
    title = title.strip()
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title, None
    head, site = title[: separators[-1].start()], title[separators[-1].end() :].strip()
    words = site.split()
    is_name = _DOMAIN.match(site) is not None or (
        0 < len(words) <= SITE_NAME_WORDS
        and all(_SITE_WORD.match(w) for w in words)
        and words[0][0].isupper()
        and not {w.lower() for w in words} <= _NOT_SITE
    )
    if not is_name or len(head.split()) < HEADLINE_WORDS or len(head) < 2 * len(site):
        return title, None
    section = _SECTION.search(head)
    if section and len(section.group(1).split()) <= 3 and section.group(1)[0].isupper():
        head = head[: section.start()]
    return head.strip(), site


# Where a page states its headline besides its metadata: the <title> (without the site's name)
# and its <h1>s (a slideshow's caption may be one: a caption is no headline). Each is read
# from its opening tag to its closing one no further than HEADLINE_TAG_CHARS on, and only the
# first few: a hostile page of unclosed tags costs one pass.
_TITLE_OPEN = re.compile(r"<title\b[^<>]{0,500}>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_H1_OPEN = re.compile(r"<h1\b[^<>]{0,500}>", re.IGNORECASE)
_H1_CLOSE = re.compile(r"</h1\s*>", re.IGNORECASE)
HEADLINE_TAG_CHARS = 3000
H1_READ = 3
HEADLINE_MAX_WORDS = 30  # a longer <h1> is a paragraph or a caption, not a headline
ARTICLE_OPENING_CHARS = 5000  # a headline's words are in its article's opening
SHARED_TERMS = 2  # a headline shares this many content words with its article


def headline(html: str, title: str | None, site: str | None, text: str) -> str | None:
    """The page's headline: its metadata ``title``, unless that is the site's own name or
    slogan ("Yahoo News - Latest News & Headlines" from og:title, on every Yahoo page) while
    the page's <title> or <h1> is the article's ("Russia: Space ship malfunctions, breaks up
    over Siberia"). The metadata title gives way when neither its <title> nor an <h1> says it,
    it is the site's name (``site``) or shares at most one content word with the article's
    opening (``text``), and a <title> or <h1> shares SHARED_TERMS with that opening."""
    if not title:
        return title
    stated = set(content_terms(title))
    opening = set(content_terms(text[:ARTICLE_OPENING_CHARS]))
    own_name = site is not None and " ".join(title.casefold().split()) == " ".join(
        site.casefold().split()
    )
    if not own_name and len(stated & opening) > 1:
        return title
    others = [(other, set(content_terms(other))) for other in _stated_headlines(html)]
    folded = " ".join(title.casefold().split())
    if any(folded in other.casefold() or terms & stated for other, terms in others):
        return title  # the page heads its article with it: its own words, however few
    return next((other for other, terms in others if len(terms & opening) >= SHARED_TERMS), title)


def _stated_headlines(html: str) -> Iterator[str]:
    """The page's <title> without its site's name, then its headline-sized <h1>s that are no
    caption, as text."""
    for inner in _elements(html, _TITLE_OPEN, _TITLE_CLOSE, 1):
        yield split_site_name(" ".join(html_fragment_to_text(inner).split()))[0]
    for inner in _elements(html, _H1_OPEN, _H1_CLOSE, H1_READ):
        line = " ".join(html_fragment_to_text(inner).split())
        if 0 < len(line.split()) <= HEADLINE_MAX_WORDS and not is_furniture_line(
            line, 0, len(line)
        ):
            yield line


def _elements(
    html: str, opening: re.Pattern[str], closing: re.Pattern[str], most: int
) -> list[str]:
    """What the first ``most`` elements that ``opening`` and ``closing`` tag hold (HTML), those
    closed within HEADLINE_TAG_CHARS."""
    found: list[str] = []
    pos = 0
    for _ in range(most):
        tag = opening.search(html, pos)
        if tag is None:
            break
        pos = tag.end()
        end = closing.search(html, pos, pos + HEADLINE_TAG_CHARS)
        if end is not None:
            found.append(html[pos : end.start()])
    return found


@dataclass(frozen=True)
class MainText:
    """A page's article text and what the page states about itself."""

    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    date: dt.date | None = None
    notes: tuple[str, ...] = ()  # what was left out or read otherwise, for warnings


# libxml2 (under lxml and trafilatura) drops whatever is nested deeper than this: a page of
# 100,000 nested <div>s would lose its text and read as "no article text".
PARSER_MAX_DEPTH = 255
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})\b[^<>]*?(/?)>")
# Elements that never hold others or whose end tag may be left out: they say nothing of depth.
_NO_DEPTH = frozenset(
    (
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody",
        "tfoot", "colgroup", "rb", "rt", "rp", "optgroup", "html", "head", "body",
    )
)  # fmt: skip


def nests_too_deep(html: str, limit: int = PARSER_MAX_DEPTH) -> bool:
    """Whether the page nests elements deeper than ``limit`` (one linear scan of its tags)."""
    depth = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _NO_DEPTH:
            continue
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        if depth > limit:
            return True
    return False


def main_text(html: str, *, url: str | None = None) -> MainText | None:
    """The main text of a page (menus, comments and tables left out) and its stated metadata,
    or None when it has no article text. Its entity references are settled first (nothing
    external read, no bomb expanded, an undefined one dropped: :mod:`briefing.entities`).
    Raises ImportError without trafilatura."""
    import trafilatura  # optional dependency (the html / daily extras)

    notes: list[str] = []
    if "&" in html:
        raw, settled = settle_entities(html.encode("utf-8", "surrogatepass"))
        html = raw.decode("utf-8", "surrogatepass")
        notes += settled

    meta: Any
    try:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
        # Its date is not used (stated_date below): no extensive search of the text for one.
        meta = trafilatura.extract_metadata(html, default_url=url, extensive=False)
    except Exception as exc:  # trafilatura raises assorted parser errors on odd pages
        logger.debug("trafilatura failed on %s: %s", url or "a page", exc)
        return None
    if nests_too_deep(html):  # the article finder saw only what was nested shallow enough
        whole = html_fragment_to_text(html)
        if len(whole) > 2 * len(text or ""):
            notes.append(
                f"elements nested deeper than {PARSER_MAX_DEPTH} levels; its text read whole, "
                "not as an article"
            )
            text = whole
    body = _article_body(html)
    if word_count(body) > ARTICLE_BODY_MORE * word_count(text or ""):
        # a page that draws its article with a script holds it in its JSON-LD only; the HTML
        # gave a caption or a teaser ("... election. Photo: AP", 24 words of a 700-word column)
        notes.append(
            f"its HTML showed {word_count(text or '')} words of article text; the article read "
            f"from its JSON-LD articleBody ({word_count(body)} words)"
        )
        text = body
    if not text:
        return None

    def stated(attr: str) -> str | None:
        value = getattr(meta, attr, None) if meta is not None else None
        return str(value) if value else None

    # the date only from where the page states one: trafilatura's takes any date-like number
    return MainText(
        text=str(text),
        title=headline(html, stated("title"), stated("sitename"), str(text)),
        outlet=stated("sitename"),
        url=stated("url"),
        date=stated_date(html),
        notes=tuple(notes),
    )


# The JSON-LD articleBody is taken for the text when it holds this many times the words the
# article finder found in the HTML
ARTICLE_BODY_MORE = 3


# A related article's headline that a page's script set inline in its articleBody, between
# two of the article's sentences and with no stop of its own: "... livelihood. Tsai says
# Beijing must face reality that Taiwan is 'independent country' But again, it's too little
# ...". It starts after a sentence's end, capitalised, and runs without a stop to a word that
# only opens a sentence ("But", "It", "However": never capitalised inside one) and goes on
# as one does ("It was"; not a title's "Enjoy It,", "All This." or "CBS This Morning").
_INLINE_HEADLINE = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)]?([ \t]+)"
    r"([A-Z\"'\u201c\u2018][^.!?\n]{10,200}?[\w\"'\u201d\u2019)])"
    r"([ \t]+)(?=(?:But|And|Yet|It|He|She|They|We|This|These|There)(?:['\u2019]s)?[ \t]+"
    r"(?![A-Z])|(?:However|Meanwhile)[, \t])"
)
INLINE_HEADLINE_WORDS = 4


def _headlines_apart(text: str) -> str:
    """An articleBody's text with each related article's headline set inline in it (see
    _INLINE_HEADLINE) on a line of its own: never glued to the next sentence as its start."""
    out, end = [], 0
    for m in _INLINE_HEADLINE.finditer(text):
        if len(m.group(2).split()) < INLINE_HEADLINE_WORDS:
            continue
        out += [text[end : m.start(1)], "\n", m.group(2), "\n"]
        end = m.end(3)
    return "".join([*out, text[end:]])


def _article_body(html: str) -> str:
    """The longest articleBody the page's JSON-LD states, as text ("" when none), a related
    article's headline set inline in it on a line of its own."""
    bodies = [
        body
        for data in _json_ld(html, 2_000_000, containing="articleBody")
        for body in _json_ld_values(data, ("articleBody",))
        if isinstance(body, str)
    ]
    body = max(bodies, key=len, default="")
    return _headlines_apart(html_fragment_to_text(body)) if body.strip() else ""


class _TextParser(HTMLParser):
    _BLOCK = frozenset(
        (
            "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6",
            "blockquote", "section", "article", "tr", "pre", "figcaption",
        )
    )  # fmt: skip
    _SKIP = frozenset(("script", "style", "noscript", "template", "title"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_fragment_to_text(html: str) -> str:
    """Text of HTML (or plain) content, paragraphs on their own lines: a feed entry's, or a
    page's nested too deeply for the article finder. The standard library's parser keeps no
    tree, so no depth or size of nesting can exhaust the stack."""
    if "<" not in html:
        return "\n".join(ln.strip() for ln in html.splitlines() if ln.strip())
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)
