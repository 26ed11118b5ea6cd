"""Geometry of the server-rendered SVG charts: the results page's timeline and /comparar's lines.

Only coordinates and labels: the periods and counts come from the engine (`indexer.timeline`), the
links and markup from the templates (`_timeline.html`, `compare.html`). No script draws anything,
so the charts work without JavaScript and print as they look.
"""
from __future__ import annotations

from dataclasses import dataclass

from indexer.timeline import Period

from .filters import MONTHS

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 24  # margins for the count axis and the period labels
# Line styles for up to four compared searches: colour, dash pattern and marker shape differ, so
# the lines stay apart in grey print and for readers who do not tell the colours apart.
SERIES_STYLES = (
    {"name": "a", "dash": "", "marker": "circle"},
    {"name": "b", "dash": "6 3", "marker": "square"},
    {"name": "c", "dash": "2 3", "marker": "triangle"},
    {"name": "d", "dash": "10 3 2 3", "marker": "diamond"},
)


def period_label(period: Period, short: bool = False) -> str:
    """"noviembre de 2023" (or "nov. 2023"), or the year."""
    if period.unit == "year":
        return period.key
    year, month = period.key.split("-")
    name = MONTHS[int(month) - 1]
    return f"{name[:3]}. {year}" if short else f"{name} de {year}"


def count_label(count: int) -> str:
    return f"{count:,} {'boletín' if count == 1 else 'boletines'}"


def _nice_max(value: int) -> int:
    """A round top for the count axis (1, 2, 5, 10, 20, 50 …) at or above `value`."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if top * step >= value:
                return top * step
        top *= 10


def _ticks(periods: list[Period], x_of) -> list[dict]:
    """Labels under the axis: every year when charting years or months over several years, else
    every month, thinned so they never overlap."""
    if not periods:
        return []
    if periods[0].unit == "month" and len(periods) > 12:
        chosen = [i for i, p in enumerate(periods) if p.key.endswith("-01")] or [0]
        labels = [periods[i].key[:4] for i in chosen]
    else:
        chosen = list(range(len(periods)))
        labels = [period_label(p, short=True) if p.unit == "month" else p.key for p in periods]
        labels = [labels[i] for i in chosen]
    step = max(1, -(-len(chosen) * 60 // (WIDTH - LEFT - RIGHT)))  # ≈60 px per label
    return [{"x": round(x_of(i), 1), "label": label}
            for n, (i, label) in enumerate(zip(chosen, labels)) if n % step == 0]


@dataclass
class Bar:
    period: Period
    x: float
    y: float
    width: float
    height: float
    name: str  # "noviembre de 2023"
    label: str  # "noviembre de 2023: 7 boletines", the tooltip and the link's accessible name
    url: str | None = None  # the search narrowed to this period, set by the web layer


def bar_chart(periods: list[Period]) -> dict:
    """Bars of a timeline: one per period, heights scaled to a round maximum."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice_max(max((p.count for p in periods), default=0))
    slot = plot_w / max(1, len(periods))
    gap = min(2.0, slot * 0.2)
    bars = []
    for i, p in enumerate(periods):
        h = plot_h * p.count / top if top else 0
        if p.count and h < 2:
            h = 2.0  # a single bulletin among hundreds still shows
        bars.append(Bar(p, round(LEFT + i * slot + gap / 2, 2), round(TOP + plot_h - h, 2),
                        round(max(slot - gap, 0.5), 2), round(h, 2), period_label(p),
                        f"{period_label(p)}: {count_label(p.count)}"))
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "top": top, "axis_y": TOP + plot_h,
            "left": LEFT, "right": WIDTH - RIGHT, "top_y": TOP,
            "ticks": _ticks(periods, lambda i: LEFT + (i + 0.5) * slot),
            "unit": periods[0].unit if periods else "month"}


def line_chart(lines: list[list[Period]]) -> dict:
    """One polyline per compared search over the same periods, with a marker per point."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max((len(line) for line in lines), default=0)
    top = _nice_max(max((p.count for line in lines for p in line), default=0))
    slot = plot_w / max(1, count)

    def x_of(i: int) -> float:
        return LEFT + (i + 0.5) * slot

    series = []
    for n, line in enumerate(lines):
        points = [{"period": p, "x": round(x_of(i), 2),
                   "y": round(TOP + plot_h - (plot_h * p.count / top if top else 0), 2)}
                  for i, p in enumerate(line)]
        series.append({"style": SERIES_STYLES[n % len(SERIES_STYLES)], "points": points,
                       "polyline": " ".join(f"{pt['x']},{pt['y']}" for pt in points)})
    return {"width": WIDTH, "height": HEIGHT, "series": series, "top": top, "axis_y": TOP + plot_h,
            "left": LEFT, "right": WIDTH - RIGHT, "top_y": TOP,
            "ticks": _ticks(lines[0] if lines else [], x_of)}
