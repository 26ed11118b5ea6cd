"""Readers for every bulletin format: what each keeps, what it drops, and the metadata it passes on."""
from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from fpdf import FPDF
from PIL import Image

from indexer.document import Heading, SourceText, Unreadable
from indexer.sources import SUPPORTED_SUFFIXES, iter_corpus, read_bulletin
from indexer.sources.markdown import looks_like_markdown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MARKUP_LEAKS = ("**", "](", "![", "<div", "<img", "\\_", "+--", "| [] |")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def lines(source: SourceText) -> list[str]:
    return [line for line in source.text.split("\n") if line]


def test_public_api_names():
    assert SUPPORTED_SUFFIXES == frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".doc", ".odt",
                                            ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


# --- plain text and encodings ---------------------------------------------------------------

SPANISH = "Campaña de vacunación en Peñasco: ¿dónde? ¡Aquí! Niñas y niños, señor Muñoz."


@pytest.mark.parametrize(
    "name, data",
    [
        ("utf8.txt", SPANISH.encode("utf-8")),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + SPANISH.encode("utf-8")),
        ("cp1252.txt", ("Boletín 12\n\n" + SPANISH + " “Comillas” – 5 €").encode("cp1252")),
        ("latin1.txt", SPANISH.encode("latin-1")),
        ("utf16.txt", SPANISH.encode("utf-16")),  # with BOM
        ("utf16be.txt", b"\xfe\xff" + SPANISH.encode("utf-16-be")),
        ("utf16le-nobom.txt", SPANISH.encode("utf-16-le")),
        ("short-cp1252.txt", "Año de la niñez".encode("cp1252")),
        ("one-accent-cp1252.txt", "Vacunación en Tehuantepec contra la influenza estacional".encode("cp1252")),
        ("dash-cp1252.txt", "Informe 2023 — Oaxaca de Juárez".encode("cp1252")),
        ("mac-roman.txt", SPANISH.encode("mac_roman")),
        ("cp850.txt", SPANISH.encode("cp850")),
    ],
)
def test_text_encodings_decode_to_the_right_accents(tmp_path, name, data):
    source = read_bulletin(write(tmp_path, name, data))
    expected = {
        "short-cp1252.txt": "Año de la niñez",
        "one-accent-cp1252.txt": "Vacunación en Tehuantepec contra la influenza estacional",
        "dash-cp1252.txt": "Informe 2023 — Oaxaca de Juárez",
    }.get(name, SPANISH)
    assert expected in source.text
    if name == "cp1252.txt":
        assert "“Comillas” – 5 €" in source.text


def test_decomposed_text_comes_out_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", SPANISH)
    assert decomposed != SPANISH
    source = read_bulletin(write(tmp_path, "nfd.txt", decomposed))
    assert source.text == SPANISH
    assert unicodedata.is_normalized("NFC", source.text)


def test_whitespace_and_line_structure_are_tidied(tmp_path):
    raw = "\r\n\r\n  Título\u00a0del  boletín \r\nOaxaca,\t1 de julio\r\n\r\n\r\n\r\nCuerpo\u200b del texto.  \r\n"
    source = read_bulletin(write(tmp_path, "b.txt", raw))
    assert source.text == "Título del boletín\nOaxaca, 1 de julio\n\nCuerpo del texto."
    assert source.format == "txt"


def test_plain_text_is_not_mangled():
    source = read_bulletin(FIXTURES / "plain.txt")
    assert lines(source) == [
        "Conferencia de prensa sobre dengue",
        "Secretaría de Salud",
        "08 de agosto de 2022",
        "---",
        "Presidencia de la República | 08 de agosto de 2022",
        "#CuidemosLaSalud y #SinCriaderos son las consignas de la campaña.",
        "La tasa de 2*3 casos por cada mil habitantes es menor que la del año pasado.",
        "- Eliminar recipientes con agua estancada.",
    ]
    assert source.headings == []


