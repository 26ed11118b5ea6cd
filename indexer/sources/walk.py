"""Finding bulletin files in a corpus folder, without reading them.

The walk must survive whatever a shared folder holds: symlink loops, links back up the tree,
broken links, unreadable folders, sockets. Each file that will not be read is reported with a
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
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        yield root, _os_reason(exc)
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        yield root, _file_reason(root, root_stat, suffixes, {}, root.parent)
        return
    seen_dirs = {(root_stat.st_dev, root_stat.st_ino): root}
    seen_files: dict[tuple[int, int], Path] = {}
    stack: list[tuple[Path, bool]] = [(root, True)]  # (path, is a directory to open)
    while stack:
        path, is_dir = stack.pop()
        if not is_dir:
            result = _classify(path, root, suffixes, seen_dirs, seen_files, stack)
            if result is not None:
                yield result
            continue
        try:
            with os.scandir(path) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as exc:
            yield path, _os_reason(exc)
            continue
        for name in reversed(names):
            if name.startswith(".") or (name.casefold().startswith("readme") and not _is_dir(path / name)):
                continue
            stack.append((path / name, False))


def _classify(path, root, suffixes, seen_dirs, seen_files, stack) -> tuple[Path, str | None] | None:
    """(path, reason or None) for a file; None for a new directory, which is queued on `stack`."""
    try:
        info = os.stat(path)  # follows symlinks
    except OSError as exc:
        if os.path.islink(path):
            if exc.errno == errno.ELOOP:
                return path, "bucle de enlaces simbólicos"
            if exc.errno == errno.ENOENT:
                return path, "enlace simbólico roto"
        return path, _os_reason(exc)
    if stat.S_ISDIR(info.st_mode):
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            return path, f"ciclo o carpeta repetida: apunta a {_shown(seen_dirs[key], root)}"
        seen_dirs[key] = path
        stack.append((path, True))
        return None
    return path, _file_reason(path, info, suffixes, seen_files, root)


def _file_reason(path: Path, info: os.stat_result, suffixes, seen_files, root: Path) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "no es un archivo regular"
    if path.name.startswith("~$"):
        return "archivo temporal de Office"
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        return f"formato no soportado ({suffix or 'sin extensión'})"
    if not os.access(path, os.R_OK):
        return "sin permiso de lectura"
    key = (info.st_dev, info.st_ino)
    if key in seen_files:
        return f"mismo archivo que {_shown(seen_files[key], root)}"
    seen_files[key] = path
    return None


def _shown(path: Path, root: Path) -> str:
    """How a path appears in a reason: relative to the corpus root."""
    relative = path.relative_to(root).as_posix()
    return "la carpeta raíz" if relative == "." else relative


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "sin permiso de lectura"
    if isinstance(exc, FileNotFoundError):
        return "no existe"
    if exc.errno == errno.ELOOP:
        return "bucle de enlaces simbólicos"
    return f"inaccesible: {exc.strerror or type(exc).__name__}"
