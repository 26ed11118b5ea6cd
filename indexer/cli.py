"""`boletines`: build the index, search it, inspect extraction, serve the search page.

Thin on purpose: every command parses options and calls the library (build, search, extract).
Exit status: 0 success; 1 error (nothing changed); 2 bad usage; 3 index built but some files
were skipped (the summary lists them with a reason); 4 the index is damaged (rebuild it).
"""
from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import click

from . import config

EXIT_SKIPPED = 3
EXIT_DAMAGED = 4


class Damaged(click.ClickException):
    """The index cannot be read: the message says how to rebuild it."""

    exit_code = EXIT_DAMAGED

    def format_message(self) -> str:
        return self.message


class Failure(click.ClickException):
    """An error shown as one clear line, never a traceback."""

    def format_message(self) -> str:
        return self.message


def system_error(exc: OSError) -> str:
    """A system error as one Spanish sentence that says what to do; the previous index stays live."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno is None:  # ours, already in Spanish
        return str(exc)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return (f"No queda espacio en el disco{where}. Libere espacio y vuelva a ejecutar; "
                f"el índice anterior sigue activo y nada quedó a medias.")
    if exc.errno == errno.EROFS:
        return f"La carpeta está en un sistema de archivos de solo lectura{where}: use --index con otra carpeta."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"Sin permiso para leer o escribir{where}: revise los permisos o use otra carpeta."
    if exc.errno == errno.ENOENT:
        return f"No existe{where or ': ' + str(exc)}."
    if exc.errno == errno.ENOTDIR:
        return f"No es una carpeta{where}."
    if exc.errno == errno.EADDRINUSE:
        return f"El puerto ya está en uso{where}: cierre el otro servidor o use --port con otro número."
    if exc.errno == errno.EIO:
        return f"Error de entrada/salida del disco{where}: el disco puede estar fallando."
    return f"Error del sistema: {exc.strerror or exc}{where}."


def _guard(func):
    """Turn any known failure into a clear message and exit status 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .request import SearchError
        from .store import IndexBusy, IndexDamaged, NoIndex

        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except IndexDamaged as exc:
            raise Damaged(str(exc))
        except (NoIndex, IndexBusy, SearchError) as exc:
            raise Failure(str(exc))
        except OSError as exc:
            raise Failure(system_error(exc))
        except KeyboardInterrupt:
            raise Failure("Interrumpido.")
        except Exception as exc:  # the last line of defence: one sentence, not a stack trace
            # classes of modules a search never imports (the build stage, the manifest's database)
            build, sqlite3 = sys.modules.get(f"{__package__}.build"), sys.modules.get("sqlite3")
            if build is not None and isinstance(exc, build.WouldLoseBulletins):
                raise Failure(str(exc))
            if sqlite3 is not None and isinstance(exc, sqlite3.OperationalError):
                # the manifest database says it first when the disk fills
                raise Failure(system_error(OSError(errno.ENOSPC, str(exc))) if "full" in str(exc)
                              else f"Error del sistema: {exc}")
            if os.environ.get("BOLETINES_DEBUG"):
                raise
            raise Failure(f"Error inesperado: {type(exc).__name__}: {exc}")

    return wrapper


index_option = click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
                            default=None, help="Index directory [env BOLETINES_INDEX; default index/].")
corpus_option = click.option("--corpus", "corpus", type=click.Path(file_okay=False, path_type=Path),
                             default=None, help="Corpus directory [env BOLETINES_CORPUS; default corpus/].")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="boletines")
def main():
    """Boletines: search Spanish-language government health bulletins."""


def _progress_factory():
    from tqdm import tqdm

    def factory(total: int, label: str):
        return tqdm(total=total, desc=label, unit=" arch", file=sys.stderr, disable=None, leave=False)

    return factory


def _json(value) -> str:
    """Readable JSON (accents as they are) that is still valid UTF-8 when a file name is not: the
    undecodable bytes of such a name stay as \\udcXX escapes, which `json.loads` then `os.fsencode`
    turn back into the exact name."""
    from .document import escape_surrogates

    return escape_surrogates(json.dumps(value, ensure_ascii=False, indent=2))


