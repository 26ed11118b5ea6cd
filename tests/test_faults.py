"""Faults around building: links out of the corpus, damaged indexes, a corpus that vanished, odd file
names, system errors. Each must end in a clear Spanish message and a documented exit status, and
never in a broken or emptied live index."""
from __future__ import annotations

import errno
import json
import os
import random
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build, store
from indexer.cli import EXIT_DAMAGED, EXIT_SKIPPED, main
from indexer.manifest import Manifest
from indexer.search import SearchEngine, SearchRequest

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "corpus").glob("0*.txt"))


def _bulletin(day: int, word: str) -> str:
    return (f"Secretaría de Salud\n\nBoletín sobre {word}\n\nCiudad de México, {day} de junio de 2024.- "
            f"La Secretaría de Salud informó sobre {word} en la temporada de lluvias, con brigadas en "
            f"{day * 3} municipios y acciones de prevención casa por casa.")


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, root)
    for day, word in enumerate(["zancudos", "garrapatas", "alacranes", "sarampion"], start=3):
        (root / f"{word}.txt").write_text(_bulletin(day, word), encoding="utf-8")
    return root


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def index_cmd(corpus, index, *extra):
    return cli("index", "--corpus", corpus, "--index", index, *extra)


def total(index, query):
    return SearchEngine(index).search(SearchRequest(query=query))["total"]


def generations(index):
    return sorted(p.name for p in Path(index).glob("gen-*"))


# --- links out of the corpus ---------------------------------------------------------------------

def test_links_out_of_the_corpus_are_skipped_and_reported(corpus, tmp_path):
    outside = tmp_path / "fuera"
    outside.mkdir()
    (outside / "secreto.txt").write_text(_bulletin(9, "contraseñas secretas"), encoding="utf-8")
    (corpus / "secreto.txt").symlink_to(outside / "secreto.txt")
    (corpus / "carpeta").symlink_to(outside, target_is_directory=True)
    (corpus / "relativo.txt").symlink_to(Path("..") / "fuera" / "secreto.txt")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "dentro.txt").symlink_to(corpus / "zancudos.txt")  # inside: fine
    (corpus / "sub" / "hermana").symlink_to(corpus / "sub", target_is_directory=True)  # a loop: handled
    index = tmp_path / "index"
    result = index_cmd(corpus, index, "--json")
    assert result.exit_code == EXIT_SKIPPED, result.output
    skipped = {s["path"]: s["reason"] for s in json.loads(result.output)["skipped"]}
    for name in ("secreto.txt", "carpeta", "relativo.txt"):
        assert skipped[name] == "enlace fuera del corpus"
    assert "sub/dentro.txt" not in skipped or "mismo archivo" in skipped["sub/dentro.txt"]
    assert "ciclo" in skipped["sub/hermana"]
    assert total(index, "contraseñas secretas") == 0
    assert total(index, "zancudos") == 1
    text = index_cmd(corpus, index)
    assert "carpeta: enlace fuera del corpus" in text.output


def test_a_file_swapped_for_an_outside_link_after_the_scan_is_not_read(corpus, tmp_path):
    outside = tmp_path / "passwd.txt"
    outside.write_text("root:x:0:0:root:/root:/usr/sbin/nologin", encoding="utf-8")
    (corpus / "zancudos.txt").unlink()
    (corpus / "zancudos.txt").symlink_to(outside)
    assert build.load_file(corpus, "zancudos.txt") == ("zancudos.txt", "enlace fuera del corpus")


# --- damaged index -------------------------------------------------------------------------------

def _segment(index):
    return next((index / store.current_generation(index)).glob("*.seg"))


def _truncate(index):
    seg = _segment(index)
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])


def _garble(index):
    seg = _segment(index)
    data = bytearray(seg.read_bytes())
    rnd = random.Random(5)
    for i in range(len(data)):
        data[i] = rnd.randrange(256)
    seg.write_bytes(bytes(data))  # same size: only reading it tells


def _garbage_current(index):
    (index / store.CURRENT).write_bytes(b"\x00\xff basura \n")


def _missing_generation(index):
    shutil.rmtree(index / store.current_generation(index))


