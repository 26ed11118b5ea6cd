"""The PDF reader by layout, on small PDFs drawn here: order by position, furniture, headline by size."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from indexer.document import Unreadable
from indexer.extract import extract_metadata
from indexer.sources import read_bulletin
from indexer.sources.pdf import NoTextLayer, has_text_layer, read_text_layer

BODY = (
    "La Secretaría de Salud informó que las brigadas de vacunación recorrerán las ocho regiones "
    "del estado durante las próximas semanas para atender a personas mayores y a menores de cinco años."
)


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    return pdf


def _text(pdf: FPDF, x: float, y: float, text: str, size: float = 11, width: float = 0) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.set_xy(x, y)
    if width:
        pdf.multi_cell(width, size * 0.5, text)
    else:
        pdf.cell(0, size * 0.5, text)


def _write(tmp_path: Path, name: str, pdf: FPDF) -> Path:
    path = tmp_path / name
    path.write_bytes(bytes(pdf.output()))
    return path


def test_a_footer_drawn_first_is_read_last_and_never_the_title(tmp_path):
    pdf = _pdf()
    for page in (1, 2, 3):
        pdf.add_page()
        # The footer comes first in the content stream, as some office suites write it.
        _text(pdf, 20, 280, f"Dirección de Comunicación Social · Página {page}", size=8)
        if page == 1:
            _text(pdf, 20, 30, "Arranca la campaña invernal de vacunación", size=18)
        _text(pdf, 20, 50, f"Parte {page}. {BODY}", width=170)
    source = read_bulletin(_write(tmp_path, "b.pdf", pdf))
    text = source.text
    assert text.startswith("Arranca la campaña invernal de vacunación")
    assert text.count("Dirección de Comunicación Social") == 1  # kept once, at the end
    assert text.rstrip().endswith("Dirección de Comunicación Social · Página 1")
    order = [text.index(f"Parte {n}.") for n in (1, 2, 3)]
    assert order == sorted(order)
    metadata = extract_metadata(source, "b.pdf")
    assert metadata.title == "Arranca la campaña invernal de vacunación"


def test_running_header_is_kept_once_and_states_the_number(tmp_path):
    pdf = _pdf()
    for page in (1, 2):
        pdf.add_page()
        _text(pdf, 20, 10, "Informe de situación COVID-19. N° 6. Departamento de Epidemiología.", size=8)
        if page == 1:
            _text(pdf, 20, 25, "Situación epidemiológica", size=20)
            _text(pdf, 20, 37, "11 de marzo de 2020. 17:00 horas.", size=14)
        _text(pdf, 20, 55, BODY, width=170)
    source = read_bulletin(_write(tmp_path, "2020-03-11-Informe_2.pdf", pdf))
    assert source.text.count("Informe de situación COVID-19. N° 6.") == 1
    metadata = extract_metadata(source, "2020-03-11-Informe_2.pdf")
    assert metadata.number == "6"  # the printed number, not the file name's 2
    assert metadata.title == "Situación epidemiológica"
    assert metadata.date == dt.date(2020, 3, 11)


def test_two_columns_are_read_one_after_the_other(tmp_path):
    left = "Columna izquierda: " + BODY + " Fin de la izquierda."
    right = "Columna derecha: " + BODY + " Fin de la derecha."
    pdf = _pdf()
    pdf.add_page()
    _text(pdf, 20, 20, "Titular a todo lo ancho de la página", size=18)
    _text(pdf, 110, 40, right, width=80)  # drawn first, read second
    _text(pdf, 20, 40, left, width=80)
    _text(pdf, 20, 150, "Un párrafo final a todo lo ancho, después de ambas columnas.")
    text = read_bulletin(_write(tmp_path, "b.pdf", pdf)).text
    flat = " ".join(text.split())
    assert left in flat and right in flat  # each column's lines stay together
    assert flat.index("Titular") < flat.index(left) < flat.index(right) < flat.index("Un párrafo final")


def test_table_rows_stay_lines_and_contents_lose_their_dot_leaders(tmp_path):
    pdf = _pdf()
    pdf.add_page()
    _text(pdf, 20, 20, "Contenido", size=16)
    _text(pdf, 20, 32, "Resumen " + "." * 60 + " 3")
    _text(pdf, 20, 40, "Situación nacional " + "." * 50 + " 7")
    for row, (region, new, total) in enumerate([("Región", "Nuevos", "Total"), ("Metropolitana", "101", "1.521"),
                                                 ("Valparaíso", "21", "136")]):
        for column, cell in enumerate((region, new, total)):
            _text(pdf, 20 + 60 * column, 70 + 8 * row, cell)
    lines = read_bulletin(_write(tmp_path, "b.pdf", pdf)).text.splitlines()
    assert "Resumen" in lines and "Situación nacional" in lines
    assert not any("...." in line for line in lines)
    assert "Metropolitana 101 1.521" in lines
    assert "Valparaíso 21 136" in lines


def test_headline_is_the_largest_text_under_a_logo_line(tmp_path):
    pdf = _pdf()
    pdf.add_page()
    _text(pdf, 20, 15, "SECRETARÍA DE SALUD", size=24)  # a logo line, larger than the headline
    _text(pdf, 20, 32, "Ciudad de México, 5 de mayo de 2020", size=20)  # a date line is no headline either
    _text(pdf, 20, 45, "Refuerzan la vigilancia epidemiológica", size=17)
    _text(pdf, 20, 54, "en las escuelas del país", size=17)  # the headline wraps over two lines
    _text(pdf, 20, 70, BODY, width=170)
    source = read_bulletin(_write(tmp_path, "b.pdf", pdf))
    metadata = extract_metadata(source, "b.pdf")
    assert metadata.title == "Refuerzan la vigilancia epidemiológica en las escuelas del país"
    assert metadata.agencies == ["Secretaría de Salud (SSA)"]
    assert metadata.date == dt.date(2020, 5, 5)


def test_hyphenated_line_end_is_joined(tmp_path):
    pdf = _pdf()
    pdf.add_page()
    _text(pdf, 20, 20, "Las brigadas aplicarán la vacu-")
    _text(pdf, 20, 26, "na contra la influenza en el IMSS-")
    _text(pdf, 20, 32, "Bienestar de cada región del estado.")
    text = read_bulletin(_write(tmp_path, "b.pdf", pdf)).text
    assert "la vacuna contra la influenza" in text
    assert "IMSS-Bienestar" in text


def test_a_dateline_split_by_extraction_still_dates_the_bulletin(tmp_path):
    pdf = _pdf()
    pdf.add_page()
    _text(pdf, 20, 20, "Nota informativa 12", size=14)
    # The place and the date drawn as separate pieces on one baseline, the date spaced oddly.
    _text(pdf, 20, 35, "MADRI")
    _text(pdf, 34, 35, "D 1/06")
    _text(pdf, 49, 35, "/2020.")
    _text(pdf, 20, 45, BODY, width=170)
    source = read_bulletin(_write(tmp_path, "nota.pdf", pdf))
    metadata = extract_metadata(source, "nota.pdf")
    assert metadata.date == dt.date(2020, 6, 1)
    assert metadata.place == "Madrid"
    assert metadata.number == "12"


def test_scan_without_text_layer_says_so(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "gray").save(buffer, format="PNG")
    buffer.seek(0)
    pdf = _pdf()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=100)
    data = bytes(pdf.output())
    assert has_text_layer(data) is False
    with pytest.raises(NoTextLayer, match="PDF sin texto"):
        read_text_layer(data)
    with pytest.raises(Unreadable, match="^escaneado: "):  # sent to OCR, which finds no words in grey
        read_bulletin(_write(tmp_path, "scan.pdf", pdf))
    text_pdf = _pdf()
    text_pdf.add_page()
    _text(text_pdf, 20, 20, BODY, width=170)
    assert has_text_layer(bytes(text_pdf.output())) is True


def test_password_protected_pdf_is_reported(tmp_path):
    pdf = _pdf()
    pdf.set_encryption(owner_password="dueño", user_password="secreta")
    pdf.add_page()
    _text(pdf, 20, 20, BODY, width=170)
    with pytest.raises(Unreadable, match="contraseña"):
        read_bulletin(_write(tmp_path, "b.pdf", pdf))


def test_an_agency_on_the_running_header_is_the_issuer(tmp_path):
    pdf = _pdf()
    for page in (1, 2):
        pdf.add_page()
        _text(pdf, 20, 10, f"Boletín semanal de la campaña de invierno en el estado · Instituto Mexicano del "
                           f"Seguro Social · Página {page}", size=8)
        if page == 1:
            _text(pdf, 20, 25, "Avanza la campaña de vacunación", size=20)
        _text(pdf, 20, 45, "Las brigadas recorrerán las ocho regiones del estado durante las próximas semanas "
                           "para atender a personas mayores y a menores de cinco años.", width=170)
    source = read_bulletin(_write(tmp_path, "b.pdf", pdf))
    metadata = extract_metadata(source, "b.pdf")
    assert metadata.agencies == ["Instituto Mexicano del Seguro Social (IMSS)"]
    assert metadata.sources["agencies"] == "running header"  # too little of the line to be a logo block