def _print_report(report, as_json: bool) -> None:
    from .document import shown_path
    if as_json:
        click.echo(_json(report.as_json()))
    else:
        mode = {"build": "reconstrucción completa", "update": "actualización"}.get(report.mode, report.mode)
        lines = [f"Índice listo ({mode}) en {report.seconds:.1f} s: {report.documents} boletines "
                 f"de {report.files} archivos; {report.merged} duplicados fusionados."]
        if report.rebuilt_because:
            lines.insert(0, f"{report.rebuilt_because}\nNo se podía actualizar: se reconstruyó por completo.")
        if report.mode == "update":
            lines.append(f"Nuevos: {report.added}; actualizados: {report.updated}; "
                         f"eliminados: {report.removed}; sin cambios: {report.unchanged}.")
        ocr = report.ocr
        if ocr["files"]:
            lines.append(f"OCR: {ocr['files']} archivos escaneados, {ocr['pages']} páginas "
                         f"({ocr['ocr_pages']} leídas con Tesseract, el resto de la caché) en {ocr['seconds']:.1f} s.")
        if report.skipped:
            lines.append(f"Omitidos ({len(report.skipped)}):")
            lines += [f"  {shown_path(path)}: {shown_path(reason)}" for path, reason in report.skipped]
        if report.warnings:
            lines.append(f"Avisos ({len(report.warnings)}):")
            shown = report.warnings[:20]
            lines += [f"  {shown_path(path)}: {shown_path(warning)}" for path, warning in shown]
            if len(report.warnings) > len(shown):
                lines.append(f"  … y {len(report.warnings) - len(shown)} más (use --json para verlos todos).")
        click.echo("\n".join(lines))


@main.command("index")
@corpus_option
@index_option
@click.option("--update", is_flag=True, help="Only add new, re-read changed and drop deleted files.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--ocr-max-pages", type=click.IntRange(0, 10000), default=None,
              help="Pages OCR'd per scanned file, 0 = no OCR [env BOLETINES_OCR_MAX_PAGES; default 20].")
@click.option("--force", is_flag=True, help="Publish even if the new index has less than half the live one's bulletins.")
@_guard
def index_command(corpus, index, update, as_json, jobs, ocr_max_pages, force):
    """Build the index from the corpus (full rebuild, atomically swapped in).

    Exit status: 0 every file indexed; 3 index built but some files skipped (listed with a
    reason); 1 error, and the previous index stays live (also when the new index would hold
    less than half the live one's bulletins, unless --force).
    """
    from . import build
    from .sources.ocr import OcrSettings

    corpus, index = config.corpus_dir(corpus), config.index_dir(index)
    run = build.update if update else build.build
    report = run(corpus, index, progress=None if as_json else _progress_factory(), jobs=jobs,
                 ocr=OcrSettings.for_index(index, ocr_max_pages), force=force)
    _print_report(report, as_json)
    if report.skipped:
        sys.exit(EXIT_SKIPPED)


@main.command("update")
@corpus_option
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the update report as JSON.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores).")
@click.option("--ocr-max-pages", type=click.IntRange(0, 10000), default=None,
              help="Pages OCR'd per scanned file, 0 = no OCR [env BOLETINES_OCR_MAX_PAGES; default 20].")
@click.option("--force", is_flag=True, help="Publish even if the new index has less than half the live one's bulletins.")
@click.pass_context
def update_command(ctx, corpus, index, as_json, jobs, ocr_max_pages, force):
    """Same as `index --update`."""
    ctx.invoke(index_command, corpus=corpus, index=index, update=True, as_json=as_json, jobs=jobs,
               ocr_max_pages=ocr_max_pages, force=force)


def _terminal_snippet(html: str, color: bool) -> str:
    import html as html_lib

    on, off = ("\x1b[1;33m", "\x1b[0m") if color else ("«", "»")
    return html_lib.unescape(html.replace("<mark>", on).replace("</mark>", off))


