"""Helping the person searching: did-you-mean corrections and autocomplete from the index vocabulary.

Both read the `exact` field (words folded except ñ, unstemmed), so a suggestion is a word the
bulletins really use. Words are shown as the bulletins write them ("vacunacion" → "vacunación"),
found by looking at a few bulletins that contain them.

Walking the whole vocabulary for every keystroke is too slow for short prefixes, so the words
with their frequencies (and their written forms, as they are looked up) are kept per index generation in a
module-level cache; a new generation gets a fresh entry and old ones are dropped.
"""
from __future__ import annotations

import bisect
import heapq
import itertools
import os
import re
import threading
import time
from collections import Counter

import numpy as np

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import enye_spellings, fold, fold_keep_enye, index_term, stopwords, word_spans
from .query import Word

RARE = 2  # a known word this rare may be a misspelling some bulletin shares ("vacunasion")
MORE_COMMON = 3  # … corrected to a word that sounds the same and is at least this many times more frequent
_SURFACE_DOCS = 3
_SURFACE_CHARS = 30000  # a long transcript's opening is enough to see how a word is written
_CACHED_GENERATIONS = 2

# Time budget: no Spanish word is this long, and the edit-distance walk grows with the length
# ("a" × 500 took seconds); corrections stop when a request's budget is spent (a partial answer).
MAX_WORD = 30
BUDGET_SECONDS = 0.25

TOPICAL = 2.0  # how much clustering in few bulletins counts against plain frequency (see `Vocabulary`)

_VOWELS = {"a": "aáàä", "e": "eéèë", "i": "iíìï", "o": "oóòö", "u": "uúùü"}


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


class Vocabulary:
    """The words of one index generation with their frequencies, sorted for prefix lookups.

    Each word also has a topical weight (`topical`) for autocomplete: its document frequency, raised
    by how much fewer bulletins hold it than its total count predicts if it were spread evenly over
    the text (residual IDF, weighing long bulletins by their length). Topics cluster ("dengue" is
    said many times in the bulletins about it); the chatter of long transcripts ("dentro",
    "mentira") is spread thin over many of them.
    """

    def __init__(self, reader):
        counts: dict[str, list[int]] = {}
        for leaf, _ in reader.leaf_readers():  # segment by segment: several times faster than a merged walk
            for term, info in leaf.iter_field("exact"):
                term = _text(term)
                seen = counts.get(term)
                if seen is None:
                    counts[term] = [info.doc_frequency(), int(info.weight())]
                else:
                    seen[0] += info.doc_frequency()
                    seen[1] += int(info.weight())
        self.terms = sorted(counts)  # sorted, so the words with a prefix are a range
        self.freqs = [counts[t][0] for t in self.terms]
        self.topical = _topical_weights(reader, np.array(self.freqs, dtype=np.float64),
                                        np.array([counts[t][1] for t in self.terms], dtype=np.float64))
        self._top: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    def _range(self, prefix: str) -> range:
        return range(bisect.bisect_left(self.terms, prefix), bisect.bisect_left(self.terms, prefix + "\uffff"))

    def starting_with(self, prefix: str, limit: int, topical: bool = False) -> list[str]:
        """The `limit` most frequent (or, `topical`, most topical) words starting with `prefix`, best
        first; with `topical`, an n typed may also be an ñ ("nin" → "niños")."""
        key = f"{limit}:{int(topical)}:{prefix}"
        with self.lock:
            cached = self._top.get(key)
        if cached is not None:
            return cached
        if topical:
            rows = itertools.chain.from_iterable(self._range(p) for p in enye_spellings(prefix))
            best = heapq.nlargest(limit, rows, key=lambda i: (self.topical[i], -i))
        else:
            best = heapq.nlargest(limit, self._range(prefix), key=lambda i: (self.freqs[i], -i))
        words = [self.terms[i] for i in best]
        with self.lock:
            if len(self._top) > 20000:
                self._top.clear()
            self._top[key] = words
        return words

    def frequency(self, term: str) -> int:
        i = bisect.bisect_left(self.terms, term)
        return self.freqs[i] if i < len(self.terms) and self.terms[i] == term else 0


