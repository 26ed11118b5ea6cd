"""Autocomplete from frequent, clean phrases: "salud men" → "salud mental", never "salud menos".

The last word being typed is completed from the index vocabulary (`suggest.vocabulary`), keeping
only words common enough next to the commonest one with that prefix (so "covi" never offers a
misspelling such as "coviduti"). When words come before it, the candidates are ranked by how closely
they keep company with those words in the bulletins (and more when written right after them); a title phrase is
offered only up to the end of its sentence. Every step is bounded: a few dozen candidates, and
counts cached per index generation.
"""
from __future__ import annotations

import re
import threading
import time

import numpy as np
from collections import OrderedDict

from . import postings, suggest
from .analysis import fold, fold_keep_enye, index_term, is_acronym, stopwords, word_spans

CANDIDATES = 40  # the most topical words with the prefix (see `suggest.Vocabulary`)
CONTEXT_CANDIDATES = 24  # … of which so many are ranked by the words typed before
CONTEXT_WORDS = 3  # earlier content words a completion must be found with
PHRASE_SHARE = 0.5  # a candidate right after the typed words in this share of their bulletins makes them a phrase
ADJACENT_WEIGHT = 4.0  # a word written right after the typed ones in all their bulletins counts five times
PHRASE_COUNTS = 10  # candidates (those most often in the same bulletins as the word before) given a phrase count
BUDGET_S = 0.06  # phrase counts not computed within this time count as 0 (they are cached for next time)
SAMPLE_DOCS = 3  # bulletins read to tell apart forms of one stem
SAMPLE_CHARS = 30000
MIN_SHARE = 0.01  # a word needs this share of the commonest candidate's bulletins (junk is rare)
MIN_DOCS = 1  # … and at least this many bulletins
TITLE_COMPLETIONS = 3
TITLE_READ = 30  # titles read for them
TITLE_SHARED = 2  # a title phrase completing a lone word must begin this many titles' phrases
MAX_PREFIX = 100
_SENTENCE_END = ".:;!?¿¡|»«\"“”()[]"
_CACHE = 4000

# Words of speech that fill transcripts but that nobody searches for (the stopwords are left out too).
FUNCTION_WORDS = frozenset("""
acá adonde ahi ahora alguien algun alguna algunas alguno algunos alla alli aqui asi aun aunque bien bueno
buenas buenos cada casi cierto cierta claro como cual cuales cualquier cuando cuanto cuanta cuantos cuantas
dentro despues donde entonces esto estamos estan estar estoy este hacia hemos incluso mientras misma mismas
mismo mismos mucha muchas mucho muchos nada nadie ni ningun ninguna ninguno no nosotros nosotras nuestra nuestras
nuestro nuestros nunca otra otras otro otros pues quiza sino solo tal tambien tampoco tan tanta tantas tanto
tantos toda todas todavia todo todos usted ustedes vamos verdad voy vez
""".split())

_counts: OrderedDict = OrderedDict()
_lock = threading.Lock()


def completions(searcher, prefix: str, limit: int = 8) -> list[str]:
    """Ways to finish what is being typed, best first: the best word, title phrases, other words.

    The words typed before are shown as the bulletins write them ("vacunacion n" → "vacunación niños").
    """
    prefix = (prefix or "")[:MAX_PREFIX]
    spans = list(word_spans(prefix))
    if not spans or not prefix[-1:].isalnum():
        return []
    start, _, last = spans[-1]
    before = [w for _, _, w in spans[:-1]]
    folded = fold_keep_enye(last)
    if len(folded) < (1 if _context(before) else 2):  # after a word, one letter is enough
        return []
    head = _written(searcher, prefix[:start].lower() if prefix.isupper() else prefix[:start])
    words = [head + suggest.surface_form(searcher, term) for term in _ranked_words(searcher, folded, before, limit)]
    titles = []
    if len(folded) >= (3 if before else 4):  # a title search needs a few letters
        titles = _common_titles(prefix, TITLE_SHARED if not before else 1, searcher)
    out: list[str] = []
    for text in words[:1] + titles + words[1:]:
        if fold(text) != fold(prefix) and fold(text) not in (fold(o) for o in out):
            out.append(text)
    return out[:limit]


