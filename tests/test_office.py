"""Readers for .doc, .odt and .rtf: files written here (the .doc is a committed fixture: the ODT that
`odt_package(BODY, HEADER, FOOTER)` builds, saved as "MS Word 97" by LibreOffice), and damaged ones."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from indexer import build
from indexer.document import Unreadable
from indexer.sources import needs_tool, office, read_bulletin

FIXTURE_DOC = Path(__file__).parent / "fixtures" / "office" / "boletin.doc"
needs_antiword = pytest.mark.skipif(not shutil.which("antiword"), reason="antiword no está instalado (paquete antiword)")

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.3"')

BODY = ('<text:p>Servicios de Salud de Oaxaca</text:p>'
        '<text:p>Boletín No. 77/2019</text:p>'
        '<text:h text:outline-level="1">Inicia la Semana Nacional de Salud Pública en Oaxaca</text:h>'
        '<text:p>Oaxaca de Juárez, Oax., 9 de septiembre de 2019.- La campaña de vacunación llega a '
        '<text:span>todas</text:span> las regiones;<text:s/>se aplicarán dosis contra la influenza y el sarampión.</text:p>'
        '<table:table><table:table-column table:number-columns-repeated="2"/>'
        '<table:table-row><table:table-cell><text:p>Región</text:p></table:table-cell>'
        '<table:table-cell><text:p>Dosis</text:p></table:table-cell></table:table-row>'
        '<table:table-row><table:table-cell><text:p>Mixteca</text:p></table:table-cell>'
        '<table:table-cell><text:p>12 500</text:p></table:table-cell></table:table-row></table:table>'
        '<text:p>Las brigadas recorren escuelas y mercados.</text:p>')
HEADER = '<text:p>Gobierno de Oaxaca · Coordinación de Comunicación</text:p>'
FOOTER = ('<text:p>Página <text:page-number>1</text:page-number></text:p>'
          '<text:p>Avenida Independencia 5, Centro</text:p>')


def odt_package(body: str, header: str = "", footer: str = "", title: str = "", kind: str = "text") -> bytes:
    """A minimal OpenDocument package (a text document, or `kind` "spreadsheet"), as an office suite lays it out."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}><office:body>'
               f'<office:{kind}>{body}</office:{kind}></office:body></office:document-content>')
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS}><office:master-styles>'
              f'<style:master-page style:name="Standard"><style:header>{header}</style:header>'
              f'<style:footer>{footer}</style:footer></style:master-page></office:master-styles></office:document-styles>')
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NS}><office:meta>'
            f'<dc:title>{title}</dc:title></office:meta></office:document-meta>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        for name, data in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta)):
            package.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


RTF = (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}"
       r"{\header \pard Secretar\'eda de Salud \'b7 Direcci\'f3n de Comunicaci\'f3n\par}"
       r"{\footer \pard P\'e1gina {\field{\*\fldinst PAGE}{\fldrslt 1}}\par \pard Calle Lieja 7, Ju\'e1rez\par}"
       r"\pard Bolet\'edn 45/2020\par"
       r"\pard\b Refuerza la Secretar\'eda de Salud la vigilancia del dengue\b0\par"
       r"\pard Ciudad de M\'e9xico, 5 de junio de 2020.- Se pide lavar, tapar, voltear y tirar recipientes "
       r"que acumulen agua \u8212? dijo la \u8220?vocera\u8221?.\par"
       r"\trowd\cellx3000\cellx6000 \intbl Entidad\cell Casos\cell\row"
       r"\trowd\cellx3000\cellx6000 \intbl Veracruz\cell 1 204\cell\row"
       r"\pard Fin del comunicado.\par}")


