"""`MostWords`: bulletins with enough of the query's words, scored lower per missing word; plus the
document-set helpers it and the pre-ranker share."""
from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from .dismax import UnlessAcronym


class MostWords(wq.Query):
    """Bulletins with at least `minimum` of the clauses (and every mandatory one), most first.

    A person looking for a bulletin they remember types words it *probably* has; one word it
    lacks (a synonym, an abbreviation, a misspelling) should demote it, not hide it. So a query
    of n words matches bulletins with at least `minimum` of them, and each missing word multiplies
    the score by `missing_factor`. When no bulletin reaches `minimum` (say, a word that appears
    nowhere), the bar drops to the most clauses any bulletin has, instead of answering nothing.
    That bar is decided over the whole index (all segments), so results stay consistent.
    With `minimum` equal to the number of clauses and some bulletin having them all, this is an
    ordinary And.
    """

    def __init__(self, clauses, mandatory, minimum: int, missing_factor: float = 0.5, boost: float = 1.0):
        self.subqueries = list(clauses)
        self.mandatory = list(mandatory)
        self.minimum = minimum
        self.missing_factor = missing_factor
        self.boost = boost
        self._bar: dict = {}

    def __repr__(self):
        return f"MostWords({self.subqueries!r}, {self.mandatory!r}, {self.minimum})"

    def __unicode__(self):
        return "MOST%d(%s)" % (self.minimum, " ".join(str(q) for q in self.subqueries))

    __str__ = __unicode__

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.subqueries == other.subqueries
                and self.mandatory == other.mandatory and self.minimum == other.minimum
                and self.missing_factor == other.missing_factor and self.boost == other.boost)

    def __hash__(self):
        return hash((self.__class__.__name__, tuple(self.subqueries), tuple(self.mandatory), self.minimum))

    def is_leaf(self):
        return False

    def children(self):
        return iter(self.subqueries)

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.subqueries], self.mandatory, self.minimum,
                               self.missing_factor, self.boost)

    def normalize(self):
        return self.__class__([q.normalize() for q in self.subqueries], self.mandatory, self.minimum,
                              self.missing_factor, self.boost)

    def with_boost(self, boost):
        return self.__class__(self.subqueries, self.mandatory, self.minimum, self.missing_factor, boost)

    def estimate_size(self, ixreader):
        return max(q.estimate_size(ixreader) for q in self.subqueries)

    def estimate_min_size(self, ixreader):
        return min(q.estimate_min_size(ixreader) for q in self.subqueries)

    def _strict(self) -> wq.Query:
        return wq.And(self.subqueries, boost=self.boost)

    def _counts(self, clause_docs: list) -> dict[int, int]:
        """doc → how many clauses it has, for the docs that have every mandatory clause."""
        counts = Counter(chain.from_iterable(clause_docs))
        mandatory = [docs for docs, needed in zip(clause_docs, self.mandatory) if needed]
        if mandatory:
            keep = set(mandatory[0]).intersection(*mandatory[1:])
            counts = {doc: n for doc, n in counts.items() if doc in keep}
        return counts

    def _need(self, best: int) -> int:
        return min(self.minimum, best) if best else self.minimum

    def choose(self, clause_docs: list) -> tuple[int, frozenset]:
        """(clauses a bulletin needs, the matching documents), given each clause's documents over
        the whole index. Lets a caller that keeps its own per-clause sets skip the matchers."""
        sizes = [len(docs) for docs in clause_docs]
        if not any(sizes):
            return self._need(0), frozenset()
        # Counted with NumPy: common words hold tens of thousands of bulletins each at 100,000
        ids = [np.fromiter(docs, dtype=np.int64, count=size) for docs, size in zip(clause_docs, sizes)]
        width = max(int(a.max()) for a in ids if len(a)) + 1
        held = np.zeros(width, dtype=np.int32)
        for a in ids:
            held[a] += 1  # a clause's documents are distinct
        for a, mandatory in zip(ids, self.mandatory):
            if mandatory:
                has = np.zeros(width, dtype=bool)
                has[a] = True
                held[~has] = 0
        need = self._need(int(held.max()))
        return need, frozenset(np.flatnonzero(held >= max(need, 1)).tolist())

    def select(self, clause_docs: list) -> frozenset:
        """The matching documents, given the documents of each clause (over the whole index)."""
        return self.choose(clause_docs)[1]

    def at_docs(self, docnums: list[int], clause_docs: list, need: int, subqueries=None) -> "MostWordsAt":
        """This query scored on the given documents only (see `MostWordsAt`)."""
        return MostWordsAt(self, docnums, clause_docs, need, subqueries)

    def _clause_docs(self, searcher) -> list[set]:
        return [docs_of(q, searcher) for q in self.subqueries]

    def bar(self, searcher) -> int:
        """The number of clauses a bulletin needs, decided over the whole index."""
        top = searcher.get_parent()
        key = id(top)
        if key not in self._bar:
            best = 0
            for leaf, _ in top.leaf_searchers():
                best = max([best, *self._counts(self._clause_docs(leaf)).values()])
                if best >= self.minimum:
                    break
            self._bar[key] = self._need(best)
        return self._bar[key]

    def matcher(self, searcher, context=None):
        need = self.bar(searcher)
        if need >= len(self.subqueries):
            return self._strict().matcher(searcher, context)
        clause_docs = self._clause_docs(searcher)
        counts = self._counts(clause_docs)
        ids = sorted(doc for doc, n in counts.items() if n >= need)
        return _most_words_matcher(searcher, context, self.subqueries, clause_docs, ids, counts,
                                   self.missing_factor, self.boost)


