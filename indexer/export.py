"""Every bulletin a search matched, as CSV, JSON or NDJSON, written as it is read.

Shared by `/exportar` and `boletines search --all --format …`, so a spreadsheet made from the web
and one made from the command line have the same rows. Rows are produced one at a time (an export
of thousands never sits whole in memory) up to `EXPORT_CAP`; when a search matches more, the file
says so. CSV starts with a byte-order mark so spreadsheet programs read the accents as UTF-8.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from urllib.parse import quote

from .document import shown_path

EXPORT_CAP = 10_000
FORMATS = ("csv", "json", "ndjson")
COLUMNS = ("id", "fecha", "titulo", "dependencias", "numero", "lugar", "archivo", "enlace")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8",
               "ndjson": "application/x-ndjson; charset=utf-8"}
BOM = "\ufeff"


def bulletin_link(base: str) -> Callable[[str], str]:
    """The bulletin page's URL for an id, under `base` (empty: a path from the site's root)."""
    base = (base or "").rstrip("/")
    return lambda bulletin_id: f"{base}/boletin/{quote(bulletin_id, safe='')}"


class Export:
    """One search's rows, ready to be written in any of `FORMATS`."""

    def __init__(self, engine, request, link: Callable[[str], str], cap: int = EXPORT_CAP):
        self.total, self._docnums, self._searcher = engine.matches(request, cap)
        self._engine = engine
        self.query = request.query
        self.link = link
        self.cap = cap

    @property
    def count(self) -> int:
        return len(self._docnums)

    @property
    def truncated(self) -> bool:
        return self.total > self.count

    def notice(self) -> str | None:
        """The sentence that says the file stops at the cap, None when it holds every match."""
        if not self.truncated:
            return None
        return (f"Exportación limitada a los primeros {self.cap:,} de {self.total:,} boletines que "
                f"coinciden; acote la búsqueda (por agencia o fechas) para obtener el resto.")

    def rows(self) -> Iterator[dict]:
        """One dict per bulletin, keyed by `COLUMNS`; `fecha` is None for an undated bulletin."""
        for hit in self._engine.hits_of(self._searcher, self._docnums):
            yield {
                "id": hit["id"],
                "fecha": hit.get("date"),
                "titulo": hit.get("title") or "",
                "dependencias": list(hit.get("agencies") or []),
                "numero": hit.get("number"),
                "lugar": hit.get("place"),
                "archivo": shown_path(hit["path"]) if hit.get("path") else None,  # any name, as valid UTF-8
                "enlace": self.link(hit["id"]),
            }

    # -- formats ---------------------------------------------------------------------------------
    def chunks(self, fmt: str) -> Iterator[str]:
        if fmt not in FORMATS:
            raise ValueError(fmt)
        return {"csv": self.csv, "json": self.json, "ndjson": self.ndjson}[fmt]()

    def csv(self) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")

        def line(values) -> str:
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(values)
            return buffer.getvalue()

        yield BOM + line(COLUMNS)
        for row in self.rows():
            yield line([_cell(row[name]) for name in COLUMNS])
        notice = self.notice()
        if notice:
            yield line([f"AVISO: {notice}"] + [""] * (len(COLUMNS) - 1))

    def json(self) -> Iterator[str]:
        head = {"consulta": self.query, "total": self.total, "exportados": self.count,
                "limite": self.cap, "aviso": self.notice()}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "boletines": ['
        for i, row in enumerate(self.rows()):
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    def ndjson(self) -> Iterator[str]:
        for row in self.rows():
            yield json.dumps(row, ensure_ascii=False) + "\n"
        notice = self.notice()
        if notice:
            yield json.dumps({"aviso": notice, "total": self.total, "exportados": self.count},
                             ensure_ascii=False) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    text = str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets: bulletin text must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
