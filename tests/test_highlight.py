"""Snippets and highlighting keep the original accented text and escape everything else."""
from indexer.highlight import highlight, snippet
from indexer.query import highlight_terms, parse


def test_unaccented_query_marks_accented_words():
    html = str(highlight("La vacunación de niñas y niños", highlight_terms(parse("vacunacion ninos"))))
    assert "<mark>vacunación</mark>" in html and "<mark>niñas</mark>" in html and "<mark>niños</mark>" in html


def test_everything_but_marks_is_escaped():
    html = str(highlight("<script>alert(1)</script> salud", highlight_terms(parse("salud <b>"))))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<mark>salud</mark>" in html


def test_compound_parts_are_marked():
    html = str(highlight("inicio del IMSS-Bienestar", highlight_terms(parse("bienestar"))))
    assert "IMSS-<mark>Bienestar</mark>" in html


def test_snippet_picks_the_passage_with_most_query_words():
    text = ("Relleno sin interés. " * 40) + "Aquí se habla de dengue y de zika en Oaxaca. " + ("Más relleno. " * 40)
    html = str(snippet(text, highlight_terms(parse("dengue zika"))))
    assert "<mark>dengue</mark>" in html and "<mark>zika</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 400


def test_snippet_without_matches_is_the_opening():
    assert str(snippet("Primera frase. Segunda frase.", highlight_terms(parse("")))).startswith("Primera")


def test_plural_with_spelling_change_is_marked():
    html = str(highlight("Encendieron las luces y la luz del faro", highlight_terms(parse("luz"))))
    assert "<mark>luces</mark>" in html and "<mark>luz</mark>" in html


def test_numbers_and_hyphenated_names_are_marked():
    html = str(highlight("Boletín No. 599/2023 sobre COVID-19", highlight_terms(parse("599/2023 covid-19"))))
    assert "<mark>599/2023</mark>" in html and "<mark>COVID-19</mark>" in html


def test_words_starting_with_an_accented_capital_are_marked():
    """The candidate regex skips ahead by first letter; accented and capital first letters count."""
    terms = highlight_terms(parse("epoca unico luz"))
    html = str(highlight("ÉPOCA de lluvias. Época única; Únicos. Las luces y la Luz.", terms))
    assert html.count("<mark>") == 6
    for word in ("ÉPOCA", "Época", "única", "Únicos", "luces", "Luz"):
        assert f"<mark>{word}</mark>" in html


def test_a_phrase_is_marked_as_a_phrase_and_its_words_alone_are_not():
    text = "Saludos. La salud de todos. Quiero saludarlo. La Salud Pública de Oaxaca atiende."
    html = str(highlight(text, highlight_terms(parse('"salud pública"'))))
    assert html.count("<mark>") == 1 and "<mark>Salud Pública</mark>" in html


def test_a_phrase_with_stopwords_is_marked_where_the_search_finds_it():
    html = str(highlight("Plan de salud en la escuela; la salud escolar.", highlight_terms(parse('"salud en la escuela"'))))
    assert "<mark>salud en la escuela</mark>" in html and html.count("<mark>") == 1


def test_snippet_shows_the_phrase_rather_than_its_words_apart():
    text = ("La salud es de todos. " * 30) + "Aquí la salud pública importa. " + ("Pública la obra. " * 30)
    html = str(snippet(text, highlight_terms(parse('"salud pública"'))))
    assert "<mark>salud pública</mark>" in html


def test_compound_number_is_marked_whole_and_never_a_bare_number():
    html = str(highlight("COVID-19 en 19 estados", highlight_terms(parse("covid-19"))))
    assert html == "<mark>COVID-19</mark> en 19 estados"


def _long_text(head: str, filler_words: int, tail: str) -> str:
    filler = " ".join(["informe semanal de actividades en la región"] * (filler_words // 7))
    return f"{head} {filler} {tail}"


def test_snippet_prefers_a_passage_with_every_typed_word_to_many_of_one():
    text = _long_text("Dengue, dengue y más dengue en la costa; el dengue sigue.", 2000,
                      "En la sierra hubo dengue y también influenza estacional.")
    out = str(snippet(text, highlight_terms(parse("dengue influenza"))))
    assert "<mark>influenza</mark>" in out and "sierra" in out


def test_snippet_of_a_long_text_stops_reading_once_every_word_is_shown(monkeypatch):
    import indexer.highlight as module

    text = _long_text("La jornada de vacunación contra la influenza empezó hoy.", 20000, "influenza y vacunación")
    assert len(text) > 10 * module.SNIPPET_CHUNK
    read = []
    real = module._matches
    monkeypatch.setattr(module, "_matches", lambda t, terms, start=0, end=None, pattern=None:
                        read.append((start, end)) or real(t, terms, start, end, pattern))
    out = str(snippet(text, highlight_terms(parse("vacunacion influenza"))))
    assert "<mark>vacunación</mark>" in out and "<mark>influenza</mark>" in out
    assert len(read) == 1  # the first chunk showed both words: the rest was never scanned


def test_snippet_of_a_long_text_settles_after_its_reading_budget(monkeypatch):
    import indexer.highlight as module

    text = _long_text("Campaña contra el dengue.", 30000, "dengue e influenza juntos al final")
    read = []
    real = module._matches
    monkeypatch.setattr(module, "_matches", lambda t, terms, start=0, end=None, pattern=None:
                        read.append(end) or real(t, terms, start, end, pattern))
    out = str(snippet(text, highlight_terms(parse("dengue influenza"))))
    assert "<mark>dengue</mark>" in out and out.endswith("…")
    assert max(read) < module.SNIPPET_READ + module.SNIPPET_CHUNK + 100  # never the whole 200 KB


def test_snippet_never_marks_a_word_twice_across_chunks():
    text = _long_text("", 800, "") + " salud pública " * 400
    out = str(snippet(text, highlight_terms(parse('"salud pública"'))))
    assert "<mark><mark>" not in out and out.count("<mark>") == out.count("</mark>")


def test_a_phrase_starting_where_a_word_matches_is_marked_whole():
    terms = highlight_terms(parse("covid"))
    terms.add_phrase(["covid", "19"])  # as a synonym expansion adds it
    assert str(highlight("el Covid-19 y el covid siguen", terms)) == \
        "el <mark>Covid-19</mark> y el <mark>covid</mark> siguen"