def _most_words_matcher(searcher, context, subqueries, clause_docs, ids, counts, missing_factor, boost):
    """The matcher of the selected documents `ids`, scored (when scoring) by `_MostWordsMatcher`."""
    if not ids:
        return NullMatcher()
    if context is None or context.weighting is None:
        return ListMatcher(ids)

    def clauses():
        return [(query.matcher(searcher, context), docs) for query, docs in zip(subqueries, clause_docs)]

    return _MostWordsMatcher(ids, clauses, counts, len(subqueries), missing_factor, boost)


class _MostWordsMatcher(ListMatcher):
    """The selected documents, each scored only when asked (a caller may skip most of them):
    the clauses it has, added up, times the missing-word factor for each clause it lacks."""

    def __init__(self, ids, make_clauses, counts, total: int, missing_factor: float, boost: float, position=0):
        super().__init__(ids, position=position)
        self._make_clauses = make_clauses
        self._clauses = make_clauses()
        self._counts = counts
        self._total, self._factor, self._boost = total, missing_factor, boost
        self._scored: tuple[int, float] = (-1, 0.0)

    def copy(self):
        return self.__class__(self._ids, self._make_clauses, self._counts, self._total, self._factor,
                              self._boost, position=self._i)

    def reset(self):
        super().reset()
        self._clauses = self._make_clauses()

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return float("inf")

    def score(self):
        doc = self.id()
        if self._scored[0] != doc:
            score = 0.0
            for m, docs in self._clauses:
                if doc not in docs or not m.is_active():
                    continue
                if m.id() < doc:
                    m.skip_to(doc)
                if m.is_active() and m.id() == doc:
                    score += m.score()
            missing = self._total - self._counts[doc]
            self._scored = (doc, self._boost * score * self._factor ** missing)
        return self._scored[1]


class MostWordsAt(wq.Query):
    """A `MostWords` query scored on given documents (global numbers), with its bar and each clause's
    documents already known; so scoring a page's candidates never walks the clauses' whole posting
    lists, as `MostWords.matcher` must."""

    def __init__(self, most: MostWords, docnums: list[int], clause_docs: list, need: int, subqueries=None):
        self.most, self.docnums, self.clause_docs, self.need = most, docnums, clause_docs, need
        self.subqueries = list(subqueries if subqueries is not None else most.subqueries)

    def __repr__(self):
        return f"MostWordsAt({self.most!r}, {len(self.docnums)} docs)"

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.most == other.most and self.docnums == other.docnums
                and self.subqueries == other.subqueries)

    def __hash__(self):
        return hash((self.most, tuple(self.docnums)))

    def is_leaf(self):
        return False

    def children(self):
        return iter(self.subqueries)

    def estimate_size(self, ixreader):
        return len(self.docnums)

    def matcher(self, searcher, context=None):
        most = self.most
        offset, here = segment_docs(searcher, self.docnums)
        mandatory = [docs for docs, needed in zip(self.clause_docs, most.mandatory) if needed]
        ids, counts, local_clause_docs = [], {}, [set() for _ in self.clause_docs]
        for local in here:
            doc = local + offset
            if any(doc not in docs for docs in mandatory):
                continue
            held = [i for i, docs in enumerate(self.clause_docs) if doc in docs]
            if len(held) >= self.need:
                ids.append(local)
                counts[local] = len(held)
                for i in held:
                    local_clause_docs[i].add(local)
        return _most_words_matcher(searcher, context, self.subqueries, local_clause_docs, ids, counts,
                                   most.missing_factor, most.boost)


def segment_offset(searcher) -> int:
    """Where a segment's document numbers start in the whole index (0 for the top searcher)."""
    parent = searcher.get_parent()
    if parent is searcher:
        return 0
    for sub, offset in parent.subsearchers:
        if sub is searcher:
            return offset
    return 0


def segment_docs(searcher, docnums: list[int]) -> tuple[int, list[int]]:
    """(this segment's offset, those of the global `docnums` that fall in it, as local numbers)."""
    offset = segment_offset(searcher)
    size = searcher.reader().doc_count_all()
    return offset, [d - offset for d in docnums if 0 <= d - offset < size]


def docs_of(q: wq.Query, searcher) -> set:
    """Document numbers matching `q` in this searcher, by set algebra where the query allows it."""
    if isinstance(q, wq.Term):
        reader = searcher.reader()
        return set(reader.postings(q.fieldname, q.text).all_ids()) if (q.fieldname, q.text) in reader else set()
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return set().union(*(docs_of(sub, searcher) for sub in q.subqueries))
    if isinstance(q, wq.And):
        sets = sorted((docs_of(sub, searcher) for sub in q.subqueries), key=len)
        return sets[0].intersection(*sets[1:]) if sets else set()
    if isinstance(q, UnlessAcronym):
        return set() if q.is_acronym_in(searcher) else docs_of(q.child, searcher)
    return set(q.matcher(searcher).all_ids())
