"""Synonyms and agency acronyms, read from data files people can edit.

`data/synonyms.toml` lists groups of equivalent words and phrases (covid-19 / coronavirus /
sars-cov-2); the agency catalog (`data/agencies.toml`) gives each agency's acronyms, name and
aliases, so "ssa" also finds "Secretaría de Salud". Matching is by the analyzer's stem, so a
typed inflection ("muertes", "vacunaciones") finds its group too.
"""
from __future__ import annotations

import functools
import tomllib
from importlib import resources

from .analysis import fold, index_term, word_spans
from .extract.agencies import load_catalog

MIN_ACRONYM = 3  # shorter acronyms (SE, GN) are ordinary words in lowercase
AGENCY_FORMS = 3  # name and aliases searched per acronym: bounds the query


def _words(form: str) -> tuple[str, ...]:
    return tuple(w for _, _, w in word_spans(form))


def _key(words: tuple[str, ...]) -> str:
    return " ".join(index_term(w) for w in words)


@functools.lru_cache(maxsize=1)
def synonym_groups() -> list[list[tuple[str, ...]]]:
    """The groups of `data/synonyms.toml`, each form as its words."""
    text = resources.files("indexer.data").joinpath("synonyms.toml").read_text(encoding="utf-8")
    groups = []
    for group in tomllib.loads(text).get("groups", []):
        forms = [_words(str(form)) for form in group if str(form).strip()]
        forms = [f for f in forms if f]
        if len(forms) > 1:
            groups.append(forms)
    return groups


@functools.lru_cache(maxsize=1)
def _synonym_table() -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for forms in synonym_groups():
        for form in forms:
            if len(form) == 1:
                mine = _key(form)
                others = [f for f in forms if _key(f) != mine]
                table.setdefault(mine, []).extend(o for o in others if o not in table.get(mine, []))
    return table


def synonyms(word: str) -> list[tuple[str, ...]]:
    """The other forms of the word's synonym groups (each as its words), or []."""
    return list(_synonym_table().get(index_term(word), []))


def _agency_table(catalog) -> dict[str, list[tuple[str, ...]]]:
    table: dict[str, list[tuple[str, ...]]] = {}
    for agency in catalog:
        # an alias holding the name ("Secretaría de Salud Federal") finds nothing the name does not
        aliases = [a for a in agency.aliases if fold(agency.name) not in fold(a)]
        names = [_words(n) for n in (agency.name, *aliases)][:AGENCY_FORMS]
        for acronym in agency.acronyms:
            if len(acronym) < MIN_ACRONYM:
                continue
            others = [(a,) for a in agency.acronyms if a != acronym and len(a) >= MIN_ACRONYM]
            table.setdefault(fold(acronym), []).extend(f for f in names + others if f)
    return table


_agency_tables: dict[int, dict] = {}


def _agency_table_of(catalog) -> dict[str, list[tuple[str, ...]]]:
    """The table of this catalog object (`load_catalog` returns the same one until the file changes)."""
    table = _agency_tables.get(id(catalog))
    if table is None:
        _agency_tables.clear()
        table = _agency_tables[id(catalog)] = _agency_table(catalog)
    return table


def agency_forms(word: str) -> list[tuple[str, ...]]:
    """When the word is an agency's acronym (in any case): its name, aliases and other acronyms."""
    try:
        catalog = load_catalog()
    except ValueError:  # a broken catalog is reported by the indexer; searching goes on without it
        return []
    return list(_agency_table_of(catalog).get(fold(word), []))
