"""The search page, the bulletin page and the JSON API, through Flask's test client."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.query import MAX_QUERY_CHARS
from webapp import create_app


class Page(HTMLParser):
    """The parts of a rendered page the tests look at: links (with the nav they sit in), hit dates."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.hit_dates: list[str] = []
        self.hit_links: list[str] = []
        self._navs: list[str] = []
        self._tags: list[str] = []
        self._link: dict | None = None
        self._in_hits = 0
        self._hit_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._navs.append(attrs.get("aria-label", ""))
        if tag == "ol" and "hits" in (attrs.get("class") or ""):
            self._in_hits += 1
        if tag == "h3" and "hit-title" in (attrs.get("class") or ""):
            self._hit_title = True
        if tag == "time" and self._in_hits:
            self.hit_dates.append(attrs["datetime"])
        if tag == "a":
            self._link = {"href": attrs.get("href", ""), "text": "", "nav": self._navs[-1] if self._navs else None,
                          "current": attrs.get("aria-current"), "rel": attrs.get("rel"),
                          "class": attrs.get("class") or "", "label": attrs.get("aria-label")}
            if self._hit_title:
                self.hit_links.append(self._link["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._navs:
            self._navs.pop()
        if tag == "ol" and self._in_hits:
            self._in_hits -= 1
        if tag == "h3":
            self._hit_title = False
        if tag == "a" and self._link is not None:
            self._link["text"] = " ".join(self._link["text"].split())
            self.links.append(self._link)
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def link(self, nav: str, text: str) -> dict:
        found = [l for l in self.links if l["nav"] == nav and l["text"].startswith(text)]
        assert found, f"no link {text!r} in nav {nav!r}: {[l['text'] for l in self.links if l['nav'] == nav]}"
        return found[0]

    def facet_counts(self, nav: str) -> dict[str, int]:
        out = {}
        for l in self.links:
            if l["nav"] == nav:
                label, _, count = l["text"].removesuffix(" (filtro activo; actívelo para quitarlo)").rpartition(" ")
                out[label] = int(count.replace(",", ""))
        return out


def get_page(client, url: str, status: int = 200) -> tuple[str, Page]:
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    return html, Page(html)


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def api(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def hit_id(client, query: str) -> str:
    return api(client, q=query)["hits"][0]["id"]


# -- search page ------------------------------------------------------------------------------

def test_landing_page_shows_newest_bulletins_and_facets(client):
    html, page = get_page(client, "/")
    assert '<html lang="es">' in html
    assert "Boletines más recientes" in html
    assert page.hit_dates == sorted(page.hit_dates, reverse=True) and len(page.hit_dates) >= 5
    assert page.hit_dates[0] == "2025-07-11"  # the seed bulletin is the newest
    assert page.facet_counts("Filtrar por año") == {"2025": 1, "2024": 5, "2023": 2}
    assert "Servicios de Salud de Oaxaca (SSO)" in page.facet_counts("Filtrar por agencia")


def test_unaccented_query_highlights_the_accented_word(client):
    html, page = get_page(client, "/?q=vacunacion")
    assert "<mark>vacunación</mark>" in html
    assert re.search(r"\d+ resultados? \([\d.,]+ ms\)", html)
    assert any(href.startswith("/boletin/vacunacion-influenza-") and "q=vacunacion" in href for href in page.hit_links)


def test_agency_facet_filters_and_agencies_combine(client):
    _, page = get_page(client, "/?q=salud")
    counts = page.facet_counts("Filtrar por agencia")
    sso = page.link("Filtrar por agencia", "Servicios de Salud de Oaxaca (SSO)")
    assert query_of(sso["href"]) == {"q": ["salud"], "agencia": ["Servicios de Salud de Oaxaca (SSO)"]}

    html, filtered = get_page(client, sso["href"])
    assert len(filtered.hit_links) == counts["Servicios de Salud de Oaxaca (SSO)"]
    assert "Quitar filtro Agencia: Servicios de Salud de Oaxaca (SSO)" in html
    active = filtered.link("Filtrar por agencia", "Servicios de Salud de Oaxaca (SSO)")
    assert active["current"] == "true" and "agencia" not in query_of(active["href"])  # a second click removes it

    imss = filtered.link("Filtrar por agencia", "IMSS-Bienestar")
    both = query_of(imss["href"])
    assert both["agencia"] == ["Servicios de Salud de Oaxaca (SSO)", "IMSS-Bienestar"] and both["q"] == ["salud"]
    _, combined = get_page(client, imss["href"])
    expected = api(client, q="salud", agencia=["Servicios de Salud de Oaxaca (SSO)", "IMSS-Bienestar"])["total"]
    assert len(combined.hit_links) == expected > len(filtered.hit_links)


def test_year_and_month_facets_set_a_date_range_and_keep_other_filters(client):
    _, page = get_page(client, "/?agencia=Servicios+de+Salud+de+Oaxaca+(SSO)")
    year = page.link("Filtrar por año", "2024")
    params = query_of(year["href"])
    assert params["desde"] == ["2024-01-01"] and params["hasta"] == ["2024-12-31"]
    assert params["agencia"] == ["Servicios de Salud de Oaxaca (SSO)"]

    html, in_year = get_page(client, year["href"])
    assert in_year.hit_dates and all(d.startswith("2024-") for d in in_year.hit_dates)
    assert "Quitar filtro Año: 2024" in html
    month = in_year.link("Filtrar por mes", "agosto de 2024")
    params = query_of(month["href"])
    assert params["desde"] == ["2024-08-01"] and params["hasta"] == ["2024-08-31"]
    _, in_month = get_page(client, month["href"])
    assert in_month.hit_dates == ["2024-08-01"]


def test_chips_remove_one_filter_and_keep_the_rest(client):
    html, page = get_page(client, "/?q=salud&agencia=IMSS-Bienestar&desde=2024-01-01&hasta=2024-12-31")
    chip = next(l for l in page.links if l["label"] == "Quitar filtro Agencia: IMSS-Bienestar")
    assert query_of(chip["href"]) == {"q": ["salud"], "desde": ["2024-01-01"], "hasta": ["2024-12-31"]}
    dates = next(l for l in page.links if l["label"] == "Quitar filtro Año: 2024")
    assert query_of(dates["href"]) == {"q": ["salud"], "agencia": ["IMSS-Bienestar"]}
    assert "Quitar todos los filtros" in html


def test_pagination_keeps_every_other_parameter(index_dir):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "RESULTS_PER_PAGE": 3})
    client = app.test_client()
    html, first = get_page(client, "/?orden=antiguos&desde=2023-01-01")
    assert "página 1 de 3" in html
    current = [l for l in first.links if l["nav"] == "Paginación" and l["current"] == "page"]
    assert [l["text"] for l in current] == ["1"]
    following = next(l for l in first.links if l["rel"] == "next")
    assert query_of(following["href"]) == {"orden": ["antiguos"], "desde": ["2023-01-01"], "pagina": ["2"]}

    html2, second = get_page(client, following["href"])
    assert '<ol class="hits" start="4">' in html2
    _, third = get_page(client, "/?orden=antiguos&desde=2023-01-01&pagina=3")
    assert not any(l["rel"] == "next" for l in third.links)
    assert any(l["rel"] == "prev" for l in third.links)
    seen = first.hit_links + second.hit_links + third.hit_links
    assert len(seen) == len(set(seen)) == 8
    dates = first.hit_dates + second.hit_dates + third.hit_dates
    assert dates == sorted(dates)


def test_page_past_the_end_is_explained(client):
    html, _ = get_page(client, "/?q=salud&pagina=40")
    assert "Esta página no existe" in html


@pytest.mark.parametrize("orden, newest_first", [("recientes", True), ("antiguos", False)])
def test_sort_orders_by_date(client, orden, newest_first):
    html, page = get_page(client, f"/?q=salud&orden={orden}")
    assert len(page.hit_dates) >= 3
    assert page.hit_dates == sorted(page.hit_dates, reverse=newest_first)
    assert f'<option value="{orden}" selected>' in html


def test_no_results_gives_helpful_tips(client):
    html, _ = get_page(client, "/?q=xilofonista+zzzz&agencia=IMSS-Bienestar")
    assert "No encontramos boletines para «xilofonista zzzz» con estos filtros" in html
    assert "Revise la ortografía" in html and "menos palabras" in html
    assert "sin filtros" in html


def test_misspelled_query_offers_a_suggestion_link(client):
    _, page = get_page(client, "/?q=vacunacoin&orden=recientes")
    link = next(l for l in page.links if l["text"] == "vacunación")
    assert query_of(link["href"]) == {"q": ["vacunación"], "orden": ["recientes"]}


def test_merged_duplicates_are_announced(client):
    html, _ = get_page(client, "/?q=lactancia")
    assert "Publicado en 2 archivos" in html


# -- bulletin page ----------------------------------------------------------------------------

def test_bulletin_page_highlights_query_and_shows_metadata(client):
    bulletin_id = hit_id(client, "reunion salomon")
    html, page = get_page(client, f"/boletin/{bulletin_id}?q=reunion+salomon&orden=recientes")
    assert "<mark>Salomón</mark>" in html and re.search(r'<mark id="coincidencia-\d+">reunión</mark>', html)  # numbered
    assert "599/2023" in html and "30 de noviembre de 2023" in html
    assert "002_be99387aef608c86.txt" in html
    assert "De dónde se extrajo cada dato" in html
    back = next(l for l in page.links if l["text"].startswith("‹ Volver a los resultados"))
    assert query_of(back["href"]) == {"q": ["reunion salomon"], "orden": ["recientes"]}
    assert "Boletines relacionados" in html


def test_bulletin_page_lists_every_file_of_a_merged_duplicate(client):
    html, _ = get_page(client, f"/boletin/{hit_id(client, 'lactancia')}")
    assert "duplicados/lactancia.txt" in html and "duplicados/lactancia-copia.md" in html


def test_unknown_bulletin_is_a_spanish_404(client):
    html, _ = get_page(client, "/boletin/no-existe-123", status=404)
    assert "No encontramos ese boletín" in html and '<html lang="es">' in html
    html, _ = get_page(client, "/no/hay/tal/pagina", status=404)
    assert "no existe" in html


# -- JSON API ---------------------------------------------------------------------------------

def test_api_search_follows_the_json_contract(client):
    response = client.get("/api/search?q=vacunacion")
    data = response.get_json()
    assert response.mimetype == "application/json"
    assert {"query", "total", "took_ms", "hits", "facets"} <= set(data)
    assert data["query"] == "vacunacion" and data["total"] == len(data["hits"]) >= 1
    for hit in data["hits"]:
        assert {"id", "path", "title", "date", "agencies", "number", "place", "score", "snippet"} <= set(hit)
    assert set(data["facets"]) == {"agency", "year", "month"}
    assert "vacunación".encode() in response.data  # not \u00f3


def test_api_search_takes_the_page_parameters(client):
    data = api(client, orden="antiguos", agencia="IMSS-Bienestar", limite=1)
    assert data["sort"] == "oldest" and len(data["hits"]) == 1 and data["total"] == 2
    assert data["hits"][0]["date"] == "2023-11-30"


@pytest.mark.parametrize("query", ["pagina=abc", "pagina=0", "pagina=-4", "pagina=99999999999999", "desde=2023-14-40",
                                   "orden=alfabetico", "limite=1000", "q=" + "a" * (MAX_QUERY_CHARS + 1)])
def test_api_errors_are_json_400(client, query):
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"} and response.get_json()["error"]


def test_api_suggest_completes_the_last_word(client):
    response = client.get("/api/suggest?q=campaña de vacu")
    data = response.get_json()
    assert response.status_code == 200, data
    assert data["query"] == "campaña de vacu"
    assert "campaña de vacunación" in data["suggestions"]


# -- bad input and failures -------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("q=" + "salud " * 200, "demasiado larga"),
    ("pagina=5000", "entre 1 y 1000"),
    ("pagina=-1", "entre 1 y 1000"),
    ("pagina=dos", "número entero"),
    ("desde=31-31-2023", "Fecha no válida"),
    ("desde=2024-05-01&hasta=2023-01-01", "posterior"),
    ("orden=alfabetico", "Orden desconocido"),
])
def test_bad_input_is_a_clear_400_page(client, query, message):
    html, page = get_page(client, "/?" + query, status=400)
    assert message in html and "Traceback" not in html
    assert "No pudimos hacer esta búsqueda" in html
    assert page.links  # the search form and a way back are still there


