"""Reading Whoosh posting lists a block at a time instead of a posting at a time.

whoosh-reloaded's block matcher (`W3LeafMatcher`) decodes postings in blocks of up to 128 but
hands them out one Python call per posting. Two places pay for that: `skip_to`, which steps
through a block to find a document (scoring a page's candidates calls it thousands of times per
query), and reading a common term's whole list (every document with "salud") for the engine's
caches. `install()` replaces `skip_to` with a binary search over the decoded block; `term_postings`
copies whole blocks into NumPy arrays.
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher


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


def term_postings(reader, field: str, text) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of every posting of a term, over all segments, deletions left out."""
    ids_parts, weight_parts = [], []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        blocks = matcher.child if isinstance(matcher, FilterMatcher) else matcher
        if isinstance(blocks, W3LeafMatcher):
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


def install() -> None:
    """Replace the stepping `skip_to` (idempotent)."""
    W3LeafMatcher.skip_to = _skip_to


install()
