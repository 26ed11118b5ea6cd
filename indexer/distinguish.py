"""A line that tells apart bulletins sharing a title.

Hundreds of transcripts are titled "Versión estenográfica. Conferencia de prensa. Informe diario…"
and dozens "Buenos días.": in a result list they look the same. For such a bulletin the page
shows, under the unchanged title, who speaks first (when the transcript names a speaker) and the
first informative sentence: not a greeting, not the time of day, long enough to say something.
"""
from __future__ import annotations

import re

from . import postings
from .analysis import bulletin_analyzer

MIN_WORDS = 8  # a shorter sentence rarely says what the bulletin is about
MAX_CHARS = 150
_HEAD_CHARS = 800  # the header (title, agency, date, "---") sits within this
_SENTENCE = re.compile(r"[^.!?¡¿\n]+[.!?]?")
_UNINFORMATIVE = re.compile(
    r"^(muy\s+)?(buen[oa]s?\s+(d[ií]as?|tardes?|noches?)|hola|gracias|muchas gracias|son las|hoy es|"
    r"amigas|amigos|señoras|se[ñn]ores|bienvenid|ánimo|animo|bueno)\b", re.IGNORECASE)


def shared_title_count(searcher, docnum: int, title: str, remember=None) -> int:
    """How many bulletins have this bulletin's title, as the index sees it: the title's words in the
    same places (a phrase over the title field) and a title just as long.

    `remember(key, compute)`: an optional per-generation cache.
    """
    by_position: dict[int, str] = {}
    for term, places in bulletin_analyzer().term_positions(title or "").items():
        for place in places:  # a compound and its first part share a place: keep the part
            if place not in by_position or len(term) < len(by_position[place]):
                by_position[place] = term
    if not by_position:
        return 0
    places = sorted(by_position)
    words = [by_position[p] for p in places]
    slop = max([b - a for a, b in zip(places, places[1:])], default=1)
    reader = searcher.reader()
    length = reader.doc_field_length(docnum, "title", 0)

    def compute() -> int:
        docs = postings.phrase_docs(reader, "title", words, slop) if len(words) > 1 else None
        if docs is None:
            docs = list(reader.postings("title", words[0]).all_ids()) if ("title", words[0]) in reader else []
        return sum(1 for d in docs if reader.doc_field_length(d, "title", 0) == length)

    key = ("same-title", tuple(words), slop, length)
    return remember(key, compute) if remember else compute()


def distinguishing_line(body: str, title: str) -> str | None:
    """Who speaks first and the first informative sentence after the header, or None."""
    text = body or ""
    head = text[:_HEAD_CHARS]
    cut = head.find("\n---")
    if cut >= 0:
        text = text[cut + 4:]
    elif title and text.startswith(title):
        text = text[len(title):]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    speaker = None
    if lines and lines[0].isupper() and len(lines[0]) < 120:
        speaker = _speaker(lines.pop(0))
    sentence = None
    for line in lines[:20]:
        for match in _SENTENCE.finditer(line):
            candidate = match.group(0).strip()
            if len(candidate.split()) >= MIN_WORDS and not _UNINFORMATIVE.match(candidate) and "|" not in candidate \
                    and candidate.rstrip(".") != (title or "").rstrip("."):
                sentence = candidate
                break
        if sentence:
            break
    if not sentence:
        return None
    if len(sentence) > MAX_CHARS:
        sentence = sentence[:MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{speaker}: «{sentence}»" if speaker else sentence


def _speaker(line: str) -> str:
    """"HUGO LÓPEZ-GATELL RAMÍREZ, SUBSECRETARIO DE…" → "Hugo López-Gatell Ramírez"."""
    name = line.split(",")[0].strip().title()
    for word in ("De", "Del", "La", "Las", "Los", "Y"):
        name = name.replace(f" {word} ", f" {word.lower()} ")
    return name
