"""What people take away from a search: the timeline, /comparar, exports, the Atom feed, citations and
the bulletin page's match navigation (web, JSON and CLI)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from indexer import build, timeline
from indexer.cli import main
from indexer.export import COLUMNS, Export, bulletin_link
from indexer.search import SearchRequest
from tests.conftest import write_bulletins
from webapp import create_app
from webapp.tools import citation, numbered_matches

# 30 bulletins about paludismo over 2021–2023 with months left empty on purpose, one about zika,
# one without a date and one without any agency: more rows than a results page holds.
MONTHS = ["2021-01", "2021-01", "2021-02", "2021-05", "2021-05", "2021-05", "2021-09", "2022-01", "2022-02",
          "2022-02", "2022-03", "2022-07", "2022-07", "2022-08", "2022-11", "2022-12", "2023-01", "2023-01",
          "2023-02", "2023-03", "2023-03", "2023-03", "2023-04", "2023-06", "2023-06", "2023-07", "2023-08",
          "2023-09", "2023-10", "2023-12"]


WORDS = ("brigada vigilancia comunidad mosquito criaderos patios azoteas centros salud casos jornada región "
         "municipio hospital personal médicos enfermeras familias escuelas agua lluvias temporada campaña "
         "prevención síntomas fiebre atención clínica laboratorio muestras reporte semana colonia").split()


def _bulletin(n: int, month: str | None, topic: str = "paludismo", agency: str | None = "Secretaría de Salud") -> str:
    """A short bulletin about `topic`; its words are shuffled by `n` so no two are near-duplicates."""
    rng = random.Random(n)
    words = [rng.choice(WORDS) for _ in range(60)]
    front = ["---", f"title: Acciones contra el {topic} número {n}"]
    if month:
        front.append(f"date: {month}-{(n % 27) + 1:02d}")
    if agency:
        front += ["agencies:", f"  - {agency}"]
    front.append("---")
    return "\n".join(front) + f"\n\nEl {topic} {' '.join(words[:30])}.\n\nDe nuevo el {topic} {' '.join(words[30:])}.\n"


TOOL_BULLETINS = {f"palu/b{n:02d}.md": _bulletin(n, month) for n, month in enumerate(MONTHS)}
TOOL_BULLETINS["zika/z1.md"] = _bulletin(100, "2022-05", topic="zika")
TOOL_BULLETINS["zika/z2.md"] = _bulletin(101, "2023-03", topic="zika")
TOOL_BULLETINS["otros/sin-dependencia.md"] = _bulletin(200, "2023-05", agency=None)  # tolerated everywhere
PALUDISMO = len(MONTHS) + 1  # the 30 and the one without agency
# No date anywhere in the file: the timeline skips it, exports leave `fecha` empty, the feed gives it the
# index's time. (Kept out of the main corpus: the results page's own handling of it is tested elsewhere.)
UNDATED = {"otros/sin-fecha.txt": ("Aviso sobre paludismo\n\nLa brigada reforzó la vigilancia del paludismo "
                                   "en las comunidades de la región."),
           "palu/b01.md": _bulletin(1, "2021-01"), "palu/b02.md": _bulletin(2, "2021-03")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("tools")
    write_bulletins(root / "corpus", TOOL_BULLETINS)
    build.build(root / "corpus", root / "index", jobs=1)
    return root


@pytest.fixture(scope="module")
def undated(tmp_path_factory):
    root = tmp_path_factory.mktemp("undated")
    write_bulletins(root / "corpus", UNDATED)
    build.build(root / "corpus", root / "index", jobs=1)
    return create_app({"TESTING": True, "INDEX_DIR": str(root / "index"),
                       "CORPUS_DIR": str(root / "corpus")}).test_client()


@pytest.fixture
def tool_app(site):
    return create_app({"TESTING": True, "INDEX_DIR": str(site / "index"), "CORPUS_DIR": str(site / "corpus")})


@pytest.fixture
def web(tool_app):
    return tool_app.test_client()


def _json(web, url, status=200):
    response = web.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_json()


# -- timeline ------------------------------------------------------------------------------------------
def test_zero_filled_covers_every_month_of_the_span():
    line = timeline.zero_filled({"2023-11": 2, "2024-02": 1, "2023-12": 0})
    assert line == [{"period": "2023-11", "count": 2}, {"period": "2023-12", "count": 0},
                    {"period": "2024-01", "count": 0}, {"period": "2024-02", "count": 1}]


def test_zero_filled_skips_undated_and_impossible_months():
    # 4294967295 is what an undated bulletin's date column read back as: month "429496-72".
    assert timeline.zero_filled({"429496-72": 3, "0000-00": 1, "2023-05": 4}) == [{"period": "2023-05", "count": 4}]
    assert timeline.zero_filled({}) == []


def test_long_spans_are_charted_per_year():
    line = timeline.zero_filled({"2015-03": 2, "2023-11": 5, "2023-12": 1})
    assert len(line) > timeline.MAX_MONTHS
    years = timeline.periods(line)
    assert [p.key for p in years] == [str(y) for y in range(2015, 2024)]
    assert [p.count for p in years] == [2, 0, 0, 0, 0, 0, 0, 0, 6]
    assert years[0].start == dt.date(2015, 1, 1) and years[0].end == dt.date(2015, 12, 31)
    months = timeline.periods(timeline.zero_filled({"2024-02": 1}))
    assert months[0].unit == "month" and months[0].end == dt.date(2024, 2, 29)


def test_json_contract_has_a_zero_filled_timeline(web):
    answer = _json(web, "/api/search?q=paludismo")
    line = answer["timeline"]
    assert line[0]["period"] == "2021-01" and line[-1]["period"] == "2023-12"
    assert len(line) == 36  # every month of 2021–2023, empty ones included
    periods = [p["period"] for p in line]
    assert periods == sorted(periods)
    counts = {p["period"]: p["count"] for p in line}
    assert counts["2021-03"] == 0 and counts["2021-05"] == 3 and counts["2023-03"] == 3
    assert sum(counts.values()) == answer["total"]
    assert all(answer["facets"]["month"][k] == v for k, v in counts.items() if v)


def test_timeline_follows_every_filter(web):
    line = _json(web, "/api/search?q=paludismo&desde=2022-01-01&hasta=2022-12-31")["timeline"]
    assert line[0]["period"] == "2022-01" and line[-1]["period"] == "2022-12"
    assert _json(web, "/api/search?q=zika")["timeline"] == [
        {"period": f"{y}-{m:02d}", "count": int((y, m) in ((2022, 5), (2023, 3)))}
        for y in (2022, 2023) for m in range(1, 13) if (2022, 5) <= (y, m) <= (2023, 3)]


def test_cli_json_has_the_same_timeline(web, site):
    result = CliRunner().invoke(main, ["search", "paludismo", "--index", str(site / "index"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["timeline"] == _json(web, "/api/search?q=paludismo")["timeline"]


def test_results_page_charts_the_timeline_with_links_to_each_period(web):
    html = web.get("/?q=paludismo").get_data(as_text=True)
    assert '<svg class="timeline-chart"' in html and "Boletines por mes" in html
    bars = re.findall(r'<a class="bar" href="([^"]+)" data-period="([^"]+)" aria-label="([^"]+)"', html)
    assert len(bars) == 22  # one link per month with matches; empty months draw no bar
    href, period, label = next(b for b in bars if b[1] == "2021-05")
    assert label == "mayo de 2021: 3 boletines"
    assert "<title>mayo de 2021: 3 boletines</title>" in html
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    assert query == {"q": ["paludismo"], "desde": ["2021-05-01"], "hasta": ["2021-05-31"]}
    # the text alternative: the same numbers in a table
    assert "Ver los datos como tabla" in html and "<td>0</td>" in html

    narrowed = _json(web, "/api/search?" + urlsplit(href.replace("&amp;", "&")).query)
    assert narrowed["total"] == 3 and {h["date"][:7] for h in narrowed["hits"]} == {"2021-05"}
    page = web.get(href.replace("&amp;", "&")).get_data(as_text=True)
    assert "Periodo seleccionado: <strong>mayo de 2021</strong>" in page
    assert '<a href="/?q=paludismo">Quitar periodo</a>' in page


def test_undated_bulletins_stay_off_the_timeline(undated):
    answer = _json(undated, "/api/search?q=paludismo")
    assert answer["total"] == 3
    assert answer["timeline"] == [{"period": "2021-01", "count": 1}, {"period": "2021-02", "count": 0},
                                  {"period": "2021-03", "count": 1}]
    assert _json(undated, "/api/search?q=aviso")["timeline"] == []  # only the undated bulletin says "aviso"


def test_undated_bulletins_export_with_an_empty_date_and_feed_with_the_index_time(undated):
    rows = _csv_rows(undated.get("/exportar?q=paludismo").data)
    assert next(r for r in rows if r["archivo"] == "otros/sin-fecha.txt")["fecha"] == ""
    data = json.loads(undated.get("/exportar?q=paludismo&formato=json").data)
    assert next(r for r in data["boletines"] if r["archivo"] == "otros/sin-fecha.txt")["fecha"] is None
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse(undated.get("/feed.atom?q=paludismo").data)
    assert not feed.bozo and len(feed.entries) == 3
    entry = next(e for e in feed.entries if e.title == "Aviso sobre paludismo")
    assert "published" not in entry and entry.updated == feed.feed.updated  # Atom's required time: the index's


# -- comparing ---------------------------------------------------------------------------------------
def test_api_compare_puts_every_query_on_the_same_periods(web):
    answer = _json(web, "/api/comparar?q=paludismo&q=zika")
    assert answer["unit"] == "month" and answer["periods"][0] == "2021-01" and answer["periods"][-1] == "2023-12"
    paludismo, zika = answer["queries"]
    assert paludismo["query"] == "paludismo" and zika["query"] == "zika"
    assert paludismo["total"] == _json(web, "/api/search?q=paludismo")["total"]
    assert zika["total"] == 2
    assert [p["period"] for p in zika["series"]] == answer["periods"] == [p["period"] for p in paludismo["series"]]
    assert {p["period"]: p["count"] for p in zika["series"] if p["count"]} == {"2022-05": 1, "2023-03": 1}


def test_api_compare_keeps_the_filters_for_all(web):
    answer = _json(web, "/api/comparar?q=paludismo&q=zika&desde=2023-01-01&hasta=2023-12-31")
    assert answer["periods"][0] == "2023-01"
    assert answer["queries"][1]["total"] == 1


@pytest.mark.parametrize("query", ["q=paludismo", "q=a&q=b&q=c&q=d&q=e", ""])
def test_api_compare_wants_two_to_four_queries(web, query):
    answer = _json(web, "/api/comparar?" + query, status=400)
    assert "entre 2 y 4 búsquedas" in answer["error"]


def test_compare_page_has_legend_lines_points_and_a_table(web):
    html = web.get("/comparar?q=paludismo&q=zika").get_data(as_text=True)
    assert html.count("<polyline") == 2
    assert "«zika»</a>: 2 boletines</span>" in html and "«paludismo»</a>: 31 boletines</span>" in html
    point = re.search(r'<a class="point" href="([^"]+)" aria-label="zika, mayo de 2022: 1 boletín"', html)
    assert point, "a point per period links to that query's results for the period"
    query = parse_qs(urlsplit(point.group(1).replace("&amp;", "&")).query)
    assert query == {"q": ["zika"], "desde": ["2022-05-01"], "hasta": ["2022-05-31"]}
    assert "Los mismos datos en una tabla" in html and "<th scope=\"col\">«zika»</th>" in html


def test_compare_page_without_enough_queries_shows_the_form(web):
    response = web.get("/comparar?q=paludismo")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="paludismo"' in html and "<polyline" not in html


def test_results_page_links_to_compare(web):
    html = web.get("/?q=paludismo&desde=2022-01-01").get_data(as_text=True)
    assert '<a href="/comparar?q=paludismo&amp;desde=2022-01-01">Comparar con otra búsqueda</a>' in html


# -- export ------------------------------------------------------------------------------------------
def _csv_rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_every_match_not_one_page(web):
    response = web.get("/exportar?q=paludismo&formato=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response.data)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == PALUDISMO > 10  # a results page holds 10
    assert {r["id"] for r in rows} >= {h["id"] for h in _json(web, "/api/search?q=paludismo&limite=50")["hits"]}
    assert next(r for r in rows if r["archivo"] == "otros/sin-dependencia.md")["dependencias"] == ""
    first = next(r for r in rows if r["archivo"] == "palu/b05.md")
    assert first["titulo"] == "Acciones contra el paludismo número 5" and first["dependencias"] == "Secretaría de Salud (SSA)"
    assert first["fecha"] == "2021-05-06"
    link = urlsplit(first["enlace"])
    assert link.scheme == "http" and link.path == f"/boletin/{first['id']}"
    assert web.get(link.path).status_code == 200


def test_export_follows_the_search_order_and_filters(web):
    rows = _csv_rows(web.get("/exportar?q=paludismo&orden=antiguos&desde=2022-01-01&hasta=2022-12-31").data)
    dates = [r["fecha"] for r in rows]
    assert dates == sorted(dates) and dates[0].startswith("2022-01") and len(rows) == 9


def test_json_export_states_totals(web):
    response = web.get("/exportar?q=paludismo&formato=json")
    data = json.loads(response.data)
    assert data["total"] == data["exportados"] == len(data["boletines"]) == PALUDISMO
    assert data["aviso"] is None and data["limite"] == 10_000
    assert set(data["boletines"][0]) == set(COLUMNS)
    assert isinstance(data["boletines"][0]["dependencias"], list)


def test_export_stops_at_the_cap_and_says_so(site):
    app = create_app({"TESTING": True, "INDEX_DIR": str(site / "index"), "CORPUS_DIR": str(site / "corpus"),
                      "EXPORT_CAP": 5})
    web = app.test_client()
    rows = _csv_rows(web.get("/exportar?q=paludismo").data)
    assert len(rows) == 6 and rows[-1]["id"].startswith("AVISO: Exportación limitada a los primeros 5 de 31")
    data = json.loads(web.get("/exportar?q=paludismo&formato=json").data)
    assert len(data["boletines"]) == 5 and data["total"] == 31 and "primeros 5" in data["aviso"]


def test_export_rejects_an_unknown_format(web):
    response = web.get("/exportar?q=paludismo&formato=xls")
    assert response.status_code == 400 and "Formato de exportación desconocido" in response.get_data(as_text=True)


def test_spreadsheet_formulas_stay_text(site):
    from indexer.search import SearchEngine

    engine = SearchEngine(site / "index")
    export = Export(engine, SearchRequest(query="paludismo"), bulletin_link(""))
    assert export.total == PALUDISMO
    from indexer.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell(["A", "B"]) == "A; B" and _cell(None) == ""


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_cli_all_writes_the_same_rows(web, site, fmt):
    result = CliRunner().invoke(main, ["search", "paludismo", "--index", str(site / "index"), "--all",
                                       "--format", fmt, "--base-url", "http://localhost"])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    elif fmt == "json":
        rows = json.loads(result.output)["boletines"]
    else:
        rows = [json.loads(line) for line in result.output.splitlines()]
    web_rows = json.loads(web.get("/exportar?q=paludismo&formato=json").data)["boletines"]
    assert [r["id"] for r in rows] == [r["id"] for r in web_rows]
    assert [r["enlace"] for r in rows] == [r["enlace"] for r in web_rows]


def test_cli_all_says_when_the_cap_is_reached(site, monkeypatch):
    import indexer.export

    monkeypatch.setattr(indexer.export.Export.__init__, "__defaults__", (3,))
    result = CliRunner().invoke(main, ["search", "paludismo", "--index", str(site / "index"), "--all",
                                       "--format", "ndjson"])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4 and "primeros 3" in lines[-1]["aviso"]


# -- Atom feed ---------------------------------------------------------------------------------------
def test_feed_is_valid_atom_newest_first(web):
    feedparser = pytest.importorskip("feedparser")
    response = web.get("/feed.atom?q=paludismo")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Boletines de salud: «paludismo»"
    assert feed.feed.id.startswith("urn:uuid:")
    entries = feed.entries
    assert len(entries) == PALUDISMO
    dated = [e.published for e in entries]
    assert dated == sorted(dated, reverse=True) and dated[0].startswith("2023-12")
    first = entries[0]
    assert first.title.startswith("Acciones contra el paludismo") and "paludismo" in first.summary
    assert "<summary type=\"html\">El &lt;mark&gt;paludismo&lt;/mark&gt;" in response.get_data(as_text=True)
    assert [t.term for t in first.tags] == ["Secretaría de Salud (SSA)"]
    assert web.get(urlsplit(first.link).path).status_code == 200


def test_feed_id_is_stable_per_search(web):
    def feed_id(url):
        return re.search(r"<id>([^<]+)</id>", web.get(url).get_data(as_text=True)).group(1)

    first = feed_id("/feed.atom?q=paludismo")
    assert feed_id("/feed.atom?q=paludismo") == first
    assert feed_id("/feed.atom?q=PALUDISMO&orden=antiguos&pagina=2") == first
    assert feed_id("/feed.atom?q=zika") != first
    assert feed_id("/feed.atom?q=paludismo&desde=2023-01-01") != first


def test_results_page_announces_and_links_the_feed(web):
    html = web.get("/?q=paludismo&orden=recientes").get_data(as_text=True)
    head = html[:html.index("</head>")]
    assert '<link rel="alternate" type="application/atom+xml"' in head and 'href="/feed.atom?q=paludismo"' in head
    assert ">Suscribirse a esta búsqueda</a>" in html


def test_feed_shows_new_bulletins_after_an_update(tmp_path):
    feedparser = pytest.importorskip("feedparser")
    write_bulletins(tmp_path / "corpus", {"a.md": _bulletin(1, "2023-01"), "b.md": _bulletin(2, "2023-02")})
    build.build(tmp_path / "corpus", tmp_path / "index", jobs=1)
    web = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "CORPUS_DIR": str(tmp_path / "corpus")}).test_client()
    before = feedparser.parse(web.get("/feed.atom?q=paludismo").data)
    write_bulletins(tmp_path / "corpus", {"c.md": _bulletin(3, "2024-06")})
    build.update(tmp_path / "corpus", tmp_path / "index", jobs=1)
    after = feedparser.parse(web.get("/feed.atom?q=paludismo").data)
    assert after.feed.id == before.feed.id
    assert len(after.entries) == 3 and after.entries[0].title == "Acciones contra el paludismo número 3"
    assert {e.id for e in before.entries} < {e.id for e in after.entries}


# -- the bulletin page as a source -------------------------------------------------------------------
def test_citation_text():
    bulletin = {"id": "x", "title": "Arranca campaña de vacunación.", "date": "2023-10-16", "number": "412/2023",
                "agencies": ["Servicios de Salud de Oaxaca (SSO)", "IMSS-Bienestar"], "place": "Oaxaca de Juárez"}
    text = citation(bulletin, "https://boletines.example/boletin/x", dt.date(2024, 3, 5))
    assert text == ("Servicios de Salud de Oaxaca (SSO) y IMSS-Bienestar. (16 de octubre de 2023). Arranca campaña "
                    "de vacunación [Boletín núm. 412/2023]. Oaxaca de Juárez. Boletines de salud. "
                    "https://boletines.example/boletin/x (consultado el 5 de marzo de 2024).")


def test_citation_without_agency_date_or_number():
    text = citation({"id": "x", "title": "Aviso", "date": None, "agencies": []}, "https://s/boletin/x",
                    dt.date(2024, 1, 2))
    assert text == "Aviso. (s. f.). Boletines de salud. https://s/boletin/x (consultado el 2 de enero de 2024)."


def test_bulletin_page_shows_metadata_and_citation_before_the_text(web):
    row = next(r for r in _csv_rows(web.get("/exportar?q=paludismo").data) if r["archivo"] == "palu/b05.md")
    html = web.get(f"/boletin/{row['id']}?q=paludismo").get_data(as_text=True)
    facts, cite, body = html.index('class="facts"'), html.index('id="cita"'), html.index('class="bulletin-body"')
    assert facts < cite < body
    today = dt.date.today()
    assert (f"Secretaría de Salud (SSA). (6 de mayo de 2021). Acciones contra el paludismo número 5. Boletines "
            f"de salud. http://localhost/boletin/{row['id']} (consultado el {today.day} de") in html
    assert 'data-copy="cita" hidden>Copiar cita</button>' in html  # shown by the script; plain text without it


def test_bulletin_page_numbers_matches_with_links_between_them(web):
    row = next(r for r in _csv_rows(web.get("/exportar?q=paludismo").data) if r["archivo"] == "palu/b05.md")
    html = web.get(f"/boletin/{row['id']}?q=paludismo").get_data(as_text=True)
    body = html[html.index('class="bulletin-body"'):]
    marks = re.findall(r'<mark id="coincidencia-(\d+)">', body)
    assert marks == [str(n) for n in range(1, len(marks) + 1)] and len(marks) >= 2
    assert f"<strong>{len(marks)}</strong> coincidencias de «paludismo»" in html
    assert '<a href="#coincidencia-1">ir a la primera</a>' in html
    assert f'<a href="#coincidencia-2" aria-label="Coincidencia siguiente (2 de {len(marks)})">' in body
    assert f'<a href="#coincidencia-1" aria-label="Coincidencia anterior (1 de {len(marks)})">' in body


def test_numbered_matches_counts_and_links():
    html, count = numbered_matches("a <mark>x</mark> b <mark>y</mark> &lt;c&gt;")
    assert count == 2
    assert str(html).startswith('a <mark id="coincidencia-1">x</mark><span class="match-nav">'
                                '<a href="#coincidencia-2"')
    assert "&lt;c&gt;" in str(html)
    assert numbered_matches("sin marcas") == ("sin marcas", 0)


def test_related_bulletins_keep_the_query(client):
    bulletin_id = client.get("/api/search?q=reunion+salomon").get_json()["hits"][0]["id"]
    html = client.get(f"/boletin/{bulletin_id}?q=reunion+salomon").get_data(as_text=True)
    side = html[html.index('id="titulo-relacionados"'):]
    links = re.findall(r'<a href="(/boletin/[^"]+)">', side)
    assert links and all("q=reunion+salomon" in link for link in links)


def test_pages_link_a_print_stylesheet_that_drops_the_search_chrome(web, tool_app):
    html = web.get("/?q=paludismo").get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" href="/static/print.css[^"]*" media="print">', html)
    css = web.get("/static/print.css").get_data(as_text=True)
    rule = css[:css.index("{ display: none")]
    for hidden in (".site-header", ".facets", ".bulletin-side", ".back"):
        assert hidden in rule


def test_features_benchmark_runs_over_an_index(site, capsys):
    from bench import features

    assert features.main(["--index", str(site / "index"), "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "## Timeline" in out and "| salud |" in out and "| web /exportar csv | (todos) | 33 |" in out
