"""An index copied to other machines: `serve --no-build` reads a copy it never writes to, and switches to a
new generation when the copy's CURRENT pointer arrives, last, after the generation's folder.

The copy here is made the way the README's two-machine example makes it with rsync: generation folders
first, the pointer last (rsync writes a file under a temporary name and renames it), old generations
deleted afterwards while a server may still read them.
"""
import os
import shutil
from pathlib import Path

import pytest

from indexer import build, store
from indexer.search import SearchEngine, SearchRequest
from webapp import create_app

from conftest import write_bulletins

BULLETINS = {
    "a/dengue.txt": "Brigadas contra el dengue\n\nLas brigadas contra el dengue recorren la Cuenca.",
    "a/influenza.txt": "Vacuna contra la influenza\n\nArranca la vacunación contra la influenza en la Costa.",
}


def _copy(primary: Path, replica: Path) -> None:
    """rsync -a --exclude CURRENT primary/ replica/, then the pointer alone, renamed into place."""
    replica.mkdir(exist_ok=True)
    for item in primary.iterdir():
        if item.name.startswith("gen-") and not (replica / item.name).exists():
            shutil.copytree(item, replica / item.name)
    shutil.copy2(primary / store.CURRENT, replica / ".CURRENT.tmp")
    os.replace(replica / ".CURRENT.tmp", replica / store.CURRENT)


def _delete_old(primary: Path, replica: Path) -> None:
    """rsync --delete: generations the build machine removed go from the copy too."""
    for item in replica.iterdir():
        if item.name.startswith("gen-") and not (primary / item.name).exists():
            shutil.rmtree(item)


def _snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def _titles(engine, query):
    return sorted(h["title"] for h in engine.search(SearchRequest(query=query))["hits"])


@pytest.fixture
def machines(tmp_path):
    corpus, primary, replica = tmp_path / "corpus", tmp_path / "primary", tmp_path / "replica"
    write_bulletins(corpus, BULLETINS)
    build.build(corpus, primary, jobs=1)
    _copy(primary, replica)
    return corpus, primary, replica


def test_a_copy_is_served_without_being_written_and_switches_when_the_pointer_arrives(machines):
    corpus, primary, replica = machines
    before = _snapshot(replica)
    engine = SearchEngine(replica)
    client = create_app({"INDEX_DIR": str(replica), "CORPUS_DIR": str(replica / "no-corpus"),
                         "TESTING": True}).test_client()
    assert _titles(engine, "dengue") == ["Brigadas contra el dengue"]
    for url in ("/", "/?q=dengue", "/?q=influensa", "/api/search?q=vacuna", "/api/suggest?q=den",
                "/exportar?q=dengue&formato=csv", "/feed.atom?q=dengue", "/comparar?q=dengue&q=influenza"):
        assert client.get(url).status_code == 200, url
    assert _snapshot(replica) == before  # reading the copy wrote nothing into it

    # the build machine publishes a new generation; its folder arrives first, the pointer last
    write_bulletins(corpus, {"b/dengue-costa.txt": "Dengue en la Costa\n\nCasos de dengue en Pinotepa."})
    build.update(corpus, primary)
    for item in primary.iterdir():
        if item.name.startswith("gen-") and not (replica / item.name).exists():
            shutil.copytree(item, replica / item.name)
    assert _titles(engine, "dengue") == ["Brigadas contra el dengue"]  # still the old pointer
    _copy(primary, replica)
    assert _titles(engine, "dengue") == ["Brigadas contra el dengue", "Dengue en la Costa"]
    assert "Casos de <mark>dengue</mark> en Pinotepa" in client.get("/?q=dengue").get_data(as_text=True)

    _delete_old(primary, replica)  # old generations go while the engine may hold them open
    assert _titles(engine, "pinotepa") == ["Dengue en la Costa"]
    assert client.get("/?q=pinotepa").status_code == 200
