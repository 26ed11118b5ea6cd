"""Routes: the search page, a bulletin page, and the JSON API the page's script also uses.

No search logic here: URL parameters become a `SearchRequest`, the engine answers with the
JSON contract, and the templates render that dict.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, send_file

from indexer.query import MAX_QUERY_CHARS
from indexer.search import MAX_LIMIT, MAX_PAGE, SearchEngine, SearchError, engine_for

from .files import content_disposition, inside_corpus
from .params import SORT_LABELS, SearchState, page_window

bp = Blueprint("search", __name__)

MAX_ID_CHARS = 200


def engine() -> SearchEngine:
    return engine_for(Path(current_app.config["INDEX_DIR"]))


def _limit() -> int:
    return int(current_app.config["RESULTS_PER_PAGE"])


@bp.app_context_processor
def page_constants() -> dict:
    """What every template (the search form in the header included) needs."""
    return {"sort_labels": SORT_LABELS, "max_query": MAX_QUERY_CHARS, "max_page": MAX_PAGE}


@bp.get("/")
def index():
    try:
        state = SearchState.from_args(request.args)
        moved = engine().typed_filters(state.q)
        if moved:  # "dengue agencia:SSO" → the page's own agency filter: a chip and a selected facet
            agencies = tuple(dict.fromkeys(state.agencies + tuple(moved["agencies"])))
            return redirect(state.url(q=moved["query"], agencies=agencies, date_from=state.date_from or moved["from"],
                                      date_to=state.date_to or moved["to"]))
        response = engine().search(state.to_request(_limit()))
    except SearchError as exc:
        state = SearchState.from_args(request.args, strict=False)
        return render_template("search.html", state=state, response=None, error=str(exc)), 400
    return render_template("search.html", state=state, response=response, error=None,
                           pages=page_window(response["page"], response["pages"]))


@bp.get("/boletin/<bulletin_id>")
def bulletin(bulletin_id: str):
    state = SearchState.from_args(request.args, strict=False)
    search = engine()
    found = search.bulletin(bulletin_id, state.q) if len(bulletin_id) <= MAX_ID_CHARS else None
    if found is None:
        abort(404, description="No encontramos ese boletín: quizá su archivo se quitó o cambió de nombre en "
                               "el corpus. Búsquelo de nuevo.")
    related = search.related(bulletin_id, limit=int(current_app.config["RELATED_LIMIT"]))
    return render_template("bulletin.html", state=state, bulletin=found, related=related)


@bp.get("/boletin/<bulletin_id>/archivo/<int:number>")
def bulletin_file(bulletin_id: str, number: int):
    """One of the bulletin's source files, as the operator dropped it in the corpus.

    Only paths the index lists for this bulletin are served, only when they resolve inside the
    corpus folder (a link pointing elsewhere is refused), and always as a download (or plain text),
    so a web page in the corpus never runs under this site.
    """
    path = engine().source_file(bulletin_id, number) if len(bulletin_id) <= MAX_ID_CHARS else None
    if path is None:
        abort(404, description="Ese archivo no forma parte del boletín.")
    target = inside_corpus(Path(current_app.config["CORPUS_DIR"]), path)
    if target is None:
        abort(404, description="Ese archivo ya no está en la carpeta de boletines.")
    plain = path.lower().endswith((".txt", ".md", ".markdown"))
    mimetype = "text/plain" if plain else (mimetypes.guess_type(target.name)[0] or "application/octet-stream")
    # Given the path, werkzeug would put the raw name in the header (a newline in it fails) and
    # encode it for the ETag (undecodable bytes fail): the open file, our ETag and our header instead.
    stat = target.stat()
    response = send_file(open(target, "rb"), mimetype=mimetype, conditional=True, download_name="archivo",
                         etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}", last_modified=stat.st_mtime)
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if plain else "attachment", Path(path).name)
    return response


@bp.get("/api/search")
def api_search():
    """The engine's JSON contract, exactly what `boletines search --json` prints."""
    state = SearchState.from_args(request.args)
    limit = request.args.get("limite", "").strip()
    if limit and not (limit.isascii() and limit.isdecimal() and len(limit) <= 4):
        raise SearchError(f"El límite debe ser un número entre 1 y {MAX_LIMIT}.")
    return jsonify(engine().search(state.to_request(int(limit) if limit else _limit())))


@bp.get("/api/suggest")
def api_suggest():
    """Completions for the search box; an empty list rather than an error for odd input."""
    q = request.args.get("q", "")[:MAX_QUERY_CHARS]
    return jsonify({"query": q, "suggestions": engine().suggest(q)})
