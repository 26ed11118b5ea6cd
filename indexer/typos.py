"""Typo tolerance: the index words a misspelt query word probably stands for.

A typed word no bulletin has, or only a few do (a misspelling some bulletin shares), is looked up
in the index vocabulary by a Spanish-aware edit distance: both words are first reduced to how they
sound (`suggest.sound`: s/c/z, b/v, ll/y, g/j before e/i, a silent h, doubled letters; accents are
already folded), so such confusions cost only `SOUND_COST`, and every other edit (a dropped, added,
swapped or wrong letter) costs 1. The distance allowed grows with the word: none beyond sound for
words under four letters, one edit up to seven, two from eight.

The vocabulary's sound keys are searched with RapidFuzz (C++, bit-parallel), a few milliseconds per
word; words longer than `MAX_WORD` letters are not looked up at all, so junk never costs seconds.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import suggest
from .analysis import fold, fold_keep_enye, index_term, stopwords, typed_term

MAX_WORD = 30  # longer "words" are junk or pasted text: not looked up
RARE = 3  # a word in at most this many bulletins (in any inflection) may be a misspelling
MORE_COMMON = 10  # … of a word at least this many times more common
SOUND_COST = 0.3  # a spelling that sounds the same (vacunasion/vacunacion) is nearly free
BEST_ONLY_WITHIN = 0.5  # keep candidates costing at most this much more than the best one
MAX_CANDIDATES = 3
ACRONYM_LETTERS = 5  # a word typed in capitals up to this long is taken for an acronym, never corrected
CONFIDENT_SHARE = 0.75  # a correction is shown outright when it holds this share of the candidates' bulletins
_CACHE = 4096


def reach(word: str) -> int:
    """Edits allowed beyond sounding alike: grows with the word's length."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 8 else 2


@dataclass(frozen=True)
class Candidate:
    term: str  # the index word (folded, ñ kept)
    cost: float  # edits, where a same-sounding spelling costs SOUND_COST
    docs: int  # bulletins holding it


class TypoIndex:
    """The alphabetic words of one index generation grouped by how they sound."""

    def __init__(self, vocab: suggest.Vocabulary):
        groups: dict[str, list[int]] = {}
        for i, term in enumerate(vocab.terms):
            if len(term) >= 3 and term.isalpha():
                groups.setdefault(suggest.sound(term), []).append(i)
        self.vocab = vocab
        self.keys = list(groups)
        self.members = [groups[k] for k in self.keys]
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def near(self, word: str) -> list[Candidate]:
        """Index words within reach of `word` (folded), cheapest then commonest first."""
        with self._lock:
            cached = self._cache.get(word)
        if cached is not None:
            return cached
        found = self._near(word)
        with self._lock:
            self._cache[word] = found
            while len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        return found

    def _near(self, word: str) -> list[Candidate]:
        if not (3 <= len(word) <= MAX_WORD and word.isalpha()):
            return []
        from rapidfuzz import process  # only a word the index lacks gets here: a one-shot search rarely does
        from rapidfuzz.distance import OSA

        limit = reach(word)
        key = suggest.sound(word)
        found = []
        for _, distance, index in process.extract(key, self.keys, scorer=OSA.distance, score_cutoff=limit,
                                                  limit=40):
            for i in self.members[index]:
                term = self.vocab.terms[i]
                if term == word:
                    continue
                spelled = OSA.distance(word, term)
                cost = distance + SOUND_COST * min(2, max(0, spelled - distance))
                found.append(Candidate(term, round(cost, 2), self.vocab.freqs[i]))
        found.sort(key=lambda c: (c.cost, -c.docs, c.term))
        return found


_indexes: dict[tuple, TypoIndex] = {}


def typo_index(searcher) -> TypoIndex:
    """This generation's typo index, built on first use from the autocomplete vocabulary."""
    reader = searcher.reader()
    vocab = suggest.vocabulary(searcher)
    return suggest._per_generation(_indexes, reader, lambda: TypoIndex(vocab))


def known_docs(reader, word: str) -> int:
    """Bulletins holding the word in some inflection or as written (the most of the three counts)."""
    return max(reader.doc_frequency("exact", fold_keep_enye(word)), reader.doc_frequency("body", typed_term(word)),
               reader.doc_frequency("body", fold(word)))


def corrections(searcher, word: str) -> tuple[list[Candidate], bool, bool]:
    """(what a possibly misspelt word probably means, best first; whether the first is confident;
    whether some bulletin has the word as typed).

    Empty for a word the bulletins use often enough, for short words typed in capitals (acronyms) and for
    anything that is not a plain word. A word some bulletin has keeps only candidates clearly more
    common than it. The first candidate is confident when the word is nowhere in the index and the
    candidate holds most of the candidates' bulletins.
    """
    if word.isupper() and len(word) <= ACRONYM_LETTERS:  # "SSO", "CDMX": an acronym, not a misspelling
        return [], False, True
    term = fold_keep_enye(word)
    if not (3 <= len(term) <= MAX_WORD and term.isalpha()) or fold(term) in stopwords():
        return [], False, True
    reader = searcher.reader()
    have = known_docs(reader, word)
    if have > RARE:
        return [], False, True
    near = [c for c in typo_index(searcher).near(term)
            if fold(c.term) not in stopwords() and index_term(c.term) != index_term(term)
            and c.docs >= max(1, MORE_COMMON * have)]
    if not near:
        return [], False, have > 0
    best = near[0].cost
    picked: list[Candidate] = []
    stems = set()
    for c in near:
        if c.cost > best + BEST_ONLY_WITHIN or len(picked) >= MAX_CANDIDATES:
            break
        stem = index_term(c.term)
        if stem not in stems:  # one candidate per inflection: "polisias" adds nothing to "policia"
            stems.add(stem)
            picked.append(c)
    total = sum(c.docs for c in picked)
    confident = have == 0 and picked[0].cost <= 1 and picked[0].docs >= CONFIDENT_SHARE * total
    return picked, confident, have > 0
