"""Bulletin numbers from the header: "No. 599/2023", "BOLETÍN CAMPAÑA-007", "COMUNICADO 98/2018".

Normalised the way the evaluation set writes them: the digits as printed (leading zeros kept),
"/year" kept, and a series word upper-cased and joined with a hyphen ("CAMPAÑA-002").
Only header lines are searched, so a number cited in the body ("el boletín 45") never counts.
"""
from __future__ import annotations

import re

from indexer.extract.dates import find_dates

_NO = r"(?:n(?:o|ú|u)m(?:ero|\.)?|n[oº°]\.?|#)"
# Only the unmistakable spellings: a bare "no" there is the word "no".
_STRICT_NO = r"(?:n[úu]m(?:ero|\.)|n\s?[º°]\.?|no\.)"
_DIGITS = r"(?P<num>\d{1,6}(?:\s*[/-]\s*(?:19|20)\d{2}(?!\d))?)(?![\d/])"
_SERIES = r"(?:(?P<series>[^\W\d_]{3,20})\s*[-–]?\s*)"

# A bulletin word, optionally qualified ("de prensa", "conjunto"), then the number.
_HEADED = re.compile(
    r"(?<!\w)(?:bolet[ií]n|comunicado|nota\s+informativa)"
    r"(?:\s+(?:de\s+prensa|conjunto|informativo|oficial|especial))*"
    rf"[\s.:]*(?:{_NO}\s*)?(?:{_SERIES})?{_DIGITS}"
    rf"(?![\s.,:]*{_STRICT_NO}\s*\d)",  # "Boletín COVID-19 No. 12": the number is 12
    re.IGNORECASE,
)
# A report's name, then the number behind an explicit "N°"/"No."/"Número": "Informe de
# situación COVID-19. N° 6", "Comunicado Técnico Diario No. 45", "Reporte semanal Núm. 3".
_TITLED = re.compile(
    r"(?<!\w)(?:bolet[ií]n|comunicado|nota\s+informativa|informe|reporte|parte|circular)\b"
    rf"[^\n|]{{0,60}}?(?<!\w){_STRICT_NO}\s*{_DIGITS}(?![^\W\d_])",
    re.IGNORECASE,
)
# A bulletin word, two or three words naming the series, then the number: "Comunicado
# Técnico Diario 45", "Boletín epidemiológico semanal 45/2020".
_QUALIFIED = re.compile(
    rf"(?<!\w)(?:bolet[ií]n|comunicado|nota\s+informativa)(?P<words>(?:\s+[^\W\d_]{{2,20}}){{2,3}})"
    rf"[\s.:]*(?:{_NO}\s*)?{_DIGITS}",
    re.IGNORECASE,
)
# A line that is only the number: "No. 599/2023", "Número 12".
_BARE = re.compile(rf"^(?:{_NO})\s*{_DIGITS}[\s.]*$", re.IGNORECASE)

# Words between "Boletín" and digits that are the qualifier or the "number" abbreviation:
# the number stands alone ("Boletín de prensa 17" → "17").
_NOT_SERIES = {"de", "prensa", "conjunto", "informativo", "oficial", "especial", "numero", "número", "num"}
# Words there that show the digits are not a number at all ("Boletín del 5 de mayo").
_NOT_A_NUMBER = {"del", "al", "para", "con", "sobre", "por", "los", "las", "el", "la", "y", "en", "desde", "hasta"}


def _match(line: str, titled: bool = True) -> re.Match | None:
    match = _HEADED.search(line) or _BARE.match(line)
    if not match and titled:
        match = _TITLED.search(line) or _QUALIFIED.search(line)
    if not match:
        return None
    words = set((match.groupdict().get("words") or "").lower().split())
    if words & _NOT_A_NUMBER:
        return None
    series = (match.groupdict().get("series") or "").lower()
    starts_date = next(iter(find_dates(line[match.start("num") :])), None)
    if series in _NOT_A_NUMBER or (starts_date and starts_date.text_start == 0):
        return None
    return match


def number_span(line: str) -> tuple[int, int] | None:
    """Where a bulletin number phrase ("Boletín No. 45") stands in a line, if it has one."""
    match = _match(line)
    return match.span() if match else None


def number_in(line: str) -> str | None:
    """The bulletin number a header line states, normalised, or None."""
    match = _match(line)
    if not match:
        return None
    number = re.sub(r"\s+", "", match.group("num")).replace("-", "/")
    series = match.groupdict().get("series")
    if series and series.lower() not in _NOT_SERIES:
        return f"{series.upper()}-{number}"
    return number


def find_number(header_lines: list[str]) -> str | None:
    """The first bulletin number among the header lines."""
    return next((number for number in map(number_in, header_lines) if number), None)


def contradicted_by_name(number: str, file_name: str) -> bool:
    """Whether a file name that states a bulletin number ("Boletín-campaña-010_070418")
    states a different one: the header's number appears nowhere among the name's digits."""
    words = re.sub(r"[-_.]+", " ", file_name)
    if not _match(words, titled=False):
        return False
    leading = re.search(r"\d+", number)
    return bool(leading) and int(leading.group()) not in {int(d) for d in re.findall(r"\d+", words)}
