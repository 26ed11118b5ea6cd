"""Reader for PDF files: the page as it is laid out, without its furniture.

pdfium gives every character with its box (pdf_layout.py turns them into lines in reading
order, columns included). Here the document is put together: running headers and footers,
found by their place at a page edge and their repetition across pages, are kept once (on the
first page, so a letterhead still names the agency) and dropped elsewhere; bare page numbers
and contents pages' dot leaders go; words hyphenated at line ends are joined again. The lines
of the first page set in a font larger than the body become headings, largest first, so the
extractor takes the headline by size rather than the first line drawn.
A PDF without a text layer is a scan: `read_text_layer` raises `NoTextLayer` (a subclass of
`Unreadable`) and `read_pdf` hands the file to OCR (see `ocr`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import islice

import pypdfium2 as pdfium

from ..document import Heading, SourceText, Unreadable
from .ocr import read_scanned_pdf
from .pdf_layout import PageLine, page_lines, page_runs
from .tidy import is_page_number, plausible_title, tidy

MAX_PAGES = 2000
MIN_TEXT_CHARS = 20  # fewer letters than this over the whole file: no text layer
NO_TEXT_MESSAGE = "PDF sin texto: ¿escaneado?"
_EDGE_SHARE = 0.15  # running furniture sits in the top or bottom 15% of the page
_EDGE_LINES = 3  # ... and among the first or last three lines there,
_MARGIN_SHARE = 0.08  # or anywhere in the outer 8% (figure labels may be drawn above a header)
_REPEATED_SHARE = 0.5  # "most pages" of one shape
_SAME_PLACE_PAGES = 3
_HEADLINE_ZONE = 0.6  # the headline sits in the upper part of the first page
_HEADLINE_SCALE = 1.15  # at least this much larger than the body text
_MAX_HEADING_LINES = 4
_SAME_HEADING = 0.8  # wrapped lines of one headline differ in size less than this ratio

_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad][ \t]*\n\n?[ \t]*(?=[^\W\d_])")
# "Resumen ............ 3", "1.2 Casos …… 12": a contents entry, its leader and its page number.
_PAGE_MARK = re.compile(r"\b(?:p[aá]g(?:ina)?\.?)\s*\d+(?:\s*(?:de|/)\s*\d+)?", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"[\s.,;:-–|]*\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{2,4}[\s.]*$")
_DOT_LEADER = re.compile(r"\s*(?:[.·…_]\s?){4,}\s*\d{0,4}\s*$")


class NoTextLayer(Unreadable):
    """A PDF whose pages carry no text (a scan): only OCR can read it."""

    def __init__(self, message: str = NO_TEXT_MESSAGE):
        super().__init__(message)


def read_pdf(data: bytes) -> SourceText:
    """The laid-out text of every page, or the OCR text of a scan; `Unreadable` for a broken file."""
    try:
        return read_text_layer(data)
    except NoTextLayer:
        return read_scanned_pdf(data)


def read_text_layer(data: bytes) -> SourceText:
    """The laid-out text of every page; raises `NoTextLayer` for a scan, `Unreadable` for a broken file."""
    pages, sizes, title = _extract(data)
    if not _has_letters(pages):
        raise NoTextLayer()
    running = _running_keys(pages, sizes)
    headings = _headings(pages, sizes, running)
    text = tidy(_join_hyphenated(_document_text(pages, sizes, running)))
    if not text:
        raise NoTextLayer()
    meta: dict = {"title": title} if title else {}
    headers = _running_headers(pages, sizes, running)
    if headers:
        meta["running_headers"] = headers
    return SourceText(text=text, format="pdf", headings=headings, meta=meta)


def _running_headers(pages: list[list[PageLine]], sizes, running: set[tuple[str, str]]) -> list[str]:
    """The running header lines, once each: the extractor reads the issuing agency there."""
    found: dict[str, str] = {}
    for page, (_, height) in zip(pages, sizes):
        for edge, line in _edges(page, height):
            if edge == "top" and (edge, _edge_key(line.text)) in running:
                found.setdefault(_edge_key(line.text), _PAGE_MARK.sub("", line.text).strip())
    return [text for text in found.values() if text]


def has_text_layer(data: bytes) -> bool:
    """Whether the PDF carries text (False for a scan); raises `Unreadable` for a broken file."""
    pages, _, _ = _extract(data)
    return _has_letters(pages)


def _has_letters(pages: list[list[PageLine]]) -> bool:
    letters = (match for page in pages for line in page for match in _LETTER.finditer(line.text))
    return sum(1 for _ in islice(letters, MIN_TEXT_CHARS)) >= MIN_TEXT_CHARS


def _extract(data: bytes) -> tuple[list[list[PageLine]], list[tuple[float, float]], str | None]:
    """Every page's lines and size, and the document title; or Unreadable: a page that fails
    would leave half a bulletin."""
    if b"%PDF-" not in data[:1024]:
        raise Unreadable("PDF dañado: falta la cabecera %PDF")
    if b"%%EOF" not in data[-4096:]:
        raise Unreadable("PDF truncado o incompleto (falta %%EOF)")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Unreadable("PDF protegido con contraseña") from exc
        raise Unreadable(f"PDF dañado: {str(exc)[:80]}") from exc
    try:
        count = len(document)
        if count == 0:
            raise Unreadable("PDF sin páginas")
        if count > MAX_PAGES:
            raise Unreadable(f"PDF demasiado largo (> {MAX_PAGES} páginas)")
        pages, sizes = [], []
        for index in range(count):
            page = document[index]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    pages.append(page_lines(page_runs(textpage.raw), width, height))
                finally:
                    textpage.close()
                sizes.append((width, height))
            finally:
                page.close()
        return pages, sizes, _title(document)
    except Unreadable:
        raise
    except Exception as exc:  # pdfium raises PdfiumError, ctypes errors... on broken files
        raise Unreadable(f"PDF dañado: {type(exc).__name__}: {str(exc)[:80]}") from exc
    finally:
        document.close()


def _title(document: pdfium.PdfDocument) -> str | None:
    try:
        return plausible_title(document.get_metadata_dict().get("Title"))
    except Exception:  # broken metadata costs the title, not the text
        return None


def _edge_key(line: str) -> str:
    """Lines that differ only by their numbers (a page number) share a key."""
    return " ".join(_DIGITS.sub("#", line).casefold().split())


def _edges(page: list[PageLine], height: float) -> list[tuple[str, PageLine]]:
    """The lines that may be running furniture: near the top or bottom edge, by place and rank."""
    found = []
    for rank, line in enumerate(page):
        from_end = len(page) - 1 - rank
        if line.top < _EDGE_SHARE * height and (rank < _EDGE_LINES or line.top < _MARGIN_SHARE * height):
            found.append(("top", line))
        elif line.bottom > (1 - _EDGE_SHARE) * height and (
            from_end < _EDGE_LINES or line.bottom > (1 - _MARGIN_SHARE) * height
        ):
            found.append(("bottom", line))
    return found


def _running_keys(pages: list[list[PageLine]], sizes: list[tuple[float, float]]) -> set[tuple[str, str]]:
    """(edge, key) of lines repeated at a page edge: on most pages of one shape (and at least
    two), or on at least three pages at the very same height.

    Pages are counted by shape, and the same-height rule exists, because a report's landscape
    table and map pages often lack the header that its text pages carry.
    """
    shapes: dict[tuple[int, int], list[tuple[list[PageLine], float]]] = {}
    for page, (width, height) in zip(pages, sizes):
        if page:
            shapes.setdefault((round(width), round(height)), []).append((page, height))
    running: set[tuple[str, str]] = set()
    places: dict[tuple[str, str], list[float]] = {}
    for group in shapes.values():
        needed = max(2, math.ceil(_REPEATED_SHARE * len(group)))
        seen: Counter = Counter()
        for page, height in group:
            found = {(edge, _edge_key(line.text)): line.top for edge, line in _edges(page, height)}
            seen.update(found.keys())
            for key, top in found.items():
                places.setdefault(key, []).append(top)
        if len(group) >= 2:
            running.update(key for key, count in seen.items() if count >= needed)
    running.update(
        key for key, tops in places.items() if len(tops) >= _SAME_PLACE_PAGES and max(tops) - min(tops) <= 2.0
    )
    return running


def _furniture(page: list[PageLine], height: float, running: set[tuple[str, str]]) -> set[int]:
    """Ids of the page's running lines and bare page numbers at its edges."""
    return {
        id(line) for edge, line in _edges(page, height)
        if (edge, _edge_key(line.text)) in running or is_page_number(line.text)
    }


