"""The smaller fixes of an honest page: counts, Spanish wording, dates typed day first, focus and skip links."""
import re
from pathlib import Path

from webapp.filters import origin_name

STYLE = Path(__file__).resolve().parents[1] / "webapp" / "static" / "style.css"


def _html(client, url):
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def _bulletin_id(client, q):
    return client.get("/api/search", query_string={"q": q}).get_json()["hits"][0]["id"]


def test_a_page_past_the_end_never_says_page_99_of_7(client):
    _, html = _html(client, "/?q=salud&pagina=40")
    assert "página 40 de" not in html and "Esta página no existe" in html


def test_provenance_is_in_spanish(client):
    _, html = _html(client, f"/boletin/{_bulletin_id(client, 'reunion salomon')}")
    table = re.search(r'<details class="provenance">.*?</details>', html, re.S).group(0)
    for english in ("first line", "header block", "lead paragraph", "front matter", "file name", "dateline"):
        assert english not in table
    assert origin_name("header block") == "membrete" and origin_name("docx meta") == "metadatos del archivo (docx)"


def test_a_bulletin_without_agency_says_agencia_in_singular(client, monkeypatch):
    from indexer.search import SearchEngine

    original = SearchEngine.bulletin

    def without_agencies(self, *args, **kwargs):
        found = original(self, *args, **kwargs)
        return dict(found, agencies=[]) if found else found

    monkeypatch.setattr(SearchEngine, "bulletin", without_agencies)
    _, html = _html(client, f"/boletin/{_bulletin_id(client, 'reunion salomon')}")
    assert "<dt>Agencia</dt>" in html and "<dt>Agencias</dt>" not in html and "Sin agencia" in html


def test_extraction_warnings_are_for_operators_only(app, client):
    bulletin_id = _bulletin_id(client, "reunion salomon")
    engine_bulletin = client.get(f"/boletin/{bulletin_id}")
    assert "Avisos de extracción" not in engine_bulletin.get_data(as_text=True)
    app.config["SHOW_EXTRACTION_WARNINGS"] = True
    from indexer.search import engine_for
    found = engine_for(Path(app.config["INDEX_DIR"])).bulletin(bulletin_id)
    html = client.get(f"/boletin/{bulletin_id}").get_data(as_text=True)
    assert ("Avisos de extracción" in html) == bool(found["warnings"])


def test_dates_are_typed_and_shown_day_first_whatever_the_browser_locale(client):
    status, html = _html(client, "/?q=salud&desde=01/02/2024&hasta=31/12/2024")
    assert status == 200
    assert 'value="01/02/2024"' in html and 'value="31/12/2024"' in html
    assert 'type="date"' not in html and 'placeholder="dd/mm/aaaa"' in html
    status, html = _html(client, "/?q=salud&desde=31/02/2024")
    assert status == 400 and "DD/MM/AAAA" in html


def _luminance(hex_color):
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_ring_has_at_least_3_to_1_contrast_on_the_page_backgrounds():
    css = STYLE.read_text(encoding="utf-8")
    focus = re.search(r"--focus:\s*(#[0-9a-fA-F]{6})", css).group(1)
    soft = re.search(r"--soft:\s*(#[0-9a-fA-F]{6})", css).group(1)
    for background in ("#ffffff", soft):
        light, dark = sorted((_luminance(focus), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 3


def test_a_skip_link_leads_to_the_filters(client):
    _, html = _html(client, "/?q=salud")
    assert '<a class="skip-link" href="#filtros">Saltar a los filtros</a>' in html and 'id="filtros"' in html
