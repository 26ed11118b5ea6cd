"""Metadata extraction: the seed bulletins exactly, then each field's rules on small texts."""
from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from textwrap import dedent

import pytest

from indexer.document import Heading, SourceText
from indexer.extract import extract_metadata
from indexer.extract.dates import date_from_filename, find_dates, parse_date
from indexer.extract.numbers import number_in
from indexer.extract.place import place_from_dateline

SEEDS = Path(__file__).resolve().parents[1] / "corpus"


def seed_source(name: str) -> SourceText:
    """A seed bulletin as the sources stage gives it: Markdown markup stripped, # lines as headings."""
    text = next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8-sig")
    headings, lines = [], []
    for line in text.splitlines():
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "").replace("\\", "").rstrip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            line = heading.group(2).strip()
            headings.append(Heading(len(heading.group(1)), line))
        lines.append(line)
    return SourceText(text="\n".join(lines), format="txt", headings=headings)


def bulletin(text: str, **fields) -> SourceText:
    return SourceText(text=dedent(text).strip("\n"), format="txt", **fields)


def extract(text: str, name: str = "boletin.txt", **fields):
    return extract_metadata(bulletin(text, **fields), name)


# --- the seeds -------------------------------------------------------------------------

def test_seed_000_state_health_service_bulletin():
    metadata = extract_metadata(seed_source("000"), SEEDS / "000_23d5ed173eab4e57.txt")
    assert metadata.title == "Fortalece SSO alianza estratégica con municipios para comunidades más sanas"
    assert metadata.date == dt.date(2025, 7, 11)
    assert metadata.agencies == ["Servicios de Salud de Oaxaca (SSO)"]
    assert metadata.place == "Oaxaca de Juárez"
    assert metadata.number is None
    assert metadata.sources == {
        "title": "first line", "date": "dateline", "agencies": "lead paragraph", "place": "dateline",
    }
    assert metadata.warnings == []


def test_seed_002_joint_bulletin():
    metadata = extract_metadata(seed_source("002"), SEEDS / "002_be99387aef608c86.txt")
    assert metadata.title == "Se reúne Salomón Jara con Zoé Robledo para analizar inicio oficial del IMSS-Bienestar"
    assert metadata.sources["title"] == "heading"
    assert metadata.date == dt.date(2023, 11, 30)
    assert metadata.number == "599/2023"
    assert metadata.place == "Oaxaca"
    for agency in (
        "Secretaría de Salud (SSA)",
        "Comisión Coordinadora de Institutos Nacionales de Salud y Hospitales de Alta Especialidad (INSHAE)",
        "IMSS-Bienestar",
        "Gobierno de Oaxaca",
    ):
        assert agency in metadata.agencies
    assert "Instituto Mexicano del Seguro Social (IMSS)" not in metadata.agencies  # only named in the body
    assert metadata.sources["agencies"] == "header block"


@pytest.mark.parametrize("name", ["000", "002"])
def test_seeds_through_the_sources_stage(name):
    sources = pytest.importorskip("indexer.sources")
    path = next(SEEDS.glob(f"{name}_*.txt"))
    from_reader = extract_metadata(sources.read_bulletin(path), path)
    by_hand = extract_metadata(seed_source(name), path)
    assert from_reader.as_json("x") == by_hand.as_json("x")


# --- dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "written, expected",
    [
        ("Oaxaca de Juárez, Oax. 11 de julio de 2025.-", dt.date(2025, 7, 11)),
        ("Oaxaca, jueves 30 de noviembre 2023", dt.date(2023, 11, 30)),
        ("NUEVO LAREDO, TAMAULIPAS, 05 DE ABRIL DE 2018.-", dt.date(2018, 4, 5)),
        ("Mérida, Yucatán, a 13 de junio de 2018", dt.date(2018, 6, 13)),
        ("1° de enero de 2024", dt.date(2024, 1, 1)),
        ("1o. de marzo de 2022", dt.date(2022, 3, 1)),
        ("primero de mayo de 2019", dt.date(2019, 5, 1)),
        ("11/07/2025", dt.date(2025, 7, 11)),
        ("2025-07-11", dt.date(2025, 7, 11)),
        ("Tijuana, Baja California; Miércoles 11 de noviembre del 2020.-", dt.date(2020, 11, 11)),
        ("HUAJUAPAN DE LEÓN, OAXACA, 18 MAYO 2018.-", dt.date(2018, 5, 18)),
        ("5 de sept. de 2019", dt.date(2019, 9, 5)),
        ("3 dic. 2021", dt.date(2021, 12, 3)),
        ("10 de novienbre de 2022", dt.date(2022, 11, 10)),  # OCR/typing slip
        ("12  de   agosto   de  2021", dt.date(2021, 8, 12)),
        ("junio 27, 2018", dt.date(2018, 6, 27)),
        ("Viernes 16 de agosto, 2019", dt.date(2019, 8, 16)),
    ],
)
def test_spanish_date_forms(written, expected):
    assert [found.date for found in find_dates(written)] == [expected]