def test_missing_index_is_a_503_that_says_what_to_run(tmp_path):
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "nada")}).test_client()
    html, _ = get_page(client, "/", status=503)
    assert "boletines index" in html and str(tmp_path) not in html
    response = client.get("/api/search?q=salud")
    assert response.status_code == 503 and "boletines index" in response.get_json()["error"]


def test_unexpected_errors_show_a_spanish_page_without_a_trace(app, monkeypatch):
    from webapp import views

    class Broken:
        def search(self, request):
            raise RuntimeError("secreto interno")

    monkeypatch.setattr(views, "engine", lambda: Broken())
    response = app.test_client().get("/?q=salud")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Algo salió mal" in html
    assert "secreto interno" not in html and "Traceback" not in html


# -- escaping and accessibility ---------------------------------------------------------------

def test_bulletin_text_and_queries_are_escaped(client):
    html, _ = get_page(client, "/?q=vacunas+falsas")
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "Alerta &lt;script&gt;alert(1)&lt;/script&gt; sobre <mark>vacunas</mark> <mark>falsas</mark>" in html

    html, _ = get_page(client, f"/boletin/{hit_id(client, 'vacunas falsas')}?q=domicilio")
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html and '<mark id="coincidencia-1">domicilio</mark>' in html

    hostile = '"><script>alert(3)</script><b x="'
    response = client.get("/", query_string={"q": hostile, "agencia": hostile})
    html = response.get_data(as_text=True)
    assert "<script>alert(3)</script>" not in html and '"><' not in html.split("<main", 1)[1].split("</form>")[0]
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    html = client.get("/", query_string={"orden": "`<script>alert(4)</script>`"}).get_data(as_text=True)
    assert "<script>alert(4)" not in html and "&lt;script&gt;alert(4)" in html  # error messages quote input
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'self' covers scripts
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_page_structure_is_accessible(client):
    html, page = get_page(client, "/?q=salud")
    for tag in ("<header", "<main", "<aside", "<footer", '<ol class="hits"'):
        assert tag in html
    assert 'href="#contenido"' in html and 'id="contenido"' in html  # skip link
    for field in ("q", "desde", "hasta", "orden"):
        assert f'<label for="{field}"' in html or f'<label class="search-label" for="{field}"' in html
        assert f'id="{field}"' in html
    assert {"Filtrar por agencia", "Filtrar por año", "Filtrar por mes"} <= {l["nav"] for l in page.links}
    assert 'role="search"' in html


