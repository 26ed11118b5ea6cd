"""Lines of a PDF page by position: characters with their boxes, grouped the way a reader sees them.

The content stream's order is the order a program drew the page in: a footer can come first, a
logo last, two columns interleaved. pdfium gives every character with its box, so we rebuild
the page: characters → runs (a word group on one baseline) → columns → lines top to bottom,
each line with its font size (the box height), which the reader uses to find the headline.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from statistics import median

import pypdfium2.raw as pdfium_c

# Gaps between glyphs, in units of the font size (box height).
_SPACE_GAP = 0.12  # wider than this: a space between words
_CELL_GAP = 0.9  # wider than this: a new run (a table cell, the next column)
_SAME_LINE = 0.5  # vertical centres closer than this share a line
_PARAGRAPH_GAP = 0.4  # a blank line where the white between lines exceeds the usual by this
# Two columns: each side needs this many runs, and its runs must fill this share of its width.
_MIN_COLUMN_RUNS = 4
_BAND_GAP = 2.5  # white space this tall (in font sizes) across the page starts a new band
_COLUMN_FILL = 0.45


@dataclass
class Run:
    """Consecutive glyphs on one baseline, close together."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float

    @property
    def size(self) -> float:
        return self.top - self.bottom

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class PageLine:
    """One visual line of a page; `top` is measured down from the top of the page."""

    text: str
    top: float
    bottom: float
    size: float
    x0: float
    x1: float
    gap_before: bool = False  # a paragraph break above this line
    runs: list[Run] = field(default_factory=list, repr=False)


def page_runs(textpage) -> list[Run]:
    """The page's runs in content-stream order, from pdfium's character boxes.

    A space is written where pdfium saw one (in the text or from the spacing) or where the gap
    between two glyphs is clearly wider than letter spacing.
    """
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    got = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: max(0, got - 1) * 2].decode("utf-16-le", errors="replace")
    rect = pdfium_c.FS_RECTF()
    runs: list[Run] = []
    parts: list[str] = []
    current: Run | None = None
    spaced, last_x0 = False, 0.0
    for index in range(min(count, len(text))):
        char = text[index]
        if char in "\x02\xad\ufffe":  # how pdfium writes a hyphen that ends a line
            char = "-"
        if char.isspace() or char in "\uffff\x00":
            # pdfium also writes spaces it guessed from the spacing, wrongly after some ligatures
            spaced = spaced or pdfium_c.FPDFText_IsGenerated(textpage, index) != 1
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(textpage, index, ctypes.byref(rect)):
            continue
        x0, x1 = min(rect.left, rect.right), max(rect.left, rect.right)
        bottom, top = min(rect.bottom, rect.top), max(rect.bottom, rect.top)
        if top - bottom <= 0.1:
            continue
        if current is not None:
            size = max(current.size, top - bottom)
            same_line = abs((top + bottom) / 2 - current.middle) < _SAME_LINE * size
            gap = x0 - current.x1
            # Ligatures ("fi") give their glyphs one shared box: not stepping back past the
            # previous glyph's start is moving forward.
            forward = gap >= -0.5 * size or x0 >= last_x0 - 0.1 * size
            if same_line and forward and gap <= _CELL_GAP * size:
                if (spaced and gap > -0.05 * size) or gap > _SPACE_GAP * size:
                    parts.append(" ")
                parts.append(char)
                current.x1 = max(current.x1, x1)
                current.bottom, current.top = min(current.bottom, bottom), max(current.top, top)
                spaced, last_x0 = False, x0
                continue
            current.text = "".join(parts)
            runs.append(current)
        current, parts, spaced, last_x0 = Run("", x0, x1, bottom, top), [char], False, x0
    if current is not None:
        current.text = "".join(parts)
        runs.append(current)
    return runs


def _bands(runs: list[Run], gutter: float) -> list[list[Run]]:
    """Runs top to bottom, cut into bands wherever a run crosses the gutter (it gets its own)."""
    bands: list[list[Run]] = [[]]
    lowest: float | None = None
    for run in sorted(runs, key=lambda r: (-r.middle, r.x0)):
        if run.x0 < gutter < run.x1:
            bands.extend([[run], []])
        else:
            if lowest is not None and lowest - run.top > _BAND_GAP * run.size:
                bands.append([])  # a wide white space across the page ends the band
            bands[-1].append(run)
        lowest = run.bottom if lowest is None else min(lowest, run.bottom)
    return [band for band in bands if band]


