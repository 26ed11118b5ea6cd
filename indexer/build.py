"""Index stage: turn a corpus folder into a live index generation (full build or incremental update).

Reading and extraction run in worker processes; near-duplicate files are merged into one document;
the result is written into a fresh generation and published atomically (see `store`).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import shutil
import signal
import sqlite3
import sys
import time
from array import array
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import index as whoosh_index

from . import derived, duplicates, store
from .analysis import fold
from .document import Metadata, Unreadable, shown_path
from .extract import extract_metadata
from .manifest import Manifest
from .schema import SCHEMA_VERSION, analysis_fingerprint, bulletin_schema
from .sources import read_bulletin, scan_corpus, walk
from .sources.ocr import OcrSettings, using as ocr_settings

# Formats preferred as the text shown for a group of duplicate files.
_FORMAT_RANK = {".md": 0, ".markdown": 0, ".txt": 1, ".docx": 2, ".odt": 2, ".doc": 2, ".rtf": 2, ".html": 3,
                ".htm": 3, ".pdf": 4}
_PARALLEL_FROM = 24  # below this many files a process pool costs more than it saves
_PARALLEL_WRITE_FROM = 500  # documents before the index is written by several processes
WRITER_MB = 256  # memory per writer process before it spills postings to disk


@dataclass
class BulletinFile:
    """One readable bulletin file, ready to be written (alone or merged with its duplicates)."""

    path: str  # relative to the corpus root, with forward slashes
    size: int
    mtime_ns: int
    sha1: str
    text: str
    metadata: Metadata
    sketch: dict
    ocr: dict | None = None  # how the text was read by OCR (pages, cached, seconds), None for a text layer


@dataclass
class BuildReport:
    """What a build or update did, for the CLI summary and `--json`."""

    mode: str = "build"
    documents: int = 0  # documents in the index after the run
    files: int = 0  # readable bulletin files in the corpus
    merged: int = 0  # files folded into another file's document as near-duplicates
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    generation: str | None = None
    rebuilt_because: str | None = None  # an update that had to rebuild in full, and why (a damaged index)
    ocr: dict = field(default_factory=lambda: {"files": 0, "pages": 0, "ocr_pages": 0, "cached": 0, "seconds": 0.0})

    def count_ocr(self, info: dict) -> None:
        """Add one OCR'd file: pages read, pages that needed Tesseract (not the cache), seconds."""
        self.ocr["files"] += 1
        self.ocr["pages"] += info.get("pages", 0)
        self.ocr["ocr_pages"] += info.get("ocr_pages", 0)
        self.ocr["cached"] += 1 if info.get("cached") else 0
        self.ocr["seconds"] = round(self.ocr["seconds"] + info.get("seconds", 0.0), 3)

    def as_json(self) -> dict:
        return {
            "mode": self.mode, "documents": self.documents, "files": self.files, "merged": self.merged,
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "seconds": round(self.seconds, 3), "generation": self.generation,
            "rebuilt_because": self.rebuilt_because,
            "ocr": dict(self.ocr),
            "skipped": [{"path": shown_path(p), "reason": shown_path(r)} for p, r in self.skipped],
            "warnings": [{"path": shown_path(p), "warning": shown_path(w)} for p, w in self.warnings],
        }


