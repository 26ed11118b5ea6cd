"""Compounds typed another way: joined (`covid19`, `IMSSBienestar`, `#SaludMental`) or split
(`sars cov 2`, `corona virus`, `lopez gatell`), searched as the bulletins write them.

People type hashtags, leave out hyphens on a phone, or split a word they are unsure of. Only the
index can tell which writing is the usual one, so each rewrite is made only when the bulletins use
the other writing clearly more. Split words stay a way to match (a compound is searched whole and as
its parts in a row); a joined word the bulletins write apart ten times more often gives way to that.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .analysis import fold_keep_enye
from .query import Clause, ParsedQuery, Phrase, Word

# A split word is rejoined when the joined writing is in at least this share of the bulletins that have the
# rarer of its parts (lopez-gatell / gatell ≈ 1, coronavirus / corona ≫ 1; medioambiente / ambiente ≪ 1).
JOIN_SHARE = 0.5
# A joined word is split when the bulletins write it apart this many times more often (covid-19 1,430 / covid19 9).
SPLIT_RATIO = 10
MAX_JOINED = 3  # words joined at most ("sars cov 2")
_PIECES = re.compile(r"[A-ZÁÉÍÓÚÑ]+(?![a-záéíóúüñ])|[A-ZÁÉÍÓÚÑ]?[a-záéíóúüñ]+|\d+")


def respell(reader, parsed: ParsedQuery) -> ParsedQuery:
    """`parsed` with joined and split compounds also searched as the bulletins write them."""
    clauses = [split for c in parsed.clauses for split in _split(reader, c)]
    out: list[Clause] = []
    i = 0
    while i < len(clauses):
        joined = _join(reader, clauses, i)
        if joined is None:
            out.append(clauses[i])
            i += 1
        else:
            clause, used = joined
            out.append(clause)
            i += used
    return replace(parsed, clauses=out)


def _docs(reader, word: str) -> int:
    return reader.doc_frequency("exact", fold_keep_enye(word))


def _plain(clause: Clause) -> Word | None:
    """The clause's one plain word (not quoted, not a prefix, not excluded), else None."""
    if clause.negated or len(clause.options) != 1:
        return None
    option = clause.options[0]
    if isinstance(option, Word) and not option.prefix and not option.literal:
        return option
    return None


def _split(reader, clause: Clause) -> list[Clause]:
    """"covid19" → covid-19 (or covid19), "IMSSBienestar" → imss-bienestar: a word made of pieces
    (capitals inside it, letters then digits) searched as the compound the bulletins write; a hashtag
    no bulletin writes ("SaludMental") as its words."""
    word = _plain(clause)
    if word is None or len(word.text) < 4 or not word.text.isalnum():
        return [clause]
    pieces = _PIECES.findall(word.text)
    if len(pieces) < 2 or "".join(pieces) != word.text:
        return [clause]
    typed = _docs(reader, word.text)
    compound = "-".join(pieces).lower()
    if _docs(reader, compound) >= max(1, SPLIT_RATIO * typed):
        return [Clause([Word(compound)])]
    if typed == 0 and all(_docs(reader, p) for p in pieces):
        return [Clause([Word(p)]) for p in pieces]
    return [clause]


def _join(reader, clauses: list[Clause], start: int) -> tuple[Clause, int] | None:
    """(one clause for the next words written as one compound, how many clauses it replaces) or None."""
    for size in range(min(MAX_JOINED, len(clauses) - start), 1, -1):
        words = [_plain(c) for c in clauses[start:start + size]]
        if any(w is None for w in words):
            continue
        texts = [w.text for w in words]
        if not all(t.isalnum() for t in texts):
            continue
        rarest = min(_docs(reader, t) for t in texts)
        compound = "-".join(texts)  # searched as the whole word and as its parts in a row
        if _docs(reader, compound) >= max(1, JOIN_SHARE * rarest):
            return Clause([Word(compound)]), size
        joined = "".join(texts)
        if _docs(reader, joined) >= max(1, JOIN_SHARE * rarest):
            return Clause([Word(joined), Phrase(texts)]), size
    return None
