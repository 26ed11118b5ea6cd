"""The Whoosh schema: what a bulletin looks like to the index."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import bulletin_analyzer, exact_analyzer

# Raise when the schema or the analysis changes in a way that needs a full rebuild.
SCHEMA_VERSION = 1


def bulletin_schema() -> Schema:
    """One document per bulletin (near-duplicate files share one document, listed in `paths`).

    `title`/`body` are stemmed and folded for recall; `exact` keeps the unstemmed, ñ-aware forms of
    both so that the form the person typed can rank first. `date` is an int YYYYMMDD (sortable,
    range-filterable); `year` (2023) and `month` (202311) are sortable columns the facet counter reads
    straight into memory.
    """
    analyzer = bulletin_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        paths=STORED(),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        body=TEXT(analyzer=analyzer, stored=True, phrase=True),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        date=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        year=NUMERIC(int, bits=32, sortable=True, signed=False),
        month=NUMERIC(int, bits=32, sortable=True, signed=False),
        agency=KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        number=ID(stored=True),
        place=STORED(),
        meta=STORED(),
    )
