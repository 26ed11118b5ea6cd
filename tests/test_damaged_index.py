"""A damaged index: every page and API answers 503 with advice to rebuild, never a 500 or a traceback,
and the site works again as soon as a build publishes a good index (no restart)."""
from __future__ import annotations

import random
import shutil

import pytest

from indexer import build, store

PAGES = ["/", "/?q=vacunación", "/?q=salud&orden=recientes", "/?q=oaxaca+hospital", "/api/search?q=salud",
         "/api/search?q=dengue", "/api/suggest?q=vac"]


def _garble(path, start: float, length: float, seed: int = 1) -> None:
    """Overwrite part of a file in place (same inode, as a failing disk or a stray write would)."""
    rng = random.Random(seed)
    with open(path, "r+b") as handle:
        size = handle.seek(0, 2)
        handle.seek(int(size * start))
        handle.write(bytes(rng.randrange(256) for _ in range(max(64, int(size * length)))))


def _segment(gen):
    return next(gen.glob("*.seg"))


DAMAGE = {
    "CURRENT holds garbage": lambda index, gen: (index / store.CURRENT).write_bytes(b"\x00\xff basura\n"),
    "CURRENT names a deleted generation": lambda index, gen: shutil.rmtree(gen),
    "segment truncated to half": lambda index, gen: _segment(gen).write_bytes(
        _segment(gen).read_bytes()[:_segment(gen).stat().st_size // 2]),
    "segment emptied": lambda index, gen: _segment(gen).write_bytes(b""),
    "segment deleted": lambda index, gen: _segment(gen).unlink(),
    "segment garbled": lambda index, gen: _garble(_segment(gen), 0.2, 0.6),
    "table of contents garbled": lambda index, gen: _garble(next(gen.glob("*.toc")), 0.0, 1.0),
}


@pytest.fixture
def copy(index_dir, tmp_path):
    """A private copy of the session index and its live generation."""
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    return index, index / store.current_generation(index)


def _app(index, corpus):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)}).test_client()


@pytest.fixture
def bulletin_pages(client) -> list[str]:
    """A bulletin page and its source file (same ids in every copy of the session index)."""
    hit = client.get("/api/search?q=salud").get_json()["hits"][0]
    return [f"/boletin/{hit['id']}", f"/boletin/{hit['id']}/archivo/0"]


def _assert_rebuild_advice(response) -> None:
    assert response.status_code == 503, response.request.path
    if response.request.path.startswith("/api/"):
        assert "boletines index" in response.get_json()["error"]
    else:
        html = response.get_data(as_text=True)
        assert "El índice está dañado" in html and "<code>boletines index</code>" in html
        assert "Traceback" not in html


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_every_endpoint_answers_503_with_rebuild_advice(copy, corpus, bulletin_pages, damage):
    index, gen = copy
    DAMAGE[damage](index, gen)
    client = _app(index, corpus)
    for page in PAGES + bulletin_pages:
        _assert_rebuild_advice(client.get(page))


@pytest.mark.parametrize("damage", ["segment truncated to half", "segment garbled", "CURRENT holds garbage"])
def test_damage_under_a_running_server_answers_503(copy, corpus, bulletin_pages, damage):
    """The server has the index open (and memory-mapped) when it is damaged: the next requests answer
    503; a truncated segment is noticed before it is read (reading past its end would kill the process)."""
    index, gen = copy
    client = _app(index, corpus)
    for page in PAGES + bulletin_pages:
        assert client.get(page).status_code == 200
    DAMAGE[damage](index, gen)
    for page in PAGES + bulletin_pages:
        response = client.get(page)
        if damage == "segment garbled" and response.status_code in (200, 404):
            continue  # an answer cached before the damage, bytes the garbling missed, or an id it hid
        _assert_rebuild_advice(response)


def test_small_damage_under_a_running_server_ends_in_503(index_dir, corpus, bulletin_pages, tmp_path):
    """Small parts of the segment garbled in place while the server has it open: a request still works
    (the bytes it reads are intact; a garbled id may read as unknown: 404) or answers 503. Garbage that
    decodes into values that break our own code gives that one request a 500, and the full read it
    starts turns every later request into 503."""
    from webapp import create_app
    from webapp.views import engine

    statuses = []
    for round_ in range(12):
        index = tmp_path / f"index{round_}"
        shutil.copytree(index_dir, index)
        app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
        client = app.test_client()
        assert client.get("/").status_code == 200
        _garble(_segment(index / store.current_generation(index)), round_ / 12, 0.02, seed=round_)
        for page in PAGES + bulletin_pages:
            response = client.get(page)
            statuses.append(response.status_code)
            if response.status_code == 503:
                _assert_rebuild_advice(response)
        if 500 in statuses[-len(PAGES + bulletin_pages):]:
            with app.app_context():
                engine().health.checking.join(timeout=120)
            _assert_rebuild_advice(client.get("/?q=salud+despues"))
    assert set(statuses) <= {200, 404, 500, 503} and 503 in statuses


def test_a_rebuild_brings_the_site_back_without_a_restart(copy, corpus):
    index, gen = copy
    client = _app(index, corpus)
    _garble(_segment(gen), 0.0, 1.0)
    _assert_rebuild_advice(client.get("/?q=salud"))
    build.build(corpus, index, jobs=1)
    assert client.get("/?q=salud").status_code == 200
    assert client.get("/api/suggest?q=vac").status_code == 200


def test_a_bug_is_not_reported_as_a_damaged_index(copy, corpus, monkeypatch):
    """An error in our own code on an intact index stays a 500 (logged), and the index stays usable."""
    client = _app(copy[0], corpus)
    import indexer.search

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(indexer.search, "snippet", broken)
    assert client.get("/?q=salud").status_code == 500
    monkeypatch.undo()
    assert client.get("/?q=salud").status_code == 200
    assert client.get("/api/suggest?q=vac").status_code == 200


def test_check_generation_reads_every_part(copy):
    index, gen = copy
    assert store.check_generation(index, gen.name) is None
    _garble(_segment(gen), 0.3, 0.05)
    assert store.check_generation(index, gen.name)


def test_a_failure_outside_the_file_layer_starts_a_full_check_that_finds_the_damage(copy, corpus, monkeypatch):
    """Damage that surfaces as an error in our own code: that request is a 500, a full read of the
    index runs in the background, and once it finds the damage every request answers 503."""
    from webapp import create_app

    index, gen = copy
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus)})
    client = app.test_client()
    assert client.get("/").status_code == 200
    import indexer.search

    monkeypatch.setattr(indexer.search, "snippet", lambda *a, **k: 1 / 0)
    _garble(_segment(gen), 0.3, 0.05)
    assert client.get("/?q=salud").status_code == 500
    with app.app_context():
        from webapp.views import engine

        engine().health.checking.join(timeout=120)
    for page in PAGES:
        _assert_rebuild_advice(client.get(page))
