"""Ranking on a small fixture corpus: what a person searching should see first."""
import pytest

from conftest import engine_over
from indexer.build import build

from indexer.search import SearchEngine, SearchRequest

BULLETINS = {
    "salud-publica.txt": "Fortalecen la salud pública en Oaxaca\n"
                         "Los Servicios de Salud presentaron acciones de salud pública para las regiones.",
    "publicidad.txt": "Regulan la publicidad de alimentos\n"
                      "La Secretaría de Salud publicó reglas para la publicidad de bebidas y alimentos.",
    "censida.txt": "CENSIDA presenta campaña de prevención\n"
                   "El CENSIDA y el CONAPO informaron sobre la prevención del VIH entre jóvenes.",
    "censo.txt": "Resultados del censo de población\n"
                 "Los censos de población muestran el crecimiento de las ciudades.",
    "sedena.txt": "Brigadas de la SEDENA en la sierra\n"
                  "Personal de la SEDENA apoyó en la vacunación casa por casa.",
    "economia.txt": "Convenio con la SE\n"
                    "La SE y el gobierno estatal firmaron un convenio para impulsar el comercio.",
    "se-pronombre.txt": "Se realizó la feria de la salud\n"
                        "Se entregaron folletos y se aplicaron vacunas en la feria.",
    "imss-bienestar.txt": "Arranca el IMSS-Bienestar en la región\n"
                          "El IMSS-Bienestar inició la atención en 30 hospitales rurales.",
    "imss.txt": "El IMSS amplía horarios\n"
                "El IMSS amplió los horarios de consulta; el bienestar de los derechohabientes es prioridad.",
    "covid.txt": "Avance de vacunación contra COVID-19\n"
                 "El boletín 599/2023 informa del avance de la vacunación contra COVID-19 en el estado.",
    "ano.txt": "Jornada de salud\nSe atendieron casos de cáncer de ano y de colon en la jornada.",
    "anio.txt": "Balance del año\nEl año cerró con más consultas que el anterior en los centros de salud.",
    "rioboo.txt": "Contrato con Rioboó\nEl candidato criticó el contrato de los segundos pisos con José María Rioboó.",
    "indices.txt": "Índices de marginación\nLos índices de marginación bajaron en la costa.",
    "luces.txt": "Nuevas luces en el hospital\nSe instalaron luces en el estacionamiento del hospital.",
    "bulevar.txt": "Incendio junto al Blvd 2000\nEl incendio consumió mil hectáreas entre Tijuana y Rosarito.",
    "tijuana.txt": "Limpieza de canales en Tijuana\nCuadrillas limpiaron canales en Tijuana antes de las lluvias.",
    "dengue-1.txt": "Campaña contra el dengue en la costa\nBrigadas contra el dengue visitaron Pinotepa y Jamiltepec.",
    "dengue-2.txt": "Casos de dengue en Pinotepa\nSe confirmaron casos de dengue en Pinotepa Nacional, costa de Oaxaca.",
    "hospital-privado.txt": "Trasladan a Lozoya\nLozoya fue llevado a un hospital privado; en Colima se habló de seguridad.",
    "hospital-colima.txt": "Conferencia en Colima\nEn Colima se habló del hospital, de lo privado y de lo público; "
                           "también de Lozoya en la mañanera y de muchos otros temas del día.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "relevance", BULLETINS)


def paths(engine, query, limit=10):
    return [hit["path"] for hit in engine.search(SearchRequest(query=query, limit=limit))["hits"]]


def test_salud_publica_prefers_the_phrase_over_publicidad(engine):
    found = paths(engine, "salud publica")
    assert found[0] == "salud-publica.txt"
    if "publicidad.txt" in found:
        assert found.index("publicidad.txt") > 0


@pytest.mark.parametrize("query, expected", [("censida", "censida.txt"), ("CONAPO", "censida.txt"),
                                             ("sedena", "sedena.txt")])
def test_acronyms_are_found_and_not_stemmed_into_other_words(engine, query, expected):
    assert paths(engine, query) == [expected]


def test_se_in_capitals_is_an_agency_not_a_stopword(engine):
    assert paths(engine, "SE convenio") == ["economia.txt"]
    assert paths(engine, "SE")[0] == "economia.txt"


@pytest.mark.parametrize("query, expected", [
    ("IMSS-Bienestar", "imss-bienestar.txt"), ("imss bienestar", "imss-bienestar.txt"),
    ("covid-19", "covid.txt"), ("covid 19", "covid.txt"), ("599/2023", "covid.txt"),
])
def test_hyphenated_names_and_numbers_are_findable(engine, query, expected):
    assert paths(engine, query)[0] == expected


def test_exact_form_ranks_first(engine):
    assert paths(engine, "año") == ["anio.txt", "ano.txt"]
    assert set(paths(engine, "ano")) == {"anio.txt", "ano.txt"}  # without ñ it may mean either


@pytest.mark.parametrize("query, accented", [("vacunacion sedena", "vacunación SEDENA"),
                                             ("indices marginacion", "índices marginación"),
                                             ("rioboo", "Rioboó")])
def test_accents_do_not_change_the_hits(engine, query, accented):
    assert set(paths(engine, query)) == set(paths(engine, accented)) != set()


@pytest.mark.parametrize("query, expected", [("indice", "indices.txt"), ("luz hospital", "luces.txt"),
                                             ("hospital rural", "imss-bienestar.txt")])
def test_singular_finds_plural(engine, query, expected):
    assert expected in paths(engine, query)


def test_a_word_found_nowhere_does_not_empty_the_results(engine):
    assert paths(engine, "incendio bulevar 2000 rosarito")[0] == "bulevar.txt"


def test_two_word_queries_need_both_words_while_some_bulletin_has_both(engine):
    assert set(paths(engine, "dengue pinotepa")) == {"dengue-1.txt", "dengue-2.txt"}
    # never together: the bulletins with either word
    assert set(paths(engine, "dengue tijuana")) == {"dengue-1.txt", "dengue-2.txt", "tijuana.txt", "bulevar.txt"}


def test_bulletins_with_every_word_rank_above_those_missing_one(engine):
    # dengue-2 has all four words; dengue-1 lacks "casos" (kept, ranked lower); tijuana has one word
    assert paths(engine, "dengue casos pinotepa costa") == ["dengue-2.txt", "dengue-1.txt"]
    assert paths(engine, "dengue casos pinotepa oaxaca") == ["dengue-2.txt"]  # dengue-1 lacks two of four


def test_close_words_beat_scattered_ones(engine):
    found = paths(engine, "lozoya hospital privado colima")
    assert found[:2] == ["hospital-privado.txt", "hospital-colima.txt"]


def test_phrases_stay_required(engine):
    assert paths(engine, '"salud pública" oaxaca regiones acciones') == ["salud-publica.txt"]


def test_recency_preference_reorders_but_never_filters(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "viejo.md").write_text("---\ndate: 2019-01-10\n---\nDengue en la costa\nCasos de dengue y más dengue.",
                                     encoding="utf-8")
    (corpus / "nuevo.md").write_text("---\ndate: 2023-06-01\n---\nDengue\nUn caso de dengue.", encoding="utf-8")
    build(corpus, tmp_path / "index", jobs=1)
    engine = SearchEngine(tmp_path / "index")
    searcher = engine.generation().searcher()
    from indexer.query import parse, to_whoosh

    def ranked(recency):
        hits = searcher.search(to_whoosh(parse("dengue"), recency=recency), limit=10)
        return [hit["path"] for hit in hits]

    assert ranked(0) == ["viejo.md", "nuevo.md"]
    assert ranked(180) == ["nuevo.md", "viejo.md"]


@pytest.mark.parametrize("singular_form, plural_form", [
    ("luz", "luces"), ("índice", "índices"), ("cruz", "cruces"), ("dulce", "dulces"), ("actriz", "actrices"),
    ("ley", "leyes"), ("rey", "reyes"), ("pirámide", "pirámides"), ("opioide", "opioides"),
    ("trolebús", "trolebuses"), ("gris", "grises"), ("diciéndole", "diciéndoles"), ("enlace", "enlaces"),
])
def test_plural_rules_measured_on_the_corpus(singular_form, plural_form):
    """Pairs the plural step used to miss (see `python -m indexer.evaluation.plurals`)."""
    from indexer.analysis import index_term

    assert index_term(singular_form) == index_term(plural_form)


def test_final_c_and_z_are_one_letter():
    from indexer.analysis import index_term

    assert index_term("realice") == index_term("realizar")
    assert index_term("luz") != index_term("lucha")


@pytest.mark.parametrize("query", ["dengue casos pinotepa costa", "dengue tijuana", "incendio bulevar 2000 rosarito",
                                   '"salud pública" oaxaca regiones acciones', "censida conapo vih jovenes prevencion"])
def test_most_words_select_agrees_with_its_matcher(engine, query):
    """`MostWords.select` (for callers with cached per-clause sets) picks what the matcher matches."""
    from indexer.query import MostWords, docs_of, parse, to_whoosh

    searcher = engine.generation().searcher()
    q = to_whoosh(parse(query), proximity=False)
    assert isinstance(q, MostWords)
    by_matcher = set(q.matcher(searcher).all_ids())
    assert q.select([docs_of(sub, searcher) for sub in q.subqueries]) == by_matcher != set()


def test_most_words_is_decided_over_every_segment(tmp_path):
    """An index updated in place has several segments; one may hold none of the words."""
    from whoosh import index as whoosh_index

    from indexer.query import parse, to_whoosh
    from indexer.schema import bulletin_schema

    ix = whoosh_index.create_in(str(tmp_path), bulletin_schema())
    for name, text in [("a.txt", "Dengue en la costa. Casos de dengue en Pinotepa."),
                       ("b.txt", "Hospital rural de Oaxaca con nuevo equipo.")]:
        writer = ix.writer()
        writer.add_document(id=name, path=name, title=name, body=text, exact=text)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2

        def found(query):
            return sorted(hit["path"] for hit in searcher.search(to_whoosh(parse(query)), limit=10))

        assert found("dengue casos pinotepa costa") == ["a.txt"]
        assert found("hospital rural oaxaca clinica") == ["b.txt"]  # three words of four
        assert found("dengue hospital") == ["a.txt", "b.txt"]  # never together: either
