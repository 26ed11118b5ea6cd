"""Incremental update of the live index: add new files, re-read changed ones, drop deleted ones.

Same pipeline and atomic publish as the full build (`build`); only the documents whose files
changed, and the documents they duplicate, are rewritten into a hard-linked copy of the live
generation. Anything this version cannot update in place (no index, other schema or analysis, a
damaged index) is rebuilt in full instead, and the report says why.
"""
from __future__ import annotations

import os
import pickle
import shutil
import struct
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import IndexError as WhooshIndexError

from . import build as full, derived, duplicates, store
from .build import BuildReport, _collect, _finish_manifest, _load_many, _Progress, _scan, _sha1, bulletin_id
from .manifest import Manifest
from .sources import needs_tool
from .sources.ocr import OcrSettings

# What reading a truncated or garbled segment raises inside Whoosh.
_DAMAGE = (EOFError, struct.error, zlib.error, pickle.UnpicklingError, UnicodeDecodeError, WhooshIndexError,
           store.IndexDamaged)


def update(corpus: Path, index_dir: Path, progress=None, jobs: int | None = None,
           ocr: OcrSettings | None = None, force: bool = False) -> BuildReport:
    """Add new files, re-read changed ones and drop deleted ones; same atomic publish as `build`.

    A file counts as changed when its size or mtime moved *and* its content hash differs. Falls
    back to a full build when there is no index yet, it was made by other schema or analysis, or it
    is damaged (then `report.rebuilt_because` says so): an update never leaves a broken index live.
    """
    corpus, index_dir = Path(corpus), Path(index_dir)
    ocr = ocr or OcrSettings.for_index(index_dir)
    try:
        if store.live_generation(index_dir) is not None:
            store.open_current(index_dir)  # every segment there, whole-sized, with readable headers
    except store.IndexDamaged as exc:
        return _rebuild(corpus, index_dir, progress, jobs, ocr, force, str(exc))
    if not full._manifest_ok(index_dir, store.current_generation(index_dir)):
        return full.build(corpus, index_dir, progress, jobs, ocr, force)  # nothing this version can update
    try:
        return _update(corpus, index_dir, progress, jobs, ocr, force)
    except _DAMAGE as exc:
        return _rebuild(corpus, index_dir, progress, jobs, ocr, force, f"{type(exc).__name__}: {exc}")


def _rebuild(corpus, index_dir, progress, jobs, ocr, force, because: str) -> BuildReport:
    report = full.build(corpus, index_dir, progress, jobs, ocr, force)
    report.rebuilt_because = because
    return report


def _update(corpus: Path, index_dir: Path, progress, jobs, ocr: OcrSettings, force: bool) -> BuildReport:
    started = time.perf_counter()
    if not corpus.is_dir():
        raise FileNotFoundError(f"La carpeta del corpus no existe: {corpus}")
    report = BuildReport(mode="update")
    with store.writer_lock(index_dir), full.workers_die_with_builder():
        store.remove_unfinished(index_dir)
        generation = store.current_generation(index_dir)
        live = Manifest(index_dir / generation)
        try:
            plan = _plan_update(corpus, live, report)
        finally:
            live.close()
        if not plan.changed and not plan.deleted:
            if plan.refreshed:  # touched but identical files: remember their new stat only
                live = Manifest(index_dir / generation)
                for path, (size, mtime_ns) in plan.refreshed.items():
                    live.touch(path, size, mtime_ns)
                live.close()
            report.documents = report.unchanged = len(set(plan.docs.values()))
            report.files = len(plan.docs)
            report.merged = report.files - report.documents
            report.generation = generation
            report.seconds = time.perf_counter() - started
            return report

        bar = _Progress(progress, len(plan.changed), "Leyendo boletines nuevos o cambiados", report)
        try:
            loaded = _collect(_load_many(corpus, plan.changed, jobs, bar, ocr), report)
        finally:
            bar.close()

        gen_dir = store.clone_generation(index_dir, generation, skip=(Manifest.FILENAME, store.SIZES, derived.FILENAME))
        try:
            manifest = Manifest.copy(index_dir / generation, gen_dir)
            region, touched_docs = _update_region(manifest, plan, loaded)
            extra = sorted(p for p in region if p not in loaded)
            loaded.update(_collect(_load_many(corpus, extra, jobs, lambda n: None, ocr), report))
            region = {p for p in region if p in loaded}
            groups = duplicates.group({p: loaded[p].sketch for p in region})
            for path in plan.deleted + [p for p in plan.changed if p not in loaded] + sorted(region):
                manifest.remove(path)
            for path, (size, mtime_ns) in plan.refreshed.items():
                manifest.touch(path, size, mtime_ns)
            ix = whoosh_index.open_dir(str(gen_dir))
            writer = ix.writer(limitmb=128)
            for doc_id in touched_docs:
                writer.delete_by_term("id", doc_id)
            full._write_groups(writer, groups, loaded, manifest)
            writer.commit()
            derived.write(gen_dir, previous=index_dir / generation)
            report.files, report.documents = manifest.counts()
            _finish_manifest(manifest, corpus, report)
            full.refuse_big_loss(index_dir, report.documents, force)
        except BaseException:
            shutil.rmtree(gen_dir, ignore_errors=True)
            raise
        store.publish(index_dir, gen_dir)
    new_docs = {bulletin_id(g[0]) for g in groups}
    report.added = len(new_docs - touched_docs)
    report.updated = len(new_docs & touched_docs)
    report.removed = len(touched_docs - new_docs)
    report.unchanged = report.documents - len(new_docs)
    report.merged = report.files - report.documents
    report.generation = gen_dir.name
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _UpdatePlan:
    docs: dict  # every indexed path → its document id
    changed: list  # new files and files whose content changed
    deleted: list  # indexed files no longer in the corpus
    refreshed: dict  # path → (size, mtime_ns) for files touched without a content change


