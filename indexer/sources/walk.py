"""Finding bulletin files in a corpus folder, without reading them.

The walk must survive whatever a shared folder holds: symlink loops, links back up the tree,
broken links, unreadable folders, sockets. Nothing outside the corpus root is ever read: a link
(to a file or a folder) that resolves outside it is skipped as "enlace fuera del corpus". Each file that will not be read is reported with a
reason instead, so an operator can see why a bulletin is missing. The order is stable (sorted by
path) so builds and reports are reproducible.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path


def iter_corpus(root: Path, suffixes: frozenset[str]) -> Iterator[tuple[Path, str | None]]:
    """Yield (path, None) for candidate files and (path, reason) for skipped ones.

    Hidden files and folders (name starting with '.') and README files are passed over silently:
    they are never bulletins. Paths are `root`-relative joins (links are not resolved), so
    `path.relative_to(root)` always works.
    """
    root = Path(root)
    for relative, reason, _ in scan(root, suffixes):
        yield (root / relative if relative else root), reason


def scan(root: Path, suffixes: frozenset[str]) -> Iterator[tuple[str, str | None, os.stat_result | None]]:
    """Like `iter_corpus`, as (relative path with "/", reason, stat of a candidate file).

    Works on strings and hands back each file's stat, so an update can compare a 100,000-file
    corpus with its manifest without a second pass of system calls.
    """
    top = os.fspath(root)
    try:
        root_stat = os.stat(top)
    except OSError as exc:
        yield "", _os_reason(exc), None
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        yield "", _file_reason(top, os.path.basename(top), root_stat, suffixes, {}), None
        return
    real_top = os.path.realpath(top)
    seen_dirs = {(root_stat.st_dev, root_stat.st_ino): ""}
    seen_files: dict[tuple[int, int], str] = {}
    # (relative path, directory entry or None, is a directory to open)
    stack: list[tuple[str, os.DirEntry | None, bool]] = [("", None, True)]
    while stack:
        relative, entry, is_dir = stack.pop()
        if not is_dir:
            if entry is not None and _plain_file(entry):  # the common case: one stat, no link to follow
                info = entry.stat(follow_symlinks=False)
                reason = _file_reason(entry.path, entry.name, info, suffixes, seen_files, relative)
                yield relative, reason, (info if reason is None else None)
                continue
            full = entry.path if entry else os.path.join(top, relative)
            if not inside(real_top, full):
                yield relative, OUTSIDE, None
                continue
            result = _classify(full, relative, suffixes, seen_dirs, seen_files, stack)
            if result is not None:
                yield result
            continue
        try:
            with os.scandir(os.path.join(top, relative) if relative else top) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield relative, _os_reason(exc), None
            continue
        for child in reversed(entries):
            name = child.name
            if name.startswith(".") or (name.casefold().startswith("readme") and not _entry_is_dir(child)):
                continue
            stack.append((f"{relative}/{name}" if relative else name, child, False))


OUTSIDE = "enlace fuera del corpus"


def inside(real_root: str, path: str) -> bool:
    """Whether `path`, links resolved, lies within `real_root` (itself already resolved).

    A broken link or a loop resolves to a name within the root or stays unresolved; those are
    classified later, with their own reasons.
    """
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _plain_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


def _entry_is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _classify(full, relative, suffixes, seen_dirs, seen_files, stack):
    """(relative, reason or None, stat) for a file; None for a new directory, queued on `stack`."""
    try:
        info = os.stat(full)  # follows symlinks
    except OSError as exc:
        if os.path.islink(full):
            if exc.errno == errno.ELOOP:
                return relative, "bucle de enlaces simbólicos", None
            if exc.errno == errno.ENOENT:
                return relative, "enlace simbólico roto", None
        return relative, _os_reason(exc), None
    if stat.S_ISDIR(info.st_mode):
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            return relative, f"ciclo o carpeta repetida: apunta a {_shown(seen_dirs[key])}", None
        seen_dirs[key] = relative
        stack.append((relative, None, True))
        return None
    reason = _file_reason(full, relative.rsplit("/", 1)[-1], info, suffixes, seen_files, relative)
    return relative, reason, (info if reason is None else None)


def _file_reason(full: str, name: str, info: os.stat_result, suffixes, seen_files, relative: str = "") -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "no es un archivo regular"
    if name.startswith("~$"):
        return "archivo temporal de Office"
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""
    if suffix not in suffixes:
        return f"formato no soportado ({suffix or 'sin extensión'})"
    if not os.access(full, os.R_OK):
        return "sin permiso de lectura"
    key = (info.st_dev, info.st_ino)
    if key in seen_files:
        return f"mismo archivo que {_shown(seen_files[key])}"
    seen_files[key] = relative
    return None


def _shown(relative: str) -> str:
    """How a path appears in a reason: relative to the corpus root."""
    return relative or "la carpeta raíz"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "sin permiso de lectura"
    if isinstance(exc, FileNotFoundError):
        return "no existe"
    if exc.errno == errno.ELOOP:
        return "bucle de enlaces simbólicos"
    return f"inaccesible: {exc.strerror or type(exc).__name__}"
