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
