"""Spanish analysis: folding, plurals, stems, compounds, acronyms, stopwords."""
import pickle

import pytest

from indexer.analysis import (bulletin_analyzer, exact_analyzer, fold, fold_keep_enye, index_term,
                              singular, stem, stopwords)


def terms(text, analyzer=None):
    return [t.text for t in (analyzer or bulletin_analyzer())(text)]


def test_fold_strips_accents_and_case():
    assert fold("VACUNACIÓN") == "vacunacion"
    assert fold("Niñas") == "ninas"
    assert fold_keep_enye("Niñas") == "niñas"
    assert fold_keep_enye("Pública") == "publica"


def test_decomposed_input_is_handled_like_composed():
    nfd = "vacunacio\u0301n nin\u0303os"
    assert terms(nfd) == terms("vacunación niños")


@pytest.mark.parametrize("singular_form, plural_form", [
    ("enfermedad", "enfermedades"), ("ciudad", "ciudades"), ("año", "años"), ("niño", "niños"),
    ("país", "países"), ("mes", "meses"), ("clase", "clases"), ("luz", "luces"), ("mujer", "mujeres"),
    ("madre", "madres"), ("acción", "acciones"), ("viaje", "viajes"), ("ley", "leyes"),
    ("interés", "intereses"), ("hospital", "hospitales"), ("presidente", "presidentes"),
])
def test_singular_and_plural_meet(singular_form, plural_form):
    assert index_term(singular_form) == index_term(plural_form)


def test_invariant_words_are_left_alone():
    assert singular("crisis") == "crisis"
    assert singular("analisis") == "analisis"
    assert singular("lunes") == "lunes"


def test_folding_happens_before_stemming():
    assert index_term("vacunación") == index_term("vacunacion") == stem("vacunacion")


def test_compounds_are_findable_whole_and_by_parts():
    out = terms("IMSS-Bienestar, COVID-19 y el boletín 599/2023")
    for term in ("imss-bienestar", "imss", "covid-19", "covid", "19", "599/2023", "599", "2023"):
        assert term in out


def test_compound_parts_keep_consecutive_positions():
    tokens = [(t.text, t.pos) for t in bulletin_analyzer()("el IMSS-Bienestar opera", positions=True)]
    positions = dict(tokens)
    assert positions["imss"] == positions["imss-bienestar"]
    assert positions["bienest"] == positions["imss"] + 1


def test_acronyms_are_not_stemmed_and_not_stopped():
    out = terms("informó la SE y CENSIDA con SEDENA y CONAPO")
    assert "se" in out  # Secretaría de Economía, not the pronoun
    for acronym in ("censida", "sedena", "conapo"):
        assert acronym in out
    assert "se" not in terms("se informó")  # the pronoun is a stopword


def test_all_caps_headlines_are_stemmed_like_prose():
    assert terms("ASEGURA AMLO QUE EN CAMPAÑA TODO SERÁ") == terms("asegura amlo que en campaña todo será")


def test_estado_is_not_a_stopword():
    assert "estado" not in stopwords()
    assert index_term("estado") in terms("el Estado de México")


def test_exact_field_keeps_enye_and_form():
    out = terms("año ano Niños vacunación", exact_analyzer())
    assert out == ["año", "ano", "niños", "vacunacion"]


def test_analyzer_pickles_for_whoosh():
    analyzer = pickle.loads(pickle.dumps(bulletin_analyzer()))
    assert terms("enfermedades", analyzer) == ["enfermed"]


_MIXED = (
    "BOLETÍN No. 599/2023. El IMSS-Bienestar y la SE informaron que 3.5 millones de niñas y niños "
    "recibieron vacunas COVID-19 en 1,200 unidades. ASEGURA AMLO QUE TODO SERÁ PAZ. La CENSIDA, "
    "el año y el ano; vacunacio\u0301n decompuesta; a_b guion-bajo y/o Estado de México. "
    "SE dijo que SE. Las enfermedades, las enfermedades."
)


@pytest.mark.parametrize("analyzer", [bulletin_analyzer(), exact_analyzer()], ids=["stemmed", "exact"])
def test_one_pass_indexing_equals_the_filter_chain(analyzer):
    expected = {}
    for token in analyzer(_MIXED, positions=True, mode="index"):
        expected.setdefault(token.text, []).append(token.pos)
    assert analyzer.term_positions(_MIXED) == expected
    assert analyzer.term_positions(_MIXED) == expected  # and again, from the word cache


def test_index_postings_come_from_the_one_pass_path(monkeypatch):
    from indexer.analysis import SpanishAnalyzer
    from indexer.schema import bulletin_schema

    def no_chain(self, *args, **kwargs):
        raise AssertionError("the token chain ran at index time")

    monkeypatch.setattr(SpanishAnalyzer, "__call__", no_chain)
    body = bulletin_schema()["body"]
    postings = {term: freq for term, freq, _, _ in body.index("Las vacunas y la vacuna del IMSS-Bienestar")}
    assert postings == {b"vacun": 2, b"imss-bienestar": 1, b"imss": 1, b"bienest": 1}