def test_markdown_detection_is_for_markup_not_prose():
    assert not looks_like_markdown("Texto normal con #hashtag, 2*3 y un guion - suelto.\n---\nOtra línea.")
    assert looks_like_markdown("# Título\n\nTexto")
    assert looks_like_markdown("Texto con **negritas**.")
    assert looks_like_markdown("Ver [aquí](http://example.org).")


def test_markdown_inside_a_txt_is_stripped_and_keeps_its_lines():
    source = read_bulletin(FIXTURES / "markdown_in_txt.txt")
    text = source.text
    for leak in MARKUP_LEAKS + ("#", "https://www.gob.mx", "media/logo", "galeria", "Apizaco"):
        assert leak not in text, leak
    assert lines(source)[:8] == [
        "GOBIERNO DE",
        "MÉXICO",
        "SALUD",
        "SECRETARÍA DE SALUD",
        "SERVICIOS DE SALUD",
        "IMSS-BIENESTAR",
        "COMUNICADO CONJUNTO",
        "Tlaxcala, lunes 4 de marzo 2024",
    ]
    assert "\nNo. 117/2024\n" in text
    assert "\nArranca Jornada Nacional de vacunación contra sarampión\n" in text
    assert "coordinadora estatal de IMSS-Bienestar pusieron" in text  # link text kept, URL dropped
    assert "en marcha la jornada.\nLas brigadas" in text  # backslash hard break
    assert "sitio_oficial" in text and "album_2024" in text  # escapes resolved
    assert source.headings == [
        Heading(2, "COMUNICADO CONJUNTO"),
        Heading(1, "Arranca Jornada Nacional de vacunación contra sarampión"),
        Heading(2, "LIGA DE FOTOS"),
    ]
    assert "\n\nEl titular" in text  # paragraphs separated by a blank line


def test_stray_emphasis_markers_are_dropped(tmp_path):
    raw = "Titular del boletín\n\n** Con la participación de ocho regiones, se fortalece la red*\n\nOaxaca, 11 de julio."
    source = read_bulletin(write(tmp_path, "b.txt", raw))
    assert "*" not in source.text
    assert "Con la participación de ocho regiones, se fortalece la red" in lines(source)


def test_grid_table_borders_are_layout_junk():
    source = read_bulletin(FIXTURES / "grid_table.txt")
    assert lines(source)[0] == "Hagamos equipo"
    assert "+--" not in source.text and "[]" not in source.text and "+==" not in source.text
    assert "Huajicori | 12" in lines(source)  # a table with words keeps its cells
    assert "- Se destinaron 40 millones de pesos" in lines(source)


def test_converter_leftovers_in_plain_text_are_dropped():
    source = read_bulletin(FIXTURES / "pandoc_plain.txt")
    assert lines(source)[:3] == [
        "COMUNICADO DE PRENSA 088",
        "MONTERREY, NUEVO LEÓN, 3 DE MAYO DE 2018",
        "PRESENTA CANDIDATO PLAN NACIONAL DE SALUD",
    ]
    assert "GARANTIZARÁ MEDICAMENTOS EN TODAS LAS CLÍNICAS, DIJO" in lines(source)
    assert "HIZO UN LLAMADO A LOS MÉDICOS DEL\nPAÍS\n" in source.text
    assert "_" not in source.text and ".jpeg" not in source.text
    assert "con\nénfasis en el abasto" in source.text  # hard-wrapped lines stay lines


# --- Markdown files -----------------------------------------------------------------------------


def test_markdown_front_matter_and_html_blocks():
    source = read_bulletin(FIXTURES / "front_matter.md")
    assert source.format == "md"
    assert source.front_matter == {
        "layout": "post",
        "title": "Inauguran centro de salud en Santa Lucía",
        "date": "2023-05-17 09:30:00 -0600",
        "agencies": ["Servicios de Salud de Oaxaca", "IMSS-Bienestar"],
        "number": "245/2023",
        "url": "https://example.org/boletines/245",
        "categories": "salud",
    }
    assert source.warnings == []
    text = source.text
    for leak in MARKUP_LEAKS + ("carousel", "layout:", "---", "_SSO_", "> "):
        assert leak not in text, leak
    assert lines(source)[0] == "La unidad atenderá a 12 mil habitantes de la región."
    assert "Servicios de Salud de Oaxaca (SSO) inauguró" in text
    assert '"Es un compromiso cumplido con las familias", señaló el funcionario.' in text
    assert text.endswith("Servicios disponibles\n\n1. Consulta general\n2. Vacunación")
    assert source.headings == [Heading(3, "Servicios disponibles")]


