"""`boletines serve` as a real server: a worker that dies is replaced and the site goes on, and a
segment truncated under it gives 503 (never a dead site)."""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

from indexer import store

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _wait(condition, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(index_dir, corpus, tmp_path):
    """`boletines serve` with two workers over a private copy of the session index."""
    pytest.importorskip("gunicorn")
    psutil = pytest.importorskip("psutil")
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    port = _free_port()
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--no-build", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--threads", "2", "--index", str(index), "--corpus", str(corpus)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    master = psutil.Process(process.pid)
    try:
        _wait(lambda: _get(port, "/") == 200)
        yield port, index, master
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _workers(master) -> list[int]:
    return sorted(child.pid for child in master.children())


def test_a_killed_worker_is_replaced_and_the_site_goes_on(server):
    port, _, master = server
    before = _wait(lambda: len(_workers(master)) == 2 and _workers(master))
    os.kill(before[0], signal.SIGKILL)
    assert [_get(port, f"/?q=salud{n}") for n in range(10)] == [200] * 10
    after = _wait(lambda: len(_workers(master)) == 2 and before[0] not in _workers(master) and _workers(master))
    assert before[1] in after  # the other worker was never interrupted


def test_a_segment_truncated_under_the_server_gives_503_even_after_a_crash(server):
    port, index, master = server
    segment = next((index / store.current_generation(index)).glob("*.seg"))
    with open(segment, "r+b") as handle:
        handle.truncate(segment.stat().st_size // 2)
    pages = ["/", "/?q=vacunaci%C3%B3n", "/api/search?q=dengue", "/api/suggest?q=vac"]
    assert [_get(port, page) for page in pages] == [503] * len(pages)
    # a worker that read past the new end of the mapped file dies of SIGBUS: the master replaces it
    for pid in _workers(master):
        os.kill(pid, signal.SIGBUS)
    assert [_get(port, page) for page in pages] == [503] * len(pages)
    assert master.is_running() and len(_wait(lambda: len(_workers(master)) == 2 and _workers(master))) == 2


def test_serve_falls_back_to_waitress_without_gunicorn(monkeypatch, index_dir, corpus, capsys):
    import waitress

    from webapp import server

    calls = []
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)  # import fails as if not installed
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.append(options))
    server.serve({"INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus)}, "127.0.0.1", 8000, workers=2, threads=3)
    assert calls == [{"host": "127.0.0.1", "port": 8000, "threads": 3, "ident": "boletines"}]
    assert "gunicorn no está instalado" in capsys.readouterr().err


def _raw(port: int, request: bytes) -> tuple[str, dict, str]:
    """(status line, headers, body) of a raw request, as a browser or a fuzzer may send it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return lines[0], headers, body.decode("utf-8", "replace")


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "414"),
    (b"GARBAGE\r\n\r\n", "400"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "400"),
])
def test_errors_the_server_answers_itself_are_the_sites_own(server, request_bytes, status):
    port, _, _ = server
    line, headers, body = _raw(port, request_bytes)
    assert line.split()[1] == status
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert 'lang="es"' in body and "Ir a la página de búsqueda" in body and "Bad Request" not in body


def test_a_long_query_the_page_can_send_reaches_the_app(server):
    port, _, _ = server
    query = ("“ñ”—" * 125)  # 500 characters the search box accepts, 4,250 once escaped in the URL
    from urllib.parse import quote
    line, headers, body = _raw(port, f"GET /?q={quote(query)}&agencia=SSO HTTP/1.1\r\nHost: x\r\n"
                                     f"Connection: close\r\n\r\n".encode())
    assert line.split()[1] == "200" and "Boletines" in body
