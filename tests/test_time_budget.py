"""Every request's work is bounded: did-you-mean gives up on what cannot be a word and stops when
its time budget is spent, and exact scoring stops at its own, both keeping what they have (no timed
assertions: each budget is exercised by giving one already spent)."""
import pytest

from conftest import engine_over

from indexer import suggest
from indexer.query import parse
from indexer.search import SearchRequest

BULLETINS = {
    "vacunacion-1.txt": "Campaña de vacunación contra la influenza\nLa vacunación avanza en la costa de Oaxaca.",
    "vacunacion-2.txt": "Vacunación en escuelas\nLa jornada de vacunación llegó a las escuelas del valle.",
    "dengue.txt": "Dengue en la costa\nCasos de dengue en Pinotepa Nacional.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "budget", BULLETINS)


@pytest.fixture
def searcher(engine):
    return engine.generation().searcher()


def test_a_word_longer_than_any_spanish_word_gets_no_correction(searcher):
    assert suggest.correction(searcher, "vacunacionn") == "vacunación"  # the same word, short: corrected
    assert suggest.correction(searcher, "vacunacionn" + "x" * suggest.MAX_WORD) is None
    assert suggest.correction(searcher, "a" * 500) is None


def test_did_you_mean_with_its_budget_spent_answers_nothing_rather_than_wait(searcher):
    query = "vacunacionn costa"
    assert suggest.did_you_mean(searcher, parse(query), query) == "vacunación costa"
    assert suggest.did_you_mean(searcher, parse(query), query, budget=-1.0) is None


def test_a_search_for_a_huge_word_answers_without_a_suggestion(engine):
    response = engine.search(SearchRequest(query="a" * 500))
    assert response["total"] == 0 and response["suggestion"] is None


def test_a_search_out_of_scoring_time_still_fills_the_page(engine, monkeypatch):
    import indexer.search

    query = "costa OR escuelas OR pinotepa"
    full = engine.search(SearchRequest(query=query, limit=2))
    assert full["total"] == 3 and all(hit["score"] is not None for hit in full["hits"])
    # Whoosh scores what the NumPy scorer (indexer.exact) cannot: its budget is what is bounded here
    monkeypatch.setattr(indexer.search.exact, "score_candidates", lambda *args, **kwargs: None)
    monkeypatch.setattr(indexer.search, "SCORING_BUDGET", -1.0)  # already spent: nothing gets scored exactly
    partial = engine.search(SearchRequest(query=query + " OR valle", limit=2))
    assert partial["total"] == 3
    assert len(partial["hits"]) == 2 and all(hit["score"] is None for hit in partial["hits"])