def _topical_weights(reader, df: np.ndarray, cf: np.ndarray) -> np.ndarray:
    """log2(df) + TOPICAL × log2(expected df / df), the expected df being that of a word with the same
    total count placed at random positions of the text (Poisson per bulletin, by its length)."""
    if not len(df):
        return np.zeros(0)
    from .derived import field_lengths

    lengths = field_lengths(reader, "exact").astype(np.float64)
    share = lengths[lengths > 0] / max(lengths.sum(), 1.0)
    grid = np.exp(np.linspace(0.0, np.log(max(cf.max(), 2.0)), 256))
    expected_on_grid = np.array([-np.expm1(-c * share).sum() for c in grid])
    expected = np.interp(np.log(np.maximum(cf, 1.0)), np.log(grid), expected_on_grid)
    df = np.maximum(df, 1.0)
    return np.log2(df) + TOPICAL * np.log2(np.maximum(expected, df) / df)


_vocabularies: dict[tuple, Vocabulary] = {}
_vocabularies_lock = threading.Lock()


def generation_key(reader) -> tuple:
    """Identifies an index generation: its segments and live document count."""
    segments = tuple(sorted(r.segment().segment_id() for r, _ in reader.leaf_readers() if hasattr(r, "segment")))
    return segments, reader.doc_count()


def _per_generation(cache: dict, reader, make):
    """The value `make()` gives for this index generation, made once and kept for a few generations."""
    key = generation_key(reader)
    value = cache.get(key)
    if value is None:
        with _vocabularies_lock:
            value = cache.get(key)
            if value is None:
                while len(cache) >= _CACHED_GENERATIONS:
                    cache.pop(next(iter(cache)))
                value = cache[key] = make()
    return value


def built_vocabulary(reader) -> Vocabulary | None:
    """The generation's vocabulary when it is already built, else None (never builds it)."""
    return _vocabularies.get(generation_key(reader))


def vocabulary(searcher) -> Vocabulary:
    """The generation's vocabulary, computed on first use (about a second per 100,000 words)."""
    reader = searcher.reader()
    return _per_generation(_vocabularies, reader, lambda: Vocabulary(reader))


_surface_forms: dict[tuple, dict[str, str]] = {}


def _surface_cache(reader) -> dict[str, str]:
    """Written forms already looked up in this index generation (dict writes are atomic under the GIL)."""
    return _per_generation(_surface_forms, reader, dict)


# --- written forms --------------------------------------------------------------------------

def _form_pattern(term: str) -> re.Pattern:
    """Matches `term` as a whole word written with or without accents, in any case."""
    parts = []
    for ch in term:
        parts.append(f"[{_VOWELS[ch]}]" if ch in _VOWELS else re.escape(ch))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


def surface_form(searcher, term: str) -> str:
    """How the bulletins write a folded word ("vacunacion" → "vacunación"): the commonest form in a few of them."""
    term = fold_keep_enye(_text(term))
    forms_seen = _surface_cache(searcher.reader())
    cached = forms_seen.get(term)
    if cached is not None:
        return cached
    pattern = _form_pattern(term)
    forms: Counter = Counter()
    reader = searcher.reader()
    docs = reader.postings("exact", term).all_ids() if reader.doc_frequency("exact", term) else iter(())
    for _, docnum in zip(range(_SURFACE_DOCS), docs):
        stored = searcher.stored_fields(docnum)
        for text in (stored.get("title") or "", (stored.get("body") or "")[:_SURFACE_CHARS]):
            forms.update(m.group(0).lower() for m in itertools.islice(pattern.finditer(text), 20))
        if sum(forms.values()) >= 5:
            break
    # an accented form wins a tie: bulletins written without accents are the exception
    form = max(forms, key=lambda f: (forms[f], f != term)) if forms else term
    if len(forms_seen) > 50000:
        forms_seen.clear()
    forms_seen[term] = form
    return form


