"""The page's search job done by the two setups a person might pick instead of Boletines.

The job is what one search page needs: the top 10 hits by relevance with a highlighted snippet,
the total, and agency / year / month facet counts over the matches, where each facet honours the
query and every *other* filter (as ours does: picking an agency does not hide the other agencies).

* `Fts5Bench` — SQLite FTS5 (`unicode61 remove_diacritics 2`), `bm25()` ranking, `snippet()`,
  plus a metadata table; matches are materialised once per request into a temporary table and
  the facets are `GROUP BY` counts over it with the same filters.
* `WhooshBench` — Whoosh as its documentation suggests: `LanguageAnalyzer("es")` on title and
  body, an AND `MultifieldParser`, `groupedby` facets and `hit.highlights()`, with a new
  searcher per request.

Both read the same files through the same sources and extraction stages as Boletines, so only
the index differs. Builds stream the files in, so they need little memory.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.query import And, NullQuery, NumericRange, Or, Term

from indexer.document import Unreadable
from indexer.evaluation.baselines import SqliteFts5
from indexer.extract import extract_metadata
from indexer.sources import iter_corpus, read_bulletin

from .queries import BenchQuery

SNIPPET_WORDS = 24
_QUOTED = re.compile(r'"(?:[^"]|"")*"')  # one word or phrase of an FTS5 match expression


@dataclass
class Bulletin:
    """What a baseline indexes for one file: the text and the metadata our extractor found."""

    path: str
    title: str
    text: str
    date: int  # YYYYMMDD, 0 when unknown
    agencies: list[str]

    @property
    def year(self) -> int:
        return self.date // 10000

    @property
    def month(self) -> int:
        return self.date // 100


def _read_one(args: tuple[Path, str]) -> Bulletin | None:
    root, rel = args
    try:
        source = read_bulletin(root / rel)
    except Unreadable:
        return None
    meta = extract_metadata(source, rel)
    day = meta.date
    date = day.year * 10000 + day.month * 100 + day.day if day else 0
    # Commas separate agencies in a keyword field, so names lose theirs (as in our index).
    agencies = [name.replace(",", " ") for name in meta.agencies]
    return Bulletin(rel, meta.title or Path(rel).stem, source.text, date, agencies)


def read_bulletins(corpus: Path, jobs: int | None = None):
    """Yield a `Bulletin` per readable file of `corpus`, read by `jobs` worker processes."""
    corpus = Path(corpus)
    paths = [p.relative_to(corpus).as_posix() for p, reason in iter_corpus(corpus) if reason is None]
    work = [(corpus, rel) for rel in paths]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(work) > 24:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for item in pool.map(_read_one, work, chunksize=16):
                if item is not None:
                    yield item
    else:
        for args in work:
            item = _read_one(args)
            if item is not None:
                yield item


def _facet_filters(agency_filter, date_filter, both):
    """Which filter each facet counts under: its own filter left out."""
    return {"agency": date_filter, "year": agency_filter, "month": both}


# --- SQLite FTS5 -------------------------------------------------------------------------------

class Fts5Bench:
    name = "SQLite FTS5"

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._db: sqlite3.Connection | None = None
        self._agencies: list[str] = []

    def exists(self) -> bool:
        return self.db_path.is_file()

    def build(self, corpus: Path, jobs: int | None = None) -> dict:
        """Index `corpus` from scratch; returns counts and the seconds spent in SQLite itself."""
        self.close()
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db_path.unlink(missing_ok=True)
        db = sqlite3.connect(self.db_path)
        db.executescript("""
            CREATE VIRTUAL TABLE bulletin USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE meta (id INTEGER PRIMARY KEY, path TEXT, date INTEGER, year INTEGER, month INTEGER);
            CREATE TABLE agency (id INTEGER, name TEXT);
        """)
        sqlite_seconds = 0.0
        count = 0
        batch: list[Bulletin] = []

        def flush():
            nonlocal sqlite_seconds
            started = time.perf_counter()
            first = count - len(batch) + 1
            rows = list(enumerate(batch, first))
            db.executemany("INSERT INTO bulletin (rowid, title, body) VALUES (?, ?, ?)",
                           ((i, b.title, b.text) for i, b in rows))
            db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                           ((i, b.path, b.date, b.year, b.month) for i, b in rows))
            db.executemany("INSERT INTO agency VALUES (?, ?)", ((i, a) for i, b in rows for a in b.agencies))
            sqlite_seconds += time.perf_counter() - started
            batch.clear()

        for bulletin in read_bulletins(corpus, jobs):
            count += 1
            batch.append(bulletin)
            if len(batch) >= 1000:
                flush()
        flush()
        started = time.perf_counter()
        db.executescript("""
            CREATE INDEX agency_by_id ON agency (id);
            CREATE INDEX agency_by_name ON agency (name, id);
            CREATE INDEX meta_by_date ON meta (date);
            INSERT INTO bulletin (bulletin) VALUES ('optimize');
        """)
        db.commit()
        db.close()
        sqlite_seconds += time.perf_counter() - started
        return {"documents": count, "index_seconds": sqlite_seconds}

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.db_path, check_same_thread=False)
            self._db.execute("CREATE TEMP TABLE hit (id INTEGER PRIMARY KEY)")
            self._agencies = [name for (name,) in self._db.execute("SELECT DISTINCT name FROM agency")]
        return self._db

    def agencies(self) -> list[str]:
        self._connection()
        return list(self._agencies)

    def search(self, bench: BenchQuery, limit: int = 10, any_word: bool = False) -> dict:
        """The page job for `bench`: every word ANDed. With `any_word`, a query whose words are
        never all in one bulletin is asked again with any of them (OR), as an app that never
        shows an empty page would; the answer then says `"any_word": True`."""
        expression = SqliteFts5.match_expression(bench.query)
        answer = self._search(bench, expression, limit)
        pieces = _QUOTED.findall(expression)
        if any_word and answer["total"] == 0 and len(pieces) > 1:
            answer = self._search(bench, " OR ".join(pieces), limit)
            answer["any_word"] = True
        return answer

    def _search(self, bench: BenchQuery, expression: str, limit: int) -> dict:
        db = self._connection()
        names = bench.agency_names(self._agencies)
        bounds = bench.date_bounds()
        agency_sql, agency_args = "1", []
        if bench.agencies:
            marks = ",".join("?" * len(names))
            agency_sql, agency_args = f"h.id IN (SELECT id FROM agency WHERE name IN ({marks}))", names
        date_sql, date_args = ("m.date BETWEEN ? AND ?", list(bounds)) if bounds else ("1", [])
        both_sql, both_args = f"{agency_sql} AND {date_sql}", agency_args + date_args

        db.execute("DELETE FROM temp.hit")
        db.execute("INSERT INTO temp.hit (id) SELECT rowid FROM bulletin WHERE bulletin MATCH ?", (expression,))
        base = "FROM temp.hit h JOIN meta m ON m.id = h.id"
        facets = {
            "agency": dict(db.execute(
                f"SELECT a.name, COUNT(*) {base} JOIN agency a ON a.id = h.id WHERE {date_sql} "
                f"GROUP BY a.name ORDER BY 2 DESC, 1", date_args).fetchall()),
            "year": {str(y): c for y, c in db.execute(
                f"SELECT m.year, COUNT(*) {base} WHERE {agency_sql} AND m.year > 0 GROUP BY m.year "
                f"ORDER BY 1 DESC", agency_args)},
            "month": {f"{mo // 100:04d}-{mo % 100:02d}": c for mo, c in db.execute(
                f"SELECT m.month, COUNT(*) {base} WHERE {both_sql} AND m.month > 0 GROUP BY m.month "
                f"ORDER BY 1 DESC", both_args)},
        }
        (total,) = db.execute(f"SELECT COUNT(*) {base} WHERE {both_sql}", both_args).fetchone()
        hits_sql = both_sql.replace("h.id", "m.id")
        rows = db.execute(
            "SELECT m.path, highlight(bulletin, 0, '<mark>', '</mark>'), "
            f"snippet(bulletin, 1, '<mark>', '</mark>', '…', {SNIPPET_WORDS}), bm25(bulletin) "
            f"FROM bulletin JOIN meta m ON m.id = bulletin.rowid WHERE bulletin MATCH ? AND {hits_sql} "
            "ORDER BY bm25(bulletin) LIMIT ?", [expression, *both_args, limit]).fetchall()
        hits = [{"path": p, "title_html": t, "snippet": s, "score": -score} for p, t, s, score in rows]
        return {"total": total, "hits": hits, "facets": facets}

    def size(self) -> int:
        return self.db_path.stat().st_size if self.db_path.exists() else 0

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _facet_counts(facet: str, groups: dict) -> dict[str, int]:
    """Whoosh's group counts keyed and ordered as the page shows them (and as ours returns them)."""
    if facet == "agency":
        return dict(sorted(((str(k), v) for k, v in groups.items() if k), key=lambda kv: (-kv[1], kv[0])))
    if facet == "year":
        return {str(k): groups[k] for k in sorted((k for k in groups if k), reverse=True)}
    return {f"{k // 100:04d}-{k % 100:02d}": groups[k] for k in sorted((k for k in groups if k), reverse=True)}