@pytest.mark.parametrize("written", ["31 de febrero de 2020", "30/02/2021", "45 de mayo de 2020", "599/2023", "1 de julio"])
def test_impossible_or_incomplete_dates_are_not_dates(written):
    assert list(find_dates(written)) == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("2020-03-28-jornada-de-limpieza.md", dt.date(2020, 3, 28)),
        ("boletin 13-06-2018.txt", dt.date(2018, 6, 13)),
        ("Boletín-campaña-007_050418.txt", dt.date(2018, 4, 5)),
        ("20180413_comunicado.docx", dt.date(2018, 4, 13)),
        ("conferencia-11-de-septiembre-2019.html", dt.date(2019, 9, 11)),
        ("informe-diario-covid-19-270386.txt", None),  # an id, not 1986
        ("boletin.txt", None),
    ],
)
def test_dates_in_file_names(name, expected):
    assert date_from_filename(name) == expected


def test_parse_date_accepts_front_matter_values():
    assert parse_date(dt.date(2020, 1, 2)) == dt.date(2020, 1, 2)
    assert parse_date(dt.datetime(2020, 1, 2, 19, 0)) == dt.date(2020, 1, 2)
    assert parse_date("2020-11-25 19:00") == dt.date(2020, 11, 25)
    assert parse_date(["2020-11-25"]) is None


def test_dateline_wins_over_dates_in_the_body():
    metadata = extract("""
        Entregan equipo médico

        Puebla, Pue., 4 de marzo de 2024.- La Secretaría de Salud entregó equipo.

        El 2 de enero de 2023 se anunció la compra, recordó.
    """)
    assert metadata.date == dt.date(2024, 3, 4)
    assert metadata.sources["date"] == "dateline"


def test_a_date_line_without_place():
    metadata = extract("""
        Conferencia de prensa matutina
        Presidencia de la República
        30 de junio de 2022
        ---
        MODERADORA
        Damos inicio a esta ceremonia con los honores de ordenanza, como cada año en esta fecha.
    """)
    assert metadata.date == dt.date(2022, 6, 30)
    assert metadata.sources["date"] == "date line"
    assert metadata.title == "Conferencia de prensa matutina"
    assert metadata.agencies == ["Presidencia de la República"]
    assert metadata.place is None


@pytest.mark.parametrize(
    "header, date, place",
    [
        ("Secretaría de Salud | 05 de febrero de 2024 | Comunicado", dt.date(2024, 2, 5), None),
        ("Boletín No. 045 | Oaxaca de Juárez, Oax., 5 de mayo de 2024", dt.date(2024, 5, 5), "Oaxaca de Juárez"),
        ("Comunicado 123 Tuxtla Gutiérrez, Chiapas; 12 de marzo de 2024", dt.date(2024, 3, 12), "Tuxtla Gutiérrez"),
        ("Fecha: 12/03/2024", dt.date(2024, 3, 12), None),
        ("A 5 de mayo de 2024", dt.date(2024, 5, 5), None),
        ("LOS REYES ACAQUILPAN, ESTADO DE MÉXICO, 20 DE JUNIO DE\n2018.- El candidato", dt.date(2018, 6, 20), "Los Reyes Acaquilpan"),
    ],
)
def test_header_line_shapes(header, date, place):
    metadata = extract(f"{header}\n\nVacunan en la región\n\nPersonal médico vacunó a miles de personas en la jornada.")
    assert (metadata.date, metadata.place) == (date, place)