def test_yaml_dates_become_iso_strings(tmp_path):
    raw = "---\ntitle: Boletín\ndate: 2024-02-29\n---\nTexto del boletín."
    source = read_bulletin(write(tmp_path, "b.md", raw))
    assert source.front_matter == {"title": "Boletín", "date": "2024-02-29"}
    assert source.text == "Texto del boletín."


def test_malformed_front_matter_is_a_warning_not_a_failure():
    source = read_bulletin(FIXTURES / "bad_front_matter.md")
    assert source.text == "La campaña de donación de sangre se realiza en el Hospital General."
    assert source.front_matter["date"] == "2021-01-15"
    assert len(source.warnings) == 1 and "front matter" in source.warnings[0]


def test_a_rule_above_prose_is_not_front_matter(tmp_path):
    raw = "---\nEste texto empieza con una línea.\n---\nY sigue aquí."
    source = read_bulletin(write(tmp_path, "b.txt", raw))
    assert source.front_matter == {}
    assert "Este texto empieza con una línea." in source.text and "Y sigue aquí." in source.text


def test_front_matter_alone_is_unreadable(tmp_path):
    with pytest.raises(Unreadable, match="sin texto"):
        read_bulletin(write(tmp_path, "b.md", "---\ntitle: Solo metadatos\n---\n\n"))


# --- HTML ------------------------------------------------------------------------------------------


def test_html_main_text_and_metadata():
    source = read_bulletin(FIXTURES / "page.html")
    assert source.format == "html"
    text = source.text
    for junk in ("Inicio", "Trámites", "Compartir", "derechos reservados", "dataLayer", "analytics", "<"):
        assert junk not in text, junk
    assert "La Secretaría de Salud entregó equipo médico a doce hospitales" in text
    assert "Ventiladores para terapia intensiva\nMonitores de signos vitales" in text
    assert source.meta["title"] == "Entregan equipo médico a hospitales de Chiapas"
    assert source.meta["date"] == "2022-03-14"
    assert Heading(2, "Inversión") in source.headings


def test_html_latin1_page(tmp_path):
    page = (
        "<html><head><meta charset='iso-8859-1'><title>Campaña</title></head><body><article>"
        + "<p>La Secretaría de Salud informó que la campaña de vacunación continúa en Peñasco y otros municipios.</p>" * 4
        + "</article></body></html>"
    )
    source = read_bulletin(write(tmp_path, "p.htm", page.encode("latin-1")))
    assert "La Secretaría de Salud informó que la campaña de vacunación continúa en Peñasco" in source.text