def bulletin_id(path: str) -> str:
    """Stable, URL-safe id: a readable slug of the file name plus a hash of its corpus path."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(Path(shown_path(path)).stem))[:48].strip("-") or "boletin"
    digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=4).hexdigest()
    return f"{slug}-{digest}"


def load_file(root: Path, path: str, ocr: OcrSettings | None = None) -> BulletinFile | tuple[str, str]:
    """Read, extract and sketch one file; a (path, reason) pair when it cannot be a bulletin.

    Runs in worker processes, so it must never raise.
    """
    full = root / path
    try:
        if not walk.inside(os.path.realpath(root), os.fspath(full)):  # replaced by a link since the scan
            return path, walk.OUTSIDE
        stat = full.stat()
        digest = _sha1(full)
        with ocr_settings(ocr):
            source = read_bulletin(full)
        if not source.text.strip():
            raise Unreadable("sin texto")
        metadata = extract_metadata(source, path)
        metadata.warnings = list(source.warnings) + list(metadata.warnings)
        return BulletinFile(path, stat.st_size, stat.st_mtime_ns, digest, source.text, metadata,
                            duplicates.sketch(source.text, metadata.date, metadata.number), source.meta.get("ocr"))
    except Unreadable as exc:
        return path, str(exc) or "ilegible"
    except FileNotFoundError:
        return path, "desapareció durante la lectura"
    except Exception as exc:  # a bad file never stops a build
        return path, f"error inesperado al leer: {type(exc).__name__}: {exc}"


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_many(root: Path, paths: list[str], jobs: int | None, tick: Callable[[int], None], ocr: OcrSettings):
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < _PARALLEL_FROM:
        for path in paths:
            yield load_file(root, path, ocr)
            tick(1)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        roots, settings = [root] * len(paths), [ocr] * len(paths)
        for result in pool.map(load_file, roots, paths, settings, chunksize=4):
            yield result
            tick(1)


def _representative(members: list[BulletinFile]) -> BulletinFile:
    """The file whose text is shown: a text layer before OCR, then by format."""
    return min(members, key=lambda f: (f.ocr is not None, _FORMAT_RANK.get(Path(f.path).suffix.lower(), 9), f.path))


def to_document(members: list[BulletinFile]) -> dict:
    """The Whoosh document for a group of duplicate files (usually just one)."""
    best = _representative(members)
    meta = best.metadata
    paths = sorted(f.path for f in members)
    doc = {
        "id": bulletin_id(paths[0]),
        "path": shown_path(best.path),  # the indexed term must be valid UTF-8; the stored value is the real path
        "_stored_path": best.path,
        "paths": paths,
        "title": meta.title or shown_path(Path(best.path).stem),
        "body": best.text,
        "exact": (meta.title or "") + "\n" + best.text,
        "agency": ",".join(name.replace(",", " ") for name in meta.agencies),
        "number": meta.number or "",
        "place": meta.place,
        "meta": {"sources": meta.sources, "warnings": meta.warnings, "url": meta.url, "ocr": best.ocr is not None},
    }
    if meta.date:
        doc["date"] = meta.date.year * 10000 + meta.date.month * 100 + meta.date.day
        doc["year"] = meta.date.year
        doc["month"] = meta.date.year * 100 + meta.date.month
    return doc


def _scan(root: Path, report: BuildReport) -> dict[str, os.stat_result]:
    """Candidate files (relative path → stat); skipped ones go straight into the report."""
    found = {}
    for rel, reason, info in scan_corpus(root):
        if reason:
            report.skipped.append((rel, reason))
        else:
            found[rel] = info
    return found


class _Progress:
    """Adapter so the library reports progress without depending on how the CLI draws it."""

    def __init__(self, factory, total: int, label: str, report: BuildReport | None = None):
        self.bar = factory(total, label) if factory else None
        self.report, self.ocr_shown = report, 0

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            if self.report is not None and self.report.ocr["files"] != self.ocr_shown and hasattr(self.bar, "set_postfix_str"):
                self.ocr_shown = self.report.ocr["files"]
                self.bar.set_postfix_str(f"OCR {self.ocr_shown} ({self.report.ocr['pages']} págs.)", refresh=False)
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _readable(results: Iterable, report: BuildReport) -> Iterator[BulletinFile]:
    """The bulletins among `load_file` results; the rest go into the report as skipped."""
    for result in results:
        if isinstance(result, BulletinFile):
            report.warnings.extend((result.path, w) for w in result.metadata.warnings)
            if result.ocr is not None:
                report.count_ocr(result.ocr)
            yield result
        else:
            report.skipped.append(result)


def _collect(results: Iterable, report: BuildReport) -> dict[str, BulletinFile]:
    return {f.path: f for f in _readable(results, report)}


class _Spool:
    """Read bulletins parked in a scratch file between reading and writing.

    Duplicates can only be grouped once every file is read; holding every text until then made a
    build's memory grow with the corpus. Only the compact duplicate sketches stay in memory.
    """

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "w+b")
        self.where: dict[str, tuple[int, int]] = {}
        self.sketches: dict[str, dict] = {}

    def put(self, f: BulletinFile) -> None:
        data = pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL)
        self.where[f.path] = (self.file.seek(0, os.SEEK_END), len(data))
        self.file.write(data)
        self.sketches[f.path] = {**f.sketch, "k": array("I", f.sketch["k"])}

    def __getitem__(self, path: str) -> BulletinFile:
        offset, length = self.where[path]
        self.file.seek(offset)
        return pickle.loads(self.file.read(length))

    def __len__(self) -> int:
        return len(self.where)

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def _full_writer(ix, documents: int, jobs: int | None):
    """Whoosh's multi-process writer for big builds: each process analyzes and writes its own segment."""
    procs = min(jobs or os.cpu_count() or 1, 4)
    if procs > 1 and documents >= _PARALLEL_WRITE_FROM:
        return ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB)
    return ix.writer(limitmb=WRITER_MB)


def _write_groups(writer, groups: list[list[str]], bulletins, manifest: Manifest, tick=lambda n: None) -> int:
    """Write one document per group of paths; `bulletins[path]` gives each read BulletinFile."""
    for paths in groups:
        tick(1)
        members = [bulletins[p] for p in paths]
        doc = to_document(members)
        writer.add_document(**{k: v for k, v in doc.items() if v is not None})
        for f in members:
            manifest.put(f.path, f.size, f.mtime_ns, f.sha1, doc["id"], f.sketch)
    return len(groups)


class WouldLoseBulletins(Exception):
    """A build or update would publish an index with far fewer bulletins than the live one."""


