"""Autocomplete offers topical words in their written form, and prefix queries search a bounded
set of words; both on small indexes shaped like the real corpus."""
import pytest

from conftest import engine_over

from indexer import prefixes
from indexer.evaluation.completion import counts
from indexer.query import parse, to_whoosh
from indexer.search import SearchRequest

# Long conference transcripts say "dentro" and "mentira" everywhere, a few times each; short
# bulletins are about dengue and mental health, and say so many times.
CHATTER = ("Buenos días. Dentro de un momento les informo. Eso es mentira, una mentira más, dentro de lo que "
           "cabe. Vamos a ver dentro de la agenda lo que sigue. ")
BULLETINS = {f"presidencia/conferencia-{i}.txt": f"Versión estenográfica de la conferencia {i}\n\n" + CHATTER * 3
             + f"Pregunta sobre salud en el tema {i}." for i in range(12)}
BULLETINS.update({
    f"sso/dengue-{i}.txt": f"Casos de dengue en la costa {i}\n\nEl dengue sigue. Contra el dengue, lavar y tapar; "
                           f"el dengue se transmite por mosquito. Vacunación de niños contra la influenza."
    for i in range(4)})
BULLETINS.update({
    f"sso/mental-{i}.txt": f"Jornada de salud mental {i}\n\nAtención a la salud mental de niñas y niños; "
                           f"la salud mental importa. Covid en Oaxaca: la vacunación de niños sigue."
    for i in range(4)})


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "complete", BULLETINS)


def test_topical_word_beats_transcript_chatter(engine):
    out = engine.suggest("den")
    assert out[0] == "dengue" and "dentro" not in out[:2]


def test_phrase_is_completed_by_what_follows_it_not_by_chatter(engine):
    out = engine.suggest("salud ment")
    assert out[0] == "salud mental" and "salud mentira" not in out


def test_n_typed_for_enye_completes_in_written_form(engine):
    assert engine.suggest("nin")[0] in ("niños", "niñas")
    assert "niños" in engine.suggest("nin")[:5]


def test_one_letter_after_a_word_is_completed_with_accents_restored(engine):
    assert "vacunación niños" in engine.suggest("vacunacion n")[:5]
    assert "covid oaxaca" in engine.suggest("covid o")[:5]
    assert engine.suggest("n") == []  # a lone letter is too little


def test_completion_counts_folded_words():
    assert counts("vacunación niños y niñas", "vacunacion ninos")
    assert counts("lópez-gatell", "lopez-gatell") and not counts("covid", "covid-19")


# -- prefix queries --------------------------------------------------------------------------

def test_prefix_query_equals_the_unbounded_expansion_on_a_small_index(engine):
    gen = engine.generation()
    searcher = gen.searcher()
    for typed in ("vacun*", "den*", "nin*", "sal*", "co*"):
        parsed = parse(typed)
        expansions_q = engine._matches(gen, searcher, SearchRequest(query=typed))[2]
        unbounded = to_whoosh(parsed)  # Whoosh expands the prefix to every term
        assert engine._docset(gen, searcher, expansions_q) == frozenset(unbounded.matcher(searcher).all_ids()), typed


def test_prefix_query_keeps_the_commonest_words_and_says_so(engine):
    searcher = engine.generation().searcher()
    words = prefixes.expand(searcher, "de", limit=1)
    assert words.exact == ("dentro",) and words.total == 2 and words.bounded  # "dengue" is in fewer bulletins
    response = engine.search(SearchRequest(query="den*"))
    assert response["total"] == 16 and response["prefixes"] is None
    assert all("<mark>" in hit["snippet"] or "<mark>" in hit["title_html"] for hit in response["hits"])


def test_one_letter_prefix_asks_for_more_letters(engine):
    alone = engine.search(SearchRequest(query="p*"))
    assert alone["total"] == 0 and alone["prefixes"] == {"short": ["p"], "bounded": []}
    with_word = engine.search(SearchRequest(query="dengue p*"))
    assert with_word["total"] == 4 and with_word["prefixes"]["short"] == ["p"]


def test_page_shows_the_prefix_notice(tmp_path_factory, engine):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(engine.index_dir)})
    html = app.test_client().get("/", query_string={"q": "p*"}).get_data(as_text=True)
    assert "escriba al menos dos letras" in html


def test_words_typed_before_are_a_bag_not_a_phrase(tmp_path_factory):
    """"mineros sabi": Sabinas is written far from "mineros", in the bulletins about them; "sabido" is common
    everywhere. The word kept company with the typed ones comes first."""
    bulletins = {f"m/mina-{i}.txt": f"Rescate en la mina {i}\n\nLos mineros atrapados en la mina de Sabinas, "
                                    f"Coahuila, reciben apoyo; familias de los trabajadores esperan." for i in range(3)}
    bulletins.update({f"c/conferencia-{i}.txt": f"Conferencia {i}\n\nEs sabido que los mineros y los maestros "
                                                f"trabajan; ya es sabido, se ha sabido siempre." for i in range(2)})
    bulletins.update({f"o/otro-{i}.txt": f"Nota {i}\n\nComo es sabido, la economía crece." for i in range(20)})
    engine = engine_over(tmp_path_factory, "bag", bulletins)
    assert engine.suggest("mineros sabi")[0].lower() == "mineros sabinas"
