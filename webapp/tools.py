"""What people take away from a search: its timeline, comparisons, exports, an Atom feed, citations.

Routes here are a blueprint of their own; like `views`, they only turn URL parameters into engine
requests and render what the engine answers (`SearchEngine.compare`, `indexer.export.Export`,
`SearchEngine.search`). The template helpers draw the timeline and number a bulletin's matches.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, stream_with_context, url_for
from markupsafe import Markup

from indexer.export import EXPORT_CAP, FORMATS, MEDIA_TYPES, Export
from indexer.search import MAX_COMPARE, SearchError, SearchRequest
from indexer.timeline import Period, periods

from . import charts
from .filters import long_date
from .params import DEFAULT_SORT, SORTS, SearchState
from .views import engine

bp = Blueprint("tools", __name__)

FEED_SIZE = 50
FEED_NAMESPACE = uuid.UUID("6f1f1f4e-4a8e-5b8e-9d1c-0b0e1e7a2c11")  # fixed: feed and entry ids never change
SITE_NAME = "Boletines de salud"


# -- links every results page shows ----------------------------------------------------------------
def _filters(state: SearchState) -> dict:
    params = state.params(sort=DEFAULT_SORT)
    params.pop("q", None)
    return params


def export_url(state: SearchState, fmt: str) -> str:
    return url_for("tools.export", formato=fmt, **state.params())


def feed_url(state: SearchState, external: bool = False) -> str:
    return url_for("tools.feed", _external=external, **state.params(sort=DEFAULT_SORT))


def compare_url(state: SearchState, queries: list[str] | None = None) -> str:
    queries = [q for q in (queries if queries is not None else [state.q]) if q]
    return url_for("tools.compare") + "?" + urlencode([("q", q) for q in queries] + _pairs(_filters(state)))


def period_url(state: SearchState, period: Period, query: str | None = None) -> str:
    """The search narrowed to one period of a chart (the bar's or the point's link).

    A chart has hundreds of these: url_for (about 80 µs) runs once per search and chart, with
    placeholders for the dates, which made the timeline the slowest part of the page before.
    """
    key = (state, query)
    cached = g.setdefault("period_links", {}).get(key)
    if cached is None:
        # the URL of this search with placeholders for the period, built once per chart
        params = state.params(q=state.q if query is None else query, date_from=dt.date.min, date_to=dt.date.max)
        template = url_for("search.index", **params)
        # "desde=0001-01-01" cannot occur inside another parameter, whose "=" would be escaped
        head, _, rest = template.partition(f"desde={dt.date.min.isoformat()}")
        middle, _, tail = rest.partition(f"hasta={dt.date.max.isoformat()}")
        cached = g.period_links[key] = (head + "desde=", middle + "hasta=", tail)
    head, middle, tail = cached
    return f"{head}{period.start.isoformat()}{middle}{period.end.isoformat()}{tail}"


def _pairs(params: dict) -> list[tuple[str, str]]:
    return [(k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values])]


@bp.app_context_processor
def tool_helpers() -> dict:
    return {"export_url": export_url, "feed_url": feed_url, "compare_url": compare_url,
            "period_url": period_url, "timeline_chart": timeline_chart, "export_cap": EXPORT_CAP}


def timeline_chart(response: dict, state: SearchState) -> dict | None:
    """The bar chart of a search's timeline (per year beyond six years of months) with each bar's
    link, None when no match has a date."""
    line = periods(response.get("timeline") or [])
    if not line:
        return None
    chart = charts.bar_chart(line)
    for bar in chart["bars"]:
        bar.url = period_url(state, bar.period) if bar.period.count else None
    return chart


# -- comparing searches -------------------------------------------------------------------------------
def _compare_request() -> tuple[SearchState, list[str], SearchRequest]:
    state = SearchState.from_args(request.args)
    queries = [q.strip() for q in request.args.getlist("q") if q.strip()]
    return state, queries, state.to_request(1)


@bp.get("/comparar")
def compare():
    """Two to four searches under the same filters, one line each over the same periods."""
    try:
        state, queries, base = _compare_request()
        result = engine().compare(queries, base) if len(queries) >= 2 else None
    except SearchError as exc:
        state = SearchState.from_args(request.args, strict=False)
        queries = [q.strip() for q in request.args.getlist("q") if q.strip()]
        return render_template("compare.html", state=state, queries=queries, result=None, chart=None,
                               error=str(exc), max_compare=MAX_COMPARE), 400
    chart = None
    if result and result["periods"]:
        chart = charts.line_chart([[Period(p["period"], result["unit"], p["count"]) for p in q["series"]]
                                   for q in result["queries"]])
    return render_template("compare.html", state=state, queries=queries, result=result, chart=chart,
                           error=None, max_compare=MAX_COMPARE)


@bp.get("/api/comparar")
def api_compare():
    state, queries, base = _compare_request()
    return jsonify(engine().compare(queries, base))


# -- export ------------------------------------------------------------------------------------------
@bp.get("/exportar")
def export():
    """Every matching bulletin (up to EXPORT_CAP) as CSV or JSON, streamed as rows are read."""
    fmt = (request.args.get("formato") or "csv").strip().lower()
    if fmt not in FORMATS:
        raise SearchError(f"Formato de exportación desconocido: «{fmt[:20]}». Use csv, json o ndjson.")
    state = SearchState.from_args(request.args)
    link = lambda bulletin_id: url_for("search.bulletin", bulletin_id=bulletin_id, _external=True)  # noqa: E731
    # Matches are found before the first byte is sent, so a bad request still gets a clear 400.
    rows = Export(engine(), state.to_request(1), link, cap=int(current_app.config.get("EXPORT_CAP", EXPORT_CAP)))
    headers = {"Content-Disposition": f'attachment; filename="{_filename(state)}.{fmt}"',
               "X-Boletines-Total": str(rows.total), "X-Boletines-Exportados": str(rows.count)}
    return Response(stream_with_context(rows.chunks(fmt)), mimetype=MEDIA_TYPES[fmt], headers=headers)


def _filename(state: SearchState) -> str:
    from indexer.analysis import fold

    words = re.sub(r"[^a-z0-9]+", "-", fold(state.q or "")).strip("-")[:40].strip("-")
    return "boletines" + (f"-{words}" if words else "") + f"-{dt.date.today().isoformat()}"


# -- Atom feed ---------------------------------------------------------------------------------------
def feed_id(state: SearchState) -> str:
    """The same id for the same search, whatever the host, sort or page: readers follow it by id."""
    from indexer.analysis import fold

    key = urlencode([("q", " ".join(fold(state.q).split())), *(("agencia", a) for a in sorted(state.agencies)),
                     ("desde", state.date_from.isoformat() if state.date_from else ""),
                     ("hasta", state.date_to.isoformat() if state.date_to else "")])
    return uuid.uuid5(FEED_NAMESPACE, "busqueda?" + key).urn


def entry_id(bulletin_id: str) -> str:
    return uuid.uuid5(FEED_NAMESPACE, "boletin/" + bulletin_id).urn


@bp.get("/feed.atom")
def feed():
    """The newest FEED_SIZE bulletins of a search as Atom 1.0, for feed readers."""
    state = SearchState.from_args(request.args)
    search = engine()
    answer = search.search(replace(state.to_request(FEED_SIZE), sort=SORTS["recientes"], page=1))
    indexed = search.indexed_at()
    entries = []
    for hit in answer["hits"]:
        day = dt.date.fromisoformat(hit["date"]) if hit.get("date") else None
        entries.append({
            "id": entry_id(hit["id"]), "hit": hit,
            "url": url_for("search.bulletin", bulletin_id=hit["id"], _external=True),
            # Atom needs a time on every entry: an undated bulletin gets the index's, and no <published>.
            "updated": _stamp(day) if day else _stamp(indexed), "published": _stamp(day) if day else None,
        })
    title = f"{SITE_NAME}: «{state.q}»" if state.q else f"{SITE_NAME}: boletines más recientes"
    body = render_template("feed.atom.xml", state=state, title=title, feed_id=feed_id(state), entries=entries,
                           updated=_stamp(indexed), self_url=feed_url(state, external=True),
                           page_url=url_for("search.index", _external=True, **state.params(sort=DEFAULT_SORT)),
                           site=SITE_NAME, total=answer["total"])
    return Response(body, mimetype="application/atom+xml")


def _stamp(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


# -- the bulletin page -------------------------------------------------------------------------------
_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def numbered_matches(html) -> tuple[Markup, int]:
    """The bulletin's highlighted text with each <mark> numbered (#coincidencia-N) and followed by
    links to the previous and next match, so they can be walked without JavaScript."""
    text = str(html or "")
    total = len(_MARK.findall(text))
    counter = iter(range(1, total + 1))

    def number(match: re.Match) -> str:
        n = next(counter)
        nav = []
        if n > 1:
            nav.append(f'<a href="#coincidencia-{n - 1}" aria-label="Coincidencia anterior ({n - 1} de {total})">‹</a>')
        if n < total:
            nav.append(f'<a href="#coincidencia-{n + 1}" aria-label="Coincidencia siguiente ({n + 1} de {total})">›</a>')
        links = f'<span class="match-nav">{"".join(nav)}</span>' if nav else ""
        return f'<mark id="coincidencia-{n}">{match.group(1)}</mark>{links}'

    # Safe: the engine escaped the text and its only markup is <mark>; we add ids and links only.
    return Markup(_MARK.sub(number, text)), total


def citation(bulletin: dict, url: str, consulted: dt.date | None = None) -> str:
    """A ready citation in Spanish (author–date style): agency, date, title, number, place, URL, consulted."""
    consulted = consulted or dt.date.today()
    agencies = [a for a in bulletin.get("agencies") or [] if a]
    author = (", ".join(agencies[:-1]) + " y " + agencies[-1]) if len(agencies) > 1 else "".join(agencies)
    date = f"({long_date(bulletin['date'])})" if bulletin.get("date") else "(s. f.)"
    title = (bulletin.get("title") or bulletin.get("id") or "Boletín sin título").strip().rstrip(".")
    if bulletin.get("number"):
        title += f" [Boletín núm. {bulletin['number']}]"
    parts = [f"{author}. {date}. {title}." if author else f"{title}. {date}."]
    if bulletin.get("place"):
        parts.append(f"{bulletin['place'].rstrip('.')}.")
    parts.append(f"{SITE_NAME}. {url} (consultado el {long_date(consulted)}).")
    return " ".join(parts)


@bp.app_context_processor
def bulletin_helpers() -> dict:
    def cite(bulletin: dict) -> str:
        return citation(bulletin, permanent_url(bulletin["id"]))

    return {"numbered_matches": numbered_matches, "cite": cite, "permanent_url": permanent_url}


def permanent_url(bulletin_id: str) -> str:
    """The bulletin page's address without the search that led to it: the one to cite."""
    return url_for("search.bulletin", bulletin_id=bulletin_id, _external=True)
