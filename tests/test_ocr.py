"""OCR of scanned bulletins: pages rendered from text here, read back by Tesseract; the cache and the
report when Tesseract is missing are tested with the binary counted or swapped out."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from indexer import build
from indexer.document import Unreadable
from indexer.sources import needs_tool, ocr, read_bulletin
from indexer.sources.ocr import OcrSettings

needs_tesseract = pytest.mark.skipif(not ocr.tesseract_ready(),
                                     reason="Tesseract con el modelo español no está instalado (tesseract-ocr-spa)")

LINES = [
    "Secretaría de Salud",
    "Boletín 45/2023",
    "Arranca la campaña de vacunación",
    "contra la influenza en Oaxaca.",
    "Las brigadas visitan escuelas y mercados",
    "durante todo el invierno.",
]


def _font() -> tuple[ImageFont.FreeTypeFont, bool]:
    """A system sans-serif with accented letters when there is one; Pillow's own (no accents) otherwise."""
    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"):
        try:
            return ImageFont.truetype(name, 40), True
        except OSError:
            continue
    return ImageFont.load_default(size=40), False


FONT, FONT_HAS_ACCENTS = _font()


def page_image(lines: list[str], size=(1275, 1650)) -> Image.Image:
    """A grayscale page at 150 dpi with the lines typeset in a large sans-serif, as a scanner makes it."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = FONT
    for number, line in enumerate(lines):
        draw.text((120, 150 + number * 70), line, fill=0, font=font)
    return image


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """An image-only PDF: each page is one embedded picture, no text layer."""
    pdf = FPDF(unit="pt", format=(612, 792))
    for lines in pages:
        picture = io.BytesIO()
        page_image(lines).save(picture, format="PNG")
        picture.seek(0)
        pdf.add_page()
        pdf.image(picture, x=0, y=0, w=612, h=792)
    return bytes(pdf.output())


def write(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def no_cache():
    with ocr.using(OcrSettings(cache_dir=None)):
        yield


@pytest.fixture
def count_tesseract(monkeypatch):
    """The real Tesseract, with each page it reads counted."""
    calls = []
    real = ocr.run_tesseract

    def counting(png, dpi, number):
        calls.append(number)
        return real(png, dpi, number)

    monkeypatch.setattr(ocr, "run_tesseract", counting)
    return calls


@pytest.fixture
def without_tesseract(monkeypatch, tmp_path):
    """A machine where the `tesseract` binary is not on the PATH."""
    empty = tmp_path / "sin-programas"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ocr.tesseract_ready.cache_clear()
    yield
    ocr.tesseract_ready.cache_clear()


@needs_tesseract
def test_scanned_pdf_page_is_read_by_ocr(tmp_path, no_cache):
    source = read_bulletin(write(tmp_path, "escaneado.pdf", scanned_pdf([LINES])))
    words = source.text.casefold()
    expected = ["influenza", "oaxaca", "brigadas", "invierno", "45/2023"]
    expected += ["vacunación", "secretaría", "campaña"] if FONT_HAS_ACCENTS else []
    for word in expected:
        assert word in words, f"{word!r} not in OCR text {source.text!r}"
    assert source.meta["ocr"]["pages"] == 1 and source.meta["ocr"]["cached"] is False


@needs_tesseract
def test_png_and_jpeg_images_are_read_by_ocr(tmp_path, no_cache):
    for name, kind in (("pagina.png", "PNG"), ("pagina.jpg", "JPEG")):
        buffer = io.BytesIO()
        page_image(LINES).save(buffer, format=kind)
        source = read_bulletin(write(tmp_path, name, buffer.getvalue()))
        assert "influenza" in source.text.casefold(), name
        assert source.format == "imagen"


@needs_tesseract
def test_page_cap_limits_ocr_and_says_so(tmp_path, count_tesseract):
    frames = [page_image(["Primera hoja del boletín de salud"]), page_image(["Segunda hoja sobre la influenza"]),
              page_image(["Tercera hoja sobre el dengue"])]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    path = write(tmp_path, "paginas.tif", buffer.getvalue())
    with ocr.using(OcrSettings(cache_dir=tmp_path / "cache", max_pages=2)):
        source = read_bulletin(path)
    assert "influenza" in source.text.casefold() and "dengue" not in source.text.casefold()
    assert source.warnings == ["OCR limitado a las primeras 2 de 3 páginas (BOLETINES_OCR_MAX_PAGES)"]
    assert count_tesseract == [1, 2]
    with ocr.using(OcrSettings(cache_dir=tmp_path / "cache", max_pages=5)):  # raising the cap: only the new page
        source = read_bulletin(path)
    assert "dengue" in source.text.casefold() and source.warnings == []
    assert count_tesseract == [1, 2, 3]


@needs_tesseract
def test_rebuild_and_update_never_ocr_an_unchanged_file_twice(tmp_path, count_tesseract):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    scan = write(corpus, "escaneos/boletin.pdf", scanned_pdf([LINES, ["Segunda hoja del boletín de salud"]]))
    write(corpus, "otro.txt", "Secretaría de Salud\n\nAvisos de la temporada de lluvias y el dengue.".encode())
    copy = write(corpus, "copia/boletin-copia.pdf", scan.read_bytes())  # same bytes, another name

    first = build.build(corpus, index, jobs=1)
    assert first.skipped == [] and first.files == 3
    assert sorted(count_tesseract) == [1, 2]  # the copy hit the cache the original filled
    assert first.ocr == {"files": 2, "pages": 4, "ocr_pages": 2, "cached": 1, "seconds": first.ocr["seconds"]}
    assert (index / "ocr-cache").is_dir()

    second = build.build(corpus, index, jobs=1)  # new generation, same cache
    assert sorted(count_tesseract) == [1, 2]
    assert second.ocr["files"] == 2 and second.ocr["cached"] == 2 and second.ocr["ocr_pages"] == 0

    os.utime(copy, ns=(1, 1))  # touched, not changed
    copy.write_bytes(scan.read_bytes())
    third = build.update(corpus, index, jobs=1)
    assert sorted(count_tesseract) == [1, 2]
    assert third.mode == "update" and third.documents == second.documents


def test_missing_tesseract_reports_the_file_with_what_to_install(tmp_path, without_tesseract, no_cache):
    path = write(tmp_path, "escaneado.pdf", scanned_pdf([LINES]))
    with pytest.raises(Unreadable, match="^escaneado: instale tesseract-ocr-spa para leerlo$"):
        read_bulletin(path)
    buffer = io.BytesIO()
    page_image(LINES).save(buffer, format="PNG")
    with pytest.raises(Unreadable, match="instale tesseract-ocr-spa"):
        read_bulletin(write(tmp_path, "foto.png", buffer.getvalue()))


def test_a_scan_skipped_for_missing_tesseract_is_read_once_it_is_installed(tmp_path, monkeypatch):
    """The update retries files skipped for a missing tool; the OCR engine is swapped for a stand-in here."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "escaneado.pdf", scanned_pdf([LINES]))
    write(corpus, "otro.txt", "Secretaría de Salud\n\nAvisos de la temporada de lluvias y el dengue.".encode())
    monkeypatch.setattr(ocr, "tesseract_ready", lambda: False)
    report = build.build(corpus, index, jobs=1)
    assert report.skipped == [("escaneado.pdf", ocr.MISSING)] and needs_tool(ocr.MISSING)
    assert build.update(corpus, index, jobs=1).skipped == [("escaneado.pdf", ocr.MISSING)]  # still missing

    monkeypatch.setattr(ocr, "tesseract_ready", lambda: True)
    monkeypatch.setattr(ocr, "run_tesseract", lambda png, dpi, number: "Boletín leído por OCR sobre la influenza estacional")
    report = build.update(corpus, index, jobs=1)
    assert report.skipped == [] and report.added == 1 and report.ocr["files"] == 1