DAMAGE = {"truncated segment": _truncate, "garbled segment": _garble, "garbage CURRENT": _garbage_current,
          "CURRENT names a missing folder": _missing_generation}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_is_reported_and_update_rebuilds_it(corpus, tmp_path, damage):
    index = tmp_path / "index"
    assert index_cmd(corpus, index).exit_code == 0
    DAMAGE[damage](index)

    with pytest.raises(store.IndexDamaged):
        store.open_current(index)
    result = cli("search", "zancudos", "--index", index)
    assert result.exit_code == EXIT_DAMAGED
    assert "dañado" in result.output and "boletines index" in result.output
    assert "Error inesperado" not in result.output and "Traceback" not in result.output

    result = cli("update", "--corpus", corpus, "--index", index, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mode"] == "build" and report["documents"] == 6
    assert "dañado" in report["rebuilt_because"]
    assert generations(index) == [store.current_generation(index)]
    result = cli("search", "zancudos", "--index", index)
    assert result.exit_code == 0 and "1 resultados" in result.output


def test_update_says_it_rebuilt_a_damaged_index(corpus, tmp_path):
    index = tmp_path / "index"
    index_cmd(corpus, index)
    _truncate(index)
    result = cli("update", "--corpus", corpus, "--index", index)
    assert result.exit_code == 0
    assert "dañado" in result.output and "se reconstruyó por completo" in result.output


# --- a corpus that vanished ----------------------------------------------------------------------

@pytest.mark.parametrize("command", ["index", "update"])
def test_losing_most_of_the_index_needs_force(corpus, tmp_path, command):
    index = tmp_path / "index"
    assert index_cmd(corpus, index).exit_code == 0
    live = store.current_generation(index)
    empty = tmp_path / "vacio"
    empty.mkdir()
    result = cli(command, "--corpus", empty, "--index", index)
    assert result.exit_code == 1
    assert "6 boletines" in result.output and "tendría 0" in result.output and "--force" in result.output
    assert store.current_generation(index) == live and generations(index) == [live]
    assert total(index, "zancudos") == 1

    for name in ["zancudos.txt", "garrapatas.txt", "alacranes.txt", "sarampion.txt"]:
        (corpus / name).unlink()  # 2 of 6 left: less than half
    assert cli(command, "--corpus", corpus, "--index", index).exit_code == 1
    assert total(index, "zancudos") == 1

    result = cli(command, "--corpus", corpus, "--index", index, "--force")
    assert result.exit_code == 0, result.output
    assert total(index, "zancudos") == 0 and generations(index) == [store.current_generation(index)]


def test_an_empty_corpus_with_no_live_index_builds(tmp_path):
    (tmp_path / "vacio").mkdir()
    assert index_cmd(tmp_path / "vacio", tmp_path / "index").exit_code == 0


# --- killed builds leave generations behind: the next build removes them -------------------------

def test_unfinished_generations_are_removed_at_the_start_of_a_build(corpus, tmp_path):
    index = tmp_path / "index"
    build.build(corpus, index)
    for name in ("gen-20200101000000-deadbeef", "gen-20200101000001-cafebabe"):
        (index / name).mkdir()
        (index / name / "reading.spool").write_bytes(b"x" * 1000)
    (index / "CURRENT.1234abcd.tmp").write_text("gen-x\n")
    before = store.current_generation(index)
    build.update(corpus, index)  # nothing changed, yet the leftovers go
    assert generations(index) == [before]
    assert not list(index.glob("CURRENT.*.tmp"))


def test_the_lock_is_not_held_by_forked_children(tmp_path):
    """A POSIX record lock belongs to its process: a forked child neither holds nor releases it."""
    import fcntl

    with store.writer_lock(tmp_path):
        pid = os.fork()
        if pid == 0:  # the child tries to take the same lock: it must find it busy
            fd = os.open(tmp_path / ".lock", os.O_RDWR)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os._exit(0)
            except OSError:
                os._exit(7)
        assert os.waitpid(pid, 0)[1] >> 8 == 7
    with store.writer_lock(tmp_path):  # released with the parent's exit from the block
        pass


# --- odd file names ------------------------------------------------------------------------------

def test_names_that_are_not_utf8_or_hold_newlines_are_indexed(corpus, tmp_path):
    raw = os.fsencode(corpus)
    with open(raw + b"/bolet\xedn-\xff.txt", "wb") as handle:
        handle.write(_bulletin(20, "nombre ilegible tlacuaches").encode("utf-8"))
    with open(raw + b"/linea\nnueva\r.txt", "wb") as handle:
        handle.write(_bulletin(21, "nombre con salto armadillos").encode("utf-8"))
    index = tmp_path / "index"
    result = index_cmd(corpus, index, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 8
    engine = SearchEngine(index)
    hit = engine.search(SearchRequest(query="tlacuaches"))["hits"][0]
    assert os.fsencode(hit["path"]) == b"bolet\xedn-\xff.txt"  # the stored path round-trips to the bytes
    assert (corpus / hit["path"]).is_file()
    hit = engine.search(SearchRequest(query="armadillos"))["hits"][0]
    assert hit["path"] == "linea\nnueva\r.txt"

    manifest = Manifest(index / store.current_generation(index))
    assert "bolet\udcedn-\udcff.txt" in manifest.stats()
    manifest.close()

    result = cli("search", "tlacuaches", "--index", index, "--json")
    assert result.exit_code == 0
    assert os.fsencode(json.loads(result.output)["hits"][0]["path"]) == b"bolet\xedn-\xff.txt"
    result = cli("search", "tlacuaches", "--index", index)
    assert "bolet�n-�.txt" in result.output

    with open(raw + b"/bolet\xedn-\xff.txt", "ab") as handle:
        handle.write(" Se agregan coyotes.".encode("utf-8"))
    os.unlink(raw + b"/linea\nnueva\r.txt")
    result = cli("update", "--corpus", corpus, "--index", index, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["mode"] == "update" and report["updated"] == 1 and report["removed"] == 1
    assert total(index, "coyotes") == 1 and total(index, "armadillos") == 0


def test_an_odd_name_that_is_skipped_is_reported_readably(corpus, tmp_path):
    with open(os.fsencode(corpus) + b"/vac\xedo\n.txt", "wb") as handle:
        handle.write(b"   ")
    result = index_cmd(corpus, tmp_path / "index", "--json")
    assert result.exit_code == EXIT_SKIPPED
    assert json.loads(result.output)["skipped"][0]["path"] == "vac�o␊.txt"
    result = index_cmd(corpus, tmp_path / "index")
    assert "vac�o␊.txt: " in result.output


# --- system errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "No queda espacio"), (errno.EROFS, "solo lectura"),
                                         (errno.EACCES, "Sin permiso")])
def test_system_errors_while_writing_are_one_spanish_line(corpus, tmp_path, monkeypatch, code, words):
    index = tmp_path / "index"
    assert index_cmd(corpus, index).exit_code == 0
    live = store.current_generation(index)
    (corpus / "nuevo.txt").write_text(_bulletin(25, "jaguares"), encoding="utf-8")
    real = build._write_groups

    def failing(writer, groups, *args, **kwargs):
        real(writer, groups[:1], *args, **kwargs)
        raise OSError(code, os.strerror(code), str(index / "gen-x" / "MAIN.seg"))

    monkeypatch.setattr(build, "_write_groups", failing)
    for command in ("index", "update"):
        result = cli(command, "--corpus", corpus, "--index", index)
        assert result.exit_code == 1
        assert words in result.output and "Error inesperado" not in result.output and "Errno" not in result.output
        assert store.current_generation(index) == live and generations(index) == [live]


def test_a_read_only_index_folder_is_a_clear_error(corpus, tmp_path, monkeypatch):
    def read_only(index_dir):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(index_dir))

    monkeypatch.setattr(store, "new_generation_dir", read_only)
    result = index_cmd(corpus, tmp_path / "index")
    assert result.exit_code == 1 and "solo lectura" in result.output


