"""The query language people type, parsed forgivingly into clauses and filters.

    vacunacion niños          words in any inflection, accents optional; all of them are required
                              in queries of up to three words, three in four in longer ones
                              (a bulletin lacking one ranks lower), and when no bulletin has
                              enough of them, those with the most are shown
    "salud pública"           exact phrase
    "influensa"               this word only: no spelling correction, synonym or acronym expansion
    -dengue                   exclude
    dengue OR zika            either
    vacun*                    prefix: the commonest words starting with "vacun" (two letters at least)
    agencia:IMSS              field filters: agencia:..., fecha:2023, fecha:2023-11,
    fecha:2023-01..2023-06    fecha:2023-11-30, fecha:DESDE..HASTA

Malformed syntax never raises: an unclosed quote, a dangling OR, an unknown field or a lonely
"-" degrade to plain words. This module knows nothing of Whoosh (see `translate`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from ..analysis import fold, is_acronym, stopwords, word_spans
from .periods import TypedPeriod, find_period

MAX_QUERY_CHARS = 500
MIN_PREFIX_LETTERS = 2  # "p*" is not searched: the page asks for more letters

_PIECE = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
_FIELD = re.compile(r"^(agencia|agency|fecha|date|año|ano|year):(.*)$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass
class Word:
    text: str
    prefix: bool = False
    literal: bool = False  # typed in quotes: only this word, never a correction or synonym


@dataclass
class Phrase:
    words: list[str]


@dataclass
class Clause:
    """One required (or excluded) unit: alternatives joined by OR."""

    options: list  # of Word | Phrase
    negated: bool = False


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    period: TypedPeriod | None = None  # a year or month typed among the words: ranked first, offered as a filter
    short_prefixes: list[str] = field(default_factory=list)  # "p*": one letter is too few to search by

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def is_empty(self) -> bool:
        return not self.clauses


def parse(text: str) -> ParsedQuery:
    """Parse what a person typed; never raises."""
    parsed = ParsedQuery()
    text = unicodedata.normalize("NFC", (text or "")[:MAX_QUERY_CHARS]).replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    if typed_in_capitals(text):  # caps lock, not a row of acronyms: "CIUDAD DE MEXICO" is ciudad de méxico
        text = re.sub(r"\S+", lambda m: m.group(0) if m.group(0) == "OR" else m.group(0).lower(), text)
    pending_or = False
    for match in _PIECE.finditer(text):
        negated, quoted, closed, bare = match.group(1), match.group(2), match.group(3), match.group(4)
        option = None
        is_negated = False
        if quoted is not None:
            words = [w for _, _, w in word_spans(quoted)]
            if closed and len(words) > 1:
                option = Phrase(words)
            elif words:  # unclosed quote: plain words; a quoted single word: that word only
                for w in words[:-1]:
                    _add(parsed, Word(w), bool(negated), pending_or)
                    pending_or = False
                option = Word(words[-1], literal=bool(closed) and len(words) == 1)
            is_negated = bool(negated)
        else:
            if bare == "OR" or bare == "|":
                pending_or = bool(parsed.clauses)
                continue
            fielded = _FIELD.match(bare)
            if fielded and fielded.group(2) and _apply_filter(parsed, fielded.group(1).lower(), fielded.group(2)):
                continue
            is_negated = bare.startswith("-") and len(bare) > 1
            body = bare[1:] if is_negated else bare
            prefix = body.endswith("*")
            words = [w for _, _, w in word_spans(body)]
            if not words:
                continue
            for w in words[:-1]:
                _add(parsed, Word(w), is_negated, pending_or)
                pending_or = False
            last = words[-1]
            if prefix and len(fold(last)) < MIN_PREFIX_LETTERS:
                parsed.short_prefixes.append(last)
                pending_or = False
                continue
            option = Word(last, prefix=prefix)
        if option is not None:
            _add(parsed, option, is_negated, pending_or)
            pending_or = False
    if parsed.date_from is None and parsed.date_to is None:
        _take_period(parsed)
    return parsed


def _take_period(parsed: ParsedQuery) -> None:
    """Moves a typed year or month ("covid oaxaca 2021") from the words to `parsed.period`; alone, it
    also stays a word (a query of just "2021" still searches the text)."""
    plain = [c.options[0].text for c in parsed.positive if len(c.options) == 1 and isinstance(c.options[0], Word)
             and not c.options[0].prefix and not c.options[0].literal]
    period = find_period(plain)
    if period is None:
        return
    parsed.period = period
    rest = [c for c in parsed.clauses if c.negated or len(c.options) != 1 or not isinstance(c.options[0], Word)
            or c.options[0].text not in period.words]
    if any(not c.negated for c in rest):
        parsed.clauses = rest


def typed_in_capitals(text: str) -> bool:
    """Two or more words, every one with letters written in capitals ("SALUD PUBLICA", "VACUNACION NIÑOS"):
    the way a query looks with caps lock on. A lone word in capitals may be an acronym; the index decides."""
    lettered = [w for _, _, w in word_spans(text) if not w.isdigit()]
    return len(lettered) >= 2 and all(w.isupper() for w in lettered)


def split_filters(text: str) -> tuple[str, ParsedQuery]:
    """(the text without its field filters, the filters alone): "dengue agencia:SSO fecha:2019" →
    ("dengue", agencies ["SSO"], 2019-01-01..2019-12-31). Lets a page show typed filters as its own."""
    text = (text or "")[:MAX_QUERY_CHARS]
    filters = ParsedQuery()
    kept, last = [], 0
    for match in _PIECE.finditer(text):
        bare = match.group(4)
        fielded = _FIELD.match(bare) if bare else None
        if fielded and fielded.group(2) and _apply_filter(filters, fielded.group(1).lower(), fielded.group(2)):
            kept.append(text[last:match.start()])
            last = match.end()
    kept.append(text[last:])
    return " ".join("".join(kept).split()), filters


def _add(parsed: ParsedQuery, option, negated: bool, join_previous: bool) -> None:
    if isinstance(option, Word) and not option.prefix and _is_stopword(option.text):
        return
    if join_previous and parsed.clauses and not negated and not parsed.clauses[-1].negated:
        parsed.clauses[-1].options.append(option)
    else:
        parsed.clauses.append(Clause([option], negated))


def _is_stopword(word: str) -> bool:
    return fold(word) in stopwords() and not is_acronym(word)


def _apply_filter(parsed: ParsedQuery, name: str, value: str) -> bool:
    value = value.strip().strip('"')
    if name in ("agencia", "agency"):
        if value:
            parsed.agencies.append(value)
        return bool(value)
    lo, _, hi = value.partition("..")
    start = parse_day(lo, end=False) if lo else None
    end = parse_day(hi if hi else lo, end=True) if (hi or not _) else None
    if start is None and end is None:
        return False
    parsed.date_from, parsed.date_to = start, end
    return True


def parse_day(text: str, end: bool = False) -> dt.date | None:
    """"2023" / "2023-11" / "2023-11-30" (also dd/mm/yyyy) → the first (or, with end=True, last) day."""
    text = (text or "").strip()
    numeric = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if numeric:
        text = f"{numeric.group(3)}-{numeric.group(2)}-{numeric.group(1)}"
    m = _DAY.match(text)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, day)
    except ValueError:
        return None

