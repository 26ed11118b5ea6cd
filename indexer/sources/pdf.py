"""Reader for PDF files: the text layer of every page, without the page furniture.

pypdf gives each page's text in reading order. Two things make PDF text worse than the
document it came from, and we undo both: running headers/footers repeated on every page
(kept once, so a letterhead still names the agency) and words hyphenated at line ends.
A PDF without a text layer is a scan: we say so instead of indexing nothing.
"""
from __future__ import annotations

import io
import math
import re
from collections import Counter

from pypdf import PdfReader

from ..document import SourceText, Unreadable
from .tidy import is_page_number, plausible_title, tidy

MAX_PAGES = 2000
MIN_TEXT_CHARS = 20  # fewer letters than this over the whole file: no text layer
_EDGE_LINES = 3  # how deep into the top/bottom of a page running furniture may reach
_REPEATED_SHARE = 0.6  # "almost every page"

_DIGITS = re.compile(r"\d+")
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad][ \t]*\n\n?[ \t]*(?=[^\W\d_])")


def read_pdf(data: bytes) -> SourceText:
    """Page texts joined in order, running headers/footers kept once, line-end hyphenation undone."""
    if b"%PDF-" not in data[:1024]:
        raise Unreadable("PDF dañado: falta la cabecera %PDF")
    if b"%%EOF" not in data[-4096:]:
        raise Unreadable("PDF truncado o incompleto (falta %%EOF)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("PDF protegido con contraseña")
        count = len(reader.pages)
        if count == 0:
            raise Unreadable("PDF sin páginas")
        if count > MAX_PAGES:
            raise Unreadable(f"PDF demasiado largo (> {MAX_PAGES} páginas)")
        pages = [_page_lines(page.extract_text() or "") for page in reader.pages]
        title = plausible_title(reader.metadata.title) if reader.metadata else None
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, but also KeyError, ValueError... on broken files
        raise Unreadable(f"PDF dañado: {type(exc).__name__}: {str(exc)[:80]}") from exc
    if sum(ch.isalpha() for page in pages for line in page for ch in line) < MIN_TEXT_CHARS:
        raise Unreadable("PDF sin texto: ¿escaneado?")
    pages = drop_running_lines(pages)
    text = _join_hyphenated("\n\n".join("\n".join(page) for page in pages if page))
    text = tidy(text)
    if not text:
        raise Unreadable("PDF sin texto: ¿escaneado?")
    return SourceText(text=text, format="pdf", meta={"title": title} if title else {})


def _page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _edge_key(line: str) -> str:
    """Lines that differ only by page number count as the same running line."""
    return " ".join(_DIGITS.sub("#", line).casefold().split())


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers and bare page numbers from page edges.

    A line is running furniture when (modulo digits) it sits within the top or bottom lines of at
    least 60% of the pages (and at least two). Headers are kept on the first page and footers on
    the last, so their text (often the issuing agency) is still indexed once.
    """
    if len(pages) < 2:
        return [_trim_page_numbers(page) for page in pages]
    needed = max(2, math.ceil(_REPEATED_SHARE * len(pages)))
    top = Counter(key for page in pages for key in {_edge_key(line) for line in page[:_EDGE_LINES]})
    bottom = Counter(key for page in pages for key in {_edge_key(line) for line in page[-_EDGE_LINES:]})
    running_top = {key for key, n in top.items() if n >= needed}
    running_bottom = {key for key, n in bottom.items() if n >= needed}
    last = len(pages) - 1
    cleaned = []
    for index, page in enumerate(pages):
        size = len(page)
        kept = []
        for position, line in enumerate(page):
            at_top, at_bottom = position < _EDGE_LINES, position >= size - _EDGE_LINES
            if (at_top or at_bottom) and is_page_number(line):
                continue
            if at_top and index > 0 and _edge_key(line) in running_top:
                continue
            if at_bottom and index < last and _edge_key(line) in running_bottom:
                continue
            kept.append(line)
        cleaned.append(kept)
    return cleaned


def _trim_page_numbers(page: list[str]) -> list[str]:
    size = len(page)
    return [line for i, line in enumerate(page)
            if not ((i < _EDGE_LINES or i >= size - _EDGE_LINES) and is_page_number(line))]


def _join_hyphenated(text: str) -> str:
    """'vacuna-\\nción' → 'vacunación'; 'IMSS-\\nBienestar' → 'IMSS-Bienestar' (capital after the break)."""

    def join(match: re.Match) -> str:
        following = text[match.end()]
        return "" if following.islower() else "-"

    return _HYPHEN_BREAK.sub(join, text)
