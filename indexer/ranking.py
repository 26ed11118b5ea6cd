"""Candidate ranking: a vectorized BM25F pre-ranking that spares Whoosh from scoring every match.

Whoosh scores a query by walking its matcher tree document by document in Python, which costs
hundreds of milliseconds when a common query matches thousands of bulletins. Here each query term's
BM25F contribution per document is computed once per index generation as NumPy arrays; summing
them ranks every match in about a millisecond. Only the best few (`exact_enough`, 50 for a first
page) then go through Whoosh's exact scoring (proximity, missing-word penalties and all), and
`restrict` makes that scoring look at those documents alone: phrases and most-words clauses are
checked there and nowhere else. The top results are the same unless a bulletin outside the
candidates would have been lifted into the first page by proximity alone.
"""
from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import OrderedDict

import numpy as np
from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.matching import IntersectionMatcher, ListMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.util import make_binary_tree

from . import derived, postings
from .query import MostWords, segment_docs

B, K1 = 0.75, 1.2  # Whoosh's BM25F defaults, so both stages agree
TERM_CACHE = 2048


class TermWeights:
    """Per-generation cache of (document numbers, BM25F weights) for query terms."""

    def __init__(self, size: int, lengths: dict[str, np.ndarray] | None = None):
        """`lengths`: field lengths stored with the generation (see `derived`), else read on first use."""
        self.size = size
        self.lengths: dict[str, np.ndarray] = dict(lengths or {})
        self.avg: dict[str, float] = {}
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def _field_lengths(self, searcher, field: str) -> np.ndarray:
        lengths = self.lengths.get(field)
        if lengths is None:
            lengths = self.lengths[field] = derived.field_lengths(searcher.reader(), field)
        if field not in self.avg:
            self.avg[field] = float(searcher.avg_field_length(field) or 1.0)
        return lengths

    def weights(self, searcher, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers holding the term and its BM25F weight in each (searcher: this thread's)."""
        key = (field, text)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        ids, tf = postings.term_postings(searcher.reader(), field, text)
        if not len(ids):
            result = (ids, tf)
        else:
            lengths = self._field_lengths(searcher, field)[ids]
            norm = K1 * ((1 - B) + B * lengths / self.avg[field])
            idf = searcher.idf(field, text)
            result = (ids, (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32))
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > TERM_CACHE:
                self._cache.popitem(last=False)
        return result


def _scores(weights: TermWeights, searcher, q: wq.Query) -> np.ndarray | None:
    """Dense per-document scores of a query tree, combined the way Whoosh combines them: sums for
    Or/And, best-plus-tiebreak for DisjunctionMax; a phrase counts as the sum of its words."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        ids, w = weights.weights(searcher, q.fieldname, q.text)
        if not len(ids):
            return None
        out = np.zeros(weights.size, dtype=np.float32)
        out[ids] = boost * w
        return out
    if isinstance(q, wq.Phrase):
        children = [wq.Term(q.fieldname, word) for word in q.words]
    elif isinstance(q, (wq.AndNot, wq.AndMaybe)):
        children = [q.a]
    else:
        children = list(q.children())
    parts = [p for p in (_scores(weights, searcher, c) for c in children) if p is not None]
    if not parts:
        return None
    total = parts[0].copy() if len(parts) == 1 else np.sum(parts, axis=0)
    if isinstance(q, wq.DisjunctionMax) and len(parts) > 1:
        best = np.max(parts, axis=0)
        total = best + q.tiebreak * (total - best)
    return total * boost if boost != 1.0 else total


def candidates(weights: TermWeights, searcher, q: wq.Query, hits: frozenset[int], count: int) -> list[int]:
    """The `count` best documents of `hits` by the pre-ranking score."""
    if len(hits) <= count:
        return sorted(hits)
    scores = _scores(weights, searcher, q)
    allowed = np.fromiter(hits, dtype=np.int64, count=len(hits))
    if scores is None:
        return sorted(int(d) for d in allowed[:count])
    picked = allowed[np.argpartition(-scores[allowed], count - 1)[:count]]
    return sorted(int(d) for d in picked)



def ranked(weights: TermWeights, searcher, q: wq.Query, hits: frozenset[int]) -> list[int]:
    """Every document of `hits`, best pre-ranking score first (ties by document number).

    For exports of thousands of matches, where exact scoring of each would cost seconds; the first
    page of a search re-scores its best candidates exactly, so the two orders can differ slightly.
    """
    scores = _scores(weights, searcher, q)
    docs = sorted(hits)
    if scores is None or not docs:
        return docs
    allowed = np.asarray(docs, dtype=np.int64)
    return [int(d) for d in allowed[np.argsort(-scores[allowed], kind="stable")]]

class OnlyDocs(wq.Query):
    """Matches exactly the given documents with no score of its own, so And([q, OnlyDocs(ids)]) makes
    Whoosh score `q` on those documents only, skipping past everything else."""

    def __init__(self, docnums: list[int]):
        self.docnums = docnums

    def __repr__(self):
        return f"OnlyDocs({len(self.docnums)})"

    def __eq__(self, other):
        return isinstance(other, OnlyDocs) and other.docnums == self.docnums

    def __hash__(self):
        return hash(tuple(self.docnums))

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        return _Unscored(segment_docs(searcher, self.docnums)[1])


class _Unscored(ListMatcher):
    """A list of documents that adds nothing to the score (ListMatcher's weight is at least 1)."""

    def weight(self):
        return 0.0

    def score(self):
        return 0.0


class PhraseAt(wq.Query):
    """A phrase (or sloppy phrase) looked for only in the given documents.

    Asked to skip to a document, Whoosh's phrase matcher reads word positions in every later document
    holding all the words until it finds the phrase, so re-scoring 50 candidates of a common pair
    like "hospital general" decoded positions across most of the index. This one reads positions in
    the candidates alone; which candidates match, and their scores, are the same.
    """

    def __init__(self, phrase: wq.Phrase, docnums: list[int]):
        self.phrase = phrase
        self.docnums = docnums

    def __repr__(self):
        return f"PhraseAt({self.phrase!r}, {len(self.docnums)} docs)"

    def __eq__(self, other):
        return isinstance(other, PhraseAt) and other.phrase == self.phrase and other.docnums == self.docnums

    def __hash__(self):
        return hash((self.phrase, tuple(self.docnums)))

    def estimate_size(self, ixreader):
        return min(len(self.docnums), self.phrase.estimate_size(ixreader))

    def matcher(self, searcher, context=None):
        phrase = self.phrase
        reader = searcher.reader()
        if phrase.fieldname not in searcher.schema:
            return NullMatcher()
        field = searcher.schema[phrase.fieldname]
        words = []
        for word in phrase.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (phrase.fieldname, word) not in reader:
                return NullMatcher()
            words.append(word)
        local = segment_docs(searcher, self.docnums)[1]
        if not local:
            return NullMatcher()
        terms = [wq.Term(phrase.fieldname, w).matcher(searcher, context) for w in words]
        matcher = _NearAtDocs(terms, local, phrase.slop)
        return WrappingMatcher(matcher, boost=phrase.boost) if phrase.boost != 1.0 else matcher


class _NearAtDocs(SpanNear2.SpanNear2Matcher):
    """Whoosh's ordered-near matcher (the one a Phrase uses), moved from candidate to candidate."""

    def __init__(self, ms, docs: list[int], slop: int, position: int = 0):
        self.ms, self.slop, self.ordered, self.mindist = ms, slop, True, 1
        self.docs, self.position = docs, position
        WrappingMatcher.__init__(self, make_binary_tree(IntersectionMatcher, ms))
        self._spans = None
        self._find_next()

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.docs, self.slop, self.position)

    def supports_block_quality(self):
        return False

    def is_active(self):
        return self.position < len(self.docs) and self.child.is_active()

    def _find_next(self):
        child, docs = self.child, self.docs
        while self.position < len(docs) and child.is_active():
            doc = docs[self.position]
            if child.id() < doc:
                child.skip_to(doc)
                if not child.is_active():
                    break
            if child.id() == doc:
                spans = self._get_spans()
                if spans:
                    self._spans = spans
                    return
            self.position += 1
        self._spans = None

    def next(self):
        self.position += 1
        self._find_next()

    def skip_to(self, id):
        self.position = bisect_left(self.docs, id, lo=self.position)
        self._find_next()


def restrict(q: wq.Query, docnums: list[int], docs_of, words_needed) -> wq.Query:
    """`q` scored on the given documents only (global numbers, sorted).

    What `MostWords` must know about the whole index comes from the engine's caches:
    `docs_of(query)`, the documents a subquery matches, and `words_needed(most_words)`, its bar.
    """
    def focus(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Phrase):
            return PhraseAt(node, docnums)
        if isinstance(node, MostWords):
            return node.at_docs(docnums, [docs_of(sub) for sub in node.subqueries], words_needed(node),
                                [focus(sub) for sub in node.subqueries])
        return node.apply(focus)

    return wq.And([focus(q), OnlyDocs(docnums)])


def exact_enough(total_hits: int, wanted: int) -> int:
    """How many candidates to re-score exactly for a page that needs `wanted` results."""
    return max(50, 4 * wanted)


class _Deadline(WrappingCollector):
    """Stops Whoosh's exact scoring at a deadline; what was scored by then is kept."""

    def __init__(self, child, deadline: float):
        super().__init__(child)
        self.deadline = deadline
        self.timed_out = False

    def collect_matches(self):
        for sub_docnum in self.child.matches():
            if time.monotonic() > self.deadline:
                self.timed_out = True
                raise TimeLimit
            self.child.collect(sub_docnum)


def score_exactly(searcher, focused: wq.Query, candidates: list[int], wanted: int, budget: float):
    """(docnum, score) of the `wanted` best `candidates` by Whoosh's exact score of `focused` (see
    `restrict`), best first. A long query can take seconds to score: after `budget` seconds the
    candidates not yet scored (the pre-ranking's best, in document order) follow with score None."""
    collector = _Deadline(searcher.collector(limit=wanted, optimize=False),  # 50 documents: no pruning
                          time.monotonic() + budget)
    try:
        searcher.search_with_collector(focused, collector)
    except TimeLimit:
        pass
    ranked = [(hit.docnum, hit.score) for hit in collector.results()]
    if collector.timed_out:
        scored = {docnum for docnum, _ in ranked}
        ranked += [(docnum, None) for docnum in candidates if docnum not in scored]
    return ranked
