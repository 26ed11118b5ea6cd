"""Spanish dates as bulletins write them, and dates hidden in file names.

Press offices type dates by hand, so the patterns tolerate what real bulletins contain:
"30 de noviembre 2023" (no "de"), "del 2020", "1° de enero", "1o. de", "primero de",
"sept.", "dic.", "junio 27, 2018", misspelled months ("novienbre"), and numeric
day-first forms (11/07/2025) or ISO (2025-07-11). Every match is validated as a real
calendar date, so "31 de febrero" is never returned.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Iterator

MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}
MONTH_ABBREVIATIONS = {
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8,
    "sep": 9, "sept": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12,
}
WEEKDAYS = r"lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo"

# Earliest and latest years accepted; anything else is a typo or a number that is not a year.
MIN_YEAR, MAX_YEAR = 1900, 2100

_DAY = r"(?P<day>primero|[0-3]?\d)(?:\s*(?:°|º|o\.?|ro\.?|ero\.?)(?!\w))?"
_MONTH = r"(?P<month>[a-záéíóúñ]{3,11})\.?"
_YEAR = r"(?P<year>[12]\d{3})(?!\d)"
_WEEKDAY = rf"(?:(?P<weekday>{WEEKDAYS})\s*,?\s+)?"

_SPANISH = (
    rf"{_WEEKDAY}{_DAY}\s*(?:de(?:l)?\s+|-\s*|/\s*)?{_MONTH}\s*(?:,|-|/)?\s*"
    rf"(?:(?:de(?:l)?|,)\s*)?(?:(?:año|ano)\s+)?{_YEAR}"
)
# "junio 27, 2018" — month first, as some web templates print it.
_MONTH_FIRST = (
    r"(?P<mf_month>[a-záéíóúñ]{3,11})\.?\s+(?P<mf_day>[0-3]?\d)\s*(?:,|de(?:l)?)\s*"
    r"(?P<mf_year>[12]\d{3})(?!\d)"
)
# Day first, as Mexico writes it; a two-digit year only with slashes ("11/07/25").
# A slash may have a space beside it where PDF extraction split the line ("1/06 /2020").
_NUMERIC = (
    r"(?P<nd>[0-3]?\d)(?:\s?(?P<slash>/)\s?|(?P<sep>[.-]))(?P<nm>[01]?\d)(?(slash)\s?/\s?|(?P=sep))"
    r"(?P<ny>[12]\d{3}(?!\d)|(?<=/)\d{2}(?![\d/]))"
)
_ISO = r"(?P<iy>[12]\d{3})-(?P<im>[01]?\d)-(?P<id>[0-3]?\d)(?!\d)"

DATE_RE = re.compile(
    rf"(?<![\w/.-])(?:{_ISO}|{_NUMERIC}|{_SPANISH}|{_MONTH_FIRST})", re.IGNORECASE
)


@dataclass(frozen=True)
class DateMatch:
    """A validated date and where it was written."""

    date: dt.date
    start: int
    end: int
    weekday_start: int | None = None  # where a leading weekday name begins, if any

    @property
    def text_start(self) -> int:
        return self.start if self.weekday_start is None else self.weekday_start


def month_number(word: str) -> int | None:
    """Month number for a Spanish month name, abbreviation, or close misspelling."""
    word = word.lower().rstrip(".")
    word = word.translate(str.maketrans("áéíóú", "aeiou"))
    if word in MONTHS:
        return MONTHS[word]
    if word in MONTH_ABBREVIATIONS:
        return MONTH_ABBREVIATIONS[word]
    if len(word) >= 5:
        close = difflib.get_close_matches(word, MONTHS, n=1, cutoff=0.8)
        if close:
            return MONTHS[close[0]]
    return None


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """The date if it exists on the calendar and the year is plausible, else None."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    """Four digits as written; two digits in this century unless that lies in the future."""
    year = int(text)
    if year >= 100:
        return year
    return 2000 + year if 2000 + year <= dt.date.today().year + 1 else 1900 + year


def _date_of(match: re.Match) -> dt.date | None:
    groups = match.groupdict()
    if groups["iy"]:
        return make_date(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
    if groups["nd"]:
        return make_date(_full_year(groups["ny"]), int(groups["nm"]), int(groups["nd"]))
    if groups["day"]:
        month = month_number(groups["month"])
        day = 1 if groups["day"].lower() == "primero" else int(groups["day"])
        return make_date(int(groups["year"]), month, day) if month else None
    month = month_number(groups["mf_month"])
    return make_date(int(groups["mf_year"]), month, int(groups["mf_day"])) if month else None


def find_dates(text: str) -> Iterator[DateMatch]:
    """Every valid date written in `text`, in reading order."""
    for match in DATE_RE.finditer(text):
        date = _date_of(match)
        if date is None:
            continue
        weekday = match.start("weekday") if match.group("weekday") else None
        start = match.start("day") if match.group("day") else match.start()
        yield DateMatch(date, start, match.end(), weekday)


def parse_date(value: object) -> dt.date | None:
    """A date from a front matter or format metadata value (date, datetime or text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    for found in find_dates(" ".join(value.split())[:200]):  # a date field, not a document
        return found.date
    return None


# File names: "2020-03-28-...", "13-06-2018", "Boletín-campaña-002-1_050418" (ddmmyy),
# "201015_cam" (yymmdd), "20180413", "reportecovid_10042020", and words
# ("conferencia-11-de-septiembre-2019").
_FILE_ISO = re.compile(r"(?<!\d)([12]\d{3})[-_.]?([01]\d)[-_.]?([0-3]\d)(?!\d)")
_FILE_DMY = re.compile(r"(?<!\d)([0-3]\d)[-_.]?([01]\d)[-_.]?([12]\d{3})(?!\d)")
_FILE_SIX = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})(?!\d)")


