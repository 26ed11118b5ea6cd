"""The headline: a real heading when the format has one, else the headline in the header block.

Logo lines ("GOBIERNO DE MÉXICO", "SALUD"), labels ("BOLETÍN CONJUNTO"), numbers and
datelines are not headlines; a slogan above the bulletin number ("Juntos haremos historia") is
not either, so when the header has such markers the headline is the first text after them.
A headline wrapped over lines is unwrapped; its case is kept as written.
"""
from __future__ import annotations

import re

from indexer.document import Heading
from indexer.extract.layout import Layout, Line

MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 40


def _unwrap(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _looks_whole(text: str) -> bool:
    """Not a sentence cut short ("..., es decir,") nor a whole paragraph of prose."""
    return len(text.split()) <= MAX_TITLE_WORDS and not text.rstrip().endswith((",", ";", ":"))


def title_from_headings(headings: list[Heading], is_boilerplate) -> str | None:
    """The highest-level heading that is not a label, number, date or logo (nor a whole
    paragraph that a converter marked as a heading)."""
    ranked = sorted(
        (h for h in headings if h.text and h.text.strip() and len(h.text) <= MAX_TITLE_CHARS),
        key=lambda h: h.level,  # stable: the first of each level comes first
    )
    for heading in ranked:
        if not is_boilerplate(heading.text.strip()):
            return _unwrap([heading.text])
    return None


def _runs(lines: list[Line], skip: set[int]) -> list[tuple[int, str]]:
    """Consecutive candidate lines of one paragraph, joined: (first line index, text)."""
    runs: list[tuple[int, list[str]]] = []
    previous: Line | None = None
    for index, line in enumerate(lines):
        if index in skip or line.is_junk or line.is_bullet or line.is_label:
            previous = None
            continue
        if previous is not None and previous.paragraph == line.paragraph and runs:
            runs[-1][1].append(line.text)
        else:
            runs.append((index, [line.text]))
        previous = line
    return [(start, _unwrap(parts)) for start, parts in runs]


def title_from_layout(layout: Layout, skip: set[int]) -> tuple[str, str] | None:
    """(headline, origin) from the header lines, origin "first line" or "header block"."""
    header = layout.header
    runs = [run for run in _runs(header, skip) if any(c.isalpha() for c in run[1])]
    # A run that looks whole is preferred; one ending in a comma is better than nothing.
    whole = [run for run in runs if _looks_whole(run[1])]
    first_marker = min(layout.markers, default=None)
    chosen = None
    for candidates in (whole, runs):
        if first_marker is not None:
            chosen = next((run for run in candidates if run[0] > first_marker), None)
        chosen = chosen or (candidates[0] if candidates else None)
        if chosen:
            break
    if chosen is None:
        return None
    start, text = chosen[0], chosen[1].rstrip(" ,;:")
    if len(text) > MAX_TITLE_CHARS:
        text = text[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    first_text = next((i for i, line in enumerate(header) if not line.is_junk), None)
    return text, ("first line" if start == first_text else "header block")