def test_a_full_manifest_database_is_a_disk_full_message(corpus, tmp_path, monkeypatch):
    import sqlite3

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Manifest, "set_meta", full)
    result = index_cmd(corpus, tmp_path / "index")
    assert result.exit_code == 1 and "No queda espacio" in result.output


def test_serve_on_a_busy_port_says_so(corpus, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--corpus", corpus, "--index", tmp_path / "index", "--port", port, "--no-build")
    assert result.exit_code == 1
    assert f"El puerto {port} ya está en uso" in result.output
    assert not (tmp_path / "index").exists()  # checked before anything else


def test_serve_rebuilds_a_damaged_index_or_warns_about_it(corpus, tmp_path, monkeypatch):
    from indexer import cli as cli_module

    index = tmp_path / "index"
    index_cmd(corpus, index)
    _garble(index)  # same size, so only opening it tells
    served = []
    monkeypatch.setattr(cli_module, "run_server", lambda *args: served.append(args))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("serve", "--corpus", corpus, "--index", index, "--port", port, "--no-build")
    assert result.exit_code == 0 and served
    assert "dañado" in result.output and "503" in result.output
    result = cli("serve", "--corpus", corpus, "--index", index, "--port", port)
    assert result.exit_code == 0 and "se reconstruyó por completo" in result.output
    assert "Aviso" not in result.output and total(index, "zancudos") == 1


def test_serve_keeps_the_live_index_when_the_corpus_vanished(corpus, tmp_path, monkeypatch):
    from indexer import cli as cli_module

    index = tmp_path / "index"
    index_cmd(corpus, index)
    for path in corpus.iterdir():
        path.unlink()  # an unmounted folder looks like this: empty
    later = (index / store.CURRENT).stat().st_mtime_ns + 10**9
    os.utime(corpus, ns=(later, later))  # the same clock tick as the build would look unchanged
    monkeypatch.setattr(cli_module, "run_server", lambda *args: None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("serve", "--corpus", corpus, "--index", index, "--port", port)
    assert result.exit_code == 0 and "tendría 0" in result.output
    assert total(index, "zancudos") == 1


@pytest.mark.parametrize("env, args, expected", [({}, [], 2), ({"BOLETINES_WORKERS": "4"}, [], 4),
                                                 ({"BOLETINES_WORKERS": "4"}, ["--workers", "3"], 3)])
def test_serve_starts_two_workers_unless_told_otherwise(corpus, tmp_path, monkeypatch, env, args, expected):
    from indexer import cli as cli_module

    index = tmp_path / "index"
    index_cmd(corpus, index)
    served = []
    monkeypatch.setattr(cli_module, "run_server", lambda *a: served.append(a))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("serve", "--corpus", corpus, "--index", index, "--port", port, "--no-build", *args)
    assert result.exit_code == 0 and served[0][-1] == expected