def test_a_date_in_prose_is_not_a_dateline():
    metadata = extract("""
        Vacunan a niñas y niños

        Según la encuesta del 3 de abril de 2018, la cobertura creció en la región de la costa.
    """, name="nota.txt")
    assert metadata.date is None
    assert "sin fecha" in metadata.warnings


def test_front_matter_and_meta_win_over_the_dateline():
    text = """
        Título

        Oaxaca, 5 de mayo de 2020.- Texto del boletín con suficientes palabras para ser prosa.
    """
    by_front = extract(text, front_matter={"Date": "2020-05-06", "title": "Otro título"})
    assert (by_front.date, by_front.sources["date"]) == (dt.date(2020, 5, 6), "front matter")
    assert (by_front.title, by_front.sources["title"]) == ("Otro título", "front matter")
    page = SourceText(text=dedent(text), format="html", meta={"date": "2020-05-07", "title": "De la página"})
    by_meta = extract_metadata(page, "pagina.html")
    assert (by_meta.date, by_meta.sources["date"]) == (dt.date(2020, 5, 7), "html meta")
    assert (by_meta.title, by_meta.sources["title"]) == ("De la página", "html meta")


def test_file_name_date_is_the_last_resort():
    metadata = extract("Un texto sin fecha alguna en su encabezado.", name="2020-03-28-nota.md")
    assert (metadata.date, metadata.sources["date"]) == (dt.date(2020, 3, 28), "file name")


def test_a_stale_year_is_settled_by_the_later_one():
    text = """
        COMUNICADO DE PRENSA 135

        QUERÉTARO, QUERÉTARO, 6 DE ABRIL DE 2017

        PRESENTA PROGRAMA DE GUARDERÍAS
    """
    metadata = extract(text, name="060418 guarderias.txt")
    assert metadata.date == dt.date(2018, 4, 6)
    assert any("2017" in w and "2018" in w for w in metadata.warnings)


def test_a_dateline_days_off_the_file_name_is_kept_and_reported():
    metadata = extract("""
        BOLETÍN CAMPAÑA-074

        CIUDAD JUÁREZ, CHIHUAHUA, 01 DE ABRIL DE 2018.- El candidato habló ante simpatizantes.
    """, name="Boletín-campaña-074-2_030418.txt")
    assert metadata.date == dt.date(2018, 4, 1)
    assert any("2018-04-03" in w for w in metadata.warnings)


def test_a_dateline_weeks_older_than_the_file_name_is_a_reused_template():
    text = """
        BOLETÍN CAMPAÑA-074

        CIUDAD JUÁREZ, CHIHUAHUA, 01 DE ABRIL DE 2018.- El candidato habló ante simpatizantes.
    """
    metadata = extract(text, name="Boletín-campaña-074-2_280518.txt")
    assert metadata.date == dt.date(2018, 5, 28)
    assert any("2018-04-01" in w for w in metadata.warnings)
    # ... unless the folders file it under the dateline's month: then the name's digits are an id
    filed = extract_metadata(bulletin(text), Path("2018") / "abril" / "discurso-280518.txt")
    assert filed.date == dt.date(2018, 4, 1)


def test_a_lead_recalling_an_older_day_does_not_date_the_report():
    metadata = extract("""
        SITUACIÓN EPIDEMIOLÓGICA COVID-19

        El 31 de diciembre de 2019, las autoridades de salud notificaron un brote de neumonía.
    """, name="2020-03-10-Informe_1.pdf")
    assert metadata.date == dt.date(2020, 3, 10)


@pytest.mark.parametrize(
    "name, text, expected",
    [
        # six digits read as YYMMDD when the text's dates support it, DDMMYY otherwise
        ("201015_cam_covid19.pdf", "Informe del 15 de octubre de 2020. Casos al 14 de octubre de 2020.", dt.date(2020, 10, 15)),
        ("201015_cam.pdf", "Reunión celebrada en octubre de 2015, el 20 de octubre de 2015.", dt.date(2015, 10, 20)),
        ("Boletín-campaña-002-1_050418.txt", "Texto sin fechas.", dt.date(2018, 4, 5)),
        ("reportecovid_10042020.pdf", "Tabla sin fechas.", dt.date(2020, 4, 10)),
    ],
)
def test_six_digit_file_name_dates_read_the_way_the_text_supports(name, text, expected):
    assert extract(text, name=name).date == expected


