"""The benchmark's query set (`queries.tsv`): what people type into a health-bulletin search box.

One row per request: the words (single words, two or three words, "quoted phrases", forms typed
without accents), optional agencies (names or acronyms, `|`-separated, as picked from the agency
facet) and an optional date range (YYYY, YYYY-MM or YYYY-MM-DD, as the date inputs send it).
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from indexer.facets import resolve_agency
from indexer.query import parse_day

QUERIES_FILE = Path(__file__).with_name("queries.tsv")
COMMON_WORDS_FILE = Path(__file__).with_name("common-words.txt")


@dataclass(frozen=True)
class BenchQuery:
    query: str
    agencies: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    from_text: str = ""
    to_text: str = ""

    def request(self, limit: int = 10):
        """The engine request the search page sends for this row (first page, relevance)."""
        from indexer.search import SearchRequest  # not at import: see bench/stock_whoosh.py

        return SearchRequest(query=self.query, agencies=list(self.agencies), date_from=self.date_from,
                             date_to=self.date_to, limit=limit)

    def url(self) -> str:
        """The `/api/search` path with the page's URL parameters."""
        params: list[tuple[str, str]] = [("q", self.query)]
        params += [("agencia", name) for name in self.agencies]
        if self.from_text:
            params.append(("desde", self.from_text))
        if self.to_text:
            params.append(("hasta", self.to_text))
        return "/api/search?" + urlencode(params)

    def agency_names(self, known) -> list[str]:
        """The indexed agency names this row's agencies resolve to, as our engine resolves them."""
        names: list[str] = []
        for wanted in self.agencies:
            names.extend(n for n in resolve_agency(wanted, known) if n not in names)
        return names

    def date_bounds(self) -> tuple[int, int] | None:
        """(lo, hi) as YYYYMMDD ints, or None without a date filter."""
        if self.date_from is None and self.date_to is None:
            return None
        lo = _ymd(self.date_from) if self.date_from else 0
        hi = _ymd(self.date_to) if self.date_to else 99991231
        return lo, hi


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _day(text: str, end: bool = False) -> dt.date | None:
    if not text:
        return None
    day = parse_day(text, end=end)
    if day is None:
        raise ValueError(f"unreadable date in the query set: {text!r}")
    return day


def load_queries(path: Path = QUERIES_FILE) -> list[BenchQuery]:
    """Rows of a query TSV. Quotes are kept as typed (they mark phrases), so no CSV quoting."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            query = (row.get("query") or "").strip()
            if not query:
                continue
            agencies = tuple(a.strip() for a in (row.get("agencies") or "").split("|") if a.strip())
            start, end = (row.get("from") or "").strip(), (row.get("to") or "").strip()
            rows.append(BenchQuery(query, agencies, _day(start), _day(end, end=True),
                                   (row.get("kind") or "").strip(), start, end))
    return rows


def common_queries(count: int = 800, seed: int = 2024, path: Path = COMMON_WORDS_FILE) -> list[BenchQuery]:
    """`count` distinct one-to-three-word queries of common words, as a newsroom sends them: no two
    alike, so none can be answered from a cache of earlier answers (a word may repeat across them)."""
    import random

    from unidecode import unidecode

    words = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[BenchQuery] = []
    sizes = (1, 2, 2, 3)
    while len(out) < count and len(seen) < count * 4:
        picked = rng.sample(words, rng.choice(sizes))
        if len({unidecode(w) for w in picked}) < len(picked):  # "vacunación vacunacion" is one word typed twice
            continue
        text = " ".join(picked)
        key = " ".join(sorted(picked))
        if key in seen:
            continue
        seen.add(key)
        out.append(BenchQuery(text, kind=f"common, {len(picked)} word{'s' if len(picked) > 1 else ''}"))
    return out


def known_item_queries(path: Path) -> list[BenchQuery]:
    """The queries of a known-item evaluation file (`query<TAB>target…`), without their targets. The
    file uses CSV-style quoting, as `indexer.evaluation.search` reads it: a query holding a "phrase"
    is written `"bienestar ""los reyes la paz"" marisela"`."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [BenchQuery(row["query"].strip(), kind="known item") for row in rows if (row.get("query") or "").strip()]
