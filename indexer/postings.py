"""Reading Whoosh posting lists a block at a time instead of a posting at a time.

whoosh-reloaded's block matcher (`W3LeafMatcher`) decodes postings in blocks of up to 128 but
hands them out one Python call per posting. Two places pay for that: `skip_to`, which steps
through a block to find a document (scoring a page's candidates calls it thousands of times per
query), and reading a common term's whole list (every document with "salud") for the engine's
caches. `install()` replaces `skip_to` with a binary search over the decoded block; `term_postings`
copies whole blocks into NumPy arrays.
"""
from __future__ import annotations

import pickle
import threading
from bisect import bisect_left
from collections import OrderedDict
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE


def _skip_to(self, targetid):
    if not self.is_active():
        raise ReadTooFar
    if targetid > self._maxid:
        while self.is_active() and targetid > self._maxid:
            self._next_block()
        if not self.is_active():
            return
    if self._ids is None:
        self._read_ids()
    if targetid > self._ids[self._i]:
        self._i = bisect_left(self._ids, targetid, self._i)


def segment_postings(reader, field: str, text):
    """(segment reader, its offset, the term's matcher there, its block matcher or None when the
    postings are in a format other than Whoosh 3's blocks) of each segment holding the term."""
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        blocks = matcher.child if isinstance(matcher, FilterMatcher) else matcher
        yield leaf, offset, matcher, blocks if isinstance(blocks, W3LeafMatcher) else None


def term_postings(reader, field: str, text) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of every posting of a term, over all segments, deletions left out."""
    ids_parts, weight_parts = [], []
    for leaf, offset, matcher, blocks in segment_postings(reader, field, text):
        if blocks is not None:
            ids, weights = _read_blocks(blocks)
            if blocks is not matcher:  # the segment has deleted documents
                keep = ~np.isin(ids, np.fromiter(leaf.deleted_docs_set, dtype=np.int64))
                ids, weights = ids[keep], weights[keep]
        else:
            pairs = []
            while matcher.is_active():
                pairs.append((matcher.id(), matcher.weight()))
                matcher.next()
            ids = np.array([d for d, _ in pairs], dtype=np.int64)
            weights = np.array([w for _, w in pairs], dtype=np.float32)
        ids_parts.append(ids + offset)
        weight_parts.append(weights)
    if not ids_parts:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def _read_blocks(m: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        ids.append(np.asarray(m._ids, dtype=np.int64)[m._i:])
        weights.append(np.asarray(m._weights, dtype=np.float32)[m._i:])
        m._next_block()
    if not ids:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def phrase_docs(reader, field: str, words: list[str], slop: int = 1) -> list[int] | None:
    """Documents where `words` occur in order, each within `slop` positions after the one before.

    The rule of Whoosh's `Phrase` (an ordered SpanNear2 with mindist 1), computed without building
    spans: only documents holding every word are decoded, each word's positions become a set, and
    the positions reachable so far move on word by word. None when a segment's postings are not the
    block format this reads (the caller then asks Whoosh).
    """
    found: list[int] = []
    for leaf, offset in reader.leaf_readers():
        if any((field, word) not in leaf for word in words):
            continue
        common = None
        matchers = []
        for word in words:
            matcher = leaf.postings(field, word)
            blocks = matcher.child if isinstance(matcher, FilterMatcher) else matcher
            if not isinstance(blocks, W3LeafMatcher):
                return None
            matchers.append(blocks)
        # rarest word first: the others only decode the blocks that can hold its documents
        order = sorted(range(len(words)), key=lambda t: leaf.doc_frequency(field, words[t]))
        lists: list = [None] * len(words)
        for t in order:
            lists[t] = _read_ids_values(matchers[t], common)
            common = lists[t][0] if common is None else np.intersect1d(common, lists[t][0], assume_unique=True)
        if leaf.has_deletions():  # deleted documents are still in the postings of their segment
            common = common[~np.isin(common, np.fromiter(leaf.deleted_docs_set, dtype=np.int64))]
        found.extend(doc + offset for doc in _holding_phrase(lists, common, slop))
    return found


def _holding_phrase(lists, docs: np.ndarray, slop: int):
    """Those of `docs` (held by every list) where the lists' words follow each other within `slop`."""
    where = [np.searchsorted(ids, docs).tolist() for ids, _ in lists]
    for k, doc in enumerate(docs.tolist()):
        if in_order((_positions(values[at[k]]) for (_, values), at in zip(lists, where)), slop):
            yield doc


