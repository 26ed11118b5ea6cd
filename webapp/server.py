"""`boletines serve`: the app under a supervising multi-process server.

gunicorn runs a master that forks `workers` processes, each answering `threads` requests at a time,
and replaces a worker that dies (a crash in native code, a memory-mapped index file truncated under
it) so the site stays up. Workers share the index through the page cache (it is memory-mapped), but
each keeps its own facet arrays (loaded from the data stored with the generation, see
`indexer.derived`) and answer caches. Without gunicorn (it only runs on POSIX), waitress
serves in one process instead.
"""
from __future__ import annotations

import sys

from indexer.config import DEFAULT_WORKERS

GRACEFUL_SECONDS = 5  # a stop (Ctrl+C, SIGTERM) lets running requests finish for at most this long
# gunicorn's longest request line (its default is 4094): a 500-character query of accented words, with
# filters, fits; longer ones get the Spanish 414 page below.
LIMIT_REQUEST_LINE = 8190


def serve(config: dict, host: str, port: int, workers: int = DEFAULT_WORKERS, threads: int = 8) -> None:
    """Serve `create_app(config)` on host:port until stopped."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        _serve_waitress(config, host, port, threads)
        return

    class Server(BaseApplication):
        def load_config(self):
            settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "graceful_timeout": GRACEFUL_SECONDS,
                "preload_app": True,  # the code is imported once; each worker opens the index itself
                "proc_name": "boletines",
                "loglevel": "warning",
                "limit_request_line": LIMIT_REQUEST_LINE,
                "errorlog": "-",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            from . import create_app

            app = create_app(config)
            _answer_server_errors_in_spanish(app)
            return app

    Server().run()


def _answer_server_errors_in_spanish(app) -> None:
    """gunicorn answers requests it cannot parse (414, 400, 431…) itself, with an English page and none of
    the site's headers. Its workers write those pages through `gunicorn.util.write_error`: point that to
    the site's own error page (`errors.server_error_page`)."""
    from gunicorn import util

    from .errors import server_error_page

    def write_error(sock, status_int, reason, mesg):
        util.write_nonblock(sock, server_error_page(app, int(status_int)))

    util.write_error = write_error


def _serve_waitress(config: dict, host: str, port: int, threads: int) -> None:
    import waitress

    from . import create_app

    print("gunicorn no está instalado: se sirve con waitress en un solo proceso (si el proceso muere, el "
          "sitio se detiene). Instálelo con `pip install gunicorn`.", file=sys.stderr)
    waitress.serve(create_app(config), host=host, port=port, threads=threads, ident="boletines")
