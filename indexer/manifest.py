"""The manifest of an index generation: which files it was built from, and how they looked.

An SQLite file beside the Whoosh segments, so an update reads and changes only the rows it needs
(a JSON file of 100k entries would cost seconds just to load and save). Per file: size, mtime and
content hash (to tell what changed), the document it belongs to, and its near-duplicate sketch; the
smallest sketch values are also indexed so a new file finds its possible duplicates in milliseconds.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from .duplicates import BANDS

FILENAME = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha1 TEXT, doc TEXT, sketch TEXT);
CREATE INDEX IF NOT EXISTS files_doc ON files (doc);
CREATE TABLE IF NOT EXISTS bands (h INTEGER, path TEXT);
CREATE INDEX IF NOT EXISTS bands_h ON bands (h);
CREATE INDEX IF NOT EXISTS bands_path ON bands (path);
CREATE TABLE IF NOT EXISTS skipped (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, reason TEXT);
"""


def _key(path: str) -> str | bytes:
    """A path as SQLite can hold it: text, or its raw bytes when the name is not valid UTF-8
    (a str with surrogates would fail to encode; the bytes round-trip through `_path`)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")


def _path(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


class Manifest:
    FILENAME = FILENAME

    def __init__(self, gen_dir: Path):
        self.path = Path(gen_dir) / FILENAME
        self.db = sqlite3.connect(self.path)
        self.db.executescript(_SCHEMA)

    @classmethod
    def copy(cls, source_gen: Path, target_gen: Path) -> "Manifest":
        shutil.copy2(Path(source_gen) / FILENAME, Path(target_gen) / FILENAME)
        return cls(target_gen)

    @staticmethod
    def exists(gen_dir: Path) -> bool:
        return (Path(gen_dir) / FILENAME).is_file()

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, **values) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in values.items()])

    # -- files ---------------------------------------------------------------------------------
    def stats(self) -> dict[str, tuple[int, int, str, str]]:
        """path → (size, mtime_ns, sha1, doc) for every indexed file."""
        return {_path(p): (size, mtime, sha1, doc) for p, size, mtime, sha1, doc
                in self.db.execute("SELECT path, size, mtime_ns, sha1, doc FROM files")}

    def counts(self) -> tuple[int, int]:
        """(files, documents) the generation holds."""
        return self.db.execute("SELECT COUNT(*), COUNT(DISTINCT doc) FROM files").fetchone()

    def sketch(self, path: str) -> dict | None:
        row = self.db.execute("SELECT sketch FROM files WHERE path = ?", (_key(path),)).fetchone()
        return json.loads(row[0]) if row else None

    def members(self, doc: str) -> list[str]:
        return sorted(_path(p) for (p,) in self.db.execute("SELECT path FROM files WHERE doc = ?", (doc,)))

    def put(self, path: str, size: int, mtime_ns: int, sha1: str, doc: str, sketch: dict) -> None:
        self.remove(path)
        key = _key(path)
        self.db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
                        (key, size, mtime_ns, sha1, doc, json.dumps(sketch)))
        self.db.executemany("INSERT INTO bands VALUES (?, ?)", [(h, key) for h in sketch["k"][:BANDS]])

    def touch(self, path: str, size: int, mtime_ns: int) -> None:
        self.db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, _key(path)))

    def remove(self, path: str) -> None:
        self.db.execute("DELETE FROM files WHERE path = ?", (_key(path),))
        self.db.execute("DELETE FROM bands WHERE path = ?", (_key(path),))

    def candidates(self, sketch: dict) -> list[str]:
        """Indexed files that share one of the smallest sketch values: possible duplicates."""
        values = sketch["k"][:BANDS]
        if not values:
            return []
        marks = ",".join("?" * len(values))
        return [_path(p) for (p,) in self.db.execute(f"SELECT DISTINCT path FROM bands WHERE h IN ({marks})", values)]

    # -- skipped files -------------------------------------------------------------------------
    def skipped(self) -> dict[str, tuple[int, int, str]]:
        return {_path(p): (size, mtime, reason) for p, size, mtime, reason in self.db.execute("SELECT * FROM skipped")}

    def set_skipped(self, entries: dict[str, tuple[int, int, str]]) -> None:
        self.db.execute("DELETE FROM skipped")
        self.db.executemany("INSERT INTO skipped VALUES (?, ?, ?, ?)",
                            [(_key(p), size, mtime, reason) for p, (size, mtime, reason) in entries.items()])
