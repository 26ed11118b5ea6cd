"""Index builds and updates: atomic, merging duplicates, equal to a full rebuild after updates."""
import os
import re
import time

import pytest

from indexer import build, store
from indexer.search import SearchEngine, SearchRequest

BULLETINS = {
    "ssa/dengue.txt": "Refuerza Salud acciones contra el dengue\n\nOaxaca de Juárez, Oax. 3 de marzo de 2024.- "
                      "Los Servicios de Salud de Oaxaca (SSO) intensifican la fumigación y la eliminación de "
                      "criaderos del mosquito transmisor del dengue en la Costa.",
    "ssa/vacunas.md": "---\ntitle: Arranca campaña de vacunación de niñas y niños\ndate: 2024-04-20\n"
                      "agencies: [Secretaría de Salud]\n---\n\nLa Secretaría de Salud inició la campaña nacional "
                      "de **vacunación** para niñas y niños menores de cinco años en todo el país.",
    "imss/bienestar.txt": "Inicia el IMSS-Bienestar en Oaxaca\n\nOaxaca, jueves 30 de noviembre 2023\nNo. 599/2023\n\n"
                          "El IMSS-Bienestar asume la operación de los hospitales del estado con abasto de "
                          "medicamentos y más de 1,200 médicos.",
}


