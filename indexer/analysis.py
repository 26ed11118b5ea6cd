"""Spanish analysis: how bulletin text and queries become index terms.

Small Whoosh filters composed with ``|``, built on a few pure functions (`fold`, `singular`,
`stem`) that the query builder and the snippet highlighter call directly, so a query word,
an indexed word and a highlighted word are always normalized the same way.

Order matters and was measured: accents are folded *before* stemming (stemming first breaks
unaccented queries), plurals are normalized before Snowball (Snowball alone leaves
enfermedad→"enfermed" but enfermedades→"enfermedad").
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
from importlib import resources

from unidecode import unidecode
from whoosh.analysis import CompositeAnalyzer, Filter, Tokenizer
from whoosh.analysis.acore import Token
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

# A word, possibly joined to more words by "-" or "/" ("IMSS-Bienestar", "COVID-19", "599/2023"),
# or a number with decimal/thousands separators ("3.5", "1,200").
_TOKEN = re.compile(r"\w+(?:(?:[-/]|[.,](?=\d))\w+)*")
_PART = re.compile(r"\w+")
_VOWELS = frozenset("aeiou")


def _data_lines(name: str) -> list[str]:
    text = resources.files("indexer.data").joinpath(name).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


@functools.lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    """The curated, accent-folded stopword list from ``data/stopwords-es.txt``."""
    return frozenset(_data_lines("stopwords-es.txt"))


@functools.lru_cache(maxsize=None)
def _singular_exceptions() -> frozenset[str]:
    return frozenset(_data_lines("singular-s.txt"))


@functools.lru_cache(maxsize=1 << 18)
def fold(word: str) -> str:
    """Lowercase and strip accents, ñ included: "Niñas" → "ninas", "VACUNACIÓN" → "vacunacion"."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    return unidecode(lowered).replace(" ", "")


@functools.lru_cache(maxsize=1 << 18)
def fold_keep_enye(word: str) -> str:
    """Like `fold` but keeps ñ, so "año" and "ano" stay different words in the exact-form field."""
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    return "ñ".join(fold(part) for part in unicodedata.normalize("NFC", lowered).split("ñ"))


def singular(word: str) -> str:
    """Spanish plural → singular on folded words, in the spirit of Lucene's SpanishPluralStemFilter.

    Only has to make a plural and its singular meet *after* Snowball, which runs next; so "-ces"
    just loses "es" (luces → luc, índices → indic) and `stem` treats a final c and z as one letter.
    Measured over every singular/plural pair of a real corpus: ``python -m indexer.evaluation.plurals``.
    """
    n = len(word)
    if n < 4 or word[-1] != "s" or word.endswith(("sis", "itis")) or word in _singular_exceptions():
        return word
    before = word[-2]
    if before != "e":
        return word[:-1]  # casas → casa, niños → niño, clubs → club
    stem_end = word[-3]
    if stem_end == "c":  # luces → luc(z), veces → vec(z), índices → índic(e), dulces → dulc(e)
        return word[:-2]
    if stem_end == "s":  # países → país (listed), clases → clase
        return word[:-2] if word[:-2] in _singular_exceptions() else word[:-1]
    if stem_end == "y" or word.endswith("ides"):
        # leyes → leye, pirámides → pirámide: Snowball drops the final e and meets ley, pirámide
        return word[:-1]
    if stem_end == "l" and word[:-3].endswith(("ndo", "r")):  # diciéndoles → diciéndole (a pronoun)
        return word[:-1]
    if stem_end in "lrndz" and word[-4] in _VOWELS:
        # ciudades → ciudad, mujeres → mujer, acciones → acción; but madres → madre
        return word[:-2]
    return word[:-1]  # presidentes → presidente, viajes → viaje, héroes → héroe


_local = threading.local()


