"""Where an index lives on disk, and how a new one replaces the old one atomically.

The index directory holds generations (``gen-*`` folders, each a complete Whoosh index plus the
manifest of the files it was built from, see `manifest`) and a ``CURRENT`` file naming the live one.
Builds and updates write a new generation and then replace ``CURRENT`` with ``os.replace``, so a
reader opens either the old index or the new one, never a half-written one. Searchers notice a
new generation by re-reading ``CURRENT``.
"""
from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import time
import uuid
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile

CURRENT = "CURRENT"


class NoIndex(Exception):
    """There is no usable index yet; the message tells the operator what to run."""


class IndexBusy(Exception):
    """Another build or update holds the index lock."""


def current_generation(index_dir: Path) -> str | None:
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if name and (Path(index_dir) / name).is_dir() else None


class _MappedPart(io.RawIOBase):
    """A read-only raw file over a memoryview, so Whoosh's BufferFile need not copy it.

    Whoosh memory-maps a segment and hands each part to `BufferFile`, which wraps it in a BytesIO,
    i.e. copies it: every searcher held its own copy of the index (about 900 MB at 100,000
    bulletins, once per server thread) and took 0.6 s to open. Read in place (through a C buffered
    reader, which keeps pickle loads fast), the map is shared through the page cache instead.
    """

    def __init__(self, view: memoryview):
        super().__init__()
        self.view = view
        self.pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = max(0, min(len(buffer), len(self.view) - self.pos))
        buffer[:size] = self.view[self.pos:self.pos + size]
        self.pos += size
        return size

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: len(self.view)}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = io.BufferedReader(_MappedPart(buf)) if isinstance(buf, memoryview) else io.BytesIO(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


BufferFile.__init__ = _buffer_file_init


def open_current(index_dir: Path):
    """(generation name, Whoosh index) of the live generation, or NoIndex with a helpful message."""
    index_dir = Path(index_dir)
    name = current_generation(index_dir)
    if name is None:
        raise NoIndex(f"No hay índice en {index_dir}: ejecute `boletines index` para construirlo.")
    try:
        return name, whoosh_index.open_dir(str(index_dir / name))
    except Exception as exc:  # a damaged index is an operator problem, not a crash
        raise NoIndex(f"El índice en {index_dir} no se puede abrir ({exc}); reconstrúyalo con `boletines index`.")


def new_generation_dir(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = index_dir / name
    path.mkdir()
    return path


def clone_generation(index_dir: Path, generation: str, skip: tuple[str, ...] = ()) -> Path:
    """A writable copy of a generation made of hard links (Whoosh never rewrites a segment file).

    Files named in `skip` are left out: the caller copies files it will modify in place.
    """
    source = Path(index_dir) / generation
    target = new_generation_dir(index_dir)
    for item in source.iterdir():
        if item.is_file() and not item.name.endswith(".lock") and item.name not in skip:
            try:
                os.link(item, target / item.name)
            except OSError:
                shutil.copy2(item, target / item.name)
    return target


def publish(index_dir: Path, gen_dir: Path) -> None:
    """Make `gen_dir` the live generation, atomically, then drop generations nobody points to."""
    index_dir = Path(index_dir)
    tmp = index_dir / (CURRENT + f".{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(gen_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT)
    remove_stale(index_dir, keep=gen_dir.name)


def remove_stale(index_dir: Path, keep: str) -> None:
    """Delete old generations. Open readers keep working: on POSIX an unlinked open file stays readable."""
    for item in Path(index_dir).iterdir():
        if item.is_dir() and item.name.startswith("gen-") and item.name != keep:
            shutil.rmtree(item, ignore_errors=True)
        elif item.name.startswith(CURRENT + ".") and item.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                item.unlink()


@contextlib.contextmanager
def writer_lock(index_dir: Path):
    """One build or update at a time per index directory."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"Otro proceso está construyendo el índice en {index_dir}; espere a que termine.")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