# --- did you mean ---------------------------------------------------------------------------

_SOUNDS = [(re.compile(p), r) for p, r in [
    (r"ch", "C"), (r"qu", "k"), (r"c(?=[ei])", "s"), (r"c", "k"), (r"z", "s"), (r"gu(?=[ei])", "g"),
    (r"g(?=[ei])", "j"), (r"ll", "y"), (r"v", "b"), (r"w", "b"), (r"h", ""), (r"(.)\1", r"\1"),
]]


def sound(word: str) -> str:
    """A Spanish spelling key: words that sound alike share it (vacunasión/vacunación, valla/vaya, hola/ola)."""
    key = fold_keep_enye(word)
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


_SAME_SOUND_STARTS = [("b", "v"), ("v", "b"), ("s", "c"), ("c", "s"), ("z", "s"), ("s", "z"), ("g", "j"),
                      ("j", "g"), ("y", "ll"), ("ll", "y"), ("k", "c"), ("c", "k"), ("qu", "k"), ("h", "")]


def _probes(term: str) -> list[tuple[str, int]]:
    """(spelling, extra edits) to look around: the word, and the word with its first sound respelled.

    The index is searched by edit distance with the first letter fixed (fast), so a misspelt first
    letter ("bacunación") is reached through its respellings.
    """
    probes = [(term, 0)]
    for old, new in _SAME_SOUND_STARTS:
        if term.startswith(old) and len(term) > len(old) + 2:
            probes.append((new + term[len(old):], 1))
    if term[0] in "aeiou":
        probes.append(("h" + term, 1))
    return probes


def _near_words(reader, term: str, known: bool, deadline: float | None = None) -> list[tuple[bool, int, int, str]]:
    """(sounds different, edits, -doc frequency, word) of index words close to `term`, best first.

    One edit-distance walk of the vocabulary per spelling probed; a known (rare) word only looks
    one edit away, an unknown one two (five letters or more), and respellings of its first sound
    are tried only when the word itself has no common neighbour.
    """
    found: dict[str, tuple] = {}
    for probe, extra in _probes(term):
        if extra and any(-key[2] > RARE for key in found.values()):
            break
        if deadline is not None and time.monotonic() > deadline:
            break
        reach = 1 if (known or extra or len(term) < 5) else 2
        candidates = list(reader.terms_within("exact", probe, reach, prefix=1))
        if extra and reader.doc_frequency("exact", probe):
            candidates.append(probe)
        for candidate in map(_text, candidates):
            if candidate == term:
                continue
            key = (sound(candidate) != sound(term), damerau_levenshtein(candidate, term),
                   -reader.doc_frequency("exact", candidate), candidate)
            found[candidate] = min(found.get(candidate, key), key)
    return sorted(found.values())


def correction(searcher, word: str, deadline: float | None = None) -> str | None:
    """A better-known word for what was typed, written as the bulletins write it, or None.

    A word no bulletin has gets its closest common neighbour; a word only one or two bulletins have
    (often the same misspelling) gets a neighbour that sounds the same and is clearly more common.
    """
    reader = searcher.reader()
    term = fold_keep_enye(word)
    if not 3 <= len(term) <= MAX_WORD or not term.isalpha():
        return None
    df = reader.doc_frequency("exact", term)
    if df > RARE:
        return None
    near = _near_words(reader, term, known=df > 0, deadline=deadline)
    if any(fold(c) == fold(term) and -minus_df > RARE for _, _, minus_df, c in near):
        return None  # "mananera" is "mañanera", which the search already finds; "ano" is a word, not "año"
    for sounds_different, _, minus_df, candidate in near:
        if fold(candidate) in stopwords() or fold(candidate) == fold(term):
            continue
        if df == 0 or (not sounds_different and -minus_df >= MORE_COMMON * df):
            return surface_form(searcher, candidate)
    return None