def test_ocr_switched_off_is_reported(tmp_path):
    path = write(tmp_path, "escaneado.pdf", scanned_pdf([LINES]))
    with ocr.using(OcrSettings(cache_dir=None, max_pages=0)):
        with pytest.raises(Unreadable, match=r"OCR desactivado \(BOLETINES_OCR_MAX_PAGES=0\)"):
            read_bulletin(path)


def test_settings_come_from_option_then_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(ocr.ENV_CACHE, raising=False)
    monkeypatch.setenv(ocr.ENV_MAX_PAGES, "7")
    assert OcrSettings.for_index(tmp_path) == OcrSettings(tmp_path / "ocr-cache", 7)
    assert OcrSettings.for_index(tmp_path, max_pages=3).max_pages == 3
    monkeypatch.setenv(ocr.ENV_MAX_PAGES, "muchas")
    monkeypatch.setenv(ocr.ENV_CACHE, str(tmp_path / "otra"))
    assert OcrSettings.for_index(tmp_path) == OcrSettings(tmp_path / "otra", ocr.DEFAULT_MAX_PAGES)


def test_corrupt_images_are_reported_not_fatal(tmp_path, monkeypatch, no_cache):
    monkeypatch.setattr(ocr, "tesseract_ready", lambda: True)
    buffer = io.BytesIO()
    page_image(LINES).save(buffer, format="PNG")
    for name, data in (("rota.png", buffer.getvalue()[:300]), ("falsa.jpg", b"no es una imagen" * 20),
                       ("vacia.tif", b"II*\x00" + b"\x00" * 40)):
        with pytest.raises(Unreadable, match="imagen dañada"):
            read_bulletin(write(tmp_path, name, data))


