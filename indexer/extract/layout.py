"""The shape of a bulletin's top: header lines, the dateline and where the lead begins.

Bulletins open with some mix of logo lines, a slogan, a number ("BOLETÍN CAMPAÑA-002",
"No. 599/2023"), a headline, summary bullets and a dateline ("Oaxaca, jueves 30 de noviembre
2023" alone, or "Oaxaca de Juárez, Oax. 11 de julio de 2025.- En un acto..." opening the lead).
Every field extractor reads this one analysis instead of re-scanning the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.extract.dates import DateMatch, find_dates
from indexer.extract.numbers import number_in, number_span

# Only the top of a bulletin can hold its header; transcripts run to hundreds of kilobytes.
TOP_CHARS = 12_000
TOP_LINES = 60
MAX_LINE_CHARS = 1_000  # header lines are short; the end of a longer one is body text
HEADER_LINES = 45  # the lead starts before this many lines, or the bulletin has no header
LEAD_CHARS = 600
# What follows a date must have this many letters to be the lead's first words, not a label.
MIN_REST_LETTERS = 20

_JUNK = re.compile(
    r"""^(?:
        [+|\-=_*~·•o0.\s]*            # table art, rules, "---o0o---", bullets alone
      | \[[^\]]*\]                    # image placeholders: "[]", "[C:\\...\\foto.jpeg]"
      | !?\[[^\]]*\]\([^)]*\)         # leftover Markdown images/links
      | (?:https?://|www\.)\S+        # bare links
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_RULE = re.compile(r"^(?:[-_*=~]\s*){3,}$")  # a horizontal rule: "---", "* * *"
_BULLET = re.compile(r"^(?:[-–—•·*▪►✓]|\d{1,2}[.)])\s+")
_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|^#{1,6}\s+|\\(?=[\\`*_{}\[\]()#+\-.!])")
_LABEL = re.compile(
    r"^(?:bolet[ií]n(?:\s+(?:de\s+prensa|informativo|conjunto|oficial))?|comunicado(?:\s+de\s+prensa)?"
    r"|(?:comunicado|bolet[ií]n)\s+conjunto|nota\s+informativa|para\s+su\s+publicaci[oó]n\s+inmediata"
    r"|aviso|versi[oó]n\s+estenogr[aá]fica|link\s+de\s+fotos|fotos?"
    r"|contenidos?|[ií]ndice|tabla\s+de\s+contenidos?"  # a report's section names
    r"|resumen(?:\s+ejecutivo)?|introducci[oó]n|antecedentes|objetivos?|metodolog[ií]a|m[eé]todo)[\s.:]*$",
    re.IGNORECASE,
)
_WEEKDAY_OR_A = re.compile(
    r"(?:(?:^|[\s,;.]+)(?:a|el|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo))+[\s,;.]*$",
    re.IGNORECASE,
)
_FIELD_LABEL = re.compile(r"^\s*(?:fecha|lugar y fecha|fecha de publicaci[oó]n)\s*:?", re.IGNORECASE)
_PARTICLES = {"de", "del", "la", "las", "los", "el", "y", "e", "en", "a"}
_PLACE_WORD = re.compile(r"^\(?[A-ZÁÉÍÓÚÜÑ][\w'’.\-]*\)?$")  # "Oaxaca", "Oax.", "N.L.", "(Tlaxcala)"


def clean_line(line: str) -> str:
    """A line without residual markup (**, _italics_, leading #) and surrounding space."""
    if any(mark in line for mark in "*_#\\"):
        line = _MARKUP.sub("", line)
    return " ".join(line.split())


@dataclass
class Line:
    """One non-blank line of the top, with the paragraph it belongs to."""

    text: str
    paragraph: int
    continues_bullet: bool = False  # a wrapped line of the bullet that opens its paragraph

    @property
    def is_junk(self) -> bool:
        return not any(c.isalnum() for c in self.text) or bool(_JUNK.match(self.text))

    @property
    def is_rule(self) -> bool:
        return bool(_RULE.match(self.text))

    @property
    def is_bullet(self) -> bool:
        return self.continues_bullet or bool(_BULLET.match(self.text))

    @property
    def is_label(self) -> bool:
        return bool(_LABEL.match(self.text))

    @property
    def is_body(self) -> bool:
        """Running prose: long enough and mostly lowercase (not a headline in capitals)."""
        letters = [c for c in self.text if c.isalpha()]
        if len(self.text) < 30 or len(letters) < 20 or self.is_bullet:
            return False
        return sum(c.islower() for c in letters) / len(letters) > 0.6


@dataclass
class Dateline:
    """The line that dates the bulletin: "<place>, <date>" or the date alone."""

    line: int  # index into Layout.lines
    date: DateMatch
    place: str | None  # as written, e.g. "Oaxaca de Juárez, Oax." or "SANTA CATARINA, NUEVO LEÓN"
    rest: str  # what follows the date on the line (the lead's opening words, if any)

    @property
    def kind(self) -> str:
        return "dateline" if self.place else "date line"

    @property
    def opens_lead(self) -> bool:
        """Whether the lead's first words follow the date on its line ("...2025.- En un acto")."""
        return sum(c.isalpha() for c in self.rest) >= MIN_REST_LETTERS


@dataclass
class Layout:
    """The analysed top of a bulletin."""

    lines: list[Line]
    dateline: Dateline | None
    lead_start: int  # index of the first lead line
    lead: str
    header_end: int  # lines before this are the header (at most lead_start)
    markers: list[int] = field(default_factory=list)  # label/number/date-only lines in the header

    @property
    def header(self) -> list[Line]:
        return self.lines[: self.header_end]


def top_lines(text: str) -> list[Line]:
    """The first non-blank lines of `text`, cleaned and numbered by paragraph."""
    lines: list[Line] = []
    paragraph = 0
    for raw in text[:TOP_CHARS].splitlines():
        cleaned = clean_line(raw[:MAX_LINE_CHARS])
        if not cleaned:
            paragraph += 1
            continue
        previous = lines[-1] if lines else None
        in_bullet = bool(previous and previous.paragraph == paragraph and previous.is_bullet)
        lines.append(Line(cleaned, paragraph, in_bullet))
        if len(lines) >= TOP_LINES:
            break
    return lines


def _place_before(prefix: str) -> str | None:
    """The place in the text before a date, or None when there is none, or "?" when that
    text is prose rather than a place.

    A place is a few capitalised words (Spanish particles allowed) in comma-separated parts:
    "Oaxaca de Juárez, Oax.", "NUEVO LAREDO, TAMAULIPAS,", "Mérida, Yucatán, a". Other fields
    of a header line ("Boletín No. 045 | ", "Fecha:") are dropped first. Text before a date
    that does not look like a place ("Según la encuesta del") is prose.
    """
    prefix = prefix.split("|")[-1]
    prefix = _FIELD_LABEL.sub("", prefix)
    number = number_span(prefix)
    if number and number[0] == 0:
        prefix = prefix[number[1]:]
    prefix = _WEEKDAY_OR_A.sub("", prefix).strip(" \t,;.:-–—")
    if not prefix:
        return None
    if len(prefix) > 80:
        return "?"
    parts = [p.strip() for p in re.split(r"[,;]", prefix)]
    if any(not p for p in parts):
        return "?"
    for part in parts:
        words = part.split()
        if not words or len(words) > 6 or words[0].lower() in _PARTICLES - {"el", "la", "los", "las", "en"}:
            return "?"
        for word in words:
            if word.lower() in _PARTICLES:
                continue
            if not _PLACE_WORD.match(word):
                return "?"
    return prefix


def find_dateline(lines: list[Line], limit: int, with_place: bool = False) -> Dateline | None:
    """The first line among lines[:limit] that opens with a date or with "<place>, <date>"
    (only the latter when `with_place`).

    Bullets are skipped (their summaries mention other days) and a line is joined with the
    next one of its paragraph so a date wrapped over two lines is still found.
    """
    for index, line in enumerate(lines[:limit]):
        if line.is_bullet or line.is_junk:
            continue
        joined = line.text
        if index + 1 < len(lines) and lines[index + 1].paragraph == line.paragraph:
            joined = f"{line.text} {lines[index + 1].text}"
        for found in find_dates(joined):
            if found.text_start > len(line.text):
                break
            place = _place_before(joined[: found.text_start])
            if place == "?" or (with_place and place is None):
                break  # a date inside prose (or a bare date when a place is wanted)
            # Text after a date that wraps onto the next line belongs to that line, read as lead.
            rest = line.text[found.end:].lstrip(" .,;:-–—|") if found.end <= len(line.text) else ""
            return Dateline(index, found, place, rest)
    return None


def _starts_body(lines: list[Line], index: int) -> bool:
    """Prose that opens the lead: a mostly-lowercase line whose paragraph runs on or ends a sentence."""
    line = lines[index]
    if not line.is_body or number_in(line.text):  # a line stating the bulletin number is header
        return False
    run = [line.text]
    for following in lines[index + 1 : index + 3]:
        if following.paragraph != line.paragraph or following.is_junk:
            break
        run.append(following.text)
    joined = " ".join(run)
    return len(joined) >= 120 or joined.rstrip().endswith((".", "!", "?", "”", '"', "»"))


def _lead_text(lines: list[Line], start: int, first: str) -> str:
    parts = [first]
    for line in lines[start + 1 :]:
        if line.paragraph != lines[start].paragraph or line.is_junk or sum(map(len, parts)) > LEAD_CHARS:
            break
        parts.append(line.text)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def analyse(text: str, header_limit: int = HEADER_LINES) -> Layout:
    """Find the dateline, the header lines and the lead paragraph of a bulletin's text."""
    lines = top_lines(text)
    dateline = find_dateline(lines, header_limit)
    lead_start, lead = min(len(lines), header_limit), ""
    if dateline and dateline.opens_lead:
        lead_start = dateline.line
        lead = _lead_text(lines, lead_start, dateline.rest)
    else:
        begin = dateline.line + 1 if dateline else 0
        for index in range(begin, min(len(lines), header_limit)):
            if _starts_body(lines, index):
                lead_start, lead = index, _lead_text(lines, index, lines[index].text)
                break
    header_end = lead_start
    seen_text = False
    for index, line in enumerate(lines[:lead_start]):
        if line.is_rule and seen_text:  # "---" after the first words closes the header
            header_end = index
            break
        seen_text = seen_text or not line.is_junk
    markers = [i for i, line in enumerate(lines[:header_end]) if line.is_label or number_in(line.text)]
    if dateline and dateline.line < header_end:
        markers.append(dateline.line)
    return Layout(lines, dateline, lead_start, lead, header_end, sorted(markers))
