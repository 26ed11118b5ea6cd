"""The city a bulletin was issued from, taken from its dateline."""
from __future__ import annotations

import re

# Spanish words kept lowercase inside a place name: "Oaxaca de Juárez", "Lagos de Moreno".
PARTICLES = {"de", "del", "la", "las", "los", "el", "y", "e", "en", "a"}


def title_case(words: str) -> str:
    """ALL-CAPS place names in the case people write them: "SAN PEDRO DE LAS COLONIAS" →
    "San Pedro de las Colonias"."""
    out = []
    for i, word in enumerate(words.lower().split()):
        if i and word in PARTICLES:
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(out)


def place_from_dateline(written: str) -> str | None:
    """The city in a dateline's place part: "Oaxaca de Juárez, Oax." → "Oaxaca de Juárez",
    "EN PIEDRAS NEGRAS, COAHUILA" → "Piedras Negras"."""
    city = re.split(r"[,;]", written, maxsplit=1)[0].strip(" .-–—")
    city = re.sub(r"^(?:en|desde)\s+", "", city, flags=re.IGNORECASE)
    if not any(c.isalpha() for c in city):
        return None
    # A capital left alone by PDF extraction belongs to the word before it ("MADRI D"), unless
    # it is one of Spanish's one-letter words (a, e, o, u, y).
    city = re.sub(r"(?<=[A-ZÁÉÍÓÚÑ]{3}) (?=[B-DF-NP-TV-XZÑ](?:\s|$))", "", city)
    letters = [c for c in city if c.isalpha()]
    if all(c.isupper() for c in letters):
        city = title_case(city)
    return city
