"""Whitespace and Unicode clean-up shared by every reader.

Every format ends here so the extractor and the index see one shape of text: NFC, `\\n` line
ends, no invisible characters, single spaces, lines stripped, at most one blank line between
paragraphs.
"""
from __future__ import annotations

import re
import unicodedata
from importlib import resources

# Invisible or layout-only characters: dropped, or turned into the plain space / newline they mean.
_REPLACEMENTS = {
    **{chr(c): "" for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D)},
    "\x7f": "",
    **{chr(c): "" for c in range(0x80, 0xA0)},  # C1 controls (mis-decoded cp1252 leftovers)
    "\t": " ", "\x0b": "\n", "\x0c": "\n", "\r": "\n",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ",
    **{chr(c): " " for c in range(0x2000, 0x200B)},
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u2028": "\n", "\u2029": "\n",
}
# Most files have none of these: searching is much cheaper than translating every character.
_ODD_CHAR = re.compile("[" + "".join(re.escape(ch) for ch in _REPLACEMENTS) + "]")
_ODD_SEQUENCE = re.compile("\r\n?|" + _ODD_CHAR.pattern)


def tidy(text: str) -> str:
    """Normalize text as described in `SourceText.text` (NFC, stripped lines, paragraphs).

    Written for speed on large corpora: one regex search, then a single pass over the lines,
    instead of regex substitutions that would visit every space and newline.
    """
    if _ODD_CHAR.search(text):
        text = _ODD_SEQUENCE.sub(_replacement, text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines: list[str] = []
    pending_blank = False
    for line in text.split("\n"):
        while "  " in line:
            line = line.replace("  ", " ")
        line = line.strip()
        if not line:
            pending_blank = bool(lines)
            continue
        if pending_blank:
            lines.append("")
            pending_blank = False
        lines.append(line)
    return "\n".join(lines)


def _replacement(match: re.Match) -> str:
    found = match.group()
    return "\n" if found[0] == "\r" else _REPLACEMENTS[found]


def one_line(text: str) -> str:
    """A heading or title squeezed onto one line."""
    return " ".join(tidy(text).split())


_PAGE_NUMBER = re.compile(
    r"^(?:p[aá]g(?:ina|\.)?\s*|page\s*)?[-–—(\[]?\s*\d{1,3}\s*[-–—)\]]?"
    r"(?:\s*(?:de|of|/)\s*\d{1,3})?$",
    re.IGNORECASE,
)


def is_page_number(line: str) -> bool:
    """'3', '- 3 -', 'Página 3 de 5', 'Pág. 2': running page furniture, not content."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def _load_placeholder_titles() -> frozenset[str]:
    text = resources.files(__package__).joinpath("placeholder_titles.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


_PLACEHOLDER_TITLES = _load_placeholder_titles()
_FILE_NAME_TITLE = re.compile(r"(?:^microsoft (?:word|powerpoint) - )|\.(?:docx?|pdf|rtf|odt|pptx?)$", re.I)


def plausible_title(title: object) -> str | None:
    """A document-property title worth showing, or None for blanks, file names and template defaults.

    Office and PDF tools fill the title with 'Documento1', 'Microsoft Word - boletin.docx' and the like;
    passing those on would hide the real headline the extractor finds in the text.
    """
    if not isinstance(title, str):
        return None
    title = one_line(title)
    if len(title) < 4 or not any(ch.isalpha() for ch in title):
        return None
    if title.casefold() in _PLACEHOLDER_TITLES or _FILE_NAME_TITLE.search(title):
        return None
    if re.fullmatch(r"(?:documento|document|presentaci[oó]n|libro|book)\s*\d*", title, re.I):
        return None
    return title