def _live_documents(index_dir: Path) -> int | None:
    """Bulletins in the live index according to its manifest; None when there is none to read."""
    generation = store.current_generation(index_dir)
    if generation is None or not Manifest.exists(Path(index_dir) / generation):
        return None
    try:
        manifest = Manifest(Path(index_dir) / generation)
        try:
            return manifest.counts()[1]
        finally:
            manifest.close()
    except sqlite3.Error:
        return None


def refuse_big_loss(index_dir: Path, documents: int, force: bool) -> None:
    """Keep the live index when the new one would lose most of it (an empty corpus, a folder that was
    not mounted): publishing that needs `force`."""
    live = _live_documents(index_dir)
    if force or not live or (documents > 0 and documents >= live / 2):
        return
    raise WouldLoseBulletins(
        f"El índice vivo tiene {live} boletines y el nuevo tendría {documents}: no se publica y el índice "
        f"vivo queda intacto. Si la carpeta del corpus es la correcta (¿está montada?), repita con --force.")


# Forked workers (the reading pool, Whoosh's writer processes) die with the process that builds:
# a `kill -9` of a build must leave nothing running. Linux only (prctl); elsewhere a no-op.
_builder_pid: int | None = None
_prctl = None


def _in_forked_child() -> None:
    global _builder_pid
    parent, _builder_pid = _builder_pid, None  # grandchildren are not this rule's business
    if parent is None or _prctl is None:
        return
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills this worker when the builder dies
    if os.getppid() != parent:  # the builder died before that took effect
        os._exit(1)


os.register_at_fork(after_in_child=_in_forked_child)


@contextlib.contextmanager
def workers_die_with_builder():
    global _builder_pid, _prctl
    if _prctl is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            _prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, never in a fresh fork
        except (OSError, AttributeError):
            pass
    _builder_pid = os.getpid()
    try:
        yield
    finally:
        _builder_pid = None


def build(corpus: Path, index_dir: Path, progress=None, jobs: int | None = None,
          ocr: OcrSettings | None = None, force: bool = False) -> BuildReport:
    """Full rebuild into a fresh generation, then an atomic swap.

    `ocr` defaults to a cache in the index folder and the page cap of the environment. Refuses
    (WouldLoseBulletins) to publish fewer than half the live index's bulletins unless `force`.
    """
    started = time.perf_counter()
    corpus, index_dir = Path(corpus), Path(index_dir)
    ocr = ocr or OcrSettings.for_index(index_dir)
    if not corpus.is_dir():
        raise FileNotFoundError(f"La carpeta del corpus no existe: {corpus}")
    report = BuildReport(mode="build")
    with store.writer_lock(index_dir), workers_die_with_builder():
        store.remove_unfinished(index_dir)
        paths = list(_scan(corpus, report))
        gen_dir = store.new_generation_dir(index_dir)
        spool = _Spool(gen_dir / "reading.spool")
        try:
            bar = _Progress(progress, len(paths), "Leyendo boletines", report)
            try:
                for f in _readable(_load_many(corpus, paths, jobs, bar, ocr), report):
                    spool.put(f)
            finally:
                bar.close()
            groups = duplicates.group(spool.sketches)
            ix = whoosh_index.create_in(str(gen_dir), bulletin_schema())
            writer = _full_writer(ix, len(groups), jobs)
            manifest = Manifest(gen_dir)
            bar = _Progress(progress, len(groups), "Indexando")
            try:
                report.documents = _write_groups(writer, groups, spool, manifest, bar)
            finally:
                bar.close()
            writer.commit()
            derived.write(gen_dir)  # every process loads these arrays instead of computing them
            _finish_manifest(manifest, corpus, report)
            spool.close()
            refuse_big_loss(index_dir, report.documents, force)
        except BaseException:
            spool.close()
            shutil.rmtree(gen_dir, ignore_errors=True)
            raise
        store.publish(index_dir, gen_dir)
    report.files = len(spool)
    report.added = report.documents
    report.merged = report.files - report.documents
    report.generation = gen_dir.name
    report.seconds = time.perf_counter() - started
    return report


def _finish_manifest(manifest: Manifest, corpus: Path, report: BuildReport) -> None:
    skipped = {}
    for path, reason in report.skipped:
        try:
            stat = (corpus / path).lstat()
        except OSError:
            continue
        skipped[path] = (stat.st_size, stat.st_mtime_ns, reason)
    manifest.set_skipped(skipped)
    manifest.set_meta(schema=SCHEMA_VERSION, analysis=analysis_fingerprint())
    manifest.close()


def _manifest_ok(index_dir: Path, generation: str | None) -> bool:
    """Whether the live index was made with this schema and this analysis (so it can be updated)."""
    if generation is None or not Manifest.exists(Path(index_dir) / generation):
        return False
    try:
        manifest = Manifest(Path(index_dir) / generation)
        try:
            return (manifest.get_meta("schema") == str(SCHEMA_VERSION)
                    and manifest.get_meta("analysis") == analysis_fingerprint())
        finally:
            manifest.close()
    except sqlite3.Error:  # a damaged manifest: nothing to update, rebuild
        return False


from .update import is_stale, update  # noqa: E402  (the incremental half lives in its own module)