def test_damaged_cache_entry_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_ready", lambda: True)
    calls = []
    monkeypatch.setattr(ocr, "run_tesseract", lambda png, dpi, number: calls.append(number) or "Texto de la vacunación " * 3)
    path = write(tmp_path, "escaneado.pdf", scanned_pdf([LINES]))
    settings = OcrSettings(cache_dir=tmp_path / "cache")
    with ocr.using(settings):
        read_bulletin(path)
        [entry] = (tmp_path / "cache").rglob("*.json")
        entry.write_text("{roto", encoding="utf-8")
        assert "vacunación" in read_bulletin(path).text
        read_bulletin(path)
    assert calls == [1, 1]


def test_progress_bar_counts_ocr(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_ready", lambda: True)
    monkeypatch.setattr(ocr, "run_tesseract", lambda png, dpi, number: "Boletín sobre la campaña de vacunación " * 3)
    corpus = tmp_path / "corpus"
    write(corpus, "a.pdf", scanned_pdf([LINES]))
    write(corpus, "b.txt", "Secretaría de Salud\n\nAvisos de la temporada de lluvias y el dengue.".encode())
    postfixes = []

    class Bar:
        def __init__(self, total, label):
            pass

        def update(self, n):
            pass

        def set_postfix_str(self, text, refresh=True):
            postfixes.append(text)

        def close(self):
            pass

    build.build(corpus, tmp_path / "index", progress=Bar, jobs=1)
    assert postfixes == ["OCR 1 (1 págs.)"]


def test_bulletin_page_says_the_text_came_from_ocr(tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.setattr(ocr, "tesseract_ready", lambda: True)
    monkeypatch.setattr(ocr, "run_tesseract", lambda png, dpi, number: "Boletín sobre la campaña de vacunación " * 3)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "escaneado.pdf", scanned_pdf([LINES]))
    write(corpus, "otro.txt", "Secretaría de Salud\n\nAvisos de la temporada de lluvias y el dengue.".encode())
    build.build(corpus, index, jobs=1)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()
    scanned = client.get("/boletin/" + build.bulletin_id("escaneado.pdf"))
    typed = client.get("/boletin/" + build.bulletin_id("otro.txt"))
    assert scanned.status_code == typed.status_code == 200
    assert "Texto obtenido por OCR" in scanned.get_data(as_text=True)
    assert "OCR" not in typed.get_data(as_text=True)
