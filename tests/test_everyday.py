"""Queries as people type them: without ñ or accents, in capitals, with a year, compounds joined or split.

The bulletins below copy shapes of the real corpus: a headline in capitals (NIÑOS) beside the usual
lower-case niños, words that exist with and without ñ (pena/peña), hashtags and compounds.
"""
import threading

import pytest

from indexer import analysis
from indexer.evaluation import everyday
from indexer.query import parse
from indexer.search import SearchRequest

from conftest import SHARED, engine_over

BULLETINS = {
    # NIÑOS written in capitals once (a headline that is not shouting: two words in capitals)
    "a/headline.txt": "Boletín 12\n\nVACUNAN NIÑOS en la Mixteca durante la jornada.",
    "b/casa.txt": "Jornada de salud\n\nLa pena por no vacunar a los niños es grave, dijo la señora Peña.",
    "b/peña.txt": "Visita de Peña\n\nEl doctor Peña recorrió el hospital con la señora Gómez.",
    "b/pena.txt": "Una pena\n\nEs una pena que la campaña no llegue a tiempo.",
    "c/covid.txt": "Informe\n\nLa COVID-19 sigue en la Mixteca; el IMSS-Bienestar atiende a los pacientes.",
    "c/salud-mental.txt": "Salud mental\n\nLa salud mental de los jóvenes es prioridad del programa estatal.",
    "d/2020.txt": "---\ndate: 2020-05-04\n---\nDengue en la Cuenca\n\nBrigadas contra el dengue en 2019 y 2021.",
    "d/2021.txt": "---\ndate: 2021-05-04\n---\nDengue en la Costa\n\nBrigadas contra el dengue en la Costa.",
    "d/2022.txt": "---\ndate: 2022-05-04\n---\nDengue en Valles\n\nBrigadas contra el dengue en Valles Centrales.",
}
BULLETINS.update({f"e/niños-{i}.txt": f"Niños {i}\n\nVacunación de niñas y niños en la escuela número {i}."
                  for i in range(6)})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "everyday", BULLETINS)


def _search(engine, q, **kw):
    return engine.search(SearchRequest(query=q, **kw))


def _paths(response):
    return [h["path"] for h in response["hits"]]


def test_a_word_typed_without_enye_finds_and_ranks_like_the_enye_spelling(engine):
    typed, proper = _search(engine, "ninos"), _search(engine, "niños")
    assert typed["total"] == proper["total"] >= 7  # NIÑOS in capitals does not make "ninos" an acronym
    assert _paths(typed) == _paths(proper)
    assert typed["partial"] is None and all(not h["missing"] for h in typed["hits"])


def test_two_words_without_enye_need_no_missing_word_notice(engine):
    response = _search(engine, "vacunacion ninos")
    assert response["total"] == 7 and response["partial"] is None  # "vacunan" shares the stem
    assert "<mark>niños</mark>" in response["hits"][0]["snippet"]


def test_where_both_spellings_are_words_the_typed_one_ranks_first(engine):
    response = _search(engine, "pena")
    paths = _paths(response)
    assert paths.index("b/pena.txt") < paths.index("b/peña.txt")  # "pena" written; peña follows
    assert {"b/peña.txt", "b/pena.txt", "b/casa.txt"} <= set(paths)


def test_a_query_in_capitals_is_not_a_request_for_acronyms(engine):
    assert _paths(_search(engine, "NINOS")) == _paths(_search(engine, "niños"))
    assert _search(engine, "CAMPANA")["total"] == _search(engine, "campaña")["total"] == 1
    caps = _search(engine, "VACUNACION DE NINOS")  # caps lock: "DE" is a stopword again
    assert caps["total"] == 7 and caps["partial"] is None


def test_an_acronym_typed_in_capitals_still_finds_the_acronym(engine):
    assert _paths(_search(engine, "IMSS")) == ["c/covid.txt"]


def test_compounds_joined_split_or_as_hashtags(engine):
    assert _paths(_search(engine, "covid19")) == _paths(_search(engine, "covid-19")) == ["c/covid.txt"]
    assert _paths(_search(engine, "IMSSBienestar")) == ["c/covid.txt"]
    assert _paths(_search(engine, "imss bienestar")) == ["c/covid.txt"]
    assert _paths(_search(engine, "#SaludMental")) == ["c/salud-mental.txt"]


def test_a_typed_year_ranks_that_year_first_and_is_offered_as_a_filter(engine):
    response = _search(engine, "dengue 2021")
    assert response["total"] == 3  # the year is not a word the text must hold
    assert _paths(response)[0] == "d/2021.txt"
    assert response["period"] == {"period": "2021", "from": "2021-01-01", "to": "2021-12-31", "count": 1,
                                  "words": ["2021"]}
    # with a date filter chosen, the filter decides: no second offer
    import datetime as dt
    assert _search(engine, "dengue 2021", date_from=dt.date(2022, 1, 1))["period"] is None
    assert parse("dengue fecha:2021 2020").period is None
    assert parse("dengue marzo de 2020").period.key == "2020-03"
    assert parse("2021").clauses  # alone, the year is still searched as text


def test_the_page_offers_the_typed_year_as_a_chip(client):
    html = client.get("/?q=vacunacion+2023").get_data(as_text=True)
    assert "¿Solo 2023?" in html and "desde=2023-01-01" in html


def test_the_stemmer_is_safe_under_threads(monkeypatch):
    """The pure-Python Snowball stemmer (a plain install, without PyStemmer) keeps state between calls:
    threads stemming at once through one object broke words and raised IndexError. Same stems as one thread."""
    import sys

    import snowballstemmer
    from snowballstemmer.spanish_stemmer import SpanishStemmer

    monkeypatch.setattr(snowballstemmer, "stemmer", lambda language: SpanishStemmer())
    monkeypatch.setattr(analysis, "_local", threading.local())
    words = [f"{w}{i % 50}" if i % 3 == 0 else w for i, w in enumerate(
        "enfermedades hospitalarios campañas vacunación niñas municipios trabajadoras epidemiológicas".split() * 2000)]
    expected = [SpanishStemmer().stemWord(w) for w in words]
    results, errors = {}, []

    def work(n):
        try:
            results[n] = [analysis._snowball().stemWord(w) for w in words]
        except Exception as exc:  # noqa: BLE001 - the failure is what the test looks for
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, as a busy server does
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and len(results) == 8 and all(r == expected for r in results.values())


@pytest.mark.shared
def test_everyday_pairs_agree_over_the_real_corpus(real_index):
    from indexer.search import SearchEngine

    path = SHARED / everyday.EVERYDAY_FILE
    if not path.is_file():
        pytest.skip(f"{path} not present")
    results = everyday.evaluate(SearchEngine(real_index), everyday.load_pairs(path))
    share = sum(r.agrees for r in results) / len(results)
    assert share >= everyday.TARGET, [r.pair for r in results if not r.agrees]


def test_a_long_word_in_capitals_is_corrected_like_any_word(engine):
    response = _search(engine, "VACUNASION NINOS")
    assert response["total"] == 7 and response["corrected"]["query"] == "vacunación NINOS"
    assert _search(engine, "VACUNASION")["corrected"]["query"] == "vacunación"
