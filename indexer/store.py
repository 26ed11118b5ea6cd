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
import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import TermNotFound

CURRENT = "CURRENT"


class NoIndex(Exception):
    """There is no usable index yet; the message tells the operator what to run."""


class IndexBusy(Exception):
    """Another build or update holds the index lock."""


class IndexDamaged(RuntimeError):
    """The live index exists but cannot be opened or read (a truncated or garbled file): rebuild it."""


def damaged_message(index_dir: Path, detail: str = "") -> str:
    why = f" ({detail})" if detail else ""
    return (f"El índice en {index_dir} está dañado y no se puede leer{why}; "
            f"reconstrúyalo con `boletines index`.")


def damaged(index_dir: Path, detail: str) -> IndexDamaged:
    return IndexDamaged(damaged_message(index_dir, detail[:200]))


SIZES = "SIZES"  # per generation: the size of each index file when it was published


def current_generation(index_dir: Path) -> str | None:
    """The live generation's name, None when there is none usable (see `live_generation` for why)."""
    try:
        return live_generation(index_dir)
    except IndexDamaged:
        return None


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


def live_generation(index_dir: Path) -> str | None:
    """The live generation's name; None when there is no index yet; IndexDamaged when `CURRENT`
    exists but names nothing usable (garbage, or a folder that is gone)."""
    index_dir = Path(index_dir)
    try:
        raw = (index_dir / CURRENT).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise damaged(index_dir, f"no se puede leer {CURRENT}: {exc.strerror or exc}")
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        name = ""
    if not name.startswith("gen-") or "/" in name or not (index_dir / name).is_dir():
        shown = name[:40] if name and name.isprintable() else "contenido ilegible"
        raise damaged(index_dir, f"{CURRENT} no nombra una generación existente: {shown!r}")
    return name


