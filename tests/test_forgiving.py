"""Search that forgives and explains: typos, acronyms and synonyms, and a page that says what it did."""
import re

import pytest

from indexer import typos
from indexer.query import parse
from indexer.search import SearchRequest

from conftest import engine_over

BULLETINS = {
    "a/influenza.txt": "Campaña contra la influenza\n\nLa campaña de vacunación contra la influenza estacional "
                       "llega a los centros de salud de Tuxtepec.",
    "a/influenza-2.txt": "Casos de influenza en la costa\n\nSe confirmaron casos de influenza en Pinotepa.",
    "a/typo.txt": "Nota breve\n\nEn la nota se escribió influensa por error, junto a otras palabras.",
    "b/coronavirus.txt": "Informe sobre coronavirus\n\nEl coronavirus sigue presente en la región de Valles Centrales.",
    "b/covid.txt": "Informe técnico semanal\n\nLa COVID-19 sigue presente en la región de la Mixteca.",
    "c/vih.txt": "Prevención en jóvenes\n\nPruebas gratuitas del virus de inmunodeficiencia humana en la Mixteca.",
    "d/ssa.txt": "Comunicado\n\nLa Secretaría de Salud informó sobre el dengue en la Cuenca del Papaloapan.",
    "d/dengue.txt": "Dengue en la Cuenca\n\nBrigadas contra el dengue recorren la Cuenca del Papaloapan.",
}
# A common word: a rare spelling of it ("influensa", in one bulletin) is widened to it
BULLETINS.update({f"e/aviso-{i}.txt": f"Aviso {i}\n\nRecomendaciones ante la influenza, número {i}." for i in range(10)})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "forgiving", BULLETINS)


def _search(engine, q, **kw):
    return engine.search(SearchRequest(query=q, **kw))


def _paths(response):
    return [h["path"] for h in response["hits"]]


def test_an_unknown_word_is_searched_as_its_confident_correction(engine):
    response = _search(engine, "vacunasion tuxtepek")
    assert _paths(response)[0] == "a/influenza.txt"
    assert response["corrected"] == {"query": "vacunación tuxtepec", "literal": '"vacunasion" "tuxtepek"',
                                     "words": {"vacunasion": "vacunación", "tuxtepek": "tuxtepec"}}


def test_the_literal_link_searches_only_what_was_typed(engine):
    literal = _search(engine, '"tuxtepek"')
    assert literal["total"] == 0 and literal["corrected"] is None


def test_a_rare_word_finds_itself_first_and_its_common_spelling_after(engine):
    response = _search(engine, "influensa")
    assert _paths(response)[0] == "a/typo.txt"
    assert {"a/influenza.txt", "a/influenza-2.txt"} <= set(_paths(response))
    assert response["corrected"] is None  # the typed word exists: nothing was replaced


def test_spanish_confusions_cost_less_than_other_edits():
    assert typos.reach("sol") == 0 and typos.reach("dengue") == 1 and typos.reach("vacunacion") == 2


def test_typo_lookup_ignores_junk_and_numbers(engine):
    searcher = engine.generation().searcher()
    for word in ("a" * 500, "x" * 40, "12345", "ab"):
        assert typos.corrections(searcher, word)[:2] == ([], False)
    assert _search(engine, "a" * 400)["total"] == 0


def test_an_excluded_word_is_not_widened(engine):
    paths = _paths(_search(engine, "casos -influensa"))
    assert "a/influenza-2.txt" in paths  # only the literal word is excluded


def test_a_synonym_widens_a_word_below_the_word_itself(engine):
    paths = _paths(_search(engine, "coronavirus"))
    assert paths[:2] == ["b/coronavirus.txt", "b/covid.txt"]
    assert _paths(_search(engine, "covid-19"))[:2] == ["b/covid.txt", "b/coronavirus.txt"]


def test_a_synonym_phrase_is_searched_as_a_phrase(engine):
    response = _search(engine, "vih")
    assert _paths(response) == ["c/vih.txt"]
    assert "<mark>virus de inmunodeficiencia humana</mark>" in response["hits"][0]["snippet"]


