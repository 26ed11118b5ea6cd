"""Default Whoosh's searches, timed in a fresh interpreter.

Boletines changes two Whoosh internals when its engine is imported (a binary-search `skip_to` in
`indexer.postings`, segment files read from the memory map without a copy in `indexer.store`).
Timed inside the benchmark's own process, "default Whoosh" would have run with both. Here the
engine is never imported, and the child checks that before it starts.

Protocol: a pickled (index folder, queries, rounds) on stdin; a pickled `Latency` on stdout.
"""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from .baselines import WhooshBench
from .latency import Latency, search_baseline
from .queries import BenchQuery

ENGINE_MODULES = ("indexer.postings", "indexer.store", "indexer.search", "indexer.ranking")


def measure(index_dir: Path, queries: list[BenchQuery], rounds: int) -> Latency:
    """Run the query set against default Whoosh in a child interpreter (see the module docstring)."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "bench.stock_whoosh"], cwd=root, capture_output=True,
                          input=pickle.dumps((str(index_dir), queries, rounds)), check=False)
    if done.returncode != 0:
        raise RuntimeError("default Whoosh search failed:\n" + done.stderr.decode("utf-8", "replace"))
    return pickle.loads(done.stdout)


def main() -> None:
    patched = [name for name in ENGINE_MODULES if name in sys.modules]
    if patched:
        raise SystemExit(f"the engine was imported ({', '.join(patched)}): this would not be stock Whoosh")
    index_dir, queries, rounds = pickle.load(sys.stdin.buffer)
    latency = search_baseline(WhooshBench(Path(index_dir)), queries, rounds)
    sys.stdout.buffer.write(pickle.dumps(latency))


if __name__ == "__main__":
    main()
