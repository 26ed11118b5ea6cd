"""Extract stage: bulletin metadata (title, date, number, agencies, place, url) from a `SourceText`.

Structured metadata wins over reading the prose: front matter, then the format's own metadata
(`meta`: HTML <meta>, docx properties), then the bulletin's header (headline, number, logo
block, dateline, lead paragraph), then the file name. Every field records where it came from
in `Metadata.sources`, and nothing here raises: a field that cannot be found stays empty
(a missing date adds the warning "sin fecha").
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from indexer.document import Metadata, SourceText
from indexer.extract import title as titles
from indexer.extract.agencies import Catalog, load_catalog
from indexer.extract.dates import best_reading, filename_dates, find_dates, make_date, month_number, parse_date
from indexer.extract.issuers import is_logo, lead_issuers, logo_lines, unique_displays
from indexer.extract.layout import Dateline, Line, analyse, find_dateline, top_lines
from indexer.extract.numbers import contradicted_by_name, find_number, number_in
from indexer.extract.place import place_from_dateline

__all__ = ["extract_metadata", "analyse", "load_catalog"]

# Digits in a file name further than this from the dateline's date are an id, not a date.
NAME_DATE_SPAN = dt.timedelta(days=366)
# A dateline this much older than the file name's date is not the issue date.
STALE_DATELINE = dt.timedelta(days=14)
# Where a closing dateline may stand: the last lines of the text.
CLOSING_CHARS, CLOSING_LINES = 2_000, 12
# Dates written this far into the text settle how a file name's six digits read.
TEXT_DATES_CHARS = 20_000

def _lower_keys(mapping: object) -> dict:
    if not isinstance(mapping, dict):
        return {}
    return {str(k).strip().lower(): v for k, v in mapping.items()}


def _text_value(value: object) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = re.sub(r"\s+", " ", str(value)).strip()
        return text or None
    return None


def _set(metadata: Metadata, name: str, value: object, origin: str) -> None:
    setattr(metadata, name, value)
    metadata.sources[name] = origin


class _Extraction:
    """One bulletin's extraction: shared analysis computed once, one method per field."""

    def __init__(self, source: SourceText, path: Path, catalog: Catalog):
        self.source = source
        self.path = path
        self.catalog = catalog
        self.front = _lower_keys(source.front_matter)
        self.meta = _lower_keys(source.meta)
        self.layout = analyse(source.text or "")
        self.logos, self.logo_indexes = logo_lines(self.layout, catalog)
        self.metadata = Metadata()
        # Where `meta` came from, as field origins name it: "html meta", "docx meta"...
        self.meta_origin = f"{source.format or 'format'} meta"

    def is_boilerplate(self, text: str) -> bool:
        """Heading text that is a label, number, bare date or logo rather than a headline."""
        line = Line(text, 0)
        if line.is_label or line.is_junk or number_in(text):
            return True
        dateline = find_dateline([line], 1)
        if dateline and not dateline.opens_lead:
            return True
        return is_logo(text, self.catalog)

    def _slogans(self) -> set[str]:
        """Header lines above the bulletin's number or label ("Juntos haremos historia" over
        "Boletín campaña-008"): a slogan, however large its font."""
        lines = self.layout.header
        first = next((i for i, line in enumerate(lines) if line.is_label or number_in(line.text)), None)
        return {line.text for line in lines[:first]} if first else set()

    def title(self) -> None:
        for value, origin in ((self.front.get("title"), "front matter"), (self.meta.get("title"), self.meta_origin)):
            text = _text_value(value)
            if text:
                _set(self.metadata, "title", text, origin)
                return
        slogans = self._slogans()
        heading = titles.title_from_headings(
            self.source.headings or [], lambda text: self.is_boilerplate(text) or " ".join(text.split()) in slogans
        )
        if heading:
            _set(self.metadata, "title", heading, "heading")
            return
        skip = set(self.logo_indexes) | set(self.layout.markers)
        found = titles.title_from_layout(self.layout, skip)
        if found:
            _set(self.metadata, "title", *found)
        elif self.layout.lead:
            first = re.split(r"(?<=[.!?])\s", self.layout.lead, maxsplit=1)[0]
            _set(self.metadata, "title", first[: titles.MAX_TITLE_CHARS], "lead paragraph")
        else:
            self.metadata.warnings.append("sin título")

    def date(self) -> None:
        for key in ("date", "fecha"):
            date = parse_date(self.front.get(key))
            if date:
                _set(self.metadata, "date", date, "front matter")
                return
        date = parse_date(self.meta.get("date"))
        if date:
            _set(self.metadata, "date", date, self.meta_origin)
            return
        from_name = self._name_date()
        dateline = self.layout.dateline
        if dateline:
            date = dateline.date.date
            if from_name and date != from_name:
                date = self._reconcile(date, from_name)
            _set(self.metadata, "date", date, dateline.kind)
        elif from_name:
            _set(self.metadata, "date", from_name, "file name")
        else:
            closing = self._closing_dateline()
            if closing:
                _set(self.metadata, "date", closing, "closing dateline")
            else:
                filed = self._filed_date()
                if filed:
                    _set(self.metadata, "date", filed, "folders and file name")

    def _filed_date(self) -> dt.date | None:
        """Year and month from the folders ("2023/agosto"), day from the name ("15--...")."""
        parts = [part.lower() for part in self.path.parent.parts[-3:]]
        years = [int(part) for part in parts if re.fullmatch(r"(?:19|20)\d{2}", part)]
        months = [month_number(part) for part in parts if part.isalpha() and month_number(part)]
        day = re.match(r"([0-3]?\d)(?!\d)", self.path.name)
        if not (years and months and day):
            return None
        date = make_date(years[-1], months[-1], int(day.group(1)))
        return date if date and date <= dt.date.today() else None

    def _closing_dateline(self) -> dt.date | None:
        """A "<place>, <date>" line among the last lines: letters and reports often sign there."""
        tail = self.source.text[-CLOSING_CHARS:]
        lines = top_lines(tail)[-CLOSING_LINES:]
        found = find_dateline(lines, len(lines), with_place=True)
        return found.date.date if found else None

    def _name_date(self) -> dt.date | None:
        """The file name's date; when its digits read two ways, the reading the text supports."""
        readings = filename_dates(self.path.name)
        if len(readings) < 2:
            return next(iter(readings), None)
        written = [found.date for found in find_dates(self.source.text[:TEXT_DATES_CHARS])]
        return best_reading(readings, written, list(self.path.parent.parts[-3:]))

    def _folders_date(self, date: dt.date) -> bool:
        """Whether the folders file the bulletin under this date's year and month ("2021/agosto")."""
        parts = [part.lower() for part in self.path.parent.parts[-3:]]
        return str(date.year) in parts and any(month_number(part) == date.month for part in parts if part.isalpha())

    def _reconcile(self, written: dt.date, from_name: dt.date) -> dt.date:
        """Settle a dateline that disagrees with the file name's date.

        When only the year differs, one of them is a typo, and the usual typo is a stale year
        (last year's habit, a reused template): the later year wins. A dateline weeks older
        than the name is a reused template or the lead recalling an earlier day, unless the
        folders file the bulletin under the dateline's month. Any other disagreement is
        reported (when the two are close enough for the name to hold a date at all) and the
        dateline kept, since the text is what the issuer signed.
        """
        if (written.month, written.day) == (from_name.month, from_name.day):
            later = max(written, from_name)
            self.metadata.warnings.append(
                f"año del encabezado ({written.year}) y del nombre del archivo ({from_name.year}) "
                f"difieren; se toma {later.year}"
            )
            return later
        if STALE_DATELINE < from_name - written <= NAME_DATE_SPAN and not self._folders_date(written):
            self.metadata.warnings.append(
                f"la fecha del encabezado ({written.isoformat()}) es anterior a la del nombre del "
                f"archivo ({from_name.isoformat()}); se toma la del nombre"
            )
            return from_name
        if abs(written - from_name) <= NAME_DATE_SPAN:  # further apart, the "date" is an id
            self.metadata.warnings.append(
                f"la fecha del encabezado ({written.isoformat()}) no coincide con la del nombre "
                f"del archivo ({from_name.isoformat()})"
            )
        return written

    def number(self) -> None:
        for key in ("number", "numero", "número"):
            text = _text_value(self.front.get(key))
            if text:
                _set(self.metadata, "number", text, "front matter")
                return
        lines = self.layout.lines
        header = [line.text for line in self.layout.header]
        if self.layout.dateline and self.layout.dateline.line == self.layout.lead_start:
            header.append(lines[self.layout.lead_start].text[: self.layout.dateline.date.end])
        number = find_number(header)
        if not number:
            return
        if contradicted_by_name(number, self.path.stem):
            # A reused template keeps an old number; with two candidates, claim neither.
            self.metadata.warnings.append(f"el número del encabezado ({number}) no coincide con el nombre del archivo")
            return
        _set(self.metadata, "number", number, "header block")

    def agencies(self) -> None:
        given = self.front.get("agencies", self.front.get("agency"))
        if isinstance(given, str):
            given = [given]
        if isinstance(given, list):
            names = []
            for value in given:
                text = _text_value(value)
                if text:
                    known = self.catalog.lookup(text)
                    names.append(known.display if known else text)
            if names:
                _set(self.metadata, "agencies", list(dict.fromkeys(names)), "front matter")
                return
        if self.logos:
            _set(self.metadata, "agencies", unique_displays(self.logos), "header block")
            return
        headers = self.meta.get("running_headers")
        if isinstance(headers, list):  # a PDF's running header names its issuer on every page
            found = self.catalog.find_in_logo([text for text in headers if isinstance(text, str)])
            if found:
                _set(self.metadata, "agencies", unique_displays(found), "running header")
                return
        issuers = lead_issuers(self.layout.lead, self.catalog)
        if issuers:
            _set(self.metadata, "agencies", unique_displays(issuers), "lead paragraph")
            return
        author = _text_value(self.meta.get("author"))
        known = self.catalog.lookup(author) if author else None
        if known:
            _set(self.metadata, "agencies", [known.display], self.meta_origin)

    def place(self) -> None:
        for key in ("place", "lugar"):
            text = _text_value(self.front.get(key))
            if text:
                _set(self.metadata, "place", text, "front matter")
                return
        limit = self.layout.lead_start + 1
        dateline: Dateline | None = find_dateline(self.layout.lines, limit, with_place=True)
        if dateline:
            place = place_from_dateline(dateline.place)
            if place and not self.catalog.lookup(place):  # "SECRETARÍA DE SALUD, 5 de mayo" names no place
                _set(self.metadata, "place", place, "dateline")

    def url(self) -> None:
        for mapping, origin in ((self.front, "front matter"), (self.meta, self.meta_origin)):
            text = _text_value(mapping.get("url"))
            if text and re.match(r"https?://", text):
                _set(self.metadata, "url", text, origin)
                return


def extract_metadata(source: SourceText, path: Path | str, catalog: Catalog | None = None) -> Metadata:
    """Metadata for one bulletin. Never raises: a field that fails is left empty with a warning.

    `catalog` defaults to `load_catalog()` (the packaged file or $BOLETINES_AGENCIES).
    """
    warnings = []
    if catalog is None:
        try:
            catalog = load_catalog()
        except ValueError as error:  # a broken catalog file: everything but agencies still works
            catalog = Catalog([])
            warnings.append(f"catálogo de dependencias ilegible: {error}")
    try:
        extraction = _Extraction(source, Path(path), catalog)
    except Exception as error:  # a bug must cost one bulletin's metadata, not the whole build
        metadata = Metadata(warnings=[f"no se pudo analizar el texto: {type(error).__name__}: {error}"])
    else:
        metadata = extraction.metadata
        for field in ("title", "date", "number", "agencies", "place", "url"):
            try:
                getattr(extraction, field)()
            except Exception as error:
                metadata.warnings.append(f"error al extraer {field}: {type(error).__name__}: {error}")
    metadata.warnings.extend(warnings)
    if metadata.date is None:
        metadata.warnings.append("sin fecha")
    return metadata
