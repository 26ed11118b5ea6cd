"""Everything tied to one published index generation: facet arrays, term weights, caches.

The arrays are loaded from the data stored with the generation when it was published (`derived`).

A generation never changes once published, so what is computed from it can be kept until the
engine sees a newer one.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from . import derived, postings, ranking, store, suggest, typos
from .facets import FacetData

DOCSET_CACHE_SIZE = 4096
DOCSET_CACHE_DOCS = 2_000_000  # document numbers kept in cached sets, all together (about 100 MB)
STORED_CACHE_CHARS = 24_000_000  # text kept decompressed: the bulletins that keep coming up in results


class Generation:
    """Everything tied to one published index generation."""

    def __init__(self, index_dir: Path, warm: bool = True):
        """`warm`: build the vocabulary and typo index in the background (a server); a one-shot
        search leaves them to the first query that needs them."""
        self.name, self.index = store.open_current(index_dir)
        self.path = Path(index_dir) / self.name
        self.sizes = store.file_sizes(self.path)
        self.local = threading.local()
        with self.index.searcher() as searcher:
            reader = searcher.reader()
            stored = derived.load(self.path, reader)  # None: an older index, or a damaged file
            self.facets = FacetData(reader, stored)
            lengths = {field: stored.lengths(field) for field in derived.LENGTH_FIELDS} if stored else {}
            self.weights = ranking.TermWeights(reader.doc_count_all(),
                                               {k: v for k, v in lengths.items() if v is not None})
        self.same_title = stored.same_title if stored is not None else None  # see `distinguish`
        self.positions = postings.PositionLists()  # decoded position lists of common words (exact scoring)
        # The autocomplete vocabulary and the typo index take a second or two each: build them before the
        # first keystroke or misspelt query needs them.
        self.warming = threading.Thread(target=self._warm_vocabulary, daemon=True)
        if warm:
            self.warming.start()
        self.cache: OrderedDict = OrderedDict()  # answers, keyed by normalized request
        self.docsets: OrderedDict = OrderedDict()  # document sets of terms, phrases and date ranges
        self._docset_sizes = 0  # document numbers held by `docsets`
        self._stored: OrderedDict = OrderedDict()  # docnum → stored fields, see `stored`
        self._stored_chars = 0
        self.lock = threading.Lock()

    def _warm_vocabulary(self) -> None:
        try:
            with self.index.searcher() as searcher:
                suggest.vocabulary(searcher)
                typos.typo_index(searcher)  # the first misspelt query should not pay for it either
        except Exception:  # a newer generation replaced this one meanwhile: nothing to warm
            pass

    def recall(self, key):
        """A cached document set (or other per-generation result), None when not cached."""
        with self.lock:
            value = self.docsets.get(key)
            if value is not None:
                self.docsets.move_to_end(key)
            return value

    def remember(self, key, value):
        """Keep `value`; the oldest go once there are too many, or they hold too many document numbers
        (a common word's set at 100,000 bulletins holds tens of thousands, about 50 bytes each)."""
        with self.lock:
            old = self.docsets.pop(key, None)
            self._docset_sizes -= _size(old)
            self.docsets[key] = value
            self._docset_sizes += _size(value)
            while len(self.docsets) > DOCSET_CACHE_SIZE or (self._docset_sizes > DOCSET_CACHE_DOCS
                                                            and len(self.docsets) > 1):
                _, dropped = self.docsets.popitem(last=False)
                self._docset_sizes -= _size(dropped)
        return value

    def stored(self, searcher, docnum: int) -> dict:
        """A bulletin's stored fields. Whoosh keeps each bulletin's fields zlib-compressed: a 40 KB
        transcript takes half a millisecond to decompress, on every result page it appears in, and
        the same bulletins head the results of many searches. So the recent ones are kept, bounded by
        their text's size. (Treat the dict as read-only: it is shared.)"""
        with self.lock:
            fields = self._stored.get(docnum)
            if fields is not None:
                self._stored.move_to_end(docnum)
                return fields
        fields = searcher.stored_fields(docnum)
        size = len(fields.get("body") or "") + 200
        with self.lock:
            if docnum not in self._stored and size < STORED_CACHE_CHARS // 16:
                self._stored[docnum] = fields
                self._stored_chars += size
                while self._stored_chars > STORED_CACHE_CHARS:
                    _, old = self._stored.popitem(last=False)
                    self._stored_chars -= len(old.get("body") or "") + 200
        return fields

    def searcher(self):
        searcher = getattr(self.local, "searcher", None)
        if searcher is None:
            searcher = self.local.searcher = self.index.searcher()
        return searcher


def _size(value) -> int:
    """Document numbers a cached value holds: a set, or a (bar, set) pair of `MostWords`."""
    if isinstance(value, (frozenset, set)):
        return len(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (frozenset, set)):
        return len(value[1])
    return 0
