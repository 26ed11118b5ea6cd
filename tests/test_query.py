"""The query language: parsed forgivingly, never raising."""
import datetime as dt

import pytest

from indexer.query import Phrase, Word, highlight_terms, parse, parse_day, to_whoosh


def options(parsed):
    return [[type(o).__name__ + ":" + (o.text if isinstance(o, Word) else " ".join(o.words)) for o in c.options]
            for c in parsed.clauses]


def test_words_are_required_and_stopwords_dropped():
    parsed = parse("vacunación de los niños")
    assert options(parsed) == [["Word:vacunación"], ["Word:niños"]]


def test_phrase_exclusion_or_and_prefix():
    parsed = parse('"salud pública" -dengue zika OR chikungunya vacun*')
    assert isinstance(parsed.clauses[0].options[0], Phrase)
    assert parsed.clauses[1].negated and parsed.clauses[1].options[0].text == "dengue"
    assert [o.text for o in parsed.clauses[2].options] == ["zika", "chikungunya"]
    assert parsed.clauses[3].options[0].prefix


def test_field_filters():
    parsed = parse("dengue agencia:SSO fecha:2023-11")
    assert parsed.agencies == ["SSO"]
    assert parsed.date_from == dt.date(2023, 11, 1) and parsed.date_to == dt.date(2023, 11, 30)
    ranged = parse("fecha:2018-04..2018-06-15 meade")
    assert ranged.date_from == dt.date(2018, 4, 1) and ranged.date_to == dt.date(2018, 6, 15)
    assert options(ranged) == [["Word:meade"]]


@pytest.mark.parametrize("text", [
    '"unclosed phrase', "OR", "dengue OR", "-", "*", "fecha:nunca", "agencia:", "((()))", ':::', '""',
    "a" * 10_000, "foo:bar baz", "- - OR OR -x", "\x00\x01",
])
def test_malformed_queries_never_raise(text):
    parsed = parse(text)
    to_whoosh(parsed)  # builds a query without error


def test_unclosed_quote_degrades_to_words():
    assert options(parse('"salud publica')) == [["Word:salud"], ["Word:publica"]]


def test_unknown_field_is_plain_words():
    assert options(parse("foo:bar")) == [["Word:foo"], ["Word:bar"]]


def test_parse_day_validates():
    assert parse_day("2024") == dt.date(2024, 1, 1)
    assert parse_day("2024", end=True) == dt.date(2024, 12, 31)
    assert parse_day("2023-02-31") is None
    assert parse_day("30/11/2023") == dt.date(2023, 11, 30)


def test_highlight_terms_match_inflections_and_accents():
    terms = highlight_terms(parse("vacunacion ninos"))
    assert terms.matches("vacunación") and terms.matches("Niñas") and not terms.matches("salud")
