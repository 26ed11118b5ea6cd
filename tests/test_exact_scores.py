"""The NumPy scorer of a page's candidates (indexer.exact) gives Whoosh's exact scores: the same
documents in the same order with the same scores, for every kind of query the engine builds."""
import pytest

from conftest import engine_over

from indexer import exact, ranking
from indexer.query import PreferRecent, parse, to_whoosh
from indexer.search import SearchRequest

BULLETINS = {
    "a.txt": "Jornada de vacunación en Oaxaca\n15 de marzo de 2023\nLa jornada de vacunación contra la influenza "
             "llegó a la costa. Los centros de salud vacunan a niñas y niños.",
    "b.txt": "Salud mental en escuelas\n2 de abril de 2022\nLa Secretaría de Salud abrió líneas de salud mental; "
             "la vacunación sigue en escuelas del valle.",
    "c.txt": "Dengue en la costa\n9 de julio de 2021\nCasos de dengue en Pinotepa Nacional; fumigación en la costa "
             "y jornada de limpieza. Salud pide eliminar criaderos.",
    "d.txt": "Hospital General de Oaxaca\n1 de enero de 2020\nEl Hospital General amplía su área de urgencias; "
             "el hospital atiende casos de dengue y de influenza.",
    "e.txt": "Influenza estacional\n5 de noviembre de 2023\nInicia la campaña de vacunación contra la influenza "
             "estacional: vacunación gratuita en centros de salud de Oaxaca.",
    "f.txt": "Salud de Oaxaca informa\n20 de mayo de 2019\nServicios de Salud de Oaxaca informa sobre casos de "
             "dengue, influenza y covid en la costa y el valle; la salud es primero.",
}

QUERIES = [
    "salud", "vacunacion", "jornada vacunacion", "salud oaxaca costa", "dengue influenza hospital",
    '"jornada de vacunación"', '"hospital general" oaxaca', "salud -dengue", "vacunacion OR dengue",
    "influenza vacunacion salud costa valle", "salud mental escuelas", "casos dengue costa salud",
    "hospitl general",  # a typo: corrected forms join as weaker alternatives
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "exact", BULLETINS)


def _both(engine, query, wrap=None):
    gen = engine.generation()
    searcher = gen.searcher()
    parsed, _, q, *_, narrowed = engine._matches(gen, searcher, SearchRequest(query=query))
    if wrap is not None:
        q = wrap(q)
    docs = narrowed()
    candidates = ranking.candidates(gen.weights, searcher, q, docs, 50)
    docs_of = lambda sub: engine._docset(gen, searcher, sub)  # noqa: E731
    most_of = lambda most: engine._most_words(gen, searcher, most)[0]  # noqa: E731
    whoosh = ranking.score_exactly(searcher, ranking.restrict(q, candidates, docs_of, most_of), candidates, 10, 10.0)
    numpy = exact.score_candidates(gen.weights, gen.positions, searcher, q, candidates, 10, docs_of, most_of, gen.facets.dates)
    return whoosh, numpy


@pytest.mark.parametrize("query", QUERIES)
def test_the_numpy_scores_are_whooshs(engine, query):
    whoosh, numpy = _both(engine, query)
    assert whoosh, query
    assert [doc for doc, _ in numpy] == [doc for doc, _ in whoosh]
    assert [score for _, score in numpy] == pytest.approx([score for _, score in whoosh], rel=1e-5)


def test_a_preference_for_recent_bulletins_scales_as_whooshs_matcher_does(engine):
    whoosh, numpy = _both(engine, "salud influenza", wrap=lambda q: PreferRecent(q, 365.0, 0.3))
    assert [doc for doc, _ in numpy] == [doc for doc, _ in whoosh]
    assert [score for _, score in numpy] == pytest.approx([score for _, score in whoosh], rel=1e-5)


def test_a_query_node_it_does_not_model_is_left_to_whoosh(engine):
    gen = engine.generation()
    searcher = gen.searcher()
    q = to_whoosh(parse("vacuna*"))
    answer = exact.score_candidates(gen.weights, gen.positions, searcher, q, [0, 1, 2], 10, lambda sub: frozenset(),
                                    lambda most: 1, gen.facets.dates)
    assert answer is None
    assert engine.search(SearchRequest(query="vacuna*"))["total"] >= 2  # and the page still ranks them


def test_pages_rank_with_the_numpy_scores(engine):
    page = engine.search(SearchRequest(query="jornada vacunacion"))
    whoosh, _ = _both(engine, "jornada vacunacion")
    assert [hit["score"] for hit in page["hits"]] == pytest.approx([round(s, 4) for _, s in whoosh], abs=1e-4)
