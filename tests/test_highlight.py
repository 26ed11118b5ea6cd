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
    assert "<mark>599</mark>/<mark>2023</mark>" in html and "<mark>COVID</mark>-<mark>19</mark>" in html


def test_words_starting_with_an_accented_capital_are_marked():
    """The candidate regex skips ahead by first letter; accented and capital first letters count."""
    terms = highlight_terms(parse("epoca unico luz"))
    html = str(highlight("ÉPOCA de lluvias. Época única; Únicos. Las luces y la Luz.", terms))
    assert html.count("<mark>") == 6
    for word in ("ÉPOCA", "Época", "única", "Únicos", "luces", "Luz"):
        assert f"<mark>{word}</mark>" in html
