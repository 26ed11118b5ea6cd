"""`PreferRecent`: an optional preference for newer bulletins, as a score factor."""
from __future__ import annotations

import datetime as dt

from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query.wrappers import WrappingQuery


class PreferRecent(WrappingQuery):
    """Scores scaled by how recent the bulletin is, relative to the newest one in the index.

    factor = 1 - weight + weight × 2^(-age / half_life): the newest bulletin keeps its score, a very
    old one keeps 1 - weight of it; bulletins without a date get the middle. Matches are unchanged.
    """

    def __init__(self, child, half_life_days: float, weight: float = 0.3):
        self.child = child
        self.half_life_days = half_life_days
        self.weight = weight
        self._newest: dict = {}

    def _rewrap(self, child):
        return self.__class__(child, self.half_life_days, self.weight)

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.child == other.child
                and self.half_life_days == other.half_life_days and self.weight == other.weight)

    def __hash__(self):
        return hash((self.__class__.__name__, self.child, self.half_life_days))

    def newest(self, searcher) -> int:
        """The newest bulletin's day (as an ordinal) over the whole index, or 0 when none is dated."""
        top = searcher.get_parent()
        if id(top) not in self._newest:
            newest = 0
            for leaf, _ in top.leaf_searchers():
                reader = leaf.reader()
                if reader.has_column("date"):
                    newest = max([newest, *reader.column_reader("date")])
            self._newest[id(top)] = _ordinal(newest)
        return self._newest[id(top)]

    def matcher(self, searcher, context=None):
        child = self.child.matcher(searcher, context)
        if context is None or context.weighting is None:
            return child
        reader = searcher.reader()
        if not reader.has_column("date"):
            return child
        return _RecencyMatcher(child, reader.column_reader("date"), self.newest(searcher),
                               self.half_life_days, self.weight)


def _ordinal(yyyymmdd: int) -> int:
    try:
        return dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100).toordinal()
    except (ValueError, TypeError):
        return 0


class _RecencyMatcher(WrappingMatcher):
    def __init__(self, child, dates, newest: int, half_life: float, weight: float):
        super().__init__(child)
        self.dates, self.newest, self.half_life, self.weight = dates, newest, half_life, weight

    def _replacement(self, newchild):
        return self.__class__(newchild, self.dates, self.newest, self.half_life, self.weight)

    def copy(self):
        return self._replacement(self.child.copy())

    def supports_block_quality(self):
        return False  # the factor differs per document

    def score(self):
        day = _ordinal(self.dates[self.child.id()])
        decay = 0.5 if not (day and self.newest) else 2 ** (-max(0, self.newest - day) / self.half_life)
        return self.child.score() * (1 - self.weight + self.weight * decay)
