"""Error pages in Spanish (HTML for people, JSON under /api/); never a stack trace."""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search import SearchError
from indexer.store import IndexBusy, IndexDamaged, NoIndex

TITLES = {
    400: "Solicitud no válida",
    403: "Solicitud rechazada",
    404: "Página no encontrada",
    405: "Método no permitido",
    414: "Dirección demasiado larga",
    417: "Solicitud no válida",
    431: "Solicitud demasiado grande",
    501: "Solicitud no admitida",
    500: "Algo salió mal",
    503: "El buscador aún no está listo",
}
MESSAGES = {
    404: "La dirección que abrió no existe en este buscador.",
    405: "Esta dirección no acepta ese tipo de solicitud.",
    400: "La solicitud no es válida.",
    403: "El servidor rechazó esta solicitud.",
    414: ("La dirección es demasiado larga para el servidor. Acorte la búsqueda; para encontrar de dónde salió "
          "un párrafo, péguelo en «¿De dónde salió este texto?»."),
    417: "La solicitud no es válida.",
    431: "La solicitud lleva encabezados demasiado grandes para el servidor.",
    501: "El servidor no admite esa forma de enviar la solicitud.",
    500: "Ocurrió un error inesperado. Inténtelo de nuevo en unos momentos.",
}
DAMAGED = ("El índice de boletines está dañado y no se puede leer. Quien administra el sitio debe "
           "reconstruirlo con `boletines index` y recargar esta página.")
NO_INDEX = ("Todavía no hay un índice de boletines. Quien administra el sitio debe construirlo con "
            "`boletines index` (o `boletines serve`, que lo construye si falta) y recargar esta página.")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, message: str, title: str | None = None):
    if _wants_json():
        return jsonify({"error": message}), status
    title = title or TITLES.get(status, "Error")
    return render_template("error.html", status=status, title=title, message=message), status


def server_error_page(app, status: int) -> bytes:
    """The whole HTTP response for an error the server answers before the app sees the request (a request
    line too long, a malformed request): the site's own Spanish error page, with its security headers."""
    from . import SECURITY_HEADERS

    title, message = TITLES.get(status, "Solicitud no válida"), MESSAGES.get(status, MESSAGES[400])
    try:
        with app.test_request_context("/"):
            body = render_template("error.html", status=status, title=title, message=message).encode("utf-8")
    except Exception:  # never fail while answering a failure: a plain page instead
        body = (f"<!doctype html><html lang=\"es\"><meta charset=\"utf-8\"><title>{title}</title>"
                f"<h1>{title}</h1><p>{message}</p><p><a href=\"/\">Ir a la página de búsqueda</a></p>").encode("utf-8")
    head = [f"HTTP/1.1 {status} {title}", "Connection: close", "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body)}", *(f"{name}: {value}" for name, value in SECURITY_HEADERS.items())]
    return "\r\n".join(head).encode("latin-1", "replace") + b"\r\n\r\n" + body


def register(app) -> None:
    @app.errorhandler(SearchError)
    def bad_search(exc):
        return _respond(400, str(exc))

    @app.errorhandler(NoIndex)
    def no_index(exc):
        app.logger.warning("%s", exc)
        return _respond(503, NO_INDEX)

    @app.errorhandler(IndexDamaged)
    def damaged(exc):
        app.logger.error("%s", exc)  # the operator's log says what broke; the page says what to do
        return _respond(503, DAMAGED, "El índice está dañado")

    @app.errorhandler(IndexBusy)
    def busy(exc):
        return _respond(503, "El índice se está reconstruyendo. Vuelva a intentarlo en unos momentos.")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        status = exc.code or 500
        custom = exc.description and exc.description != type(exc).description  # ours are in Spanish
        return _respond(status, exc.description if custom else MESSAGES.get(status, "La solicitud no es válida."))

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("Error inesperado en %s", request.path)
        return _respond(500, MESSAGES[500])
