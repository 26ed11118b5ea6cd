"""A year or a month typed among the words ("covid oaxaca 2021", "dengue marzo 2020"): a period to
rank first and to offer as a filter, not a word the text must contain.

People add the year they remember to a query; bulletins rarely write their own year in the text,
so matching "2021" as a word drops most of the year's bulletins and keeps others that merely
mention it. Only the typed words are read here; the engine applies the period (see `search`).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ..analysis import fold

MONTHS = {name: number for number, name in enumerate(
    ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
     "noviembre", "diciembre"), start=1)}
MONTHS["setiembre"] = 9
FIRST_YEAR, LAST_YEAR = 1990, 2099  # a four-digit number read as a year


@dataclass(frozen=True)
class TypedPeriod:
    """The period a query names, with the words that named it."""

    start: dt.date
    end: dt.date
    words: tuple[str, ...]

    @property
    def key(self) -> str:
        """"2021" or "2020-03": the timeline's and the facets' name of the period."""
        if self.start.month == 1 and self.end.month == 12 and self.start.year == self.end.year:
            return f"{self.start.year:04d}"
        return f"{self.start.year:04d}-{self.start.month:02d}"


def year_of(word: str) -> int | None:
    if len(word) == 4 and word.isascii() and word.isdigit() and FIRST_YEAR <= int(word) <= LAST_YEAR:
        return int(word)
    return None


def find_period(words: list[str]) -> TypedPeriod | None:
    """The first year typed, with the month named just before it ("marzo 2020", "marzo de 2020"), if any.

    `words`: the query's plain words in order (stopwords such as "de" already left out). Two
    different years typed name no single period: None.
    """
    years = {y for y in (year_of(w) for w in words) if y is not None}
    if len(years) != 1:
        return None
    year = years.pop()
    at = next(i for i, w in enumerate(words) if year_of(w) == year)
    month = MONTHS.get(fold(words[at - 1])) if at > 0 else None
    if month is None:
        return TypedPeriod(dt.date(year, 1, 1), dt.date(year, 12, 31), (words[at],))
    last = calendar.monthrange(year, month)[1]
    return TypedPeriod(dt.date(year, month, 1), dt.date(year, month, last), (words[at - 1], words[at]))