@main.command("search")
@click.argument("query", nargs=-1)
@index_option
@click.option("--agency", "agencies", multiple=True, help="Only bulletins of this agency (name or acronym); repeatable.")
@click.option("--from", "date_from", default=None, help="From date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", default=None, help="To date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance", show_default=True)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract shared with /api/search.")
@click.option("--all", "export_all", is_flag=True, help="Write every match (up to 10,000) as --format rows.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "ndjson"]), default="csv", show_default=True,
              help="Row format of --all (the same rows as /exportar).")
@click.option("--base-url", default="", envvar="BOLETINES_BASE_URL",
              help="Site address for the enlace column of --all [env BOLETINES_BASE_URL].")
@_guard
def search_command(query, index, agencies, date_from, date_to, sort, page, limit, as_json, export_all, fmt, base_url):
    """Search the index. Words are ANDed; "phrase", -exclude, OR, prefix*, agencia:, fecha:."""
    from .document import shown_path
    from .search import SearchRequest, engine_for, parse_date_param

    request = SearchRequest(query=" ".join(query), agencies=list(agencies),
                            date_from=parse_date_param(date_from), date_to=parse_date_param(date_to, end=True),
                            sort=sort, page=page, limit=limit)
    if export_all:
        from .export import Export, bulletin_link

        rows = Export(engine_for(config.index_dir(index), warm=False), request, bulletin_link(base_url))
        for chunk in rows.chunks(fmt):
            click.echo(chunk, nl=False)
        if rows.notice():
            click.echo(rows.notice(), err=True)
        return
    response = engine_for(config.index_dir(index), warm=False).search(request)  # one query: no warm-up
    if as_json:
        click.echo(_json(response))
        return
    color = sys.stdout.isatty()
    click.echo(f"{response['total']} resultados ({response['took_ms']:.0f} ms)")
    if response.get("suggestion"):
        click.echo(f"¿Quisiste decir: {response['suggestion']}?")
    corrected = response.get("corrected")
    if corrected:
        literal = f" Buscar solo: {corrected['literal']}" if corrected.get("literal") else ""
        click.echo(f"Mostrando resultados de: {corrected['query']}.{literal}")
    partial = response.get("partial")
    if partial and response["total"]:
        click.echo(f"Ningún boletín contiene todas las palabras: se muestran los que tienen más ({partial['needed']} de "
                   f"{partial['words']})." if partial["fallback"] else
                   f"Se muestran también boletines con {partial['needed']} de las {partial['words']} palabras.")
    for short in (response.get("prefixes") or {}).get("short", []):
        click.echo(f"{short}* no se buscó: escriba al menos dos letras antes del asterisco.")
    for rank, hit in enumerate(response["hits"], start=(page - 1) * limit + 1):
        details = " · ".join(x for x in [hit["date"] or "sin fecha", ", ".join(hit["agencies"]), hit["number"] or ""] if x)
        click.echo(f"\n{rank}. {hit['title']}\n   {details}\n   {shown_path(hit['path'])}")
        if hit.get("distinction"):
            click.echo(f"   {hit['distinction']}")
        if hit.get("missing"):
            click.echo(f"   No contiene: {', '.join(hit['missing'])}")
        click.echo("   " + _terminal_snippet(hit["snippet"], color))


