"""`kill -9` of a real `boletines index` or `update` never blocks the next run nor leaves anything behind."""
from __future__ import annotations

import json
import sys

import pytest

from bench.kill_builds import kill_at, run, start, wait_gone, write_corpus

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")


def _next_run_is_clean(corpus, index, expected):
    code, out, err = run("update", corpus, index)
    assert code == 0, err
    assert "Otro proceso" not in err
    assert json.loads(out)["documents"] == expected
    live = (index / "CURRENT").read_text().strip()
    assert sorted(p.name for p in index.glob("gen-*")) == [live]  # the killed run's generation is gone


@pytest.mark.parametrize("moment", ["reading", "writing"])
def test_killed_build_blocks_nothing(tmp_path, moment):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 80)
    proc = start("index", corpus, index)
    reached, workers = kill_at(proc, index, moment)
    assert reached, f"the build ended before {moment}"
    if moment == "reading":
        assert workers, "reading 80 files runs in a pool of worker processes"
    assert not wait_gone(workers), "workers outlived the killed build"
    assert [p.name for p in index.glob("gen-*")], "the killed build left its unfinished generation"
    _next_run_is_clean(corpus, index, 80)


def test_killed_update_blocks_nothing(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 30)
    assert run("index", corpus, index)[0] == 0
    write_corpus(corpus, 40, start=30)
    proc = start("update", corpus, index)
    reached, workers = kill_at(proc, index, "cloned")
    assert reached
    assert not wait_gone(workers)
    _next_run_is_clean(corpus, index, 70)
