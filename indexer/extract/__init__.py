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
from indexer.extract.agencies import Catalog, Mention, load_catalog
from indexer.extract.dates import date_from_filename, parse_date
from indexer.extract.layout import Dateline, Layout, Line, find_dateline, top_lines
from indexer.extract.numbers import find_number, number_in
from indexer.extract.place import place_from_dateline

__all__ = ["extract_metadata", "analyse", "load_catalog"]

# Share of a header paragraph's letters that agency names must cover for it to be a logo block.
LOGO_COVERAGE = 0.6
LEAD_CHARS = 600
# A lead's first sentence is where its issuer is named; agencies later in it are context.
ISSUER_WINDOW = 250


# --- layout ----------------------------------------------------------------------------

def _starts_body(lines: list[Line], index: int) -> bool:
    """Prose that opens the lead: a mostly-lowercase line whose paragraph runs on or ends a sentence."""
    line = lines[index]
    if not line.is_body:
        return False
    run = [line.text]
    for following in lines[index + 1 : index + 3]:
        if following.paragraph != line.paragraph or following.is_junk:
            break
        run.append(following.text)
    joined = " ".join(run)
    return len(joined) >= 120 or joined.rstrip().endswith((".", "!", "?", "”", '"', "»"))


def _lead_text(lines: list[Line], start: int, first: str) -> str:
    parts = [first]
    for line in lines[start + 1 :]:
        if line.paragraph != lines[start].paragraph or line.is_junk or sum(map(len, parts)) > LEAD_CHARS:
            break
        parts.append(line.text)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def analyse(text: str, header_limit: int = 45) -> Layout:
    """Find the dateline, the header lines and the lead paragraph of a bulletin's text."""
    lines = top_lines(text)
    dateline = find_dateline(lines, header_limit)
    lead_start, lead = min(len(lines), header_limit), ""
    if dateline and sum(c.isalpha() for c in dateline.rest) >= 3:
        lead_start = dateline.line
        lead = _lead_text(lines, lead_start, dateline.rest)
    else:
        begin = dateline.line + 1 if dateline else 0
        for index in range(begin, min(len(lines), header_limit)):
            if _starts_body(lines, index):
                lead_start, lead = index, _lead_text(lines, index, lines[index].text)
                break
    markers = [i for i, line in enumerate(lines[:lead_start]) if line.is_label or number_in(line.text)]
    if dateline and dateline.line < lead_start:
        markers.append(dateline.line)
    return Layout(lines, dateline, lead_start, lead, sorted(markers))


# --- agencies --------------------------------------------------------------------------

def _coverage(text: str, mentions: list[Mention]) -> float:
    letters = sum(c.isalpha() for c in text)
    covered = sum(sum(c.isalpha() for c in text[m.start : m.end]) for m in mentions)
    return covered / letters if letters else 0.0


def logo_lines(layout: Layout, catalog: Catalog) -> tuple[list[Mention], set[int]]:
    """Agencies in the header's logo block, and the header line indexes that block occupies.

    A header paragraph is a logo block when agency names cover most of it; otherwise each of
    its lines is tried alone ("Presidencia de la República" under a headline).
    """
    mentions: list[Mention] = []
    used: set[int] = set()
    header = layout.header
    paragraphs: dict[int, list[int]] = {}
    for index, line in enumerate(header):
        if not line.is_junk and index != (layout.dateline.line if layout.dateline else -1):
            paragraphs.setdefault(line.paragraph, []).append(index)
    for indexes in paragraphs.values():
        texts = [header[i].text for i in indexes]
        found = catalog.find_in_logo(texts)
        if found and _coverage("\n".join(texts), found) >= LOGO_COVERAGE:
            mentions.extend(found)
            used.update(indexes)
            continue
        for index, text in zip(indexes, texts):
            found = catalog.find_in_logo([text])
            if found and _coverage(text, found) >= LOGO_COVERAGE:
                mentions.extend(found)
                used.add(index)
    return mentions, used


# What may stand between two issuers named together: "X (XX) y la Y", "X, Y".
_JOINED = re.compile(r"\s*(?:(?:,|y|e)\s*(?:(?:el|la|los|las)\s+)?)?", re.IGNORECASE)


def lead_issuers(lead: str, catalog: Catalog) -> list[Mention]:
    """The agency the lead paragraph presents as speaking, plus any joined to it with "y" or ",".

    Only the first sentence counts, and only an agency that opens a clause ("La Secretaría de
    Salud informó", ", el IMSS...") or follows a role ("el titular de Servicios de Salud de
    Oaxaca"): "candidato a la Presidencia de la República" names no issuer.
    """
    sentence = re.split(r"(?<=[a-záéíóúñ)]{3}[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡“\"])", lead, maxsplit=1)[0]
    sentence = sentence[:ISSUER_WINDOW]
    found = catalog.find(sentence)
    for position, mention in enumerate(found):
        before = sentence[: mention.start]
        opens_clause = re.search(r"(?:^|[,;:]\s*)(?:(?:el|la|los|las)\s+)?$", before, re.IGNORECASE)
        if opens_clause or catalog.is_issuer_cue(before):
            issuers = [mention]
            for following in found[position + 1 :]:
                gap = re.sub(r"[()]", " ", sentence[issuers[-1].end : following.start])
                if not _JOINED.fullmatch(gap):
                    break
                issuers.append(following)
            return issuers
    return []


