"""Web throughput and latency: the production server (`boletines serve`) under concurrent clients.

The server runs as a child process on 127.0.0.1 with a free port, started as
`python -m indexer.cli serve` from the repository root (so the checkout's code is what serves,
not an installed copy), with an explicit `--workers` and `--threads`. Clients are threads that
each keep one HTTP/1.1 connection alive. One server run has two phases:

* **cold**: the clients share a list of distinct `/api/search` URLs and send each one exactly
  once, so no answer can come from the server's answer cache (term-level caches still fill, as
  in a running server). Before it, the server is made ready with URLs outside that list: a
  search (every worker opens the index on its first request, so several are sent at once), an
  `/api/suggest` request, then a pause of `settle` seconds (2 by default) so the per-generation
  background warm-up (the autocomplete vocabulary) is not counted against the cold requests.
* **warm**: every page-set URL once untimed, then the clients cycle through them, bounded both
  in time and in requests; answers come from the cache.

The server is stopped afterwards whatever happens.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
SUGGEST_PATH = "/api/suggest?q=sal"


@dataclass
class WebResult:
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    server_cpu_seconds: float | None = None
    first_error: str | None = None
    sent: list[str] = field(default_factory=list)  # every path sent, in order, answered or not

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


REPO = Path(__file__).resolve().parents[1]
SETTLE_SECONDS = 2.0


def default_workers() -> int:
    """The worker count `boletines serve` starts when not told (read from the command itself)."""
    from indexer.cli import serve_command

    return next(p.default for p in serve_command.params if p.name == "workers")


def server_command(index_dir: Path, corpus_dir: Path, port: int, threads: int = 8,
                   workers: int | None = None) -> list[str]:
    """`boletines serve --no-build ...` as `python -m indexer.cli`, to be run with the repository
    root as working directory: the `boletines` script would import whichever copy is installed."""
    workers = workers or default_workers()
    return [sys.executable, "-m", "indexer.cli", "serve", "--no-build", "--host", HOST, "--port", str(port),
            "--workers", str(workers), "--threads", str(threads),
            "--index", str(Path(index_dir).resolve()), "--corpus", str(Path(corpus_dir).resolve())]


class Server:
    """The search server as a child process; a context manager that always stops it."""

    def __init__(self, index_dir: Path, corpus_dir: Path, threads: int = 8, log: Path | None = None,
                 workers: int | None = None):
        self.port = free_port()
        self.workers = workers or default_workers()
        self.command = server_command(index_dir, corpus_dir, self.port, threads, self.workers)
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        if self.log_path:
            log.close()
        return self

    def wait_ready(self, path: str, timeout: float = 120.0) -> None:
        """Block until `path` answers 200 (the first search also opens the index)."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.process.returncode}: {self._log_tail()}")
            try:
                status, _ = get(HOST, self.port, path, timeout=timeout)
                if status == 200:
                    return
                last = f"HTTP {status}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s ({last})")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the server has used so far, its worker processes included (Linux
        /proc), or None."""
        try:
            pid = self.process.pid
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            total = 0
            for each in [pid, *children]:
                fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def _log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-500:]
        return ""

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def get(host: str, port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(port: int, paths: list[str], clients: int = 8, seconds: float = 10.0, max_requests: int = 2000,
         timeout: float = 10.0) -> WebResult:
    """`clients` keep-alive threads sending `paths` round-robin until `seconds` or `max_requests` is reached."""
    issued = 0

    def next_path(number: int, sent: int) -> str | None:
        nonlocal issued  # called under the lock
        if issued >= max_requests:
            return None
        issued += 1
        return paths[(number + sent * clients) % len(paths)]

    return _drive(port, next_path, clients, seconds, timeout)


def load_once(port: int, paths: list[str], clients: int = 8, seconds: float = 300.0,
              timeout: float = 10.0) -> WebResult:
    """`clients` keep-alive threads sharing `paths`: each path is sent exactly once, by whichever
    client is free (stops early only if `seconds` run out)."""
    queue = iter(paths)
    return _drive(port, lambda number, sent: next(queue, None), clients, seconds, timeout)


def _drive(port: int, next_path, clients: int, seconds: float, timeout: float) -> WebResult:
    """Run `clients` threads; each asks `next_path(client, sent so far)` (under a lock) for its
    next path until it returns None or `seconds` have passed."""
    result = WebResult(clients)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def take(number: int, sent: int) -> str | None:
        with lock:
            if time.monotonic() >= deadline:
                return None
            return next_path(number, sent)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        sent = 0
        try:
            while (path := take(number, sent)) is not None:
                sent += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                    error = None if ok else f"HTTP {response.status} for {path}"
                except (OSError, http.client.HTTPException) as exc:
                    ok, error = False, f"{type(exc).__name__}: {exc}"
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.sent.append(path)
                    if ok:
                        result.requests += 1
                        result.latencies_ms.append(elapsed)
                    else:
                        result.errors += 1
                        result.first_error = result.first_error or error
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 5)
    result.seconds = time.perf_counter() - started
    return result


def _concurrently(port: int, path: str, times: int) -> None:
    """Send `path` from `times` connections at once (so that every worker process gets one)."""
    def one(_):
        status, body = get(HOST, port, path, timeout=120)
        if status != 200:
            raise RuntimeError(f"{path} answered HTTP {status}: {body[:200]!r}")

    with ThreadPoolExecutor(times) as pool:
        list(pool.map(one, range(times)))


@dataclass
class WebRun:
    """Both phases of one server run."""

    workers: int
    threads: int
    cold: WebResult | None
    warm: WebResult


def _measured(server: Server, phase) -> WebResult:
    before = server.cpu_seconds()
    result = phase()
    after = server.cpu_seconds()
    if before is not None and after is not None:
        result.server_cpu_seconds = after - before
    return result


def run_web(index_dir: Path, corpus_dir: Path, paths: list[str], clients: int = 8, seconds: float = 10.0,
            max_requests: int = 2000, log: Path | None = None, cold_paths: list[str] | None = None,
            workers: int | None = None, settle: float = SETTLE_SECONDS, cold_seconds: float = 300.0) -> WebRun:
    """Start the server; with `cold_paths`, measure them sent once each (cold phase); then warm its
    answer cache with every one of `paths` and measure under load (warm phase)."""
    cold_set = set(cold_paths or ())
    ready = next((p for p in paths if p not in cold_set), None)
    if ready is None:
        raise ValueError("every warm path is also a cold one: no URL left to wait for the server with")
    with Server(index_dir, corpus_dir, threads=clients, log=log, workers=workers) as server:
        server.wait_ready(ready)
        cold = None
        if cold_paths:
            _concurrently(server.port, ready, 2 * server.workers)
            _concurrently(server.port, SUGGEST_PATH, 2 * server.workers)
            time.sleep(settle)
            cold = _measured(server, lambda: load_once(server.port, cold_paths, clients, cold_seconds))
        for path in paths:  # warm: the page's steady state is a cached searcher and recent answers
            status, body = get(HOST, server.port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered HTTP {status}: {body[:200]!r}")
        warm = _measured(server, lambda: load(server.port, paths, clients, seconds, max_requests))
    return WebRun(server.workers, clients, cold, warm)
