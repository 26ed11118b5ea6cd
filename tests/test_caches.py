"""Per-generation caches stay within their bounds (entries, document numbers, text)."""
import pytest

from conftest import engine_over

import indexer.generation as generation


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "caches", {
        "a.txt": "Dengue en la costa\nCasos de dengue en Pinotepa.",
        "b.txt": "Vacunación en escuelas\nLa vacunación llegó al valle.",
    })


def test_cached_document_sets_are_bounded_by_the_numbers_they_hold(engine, monkeypatch):
    gen = engine.generation()
    monkeypatch.setattr(generation, "DOCSET_CACHE_DOCS", 1000)
    gen.remember(("docs", "big-1"), frozenset(range(600)))
    gen.remember(("docs", "small"), (2, frozenset(range(10))))  # a MostWords bar and its set
    gen.remember(("docs", "big-2"), frozenset(range(600, 1200)))
    assert gen.recall(("docs", "big-1")) is None  # the oldest went to make room
    assert gen.recall(("docs", "small")) is not None and gen.recall(("docs", "big-2")) is not None
    gen.remember(("docs", "big-2"), frozenset(range(5)))  # replacing a set frees its room
    assert gen.recall(("docs", "small")) is not None
    assert gen._docset_sizes == 15


def test_stored_fields_are_kept_for_the_next_page(engine):
    gen = engine.generation()
    searcher = gen.searcher()
    first = gen.stored(searcher, 0)
    assert gen.stored(searcher, 0) is first and first == searcher.stored_fields(0)