# --- Word -------------------------------------------------------------------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
V_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def _text_box_run(text: str) -> str:
    """A run holding a text box, twice (modern choice + legacy fallback), as Word writes it."""
    box = f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>'
    return (
        f'<w:r {W_NS} {MC_NS} {V_NS}><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    )


def make_docx(title: str = "Documento1") -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.sections[0].header.paragraphs[0].text = "Coordinación de Comunicación Social"
    document.sections[0].footer.paragraphs[0].text = "Página 1"
    logo = document.add_paragraph("")
    logo._p.append(parse_xml(_text_box_run("SERVICIOS DE SALUD DE OAXACA")))
    document.add_paragraph("Oaxaca de Juárez, 3 de mayo de 2024")
    document.add_heading("Arranca campaña de salud bucal", level=1)
    paragraph = document.add_paragraph("Las brigadas visitarán ")
    paragraph.add_run("escuelas").bold = True
    paragraph.add_run(" de la región.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Región", "Escuelas"
    table.cell(1, 0).text, table.cell(1, 1).text = "Costa", "120"
    document.add_heading("Calendario", level=2)
    document.add_paragraph("Del 6 al 31 de mayo.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_tables_headings_in_order(tmp_path):
    source = read_bulletin(write(tmp_path, "b.docx", make_docx()))
    assert source.format == "docx"
    assert lines(source) == [
        "Coordinación de Comunicación Social",
        "SERVICIOS DE SALUD DE OAXACA",
        "Oaxaca de Juárez, 3 de mayo de 2024",
        "Arranca campaña de salud bucal",
        "Las brigadas visitarán escuelas de la región.",
        "Región | Escuelas",
        "Costa | 120",
        "Calendario",
        "Del 6 al 31 de mayo.",
    ]
    assert source.headings == [Heading(1, "Arranca campaña de salud bucal"), Heading(2, "Calendario")]
    assert source.meta == {}  # "Documento1" is a template default, not a title


def test_docx_real_title_goes_to_meta(tmp_path):
    source = read_bulletin(write(tmp_path, "b.docx", make_docx(title="Arranca campaña de salud bucal")))
    assert source.meta == {"title": "Arranca campaña de salud bucal"}


# --- PDF ----------------------------------------------------------------------------------------------

PDF_PAGES = [
    [
        "Boletín No. 045/2024",
        "Arranca la campaña invernal en Oaxaca",
        "La Secretaría de Salud informó que la vacuna-",
        "ción contra la influenza estará disponible en",
        "todas las unidades del IMSS-Bienestar del estado.",
    ],
    [
        "Las brigadas recorrerán las ocho regiones y",
        "atenderán a personas mayores de 60 años,",
        "embarazadas y menores de cinco años.",
    ],
    [
        "Se recomienda acudir con la cartilla de vacu-",
        "nación y con cubrebocas.",
        "---o0o---",
    ],
]


class _BulletinPdf(FPDF):
    def header(self):
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, "Servicios de Salud de Oaxaca - Comunicación Social", new_x="LMARGIN", new_y="NEXT")

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"Página {self.page_no()} de {{nb}}", align="C")


def make_pdf(pages=PDF_PAGES) -> bytes:
    pdf = _BulletinPdf()
    pdf.set_title("Microsoft Word - boletin045.docx")
    pdf.set_font("Helvetica", size=11)
    for page in pages:
        pdf.add_page()
        for line in page:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "gray").save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=100)
    return bytes(pdf.output())


def test_pdf_pages_in_order_without_running_header_footer(tmp_path):
    source = read_bulletin(write(tmp_path, "b.pdf", make_pdf()))
    assert source.format == "pdf"
    text = source.text
    assert text.count("Servicios de Salud de Oaxaca - Comunicación Social") == 1  # kept once, on page 1
    assert lines(source)[0] == "Servicios de Salud de Oaxaca - Comunicación Social"
    assert "Página" not in text
    assert "la vacunación contra la influenza" in text  # hyphenation across a line end undone
    assert "la cartilla de vacunación y con cubrebocas" in text
    assert "IMSS-Bienestar" in text  # a real compound keeps its hyphen
    order = [text.index(s) for s in ("Boletín No. 045/2024", "ocho regiones", "cubrebocas", "---o0o---")]
    assert order == sorted(order)
    assert "title" not in source.meta  # 'Microsoft Word - ...' is not a title


def test_pdf_with_repairable_defects_still_reads(tmp_path, capsys):
    data = make_pdf()
    cut = data.rfind(b"startxref")
    broken = data[:cut] + b"startxref\n99\n%%EOF\n"  # wrong xref offset: pdfium rebuilds the table
    source = read_bulletin(write(tmp_path, "b.pdf", broken))
    assert "la vacunación contra la influenza" in source.text
    assert "startxref" not in capsys.readouterr().err  # nothing printed mid-build


def test_pdf_without_text_layer_is_a_scan(tmp_path):
    """Sent to OCR, which finds no words in a picture without any (or says Tesseract is missing)."""
    with pytest.raises(Unreadable, match="^escaneado: (el OCR no encontró texto legible|instale tesseract-ocr-spa)"):
        read_bulletin(write(tmp_path, "scan.pdf", make_image_only_pdf()))