def _is_columns(band: list[Run], gutter: float) -> bool:
    """Whether a band holds two columns of prose: enough runs each side, filling their side
    (prose wraps at the column edge; table cells and labels do not)."""
    left = [run for run in band if run.x1 <= gutter]
    right = [run for run in band if run.x0 >= gutter]
    if len(left) < _MIN_COLUMN_RUNS or len(right) < _MIN_COLUMN_RUNS:
        return False
    left_width = max(1.0, gutter - min(run.x0 for run in left))
    right_width = max(1.0, max(run.x1 for run in right) - gutter)
    return (
        median(run.x1 - run.x0 for run in left) / left_width >= _COLUMN_FILL
        and median(run.x1 - run.x0 for run in right) / right_width >= _COLUMN_FILL
    )


def _gutter(runs: list[Run], width: float) -> float | None:
    """The x of the gutter between two columns of prose, or None for a one-column page.

    Each x in the middle of the page is tried: the runs that cross it cut the page into bands
    (a headline, a full-width paragraph), and the x whose bands hold the most two-column prose
    wins.
    """
    if len(runs) < 2 * _MIN_COLUMN_RUNS:
        return None
    best: tuple[int, float] | None = None
    step = max(2.0, width / 150)
    x = 0.25 * width
    while x <= 0.75 * width:
        score = sum(
            min(sum(1 for r in band if r.x1 <= x), sum(1 for r in band if r.x0 >= x))
            for band in _bands(runs, x) if len(band) >= 2 * _MIN_COLUMN_RUNS and _is_columns(band, x)
        )
        if score and (best is None or score > best[0]):
            best = (score, x)
        x += step
    return best[1] if best else None


def _lines(runs: list[Run], height: float) -> list[PageLine]:
    """Runs grouped into lines top to bottom, each line's runs left to right."""
    lines: list[PageLine] = []
    for run in sorted(runs, key=lambda r: (-r.middle, r.x0)):
        if lines:
            line = lines[-1]
            size = min(line.size, run.size)
            if abs((height - (line.top + line.bottom) / 2) - run.middle) < _SAME_LINE * size:
                line.runs.append(run)
                line.top, line.bottom = min(line.top, height - run.top), max(line.bottom, height - run.bottom)
                line.size = max(line.size, run.size)
                continue
        lines.append(PageLine("", height - run.top, height - run.bottom, run.size, run.x0, run.x1, runs=[run]))
    for line in lines:
        line.runs.sort(key=lambda r: r.x0)
        line.text = " ".join(run.text for run in line.runs)
        line.x0, line.x1 = line.runs[0].x0, max(run.x1 for run in line.runs)
    return lines


def _mark_paragraphs(lines: list[PageLine]) -> list[PageLine]:
    """A paragraph starts where the font size changes or the white above a line is clearly
    taller than the usual white between lines of this page (line spacing varies by document)."""
    whites = [line.top - previous.bottom for previous, line in zip(lines, lines[1:])]
    usual = median([white for white in whites if white >= 0] or [0.0])
    for (previous, line), white in zip(zip(lines, lines[1:]), whites):
        size = max(previous.size, line.size)
        resized = abs(previous.size - line.size) > 0.15 * size
        line.gap_before = resized or white > min(usual, size) + _PARAGRAPH_GAP * size
    return lines


def page_lines(runs: list[Run], width: float, height: float) -> list[PageLine]:
    """The page's lines in reading order: bands of full-width text and, within a band whose
    runs form two columns of prose, the left column before the right one."""
    gutter = _gutter(runs, width)
    if gutter is None:
        return _mark_paragraphs(_lines(runs, height))
    ordered: list[PageLine] = []
    pending: list[Run] = []  # one-column runs between two-column bands: read as rows

    def add(lines: list[PageLine]) -> None:
        if lines and ordered:
            lines[0].gap_before = True
        ordered.extend(lines)

    for band in _bands(runs, gutter):
        if _is_columns(band, gutter):
            add(_mark_paragraphs(_lines(pending, height)))
            pending = []
            add(_mark_paragraphs(_lines([r for r in band if r.x1 <= gutter], height)))
            add(_mark_paragraphs(_lines([r for r in band if r.x0 >= gutter], height)))
        else:
            pending.extend(band)
    add(_mark_paragraphs(_lines(pending, height)))
    return ordered
