"""Reader for saved web pages (`.html`, `.htm`): the article, not the page around it.

trafilatura finds the main text (no menus, footers, share buttons, scripts) and the page's own
metadata. Pages it cannot parse (e.g. nesting deeper than libxml2 accepts) fall back to the text
of the whole body, with a warning, so a bulletin is not lost to a broken template.
"""
from __future__ import annotations

import datetime as _dt
import re

import trafilatura
from lxml import etree

from ..document import Heading, SourceText, Unreadable
from .encoding import decode
from .markdown import html_fragment_text
from .notes import LibraryNotes
from .tidy import one_line, plausible_title, tidy

_EXTRACT_OPTIONS = dict(
    output_format="xml",
    with_metadata=True,
    include_tables=True,
    include_comments=False,
    include_images=False,
    include_links=False,
    include_formatting=False,
    # Only dates the page states in its markup, not guesses from text or URLs.
    date_extraction_params={"extensive_search": False, "original_date": True},
)
_META_KEYS = ("title", "date", "url", "author", "sitename", "description")
_MIN_FALLBACK_WORDS = 20


def read_html(data: bytes) -> SourceText:
    """Main text, headings and `meta` (title, date as YYYY-MM-DD, url, author, sitename, description)."""
    markup, _encoding = decode(data)
    with LibraryNotes("trafilatura", "htmldate", "courlan"):  # its give-ups are our fallback, not news
        document = _trafilatura(markup)
    if document is not None:
        text, headings = _document_text(document)
        if text:
            return SourceText(text=text, format="html", headings=headings, meta=_meta(document))
    return _fallback(markup)


def _trafilatura(markup: str):
    """trafilatura's XML tree, or None when it finds no main text or chokes on the page."""
    for favor_recall in (False, True):
        try:
            xml = trafilatura.extract(markup, favor_recall=favor_recall, **_EXTRACT_OPTIONS)
        except (RecursionError, ValueError, TypeError, etree.LxmlError):
            return None
        if xml:
            return etree.fromstring(xml.encode("utf-8"), etree.XMLParser(huge_tree=False, recover=True))
    return None


def _document_text(document) -> tuple[str, list[Heading]]:
    main = document.find("main")
    if main is None:
        return "", []
    for line_break in main.iter("lb"):
        line_break.text = "\n"
    blocks: list[str] = []
    headings: list[Heading] = []
    for element in main:
        if element.tag == "head":
            heading = one_line("".join(element.itertext()))
            if heading:
                headings.append(Heading(_heading_level(element.get("rend")), heading))
                blocks.append(heading)
        elif element.tag == "list":
            blocks.append("\n".join(one_line("".join(item.itertext())) for item in element.findall("item")))
        elif element.tag == "table":
            rows = []
            for row in element.findall("row"):
                cells = [one_line("".join(cell.itertext())) for cell in row.findall("cell")]
                if any(cells):
                    rows.append(" | ".join(cell for cell in cells if cell))
            blocks.append("\n".join(rows))
        else:
            blocks.append("".join(element.itertext()))
    return tidy("\n\n".join(blocks)), headings


def _heading_level(rend: str | None) -> int:
    match = re.fullmatch(r"h([1-6])", rend or "")
    return int(match.group(1)) if match else 2


def _meta(document) -> dict:
    meta = {}
    for key in _META_KEYS:
        value = document.get(key)
        if not value:
            continue
        if key == "title":
            value = plausible_title(value)
        elif key == "date":
            value = _iso_date(value)
        else:
            value = one_line(value)
        if value:
            meta[key] = value
    return meta


def _iso_date(value: str) -> str | None:
    try:
        return _dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


_HEAD = re.compile(r"<head\b.*?</head\s*>", re.S | re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_PAGE_FURNITURE = re.compile(r"<(nav|header|footer|aside|form|menu)\b.*?</\1\s*>", re.S | re.I)


def _fallback(markup: str) -> SourceText:
    """Whole-body text for pages the extractor could not handle; refuses pages with too little text."""
    title = _TITLE.search(markup)
    body = _PAGE_FURNITURE.sub("\n", _HEAD.sub("", markup))
    text = tidy(html_fragment_text(body))
    if len(text.split()) < _MIN_FALLBACK_WORDS:
        raise Unreadable("HTML sin texto principal")
    title = plausible_title(html_fragment_text(title.group(1))) if title else None
    return SourceText(
        text=text,
        format="html",
        meta={"title": title} if title else {},
        warnings=["HTML: sin contenido principal reconocible; se tomó todo el texto de la página"],
    )