def _unique_displays(mentions: list[Mention]) -> list[str]:
    seen: list[str] = []
    for mention in mentions:
        if mention.agency.display not in seen:
            seen.append(mention.agency.display)
    return seen


# --- fields ----------------------------------------------------------------------------

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

    def is_boilerplate(self, text: str) -> bool:
        """Heading text that is a label, number, bare date or logo rather than a headline."""
        line = Line(text, 0)
        if line.is_label or line.is_junk or number_in(text):
            return True
        dateline = find_dateline([line], 1)
        if dateline and sum(c.isalpha() for c in dateline.rest) < 3:
            return True
        found = self.catalog.find_in_logo([text])
        return bool(found) and _coverage(text, found) >= LOGO_COVERAGE

    def title(self) -> None:
        for value, origin in ((self.front.get("title"), "front matter"), (self.meta.get("title"), "html meta")):
            text = _text_value(value)
            if text:
                _set(self.metadata, "title", text, origin)
                return
        heading = titles.title_from_headings(self.source.headings or [], self.is_boilerplate)
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
            _set(self.metadata, "date", date, "html meta")
            return
        from_name = date_from_filename(self.path.name)
        dateline = self.layout.dateline
        if dateline:
            date = dateline.date.date
            if from_name and date != from_name:
                date = self._reconcile(date, from_name)
            _set(self.metadata, "date", date, dateline.kind)
        elif from_name:
            _set(self.metadata, "date", from_name, "file name")
        else:
            self.metadata.warnings.append("sin fecha")

    def _reconcile(self, written: dt.date, from_name: dt.date) -> dt.date:
        """A dateline whose year alone differs from the file name's date has a typo in the
        year (common right after New Year); any other disagreement is only reported."""
        if (written.month, written.day) == (from_name.month, from_name.day):
            self.metadata.warnings.append(
                f"año del encabezado ({written.year}) corregido con el nombre del archivo ({from_name.year})"
            )
            return from_name
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
        header = [line.text for line in lines[: self.layout.lead_start]]
        if self.layout.dateline and self.layout.dateline.line == self.layout.lead_start:
            header.append(lines[self.layout.lead_start].text[: self.layout.dateline.date.end])
        found = find_number(header)
        if found:
            _set(self.metadata, "number", found[0], "header block")

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
            _set(self.metadata, "agencies", _unique_displays(self.logos), "header block")
            return
        issuers = lead_issuers(self.layout.lead, self.catalog)
        if issuers:
            _set(self.metadata, "agencies", _unique_displays(issuers), "lead paragraph")
            return
        author = _text_value(self.meta.get("author"))
        known = self.catalog.lookup(author) if author else None
        if known:
            _set(self.metadata, "agencies", [known.display], "html meta")

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
            if place:
                _set(self.metadata, "place", place, "dateline")

    def url(self) -> None:
        for mapping, origin in ((self.front, "front matter"), (self.meta, "html meta")):
            text = _text_value(mapping.get("url"))
            if text and re.match(r"https?://", text):
                _set(self.metadata, "url", text, origin)
                return


def extract_metadata(source: SourceText, path: Path | str, catalog: Catalog | None = None) -> Metadata:
    """Metadata for one bulletin. Never raises: a field that fails is left empty with a warning."""
    try:
        catalog = catalog or load_catalog()
    except ValueError as error:  # a broken catalog file: everything but agencies still works
        catalog = Catalog([])
        warning = f"catálogo de dependencias ilegible: {error}"
    else:
        warning = None
    try:
        extraction = _Extraction(source, Path(path), catalog)
    except Exception as error:  # a bug must cost one bulletin's metadata, not the whole build
        return Metadata(warnings=[f"no se pudo analizar el texto: {type(error).__name__}: {error}"])
    for field in ("title", "date", "number", "agencies", "place", "url"):
        try:
            getattr(extraction, field)()
        except Exception as error:
            extraction.metadata.warnings.append(f"error al extraer {field}: {type(error).__name__}: {error}")
    if warning:
        extraction.metadata.warnings.append(warning)
    if extraction.metadata.date is None and "sin fecha" not in extraction.metadata.warnings:
        extraction.metadata.warnings.append("sin fecha")
    return extraction.metadata
