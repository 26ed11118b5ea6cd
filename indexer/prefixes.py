"""Prefix queries (`vacun*`) searched as the commonest words with that prefix, not every one.

Whoosh expands a prefix to every term starting with it and reads each one's postings: `co*` is ten
thousand words and seconds on a cold engine. Here a prefix stands for its `MAX_WORDS` most frequent
words of the exact-form field (an n typed also reads as ñ: `nin*` finds "niños"), which hold nearly
every bulletin any of them does, plus their title stems for the title boost. The word lists come
from the autocomplete vocabulary when it is built, else from a walk of the prefix's terms, and are
kept per index generation; the search reads each word's postings once and caches them as it does
for typed words.
"""
from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from dataclasses import dataclass

from . import suggest
from .analysis import enye_spellings, fold, fold_keep_enye, index_term

MAX_WORDS = 48
MIN_LETTERS = 2  # `p*` would be every word with a p: the page asks for more letters instead
_CACHE = 2000

_expanded: OrderedDict = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class PrefixWords:
    """What a typed prefix is searched as: words of the exact-form field and stems of the title field."""

    prefix: str
    exact: tuple[str, ...]
    title: tuple[str, ...]
    total: int  # words of the index with the prefix

    @property
    def bounded(self) -> bool:
        """True when some (rarer) words with the prefix are left out."""
        return self.total > len(self.exact)


def expand(searcher, typed: str, limit: int = MAX_WORDS) -> PrefixWords:
    """The `limit` most frequent words starting with `typed` (cached per index generation)."""
    prefix = fold_keep_enye(typed)
    reader = searcher.reader()
    key = (suggest.generation_key(reader), prefix, limit)
    with _lock:
        cached = _expanded.get(key)
    if cached is not None:
        return cached
    vocab = suggest.built_vocabulary(reader)
    if vocab is not None:
        rows = [i for p in enye_spellings(prefix) for i in vocab._range(p)]
        total = len(rows)
        exact = tuple(vocab.terms[i] for i in heapq.nlargest(limit, rows, key=lambda i: (vocab.freqs[i], -i)))
    else:  # a one-shot search: walk just this prefix's terms
        counts: dict[str, int] = {}
        for spelling in enye_spellings(prefix):
            for leaf, _ in reader.leaf_readers():
                for term, info in leaf.iter_prefix("exact", spelling):
                    term = suggest._text(term)
                    counts[term] = counts.get(term, 0) + info.doc_frequency()
        total = len(counts)
        exact = tuple(heapq.nlargest(limit, sorted(counts), key=lambda t: counts[t]))
    stems = dict.fromkeys(index_term(t) for t in exact)
    title = tuple(s for s in stems if s.startswith(fold(typed)) and reader.doc_frequency("title", s))
    found = PrefixWords(prefix, exact, title, total)
    with _lock:
        _expanded[key] = found
        while len(_expanded) > _CACHE:
            _expanded.popitem(last=False)
    return found


def forget() -> None:
    """Drop every cached expansion (to time a cold engine)."""
    with _lock:
        _expanded.clear()
