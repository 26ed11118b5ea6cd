"""Which agencies issued a bulletin: its logo block, else the subject of its lead paragraph.

An agency merely mentioned in the body is context, not an issuer. The catalog (agencies.py)
says what the names are; this module says where in a bulletin an issuer's name stands.
"""
from __future__ import annotations

import re

from indexer.extract.agencies import Catalog, Mention
from indexer.extract.layout import Layout

# Share of a header paragraph's letters that agency names must cover for it to be a logo block.
LOGO_COVERAGE = 0.6
# A lead's first sentence is where its issuer is named; agencies later in it are context.
ISSUER_WINDOW = 250


def _coverage(text: str, mentions: list[Mention]) -> float:
    letters = sum(c.isalpha() for c in text)
    covered = sum(sum(c.isalpha() for c in text[m.start : m.end]) for m in mentions)
    return covered / letters if letters else 0.0


# A line opening with one of these words, or following a line that ends with one, continues
# the line above: "...SEÑALÓ EL ASPIRANTE A LA / PRESIDENCIA DE LA REPÚBLICA".
_JOINING_WORDS = r"(?:de|del|la|las|el|los|lo|y|e|o|u|a|al|en|con|por|para|que|sin|sobre|entre|ante|como)"
_OPENS_WITH_JOIN = re.compile(rf"^{_JOINING_WORDS}\b", re.IGNORECASE)
_ENDS_WITH_JOIN = re.compile(rf"\s{_JOINING_WORDS}$", re.IGNORECASE)


def _continues(previous: str, line: str) -> bool:
    return bool(_OPENS_WITH_JOIN.match(line) or _ENDS_WITH_JOIN.search(previous))


def _logo_mentions(texts: list[str], catalog: Catalog) -> list[Mention]:
    """The agencies of lines that together form a logo block, or [] when they are not one."""
    found = catalog.find_in_logo(texts)
    return found if found and _coverage("\n".join(texts), found) >= LOGO_COVERAGE else []


def is_logo(text: str, catalog: Catalog) -> bool:
    """Whether a line is nothing but agency names ("SALUD", "Presidencia de la República")."""
    return bool(_logo_mentions([text], catalog))


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
        if not (line.is_junk or line.is_bullet) and index != (layout.dateline.line if layout.dateline else -1):
            paragraphs.setdefault(line.paragraph, []).append(index)
    for indexes in paragraphs.values():
        texts = [header[i].text for i in indexes]
        found = _logo_mentions(texts, catalog)
        if found:
            mentions.extend(found)
            used.update(indexes)
            continue
        for position, (index, text) in enumerate(zip(indexes, texts)):
            if position and _continues(texts[position - 1], text):
                continue  # the wrapped end of a headline or summary, not a logo line
            found = _logo_mentions([text], catalog)
            mentions.extend(found)
            used.update([index] if found else [])
    return mentions, used


# What may stand between two issuers named together: "X (XX) y la Y", "X, Y".
_JOINED = re.compile(r"\s*(?:(?:,|y|e)\s*(?:(?:el|la|los|las)\s+)?)?", re.IGNORECASE)
# Subject position: the sentence's first words, or an article after a clause break.
_OPENS_CLAUSE = re.compile(r"(?:^\s*(?:(?:el|la|los|las)\s+)?|[,;:]\s*(?:el|la|los|las)\s+)$", re.IGNORECASE)


def lead_issuers(lead: str, catalog: Catalog) -> list[Mention]:
    """The agency the lead paragraph presents as speaking, plus any joined to it with "y" or ",".

    Only the first sentence counts, and only an agency that opens it ("La Secretaría de Salud
    informó"), opens a clause with an article (", el IMSS..."), or follows a role ("el titular
    de Servicios de Salud de Oaxaca"). Agencies in an enumeration or after other words
    ("candidato a la Presidencia de la República", "estancias del IMSS, ISSSTE") are context.
    """
    sentence = re.split(r"(?<=[a-záéíóúñ)]{3}[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡“\"])", lead, maxsplit=1)[0]
    sentence = sentence[:ISSUER_WINDOW]
    found = catalog.find(sentence)
    joined = lambda a, b: bool(_JOINED.fullmatch(re.sub(r"[()]", " ", sentence[a.end : b.start])))
    for position, mention in enumerate(found):
        if position and joined(found[position - 1], mention):
            continue  # listed after an agency that was not the issuer
        before = sentence[: mention.start]
        if _OPENS_CLAUSE.search(before) or catalog.is_issuer_cue(before):
            issuers = [mention]
            for following in found[position + 1 :]:
                if not joined(issuers[-1], following):
                    break
                issuers.append(following)
            return issuers
    return []


def unique_displays(mentions: list[Mention]) -> list[str]:
    seen: list[str] = []
    for mention in mentions:
        if mention.agency.display not in seen:
            seen.append(mention.agency.display)
    return seen