def _snowball():
    """This thread's Snowball stemmer: a stemmer object keeps its state between calls (the pure-Python
    one breaks when two threads stem at once), so each thread of a server worker has its own."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("spanish")
    return stemmer


@functools.lru_cache(maxsize=1 << 18)
def stem(folded: str) -> str:
    """Index term of a folded word: plural normalized, then Snowball Spanish. Numbers stay as they are."""
    if not folded.isalpha():
        return folded
    term = _snowball().stemWord(singular(folded))
    # Spanish writes one sound z before a/o/u and c before e/i (luz/luces, cruz/cruce, realizar/realice):
    # a final c and z are the same letter for matching.
    return term[:-1] + "z" if term.endswith("c") else term


def is_acronym(text: str) -> bool:
    """"CENSIDA", "SE", "IMSS": two or more letters, all capitals."""
    if not text.isupper():  # fast exit for the usual lowercase word
        return False
    return sum(1 for ch in text if ch.isalpha()) >= 2


def word_spans(text: str):
    """(start, end, word) of every token in `text` (compounds whole), for highlighting and queries."""
    for match in _TOKEN.finditer(text):
        yield match.start(), match.end(), match.group(0)


def split_compound(word: str) -> list[str]:
    """"IMSS-Bienestar" → ["IMSS", "Bienestar"]; a plain word → [word]."""
    return _PART.findall(word)


def _shouting(words: list[str], i: int, run: int = 3) -> bool:
    """True when words[i] sits in a run of `run` or more words in capitals (a headline, a logo line)."""
    left = i
    while left > 0 and i - left < run and is_acronym(words[left - 1]):
        left -= 1
    right = i
    while right < len(words) - 1 and right - left + 1 < run and is_acronym(words[right + 1]):
        right += 1
    return right - left + 1 >= run


class SpanishTokenizer(Tokenizer):
    """Words plus compounds kept whole *and* split, with an acronym flag.

    "IMSS-Bienestar" yields "IMSS-Bienestar" and, at the same and next positions, "IMSS" and
    "Bienestar", so both the whole name and its parts are findable, and a phrase of the parts
    ("imss bienestar") matches. A word in capitals is flagged as an acronym unless it sits in a
    run of three or more words in capitals (an ALL-CAPS headline is shouting, not acronyms).
    """

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not unicodedata.is_normalized("NFC", value):  # decomposed accents would split words
            value = unicodedata.normalize("NFC", value)
        matches = list(_TOKEN.finditer(value))
        words = [m.group(0) for m in matches]
        pos = start_pos
        for i, match in enumerate(matches):
            word = words[i]
            parts = list(_PART.finditer(word)) if len(word) > 1 and not word.isalnum() else None
            if parts and len(parts) > 1:
                t.compound = True
                t.acronym = False
                t.text = word
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = word
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + match.start()
                    t.endchar = start_char + match.end()
                yield t
                spans = [(p.group(0), match.start() + p.start(), match.start() + p.end()) for p in parts]
            else:
                spans = [(word, match.start(), match.end())]
            for part, start, end in spans:
                t.compound = False
                t.acronym = is_acronym(part) and not _shouting(words, i)
                t.text = part
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = part
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + start
                    t.endchar = start_char + end
                yield t
                pos += 1


class FoldFilter(Filter):
    """Lowercase and fold accents; `keep_enye` keeps ñ for the exact-form field."""

    def __init__(self, keep_enye: bool = False):
        self.keep_enye = keep_enye

    def __call__(self, tokens):
        folder = fold_keep_enye if self.keep_enye else fold
        for t in tokens:
            t.text = folder(t.text)
            yield t


class SpanishStopFilter(Filter):
    """Drops curated stopwords, but never an acronym ("SE" is Secretaría de Economía)."""

    def __call__(self, tokens):
        stops = stopwords()
        for t in tokens:
            if t.text in stops and not getattr(t, "acronym", False) and not getattr(t, "compound", False):
                if t.removestops:
                    continue
                t.stopped = True
            yield t


class SpanishStemFilter(Filter):
    """Plural normalization + Snowball Spanish; acronyms and compounds are left whole."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            if not (getattr(t, "acronym", False) or getattr(t, "compound", False)):
                t.text = stem(t.text)
            yield t