def write_corpus(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def results(index_dir, queries=("dengue", "vacunacion ninos", "imss bienestar", "hospitales", "salud")):
    engine = SearchEngine(index_dir)
    out = {}
    for q in queries:
        response = engine.search(SearchRequest(query=q, limit=50))
        out[q] = [(h["id"], h["title"], h["date"], tuple(h["agencies"]), tuple(h["paths"])) for h in response["hits"]]
        out[q + " facets"] = response["facets"]
    return out


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    write_corpus(root, BULLETINS)
    return root


def test_build_indexes_every_bulletin_and_reports_bad_files(corpus, tmp_path):
    (corpus / "roto.txt").write_bytes(b"\x00\xff\x00binario" * 50)
    report = build.build(corpus, tmp_path / "index")
    assert report.documents == 3 and report.files == 3
    assert [p for p, _ in report.skipped] == ["roto.txt"]
    hits = SearchEngine(tmp_path / "index").search(SearchRequest(query="dengue"))["hits"]
    assert hits[0]["path"] == "ssa/dengue.txt"
    assert re.fullmatch(r"[a-z0-9-]+", hits[0]["id"])


def test_duplicates_become_one_result_listing_every_file(corpus, tmp_path):
    (corpus / "copia").mkdir()
    (corpus / "copia" / "dengue-copia.md").write_text("**" + BULLETINS["ssa/dengue.txt"] + "**", encoding="utf-8")
    report = build.build(corpus, tmp_path / "index")
    assert report.merged == 1 and report.documents == 3
    hits = SearchEngine(tmp_path / "index").search(SearchRequest(query="criaderos"))["hits"]
    assert len(hits) == 1 and hits[0]["paths"] == ["copia/dengue-copia.md", "ssa/dengue.txt"]


def test_build_swaps_generations_atomically(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    first = store.current_generation(index_dir)
    engine = SearchEngine(index_dir)
    assert engine.search(SearchRequest(query="fumigacion"))["total"] == 1
    (corpus / "ssa" / "dengue.txt").unlink()
    build.build(corpus, index_dir)
    second = store.current_generation(index_dir)
    assert second != first and not (index_dir / first).exists()
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")] == [second]
    assert engine.search(SearchRequest(query="fumigacion"))["total"] == 0  # the engine follows the swap


def test_read_bulletins_wait_on_disk_not_in_memory(corpus, tmp_path, monkeypatch):
    """Between reading and writing, texts sit in a scratch file that is gone once the index is published."""
    seen = {}
    real = build._write_groups

    def spy(writer, groups, bulletins, manifest, tick=lambda n: None):
        seen["kind"] = type(bulletins).__name__
        seen["texts_in_memory"] = any(isinstance(v, build.BulletinFile) for v in vars(bulletins).values())
        return real(writer, groups, bulletins, manifest, tick)

    monkeypatch.setattr(build, "_write_groups", spy)
    build.build(corpus, tmp_path / "index")
    assert seen == {"kind": "_Spool", "texts_in_memory": False}
    assert not list((tmp_path / "index").rglob("*.spool"))


def test_failed_build_leaves_the_live_index_alone(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    live = store.current_generation(index_dir)

    def explode(*args, **kwargs):
        raise RuntimeError("disco lleno")

    monkeypatch.setattr(build, "_write_groups", explode)
    with pytest.raises(RuntimeError):
        build.build(corpus, index_dir)
    assert store.current_generation(index_dir) == live
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("gen-")] == [live]
    assert not list(index_dir.rglob("*.spool"))


def test_update_equals_full_rebuild(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    # add, change, delete, and add a duplicate of an existing bulletin
    write_corpus(corpus, {"nuevo/hospital.txt": "Abre hospital en Tuxtepec\n\nTuxtepec, Oax. 1 de mayo de 2024.- "
                                                "Nuevo hospital general con 60 camas para la Cuenca."})
    time.sleep(0.01)
    (corpus / "ssa" / "vacunas.md").write_text(BULLETINS["ssa/vacunas.md"].replace("cinco", "seis"), encoding="utf-8")
    (corpus / "imss" / "bienestar.txt").unlink()
    write_corpus(corpus, {"copia/dengue.md": "**" + BULLETINS["ssa/dengue.txt"] + "**"})
    report = build.update(corpus, index_dir)
    assert report.mode == "update"
    # the dengue group gains an earlier path, so its id moves: counted as one added and one removed
    assert (report.added, report.removed, report.updated) == (2, 2, 1)
    updated = results(index_dir)

    fresh = tmp_path / "fresh"
    build.build(corpus, fresh)
    assert updated == results(fresh)


def test_update_without_changes_keeps_the_generation(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    live = store.current_generation(index_dir)
    os.utime(corpus / "ssa" / "dengue.txt")  # touched, same content
    report = build.update(corpus, index_dir)
    assert store.current_generation(index_dir) == live
    assert report.unchanged == 3 and report.added == report.updated == report.removed == 0


def test_update_without_index_builds(corpus, tmp_path):
    report = build.update(corpus, tmp_path / "index")
    assert report.documents == 3 and report.mode == "build"


def test_staleness(corpus, tmp_path):
    index_dir = tmp_path / "index"
    assert build.is_stale(corpus, index_dir)
    build.build(corpus, index_dir)
    assert not build.is_stale(corpus, index_dir)
    later = time.time() + 5
    (corpus / "ssa" / "otro.txt").write_text("Otro boletín", encoding="utf-8")
    os.utime(corpus / "ssa" / "otro.txt", (later, later))
    assert build.is_stale(corpus, index_dir)


def test_hostile_folder_never_stops_a_build(corpus, tmp_path, monkeypatch):
    """Junk of every kind is skipped with a reason; good files around it are indexed."""
    (corpus / "binario.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "vacio.txt").write_bytes(b"")
    (corpus / "espacios.md").write_text(" \n\t\n", encoding="utf-8")
    (corpus / "nulos.txt").write_bytes(b"Texto\x00con\x00nulos\x00" * 100)
    (corpus / "cp1252.txt").write_bytes("Vacunación en Tehuantepec contra la influenza estacional".encode("cp1252"))
    (corpus / "utf16.txt").write_text("Campaña de donación de sangre en Juchitán", encoding="utf-16")
    (corpus / "roto.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (corpus / "roto.docx").write_bytes(b"PK\x03\x04 no es un zip completo")
    (corpus / "anidado.html").write_text("<div>" * 50_000 + "hola" + "</div>" * 50_000, encoding="utf-8")
    (corpus / "bucle").mkdir()
    (corpus / "bucle" / "arriba").symlink_to(corpus, target_is_directory=True)
    (corpus / "roto-enlace.txt").symlink_to(corpus / "no-existe.txt")
    big = corpus / "enorme.txt"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB of NULs, sparse
    doomed = corpus / "se-borra.txt"
    doomed.write_text("Este boletín desaparece durante la construcción del índice.", encoding="utf-8")

    real_load = build.load_file

    def load_and_delete(root, path, *settings):
        if path == "se-borra.txt":
            doomed.unlink(missing_ok=True)
        return real_load(root, path, *settings)

    monkeypatch.setattr(build, "load_file", load_and_delete)
    report = build.build(corpus, tmp_path / "index", jobs=1)
    skipped = dict(report.skipped)
    for name in ("binario.txt", "vacio.txt", "espacios.md", "roto.pdf", "roto.docx", "enorme.txt", "se-borra.txt",
                 "roto-enlace.txt"):
        assert skipped.get(name), f"{name} should be skipped with a reason: {skipped}"
    engine = SearchEngine(tmp_path / "index")
    assert engine.search(SearchRequest(query="tehuantepec vacunacion"))["total"] == 1
    assert engine.search(SearchRequest(query="juchitan donacion"))["total"] == 1
    assert engine.search(SearchRequest(query="desaparece"))["total"] == 0
    assert 3 <= report.documents <= 6


def test_index_from_other_analysis_is_stale_and_rebuilt(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    assert not build.is_stale(corpus, index_dir)
    monkeypatch.setattr(build, "analysis_fingerprint", lambda: "otro-analisis")
    assert build.is_stale(corpus, index_dir)
    assert build.update(corpus, index_dir).mode == "build"


def test_mapped_segment_parts_are_read_in_place():
    """Whoosh's BufferFile over a memory map reads without a private copy, and reads the same."""
    import pickle

    from whoosh.filedb.structfile import BufferFile

    data = b"head\n" + pickle.dumps({"id": "boletin-1", "title": "Vacunación"}) + b"tail"
    mapped, copied = BufferFile(memoryview(data)), BufferFile(data)
    assert not hasattr(mapped.file, "getbuffer")  # a BytesIO would be a copy
    for f in (mapped, copied):
        assert f.readline() == b"head\n"
        assert f.read_pickle() == {"id": "boletin-1", "title": "Vacunación"}
        assert f.read() == b"tail"
        f.seek(2)
        assert f.read(3) == b"ad\n" and f.tell() == 5
        assert f.get(0, 4) == b"head"


def test_two_searchers_share_the_index_files(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build.build(corpus, index_dir)
    _, ix = store.open_current(index_dir)
    first, second = ix.searcher(), ix.searcher()
    try:
        assert first.doc_count() == second.doc_count() > 0
        assert list(first.reader().all_stored_fields()) == list(second.reader().all_stored_fields())
    finally:
        first.close()
        second.close()