def test_an_agency_acronym_reaches_the_agency_by_name(engine):
    response = _search(engine, "ssa dengue")
    assert _paths(response) == ["d/ssa.txt"]
    assert response["suggestion"] is None  # an acronym is not a misspelling
    assert _paths(_search(engine, '"ssa" dengue'))[0] == "d/dengue.txt"  # quoted: the word alone (missing here)


def test_missing_words_are_said_per_result(engine):
    response = _search(engine, "dengue pinotepa")
    assert response["partial"] == {"needed": 1, "words": 2, "fallback": True}
    missing = {h["path"]: h["missing"] for h in response["hits"]}
    assert missing["a/influenza-2.txt"] == ["dengue"] and missing["d/dengue.txt"] == ["pinotepa"]
    full = _search(engine, "dengue cuenca")
    assert full["partial"] is None and all(h["missing"] == [] for h in full["hits"])


def test_typed_filters_are_split_from_the_words(engine):
    moved = engine.typed_filters("dengue agencia:SSO fecha:2019")
    assert moved["query"] == "dengue" and moved["agencies"] == ["SSO"]
    assert (str(moved["from"]), str(moved["to"])) == ("2019-01-01", "2019-12-31")
    assert engine.typed_filters("dengue cuenca") is None


def test_quoted_single_word_is_literal():
    (clause,) = parse('"influensa"').clauses
    assert clause.options[0].literal
    assert not parse("influensa").clauses[0].options[0].literal


def test_page_shows_the_correction_and_the_literal_link(client):
    html = client.get("/", query_string={"q": "influensa"}).get_data(as_text=True)
    notice = " ".join(re.search(r'<p class="query-notice corrected">(.*?)</p>', html, re.S).group(1).split())
    assert notice.startswith("Mostrando resultados de") and "<em>influenza</em>" in notice
    assert "Buscar solo" in notice and "q=%22influensa%22" in notice


def test_page_says_when_results_lack_words(client):
    html = client.get("/", query_string={"q": "dengue tuxtepec"}).get_data(as_text=True)
    assert "Ningún boletín contiene todas las palabras buscadas" in html
    assert re.search(r'No contiene: <s>(dengue|tuxtepec)</s>', html)