def in_order(spots, slop: int) -> bool:
    """Whether word positions, one collection per word (decoded as needed), hold the words in order,
    each within `slop` positions after the one before: Whoosh's phrase rule."""
    steps = range(1, slop + 1)
    spots = iter(spots)
    reach = set(next(spots, ()))
    for here in spots:
        reach = {p + d for p in reach for d in steps}.intersection(here)
        if not reach:
            return False
    return bool(reach)


_BYTES_OVERHEAD = 41  # a bytes object's header and its slot in a list, beside its content


class PositionLists:
    """Per-generation cache of whole decoded posting lists with their word positions, bounded in bytes.

    Checking whether a page's 50 candidates hold a pair of words side by side decodes (zlib, then
    pickle) every posting block that holds one of them, about as much work as reading the whole list;
    common words come back in query after query, so their decoded lists are kept.
    """

    def __init__(self, budget: int = 96 * 1024 * 1024):
        self.budget = budget
        self.used = 0
        self._lists: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader, field: str, word: str):
        """(global document numbers, raw position values) of a term; None when a segment's postings are
        not in the block format read here."""
        key = (field, word)
        with self._lock:
            cached = self._lists.get(key)
            if cached is not None:
                self._lists.move_to_end(key)
                return cached
        ids_parts, values = [], []
        for leaf, offset, _, blocks in segment_postings(reader, field, word):
            if blocks is None:
                return None
            ids, vals = _read_ids_values(blocks)
            if leaf.has_deletions():
                keep = ~np.isin(ids, np.fromiter(leaf.deleted_docs_set, dtype=np.int64))
                ids, vals = ids[keep], [v for v, k in zip(vals, keep) if k]
            ids_parts.append(ids + offset)
            values.extend(vals)
        found = (np.concatenate(ids_parts) if ids_parts else np.empty(0, np.int64), values)
        size = found[0].nbytes + sum(len(v) + _BYTES_OVERHEAD for v in values)
        with self._lock:
            if size <= self.budget // 4:  # one huge list must not push every other out
                self._lists[key] = found
                self.used += size
                while self.used > self.budget:
                    _, (old_ids, old_values) = self._lists.popitem(last=False)
                    self.used -= old_ids.nbytes + sum(len(v) + _BYTES_OVERHEAD for v in old_values)
        return found

    def phrase_at(self, reader, field: str, words: list[str], slop: int, docs: np.ndarray) -> set[int] | None:
        """Those of `docs` (sorted global numbers) holding the phrase, by Whoosh's rule (see `phrase_docs`)."""
        lists = [self.get(reader, field, word) for word in words]
        if any(found is None for found in lists):
            return None
        common = np.asarray(docs, dtype=np.int64)
        for ids, _ in lists:
            common = common[np.isin(common, ids)]
        return set(_holding_phrase(lists, common, slop))


def _read_ids_values(m: W3LeafMatcher, wanted: np.ndarray | None = None) -> tuple[np.ndarray, list[bytes]]:
    """Ids and values of a posting list; with `wanted` (sorted ids), only of blocks that may hold them."""
    ids, values = [], []
    low = 0
    while m.is_active():
        high = m._maxid
        if wanted is None or np.searchsorted(wanted, low) < np.searchsorted(wanted, high, side="right"):
            if m._ids is None:
                m._read_ids()
            if m._values is None:
                m._read_values()
            ids.append(np.asarray(m._ids, dtype=np.int64)[m._i:])
            values.extend(m._values[m._i:])
        low = high + 1
        m._next_block()
    return (np.concatenate(ids) if ids else np.empty(0, np.int64)), values


def _positions(value: bytes) -> set[int]:
    """A Positions posting's positions (as Whoosh encodes them: a count, then pickled deltas)."""
    codes = value[_INT_SIZE:]
    return set(accumulate(pickle.loads(codes if codes.endswith(b".") else codes + b".")))


def install() -> None:
    """Replace the stepping `skip_to` (idempotent)."""
    W3LeafMatcher.skip_to = _skip_to


install()