def _written(searcher, typed: str) -> str:
    """Typed words in lowercase without accents shown as the bulletins write them; others as typed."""
    out, last = [], 0
    for start, end, word in word_spans(typed):
        out.append(typed[last:start])
        plain = word.islower() and word.isascii() and word.isalpha()
        form = suggest.surface_form(searcher, word) if plain and fold(word) not in stopwords() else word
        out.append(form if fold(form) == fold(word) else word)
        last = end
    out.append(typed[last:])
    return "".join(out)


def _ranked_words(searcher, folded: str, before: list[str], limit: int) -> list[str]:
    vocab = suggest.vocabulary(searcher)
    found = [t for t in vocab.starting_with(folded, CANDIDATES, topical=True) if not _function_word(t)]
    if not found:
        return []
    docs = {term: vocab.frequency(term) for term in found}
    top = max(docs.values())
    clean = [t for t in found if _is_clean(t, folded) and docs[t] >= max(MIN_DOCS, MIN_SHARE * top)]
    context = _context(before)
    if context is None:
        return clean[:limit]
    previous, slop, word = context
    reader = searcher.reader()
    clean = clean[:CONTEXT_CANDIDATES]
    # The words typed before are a bag, not a phrase ("mineros sabi" means Sabinas, written far from
    # "mineros"): a candidate ranks by the bulletins holding it beside every earlier word, counted as
    # together² / its own bulletins (a word found mostly with them beats a common one found anywhere), more
    # in the share of them where it is written right after the last typed word (a phrase).
    stems = {t: index_term(t) for t in clean}
    mine = _context_ids(reader, before)
    both = {t: (int(np.intersect1d(mine, _ids(reader, "exact", t), assume_unique=True).size) if len(mine) else 0)
            for t in clean}
    best_of_stem: dict[str, str] = {}
    for t in sorted(clean, key=lambda t: -both[t]):
        best_of_stem.setdefault(stems[t], t)
    counted = set(list(best_of_stem)[:PHRASE_COUNTS])
    together = {}
    deadline = time.perf_counter() + BUDGET_S
    for t in clean:
        if stems[t] in counted and both[t]:
            found = _together(reader, previous, stems[t], slop, cached_only=time.perf_counter() > deadline)
            together[t] = len(found)
        else:
            together[t] = 0
    # forms sharing a stem ("mental", "mentalidad") share the phrase count: the words really
    # written after the typed ones, in a few of those bulletins, decide between them
    seen = _written_after(searcher, reader, word, previous, slop, folded, sorted(clean, key=lambda t: -together[t]))
    if seen:  # a form never written there, beside one that is ("salud mentalidad"), is left out
        written = {index_term(t) for t in seen}
        clean = [t for t in clean if t in seen or index_term(t) not in written]
    if any(both[t] and together[t] >= PHRASE_SHARE * both[t] for t in clean):
        clean = [t for t in clean if together[t]]  # a set phrase ("salud mental"): only what follows the words
    elif any(both.values()):  # a word never found with the typed ones is not offered after them
        clean = [t for t in clean if both[t]]
    order = {t: i for i, t in enumerate(clean)}  # most topical first

    def affinity(t: str) -> float:
        own = max(1, vocab.frequency(t))
        return both[t] * both[t] / own * (1 + ADJACENT_WEIGHT * together[t] / max(1, both[t]))

    return sorted(clean, key=lambda t: (-affinity(t), -seen.get(t, 0), order[t]))[:limit]


def _context_ids(reader, before: list[str]):
    """Bulletins holding every content word typed before (the last `CONTEXT_WORDS` of them)."""
    words = [w for w in before if not (fold(w) in stopwords() and not is_acronym(w))][-CONTEXT_WORDS:]
    ids = None
    for w in words:
        mine = _ids(reader, "body", index_term(w))
        ids = mine if ids is None else np.intersect1d(ids, mine, assume_unique=True)
    return ids if ids is not None else np.empty(0, dtype=np.int64)


def _function_word(term: str) -> bool:
    """Stopwords, the function words of speech ("dentro", "nosotros"), adverbs in -mente and words of one or two letters:
    never what is searched for."""
    folded = fold(term)
    adverb = len(folded) > 7 and folded.endswith("mente")  # "obviamente", "precisamente"
    return len(folded) < 3 or adverb or folded in stopwords() or folded in FUNCTION_WORDS


