"""The agency catalog: loading, display names, and how names and acronyms match."""
from __future__ import annotations

import pytest

from indexer.extract.agencies import CATALOG_ENV, DEFAULT_CATALOG, fold, load_catalog


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DEFAULT_CATALOG)


def displays(catalog, text):
    return [m.agency.display for m in catalog.find(text)]


def test_display_names(catalog):
    names = catalog.display_names()
    assert "Servicios de Salud de Oaxaca (SSO)" in names
    assert "Secretaría de Salud (SSA)" in names
    assert "IMSS-Bienestar" in names
    assert "Gobierno de Oaxaca" in names
    assert "Presidencia de la República" in names
    assert (
        "Comisión Coordinadora de Institutos Nacionales de Salud y Hospitales de Alta Especialidad (INSHAE)"
        in names
    )
    assert len(names) == len(set(names))


def test_catalog_covers_every_state(catalog):
    governments = [a for a in catalog if a.kind == "state government"]
    health = [a for a in catalog if a.kind == "state health services"]
    dif = [a for a in catalog if a.kind == "state DIF"]
    assert len(governments) == len(health) == len(dif) == 32
    assert len({a.state for a in governments}) == 32


def test_every_name_and_acronym_finds_its_own_agency(catalog):
    """No alias is shadowed by another agency's entry (a catalog editing mistake)."""
    for agency in catalog:
        for name in (agency.name, *agency.aliases):
            assert catalog.lookup(name) is agency, name
        for acronym in agency.acronyms:
            assert catalog.lookup(acronym) is agency, acronym


@pytest.mark.parametrize(
    "text, expected",
    [
        ("la SECRETARIA DE SALUD informó", ["Secretaría de Salud (SSA)"]),
        ("el imss-bienestar y el IMSS Bienestar", ["IMSS-Bienestar", "IMSS-Bienestar"]),
        ("Servicios de Salud de Oaxaca (SSO)", ["Servicios de Salud de Oaxaca (SSO)"] * 2),
        ("la Secretaría de Salud de Oaxaca", ["Servicios de Salud de Oaxaca (SSO)"]),  # longest name wins
        ("el IMSS-BIENESTAR", ["IMSS-Bienestar"]),  # not IMSS inside it
        ("el sso de la clínica", []),  # acronyms are case-sensitive
        ("SE REÚNE EL COMITÉ DE SALUD", []),  # two-letter acronyms and logo words never match prose
        ("Secretaría de Salud del Estado", []),  # a narrower body than the federal secretariat
        ("Secretaría de Bienestar Social", []),  # a longer name than the catalog's
    ],
)
def test_matching_rules(catalog, text, expected):
    assert displays(catalog, text) == expected


def test_logo_lines(catalog):
    found = catalog.find_in_logo(["SALUD"])
    assert [m.agency.display for m in found] == ["Secretaría de Salud (SSA)"]
    found = catalog.find_in_logo(["OAXACA", "GOBIERNO DEL ESTADO"])
    assert {m.agency.display for m in found} == {"Gobierno de Oaxaca"}
    assert catalog.find_in_logo(["SE"])[0].agency.display == "Secretaría de Economía (SE)"


def test_issuer_cues(catalog):
    assert catalog.is_issuer_cue("En un acto, el titular de ")
    assert catalog.is_issuer_cue("personal de la ")
    assert not catalog.is_issuer_cue("el candidato a la ")


def test_fold_keeps_offsets():
    text = "Secretaría de Educación Pública İstanbul Ñandú"
    assert len(fold(text)) == len(text)
    assert fold(text) == "secretaria de educacion publica istanbul nandu"


def test_catalog_from_environment(tmp_path, monkeypatch):
    custom = tmp_path / "agencias.toml"
    custom.write_text(
        'issuer_cues = ["vocera"]\n\n[[agency]]\nname = "Instituto Municipal de Salud"\nacronym = "IMUS"\n'
        'aliases = ["Salud Municipal"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CATALOG_ENV, str(custom))
    catalog = load_catalog()
    assert catalog.display_names() == ["Instituto Municipal de Salud (IMUS)"]
    assert displays(catalog, "la vocera de Salud Municipal y el IMUS") == ["Instituto Municipal de Salud (IMUS)"] * 2


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[agency]]\nacronym = 'X'\n", "needs a non-empty 'name'"),
        ("[[agency]]\nname = 'A'\nalias = ['B']\n", "unknown key"),
        ("[[agency]]\nname = 'A'\npatterns = ['(']\n", "bad pattern"),
        ("[[agency]\nname = 'A'\n", "agencias.toml"),
    ],
)
def test_bad_catalogs_are_reported_with_the_file(tmp_path, content, message):
    bad = tmp_path / "agencias.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_catalog(bad)


def test_missing_catalog_file(tmp_path):
    with pytest.raises(ValueError, match="agency catalog"):
        load_catalog(tmp_path / "nope.toml")