def _plan_update(corpus: Path, manifest: Manifest, report: BuildReport) -> _UpdatePlan:
    """Compare the corpus with the manifest using stat first and the content hash only on doubt."""
    indexed = manifest.stats()
    skipped_before = manifest.skipped()
    changed, refreshed = [], {}
    paths = _scan(corpus, report)
    for rel, stat in paths.items():
        entry = indexed.get(rel)
        if entry is None:
            before = skipped_before.get(rel)
            if before and (stat.st_size, stat.st_mtime_ns) == before[:2] and not needs_tool(before[2]):
                report.skipped.append((rel, before[2]))
            else:
                changed.append(rel)
        elif (stat.st_size, stat.st_mtime_ns) != entry[:2]:
            try:
                same = _sha1(corpus / rel) == entry[2]
            except OSError:
                same = False
            if same:
                refreshed[rel] = (stat.st_size, stat.st_mtime_ns)
            else:
                changed.append(rel)
    deleted = sorted(p for p in indexed if p not in paths)
    return _UpdatePlan({p: e[3] for p, e in indexed.items()}, changed, deleted, refreshed)


def _update_region(manifest: Manifest, plan: _UpdatePlan, loaded: dict) -> tuple[set, set]:
    """Files whose document may change, and the ids of the documents to replace.

    That is the changed files, indexed files they duplicate, and every other member of a document
    one of those belonged to (its group is regrouped from scratch).
    """
    region = set(loaded)
    for path, f in loaded.items():
        for other in manifest.candidates(f.sketch):
            if other not in region and other not in plan.deleted:
                sketch = manifest.sketch(other)
                if sketch and duplicates.same_bulletin(f.sketch, sketch):
                    region.add(other)
    affected = region | set(plan.deleted) | set(plan.changed)
    touched_docs = {plan.docs[p] for p in affected if p in plan.docs}
    gone = set(plan.deleted)
    for doc_id in touched_docs:
        region.update(p for p in manifest.members(doc_id) if p not in gone)
    return region, touched_docs


def is_stale(corpus: Path, index_dir: Path) -> bool:
    """True when there is no index, it was made by other analysis code, or the corpus changed since."""
    generation = store.current_generation(index_dir)
    if not full._manifest_ok(index_dir, generation):
        return True
    try:
        store.check_sizes(index_dir, generation)
    except store.IndexDamaged:  # a truncated segment: the update will rebuild
        return True
    published = (Path(index_dir) / store.CURRENT).stat().st_mtime_ns
    for folder, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*dirs, *files, ""]:
            try:
                if os.stat(os.path.join(folder, name), follow_symlinks=False).st_mtime_ns > published:
                    return True
            except OSError:
                continue
    return False
