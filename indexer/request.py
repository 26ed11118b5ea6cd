"""What a search asks for: the query, filters, sort and page, checked before the engine runs it.

Both the web app and the CLI build a `SearchRequest`; a `SearchError` carries a message meant for
the person searching.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .query import MAX_QUERY_CHARS, parse_day

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE = 1000
MAX_LIMIT = 100
MIN_COMPARE, MAX_COMPARE = 2, 4


class SearchError(ValueError):
    """A request the engine refuses; the message is meant for the person searching."""


@dataclass
class SearchRequest:
    query: str = ""
    agencies: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 10

    def validate(self) -> None:
        if len(self.query or "") > MAX_QUERY_CHARS:
            raise SearchError(f"La búsqueda es demasiado larga (máximo {MAX_QUERY_CHARS} caracteres).")
        if self.sort not in SORTS:
            raise SearchError(f"Orden desconocido: {self.sort!r} (use {', '.join(SORTS)}).")
        if not 1 <= self.page <= MAX_PAGE:
            raise SearchError(f"La página debe estar entre 1 y {MAX_PAGE}.")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise SearchError(f"El número de resultados por página debe estar entre 1 y {MAX_LIMIT}.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise SearchError("La fecha inicial es posterior a la fecha final.")

    def key(self) -> tuple:
        return (" ".join((self.query or "").split()), tuple(sorted(self.agencies)), self.date_from,
                self.date_to, self.sort, self.page, self.limit)


def parse_date_param(value: str | None, end: bool = False) -> dt.date | None:
    """A date from a URL or CLI option ("2023", "2023-11", "2023-11-30"); SearchError if unreadable."""
    if value is None or not str(value).strip():
        return None
    day = parse_day(str(value), end=end)
    if day is None:
        raise SearchError(f"Fecha no válida: {value!r} (use DD/MM/AAAA, AAAA, AAAA-MM o AAAA-MM-DD).")
    return day