def test_file_name_dates_never_after_the_build_nor_before_1990():
    from indexer.extract.dates import filename_dates
    today = dt.date(2021, 1, 1)
    assert filename_dates("201015_x.pdf", today) == [dt.date(2015, 10, 20), dt.date(2020, 10, 15)]
    assert filename_dates("251015_x.pdf", today) == [dt.date(2015, 10, 25)]  # 2025-10-15 is after the build
    assert filename_dates("300125_x.pdf", today) == []  # 2025-01-30 is after the build, 1930 before 1990
    assert filename_dates("boletin_010189.txt", today) == []  # 1989: an id, not a date


# --- numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line, expected",
    [
        ("No. 599/2023", "599/2023"),
        ("COMUNICADO 98/2018", "98/2018"),
        ("COMUNICADO DE PRENSA 229", "229"),
        ("COMUNICADO DE PRENSA NO. 268", "268"),
        ("BOLETÍN CAMPAÑA-007", "CAMPAÑA-007"),
        ("Boletín campaña-001", "CAMPAÑA-001"),
        ("Boletín No. 123", "123"),
        ("Comunicado No. 045/2024", "045/2024"),
        ("Boletín de prensa núm. 17", "17"),
        ("BOLETÍN CONJUNTO", None),
        ("No hubo cambios", None),
        ("Boletín del 5 de mayo de 2020", None),  # a date, not a number
        ("Comunicado 11/07/2025", None),
        # the forms real issuers print
        ("Informe de situación COVID-19. N° 6. Departamento de Epidemiología.", "6"),
        ("Página 3 Informe de situación COVID-19. N° 19 Departamento", "19"),
        ("Comunicado Técnico Diario No. 45", "45"),
        ("COMUNICADO TÉCNICO DIARIO 45", "45"),
        ("Comunicado No. 123", "123"),
        ("Boletín 45/2020", "45/2020"),
        ("Boletín epidemiológico semanal 45/2020", "45/2020"),
        ("Nota informativa 12", "12"),
        ("Boletín COVID-19 No. 12", "12"),  # the disease's name is not the number
        ("Comunicado Técnico Diario COVID-19", None),
        ("Informe que no 5 regiones enviaron", None),  # a bare "no" is the word
        ("PRESENTÓ SU INFORME DE CONGRUENCIA PATRIMONIAL #7DE7", None),  # a hashtag, not a number
        ("Boletín informativo del 5 de mayo de 2020", None),
    ],
)
def test_bulletin_number_forms(line, expected):
    assert number_in(line) == expected


def test_number_only_from_the_header():
    metadata = extract("""
        Inauguran clínica

        Oaxaca, 5 de mayo de 2020.- Como se informó en el boletín No. 45/2020, la clínica abrió hoy.
    """)
    assert metadata.number is None


def test_number_contradicted_by_the_file_name_is_not_claimed():
    metadata = extract("""
        BOLETÍN CAMPAÑA-003

        NI JUNTOS NOS ALCANZAN

        IRAPUATO, GUANAJUATO 07 DE ABRIL DE 2018.- El candidato dijo que las encuestas lo favorecen.
    """, name="Boletín-campaña-010_070418.txt")
    assert metadata.number is None
    assert any("CAMPAÑA-003" in w for w in metadata.warnings)


# --- titles ----------------------------------------------------------------------------

CAMPAIGN = """
    Juntos haremos historia

    BOLETÍN CAMPAÑA-002

    ASEGURA EL CANDIDATO QUE EN CAMPAÑA TODO SERÁ AMOR Y PAZ, QUE LOS OTROS
    CANDIDATOS SE AHORREN SUS PROVOCACIONES

    - ADELANTA QUE NO PASARÁ NADA EL PRIMERO DE JULIO CUANDO SE LLEVEN A CABO
    LAS ELECCIONES PRESIDENCIALES

    SANTA CATARINA, NUEVO LEÓN, 02 DE ABRIL DE 2018.- El candidato aseguró que en campaña todo
    será amor y paz, y que no contestará provocaciones.
"""


