"""The search engine: ranking basics, filters, facets, sorting, paging, the JSON contract."""
import pytest

from indexer import build
from indexer.search import SearchEngine, SearchError, SearchRequest, parse_date_param

FILES = {
    "a.txt": "Arranca campaña de vacunación para niñas y niños\n\nOaxaca de Juárez, Oax. 5 de marzo de 2024.- "
             "Los Servicios de Salud de Oaxaca (SSO) iniciaron la vacunación de niñas y niños en las ocho regiones.",
    "b.txt": "Salud pública en el año nuevo\n\nOaxaca, Oax. 2 de enero de 2023.- La Secretaría de Salud informó que la "
             "salud pública es prioridad este año.",
    "c.txt": "Campaña de publicidad contra el ano rojo\n\nMérida, Yucatán, a 13 de junio de 2018.- La campaña de "
             "publicidad del Gobierno de Yucatán habla del ano rojo.",
    "d.txt": "Inicia el IMSS-Bienestar en Oaxaca\n\nOaxaca, jueves 30 de noviembre 2023\nNo. 599/2023\n\n"
             "El IMSS-Bienestar y el Gobierno de Oaxaca firmaron el convenio. COVID-19 y dengue.",
    "e.txt": "Informe de la SE sobre comercio\n\nCiudad de México, 10 de mayo de 2023.- La SE, Secretaría de Economía, "
             "y CENSIDA presentaron datos. Vacunación en adultos mayores.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-corpus")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("search-index")
    build.build(root, index_dir)
    return SearchEngine(index_dir)


def paths(engine, query, **kwargs):
    return [h["path"] for h in engine.search(SearchRequest(query=query, **kwargs))["hits"]]


def test_contract_keys(engine):
    response = engine.search(SearchRequest(query="vacunacion"))
    assert {"query", "total", "took_ms", "hits", "facets"} <= set(response)
    assert set(response["facets"]) == {"agency", "year", "month"}
    hit = response["hits"][0]
    assert {"id", "path", "title", "date", "agencies", "number", "place", "score", "snippet"} <= set(hit)


def test_unaccented_inflected_query_finds_accented_text(engine):
    assert paths(engine, "vacunacion ninas")[0] == "a.txt"


def test_exact_form_ranks_first_and_enye_matters(engine):
    assert paths(engine, "año")[0] == "b.txt"
    assert "c.txt" in paths(engine, "ano")  # ñ-folded matches still found


def test_salud_publica_prefers_the_phrase_over_publicidad(engine):
    assert paths(engine, "salud publica")[0] == "b.txt"


def test_compounds_and_numbers(engine):
    assert paths(engine, "IMSS-Bienestar") == ["d.txt"]
    assert paths(engine, "imss bienestar") == ["d.txt"]
    assert paths(engine, "599/2023") == ["d.txt"]
    assert paths(engine, "covid-19") == ["d.txt"]


def test_acronym_se_is_searchable_in_capitals(engine):
    assert paths(engine, "SE comercio") == ["e.txt"]
    assert paths(engine, "censida") == ["e.txt"]


def test_exclusion_or_phrase_prefix(engine):
    assert "e.txt" not in paths(engine, "vacunacion -adultos")
    assert set(paths(engine, "dengue OR comercio")) == {"d.txt", "e.txt"}
    assert paths(engine, '"ano rojo"') == ["c.txt"]
    assert set(paths(engine, "vacun*")) == {"a.txt", "e.txt"}


def test_agency_and_date_filters_and_facets(engine):
    response = engine.search(SearchRequest(query="", agencies=["SSO"]))
    assert [h["path"] for h in response["hits"]] == ["a.txt"]
    response = engine.search(SearchRequest(query="oaxaca", date_from=parse_date_param("2023"),
                                           date_to=parse_date_param("2023", end=True)))
    assert {h["path"] for h in response["hits"]} == {"b.txt", "d.txt"}
    # a facet's counts ignore its own filter: other years stay visible
    assert response["facets"]["year"].get("2024") == 1
    assert set(response["facets"]["month"]) == {"2023-01", "2023-11"}
    assert sum(response["facets"]["agency"].values()) >= 2


def test_query_field_filters(engine):
    assert paths(engine, "agencia:IMSS-Bienestar") == ["d.txt"]
    assert paths(engine, "fecha:2018") == ["c.txt"]


def test_sorting_and_paging(engine):
    newest = paths(engine, "", sort="newest", limit=50)
    assert newest[0] == "a.txt" and newest[-1] == "c.txt"
    assert paths(engine, "", sort="oldest", limit=1) == ["c.txt"]
    first = engine.search(SearchRequest(query="", limit=2, page=1))
    second = engine.search(SearchRequest(query="", limit=2, page=2))
    assert first["total"] == 5 and first["pages"] == 3
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}


@pytest.mark.parametrize("request_kwargs", [
    {"query": "x" * 5000}, {"query": "salud", "page": 0}, {"query": "salud", "page": 10**9},
    {"query": "salud", "limit": 10**6}, {"query": "salud", "sort": "random"},
])
def test_bad_requests_raise_a_clear_error(engine, request_kwargs):
    with pytest.raises(SearchError):
        engine.search(SearchRequest(**request_kwargs))


def test_bulletin_page_data_and_unknown_id(engine):
    hit = engine.search(SearchRequest(query="dengue"))["hits"][0]
    bulletin = engine.bulletin(hit["id"], "dengue")
    assert "<mark>dengue</mark>" in bulletin["body_html"]
    assert engine.bulletin("no-existe") is None


def test_did_you_mean(engine):
    # typed in quotes, the word is searched as typed (nothing) and the correction is offered
    assert engine.search(SearchRequest(query='"vacunasion"'))["suggestion"] == "vacunación"
    # unquoted, the confident correction is searched at once
    response = engine.search(SearchRequest(query="vacunasion"))
    assert response["total"] > 0 and response["corrected"]["query"] == "vacunación"


def test_pre_ranking_keeps_the_exact_top_results(engine, monkeypatch):
    """Scoring only the pre-ranked candidates must give the same first page as scoring every match."""
    from indexer import ranking

    queries = ["vacunacion", "salud oaxaca", "campaña", "oaxaca"]
    full = {q: [h["id"] for h in engine.search(SearchRequest(query=q, limit=1))["hits"]] for q in queries}
    monkeypatch.setattr(ranking, "exact_enough", lambda total, wanted: wanted + 1)  # force the candidate path
    engine.generation().cache.clear()
    for q in queries:
        assert [h["id"] for h in engine.search(SearchRequest(query=q, limit=1))["hits"]] == full[q]