def _document_text(pages: list[list[PageLine]], sizes, running: set[tuple[str, str]]) -> str:
    """Pages joined with blank lines; running lines kept once: headers where the first page
    has them, footers at the end, so an agency's letterhead is still indexed."""
    blocks: list[str] = []
    footers: list[str] = []
    footer_keys: set[str] = set()
    kept_headers = False
    for page, (_, height) in zip(pages, sizes):
        if not page:
            continue
        drop = _furniture(page, height, running)
        parts: list[str] = []
        for line in page:
            if id(line) in drop:
                if is_page_number(line.text):
                    continue
                is_header = line.top < _EDGE_SHARE * height
                if is_header and not kept_headers:
                    parts.append(line.text)
                    parts.append("")
                elif not is_header and _edge_key(line.text) not in footer_keys:
                    footers.append(line.text)
                    footer_keys.add(_edge_key(line.text))
                continue
            text = _DOT_LEADER.sub("", line.text)
            if not text.strip():
                continue
            if line.gap_before and parts:
                parts.append("")
            parts.append(text)
        kept_headers = kept_headers or any(p for p in parts)
        blocks.append("\n".join(parts))
    if footers:
        blocks.append("\n".join(footers))
    return "\n\n".join(blocks)


def _body_size(pages: list[list[PageLine]]) -> float:
    """The font size most of the text is set in (weighted by characters)."""
    weights: Counter = Counter()
    for page in pages:
        for line in page:
            weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _headings(pages: list[list[PageLine]], sizes, running: set[tuple[str, str]]) -> list[Heading]:
    """Lines of the first text page's upper part set larger than the body, largest first.

    Lines close together in similar sizes form one heading (a headline wrapped over lines, or
    set in two sizes). When nothing stands out from the body, the largest line group at the
    top still counts if no other line of the page is as large. The extractor skips headings
    that are logos, labels, numbers or dates, so the headline is the largest of the rest.
    A line repeated on every page is a headline when it is large (a report's name); a small
    running header is the last candidate, without its date and page number. The first page is
    the first with text besides its furniture (a report's cover is often an image).
    """
    body = _body_size(pages)
    first = next(
        ((page, size) for page, size in zip(pages, sizes) if _has_letters([_content(page, size[1], running)])), None
    )
    if first is None or body <= 0:
        return []
    page, (_, height) = first
    groups: list[list[PageLine]] = []
    previous: PageLine | None = None
    for line in page:
        if (
            line.top >= _HEADLINE_ZONE * height or not any(c.isalpha() for c in line.text)
            or _DOT_LEADER.search(line.text)  # a contents entry
        ):
            previous = None
            continue
        if (
            previous is not None and min(previous.size, line.size) >= _SAME_HEADING * max(previous.size, line.size)
            and len(groups[-1]) < _MAX_HEADING_LINES and line.top - previous.bottom < 0.6 * line.size
        ):
            groups[-1].append(line)
        else:
            groups.append([line])
        previous = line
    size_of = lambda group: round(max(line.size for line in group), 1)
    large = [group for group in groups if size_of(group) >= _HEADLINE_SCALE * body]
    if not large and groups:
        top = max(groups, key=size_of)
        others = [line.size for line in page if all(line is not mine for mine in top)]
        if size_of(top) > max(others, default=0) + 0.05:
            large = [top]
    sized = sorted({size_of(group) for group in large}, reverse=True)
    ranked = sorted(large, key=lambda group: -size_of(group))  # stable: top to bottom within a size
    headings = [Heading(sized.index(size_of(group)) + 1, " ".join(line.text for line in group)) for group in ranked]
    # Last resort: a report's running header names it ("INFORME EPIDEMIOLÓGICO. COVID-19. 17-04-2020.").
    for line in page:
        if line.top < _EDGE_SHARE * height and ("top", _edge_key(line.text)) in running:
            name = _PAGE_MARK.sub("", line.text)
            name = _TRAILING_DATE.sub("", name).strip(" .,;:-–|")
            if sum(c.isalpha() for c in name) >= 8:
                headings.append(Heading(len(sized) + 1, name))
    return headings


def _content(page: list[PageLine], height: float, running: set[tuple[str, str]]) -> list[PageLine]:
    drop = _furniture(page, height, running)
    return [line for line in page if id(line) not in drop]


def _join_hyphenated(text: str) -> str:
    """'vacuna-\\nción' → 'vacunación'; 'IMSS-\\nBienestar' → 'IMSS-Bienestar' (capital after the break).

    Across a page break ('\\n\\n') only the lower-case case is joined: a capital there is as
    likely to start something new.
    """

    def join(match: re.Match) -> str:
        if text[match.end()].islower():
            return ""
        return match.group() if "\n\n" in match.group() else "-"

    return _HYPHEN_BREAK.sub(join, text)
