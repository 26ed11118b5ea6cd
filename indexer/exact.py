"""Exact scores of a page's candidates, computed with NumPy over the engine's cached term data.

The pre-ranker (`ranking.candidates`) picks the 50 best matches by a score that counts a phrase as
its words wherever they are. The page then needs the exact score of those 50: phrases only where
the phrase is, the missing-word factor of `MostWords`, the recency factor. Whoosh computes it by
walking a matcher tree document by document in Python, decoding posting blocks and word positions
(about a third of a search on common words). Every part of that score is at hand, though: each
term's BM25F weights (`ranking.TermWeights`), the documents of each clause (the engine's
document-set cache) and the word positions of common words (`postings.PositionLists`). So the same
formula is evaluated here on the candidates at once; `tests/test_exact_scores.py` holds it to
Whoosh's scores.

A query tree holding a node this module does not know is left to Whoosh (`score_candidates` returns
None), so a new query type can never be scored wrongly, only more slowly.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq

from .query import MostWords, PreferRecent, UnlessAcronym
from .query.recency import _ordinal
from .ranking import PhraseAt


class Unsupported(Exception):
    """A node the NumPy scorer does not model: the caller falls back to Whoosh."""


def score_candidates(weights, positions, searcher, q: wq.Query, candidates: list[int], wanted: int, docs_of,
                     most_of, dates, known_docs=lambda q: None) -> list[tuple[int, float]] | None:
    """(docnum, score) of the `wanted` best `candidates` by `q`'s exact score, best first (ties by
    document number, as Whoosh orders them); None when `q` holds a node only Whoosh can score.

    `weights` and `positions` are the generation's caches of term weights and decoded position lists;
    `docs_of(query)` is the set of documents a clause of `MostWords` matches; `most_of(most_words)` the
    number of clauses a bulletin needs; `dates` the YYYYMMDD date of each document (0 when undated);
    `known_docs(phrase)` the phrase's documents when already known (else None: only the candidates
    are read).
    """
    if not candidates:
        return []
    docs = np.asarray(candidates, dtype=np.int64)
    try:
        scores, matched = _node(q, _Context(weights, positions, searcher, docs, docs_of, most_of, dates, known_docs))
    except Unsupported:
        return None
    keep = np.flatnonzero(matched)
    order = keep[np.lexsort((docs[keep], -scores[keep]))][:wanted]
    return [(int(docs[i]), float(scores[i])) for i in order]


class _Context:
    def __init__(self, weights, positions, searcher, docs, docs_of, most_of, dates, known_docs):
        self.weights, self.positions, self.searcher, self.docs = weights, positions, searcher, docs
        self.docs_of, self.most_of, self.dates, self.known_docs = docs_of, most_of, dates, known_docs

    def member(self, found) -> np.ndarray:
        """Which candidates are in a set of document numbers."""
        if not found:
            return np.zeros(len(self.docs), dtype=bool)
        return np.fromiter((int(d) in found for d in self.docs), dtype=bool, count=len(self.docs))

    def phrase_docs(self, phrase: wq.Phrase) -> set[int]:
        """The candidates holding the phrase: from the engine's cache when the phrase was looked up
        over the whole index before, else by reading word positions in the candidates alone."""
        known = self.known_docs(phrase)
        if known is not None:
            return known
        found = self.positions.phrase_at(self.searcher.reader(), phrase.fieldname, list(phrase.words),
                                         phrase.slop, np.sort(self.docs))
        if found is None:  # postings in a format only Whoosh reads
            docnums = [int(d) for d in self.docs]
            found = [d + offset for leaf, offset in self.searcher.leaf_searchers()
                     for d in PhraseAt(phrase, docnums).matcher(leaf).all_ids()]
        return set(found)

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids, w = self.weights.weights(self.searcher, field, text)
        scores = np.zeros(len(self.docs))
        if not len(ids):
            return scores, np.zeros(len(self.docs), dtype=bool)
        at = np.searchsorted(ids, self.docs)
        inside = at < len(ids)
        matched = np.zeros(len(self.docs), dtype=bool)
        matched[inside] = ids[at[inside]] == self.docs[inside]
        scores[matched] = w[at[matched]]
        return scores, matched


def _node(q: wq.Query, ctx: _Context) -> tuple[np.ndarray, np.ndarray]:
    """(score, matched) of each candidate for one node of the query tree."""
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        scores, matched = ctx.term(q.fieldname, q.text)
    elif isinstance(q, wq.Phrase):
        # Whoosh scores a phrase as the sum of its words' scores, in the documents holding the phrase
        matched = ctx.member(ctx.phrase_docs(q))
        scores = np.zeros(len(ctx.docs))
        for word in q.words:
            scores += ctx.term(q.fieldname, word)[0]
        scores = np.where(matched, scores, 0.0)
    elif isinstance(q, MostWords):
        parts = [_node(sub, ctx) for sub in q.subqueries]
        clause_docs = [ctx.member(ctx.docs_of(sub)) for sub in q.subqueries]
        need = ctx.most_of(q)
        held = np.sum(clause_docs, axis=0)
        matched = held >= need
        for has, mandatory in zip(clause_docs, q.mandatory):
            if mandatory:
                matched &= has
        total = np.zeros(len(ctx.docs))
        for (score, sub_matched), has in zip(parts, clause_docs):
            total += np.where(has & sub_matched, score, 0.0)
        missing = len(q.subqueries) - held
        scores = np.where(matched, total * q.missing_factor ** missing, 0.0)
    elif isinstance(q, wq.DisjunctionMax):  # ours (DisMax) and Whoosh's, which scores the same way
        parts = [_node(sub, ctx) for sub in q.subqueries]
        if not parts:
            raise Unsupported(q)
        scores_of = np.array([np.where(m, s, 0.0) for s, m in parts])
        matched = np.any([m for _, m in parts], axis=0)
        best = scores_of.max(axis=0)
        scores = best + q.tiebreak * (scores_of.sum(axis=0) - best)
    elif isinstance(q, (wq.Or, wq.And)) and not getattr(q, "scale", None):
        parts = [_node(sub, ctx) for sub in q.subqueries]
        if not parts:
            raise Unsupported(q)
        both = [m for _, m in parts]
        matched = np.any(both, axis=0) if isinstance(q, wq.Or) else np.all(both, axis=0)
        scores = np.sum([np.where(m, s, 0.0) for s, m in parts], axis=0)
    elif isinstance(q, wq.AndMaybe):
        scores, matched = _node(q.a, ctx)
        extra, extra_matched = _node(q.b, ctx)
        scores = scores + np.where(extra_matched, extra, 0.0)
    elif isinstance(q, wq.AndNot):
        scores, matched = _node(q.a, ctx)
        matched = matched & ~_node(q.b, ctx)[1]
    elif isinstance(q, UnlessAcronym):
        if q.is_acronym_in(ctx.searcher):
            return np.zeros(len(ctx.docs)), np.zeros(len(ctx.docs), dtype=bool)
        scores, matched = _node(q.child, ctx)
    elif isinstance(q, PreferRecent):
        scores, matched = _node(q.child, ctx)
        newest = q.newest(ctx.searcher)
        days = [_ordinal(int(ctx.dates[d])) for d in ctx.docs]
        decay = np.array([0.5 if not (day and newest) else 2 ** (-max(0, newest - day) / q.half_life_days)
                          for day in days])
        scores = scores * (1 - q.weight + q.weight * decay)
    else:
        raise Unsupported(q)
    if boost != 1.0:
        scores = scores * boost
    return np.where(matched, scores, 0.0), matched
