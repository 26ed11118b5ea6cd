"""Every page a person can reach answers without a server error, whatever the corpus holds.

A "chaos corpus" (undated, untitled, agency-less, far-past and far-future dates, duplicate titles,
empty and huge files, hostile file names) and, when `../shared` is present, the whole real corpus
are walked link by link (see `walk.py`); the rest checks what the walk cannot see.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from walk import CHAOS_QUERIES, links_of, walk, write_chaos_corpus

from indexer import build
from indexer.document import shown_path
from indexer.search import SearchEngine, SearchRequest

REAL_QUERIES = [
    "", "salud mental", "oaxaca", "fecha:2020", "presidente", "-vacuna", '"', "vacunación niños", "dengue",
    "covid", "IMSS-Bienestar", "agencia:IMSS", "agencia:Presidencia", "hospital", "conferencia de prensa",
    "educación", "mañanera", "campaña", "AMLO", "Meade", "fecha:2018-06", "fecha:2023-01..2023-06",
    "vacun*", "dengue OR zika", "salud -covid", "secretaría de educación pública", "versión estenográfica",
    "medicamentos", "pueblos indígenas", "sarampión", "cáncer", "agua potable", "seguridad", "migrantes",
    "economía", "vacunasion", "a" * 500, "zzzzqqq", "1900", "niñas y niños",
    # as people type: no ñ or accents, caps lock, a year, compounds joined or split, a pasted sentence
    "vacunacion ninos", "SALUD PUBLICA", "PEQUENAS", "covid oaxaca 2021", "dengue marzo 2020", "covid19",
    "#SaludMental", "lopez gatell", "IMSSBienestar", "sars cov 2", "p*", "co*", "senor presidente",
    "El presidente informó que la vacunación contra la influenza comenzará en octubre en todo el país.",
]


def _client(corpus: Path, index: Path):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()


@pytest.fixture(scope="module")
def chaos(tmp_path_factory):
    root = tmp_path_factory.mktemp("chaos")
    corpus = write_chaos_corpus(root / "corpus", undecodable=False)
    report = build.build(corpus, root / "index", jobs=1)
    return corpus, root / "index", report


@pytest.fixture
def chaos_client(chaos):
    corpus, index, _ = chaos
    return _client(corpus, index)


def test_walk_over_the_chaos_corpus_finds_no_server_error(chaos_client):
    walked, failures = walk(chaos_client, CHAOS_QUERIES, limit=700)
    assert failures == []
    assert walked >= 300  # the walk really went past the seeds into facets, pages and bulletins


def test_chaos_corpus_was_indexed_except_the_empty_file(chaos):
    _, _, report = chaos
    assert [path for path, _ in report.skipped] == ["vacio.txt"]
    assert report.documents >= 20


def test_undated_bulletins_sort_last_both_ways(chaos):
    _, index, _ = chaos
    engine = SearchEngine(index)
    for sort in ("newest", "oldest"):
        hits = engine.search(SearchRequest(query="", sort=sort, limit=100))["hits"]
        dates = [h["date"] for h in hits]
        dated = [d for d in dates if d]
        assert None in dates and dates == dated + [None] * (len(dates) - len(dated)), sort
        assert dated == sorted(dated, reverse=sort == "newest")
    oldest = engine.search(SearchRequest(query="", sort="oldest"))["hits"][0]
    assert oldest["date"] == "1900-01-01"


def test_year_and_month_facets_are_real_dates(chaos):
    _, index, _ = chaos
    facets = SearchEngine(index).search(SearchRequest(query=""))["facets"]
    assert {"1900", "2023", "2100"} <= set(facets["year"])
    for year in facets["year"]:
        assert 1 <= int(year) <= 9999
    for month in facets["month"]:
        assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month)


def test_undated_and_agencyless_bulletins_say_so(chaos_client):
    page = chaos_client.get("/?q=sin+fecha")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sin fecha" in html and "Sin agencia" in html
    undated = [link for link in links_of(html) if link.startswith("/boletin/sin-titulo-")]  # no date, no agency
    bulletin = chaos_client.get(undated[0]).get_data(as_text=True)
    assert "Sin fecha" in bulletin and "Sin agencia" in bulletin


def test_far_past_year_facet_link_filters_to_that_year(chaos_client):
    html = chaos_client.get("/").get_data(as_text=True)
    link = next(link for link in links_of(html) if "desde=1900-01-01" in link and "hasta=1900-12-31" in link)
    page = chaos_client.get(link).get_data(as_text=True)
    assert "Boletín de 1900" in page and "Jornada de vacunación" not in page


def _file_link(client, query: str) -> tuple[str, str]:
    """(bulletin page, its first source-file link) of the first hit for `query`."""
    hit = client.get("/api/search", query_string={"q": query}).get_json()["hits"][0]
    page = client.get(f"/boletin/{hit['id']}").get_data(as_text=True)
    return page, next(link for link in links_of(page) if "/archivo/" in link)


@pytest.mark.parametrize("query, name", [
    ("salto de línea", "nueva\nlínea.txt"),
    ("retorno de carro", "retorno\rde carro.txt"),
    ("comillas en el nombre", "comillas \"dobles\" y 'simples'.txt"),
    ("signos en el nombre", "por ciento %41 & ? # ;.txt"),
    ("emoji en el nombre", "🦠 virus.txt"),
])
def test_hostile_file_names_are_served_with_an_rfc_6266_header(chaos_client, query, name):
    _, link = _file_link(chaos_client, query)
    response = chaos_client.get(link)
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert "\n" not in header and "\r" not in header
    fallback, encoded = re.fullmatch(r'inline; filename="([ -~]*)"; filename\*=UTF-8\'\'(\S+)', header).groups()
    assert '"' not in fallback and "\\" not in fallback
    assert unquote(encoded) == shown_path(name)  # "nueva␊línea.txt": the name the page shows
    assert query in response.get_data(as_text=True).lower()


def test_control_characters_in_names_are_shown_as_symbols(chaos_client):
    page, _ = _file_link(chaos_client, "salto de línea")
    assert "nueva␊línea.txt" in page


def test_a_file_replaced_by_a_link_outside_the_corpus_is_not_served(tmp_path):
    outside = tmp_path / "secreto.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "boletin.txt").write_text("Aviso de salud\n\nOaxaca, 2 de mayo de 2024.- Vacunas.", encoding="utf-8")
    build.build(corpus, tmp_path / "index", jobs=1)
    client = _client(corpus, tmp_path / "index")
    _, link = _file_link(client, "vacunas")
    assert client.get(link).status_code == 200
    (corpus / "boletin.txt").unlink()
    (corpus / "boletin.txt").symlink_to(outside)  # after indexing: only the serve-time check can stop it
    response = client.get(link)
    assert response.status_code == 404 and b"root:x" not in response.data


def test_content_disposition_of_a_name_that_is_not_utf8():
    from webapp.files import content_disposition

    name = os.fsdecode(b"caf\xe9 \"x\".pdf")
    header = content_disposition("attachment", name)
    assert header == "attachment; filename=\"caf_ _x_.pdf\"; filename*=UTF-8''caf%EF%BF%BD%20%22x%22.pdf"
    header.encode("latin-1")  # a valid header value


@pytest.fixture(scope="module")
def undecodable(tmp_path_factory):
    """The chaos corpus plus a file whose name is not UTF-8."""
    root = tmp_path_factory.mktemp("undecodable")
    corpus = write_chaos_corpus(root / "corpus")
    build.build(corpus, root / "index", jobs=1)
    return corpus, root / "index"


def test_a_name_that_is_not_utf8_works_end_to_end(undecodable):
    client = _client(*undecodable)
    walked, failures = walk(client, ["latin1", "nombre en latin-1"], limit=60)
    assert failures == []
    page, link = _file_link(client, "nombre en latin-1")
    assert "caf\N{REPLACEMENT CHARACTER} latin1.txt" in page
    response = client.get(link)
    assert response.status_code == 200 and "Nombre en Latin-1" in response.get_data(as_text=True)
    assert "filename*=UTF-8''caf%EF%BF%BD%20latin1.txt" in response.headers["Content-Disposition"]
    hit = client.get("/api/search", query_string={"q": "nombre en latin-1"}).get_json()["hits"][0]
    assert os.fsencode(hit["path"]) == b"caf\xe9 latin1.txt"  # the API's JSON keeps the exact name
    for fmt in ("csv", "json"):
        response = client.get("/exportar", query_string={"q": "nombre en latin-1", "formato": fmt})
        assert response.status_code == 200 and "caf\N{REPLACEMENT CHARACTER} latin1.txt" in response.get_data(as_text=True)
    assert client.get("/feed.atom", query_string={"q": "nombre en latin-1"}).status_code == 200


@pytest.mark.shared
def test_walk_over_the_real_corpus_finds_no_server_error(real_index):
    from conftest import SHARED

    client = _client(SHARED / "corpus", real_index)
    walked, failures = walk(client, REAL_QUERIES, limit=1500)
    print(f"real corpus walk: {walked} responses, {len(failures)} ≥ 500")
    assert failures == []
    assert walked == 1500
