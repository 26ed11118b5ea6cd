"""Matches over time: the zero-filled monthly timeline of a search, and several searches compared.

The month facet already counts a search's matches per month; a timeline is those counts laid on
every month of their span, months without matches included with 0, so a chart (or a reader of the
JSON) sees the silences as well as the peaks. Bulletins without a date are left out: they have no
place on a time axis. Spans longer than `MAX_MONTHS` are shown per year, where monthly bars would
be too thin to read or click.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MAX_MONTHS = 72  # about six years: longer spans are charted per year
# Dates outside these years are extraction mistakes (a page number read as a year); charting them
# would stretch the axis over centuries of empty months.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _month(period: str) -> tuple[int, int] | None:
    """(year, month) of a "YYYY-MM" key, None for anything that is not a plausible month."""
    try:
        year, month = (int(part) for part in str(period).split("-"))
    except (TypeError, ValueError):
        return None
    if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
        return year, month
    return None


def zero_filled(month_counts: dict[str, int]) -> list[dict]:
    """[{"period": "YYYY-MM", "count": n}, …] from the first to the last month with matches, oldest first."""
    months = {}
    for period, count in (month_counts or {}).items():
        key = _month(period)
        if key is not None and count:
            months[key] = months.get(key, 0) + int(count)
    return _span(months, min(months), max(months)) if months else []


def _span(months: dict[tuple[int, int], int], first: tuple[int, int], last: tuple[int, int]) -> list[dict]:
    out = []
    year, month = first
    while (year, month) <= last:
        out.append({"period": f"{year:04d}-{month:02d}", "count": months.get((year, month), 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class Period:
    """One bar or point of a chart: a month or a year, with the dates that narrow a search to it."""

    key: str  # "2023-11" or "2023"
    unit: str  # "month" or "year"
    count: int

    @property
    def start(self) -> dt.date:
        year, month = (int(self.key), 1) if self.unit == "year" else _month(self.key)
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        if self.unit == "year":
            return dt.date(int(self.key), 12, 31)
        year, month = _month(self.key)
        return dt.date(year, month, calendar.monthrange(year, month)[1])


def unit_for(timeline: list[dict]) -> str:
    return "year" if len(timeline) > MAX_MONTHS else "month"


def periods(timeline: list[dict], unit: str | None = None) -> list[Period]:
    """The timeline as chart periods: months, or years when it spans more than `MAX_MONTHS`."""
    unit = unit or unit_for(timeline)
    if unit == "month":
        return [Period(p["period"], "month", p["count"]) for p in timeline]
    years: dict[str, int] = {}
    for p in timeline:
        year = p["period"][:4]
        years[year] = years.get(year, 0) + p["count"]
    return [Period(year, "year", count) for year, count in years.items()]


def compare(month_counts: list[dict[str, int]]) -> tuple[str, list[list[Period]]]:
    """Several searches' month counts on one shared axis: (unit, one list of periods per search).

    The axis spans the earliest to the latest month any of them matched, so their lines line up.
    """
    months_of = []
    for counts in month_counts:
        months_of.append({key: int(c) for period, c in (counts or {}).items()
                          if (key := _month(period)) is not None and c})
    every = [key for months in months_of for key in months]
    if not every:
        return "month", [[] for _ in month_counts]
    first, last = min(every), max(every)
    spans = [_span(months, first, last) for months in months_of]
    unit = unit_for(spans[0])
    return unit, [periods(span, unit) for span in spans]
