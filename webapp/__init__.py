"""The search page: a small Flask app over `indexer.search.SearchEngine`.

Views only translate URL parameters into a `SearchRequest` and render the dict the engine
returns, so the web page, `/api/search` and `boletines search --json` always agree.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.cli import with_appcontext

from indexer import config
from indexer.document import escape_surrogates


class _JSONProvider(DefaultJSONProvider):
    """JSON that stays valid UTF-8 when a path holds bytes that are not (see `escape_surrogates`)."""

    def dumps(self, obj, **kwargs) -> str:
        return escape_surrogates(super().dumps(obj, **kwargs))


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: `flask --app webapp run` for development, `boletines serve` for real use."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=str(config.index_dir()),
        CORPUS_DIR=str(config.corpus_dir()),
        RESULTS_PER_PAGE=10,
        RELATED_LIMIT=5,
        SHOW_EXTRACTION_WARNINGS=False,  # extraction warnings are for the operator (`boletines inspect`)
    )
    if test_config is not None:
        app.config.update(test_config)
    app.json = _JSONProvider(app)
    app.json.ensure_ascii = False  # "vacunación", not "vacunaci\u00f3n"
    app.json.sort_keys = False  # keep the engine's order: query, total, took_ms, hits, facets
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from . import errors, filters, tools, views

    app.register_blueprint(views.bp)
    app.register_blueprint(tools.bp)
    errors.register(app)
    filters.register(app)
    init_app(app)
    return app


def init_app(app: Flask) -> None:
    """Register the CLI commands and the response headers."""
    app.cli.add_command(build_index_command)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


# Everything is served locally and no page needs inline code: a strict policy costs nothing and is a
# second wall behind the HTML escaping of bulletin text. Also sent on the server's own error pages.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@click.command("build-index")
@with_appcontext
@click.option("--update", is_flag=True, help="Only add new, re-read changed and drop deleted files.")
def build_index_command(update: bool) -> None:
    """Build (or update) the index at INDEX_DIR from the corpus at CORPUS_DIR."""
    from flask import current_app

    from indexer import build

    corpus = Path(current_app.config["CORPUS_DIR"])
    index = Path(current_app.config["INDEX_DIR"])
    if not corpus.is_dir():
        raise click.ClickException(f"No existe la carpeta del corpus: {corpus}")
    report = (build.update if update else build.build)(corpus, index)
    click.echo(f"Índice listo ({report.mode}): {report.documents} boletines de {report.files} archivos; "
               f"{report.merged} duplicados fusionados; {len(report.skipped)} omitidos.")
    for path, reason in report.skipped:
        click.echo(f"  omitido {path}: {reason}")