def _written_after(searcher, reader, word: str, previous: str, slop: int, folded: str, clean: list[str]) -> dict:
    """How often each candidate is the word written right after `word` in a few bulletins holding
    the phrase, for candidates whose stem another candidate shares (`clean`: best first)."""
    stems: dict[str, list[str]] = {}
    for t in clean:
        stems.setdefault(index_term(t), []).append(t)
    counts: dict[str, int] = {}
    shared = [group for group in stems.values() if len(group) > 1]
    if not shared:
        return counts
    pattern = re.compile(suggest._form_pattern(fold_keep_enye(word)).pattern + r"(?:\W+\w+){0,%d}?\W+(\w+)" % (slop - 1),
                         re.IGNORECASE)
    key = (suggest.generation_key(reader), "after", fold(word), slop, tuple(tuple(g) for g in shared[:3]))
    with _lock:
        cached = _counts.get(key)
    if cached is not None:
        return cached
    for group in shared[:3]:
        docs = _together(reader, previous, index_term(group[0]), slop)[:SAMPLE_DOCS]
        for doc in docs:
            stored = searcher.stored_fields(doc)
            for text in (stored.get("title") or "", (stored.get("body") or "")[:SAMPLE_CHARS]):
                for match in pattern.finditer(text):
                    after = fold_keep_enye(match.group(1))
                    if after in group:
                        counts[after] = counts.get(after, 0) + 1
    with _lock:
        _counts[key] = counts
    return counts


def _is_clean(term: str, typed: str) -> bool:
    """A word, or a compound whose extra characters are letters ("covid-19" for "covid-", not "covid-1919")."""
    if term.isalpha():
        return True
    if any(ch.isdigit() for ch in typed):
        return True
    rest = term[len(typed):]
    return rest.replace("-", "").isalpha() or (term.count("-") == 1 and len(term.split("-")[1]) <= 2)


def _context(before: list[str]) -> tuple[str, int, str] | None:
    """(the stem of the last content word typed before, the slop that reaches past the stopwords
    after it, the word itself)."""
    gap = 1
    for word in reversed(before):
        if fold(word) in stopwords() and not is_acronym(word):
            gap += 1
            continue
        return index_term(word), gap, word
    return None


def _ids(reader, field: str, term: str):
    """Sorted document numbers holding a term (cached per index generation)."""
    key = (suggest.generation_key(reader), "ids", field, term)
    with _lock:
        cached = _counts.get(key)
    if cached is None:
        cached = np.unique(postings.term_postings(reader, field, term)[0])
        with _lock:
            _counts[key] = cached
    return cached


def _together(reader, previous: str, stem: str, slop: int, cached_only: bool = False) -> list[int]:
    """Bulletins where `stem` follows `previous` within `slop` words (cached per index generation)."""
    key = (suggest.generation_key(reader), previous, stem, slop)
    with _lock:
        cached = _counts.get(key)
    if cached is not None or cached_only:
        return cached or []
    docs = postings.phrase_docs(reader, "body", [previous, stem], slop) or []
    with _lock:
        _counts[key] = docs
        while len(_counts) > _CACHE:
            _counts.popitem(last=False)
    return docs


def _common_titles(prefix: str, shared: int, searcher) -> list[str]:
    """Up to TITLE_COMPLETIONS title phrases, each beginning at least `shared` titles' phrases, commonest first."""
    if shared <= 1:
        return _clean_titles(prefix, suggest.title_phrases(searcher, prefix, TITLE_COMPLETIONS))
    found = _clean_titles(prefix, suggest.title_phrases(searcher, prefix, TITLE_READ, TITLE_READ))
    counts: dict[str, int] = {}
    for phrase in found:
        counts[phrase.lower()] = counts.get(phrase.lower(), 0) + 1
    common = sorted((p for p in counts if counts[p] >= shared), key=lambda p: -counts[p])
    return common[:TITLE_COMPLETIONS]


def _clean_titles(prefix: str, phrases: list[str]) -> list[str]:
    """Title phrases cut at the end of their sentence and stripped of trailing stopwords; those that
    no longer go past what was typed are dropped ("salud. mensaje del…" for "salud men")."""
    out = []
    for phrase in phrases:
        cut = len(phrase)
        for i in range(len(prefix), len(phrase)):
            if phrase[i] in _SENTENCE_END:
                cut = i
                break
        text = phrase[:cut].rstrip(" ,-")
        words = list(word_spans(text))
        while words and fold(words[-1][2]) in stopwords() and words[-1][0] >= len(prefix):
            text = text[:words[-1][0]].rstrip(" ,-")
            words.pop()
        if len(text) > len(prefix) and fold(text).startswith(fold(prefix)):
            out.append(text)
    return out
