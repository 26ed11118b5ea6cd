"""Did-you-mean and autocomplete on a small fixture index."""
import pytest

from conftest import engine_over

from indexer import complete, suggest
from indexer.query import parse
from indexer.search import SearchRequest

BULLETINS = {
    "vacunacion-1.txt": "Campaña de vacunación contra la influenza\nLa vacunación avanza en la costa de Oaxaca.",
    "vacunacion-2.txt": "Vacunación en escuelas\nLa jornada de vacunación llegó a las escuelas del valle.",
    "vacunacion-3.txt": "Más vacunas para Oaxaca\nLlegaron vacunas; la vacunación sigue en los centros de salud.",
    "typo.txt": "Aviso\nLa vacunasion se retrasó por la lluvia.",  # a typo in a bulletin
    "anio.txt": "Balance del año\nEl año cerró con más consultas. Feliz año.",
    "ano.txt": "Jornada\nSe atendieron casos de cáncer de ano.",
    "dengue.txt": "Dengue en la costa\nCasos de dengue en Pinotepa Nacional; atienden a niños.",
    "ninos-1.txt": "Niños sanos\nRevisan a niños y niñas en la escuela.",
    "ninos-2.txt": "Vacunas para niños\nLos niños recibieron vacunas.",
    "censida.txt": "CENSIDA informa\nEl CENSIDA y el CONAPO presentaron datos de VIH.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return engine_over(tmp_path_factory, "suggest", BULLETINS)


@pytest.fixture
def searcher(engine):
    return engine.generation().searcher()


def test_unknown_word_gets_the_accented_common_word(searcher):
    assert suggest.did_you_mean(searcher, parse("vacunacoin"), "vacunacoin") == "vacunación"
    assert suggest.did_you_mean(searcher, parse("dengue pinotepa"), "dengue pinotepa") is None


def test_a_typo_present_in_one_bulletin_is_still_corrected(searcher):
    assert suggest.did_you_mean(searcher, parse("vacunasion costa"), "vacunasion costa") == "vacunación costa"


def test_spelling_key_joins_words_that_sound_alike():
    assert suggest.sound("vacunasión") == suggest.sound("bacunación") == suggest.sound("vacunacion")
    assert suggest.sound("hola") == suggest.sound("ola") and suggest.sound("valla") == suggest.sound("vaya")
    assert suggest.sound("año") != suggest.sound("ano")


def test_enye_alone_is_not_a_typo(searcher):
    assert suggest.correction(searcher, "ano") is None
    assert suggest.correction(searcher, "año") is None
    assert suggest.correction(searcher, "ninos") is None  # the search already finds "niños"


def test_acronyms_and_short_words_are_left_alone(searcher):
    assert suggest.did_you_mean(searcher, parse("CENSIDE"), "CENSIDE") is None
    assert suggest.correction(searcher, "vh") is None


def test_surface_form_restores_accents(searcher):
    assert suggest.surface_form(searcher, "vacunacion") == "vacunación"
    assert suggest.surface_form(searcher, "año") == "año"
    assert suggest.surface_form(searcher, "nohay") == "nohay"


def test_search_response_carries_the_suggestion(engine):
    # an unknown word with a confident correction is searched corrected; the literal query gets the suggestion
    response = engine.search(SearchRequest(query="bacunacion"))
    assert response["corrected"]["query"] == "vacunación" and response["suggestion"] is None
    literal = engine.search(SearchRequest(query=response["corrected"]["literal"]))
    assert literal["total"] == 0 and literal["corrected"] is None
    assert literal["suggestion"] is not None and "vacunación" in literal["suggestion"]


def test_completions_complete_the_last_word_most_frequent_first(searcher):
    out = complete.completions(searcher, "jornada de vacu")
    words = [o for o in out if o.count(" ") == 2]
    # only what the bulletins write after "jornada de": "vacunas" is never there
    assert words[0] == "jornada de vacunación" and "jornada de vacunas" not in words
    assert {"vacunación", "vacunas"} <= set(complete.completions(searcher, "vacu"))


def test_completions_offer_title_phrases(searcher):
    assert "campaña de vacunación contra la influenza" in complete.completions(searcher, "campaña de vacu")


def test_completions_ignore_too_short_or_finished_input(searcher):
    assert complete.completions(searcher, "v") == []
    assert complete.completions(searcher, "vacunación ") == []
    assert complete.completions(searcher, "") == []


def test_vocabulary_is_cached_per_generation(searcher):
    first = suggest.vocabulary(searcher)
    assert suggest.vocabulary(searcher) is first
    assert first.starting_with("vacun", 2) == ["vacunacion", "vacunas"]


def test_unknown_words_are_told_apart_from_rare_or_inflected_ones(searcher):
    assert suggest.has_unknown_words(searcher, parse("vacunacoin costa"))
    assert not suggest.has_unknown_words(searcher, parse("vacunas costas ninos"))
    assert not suggest.has_unknown_words(searcher, parse("vacunasion"))  # one bulletin has it


def test_a_words_correction_is_looked_up_once_per_generation(engine, searcher, monkeypatch):
    gen = engine.generation()
    calls = []
    real = suggest.correction
    monkeypatch.setattr(suggest, "correction", lambda *args: calls.append(args[1]) or real(*args))
    for _ in range(3):
        assert suggest.did_you_mean(searcher, parse("vacunacoin costa"), "vacunacoin costa", cache=gen) \
            == "vacunación costa"
    assert calls.count("vacunacoin") == 1
    assert suggest.did_you_mean(searcher, parse("vacunacoin"), "vacunacoin", budget=-1.0, cache=gen) is None


def test_a_correction_cut_short_by_the_budget_is_not_kept(engine, searcher):
    gen = engine.generation()
    suggest.did_you_mean(searcher, parse("vacunaciom"), "vacunaciom", budget=0.0, cache=gen)
    assert gen.recall(("correction", "vacunaciom")) is None