def test_campaign_headline_after_the_number_unwrapped_in_capitals():
    metadata = extract(CAMPAIGN, name="Boletín-campaña-002-1_020418.txt")
    assert metadata.title == (
        "ASEGURA EL CANDIDATO QUE EN CAMPAÑA TODO SERÁ AMOR Y PAZ, QUE LOS OTROS "
        "CANDIDATOS SE AHORREN SUS PROVOCACIONES"
    )
    assert metadata.sources["title"] == "header block"
    assert metadata.number == "CAMPAÑA-002"
    assert metadata.date == dt.date(2018, 4, 2)
    assert metadata.place == "Santa Catarina"


def test_real_heading_beats_logo_and_label_headings():
    metadata = extract(
        "SALUD\n\nBOLETÍN CONJUNTO\n\nEntregan ambulancias\n\nTexto.",
        headings=[Heading(2, "BOLETÍN CONJUNTO"), Heading(2, "SALUD"), Heading(1, "Entregan ambulancias")],
    )
    assert (metadata.title, metadata.sources["title"]) == ("Entregan ambulancias", "heading")


# --- places ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "written, expected",
    [
        ("Oaxaca de Juárez, Oax.", "Oaxaca de Juárez"),
        ("SANTA CATARINA, NUEVO LEÓN", "Santa Catarina"),
        ("SAN PEDRO DE LAS COLONIAS, COAHUILA", "San Pedro de las Colonias"),
        ("EN PIEDRAS NEGRAS, COAHUILA", "Piedras Negras"),
        ("Mérida, Yucatán", "Mérida"),
        ("CIUDAD DE MÉXICO", "Ciudad de México"),
    ],
)
def test_place_from_dateline(written, expected):
    assert place_from_dateline(written) == expected


# --- agencies --------------------------------------------------------------------------

def test_logo_block_agencies_and_state_government():
    metadata = extract("""
        GOBIERNO DE
        MÉXICO

        SALUD
        SECRETARÍA DE SALUD

        OAXACA
        GOBIERNO DEL ESTADO

        Oaxaca, 30 de noviembre de 2023

        Arranca jornada de vacunación

        El IMSS y el ISSSTE se sumaron a la jornada de vacunación en todo el estado este lunes.
    """)
    assert metadata.agencies == ["Gobierno de México", "Secretaría de Salud (SSA)", "Gobierno de Oaxaca"]
    assert metadata.title == "Arranca jornada de vacunación"


def test_wrapped_headline_or_summary_ending_in_an_agency_is_not_a_logo():
    metadata = extract("""
        COMUNICADO DE PRENSA 179

        COACALCO, ESTADO DE MÉXICO, 1 DE MAYO DE 2018

        VAMOS A GANAR PORQUE REPRESENTAMOS LA UNIDAD DEL PAÍS: JOSÉ ANTONIO MEADE

        SOMOS LOS ÚNICOS QUE GENERAMOS CONFIANZA, SEÑALÓ EL ASPIRANTE A LA
        PRESIDENCIA DE LA REPÚBLICA

        ANUNCIÓ QUE AMPLIARÁ LA RED DE ESTANCIAS INFANTILES
        DEL IMSS, ISSSTE Y SEDESOL

        El candidato presidencial de la coalición afirmó que la alternativa que representa ganará.
    """)
    assert metadata.agencies == []
    assert metadata.title == "VAMOS A GANAR PORQUE REPRESENTAMOS LA UNIDAD DEL PAÍS: JOSÉ ANTONIO MEADE"


def test_lone_salud_logo_line_means_the_federal_secretariat():
    metadata = extract("""
        SALUD

        Ciudad de México, 2 de mayo de 2024.- Personal médico recorrió las comunidades de la sierra.
    """)
    assert metadata.agencies == ["Secretaría de Salud (SSA)"]


def test_lead_issuer_not_every_agency_mentioned():
    metadata = extract("""
        Refuerzan vacunación

        Monterrey, N.L., 3 de abril de 2024.- La Secretaría de Salud informó que, con apoyo del IMSS y el
        ISSSTE, se aplicaron miles de dosis.

        La COFEPRIS también revisó los biológicos.
    """)
    assert metadata.agencies == ["Secretaría de Salud (SSA)"]
    assert metadata.sources["agencies"] == "lead paragraph"


