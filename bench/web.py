"""Web throughput and latency: the production server (`boletines serve`) under concurrent clients.

The server runs as a child process on 127.0.0.1 with a free port; clients are threads that each
keep one HTTP/1.1 connection alive and cycle through the query set's `/api/search` URLs. The
load is bounded both in time and in requests, and the server is stopped afterwards whatever
happens.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"


@dataclass
class WebResult:
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    server_cpu_seconds: float | None = None
    first_error: str | None = None

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_command(index_dir: Path, corpus_dir: Path, port: int, threads: int = 8) -> list[str]:
    """`boletines serve --no-build ...`, through the installed script when it sits beside this Python."""
    script = Path(sys.executable).with_name("boletines")
    program = [str(script)] if script.exists() else [sys.executable, "-m", "indexer.cli"]
    return program + ["serve", "--no-build", "--host", HOST, "--port", str(port), "--threads", str(threads),
                      "--index", str(index_dir), "--corpus", str(corpus_dir)]


class Server:
    """The search server as a child process; a context manager that always stops it."""

    def __init__(self, index_dir: Path, corpus_dir: Path, threads: int = 8, log: Path | None = None):
        self.port = free_port()
        self.command = server_command(index_dir, corpus_dir, self.port, threads)
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env=env)
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
    result = WebResult(clients)
    lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + seconds

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= max_requests or time.monotonic() >= deadline:
                return False
            issued += 1
            return True

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        step = number
        try:
            while take():
                path = paths[step % len(paths)]
                step += clients
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


def run_web(index_dir: Path, corpus_dir: Path, paths: list[str], clients: int = 8, seconds: float = 10.0,
            max_requests: int = 2000, log: Path | None = None) -> WebResult:
    """Start the server, warm its result cache with every path once, then measure under load."""
    with Server(index_dir, corpus_dir, threads=clients, log=log) as server:
        server.wait_ready(paths[0])
        for path in paths:  # warm: the page's steady state is a cached searcher and recent answers
            status, body = get(HOST, server.port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered HTTP {status}: {body[:200]!r}")
        cpu_before = server.cpu_seconds()
        result = load(server.port, paths, clients, seconds, max_requests)
        cpu_after = server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None:
            result.server_cpu_seconds = cpu_after - cpu_before
    return result
