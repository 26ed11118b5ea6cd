"""Readers for older office files: Word 97–2003 `.doc`, OpenDocument `.odt` and `.rtf`.

- `.doc`: Debian's `antiword` for the body (paragraphs kept whole, tables as rows, no field
  codes). antiword leaves out page headers and footers; Debian's `catdoc` dumps the whole text
  stream, where they follow the body, so when it is installed they are taken from its tail and
  kept once at the end. Files named .doc that are really RTF, HTML or .docx, as office suites
  often save them, go to the reader of what they are.
- `.odt`: the package's XML read with lxml (already a dependency): body in order, headings with
  their level, tables as rows, text boxes, footnotes, page headers first and footers last.
- `.rtf`: striprtf (pure Python), after lifting out the header and footer groups it drops.
Each gives the same `SourceText` as the .docx reader, so extraction treats them alike.
"""
from __future__ import annotations

import codecs
import io
import re
import shutil
import subprocess
import tempfile
import zipfile

from ..document import Heading, SourceText, Unreadable
from .tidy import is_page_number, one_line, plausible_title, tidy

ANTIWORD_MISSING = "doc: instale antiword para leerlo"
TOOL_TIMEOUT = 120  # seconds
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- .doc ---------------------------------------------------------------------------------------


def read_doc(data: bytes) -> SourceText:
    """A Word 97–2003 document's text through antiword; disguised RTF/HTML/.docx by their own readers."""
    head = data[:1024].lstrip()
    if head.startswith(b"{\\rtf"):
        return read_rtf(data)
    if data.startswith(b"PK"):  # a .docx, or an .odt, under an old name
        from .word import read_docx

        return read_odt(data) if b"content.xml" in data and b"word/document.xml" not in data else read_docx(data)
    if re.match(rb"(?i)(<!doctype html|<html|<\?xml[^>]*>\s*<html)", head):
        from .web import read_html

        return read_html(data)
    if not data.startswith(_OLE_MAGIC):
        raise Unreadable("doc dañado: no es un documento de Word")
    if not shutil.which("antiword"):
        raise Unreadable(ANTIWORD_MISSING)
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:  # antiword needs a file it can seek
        handle.write(data)
        handle.flush()
        try:
            result = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", handle.name],
                                    capture_output=True, timeout=TOOL_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Unreadable(f"doc: antiword tardó más de {TOOL_TIMEOUT} s") from None
        except OSError as exc:
            raise Unreadable(f"{ANTIWORD_MISSING} ({exc.strerror or type(exc).__name__})") from None
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").replace(handle.name, "").strip().splitlines()
            raise Unreadable(f"doc dañado: {(detail or ['antiword no pudo leerlo'])[-1].strip(' :')[:100]}")
        body = tidy("\n".join(_antiword_line(line) for line in result.stdout.decode("utf-8", "replace").splitlines()))
        if not body:
            raise Unreadable("doc sin texto")
        furniture = _doc_furniture(handle.name, body)
    return SourceText(text=tidy("\n\n".join([body] + furniture)), format="doc")


_LETTERS = re.compile(r"[^\W\d_]")
_RULE = re.compile(r"^[-_=*.·•\s]{3,}$")
_FIELD_CODE = re.compile(r'\b(?:HYPERLINK\s+"[^"]*"(?:\s+\\[a-z]\s+(?:"[^"]*"|\S+))*'
                         r'|(?:PAGE|NUMPAGES|SECTIONPAGES|DATE|TIME)(?:\s+\\[*@#]\s+(?:"[^"]*"|\S+))*(?=\s))')


