"""Facets: counts of agency, year and month over the bulletins a search matched.

Each facet kind is a small class. Counting works on document numbers with per-index arrays loaded
once per index generation (`FacetData`), instead of Whoosh's per-request groupedby, which is
far slower. A facet's counts reflect the query and every *other* filter (`ignores` names its own):
choosing an agency does not hide the other agencies, choosing a year does not hide the other years.
"""
from __future__ import annotations

from collections import Counter

from .analysis import fold


def valid_ymd(value) -> int:
    """A YYYYMMDD date int as stored, or 0 for "no date".

    An undated bulletin has no value in the date column, and Whoosh reads a missing unsigned
    number back as its largest value (4294967295): that would be year 429496, sorted as newest.
    """
    try:
        value = int(value or 0)
    except (TypeError, ValueError):
        return 0
    year, month, day = value // 10000, value // 100 % 100, value % 100
    return value if 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= 31 else 0


class FacetData:
    """Per-document facet values of one index generation, read once from columns and postings (or
    loaded from the arrays stored with the generation)."""

    def __init__(self, reader, derived=None):
        """`derived`: the generation's stored arrays (`derived.Derived`), when it has them."""
        count = reader.doc_count_all()
        if derived is not None:
            self.dates = derived.dates.tolist()
            self.agency_docs: dict[str, frozenset[int]] = derived.agency_docs()
            live = derived.live
            self.live = None if live.all() else frozenset(live.nonzero()[0].tolist())
        else:  # computed here as the builder computes them (an index published without its arrays)
            from . import derived as computed  # not at import: it needs `valid_ymd` from here

            self.dates = computed.dates(reader).tolist()
            self.agency_docs = {name: frozenset(docs.tolist()) for name, docs in zip(*computed.agency_members(reader))}
            self.live = frozenset(reader.all_doc_ids()) if reader.has_deletions() else None
        self.all_docs = self.live if self.live is not None else frozenset(range(count))

    def date_range(self, lo: int, hi: int) -> frozenset[int]:
        """Documents dated within [lo, hi] (YYYYMMDD ints)."""
        dates = self.dates
        return frozenset(d for d in self.all_docs if lo <= dates[d] <= hi)


class AgencyFacet:
    name = "agency"
    ignores = "agency"  # the filter its counts leave out

    def counts(self, data: FacetData, docs: frozenset[int]) -> dict[str, int]:
        counts = {name: len(docs & members) for name, members in data.agency_docs.items()}
        return dict(sorted(((n, c) for n, c in counts.items() if c), key=lambda item: (-item[1], item[0])))


class YearFacet:
    name = "year"
    ignores = "date"

    def counts(self, data: FacetData, docs: frozenset[int]) -> dict[str, int]:
        dates = data.dates
        tally = Counter(dates[d] // 10000 for d in docs)
        tally.pop(0, None)
        return {str(year): tally[year] for year in sorted(tally, reverse=True)}


class MonthFacet:
    """Months within the chosen dates, so picking a year lists its months."""

    name = "month"
    ignores = None

    def counts(self, data: FacetData, docs: frozenset[int]) -> dict[str, int]:
        dates = data.dates
        tally = Counter(dates[d] // 100 for d in docs)
        tally.pop(0, None)
        return {f"{m // 100:04d}-{m % 100:02d}": tally[m] for m in sorted(tally, reverse=True)}


def resolve_agency(name: str, known) -> list[str]:
    """Indexed agency names meant by what a person wrote: exact name, acronym or part of the name."""
    if name in known:
        return [name]
    wanted = fold(name).strip()
    if not wanted:
        return []
    exact = [a for a in known if fold(a) == wanted or f"({wanted})" in fold(a)]
    if exact:
        return exact
    return [a for a in known if wanted in fold(a)]
