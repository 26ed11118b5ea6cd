"""The formats evaluator: its scoring on small files made here, then the targets on the dev set."""
from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from indexer.evaluation.formats import TARGETS, below_targets, evaluate, format_report, load_gold, main, same_title

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _pdf(lines: list[tuple[float, str]]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    for size, text in lines:
        pdf.set_font("Helvetica", size=size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


BODY = "La Secretaría de Salud informó hoy que las brigadas recorrerán el estado durante las próximas semanas."
GOLD = """path,format,date,number,title,scanned,note
informes/2020-03-11-a.pdf,pdf,2020-03-11,6,Situación epidemiológica,no,
informes/2020-03-12-b.pdf,pdf,2020-03-12,7,Otro título,no,
notas/c.txt,txt,2020-05-05,,,no,
notas/roto.pdf,pdf,2020-05-06,,,no,
"""


@pytest.fixture
def shared(tmp_path):
    files = {
        "informes/2020-03-11-a.pdf": _pdf([(8, "Informe de situación COVID-19. N° 6."), (20, "SITUACIÓN EPIDEMIOLÓGICA"), (11, BODY)]),
        "informes/2020-03-12-b.pdf": _pdf([(20, "Reporte del día"), (11, BODY)]),
        "notas/c.txt": "Boletín 9\n\nNota\n\nPuebla, 5 de mayo de 2020.- Una nota breve sobre la feria del pueblo.".encode(),
        "notas/roto.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    }
    for relative, data in files.items():
        path = tmp_path / "formats" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "formats-dev.csv").write_text(GOLD, encoding="utf-8")
    return tmp_path


def test_titles_compare_by_words():
    assert same_title("Resumen ejecutivo. Situación epidemiológica COVID-19 Chile",
                      "RESUMEN EJECUTIVO Situación epidemiológica COVID-19 CHILE")
    assert not same_title("Situación epidemiologica", "Situación epidemiológica")  # accents are wording
    assert not same_title("Reporte Coronavirus", "Reporte Coronavirus nacional")


def test_scoring(shared):
    report = evaluate(shared / "formats", load_gold(shared / "eval" / "formats-dev.csv"))
    assert set(report.groups) == {"pdf informes", "txt notas", "pdf notas"}
    informes = report.groups["pdf informes"]
    assert (informes.files, informes.read, informes.dates_right, informes.dates) == (2, 2, 2, 2)
    assert (informes.numbers_right, informes.numbers) == (1, 2)
    assert (informes.titles_right, informes.titles) == (1, 2)
    assert report.groups["txt notas"].false_numbers == 1  # "Boletín 9" where the gold has none
    assert (report.groups["pdf notas"].files, report.groups["pdf notas"].read) == (1, 0)
    misses = {(m.path, m.field) for m in report.misses}
    assert misses == {
        ("informes/2020-03-12-b.pdf", "number"), ("informes/2020-03-12-b.pdf", "title"),
        ("notas/c.txt", "number+"), ("notas/roto.pdf", "read"), ("notas/roto.pdf", "date"),
    }
    table = format_report(report)
    assert "OCR s/page" in table and "notas/roto.pdf" in table
    assert any(failure.startswith("read") for failure in below_targets(report))


def test_ocr_seconds_per_page_come_from_the_reader(shared):
    from indexer.sources import read_bulletin

    def reader(path):
        source = read_bulletin(path)
        if path.suffix == ".pdf":
            source.meta["ocr"] = {"pages": 2, "ocr_pages": 2, "cached": False, "seconds": 5.0}
        return source

    report = evaluate(shared / "formats", load_gold(shared / "eval" / "formats-dev.csv"), reader)
    informes = report.groups["pdf informes"]
    assert (informes.ocr_pages, informes.ocr_seconds) == (4, 10.0)
    assert "2.50" in format_report(report)


def test_main_without_gold_is_a_clear_error(tmp_path, capsys):
    assert main(["--shared", str(tmp_path)]) == 2
    assert "formats-dev.csv" in capsys.readouterr().err


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "eval" / "formats-dev.csv").is_file(), reason="../shared not present: no formats dev set")
def test_text_pdfs_of_the_dev_set_meet_the_targets():
    gold = [row for row in load_gold(SHARED / "eval" / "formats-dev.csv")
            if row.path.startswith(("campanas-pdf/", "chile/"))]
    report = evaluate(SHARED / "formats", gold)
    overall = report.overall
    assert overall.read == overall.files
    assert overall.dates_right / overall.dates >= TARGETS["date"]
    assert overall.numbers_right / overall.numbers >= TARGETS["number"]
    assert overall.titles_right / overall.titles >= TARGETS["title"]