class SpanishAnalyzer(CompositeAnalyzer):
    """The filter chain above, plus `term_positions`: the same terms for indexing in one pass.

    Whoosh indexes a field by pulling every token through four generators, which made analysis
    most of a build's CPU. `term_positions` gives the same terms and positions from one loop with a
    per-word cache; `tests/test_analysis.py` checks it against the chain. Queries and highlighting
    keep using the chain, which also carries character offsets.
    """

    def __init__(self, exact: bool = False):
        fold_filter = FoldFilter(keep_enye=exact)
        filters = [fold_filter, SpanishStopFilter()] if exact else [fold_filter, SpanishStopFilter(),
                                                                     SpanishStemFilter()]
        super().__init__(SpanishTokenizer(), *filters)
        self.exact = exact

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """{term: [positions]} of an indexed text, exactly what the chain yields with removestops."""
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        words = _TOKEN.findall(value)
        cache = _EXACT_TERMS if self.exact else _STEMMED_TERMS
        if len(cache) > _TERM_CACHE_SIZE:
            cache.clear()
        exact = self.exact
        positions: dict[str, list[int]] = {}
        pos = 0
        for i, word in enumerate(words):
            term = cache.get(word, _UNSEEN)
            if term is _UNSEEN:
                parts = None if len(word) < 2 or word.isalnum() else _PART.findall(word)
                if parts and len(parts) > 1:  # a compound: whole, then each part
                    whole = fold_keep_enye(word) if exact else fold(word)
                    positions.setdefault(whole, []).append(pos)
                    for part in parts:
                        term = _word_term(part, is_acronym(part) and not _shouting(words, i), exact)
                        if term is not None:
                            positions.setdefault(term, []).append(pos)
                        pos += 1
                    continue
                if is_acronym(word):  # depends on the words around it: never cached
                    term = _word_term(word, not _shouting(words, i), exact)
                else:
                    term = cache[word] = _word_term(word, False, exact)
            if term is not None:
                positions.setdefault(term, []).append(pos)
            pos += 1
        return positions


_UNSEEN = object()
_TERM_CACHE_SIZE = 1 << 20
_STEMMED_TERMS: dict[str, str | None] = {}
_EXACT_TERMS: dict[str, str | None] = {}


def _word_term(word: str, acronym: bool, exact: bool) -> str | None:
    """The index term of one plain word, None when it is a stopword (acronyms never are)."""
    folded = fold_keep_enye(word) if exact else fold(word)
    if not acronym and folded in stopwords():
        return None
    return folded if exact or acronym else stem(folded)


def bulletin_analyzer() -> SpanishAnalyzer:
    """Analyzer of the `title` and `body` fields: folded, stopped, stemmed."""
    return SpanishAnalyzer()


def exact_analyzer() -> SpanishAnalyzer:
    """Analyzer of the `exact` field: folded except ñ, unstemmed, so exact forms can rank first."""
    return SpanishAnalyzer(exact=True)


class SpanishPositions(Positions):
    """Whoosh's Positions format, fed by `SpanishAnalyzer.term_positions` when the analyzer has it."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not hasattr(analyzer, "term_positions"):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost, encode = self.field_boost, self.encode
        for term, poslist in analyzer.term_positions(value).items():
            yield term, len(poslist), len(poslist) * boost, encode(poslist)


class SpanishFrequency(Frequency):
    """Whoosh's Frequency format, fed by `SpanishAnalyzer.term_positions` when the analyzer has it."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not hasattr(analyzer, "term_positions"):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        return ((term, len(poslist), len(poslist) * boost, pack_uint(len(poslist)))
                for term, poslist in analyzer.term_positions(value).items())


def words(text: str) -> list[str]:
    """Every token of `text` (compounds whole), without offsets: the cheap form of `word_spans`."""
    return _TOKEN.findall(text)


def index_term(word: str) -> str:
    """The stemmed-field term for one query or text word (no compound splitting)."""
    folded = fold(word)
    if is_acronym(word):
        return folded
    return stem(folded)


def typed_term(word: str) -> str:
    """The stemmed-field term of a word someone typed: its stem even when typed in capitals. Whether it
    is meant as an acronym ("IMSS", "CENSIDA") the index decides (`query.dismax.UnlessAcronym`)."""
    return stem(fold(word))


@functools.lru_cache(maxsize=1 << 14)
def enye_spellings(word: str) -> tuple[str, ...]:
    """The exact-field forms a word typed without ñ may stand for, the typed one first:
    "ninos" → ("ninos", "ñinos", "niños", "ñiños"). Keyboards without ñ write n (accents are folded
    anyway). Only a word's first four n's vary: at most 16 spellings."""
    typed = fold_keep_enye(word)
    spots = [i for i, ch in enumerate(typed) if ch == "n"][:4]
    out = [typed]
    for mask in range(1, 1 << len(spots)):
        letters = list(typed)
        for bit, spot in enumerate(spots):
            if mask >> bit & 1:
                letters[spot] = "ñ"
        out.append("".join(letters))
    return tuple(out)
