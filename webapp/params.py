"""The search page's state, which lives entirely in the URL.

`SearchState` reads the Spanish URL parameters (`q`, `agencia`, `desde`, `hasta`, `orden`,
`pagina`), turns them into an engine `SearchRequest`, and builds every link the page shows
(facets, chips, pages, suggestion) by changing one parameter and keeping all the others.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace

from flask import url_for

from indexer.query import MAX_QUERY_CHARS
from indexer.search import MAX_PAGE, SearchError, SearchRequest, parse_date_param

# URL word → engine sort name. The first one is the default and is left out of URLs.
SORTS = {"relevancia": "relevance", "recientes": "newest", "antiguos": "oldest"}
SORT_LABELS = {"relevancia": "Relevancia", "recientes": "Más recientes", "antiguos": "Más antiguos"}
DEFAULT_SORT = "relevancia"


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    agencies: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    errors: tuple[str, ...] = field(default=(), compare=False)

    # -- reading the URL ---------------------------------------------------------------------
    @classmethod
    def from_args(cls, args, strict: bool = True) -> "SearchState":
        """The state a URL describes. strict: the first bad value raises SearchError (→ 400);
        otherwise bad values are dropped (used to redisplay the form next to the error)."""
        errors: list[str] = []

        def attempt(func, default):
            try:
                return func()
            except SearchError as exc:
                if strict:
                    raise
                errors.append(str(exc))
                return default

        q = args.get("q", "") or ""
        if len(q) > MAX_QUERY_CHARS:
            if strict:
                raise SearchError(f"La búsqueda es demasiado larga (máximo {MAX_QUERY_CHARS} caracteres).")
            q = q[:MAX_QUERY_CHARS]
        agencies = tuple(dict.fromkeys(a.strip() for a in args.getlist("agencia") if a.strip()))
        date_from = attempt(lambda: parse_date_param(args.get("desde")), None)
        date_to = attempt(lambda: parse_date_param(args.get("hasta"), end=True), None)
        sort = attempt(lambda: _sort(args.get("orden")), DEFAULT_SORT)
        page = attempt(lambda: _page(args.get("pagina")), 1)
        return cls(q=q.strip(), agencies=agencies, date_from=date_from, date_to=date_to, sort=sort,
                   page=page, errors=tuple(errors))

    def to_request(self, limit: int) -> SearchRequest:
        return SearchRequest(query=self.q, agencies=list(self.agencies), date_from=self.date_from,
                             date_to=self.date_to, sort=SORTS[self.sort], page=self.page, limit=limit)

    # -- what the page shows -----------------------------------------------------------------
    @property
    def has_filters(self) -> bool:
        return bool(self.agencies or self.date_from or self.date_to)

    @property
    def is_landing(self) -> bool:
        """Nothing asked yet: the page shows the newest bulletins."""
        return not self.q and not self.has_filters

    def chips(self) -> list[dict]:
        """Active filters, each with the link that removes it."""
        chips = [{"label": "Agencia", "value": name, "url": self.url(agencies=_without(self.agencies, name))}
                 for name in self.agencies]
        if self.date_from or self.date_to:
            chips.append({"label": self.date_label(), "value": self.date_value(),
                          "url": self.url(date_from=None, date_to=None)})
        return chips

    def date_label(self) -> str:
        year, month = self.whole_year(), self.whole_month()
        if month:
            return "Mes"
        if year:
            return "Año"
        if self.date_from and self.date_to:
            return "Fechas"
        return "Desde" if self.date_from else "Hasta"

    def date_value(self) -> str:
        from .filters import long_date, month_name

        month = self.whole_month()
        if month:
            return month_name(month)
        year = self.whole_year()
        if year:
            return year
        if self.date_from and self.date_to:
            return f"{long_date(self.date_from)} – {long_date(self.date_to)}"
        return long_date(self.date_from or self.date_to)

    def whole_year(self) -> str | None:
        """"2023" when the date filter is exactly that calendar year (a click on the year facet)."""
        f, t = self.date_from, self.date_to
        if f and t and f.year == t.year and (f.month, f.day) == (1, 1) and (t.month, t.day) == (12, 31):
            return str(f.year)
        return None

    def whole_month(self) -> str | None:
        """"2023-11" when the date filter is exactly that month (a click on the month facet)."""
        f, t = self.date_from, self.date_to
        if f and t and (f.year, f.month) == (t.year, t.month) and f.day == 1 \
                and t.day == calendar.monthrange(t.year, t.month)[1]:
            return f"{f.year:04d}-{f.month:02d}"
        return None

    # -- links -------------------------------------------------------------------------------
    def params(self, **changes) -> dict:
        """URL parameters of this state with some fields changed; the page resets to 1 unless given."""
        changes.setdefault("page", 1)
        state = replace(self, **changes)
        params: dict = {}
        if state.q:
            params["q"] = state.q
        if state.agencies:
            params["agencia"] = list(state.agencies)
        if state.date_from:
            params["desde"] = state.date_from.isoformat()
        if state.date_to:
            params["hasta"] = state.date_to.isoformat()
        if state.sort != DEFAULT_SORT:
            params["orden"] = state.sort
        if state.page != 1:
            params["pagina"] = state.page
        return params

    def url(self, endpoint: str = "search.index", **changes) -> str:
        return url_for(endpoint, **self.params(**changes))

    def page_url(self, page: int) -> str:
        return self.url(page=page)

    def bulletin_url(self, bulletin_id: str) -> str:
        """The bulletin page, carrying the whole search so the back link returns to this page."""
        return url_for("search.bulletin", bulletin_id=bulletin_id, **self.params(page=self.page))

    def agency_url(self, name: str) -> str:
        """Toggle: adds the agency to the others, or removes it when already chosen."""
        if name in self.agencies:
            return self.url(agencies=_without(self.agencies, name))
        return self.url(agencies=self.agencies + (name,))

    def year_url(self, year: str) -> str:
        if self.whole_year() == year:
            return self.url(date_from=None, date_to=None)
        try:
            y = int(year)
            return self.url(date_from=dt.date(y, 1, 1), date_to=dt.date(y, 12, 31))
        except ValueError:  # never a broken page for an odd facet value: the link keeps the page as it is
            return self.url(page=self.page)

    def month_url(self, month: str) -> str:
        if self.whole_month() == month:
            return self.url(date_from=None, date_to=None)
        try:
            y, m = (int(part) for part in month.split("-"))
            return self.url(date_from=dt.date(y, m, 1), date_to=dt.date(y, m, calendar.monthrange(y, m)[1]))
        except ValueError:
            return self.url(page=self.page)

    def period_url(self, period: dict) -> str:
        """The search narrowed to the period typed in its query (`period` of the search contract)."""
        try:
            return self.url(date_from=dt.date.fromisoformat(period["from"]), date_to=dt.date.fromisoformat(period["to"]))
        except (KeyError, TypeError, ValueError):
            return self.url(page=self.page)

    def sort_url(self, sort: str) -> str:
        return self.url(sort=sort)

    def query_url(self, q: str) -> str:
        return self.url(q=q)


def _without(items: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tuple(item for item in items if item != name)


def _sort(value: str | None) -> str:
    value = (value or "").strip().lower()
    if not value:
        return DEFAULT_SORT
    if value not in SORTS:
        raise SearchError(f"Orden desconocido: «{value[:40]}». Use {', '.join(SORTS)}.")
    return value


def _page(value: str | None) -> int:
    value = (value or "").strip()
    if not value:
        return 1
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdecimal()):
        raise SearchError("El número de página debe ser un número entero (por ejemplo, pagina=2).")
    page = int(value) if len(digits) <= 9 else MAX_PAGE + 1
    if not 1 <= page <= MAX_PAGE:
        raise SearchError(f"La página debe estar entre 1 y {MAX_PAGE}.")
    return page


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: the first, the last and `width` around the current one; None marks a gap."""
    pages = min(pages, MAX_PAGE)
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None if number - window[-1] > 2 else number - 1)
        window.append(number)
    return window