# --- corpus walk ------------------------------------------------------------------------------------


def test_iter_corpus_sorted_with_reasons_and_silent_skips(tmp_path):
    for name in [
        "b/2.txt", "b/10.md", "a.TXT", "c/d/e.html", "notas.odp", "README.md", "sub/Readme.txt",
        ".oculto.txt", ".git/config.txt", "~$boletin.docx", "sin_extension",
    ]:
        write(tmp_path, name, "texto")
    found = [(p.relative_to(tmp_path).as_posix(), reason) for p, reason in iter_corpus(tmp_path)]
    assert found == [
        ("a.TXT", None),
        ("b/10.md", None),
        ("b/2.txt", None),
        ("c/d/e.html", None),
        ("notas.odp", "formato no soportado (.odp)"),
        ("sin_extension", "formato no soportado (sin extensión)"),
        ("~$boletin.docx", "archivo temporal de Office"),
    ]


# --- real sample data (skipped when ../shared is absent) -----------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared not present: no sample corpus")


@needs_shared
def test_seed_bulletin_keeps_logo_block_dateline_and_number():
    seed = next((SHARED / "corpus" / "seeds").glob("002_*.txt"))
    source = read_bulletin(seed)
    top = lines(source)[:20]
    assert top[0] == "GOBIERNO DE"
    assert "No. 599/2023" in top
    assert any(line.startswith("Oaxaca, jueves 30 de noviembre") for line in top)
    assert Heading(2, "BOLETÍN CONJUNTO") in source.headings
    assert any(h.level == 1 and h.text.startswith("Se reúne Salomón Jara") for h in source.headings)
    assert not any(leak in source.text for leak in MARKUP_LEAKS)


@needs_shared
def test_sample_of_every_shared_folder_reads_without_markup():
    corpus = SHARED / "corpus"
    candidates = [path for path, reason in iter_corpus(corpus) if reason is None]
    by_folder: dict[Path, list[Path]] = {}
    for path in candidates:
        by_folder.setdefault(path.parent, []).append(path)
    sample = [path for paths in by_folder.values() for path in paths[:2]]
    assert {p.suffix for p in sample} >= {".txt", ".md", ".docx", ".html"}
    for path in sample:
        source = read_bulletin(path)
        assert len(source.text) > 200, path
        assert not any(leak in source.text for leak in MARKUP_LEAKS), path


@needs_shared
def test_docx_and_txt_versions_of_a_bulletin_agree():
    corpus = SHARED / "corpus" / "campanas-2018"
    pairs = [(d, corpus / "amlo" / (d.stem + ".txt")) for d in sorted((corpus / "amlo-docx").glob("*.docx"))]
    pairs = [(d, t) for d, t in pairs if t.exists()][:3]
    assert pairs
    for docx_path, txt_path in pairs:
        words_docx = set(read_bulletin(docx_path).text.casefold().split())
        words_txt = set(read_bulletin(txt_path).text.casefold().split())
        assert len(words_docx & words_txt) / len(words_txt) > 0.9


@needs_shared
def test_jekyll_posts_keep_front_matter_and_drop_carousels():
    post = SHARED / "corpus" / "cnr-noticias" / "2020-10-21-basureros-clandestinos-en-rosarito.md"
    if not post.exists():
        pytest.skip("sample post not present")
    source = read_bulletin(post)
    assert source.front_matter["title"] == "Los Basureros Clandestinos en Rosarito"
    assert "carousel" not in source.text and "<" not in source.text


@needs_shared
def test_gob_mx_page_metadata():
    page = SHARED / "corpus" / "html" / "conferencia-11-de-septiembre-2019.html"
    if not page.exists():
        pytest.skip("sample page not present")
    source = read_bulletin(page)
    assert source.meta["date"] == "2019-09-11"
    assert source.meta["title"].startswith("Versión estenográfica")
    assert source.text.startswith("PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR")