def write(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_odt_body_headings_tables_header_and_footer(tmp_path):
    source = read_bulletin(write(tmp_path, "b.odt", odt_package(BODY, HEADER, FOOTER, "Semana de Salud Pública")))
    text = source.text
    assert text.startswith("Gobierno de Oaxaca · Coordinación de Comunicación\n\nServicios de Salud de Oaxaca")
    assert "llega a todas las regiones; se aplicarán dosis" in text
    assert "Región | Dosis\nMixteca | 12 500" in text
    assert text.endswith("Las brigadas recorren escuelas y mercados.\n\nAvenida Independencia 5, Centro")
    assert "Página" not in text  # the page-number line is furniture
    assert [(h.level, h.text) for h in source.headings] == [(1, "Inicia la Semana Nacional de Salud Pública en Oaxaca")]
    assert source.meta == {"title": "Semana de Salud Pública"} and source.format == "odt"


def test_rtf_text_accents_tables_header_and_footer(tmp_path):
    source = read_bulletin(write(tmp_path, "b.rtf", RTF.encode("ascii")))
    text = source.text
    assert text.startswith("Secretaría de Salud · Dirección de Comunicación\n\nBoletín 45/2020")
    assert "Refuerza la Secretaría de Salud la vigilancia del dengue" in text
    assert "que acumulen agua — dijo la “vocera”." in text
    assert "Entidad | Casos\nVeracruz | 1 204" in text
    assert text.endswith("Fin del comunicado.\n\nCalle Lieja 7, Juárez")
    assert "Página" not in text


@needs_antiword
def test_doc_body_tables_and_footer(tmp_path):
    source = read_bulletin(FIXTURE_DOC)
    text = source.text
    assert text.startswith("Servicios de Salud de Oaxaca\nBoletín No. 77/2019\n\nInicia la Semana Nacional")
    assert "La campaña de vacunación llega a todas las regiones; se aplicarán dosis" in text
    assert "Región | Dosis\nMixteca | 12 500" in text
    assert source.format == "doc"
    if shutil.which("catdoc"):  # header and footer come from catdoc's dump
        assert "Gobierno de Oaxaca · Coordinación de Comunicación" in text
        assert text.endswith("Avenida Independencia 5, Centro") and "Página" not in text


def test_a_doc_that_is_really_rtf_or_odt_is_read_as_what_it_is(tmp_path):
    source = read_bulletin(write(tmp_path, "guardado-como.doc", RTF.encode("ascii")))
    assert source.format == "rtf" and "vigilancia del dengue" in source.text
    source = read_bulletin(write(tmp_path, "otro.doc", odt_package(BODY)))
    assert source.format == "odt" and "Región | Dosis" in source.text


def test_missing_antiword_is_reported_with_what_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "sin-programas"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(Unreadable, match="^doc: instale antiword para leerlo$"):
        read_bulletin(FIXTURE_DOC)
    assert needs_tool(office.ANTIWORD_MISSING)


def _damaged_odt(kind: str) -> bytes:
    good = odt_package(BODY)
    if kind == "truncated":
        return good[: len(good) // 2]
    with zipfile.ZipFile(io.BytesIO(good)) as package:
        members = {name: package.read(name) for name in package.namelist()}
    if kind == "no-content":
        del members["content.xml"]
    else:
        members["content.xml"] = members["content.xml"][:300]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


DAMAGED = {
    "truncado.odt": (_damaged_odt("truncated"), r"odt dañado"),
    "sin-contenido.odt": (_damaged_odt("no-content"), r"odt dañado: falta content.xml"),
    "xml-roto.odt": (_damaged_odt("broken-xml"), r"odt dañado: XML mal formado"),
    "hoja.odt": (odt_package("", kind="spreadsheet"), r"odt dañado: sin cuerpo de texto"),
    "sin-cabecera.rtf": (b"esto no es RTF \\par", r"rtf dañado: falta la cabecera"),
    "vacio.rtf": (b"{\\rtf1\\ansi {\\fonttbl{\\f0 Arial;}}}", r"rtf sin texto"),
    "no-word.doc": (b"esto no es un documento de Word" * 10, r"doc dañado: no es un documento de Word"),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_office_files_are_reported(tmp_path, name):
    data, reason = DAMAGED[name]
    with pytest.raises(Unreadable, match=reason):
        read_bulletin(write(tmp_path, name, data))


@needs_antiword
def test_damaged_ole_doc_is_reported(tmp_path):
    junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    with pytest.raises(Unreadable, match=r"^doc dañado"):
        read_bulletin(write(tmp_path, "roto.doc", junk))
    truncated = FIXTURE_DOC.read_bytes()[:3000]
    with pytest.raises(Unreadable, match=r"^doc"):
        read_bulletin(write(tmp_path, "truncado.doc", truncated))


def test_truncated_rtf_never_raises_anything_but_unreadable(tmp_path):
    data = RTF.encode("ascii")
    for cut in range(20, len(data), 37):
        try:
            read_bulletin(write(tmp_path, f"corte-{cut}.rtf", data[:cut]))
        except Unreadable:
            pass


def test_a_build_indexes_office_files_and_reports_damaged_ones(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "a/boletin.odt", odt_package(BODY, HEADER, FOOTER))
    write(corpus, "b/boletin.rtf", RTF.encode("ascii"))
    write(corpus, "c/roto.odt", _damaged_odt("truncated"))
    write(corpus, "c/roto.rtf", b"nada")
    if shutil.which("antiword"):
        shutil.copy(FIXTURE_DOC, corpus / "a" / "boletin.doc")
    report = build.build(corpus, index, jobs=1)
    assert sorted(path for path, _ in report.skipped) == ["c/roto.odt", "c/roto.rtf"]
    assert report.files == report.documents == (3 if shutil.which("antiword") else 2)
