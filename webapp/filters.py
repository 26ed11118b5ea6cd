"""Jinja filters that write dates and numbers the way a Spanish reader expects."""
from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

from indexer.document import shown_path

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
          "octubre", "noviembre", "diciembre")

FIELD_NAMES = {"title": "Título", "date": "Fecha", "number": "Número", "agencies": "Agencias",
               "agency": "Agencia", "place": "Lugar", "url": "Enlace"}

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_BACKTICKS = re.compile(r"`([^`]+)`")


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def long_date(value) -> str:
    """"2023-11-30" → "30 de noviembre de 2023"."""
    day = _as_date(value)
    if day is None:
        return str(value or "")
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def month_name(value: str) -> str:
    """"2023-11" → "noviembre de 2023"."""
    try:
        year, month = (int(part) for part in str(value).split("-")[:2])
        return f"{MONTHS[month - 1]} de {year}"
    except (ValueError, IndexError):
        return str(value)


def thousands(value) -> str:
    """1234 → "1,234" (the Mexican convention)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


def milliseconds(value) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "?"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def paragraphs(html) -> list[Markup]:
    """Split the engine's escaped, highlighted text at blank lines, to render one <p> each.

    Safe because the engine's text is already escaped and its only markup, <mark>, never spans lines.
    """
    text = str(html or "").strip()
    return [Markup(part) for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def code_spans(text) -> Markup:
    """Escape a message and show its `commands` as <code>, as messages written for the CLI do."""
    return Markup(_BACKTICKS.sub(r"<code>\1</code>", str(escape(text or ""))))


def field_name(value: str) -> str:
    return FIELD_NAMES.get(value, value)


# Where the extractor found a field (`sources` of a bulletin), as a reader of the page says it.
ORIGINS = {"heading": "encabezado del documento", "first line": "primera línea", "header block": "membrete",
           "lead paragraph": "primer párrafo", "front matter": "metadatos del archivo", "file name": "nombre del archivo",
           "dateline": "lugar y fecha del inicio", "date line": "fecha del inicio", "format meta": "metadatos del archivo"}


def origin_name(value: str) -> str:
    """"header block" → "membrete"; "docx meta" → "metadatos del archivo (docx)"."""
    value = str(value or "")
    if value in ORIGINS:
        return ORIGINS[value]
    if value.endswith(" meta"):
        return f"metadatos del archivo ({value[:-5]})"
    return value


def register(app) -> None:
    app.add_template_filter(long_date, "fecha_larga")
    app.add_template_filter(month_name, "mes")
    app.add_template_filter(thousands, "miles")
    app.add_template_filter(milliseconds, "ms")
    app.add_template_filter(paragraphs, "parrafos")
    app.add_template_filter(field_name, "campo")
    app.add_template_filter(origin_name, "origen")
    app.add_template_filter(shown_path, "archivo")
    app.add_template_filter(code_spans, "codigo")