@main.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file, in a list.")
@_guard
def inspect_command(files, as_json):
    """Show the metadata extracted from each FILE, and where each field came from."""
    from .document import Metadata, Unreadable
    from .extract import extract_metadata
    from .sources import read_bulletin
    from .sources.ocr import OcrSettings, using

    index = config.index_dir()
    results, missing = [], []
    for path in files:
        if not path.exists():
            missing.append(path)
        try:
            with using(OcrSettings.for_index(index if index.is_dir() else None)):  # the index's OCR cache
                source = read_bulletin(path)
            metadata = extract_metadata(source, path)
        except Unreadable as exc:
            metadata = Metadata(warnings=[f"ilegible: {exc}"])
        except OSError as exc:
            metadata = Metadata(warnings=[f"ilegible: {exc.strerror or exc}"])
        results.append(metadata.as_json(str(path)))
    if as_json:
        click.echo(_json(results))
    for item in ([] if as_json else results):
        click.echo(item["path"])
        for name in ("title", "date", "number", "agencies", "place"):
            value = item[name]
            shown = ", ".join(value) if isinstance(value, list) else value
            source = item["sources"].get(name)
            click.echo(f"  {name:9} {shown if shown else '—'}" + (f"   [{source}]" if source and shown else ""))
        for warning in item["warnings"]:
            click.echo(f"  aviso     {warning}")
    if missing:
        raise Failure("No existe: " + ", ".join(str(p) for p in missing))


def check_port(host: str, port: int) -> None:
    """Fail early, in Spanish, when the address cannot be served (port taken, unknown host)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise Failure(f"No se reconoce la dirección {host}: use --host con una dirección válida.")
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Failure(f"El puerto {port} ya está en uso en {host}: cierre el otro servidor "
                              f"o use --port con otro número.")
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise Failure(f"Sin permiso para usar el puerto {port} (los menores de 1024 requieren "
                              f"privilegios): use --port con un número mayor.")
            raise


def _damage(index: Path) -> str | None:
    """Why the live index cannot be opened, or None (also when there is none yet)."""
    from .store import IndexDamaged, NoIndex, open_current

    try:
        open_current(index)
    except IndexDamaged as exc:
        return str(exc)
    except NoIndex:
        return None
    return None


def _warn_if_damaged(index: Path) -> None:
    """Say at start-up what every page would say: the server still starts, and answers 503 until a
    build publishes a readable index (it picks that up without a restart)."""
    from .store import current_generation

    damage = _damage(index)
    if damage:
        click.echo(f"Aviso: {damage} Hasta entonces las páginas responden 503.", err=True)
    elif current_generation(index) is None:
        click.echo(f"Aviso: no hay índice en {index}: ejecute `boletines index` para construirlo.", err=True)


@main.command("serve")
@corpus_option
@index_option
@click.option("--host", envvar=config.ENV_HOST, default=config.DEFAULT_HOST, show_default=True)
@click.option("--port", envvar=config.ENV_PORT, type=click.IntRange(1, 65535), default=config.DEFAULT_PORT, show_default=True)
@click.option("--workers", envvar=config.ENV_WORKERS, type=click.IntRange(1, 64), default=config.DEFAULT_WORKERS,
              show_default=True, help="Server processes, best one per CPU core; one that dies is replaced while "
              "the others answer.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests each process answers at a time.")
@click.option("--no-build", is_flag=True, help="Do not build the index when it is missing or older than the corpus.")
@_guard
def serve_command(corpus, index, host, port, workers, threads, no_build):
    """Serve the search page with a supervising production server (gunicorn; waitress without it)."""
    from . import build

    corpus, index = config.corpus_dir(corpus), config.index_dir(index)
    check_port(host, port)
    if not no_build and corpus.is_dir() and (build.is_stale(corpus, index) or _damage(index)):
        click.echo(f"Actualizando el índice de {corpus} …", err=True)
        try:
            _print_report(build.update(corpus, index, progress=_progress_factory()), as_json=False)
        except build.WouldLoseBulletins as exc:  # keep serving the live index
            click.echo(f"Aviso: {exc}", err=True)
    _warn_if_damaged(index)
    click.echo(f"Boletines en http://{host}:{port}/  (Ctrl+C para salir)", err=True)
    run_server({"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}, host, port, threads, workers)


def run_server(settings: dict, host: str, port: int, threads: int, workers: int = config.DEFAULT_WORKERS) -> None:
    """Start the web server over the app with `settings`; returns when it stops."""
    from webapp import server

    server.serve(settings, host, port, workers, threads)


if __name__ == "__main__":
    main()