def check_sizes(index_dir: Path, name: str) -> None:
    """IndexDamaged unless every file recorded at publish time is there with its size (cheap:
    catches truncated or missing segments, the common damage of a full disk or a partial copy)."""
    gen_dir = Path(index_dir) / name
    try:
        recorded = json.loads((gen_dir / SIZES).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return  # published before sizes were recorded
    except (OSError, ValueError) as exc:
        raise damaged(index_dir, f"{SIZES} ilegible: {exc}")
    for file_name, size in recorded.items():
        try:
            actual = os.stat(gen_dir / file_name).st_size
        except OSError:
            raise damaged(index_dir, f"falta {name}/{file_name}")
        if actual != size:
            raise damaged(index_dir, f"{name}/{file_name} mide {actual} bytes en vez de {size}")


def open_current(index_dir: Path):
    """(generation name, Whoosh index) of the live generation; NoIndex when there is none yet,
    IndexDamaged when it cannot be opened. Both messages say what to run."""
    index_dir = Path(index_dir)
    name = live_generation(index_dir)
    if name is None:
        raise NoIndex(f"No hay índice en {index_dir}: ejecute `boletines index` para construirlo.")
    check_sizes(index_dir, name)
    try:
        ix = whoosh_index.open_dir(str(index_dir / name))
        ix.doc_count_all()  # reads every segment's header
        return name, ix
    except Exception as exc:  # a damaged index is an operator problem, not a crash
        raise damaged(index_dir, f"{type(exc).__name__}: {exc}") from exc


def file_sizes(gen_dir: Path) -> dict[str, int]:
    """Size of each index file of a generation (not the manifest or lock files)."""
    sizes = {}
    with os.scandir(gen_dir) as entries:
        for entry in entries:
            if entry.name.endswith((".seg", ".toc", ".col", ".trm", ".pst", ".fln", ".vps", ".sto")):
                sizes[entry.name] = entry.stat().st_size
    return sizes


def changed_files(gen_dir: Path, sizes: dict[str, int]) -> list[str]:
    """Files of `sizes` now missing or of another size. Whoosh never rewrites a file it published, so
    any change is damage; a truncated file that is memory-mapped kills the process that reads past
    its new end (SIGBUS), so a server checks this before every request."""
    changed = []
    for name, size in sizes.items():
        try:
            if os.stat(Path(gen_dir) / name).st_size != size:
                changed.append(name)
        except OSError:
            changed.append(name)
    return changed


_STORAGE_MODULES = ("whoosh.filedb", "whoosh.codec", "whoosh.columns", __name__)


def read_failure(exc: BaseException) -> str | None:
    """What failed, when `exc` was raised while Whoosh's file-reading layers were decoding a segment
    (any frame of the traceback in them: a damaged file), else None. Whoosh's readers fail there only
    on bytes they did not write; a caller's mistake fails in the layers above."""
    if isinstance(exc, TermNotFound):  # a lookup that found nothing: a question, not a damaged file
        return None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(_STORAGE_MODULES):
            return f"{type(exc).__name__}: {exc}"[:200]
        tb = tb.tb_next
    return None


def check_generation(index_dir: Path, name: str) -> str | None:
    """None when every part of generation `name` reads back, else what failed.

    Reads it all (stored fields, terms, postings, columns) from a fresh open, so it is only run to
    tell a damaged index from a bug after a read has failed.
    """
    try:
        ix = whoosh_index.open_dir(str(Path(index_dir) / name))
        with ix.reader() as reader:
            for docnum in range(reader.doc_count_all()):
                reader.stored_fields(docnum)
            for fieldname in reader.indexed_field_names():
                for term in reader.lexicon(fieldname):  # raw bytes: numeric fields have shifted terms too
                    reader.term_info(fieldname, term)  # looked up by key, not only walked in order
                    for _ in reader.postings(fieldname, term).all_ids():
                        pass
            for fieldname in reader.schema.names():
                if reader.has_column(fieldname):
                    list(reader.column_reader(fieldname))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


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


def record_sizes(gen_dir: Path) -> None:
    """Note each Whoosh file's size, so a truncated segment is caught when the index is opened."""
    sizes = {item.name: item.stat().st_size for item in Path(gen_dir).iterdir()
             if item.is_file() and item.suffix in (".seg", ".toc")}
    tmp = Path(gen_dir) / (SIZES + ".tmp")  # never write through a hard link shared with the live generation
    tmp.write_text(json.dumps(sizes, sort_keys=True), encoding="utf-8")
    os.replace(tmp, Path(gen_dir) / SIZES)


def publish(index_dir: Path, gen_dir: Path) -> None:
    """Make `gen_dir` the live generation, atomically, then drop generations nobody points to."""
    index_dir = Path(index_dir)
    record_sizes(gen_dir)
    tmp = index_dir / (CURRENT + f".{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(gen_dir.name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT)
    remove_stale(index_dir, keep=gen_dir.name)


def remove_unfinished(index_dir: Path) -> list[str]:
    """Delete generations a killed build left behind: every ``gen-*`` that is not live.

    Called with the writer lock held, so no live builder is writing any of them.
    """
    live = current_generation(index_dir)
    removed = [item.name for item in Path(index_dir).iterdir()
               if item.is_dir() and item.name.startswith("gen-") and item.name != live]
    remove_stale(index_dir, keep=live or "")
    return removed


def remove_stale(index_dir: Path, keep: str) -> None:
    """Delete old generations. Open readers keep working: on POSIX an unlinked open file stays readable."""
    for item in Path(index_dir).iterdir():
        if item.is_dir() and item.name.startswith("gen-") and item.name != keep:
            shutil.rmtree(item, ignore_errors=True)
        elif item.name.startswith(CURRENT + ".") and item.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                item.unlink()


_held: set[str] = set()  # index folders whose lock this process holds
_held_lock = threading.Lock()


@contextlib.contextmanager
def writer_lock(index_dir: Path):
    """One build or update at a time per index directory.

    A POSIX record lock (`lockf`) belongs to the process that took it: forked workers never hold it,
    and the kernel drops it the moment the builder dies, even by `kill -9`. (An `flock` is shared
    with every forked child, so a killed build's orphaned workers kept blocking later builds.)
    Record locks do not exclude threads of one process, hence the `_held` set.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    busy = IndexBusy(f"Otro proceso está construyendo el índice en {index_dir}; espere a que termine.")
    with _held_lock:
        if key in _held:
            raise busy
        _held.add(key)
    try:
        fd = os.open(index_dir / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):
                raise busy from None
            yield
        finally:
            os.close(fd)  # closing releases the record lock
    finally:
        with _held_lock:
            _held.discard(key)