# --- Whoosh, default setup ---------------------------------------------------------------------

class WhooshBench:
    name = "Whoosh (default)"

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._index = None
        self._agencies: list[str] = []

    @staticmethod
    def schema() -> Schema:
        return Schema(path=ID(stored=True, unique=True),
                      title=TEXT(analyzer=LanguageAnalyzer("es"), stored=True),
                      body=TEXT(analyzer=LanguageAnalyzer("es"), stored=True),
                      agency=KEYWORD(stored=True, commas=True),
                      date=NUMERIC(int, bits=32, stored=True),
                      year=NUMERIC(int, sortable=True),
                      month=NUMERIC(int, sortable=True))

    def exists(self) -> bool:
        return whoosh_index.exists_in(str(self.index_dir))

    def build(self, corpus: Path, jobs: int | None = None) -> dict:
        shutil.rmtree(self.index_dir, ignore_errors=True)
        self.index_dir.mkdir(parents=True)
        ix = whoosh_index.create_in(str(self.index_dir), self.schema())
        writer = ix.writer()
        count = 0
        index_seconds = 0.0
        for b in read_bulletins(corpus, jobs):
            started = time.perf_counter()
            fields = {"path": b.path, "title": b.title, "body": b.text, "agency": ",".join(b.agencies)}
            if b.date:
                fields.update(date=b.date, year=b.year, month=b.month)
            writer.add_document(**fields)
            index_seconds += time.perf_counter() - started
            count += 1
        started = time.perf_counter()
        writer.commit()
        index_seconds += time.perf_counter() - started
        return {"documents": count, "index_seconds": index_seconds}

    def _open(self):
        if self._index is None:
            self._index = whoosh_index.open_dir(str(self.index_dir))
            with self._index.searcher() as searcher:
                self._agencies = [t.decode("utf-8") for t in searcher.lexicon("agency")]
        return self._index

    def agencies(self) -> list[str]:
        self._open()
        return list(self._agencies)

    def search(self, bench: BenchQuery, limit: int = 10) -> dict:
        ix = self._open()
        names = bench.agency_names(self._agencies)
        bounds = bench.date_bounds()
        agency_filter = None
        if bench.agencies:
            agency_filter = Or([Term("agency", n) for n in names]) if names else NullQuery
        date_filter = NumericRange("date", *bounds) if bounds else None
        parts = [f for f in (agency_filter, date_filter) if f is not None]
        both = And(parts) if len(parts) > 1 else (parts[0] if parts else None)
        plans: list[tuple[object, list[str]]] = []  # (filter, facets counted under it)
        for facet, flt in _facet_filters(agency_filter, date_filter, both).items():
            for known, facet_names in plans:
                if known is flt:
                    facet_names.append(facet)
                    break
            else:
                plans.append((flt, [facet]))
        if not any(flt is both for flt, _ in plans):
            plans.append((both, []))
        facets: dict[str, dict] = {}
        hits: list[dict] = []
        total = 0
        with ix.searcher() as searcher:  # a new searcher per request, as the docs' examples do
            parser = MultifieldParser(["title", "body"], ix.schema, group=AndGroup)
            q = parser.parse(bench.query)
            for flt, facet_names in plans:
                groupedby = {"agency": sorting.FieldFacet("agency", allow_overlap=True),
                             "year": sorting.FieldFacet("year"), "month": sorting.FieldFacet("month")}
                results = searcher.search(q, filter=flt, limit=limit if flt is both else 1,
                                          groupedby={n: groupedby[n] for n in facet_names} or None,
                                          maptype=sorting.Count)
                for facet in facet_names:
                    facets[facet] = _facet_counts(facet, results.groups(facet))
                if flt is both:
                    total = len(results)
                    for hit in results[:limit]:
                        hits.append({"path": hit["path"], "title": hit["title"], "score": hit.score,
                                     "snippet": hit.highlights("body")})
        return {"total": total, "hits": hits, "facets": facets}

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.index_dir.glob("*") if p.is_file())

    def close(self) -> None:
        self._index = None