def test_static_files_are_served_locally(client):
    html, _ = get_page(client, "/")
    assert "http://" not in html.split("<body", 1)[0] and "https://" not in html.split("<body", 1)[0]
    for asset in ("style.css", "app.js"):
        assert client.get(f"/static/{asset}").status_code == 200


def test_cli_builds_the_index(corpus, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "idx"), "CORPUS_DIR": str(corpus)})
    result = app.test_cli_runner().invoke(args=["build-index"])
    assert result.exit_code == 0, result.output
    assert "Índice listo" in result.output and "8 boletines" in result.output
    assert app.test_client().get("/?q=dengue").status_code == 200


def test_cli_command_is_registered(runner):
    result = runner.invoke(args=["build-index", "--help"])
    assert result.exit_code == 0 and "--update" in result.output


def test_bulletin_page_links_every_source_file(client):
    hit = client.get("/api/search?q=lactancia").get_json()["hits"][0]
    assert len(hit["paths"]) == 2
    page = client.get(f"/boletin/{hit['id']}").get_data(as_text=True)
    for number, path in enumerate(hit["paths"]):
        assert f"/boletin/{hit['id']}/archivo/{number}" in page
        response = client.get(f"/boletin/{hit['id']}/archivo/{number}")
        assert response.status_code == 200 and "lactancia" in response.get_data(as_text=True).lower()
        assert response.mimetype == "text/plain"
    assert client.get(f"/boletin/{hit['id']}/archivo/7").status_code == 404
    assert client.get("/boletin/no-existe/archivo/0").status_code == 404
