"""Two search setups a person might choose instead of Boletines, measured on the same files.

Both read the text the sources stage gives (`indexer.sources.read_bulletin`), so in the
known-item evaluation only the search engine differs:

* `WhooshDefault` — Whoosh as its documentation suggests: `LanguageAnalyzer("es")` (Snowball
  Spanish + stopwords, accents kept) over `title` (the first line) and `body`, default BM25F, and a
  `MultifieldParser` over both fields that requires every word (AND group).
* `SqliteFts5` — SQLite FTS5 with `unicode61 remove_diacritics 2` (accent-insensitive, no
  stemming), ranked by `bm25()`, every query word required.

Neither merges near-duplicate files, so a bulletin present as .txt and .docx is two results.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import AndGroup, MultifieldParser

from indexer.document import Unreadable
from indexer.sources import iter_corpus, read_bulletin

_WORD = re.compile(r"\w")
_QUERY_PIECE = re.compile(r'"([^"]*)"|(\S+)')


def _read_one(args: tuple[Path, str]) -> tuple[str, str | None]:
    root, rel = args
    try:
        return rel, read_bulletin(root / rel).text
    except Unreadable:
        return rel, None


def read_corpus(corpus: Path, jobs: int | None = None) -> dict[str, str]:
    """Text of every readable bulletin under `corpus`, keyed by its path relative to `corpus`."""
    corpus = Path(corpus)
    paths = [p.relative_to(corpus).as_posix() for p, reason in iter_corpus(corpus) if reason is None]
    jobs = jobs or os.cpu_count() or 1
    work = [(corpus, rel) for rel in paths]
    if jobs > 1 and len(work) > 24:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_read_one, work, chunksize=8))
    else:
        results = [_read_one(item) for item in work]
    return {rel: text for rel, text in results if text and text.strip()}


def first_line(text: str) -> str:
    """The title a naive setup would use: the first non-blank line."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


class WhooshDefault:
    """Whoosh with its stock Spanish analyzer and query parser."""

    name = "Whoosh (es)"

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._index = None
        self._searcher = None

    @staticmethod
    def schema() -> Schema:
        return Schema(path=ID(stored=True, unique=True),
                      title=TEXT(analyzer=LanguageAnalyzer("es")),
                      body=TEXT(analyzer=LanguageAnalyzer("es")))

    def exists(self) -> bool:
        return whoosh_index.exists_in(str(self.index_dir))

    def build(self, texts: dict[str, str]) -> float:
        """Index `texts` from scratch; returns the seconds it took."""
        started = time.perf_counter()
        self.close()
        shutil.rmtree(self.index_dir, ignore_errors=True)
        self.index_dir.mkdir(parents=True)
        ix = whoosh_index.create_in(str(self.index_dir), self.schema())
        writer = ix.writer(limitmb=256)
        for path, text in texts.items():
            writer.add_document(path=path, title=first_line(text), body=text)
        writer.commit(optimize=True)
        return time.perf_counter() - started

    def search(self, query: str, limit: int = 10) -> list[list[str]]:
        """Paths of the top `limit` hits (one path per hit)."""
        if self._searcher is None:
            self._index = whoosh_index.open_dir(str(self.index_dir))
            self._searcher = self._index.searcher()
        parser = MultifieldParser(["title", "body"], self._index.schema, group=AndGroup)
        results = self._searcher.search(parser.parse(query), limit=limit)
        return [[hit["path"]] for hit in results]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


class SqliteFts5:
    """SQLite FTS5, accent-insensitive tokenizer, bm25 ranking, all words required."""

    name = "SQLite FTS5"

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._db: sqlite3.Connection | None = None

    def exists(self) -> bool:
        return self.db_path.is_file()

    def build(self, texts: dict[str, str]) -> float:
        started = time.perf_counter()
        self.close()
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.db_path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        db.execute("CREATE VIRTUAL TABLE bulletin USING fts5(path UNINDEXED, title, body, "
                   "tokenize = 'unicode61 remove_diacritics 2')")
        db.executemany("INSERT INTO bulletin (path, title, body) VALUES (?, ?, ?)",
                       ((path, first_line(text), text) for path, text in texts.items()))
        db.execute("INSERT INTO bulletin (bulletin) VALUES ('optimize')")
        db.commit()
        db.close()
        os.replace(tmp, self.db_path)
        return time.perf_counter() - started

    @staticmethod
    def match_expression(query: str) -> str:
        """Every word (or "quoted phrase") as an FTS5 string, implicitly ANDed; FTS5 syntax is escaped."""
        pieces = []
        for match in _QUERY_PIECE.finditer(query):
            piece = match.group(1) if match.group(1) is not None else match.group(2)
            if _WORD.search(piece):
                pieces.append('"' + piece.replace('"', '""') + '"')
        return " ".join(pieces)

    def search(self, query: str, limit: int = 10, title_weight: float = 1.0,
               any_word_fallback: bool = False) -> list[list[str]]:
        """Every word required; with `any_word_fallback`, any word when no file has them all."""
        expression = self.match_expression(query)
        if not expression:
            return []
        if self._db is None:
            self._db = sqlite3.connect(self.db_path, check_same_thread=False)
        sql = f"SELECT path FROM bulletin WHERE bulletin MATCH ? ORDER BY bm25(bulletin, 0.0, {title_weight:g}, 1.0) LIMIT ?"
        rows = self._db.execute(sql, (expression, limit)).fetchall()
        if not rows and any_word_fallback:
            rows = self._db.execute(sql, (expression.replace('" "', '" OR "'), limit)).fetchall()
        return [[path] for (path,) in rows]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
