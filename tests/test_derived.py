"""Per-generation data stored at publish time (`indexer.derived`): it must equal what the index gives
when computed the slow way, survive updates, and never be trusted when missing, damaged or stale."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer import build, derived, distinguish, store, update
from indexer.facets import FacetData
from indexer.search import SearchEngine, SearchRequest

from conftest import REPO, write_bulletins

SAME = "Versión estenográfica. Conferencia de prensa. Informe diario sobre coronavirus COVID-19 en México"


def _text(title: str, day: int, body: str, agency: str = "Secretaría de Salud") -> str:
    return (f"{agency}\n\n{title}\n\nCiudad de México, {day} de marzo de 2020.- {body} "
            f"Se informó a la población sobre las medidas de prevención vigentes en el país.")


# Titles that share words in several ways: identical, a word more, other stopwords, a compound
# (IMSS-Bienestar: the whole and its parts), the same words shouted, different agencies and dates.
BULLETINS = {
    "t/1.txt": _text(SAME, 1, "Buenos días. Hoy vamos a informar sobre los casos confirmados de la semana."),
    "t/2.txt": _text(SAME, 2, "Buenos días. Se presentó el número de hospitalizaciones en el país."),
    "t/3.txt": _text(SAME, 3, "Buenos días. La vacunación avanza en todas las entidades federativas."),
    "t/4.txt": _text("Buenos días.", 4, "Buenos días. Se inauguró el hospital general de la costa de Oaxaca."),
    "t/5.txt": _text("Buenos días.", 5, "Buenos días. Comenzó la campaña de vacunación contra la influenza."),
    "t/6.txt": _text("Buenos días a todos", 6, "Buenos días. Se anunció una jornada nacional de salud pública."),
    "t/7.txt": _text("IMSS-Bienestar abre módulos de salud mental", 7, "El instituto inauguró módulos.",
                     "IMSS-Bienestar"),
    "t/8.txt": _text("IMSS-Bienestar abre módulos de salud mental", 8, "Se abrieron más módulos.",
                     "IMSS-Bienestar"),
    "t/9.txt": _text("IMSS-BIENESTAR ABRE MÓDULOS DE SALUD MENTAL", 9, "Otro anuncio de módulos.",
                     "IMSS-Bienestar"),
    "t/10.txt": _text("Abre módulos de salud mental", 10, "Un título más corto con las mismas palabras."),
    "t/11.txt": _text("Informe de salud", 11, "Un informe breve sobre la salud."),
    "t/12.txt": _text("Informe en salud", 12, "Otro informe breve, con otra palabra vacía."),
    "t/13.txt": _text("Informe sobre la salud", 13, "Un tercer informe breve."),
}


def _slow(reader, searcher) -> dict:
    """What the engine computed before derived data existed, straight from the index."""
    facets = FacetData(reader)
    count = reader.doc_count_all()
    same = np.zeros(count, dtype=np.int32)
    for doc in range(count):
        if not reader.is_deleted(doc):
            title = (reader.stored_fields(doc) or {}).get("title") or ""
            same[doc] = distinguish.shared_title_count(searcher, doc, title)
    lengths = {field: np.array([reader.doc_field_length(d, field, 0) for d in range(count)], dtype=np.float32)
               for field in derived.LENGTH_FIELDS}
    return {"facets": facets, "same": same, "lengths": lengths}


def _assert_equal_to_index(index_dir: Path) -> derived.Derived:
    name, ix = store.open_current(index_dir)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        stored = derived.load(index_dir / name, reader)
        assert stored is not None, "the published generation has no usable derived data"
        slow = _slow(reader, searcher)
        fast = FacetData(reader, stored)
        assert fast.dates == slow["facets"].dates
        assert fast.agency_docs == slow["facets"].agency_docs
        assert fast.live == slow["facets"].live
        assert fast.all_docs == slow["facets"].all_docs
        for field, lengths in slow["lengths"].items():
            assert np.array_equal(stored.lengths(field), lengths, equal_nan=True), field
        assert stored.same_title.tolist() == slow["same"].tolist()
    return stored


@pytest.fixture
def corpus_and_index(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_bulletins(corpus, BULLETINS)
    build.build(corpus, index, jobs=1)
    return corpus, index


def test_built_generation_stores_what_the_index_gives(corpus_and_index):
    corpus, index = corpus_and_index
    gen_dir = index / store.current_generation(index)
    assert (gen_dir / derived.FILENAME).is_file()
    stored = _assert_equal_to_index(index)
    counts = sorted(stored.same_title.tolist())
    assert counts.count(3) >= 3 and 2 in counts  # the shared titles were found, not only ones
    gen = SearchEngine(index).generation()  # as a server worker opens it
    assert gen.same_title is not None and gen.weights.lengths.keys() == set(derived.LENGTH_FIELDS)
    assert gen.warming.ident is not None  # a server still warms the vocabulary and typo index up


def test_an_update_keeps_derived_data_exact_without_recounting_everything(corpus_and_index, monkeypatch):
    corpus, index = corpus_and_index
    # incremental: the full same-title count must not run during updates
    monkeypatch.setattr(derived, "same_title_counts", lambda *a, **k: pytest.fail("recounted every title"))
    write_bulletins(corpus, {"t/14.txt": _text(SAME, 14, "Buenos días. Un informe diario más de la semana.")})
    (corpus / "t/2.txt").unlink()
    write_bulletins(corpus, {"t/5.txt": _text("Informe de salud", 5, "Este boletín cambió de título.")})
    # "Informe salud" holds the words of "Informe de salud" (each within two places of the one before)
    # in a title as long, not the other way round: kept bulletins are recounted, not only copied
    later = [{"t/15.txt": _text("Informe salud", 15, "Un informe sin palabra vacía.")},
             {"t/extra.txt": _text("Buenos días a todos", 21, "Otro anuncio."),
              "t/16.txt": _text("Informe de salud", 16, "Un informe nuevo con el título de otros.")}, {}]
    for step, files in enumerate(later):
        report = update.update(corpus, index, jobs=1)
        assert report.mode == "update" and report.rebuilt_because is None
        stored = _assert_equal_to_index(index)
        write_bulletins(corpus, files)
        if step == 1:
            (corpus / "t/11.txt").unlink()
    assert sorted(stored.same_title.tolist()).count(3) >= 3  # the transcript: t/1, t/3 and the new t/14


def _search_json(engine: SearchEngine, query: str) -> dict:
    response = engine.search(SearchRequest(query=query))
    response.pop("took_ms")
    return response


@pytest.mark.parametrize("damage", ["missing", "garbled", "truncated", "stale"])
def test_damaged_or_stale_derived_data_is_not_trusted(corpus_and_index, tmp_path, damage):
    corpus, index = corpus_and_index
    expected = [_search_json(SearchEngine(index), q) for q in ("informe diario", "buenos días", "salud mental")]
    gen_dir = index / store.current_generation(index)
    path = gen_dir / derived.FILENAME
    if damage == "missing":
        path.unlink()
    elif damage == "garbled":
        raw = bytearray(path.read_bytes())
        for at in range(len(raw) // 3, len(raw) // 3 + 64):
            raw[at] ^= 0x5A
        path.write_bytes(bytes(raw))
    elif damage == "truncated":
        with open(path, "r+b") as out:
            out.truncate(os.path.getsize(path) // 2)
    else:  # data of another index beside this one
        other = tmp_path / "other"
        write_bulletins(other / "corpus", dict(list(BULLETINS.items())[:5]))
        build.build(other / "corpus", other / "index", jobs=1)
        shutil.copy2(other / "index" / store.current_generation(other / "index") / derived.FILENAME, path)
    name, ix = store.open_current(index)
    with ix.reader() as reader:
        assert derived.load(gen_dir, reader) is None
    engine = SearchEngine(index)
    assert engine.generation().same_title is None  # computed from the index instead
    assert [_search_json(engine, q) for q in ("informe diario", "buenos días", "salud mental")] == expected


def test_one_shot_cli_search_skips_the_build_stage_and_the_warm_up(index_dir):
    code = (
        "import sys\n"
        "from indexer import cli\n"
        f"cli.main(['search', 'vacunasion', '--index', {str(index_dir)!r}], standalone_mode=False)\n"
        "from indexer import search\n"
        "gen = next(iter(search._engines.values())).generation()\n"
        "print('MODULES', sorted(m for m in sys.modules if m.startswith(('indexer.build', 'indexer.sources', "
        "'indexer.update', 'trafilatura'))))\n"
        "print('WARMING', gen.warming.is_alive() or gen.warming.ident is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "MODULES []" in out
    assert "WARMING False" in out
    assert "Mostrando resultados de: vacunación" in out  # a typo is still corrected, on demand


def test_cli_output_is_the_same_with_or_without_derived_data(corpus_and_index, tmp_path):
    from click.testing import CliRunner

    from indexer import cli, search

    corpus, index = corpus_and_index
    plain = tmp_path / "plain"
    shutil.copytree(index, plain)
    (plain / store.current_generation(plain) / derived.FILENAME).unlink()

    def run(where: Path, query: str) -> str:
        search._engines.clear()
        result = CliRunner().invoke(cli.main, ["search", query, "--index", str(where), "--json"])
        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        answer.pop("took_ms")
        return answer

    for query in ("informe diario", "buenos días", "módulos salud", "agencia:IMSS-Bienestar salud"):
        assert run(index, query) == run(plain, query)
    search._engines.clear()
