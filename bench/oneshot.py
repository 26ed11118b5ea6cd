"""One-shot CLI search: `boletines search QUERY --index IDX` as a fresh process, timed from outside.

What a person at a terminal (or a script calling the command once per query) waits for: the
interpreter starting, the imports, opening the index generation, the search and the printing.
Each query runs in a new process, one after the other, and the wall clock covers the whole
process. `python -c pass` is timed the same way for context (the floor any Python command pays).

The command is run as `python -m indexer.cli` with the repository root as working directory,
not through the `boletines` script: the script imports whichever copy of the package is
installed, while this way the checkout's own code is what runs (the same one the rest of the
benchmark imports). Its modules are compiled to bytecode first, as an installed package's are
(pip compiles on install); otherwise an environment with PYTHONDONTWRITEBYTECODE set would time
the compiler on every run.
"""
from __future__ import annotations

import compileall
import re
import subprocess
import sys
import time
from pathlib import Path

from .latency import percentiles
from .queries import BenchQuery

REPO = Path(__file__).resolve().parents[1]
_TOOK = re.compile(r"\((\d+(?:[.,]\d+)?) ms\)")  # "123 resultados (45 ms)": the engine's own took_ms


def search_command(index_dir: Path, query: str) -> list[str]:
    return [sys.executable, "-m", "indexer.cli", "search", query, "--index", str(Path(index_dir).resolve())]


def _timed(command: list[str], timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(command, check=False, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    return (time.perf_counter() - started) * 1000, done


def run_oneshot(index_dir: Path, queries: list[BenchQuery], python_runs: int = 5,
                timeout: float = 120.0) -> dict:
    """Wall milliseconds of one fresh `search` process per query, sequentially, with the engine's
    reported time where the output gives it, and of `python -c pass`. A failing command raises."""
    for package in ("indexer", "webapp"):
        compileall.compile_dir(REPO / package, quiet=1)
    floor = []
    for _ in range(python_runs):
        ms, _done = _timed([sys.executable, "-c", "pass"], timeout)
        floor.append(ms)
    walls, inside, rows = [], [], []
    for q in queries:
        ms, done = _timed(search_command(index_dir, q.query), timeout)
        if done.returncode != 0:
            raise RuntimeError(f"`search {q.query}` exited with {done.returncode}: {done.stderr[-500:]}")
        took = _TOOK.search(done.stdout)
        walls.append(ms)
        if took:
            inside.append(float(took.group(1).replace(",", ".")))
        rows.append({"query": q.query, "ms": round(ms, 1)})
    return {"n": len(walls), **percentiles(walls), "max": max(walls) if walls else None,
            "inside": percentiles(inside) if inside else None,
            "python": percentiles(floor), "runs": rows}