def test_typed_filters_become_chips_and_selected_facets(client):
    response = client.get("/", query_string={"q": "vacunación agencia:SSO fecha:2023"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    chips = re.findall(r'<a class="chip".*?</a>', html, re.S)
    assert any("Servicios de Salud de Oaxaca (SSO)" in c for c in chips) and any("2023" in c for c in chips)
    active = " ".join(re.findall(r'class="facet-link active".*?</a>', html, re.S))
    assert "Servicios de Salud de Oaxaca (SSO)" in active and "2023" in active
    assert 'value="vacunación"' in html


# -- autocomplete ------------------------------------------------------------------------------

COMPLETION_BULLETINS = {f"m/mental-{i}.txt": f"Jornada {i}\n\nAtención a la salud mental en la comunidad {i}." for i in range(4)}
COMPLETION_BULLETINS.update({f"m/menos-{i}.txt": f"Aviso {i}\n\nHay menos casos y menos contagios, al menos {i}." for i in range(8)})
COMPLETION_BULLETINS.update({f"m/covid-{i}.txt": f"Informe {i}\n\nCasos de COVID en la semana {i}." for i in range(120)})
COMPLETION_BULLETINS["m/raro.txt"] = "Nota\n\nUn texto con la palabra coviduti una sola vez."
COMPLETION_BULLETINS["m/titulo.txt"] = "Salud. Mensaje del presidente de la junta\n\nTexto del mensaje."


@pytest.fixture(scope="module")
def completing(tmp_path_factory):
    return engine_over(tmp_path_factory, "completions", COMPLETION_BULLETINS)


def test_completion_follows_the_words_typed_before(completing):
    out = completing.suggest("salud men")
    assert out[0] == "salud mental"
    assert not any(o.startswith("salud.") for o in out)  # a title's sentence ended after "salud"


def test_completion_never_offers_rare_junk(completing):
    out = completing.suggest("covi")
    assert out and out[0] == "covid" and "coviduti" not in out


# -- bulletins sharing a title -----------------------------------------------------------------

SAME_TITLE = {
    "t/10.txt": "Aviso a la población\n\nBuenos días. Hoy vamos a informar sobre la construcción del nuevo hospital general de la costa.",
    "t/11.txt": "Aviso a la población\n\nVamos a presentar los resultados de la campaña de vacunación en las escuelas rurales.",
    "t/unico.txt": "Informe único de la semana\n\nUn boletín cuyo título ningún otro comparte, con varias palabras más.",
}


@pytest.fixture(scope="module")
def titled(tmp_path_factory):
    return engine_over(tmp_path_factory, "titles", SAME_TITLE)


def test_bulletins_sharing_a_title_get_a_distinguishing_line(titled):
    hits = {h["path"]: h for h in titled.search(SearchRequest(query="", limit=10))["hits"]}
    assert hits["t/10.txt"]["title"] == hits["t/11.txt"]["title"] == "Aviso a la población"  # unchanged
    assert hits["t/10.txt"]["distinction"] == "Hoy vamos a informar sobre la construcción del nuevo hospital general de la costa."
    assert "campaña de vacunación" in hits["t/11.txt"]["distinction"]
    assert hits["t/unico.txt"]["distinction"] is None


def test_a_transcript_line_names_the_first_speaker_and_skips_greetings():
    from indexer.distinguish import distinguishing_line

    body = ("Buenos días.\nPresidencia de la República\n10 de marzo de 2020\n---\nHUGO LÓPEZ-GATELL RAMÍREZ, SUBSECRETARIO\n"
            "Muy buenas tardes. Son las 19:00 horas de este martes 10 de marzo.\n"
            "Hoy vamos a informar sobre la construcción del nuevo hospital general de la costa.")
    assert distinguishing_line(body, "Buenos días.") == ("Hugo López-Gatell Ramírez: «Hoy vamos a informar sobre la "
                                                         "construcción del nuevo hospital general de la costa.»")


# -- related bulletins -------------------------------------------------------------------------

RELATED = {
    "r/dengue-1.txt": "Brigadas contra el dengue\n\nBrigadas eliminan criaderos del mosquito del dengue en Pinotepa y Jamiltepec.",
    "r/dengue-2.txt": "Casos de dengue\n\nSe confirman casos de dengue en Pinotepa; piden eliminar criaderos del mosquito.",
    "r/dengue-3.txt": "Fumigación\n\nFumigan colonias de Jamiltepec contra el mosquito transmisor del dengue.",
    "r/transporte.txt": "Transporte público\n\nDesinfectan estaciones y unidades del transporte público de la ciudad.",
    "r/transporte-2.txt": "Horario de transporte\n\nEl transporte público tendrá horario especial en estaciones y unidades.",
    "r/otro.txt": "Feria del libro\n\nInauguran la feria del libro con presentaciones y lecturas para niños.",
}
RELATED.update({f"r/relleno-{i}.txt": f"Aviso {i}\n\nInformación general número {i} para la población." for i in range(20)})


@pytest.fixture(scope="module")
def relating(tmp_path_factory):
    return engine_over(tmp_path_factory, "related", RELATED)


def _related_paths(engine, path):
    searcher = engine.generation().searcher()
    bulletin_id = searcher.document(path=path)["id"]
    return [searcher.document(id=r["id"])["path"] for r in engine.related(bulletin_id)]


def test_related_bulletins_share_distinctive_terms(relating):
    assert set(_related_paths(relating, "r/dengue-1.txt")) == {"r/dengue-2.txt", "r/dengue-3.txt"}
    assert _related_paths(relating, "r/transporte.txt") == ["r/transporte-2.txt"]
    assert _related_paths(relating, "r/otro.txt") == []  # nothing shares its topic: nothing rather than noise