def _doc_furniture(path: str, body: str) -> list[str]:
    """Header and footer lines: what catdoc prints after the body's last line (none without catdoc)."""
    if not shutil.which("catdoc"):
        return []
    try:
        result = subprocess.run(["catdoc", "-d", "utf-8", "-w", path], capture_output=True, timeout=TOOL_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    squeeze = lambda line: " ".join(line.split())  # noqa: E731
    lines = [squeeze(_FIELD_CODE.sub(" ", line)) for line in result.stdout.decode("utf-8", "replace").splitlines()]
    last = next((squeeze(line) for line in reversed(body.split("\n"))
                 if "|" not in line and len(_LETTERS.findall(line)) >= 3), None)
    ends = [index for index, line in enumerate(lines) if line == last]
    if not ends:
        return []
    known = {squeeze(line) for line in body.split("\n")}
    blocks: list[str] = []
    for line in lines[ends[-1] + 1:]:
        if line and line not in known and not is_page_number(line) and line not in blocks:
            blocks.append(line)
    return blocks


def _antiword_line(line: str) -> str:
    """antiword draws a table row as '|cell |cell |': keep it as 'cell | cell'; an empty row goes."""
    stripped = line.strip()
    if _RULE.match(stripped):
        return ""  # a drawn rule, not text
    if len(stripped) > 1 and stripped[0] == "|" and stripped[-1] == "|":
        return " | ".join(cell.strip() for cell in stripped[1:-1].split("|") if cell.strip())
    return line


# --- .odt ---------------------------------------------------------------------------------------

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


_P, _H, _SPAN, _A, _S, _TAB, _BREAK = map(_q, ("text:p", "text:h", "text:span", "text:a", "text:s", "text:tab",
                                              "text:line-break"))
_NOTE, _NOTE_BODY, _TABLE, _ROW, _CELL = map(_q, ("text:note", "text:note-body", "table:table", "table:table-row",
                                                  "table:table-cell"))
_FRAME, _TEXT_BOX = _q("draw:frame"), _q("draw:text-box")
_PAGE_FIELDS = set(map(_q, ("text:page-number", "text:page-count")))
_SKIP = set(map(_q, ("text:tracked-changes", "office:annotation", "text:soft-page-break", "text:note-citation", "text:bookmark-ref", "draw:image")))
_CONTAINERS = set(map(_q, ("office:text", "text:section", "text:list", "text:list-item", "text:list-header",
                           "text:index-body", "table:table-header-rows", "table:table-rows", "table:table-row-group",
                           "text:deletion", "draw:g")))


def read_odt(data: bytes) -> SourceText:
    """Header, body (paragraphs, headings, lists, tables, text boxes), footnotes and footer text."""
    parts = _odt_parts(data)
    body = _xml(parts["content.xml"], "odt").find(f".//{_q('office:body')}/{_q('office:text')}")
    if body is None:
        raise Unreadable("odt dañado: sin cuerpo de texto (¿es una hoja de cálculo o presentación?)")
    reader = _OdtReader()
    reader.read(body)
    header, footer = _odt_furniture(parts.get("styles.xml"))
    blocks = reader.blocks + [note for note in reader.notes if note not in reader.blocks]
    text = tidy("\n\n".join(header + blocks + [b for b in footer if b not in blocks]))
    if not text:
        raise Unreadable("odt sin texto")
    meta = {}
    if "meta.xml" in parts:
        title = _xml(parts["meta.xml"], "odt").find(f".//{_q('dc:title')}")
        if title is not None and plausible_title(title.text):
            meta["title"] = plausible_title(title.text)
    return SourceText(text=text, format="odt", headings=reader.headings, meta=meta)


def _odt_parts(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = {info.filename: info for info in package.infolist()}
            if "content.xml" not in infos:
                raise Unreadable("odt dañado: falta content.xml")
            if sum(info.file_size for info in infos.values()) > MAX_UNPACKED_BYTES:
                raise Unreadable(f"odt demasiado grande (> {MAX_UNPACKED_BYTES // 2**20} MB descomprimido)")
            wanted = [name for name in ("content.xml", "styles.xml", "meta.xml") if name in infos]
            if any(infos[name].file_size > MAX_XML_BYTES for name in wanted):
                raise Unreadable(f"odt demasiado grande (> {MAX_XML_BYTES // 2**20} MB de XML)")
            return {name: package.read(name) for name in wanted}
    except Unreadable:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise Unreadable(f"odt dañado: no es un ZIP válido ({str(exc)[:80]})") from exc


def _xml(data: bytes, fmt: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"{fmt} dañado: XML mal formado ({str(exc)[:80]})") from exc


def _odt_furniture(styles: bytes | None) -> tuple[list[str], list[str]]:
    """Distinct header and footer blocks of every master page, page numbers left out."""
    if not styles:
        return [], []
    root = _xml(styles, "odt")
    found: dict[str, list[str]] = {"header": [], "footer": []}
    for kind in found:
        for name in (kind, f"{kind}-first", f"{kind}-left"):
            for part in root.iter(_q(f"style:{name}")):
                sub = _OdtReader()
                sub.read(part)
                for block in sub.blocks:
                    block = "\n".join(line for line in block.split("\n") if line.strip() and not is_page_number(line))
                    if block and block not in found[kind]:
                        found[kind].append(block)
    return found["header"], found["footer"]


class _OdtReader:
    """Text blocks (one per paragraph or table) in document order, headings, and footnote bodies."""

    def __init__(self):
        self.blocks: list[str] = []
        self.headings: list[Heading] = []
        self.notes: list[str] = []

    def read(self, container) -> None:
        for child in container:
            tag = child.tag
            if tag in (_P, _H):
                self._paragraph(child)
            elif tag == _TABLE:
                self._table(child)
            elif tag in _CONTAINERS or tag == _FRAME or tag == _TEXT_BOX:
                self.read(child)
            elif tag not in _SKIP and isinstance(tag, str) and tag.startswith(f"{{{_NS['text']}}}"):
                self.read(child)  # an unknown text container still holds text

    def _paragraph(self, paragraph) -> None:
        parts: list[str] = []
        self._inline(paragraph, parts)
        text = "".join(parts)
        if text.strip():
            self.blocks.append(text)
            if paragraph.tag == _H:
                level = paragraph.get(_q("text:outline-level"), "1")
                self.headings.append(Heading(int(level) if level.isdigit() and int(level) <= 6 else 1, one_line(text)))

    def _inline(self, element, parts: list[str]) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            tag = child.tag
            if tag == _S:
                count = child.get(_q("text:c"), "1")
                parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
            elif tag == _TAB:
                parts.append(" ")
            elif tag == _BREAK:
                parts.append("\n")
            elif tag in _PAGE_FIELDS:  # its shown number, so 'Página 3 de 9' is recognised and dropped
                parts.append(child.text if child.text and child.text.strip().isdigit() else "1")
            elif tag == _NOTE:
                body = child.find(_NOTE_BODY)
                if body is not None:
                    sub = _OdtReader()
                    sub.read(body)
                    self.notes.extend(sub.blocks)
            elif tag == _FRAME:  # a text box anchored in the paragraph: its own blocks, after this one
                self.read(child)
            elif tag not in _SKIP and isinstance(tag, str):
                self._inline(child, parts)
            if child.tail:
                parts.append(child.tail)

    def _table(self, table) -> None:
        rows = []
        for row in table.iter(_ROW):
            if next((a for a in row.iterancestors(_TABLE)), None) is not table:
                continue  # rows of nested tables are read as part of their cell
            cells = []
            for cell in row.iterchildren(_CELL):
                inner = _OdtReader()
                inner.read(cell)
                value = one_line(" ".join(inner.blocks))
                if value and (not cells or cells[-1] != value):
                    cells.append(value)
            if cells:
                rows.append(" | ".join(cells))
        if rows:
            self.blocks.append("\n".join(rows))


# --- .rtf ---------------------------------------------------------------------------------------

_FURNITURE_GROUP = re.compile(r"\{\\(header|footer)[lrf]?(?![a-z])")
_CODEPAGE = re.compile(r"\\ansicpg(\d{3,5})")


def read_rtf(data: bytes) -> SourceText:
    """The RTF's text through striprtf, with the page header first and footer last like the .docx reader."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip()[:5] == b"{\\rtf":
        raise Unreadable("rtf dañado: falta la cabecera {\\rtf")
    raw = data.decode("latin-1")  # RTF is 7-bit; stray 8-bit bytes are decoded by the code page below
    encoding = _rtf_encoding(raw)
    body, groups = _lift_furniture(raw)
    try:
        text = rtf_to_text(body, encoding=encoding, errors="replace")
        furniture = {kind: [rtf_to_text("{\\rtf1 " + group + "}", encoding=encoding, errors="replace")
                            for group in found] for kind, found in groups.items()}
    except (IndexError, ValueError, LookupError) as exc:  # striprtf's own give-ups on broken groups
        raise Unreadable(f"rtf dañado: {type(exc).__name__}") from exc
    header = _distinct(furniture["header"])
    footer = [block for block in _distinct(furniture["footer"]) if block not in text]
    text = tidy("\n\n".join(header + [_rtf_tables(text)] + footer))
    if not text:
        raise Unreadable("rtf sin texto")
    return SourceText(text=text, format="rtf")


def _rtf_encoding(raw: str) -> str:
    match = _CODEPAGE.search(raw[:4096])
    if match:
        try:
            return codecs.lookup(f"cp{match.group(1)}").name
        except LookupError:
            pass
    return "cp1252"


def _lift_furniture(raw: str) -> tuple[str, dict[str, list[str]]]:
    """Cut `{\\header…}`/`{\\footer…}` groups out of the RTF (striprtf would drop them)."""
    groups: dict[str, list[str]] = {"header": [], "footer": []}
    pieces, position = [], 0
    for match in _FURNITURE_GROUP.finditer(raw):
        if match.start() < position:
            continue  # inside a group already lifted
        end = _group_end(raw, match.start())
        groups[match.group(1)].append(raw[match.end():end - 1])
        pieces.append(raw[position:match.start()])
        position = end
    pieces.append(raw[position:])
    return "".join(pieces), groups


def _group_end(raw: str, start: int) -> int:
    """Index just past the brace closing the group opened at `start` (escaped braces skipped)."""
    depth, index, size = 0, start, len(raw)
    while index < size:
        char = raw[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return size


def _distinct(texts: list[str]) -> list[str]:
    blocks: list[str] = []
    for text in texts:
        lines = [line for line in tidy(text).split("\n") if line.strip() and not is_page_number(line)]
        block = "\n".join(lines)
        if block and block not in blocks:
            blocks.append(block)
    return blocks


def _rtf_tables(text: str) -> str:
    """striprtf ends each table cell with '|': 'a|b|' becomes 'a | b'."""
    lines = []
    for line in text.split("\n"):
        if line.rstrip().endswith("|"):
            line = " | ".join(cell.strip() for cell in line.split("|") if cell.strip())
        lines.append(line)
    return "\n".join(lines)