def test_role_before_agency_marks_the_issuer():
    metadata = extract("""
        Instalan red municipal

        Oaxaca de Juárez, Oax. 11 de julio de 2025.- En un acto público, el titular de Servicios de Salud
        de Oaxaca (SSO) encabezó la instalación de la red.
    """)
    assert metadata.agencies == ["Servicios de Salud de Oaxaca (SSO)"]


@pytest.mark.parametrize(
    "lead",
    [
        "El candidato de la coalición a la Presidencia de la República prometió empleos.",
        "SE REÚNE EL COMITÉ Y SE ACUERDA LA AGENDA DE SALUD PARA TODA LA SEMANA ENTRANTE.",
        "Los vecinos pidieron a la secretaría de salud municipal más médicos en el centro.",
        "La Secretaría de Bienestar Social del ayuntamiento entregó despensas a las familias.",
    ],
)
def test_no_issuer_in_context_mentions(lead):
    metadata = extract(f"Nota\n\nTijuana, B.C., 4 de mayo de 2021.- {lead}")
    assert metadata.agencies == []


def test_front_matter_agencies_become_display_names():
    metadata = extract("Texto.", front_matter={"agencies": ["SSO", "Una dependencia nueva"]})
    assert metadata.agencies == ["Servicios de Salud de Oaxaca (SSO)", "Una dependencia nueva"]
    assert metadata.sources["agencies"] == "front matter"


# --- robustness ------------------------------------------------------------------------

def test_every_field_set_names_its_origin():
    metadata = extract(CAMPAIGN, name="Boletín-campaña-002-1_020418.txt")
    for name in ("title", "date", "number", "agencies", "place", "url"):
        assert bool(getattr(metadata, name)) == (name in metadata.sources), name


@pytest.mark.parametrize("seed", range(40))
def test_never_raises_on_arbitrary_text(seed):
    rng = random.Random(seed)
    alphabet = "aáeéoñ ABCÑ0123456789.,;:-–/°º\n\n\t*#_|[]()“”\x00\u200b🙂"
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 3000)))
    source = SourceText(
        text=text,
        format="txt",
        headings=[Heading(rng.randint(1, 6), text[:40])],
        front_matter=rng.choice([{}, {"date": 12}, {"title": None, 3: "x"}, {"agencies": {"a": 1}}, {"date": "31/02/2020"}]),
        meta=rng.choice([{}, {"date": ["x"]}, {"title": 5}]),
    )
    metadata = extract_metadata(source, rng.choice(["", "x", "999999999999.txt", "31-02-2020.txt"]))
    assert metadata.date is None or isinstance(metadata.date, dt.date)
    assert not any(w.startswith("error al extraer") for w in metadata.warnings)


def test_empty_text():
    metadata = extract_metadata(SourceText(text="", format="txt"), "vacio.txt")
    assert metadata.title is None and metadata.date is None
    assert "sin fecha" in metadata.warnings


def test_a_dateline_at_the_end_dates_a_bulletin_without_one_at_the_top():
    body = "\n\n".join(f"Párrafo {n} del informe, con frases de cuerpo que cuentan lo ocurrido en la semana." for n in range(60))
    metadata = extract(f"INFORME SOBRE LA CAMPAÑA\n\n{body}\n\nMadrid, 3 de junio de 2020\n\nLa Dirección", name="informe.txt")
    assert metadata.date == dt.date(2020, 6, 3)
    assert metadata.sources["date"] == "closing dateline"


def test_folders_give_year_and_month_when_the_name_gives_only_the_day():
    text = "VERSIÓN ESTENOGRÁFICA\n\nPregunta: ¿cuándo empieza el ciclo escolar?\n\nRespuesta: en unas semanas."
    filed = extract_metadata(bulletin(text), Path("2023") / "agosto" / "15--version-estenografica-342560.txt")
    assert filed.date == dt.date(2023, 8, 15)
    assert extract_metadata(bulletin(text), Path("varios") / "15--version.txt").date is None
