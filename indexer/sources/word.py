"""Reader for Word files (`.docx`): every paragraph in reading order, tables and text boxes included.

python-docx opens the package and resolves styles; we walk the body XML ourselves because
`Document.paragraphs` skips tables, content controls and text boxes, where bulletin templates
keep their logo block and dateline.
"""
from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.oxml.ns import qn

from ..document import Heading, SourceText, Unreadable
from .tidy import is_page_number, one_line, plausible_title, tidy

# Uncompressed sizes: python-docx loads every part into memory, so these guard against zip bombs.
MAX_DOCUMENT_XML_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024

_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent"))
_T, _TAB, _BR, _CR, _NB_HYPHEN = (qn(t) for t in ("w:t", "w:tab", "w:br", "w:cr", "w:noBreakHyphen"))
_TXBX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {_FALLBACK, qn("w:del"), qn("w:instrText"), qn("w:rPr"), qn("w:pPr")}
_HEADING_STYLE = re.compile(r"^(?:heading|t[ií]tulo|encabezado)\s*([1-9])$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|t[ií]tulo)$", re.I)


def read_docx(data: bytes) -> SourceText:
    """Header, body (paragraphs, tables, text boxes) and footer text; heading-styled paragraphs as headings."""
    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors... on bad packages
        raise Unreadable(f"docx dañado: {type(exc).__name__}") from exc
    reader = _BodyReader(_style_names(document))
    header = _furniture(reader, document, "header")
    reader.read(document.element.body)
    body = reader.blocks
    footer = [block for block in _furniture(reader, document, "footer") if block not in body]
    text = tidy("\n\n".join(header + body + footer))
    if not text:
        raise Unreadable("docx sin texto")
    meta = {}
    title = plausible_title(document.core_properties.title)
    if title:
        meta["title"] = title
    return SourceText(text=text, format="docx", headings=reader.headings, meta=meta)


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("word/document.xml")
            unpacked = sum(member.file_size for member in package.infolist())
    except KeyError:
        raise Unreadable("docx dañado: falta word/document.xml") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(f"docx dañado: no es un ZIP válido ({exc})") from exc
    if info.file_size > MAX_DOCUMENT_XML_BYTES:
        raise Unreadable(f"docx demasiado grande (> {MAX_DOCUMENT_XML_BYTES // 2**20} MB de XML)")
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(f"docx demasiado grande (> {MAX_UNPACKED_BYTES // 2**20} MB descomprimido)")


def _style_names(document) -> dict[str, str]:
    names = {}
    for style in document.styles:
        try:
            names[style.style_id] = style.name or ""
        except Exception:  # an odd style entry must not cost the whole document
            continue
    return names


def _furniture(reader: "_BodyReader", document, kind: str) -> list[str]:
    """Distinct header or footer blocks of all sections, page numbers left out."""
    blocks: list[str] = []
    for section in document.sections:
        for part in (getattr(section, f"first_page_{kind}"), getattr(section, kind)):
            if part.is_linked_to_previous:
                continue
            sub = _BodyReader(reader.style_names, collect_headings=False)
            sub.read(part._element)
            for block in sub.blocks:
                lines = [line for line in block.split("\n") if line.strip() and not is_page_number(line)]
                block = "\n".join(lines)
                if block and block not in blocks:
                    blocks.append(block)
    return blocks


class _BodyReader:
    """Collects text blocks (one per paragraph or table) in document order."""

    def __init__(self, style_names: dict[str, str], collect_headings: bool = True):
        self.style_names = style_names
        self.collect_headings = collect_headings
        self.blocks: list[str] = []
        self.headings: list[Heading] = []

    def read(self, container) -> None:
        for child in container:
            if child.tag == _P:
                self._paragraph(child)
            elif child.tag == _TBL:
                self._table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.read(content)

    def _paragraph(self, paragraph) -> None:
        text, boxes = _paragraph_text(paragraph)
        if text.strip():
            self.blocks.append(text)
            level = self._heading_level(paragraph)
            if level and self.collect_headings:
                self.headings.append(Heading(level, one_line(text)))
        for box in boxes:  # text boxes anchored in this paragraph, after its own text
            self.read(box)

    def _table(self, table) -> None:
        rows = []
        for row in table.iter(_TR):
            if row.getparent() is not table:
                continue  # rows of nested tables are read as part of their cell
            cells = []
            for cell in row.iter(_TC):
                if cell.getparent() is not row:
                    continue
                inner = _BodyReader(self.style_names, collect_headings=False)
                inner.read(cell)
                value = one_line(" ".join(inner.blocks))
                if value and (not cells or cells[-1] != value):
                    cells.append(value)
            if cells:
                rows.append(" | ".join(cells))
        if rows:
            self.blocks.append("\n".join(rows))

    def _heading_level(self, paragraph) -> int:
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            return 0
        style = properties.find(qn("w:pStyle"))
        if style is not None:
            name = self.style_names.get(style.get(qn("w:val")), style.get(qn("w:val")) or "")
            match = _HEADING_STYLE.match(name.strip())
            if match:
                return int(match.group(1))
            if _TITLE_STYLE.match(name.strip()):
                return 1
        outline = properties.find(qn("w:outlineLvl"))
        if outline is not None and (outline.get(qn("w:val")) or "").isdigit():
            level = int(outline.get(qn("w:val"))) + 1
            return level if level <= 6 else 0
        return 0


def _paragraph_text(paragraph) -> tuple[str, list]:
    """A paragraph's visible text, and the text-box bodies found inside it (read separately)."""
    parts: list[str] = []
    boxes: list = []
    stack = list(reversed(paragraph))
    while stack:
        element = stack.pop()
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _T:
            parts.append(element.text or "")
        elif tag in (_TAB,):
            parts.append(" ")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
        elif tag == _TXBX:
            boxes.append(element)
        else:
            stack.extend(reversed(element))
    return "".join(parts), boxes
