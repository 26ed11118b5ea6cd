"""OCR for scanned bulletins (image-only PDFs and image files) with Tesseract's Spanish model.

PDF pages are rasterised in-process by pypdfium2 (a wheel: no system package beyond Tesseract,
about 0.1 s a page) at the scan's own resolution, and each page image is piped to the `tesseract`
binary (what pytesseract would wrap, without its temporary files). OCR costs seconds a page, so
the text of each page is cached under the file's sha256 in a folder beside the index: a rebuild or
an update never OCRs an unchanged file twice, and raising the page cap only OCRs the new pages.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..document import SourceText, Unreadable
from .tidy import tidy

ENV_MAX_PAGES = "BOLETINES_OCR_MAX_PAGES"
ENV_CACHE = "BOLETINES_OCR_CACHE"
DEFAULT_MAX_PAGES = 20
CACHE_FOLDER = "ocr-cache"  # inside the index folder, beside the generations (which never delete it)
LANGUAGE = "spa"
MISSING = "escaneado: instale tesseract-ocr-spa para leerlo"
DISABLED = f"escaneado: OCR desactivado ({ENV_MAX_PAGES}=0)"
PAGE_TIMEOUT = 180  # seconds; a page that takes longer is not a bulletin page
MIN_LETTERS = 20
_CACHE_VERSION = 1  # raise when rendering or Tesseract options change what a page reads as
_MIN_DPI, _MAX_DPI, _DEFAULT_DPI = 150, 300, 300
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class OcrSettings:
    """Where OCR text is cached (None: nowhere) and how many pages of a file are OCR'd (0: none)."""

    cache_dir: Path | None = None
    max_pages: int = DEFAULT_MAX_PAGES

    @classmethod
    def for_index(cls, index_dir: Path | None, max_pages: int | None = None) -> "OcrSettings":
        """Option, then environment variable, then default; the cache sits in the index folder."""
        cache = os.environ.get(ENV_CACHE) or (Path(index_dir) / CACHE_FOLDER if index_dir else None)
        return cls(Path(cache) if cache else None, max_pages if max_pages is not None else env_max_pages())


def env_max_pages() -> int:
    value = os.environ.get(ENV_MAX_PAGES, "").strip()
    try:
        return max(0, int(value)) if value else DEFAULT_MAX_PAGES
    except ValueError:
        return DEFAULT_MAX_PAGES


_settings: OcrSettings | None = None  # per process; None: read from the environment when needed


@contextlib.contextmanager
def using(settings: OcrSettings | None):
    """Read files with these OCR settings (the build sets them in each worker process)."""
    global _settings
    saved, _settings = _settings, settings if settings is not None else _settings
    try:
        yield
    finally:
        _settings = saved


def current() -> OcrSettings:
    return _settings if _settings is not None else OcrSettings.for_index(None)


@functools.lru_cache(maxsize=1)
def tesseract_ready() -> bool:
    """Whether the `tesseract` binary and its Spanish model are installed."""
    if not shutil.which("tesseract"):
        return False
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANGUAGE in listed.stdout.decode("utf-8", "replace").split()


def read_scanned_pdf(data: bytes) -> SourceText:
    """The OCR text of a PDF without a text layer (up to the page cap)."""
    return _read(data, "pdf", _PdfPages)


def read_image(data: bytes) -> SourceText:
    """The OCR text of an image file (.png, .jpg, .tif; every frame of a multi-page TIFF)."""
    return _read(data, "imagen", _ImagePages)


def _read(data: bytes, fmt: str, pages_class) -> SourceText:
    settings = current()
    if settings.max_pages <= 0:
        raise Unreadable(DISABLED)
    started = time.perf_counter()
    cache = _Cache(settings.cache_dir, hashlib.sha256(data).hexdigest())
    entry = cache.load()
    total = entry.get("total")
    texts: list = entry.get("pages", [])
    wanted = min(total, settings.max_pages) if total is not None else None
    done = 0
    if wanted is None or len(texts) < wanted or None in texts[:wanted]:
        if not tesseract_ready():
            raise Unreadable(MISSING)
        pages = pages_class(data)
        total = pages.count
        wanted = min(total, settings.max_pages)
        texts = texts + [None] * (wanted - len(texts))
        for number in range(wanted):
            if texts[number] is None:
                texts[number] = run_tesseract(pages.png(number), pages.dpi(number), number + 1)
                done += 1
        cache.save({"total": total, "pages": texts})
    text = tidy("\n\n".join(texts[:wanted]))
    letters = sum(1 for _ in zip(range(MIN_LETTERS), _LETTER.finditer(text)))
    if letters < MIN_LETTERS:
        raise Unreadable("escaneado: el OCR no encontró texto legible")
    warnings = [f"OCR limitado a las primeras {wanted} de {total} páginas ({ENV_MAX_PAGES})"] if total > wanted else []
    info = {"pages": wanted, "ocr_pages": done, "cached": done == 0, "seconds": round(time.perf_counter() - started, 3)}
    return SourceText(text=text, format=fmt, meta={"ocr": info}, warnings=warnings)


