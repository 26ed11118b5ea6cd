"""The `boletines` command line: thin over the library, clear messages, documented exit codes."""
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import EXIT_SKIPPED, main

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "corpus").glob("0*.txt"))


@pytest.fixture
def cli():
    return CliRunner()


@pytest.fixture
def seeded(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, corpus)
    return corpus, tmp_path / "index"


def test_index_then_search_json(cli, seeded):
    corpus, index = seeded
    result = cli.invoke(main, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "2 boletines" in result.output
    result = cli.invoke(main, ["search", "reunion", "salomon", "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    response = json.loads(result.output)
    assert response["total"] == 1
    hit = response["hits"][0]
    assert hit["date"] == "2023-11-30" and hit["number"] == "599/2023"
    assert "<mark>Salomón</mark>" in hit["snippet"] or "<mark>Salomón</mark>" in hit["title_html"]


def test_environment_variables_choose_locations(cli, seeded, monkeypatch):
    corpus, index = seeded
    monkeypatch.setenv("BOLETINES_CORPUS", str(corpus))
    monkeypatch.setenv("BOLETINES_INDEX", str(index))
    assert cli.invoke(main, ["index"]).exit_code == 0
    result = cli.invoke(main, ["search", "red oaxaqueña", "--agency", "SSO"])
    assert result.exit_code == 0 and "1 resultados" in result.output


def test_skipped_files_exit_3_and_are_listed_in_json(cli, seeded):
    corpus, index = seeded
    (corpus / "vacio.txt").write_text("   \n", encoding="utf-8")
    result = cli.invoke(main, ["index", "--corpus", str(corpus), "--index", str(index), "--json"])
    assert result.exit_code == EXIT_SKIPPED
    report = json.loads(result.output)
    assert report["documents"] == 2
    assert [s["path"] for s in report["skipped"]] == ["vacio.txt"] and report["skipped"][0]["reason"]


def test_update_command(cli, seeded):
    corpus, index = seeded
    cli.invoke(main, ["index", "--corpus", str(corpus), "--index", str(index)])
    (corpus / "nuevo.txt").write_text("Nuevo boletín\n\nTuxtepec, Oax. 2 de mayo de 2024.- Jornada de salud.",
                                      encoding="utf-8")
    result = cli.invoke(main, ["update", "--corpus", str(corpus), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mode"] == "update" and report["added"] == 1 and report["documents"] == 3


def test_inspect_json_on_the_seeds(cli):
    result = cli.invoke(main, ["inspect", "--json", *map(str, SEEDS)])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.output)
    assert first["path"] == str(SEEDS[0])
    assert first["date"] == "2025-07-11" and first["place"] == "Oaxaca de Juárez"
    assert first["agencies"] == ["Servicios de Salud de Oaxaca (SSO)"]
    assert second["date"] == "2023-11-30" and second["number"] == "599/2023"
    assert second["title"] == "Se reúne Salomón Jara con Zoé Robledo para analizar inicio oficial del IMSS-Bienestar"
    assert set(first) == {"path", "title", "date", "number", "agencies", "place", "sources", "warnings"}
    assert first["sources"]["date"]


def test_inspect_missing_file_is_an_error_after_the_others(cli, tmp_path):
    missing = tmp_path / "no-existe.txt"
    result = cli.invoke(main, ["inspect", str(missing), str(SEEDS[0])])
    assert result.exit_code == 1  # a missing file is an error, reported after the files that exist
    assert "No existe" in result.output and "no-existe.txt" in result.output
    assert SEEDS[0].name in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args, message", [
    (["search", "salud"], "boletines index"),
    (["search", "salud", "--from", "ayer"], "Fecha no válida"),
])
def test_errors_are_one_clear_line(cli, tmp_path, args, message):
    result = cli.invoke(main, [*args, "--index", str(tmp_path / "sin-indice")])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_missing_corpus_is_a_clear_error(cli, tmp_path):
    result = cli.invoke(main, ["index", "--corpus", str(tmp_path / "nada"), "--index", str(tmp_path / "i")])
    assert result.exit_code == 1 and "no existe" in result.output


def test_text_output_says_what_the_engine_did(cli, seeded):
    corpus, index = seeded
    assert cli.invoke(main, ["index", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    result = cli.invoke(main, ["search", "salomom", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "Mostrando resultados de: salomón. Buscar solo: \"salomom\"" in result.output
    result = cli.invoke(main, ["search", "salomon", "xilofonista", "--index", str(index)])
    assert "Ningún boletín contiene todas las palabras" in result.output and "No contiene: xilofonista" in result.output