# Digital press bulletins do not predate this; older "dates" in names are ids ("...-270386").
FILE_NAME_MIN_YEAR = 1990


def _plausible(date: dt.date | None, today: dt.date) -> bool:
    return date is not None and FILE_NAME_MIN_YEAR <= date.year and date <= today


def filename_dates(name: str, today: dt.date | None = None) -> list[dt.date]:
    """Every reading of the date a file name carries, most likely first; [] when none.

    Unambiguous spellings (words, four-digit years) give one reading. Six digits give one or
    two: day-month-year (as Mexican offices name files) and year-month-day ("201015" is
    2020-10-15 or 2015-10-20); the caller settles that with the text or the folder. A reading
    after `today` (the build) or before 1990 is no date.
    """
    today = today or dt.date.today()
    words = re.sub(r"[-_]+", " ", name)
    for found in find_dates(words):
        if _plausible(found.date, today):
            return [found.date]
    for pattern, order in ((_FILE_ISO, "ymd"), (_FILE_DMY, "dmy")):
        for match in pattern.finditer(name):
            parts = dict(zip(order, match.groups()))
            date = make_date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
            if _plausible(date, today):
                return [date]
    for match in _FILE_SIX.finditer(name):
        first, middle, last = (int(part) for part in match.groups())
        readings = [make_date(_full_year(f"{last:02d}"), middle, first), make_date(_full_year(f"{first:02d}"), middle, last)]
        found = list(dict.fromkeys(date for date in readings if _plausible(date, today)))
        if found:
            return found
    return []


def date_from_filename(name: str, today: dt.date | None = None) -> dt.date | None:
    """The most likely date a file name carries (see `filename_dates`)."""
    return next(iter(filename_dates(name, today)), None)


def best_reading(readings: list[dt.date], text_dates: list[dt.date], folders: list[str]) -> dt.date | None:
    """The reading of a file name's date that the bulletin's own dates or its folders support.

    A reading the text writes scores most, then one whose month the text's dates fall in, then
    one whose year a folder names; a tie keeps the name's most likely reading.
    """
    if len(readings) < 2:
        return next(iter(readings), None)
    years = {int(part) for part in folders if re.fullmatch(r"(?:19|20)\d{2}", part)}

    def support(date: dt.date) -> int:
        exact = sum(1 for found in text_dates if found == date)
        month = sum(1 for found in text_dates if (found.year, found.month) == (date.year, date.month))
        return 100 * exact + 10 * min(month, 9) + (5 if date.year in years else 0)

    return max(readings, key=support)  # max keeps the first of equals
