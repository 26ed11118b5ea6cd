"""Near-duplicate detection merges re-posted bulletins, not merely similar ones."""
from indexer import duplicates

BULLETIN = (
    "Oaxaca de Juárez, Oax. 11 de julio de 2025.- El titular de Servicios de Salud de Oaxaca encabezó la "
    "instalación de la Red Oaxaqueña de Municipios por la Salud, con la participación de autoridades municipales "
    "de las ocho regiones. El evento reunió a coordinadoras y coordinadores de Participación Social de las seis "
    "Jurisdicciones Sanitarias, así como a representantes del sector Salud, en un esfuerzo conjunto por impulsar "
    "políticas locales que prioricen el bienestar como un eje central del desarrollo comunitario. "
)


def test_same_text_with_other_markup_and_accents_is_a_duplicate():
    a = duplicates.sketch(BULLETIN * 3)
    b = duplicates.sketch("**" + BULLETIN.upper().replace("Á", "A") * 3 + "**\n\n---o0o---")
    assert duplicates.same_bulletin(a, b)


def test_different_bulletins_are_not_duplicates():
    other = BULLETIN.replace("Red Oaxaqueña de Municipios", "campaña de vacunación contra el sarampión")
    other = " ".join(reversed(other.split()))
    assert not duplicates.same_bulletin(duplicates.sketch(BULLETIN * 3), duplicates.sketch(other * 3))


def test_a_short_excerpt_is_not_the_same_bulletin():
    long_text = BULLETIN * 3 + " ".join(f"palabra{i}" for i in range(400))
    assert not duplicates.same_bulletin(duplicates.sketch(long_text), duplicates.sketch(BULLETIN))


def test_group_is_transitive_and_sorted():
    sketches = {"b.txt": duplicates.sketch(BULLETIN * 3), "a.docx": duplicates.sketch(BULLETIN * 3 + " fin"),
                "c.md": duplicates.sketch("Otro boletín distinto sobre dengue en Tamaulipas " * 5)}
    groups = sorted(duplicates.group(sketches))
    assert groups == [["a.docx", "b.txt"], ["c.md"]]


# --- the same template on different days is different bulletins ----------------------------------

import datetime as dt  # noqa: E402


def test_sketches_that_disagree_on_date_or_number_are_different_bulletins():
    text = BULLETIN * 3
    fifth = duplicates.sketch(text, dt.date(2024, 6, 5), "Boletín 101")
    assert not duplicates.same_bulletin(fifth, duplicates.sketch(text, dt.date(2024, 6, 10), "Boletín 101"))
    assert not duplicates.same_bulletin(fifth, duplicates.sketch(text, dt.date(2024, 6, 5), "Boletín 102"))
    assert duplicates.same_bulletin(fifth, duplicates.sketch(text, dt.date(2024, 6, 5), "boletin-101"))
    assert duplicates.same_bulletin(fifth, duplicates.sketch(text))  # an undated copy still merges


def test_an_undated_copy_does_not_chain_two_days_together():
    text = BULLETIN * 3
    sketches = {"05.txt": duplicates.sketch(text, dt.date(2024, 6, 5)),
                "10.txt": duplicates.sketch(text, dt.date(2024, 6, 10)),
                "copia.md": duplicates.sketch(text)}
    groups = sorted(duplicates.group(sketches))
    assert len(groups) == 2  # the copy joins one of the two days
    assert not any({"05.txt", "10.txt"} <= set(g) for g in groups)


def _daily_report(day: int) -> str:
    """A 'Comunicado Técnico Diario': the same long text every day, only the date changes."""
    return (f"Secretaría de Salud\n\nComunicado Técnico Diario\n\nCiudad de México, {day} de junio de 2024.- "
            + BULLETIN * 4)


def _dates(index_dir):
    from indexer.search import SearchEngine, SearchRequest

    hits = SearchEngine(index_dir).search(SearchRequest(query="comunicado tecnico diario", limit=50))["hits"]
    return sorted(h["date"] for h in hits)


def test_daily_reports_stay_apart_in_a_build(tmp_path):
    from indexer import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for day in (5, 10, 14):
        (corpus / f"diario-{day}.txt").write_text(_daily_report(day), encoding="utf-8")
    (corpus / "diario-10-copia.md").write_text(_daily_report(10), encoding="utf-8")  # a real duplicate
    report = build.build(corpus, tmp_path / "index")
    assert report.documents == 3 and report.merged == 1
    assert _dates(tmp_path / "index") == ["2024-06-05", "2024-06-10", "2024-06-14"]


def test_daily_reports_stay_apart_in_an_update(tmp_path):
    from indexer import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "diario-5.txt").write_text(_daily_report(5), encoding="utf-8")
    build.build(corpus, tmp_path / "index")
    for day in (10, 14):
        (corpus / f"diario-{day}.txt").write_text(_daily_report(day), encoding="utf-8")
    (corpus / "diario-5-copia.md").write_text(_daily_report(5), encoding="utf-8")
    report = build.update(corpus, tmp_path / "index")
    assert report.mode == "update" and report.documents == 3 and report.merged == 1
    assert _dates(tmp_path / "index") == ["2024-06-05", "2024-06-10", "2024-06-14"]
