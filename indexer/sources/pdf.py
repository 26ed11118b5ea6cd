"""Reader for PDF files: the text layer of every page, without the page furniture.

pypdf gives each page's text in reading order. Two things make PDF text worse than the
document it came from, and we undo both: running headers/footers repeated on every page
(kept once, so a letterhead still names the agency) and words hyphenated at line ends.
A PDF without a text layer is a scan: it is read by OCR (see `ocr`).
"""
from __future__ import annotations

import io
import math
import re
from itertools import islice

from pypdf import PdfReader

from ..document import SourceText, Unreadable
from .notes import LibraryNotes
from .ocr import read_scanned_pdf
from .tidy import is_page_number, plausible_title, tidy

MAX_PAGES = 2000
MIN_TEXT_CHARS = 20  # fewer letters than this over the whole file: no text layer
_EDGE_LINES = 3  # how deep into the top/bottom of a page running furniture may reach
_REPEATED_SHARE = 0.6  # "almost every page"

_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad][ \t]*\n\n?[ \t]*(?=[^\W\d_])")


def read_pdf(data: bytes) -> SourceText:
    """Page texts joined in order, running headers/footers kept once, line-end hyphenation undone."""
    if b"%PDF-" not in data[:1024]:
        raise Unreadable("PDF dañado: falta la cabecera %PDF")
    if b"%%EOF" not in data[-4096:]:
        raise Unreadable("PDF truncado o incompleto (falta %%EOF)")
    with LibraryNotes("pypdf") as notes:
        reader, pages = _extract(data)
        title = _title(reader)
    letters = _LETTER.finditer("\n".join("\n".join(page) for page in pages))
    if sum(1 for _ in islice(letters, MIN_TEXT_CHARS)) < MIN_TEXT_CHARS:
        return read_scanned_pdf(data)  # no text layer: a scan
    pages = drop_running_lines(pages)
    text = tidy(_join_hyphenated("\n\n".join("\n".join(page) for page in pages if page)))
    if not text:
        return read_scanned_pdf(data)  # no text layer: a scan
    warnings = [f"PDF con defectos ({len(notes)} avisos de pypdf, p. ej.: {notes[0][:100]})"] if notes else []
    return SourceText(text=text, format="pdf", meta={"title": title} if title else {}, warnings=warnings)


def _extract(data: bytes) -> tuple[PdfReader, list[list[str]]]:
    """Every page's lines, or Unreadable: a page that fails would leave half a bulletin."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # e.g. AES without the optional crypto dependency
                raise Unreadable(f"PDF cifrado: {type(exc).__name__}") from exc
            if not opened:
                raise Unreadable("PDF protegido con contraseña")
        count = len(reader.pages)
        if count == 0:
            raise Unreadable("PDF sin páginas")
        if count > MAX_PAGES:
            raise Unreadable(f"PDF demasiado largo (> {MAX_PAGES} páginas)")
        return reader, [_page_lines(page.extract_text() or "") for page in reader.pages]
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, but also KeyError, ValueError... on broken files
        raise Unreadable(f"PDF dañado: {type(exc).__name__}: {str(exc)[:80]}") from exc


def _title(reader: PdfReader) -> str | None:
    try:
        return plausible_title(reader.metadata.title) if reader.metadata else None
    except Exception:  # broken metadata costs the title, not the text
        return None


def _page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _edge_key(line: str) -> str:
    """Lines that differ only by their numbers (a page number) share a key."""
    return " ".join(_DIGITS.sub("#", line).casefold().split())


def _numbers(line: str) -> tuple[int, ...]:
    return tuple(int(n) for n in _DIGITS.findall(line)[:8])


def _running(pages: list[list[str]], from_top: bool) -> set[tuple[int, str]]:
    """(offset, key) of lines repeated at the same place on almost every page.

    Lines sharing a key must be identical, or differ in one number that moves in step with the
    page (a page number): 'Boletín 12 · Página 3' repeats, 'Párrafo 3' at a page edge does not.
    """
    needed = max(2, math.ceil(_REPEATED_SHARE * len(pages)))
    seen: dict[tuple[int, str], list[tuple[int, tuple[int, ...]]]] = {}
    for index, page in enumerate(pages):
        window = page[:_EDGE_LINES] if from_top else page[::-1][:_EDGE_LINES]
        for offset, line in enumerate(window):
            seen.setdefault((offset, _edge_key(line)), []).append((index, _numbers(line)))
    running = set()
    for place, found in seen.items():
        if len(found) < needed:
            continue
        numbers = {nums for _, nums in found}
        width = len(found[0][1])
        if len(numbers) == 1 or any(
            len({nums[j] - index for index, nums in found}) == 1 for j in range(width)
        ):
            running.add(place)
    return running


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers and bare page numbers from page edges.

    A line is running furniture when it sits at the same place among the top or bottom lines
    of at least 60% of the pages (and at least two). Headers are kept on the first page and
    footers on the last, so their text (often the issuing agency) is still indexed once.
    """
    pages = [_trim_page_numbers(page) for page in pages]
    if len(pages) < 2:
        return pages
    top, bottom = _running(pages, from_top=True), _running(pages, from_top=False)
    last = len(pages) - 1
    cleaned = []
    for index, page in enumerate(pages):
        size = len(page)
        kept = []
        for position, line in enumerate(page):
            key = _edge_key(line)
            if index > 0 and position < _EDGE_LINES and (position, key) in top:
                continue
            if index < last and size - 1 - position < _EDGE_LINES and (size - 1 - position, key) in bottom:
                continue
            kept.append(line)
        cleaned.append(kept)
    return cleaned


def _trim_page_numbers(page: list[str]) -> list[str]:
    size = len(page)
    return [line for i, line in enumerate(page)
            if not ((i < _EDGE_LINES or i >= size - _EDGE_LINES) and is_page_number(line))]


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
