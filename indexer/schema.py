"""The Whoosh schema: what a bulletin looks like to the index."""
from __future__ import annotations

import functools
import hashlib
from importlib import resources

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import SpanishFrequency, SpanishPositions, bulletin_analyzer, exact_analyzer

# Raise when the schema changes in a way that needs a full rebuild (analysis changes are detected).
SCHEMA_VERSION = 2  # 2: duplicate sketches carry the date and number (never merge different days)

# Words that exercise every analysis step; if any of them analyzes differently, the index is stale.
_PROBE = (
    "Las enfermedades y la enfermedad; ciudades, años, año, niñas y niños, países, meses, luces, leyes, "
    "pirámides, mujeres, madres, acciones, viajes, crisis, análisis. La vacunación pública y la publicidad. "
    "El IMSS-Bienestar, COVID-19, No. 599/2023, 3.5 millones. La SE, CENSIDA, SEDENA y CONAPO informaron; "
    "ASEGURA AMLO QUE EN CAMPAÑA TODO SERÁ AMOR Y PAZ. Se dijo que el Estado de México no está de acuerdo."
)


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
        title=_text(analyzer, stored=True, phrase=True),
        body=_text(analyzer, stored=True, phrase=True),
        exact=_text(exact_analyzer(), phrase=False),
        date=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        year=NUMERIC(int, bits=32, sortable=True, signed=False),
        month=NUMERIC(int, bits=32, sortable=True, signed=False),
        agency=KEYWORD(stored=True, commas=True, scorable=False, lowercase=False),
        number=ID(stored=True),
        place=STORED(),
        meta=STORED(),
    )


def _text(analyzer, phrase: bool, **options) -> TEXT:
    """A TEXT field whose postings come from the analyzer's one-pass `term_positions`."""
    field = TEXT(analyzer=analyzer, phrase=phrase, **options)
    fast = SpanishPositions if phrase else SpanishFrequency
    field.format = fast(field_boost=field.format.field_boost)
    return field


@functools.lru_cache(maxsize=None)
def analysis_fingerprint() -> str:
    """A digest of how text is analyzed now (probe terms plus the word lists), stored with each index
    so a build made with different analysis code or data is rebuilt instead of silently mismatching."""
    digest = hashlib.sha1(str(SCHEMA_VERSION).encode())
    for analyzer in (bulletin_analyzer(), exact_analyzer()):
        digest.update("\x1f".join(t.text for t in analyzer(_PROBE)).encode("utf-8"))
        digest.update(repr(sorted(analyzer.term_positions(_PROBE).items())).encode("utf-8"))
    data = resources.files("indexer.data")
    for name in sorted(item.name for item in data.iterdir() if item.name.endswith(".txt")):
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]
