"""Whether the live index can still be read, as seen by a running search engine.

A damaged index (a truncated or garbled segment) must answer "rebuild it" (IndexDamaged, 503 on the
web), not a crash or a stack trace, while a bug in our own code must stay a bug. `Health` keeps, per
generation, what is known: damage found at open, a failure inside Whoosh's file layer, a file that
changed size under the server, or a full read of the index (run in the background) that failed.
"""
from __future__ import annotations

import threading
from pathlib import Path

from . import store


class Health:
    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.damaged: dict[str, str] = {}  # generation → damage message ("" while unknown or whole)
        self.checking: threading.Thread | None = None  # the background full read, once one started

    def damage(self, name: str, detail: str) -> store.IndexDamaged:
        """Record generation `name` as damaged; the exception to raise."""
        self.damaged[name] = store.damaged_message(self.index_dir, detail[:200])
        return store.IndexDamaged(self.damaged[name])

    def raise_if_damaged(self, name: str | None) -> None:
        if name is not None and self.damaged.get(name):
            raise store.IndexDamaged(self.damaged[name])

    def check_files(self, name: str, gen_dir: Path, sizes: dict[str, int]) -> None:
        """IndexDamaged when a file of the open generation changed: reading on would return garbage,
        or kill the process (SIGBUS) past the end of a truncated memory-mapped file."""
        changed = store.changed_files(gen_dir, sizes)
        if changed:
            raise self.damage(name, f"cambió {', '.join(changed)}")

    def diagnose(self, name: str | None, exc: Exception) -> None:
        """After a failed read: IndexDamaged if it failed decoding the index files. Otherwise return (the
        caller re-raises: most likely a bug) after starting, once per generation, a full read of the
        index in the background (seconds to minutes); if that fails, later requests get IndexDamaged."""
        if name is None:
            return
        problem = store.read_failure(exc)
        if problem:
            raise self.damage(name, problem) from exc
        if name not in self.damaged:
            self.damaged[name] = ""
            self.checking = threading.Thread(target=self._check, args=(name,), daemon=True)
            self.checking.start()

    def _check(self, name: str) -> None:
        problem = store.check_generation(self.index_dir, name)
        if problem:
            self.damage(name, problem)