def run_tesseract(png: bytes, dpi: int, number: int) -> str:
    """One page image → its text. A single thread: the build already runs one file per core."""
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        result = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(dpi)],
                                input=png, capture_output=True, timeout=PAGE_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise Unreadable(f"escaneado: el OCR de la página {number} tardó más de {PAGE_TIMEOUT} s") from None
    except OSError as exc:
        raise Unreadable(f"{MISSING} ({exc.strerror or type(exc).__name__})") from None
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unreadable(f"escaneado: el OCR falló en la página {number}: {(detail or ['?'])[-1][:100]}")
    return result.stdout.decode("utf-8", "replace")


class _PdfPages:
    """Pages of a PDF as grayscale PNG images, rendered at the resolution of the scan they hold."""

    def __init__(self, data: bytes):
        import pypdfium2

        try:
            self.document = pypdfium2.PdfDocument(data)
            self.count = len(self.document)
        except Exception as exc:  # pdfium raises PdfiumError on files pypdf could still open
            raise Unreadable(f"PDF dañado: no se pudo rasterizar para OCR ({str(exc)[:80]})") from exc
        self._dpi: dict[int, int] = {}

    def dpi(self, number: int) -> int:
        if number not in self._dpi:
            self._dpi[number] = _scan_dpi(self.document[number])
        return self._dpi[number]

    def png(self, number: int) -> bytes:
        image = self.document[number].render(scale=self.dpi(number) / 72, grayscale=True).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()


def _scan_dpi(page) -> int:
    """The resolution of the widest image on the page, kept within what Tesseract reads well."""
    import pypdfium2.raw as pdfium_c

    best = 0.0
    try:
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            left, _bottom, right, _top = obj.get_pos()
            width_px, _height_px = obj.get_px_size()
            if right - left > 1:
                best = max(best, width_px / ((right - left) / 72))
    except Exception:  # odd image objects only cost the guess
        best = 0.0
    return int(min(max(best, _MIN_DPI), _MAX_DPI)) if best else _DEFAULT_DPI


class _ImagePages:
    """Frames of an image file as grayscale PNG images (Pillow reads PNG, JPEG and TIFF)."""

    def __init__(self, data: bytes):
        from PIL import Image

        try:
            self.image = Image.open(io.BytesIO(data))
            self.image.load()
            self.count = getattr(self.image, "n_frames", 1)
        except Image.DecompressionBombError:
            raise Unreadable("imagen demasiado grande para OCR") from None
        except Exception as exc:  # Pillow raises UnidentifiedImageError, OSError, SyntaxError...
            raise Unreadable(f"imagen dañada: {type(exc).__name__}") from exc

    def dpi(self, number: int) -> int:
        value = self.image.info.get("dpi", (0, 0))[0] if isinstance(self.image.info.get("dpi"), tuple) else 0
        return int(min(max(value, 70), 1200)) if value else _DEFAULT_DPI

    def png(self, number: int) -> bytes:
        try:
            self.image.seek(number)
            frame = self.image.convert("L")
        except Exception as exc:
            raise Unreadable(f"imagen dañada en la página {number + 1}: {type(exc).__name__}") from exc
        buffer = io.BytesIO()
        frame.save(buffer, format="PNG")
        return buffer.getvalue()


class _Cache:
    """Per-page OCR text of one file, stored as JSON under its content hash."""

    def __init__(self, folder: Path | None, digest: str):
        name = f"{digest}.{LANGUAGE}.v{_CACHE_VERSION}.json"
        self.path = Path(folder) / digest[:2] / name if folder else None

    def load(self) -> dict:
        if self.path is None:
            return {}
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # absent or damaged: OCR again
        if (isinstance(entry, dict) and isinstance(entry.get("total"), int) and isinstance(entry.get("pages"), list)
                and all(t is None or isinstance(t, str) for t in entry["pages"])):
            return entry
        return {}

    def save(self, entry: dict) -> None:
        """Written atomically; a cache that cannot be written only costs the next OCR."""
        if self.path is None:
            return
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
