"""Sources stage: turn a bulletin file of any supported format into a `SourceText`.

`read_bulletin` is the one door: it checks the file (exists, regular, not empty, not too big),
reads it once, hands the bytes to the format's reader and converts *any* failure into
`Unreadable(reason)`, so one bad file never stops a build and never yields half a text.
`iter_corpus` lists what to read, reporting what it skips and why.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from ..document import SourceText, Unreadable
from . import walk
from .ocr import read_image
from .office import read_doc, read_odt, read_rtf
from .pdf import read_pdf
from .text import read_markdown, read_text
from .web import read_html
from .word import read_docx

MAX_TEXT_BYTES = 20 * 1024 * 1024  # .txt/.md/.html: no bulletin is this long
MAX_BINARY_BYTES = 100 * 1024 * 1024  # .docx/.pdf carry images, so they may be bigger
MAX_IMAGE_BYTES = 50 * 1024 * 1024  # a scanned page, or a multi-page TIFF of a few

_READERS: dict[str, tuple[Callable[[bytes], SourceText], int]] = {
    ".txt": (read_text, MAX_TEXT_BYTES),
    ".md": (read_markdown, MAX_TEXT_BYTES),
    ".markdown": (read_markdown, MAX_TEXT_BYTES),
    ".html": (read_html, MAX_TEXT_BYTES),
    ".htm": (read_html, MAX_TEXT_BYTES),
    ".docx": (read_docx, MAX_BINARY_BYTES),
    ".pdf": (read_pdf, MAX_BINARY_BYTES),
    ".doc": (read_doc, MAX_BINARY_BYTES),
    ".odt": (read_odt, MAX_BINARY_BYTES),
    ".rtf": (read_rtf, MAX_BINARY_BYTES),
    ".png": (read_image, MAX_IMAGE_BYTES),
    ".jpg": (read_image, MAX_IMAGE_BYTES),
    ".jpeg": (read_image, MAX_IMAGE_BYTES),
    ".tif": (read_image, MAX_IMAGE_BYTES),
    ".tiff": (read_image, MAX_IMAGE_BYTES),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)

__all__ = ["SUPPORTED_SUFFIXES", "MAX_TEXT_BYTES", "MAX_BINARY_BYTES", "read_bulletin", "iter_corpus", "scan_corpus",
           "needs_tool"]


def read_bulletin(path: Path) -> SourceText:
    """The file's text and structure; raises `Unreadable` (and nothing else) when it cannot be a bulletin."""
    path = Path(path)
    try:
        suffix = path.suffix.lower()
        if suffix not in _READERS:
            raise Unreadable(f"formato no soportado ({suffix or 'sin extensión'})")
        reader, limit = _READERS[suffix]
        source = reader(_read_bytes(path, limit))
        if not source.text.strip():
            raise Unreadable("sin texto")
        return source
    except Unreadable:
        raise
    except RecursionError:
        raise Unreadable("estructura demasiado anidada") from None
    except MemoryError:
        raise Unreadable("sin memoria para leerlo") from None
    except Exception as exc:  # a reader bug or library surprise must not stop the build
        raise Unreadable(f"error al leer: {type(exc).__name__}: {str(exc)[:120]}") from exc


def needs_tool(reason: str) -> bool:
    """Whether a file was skipped only for a missing system tool (or OCR switched off): worth reading again."""
    return "instale " in reason or "OCR desactivado" in reason


def iter_corpus(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Walk `root` recursively in sorted order: (path, None) to read, (path, reason) skipped.

    Skips unsupported formats, unreadable files, broken links, link loops and directory cycles with
    a reason; passes over hidden files/folders and README files silently. Reads no file contents.
    """
    return walk.iter_corpus(Path(root), SUPPORTED_SUFFIXES)


def scan_corpus(root: Path) -> Iterator[tuple[str, str | None, os.stat_result | None]]:
    """The same walk as (relative path, reason, stat of each candidate file), for fast updates."""
    return walk.scan(Path(root), SUPPORTED_SUFFIXES)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("es una carpeta")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("no es un archivo regular")
        if info.st_size > limit:
            raise Unreadable(f"demasiado grande (> {limit // 2**20} MB)")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise Unreadable("no existe (¿borrado o movido?)") from None
    except PermissionError:
        raise Unreadable("sin permiso de lectura") from None
    except OSError as exc:
        raise Unreadable(f"error de lectura: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise Unreadable(f"demasiado grande (> {limit // 2**20} MB)")
    if not data:
        raise Unreadable("vacío")
    return data