def has_unknown_words(searcher, parsed) -> bool:
    """True when a typed word matches nothing in any inflection: a search still shows the bulletins
    with the other words, and a correction is worth offering however many there are."""
    reader = searcher.reader()
    for clause in parsed.positive:
        for option in clause.options:
            if isinstance(option, Word) and not option.prefix:
                if not (reader.doc_frequency("body", index_term(option.text))
                        or reader.doc_frequency("body", fold(option.text))):
                    return True
    return False


def did_you_mean(searcher, parsed, original: str, budget: float = BUDGET_SECONDS, cache=None) -> str | None:
    """The query with unknown (or very rare) words replaced by a common close word, or None.

    Cheap when every word is well known (one frequency lookup per word), so it can run on every query;
    words left when `budget` seconds are spent keep their spelling. `cache` (the generation: `recall`
    and `remember`) keeps each word's correction, found by a walk of the vocabulary that can take a
    tenth of a second: the next search with that word skips it.
    """
    deadline = time.monotonic() + budget
    replaced = {}
    for clause in parsed.positive:
        for option in clause.options:
            if not isinstance(option, Word) or option.prefix or option.text.isupper():
                continue
            if time.monotonic() > deadline:
                break
            known = cache.recall(("correction", option.text)) if cache is not None else None
            if known is not None:
                better = known[0]
            else:
                better = correction(searcher, option.text, deadline)
                if cache is not None and time.monotonic() <= deadline:  # a walk cut short is not kept
                    cache.remember(("correction", option.text), (better,))
            if better:
                replaced[option.text] = better
    if not replaced:
        return None
    return " ".join(replaced.get(word, word) for _, _, word in word_spans(original))


# --- autocomplete ---------------------------------------------------------------------------

def title_phrases(searcher, typed: str, limit: int, titles: int | None = None) -> list[str]:
    """Continuations of `typed` found in the titles (the best `titles`, 3 × `limit` by default) of
    the bulletins that best match it, up to `limit`."""
    spans = list(word_spans(typed))
    words = [w for _, _, w in spans]
    needed = [fold(w) for w in words]
    content = [w for w in words[:-1] if fold(w) not in stopwords()]
    last = fold(words[-1])
    stem_prefix = os.path.commonprefix([last, index_term(words[-1])])  # "vacunacio" → "vacun"
    clauses = [wq.Term("title", index_term(w)) for w in content]
    clauses.append(wq.Prefix("title", stem_prefix if len(stem_prefix) >= 2 else last))
    results = searcher.search(wq.And(clauses), limit=titles or limit * 3)
    phrases = []
    for hit in results:
        title = hit.get("title") or ""
        title_spans = list(word_spans(title))
        folded = [fold(w) for _, _, w in title_spans]
        for i in range(len(folded) - len(needed) + 1):
            window = folded[i:i + len(needed)]
            if window[:-1] == needed[:-1] and window[-1].startswith(needed[-1]):
                end = min(len(title_spans), i + len(needed) + 3)
                phrase = typed[:spans[0][0]] + title[title_spans[i][0]:title_spans[end - 1][1]]
                phrases.append(_lower_unless_acronyms(phrase))
                break
        if len(phrases) >= limit:
            break
    return phrases


def _lower_unless_acronyms(text: str) -> str:
    """Titles are often in capitals; a completion reads as typed text: lowercase, acronyms kept."""
    out, last = [], 0
    for start, end, word in word_spans(text):
        out.append(text[last:start])
        out.append(word if (word.isupper() and len(word) <= 6 and not text.isupper()) else word.lower())
        last = end
    out.append(text[last:])
    return "".join(out)
