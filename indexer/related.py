"""Related bulletins, chosen by what is distinctive in a bulletin rather than by its commonest words.

A bulletin's distinctive terms are those it uses more than the collection does (tf × idf over its
title and opening), leaving out words almost every bulletin has and words only it has. Another
bulletin is related when it shares several of them; bulletins are ranked by the BM25 weight of the
shared terms (read from the per-generation arrays the pre-ranker already keeps).
"""
from __future__ import annotations

import math

import numpy as np

from .analysis import bulletin_analyzer

TERMS = 12  # distinctive terms looked for
MAX_SHARE = 0.2  # a term in more than this share of bulletins says little about a topic
MIN_SHARED = 2  # distinctive terms a related bulletin must share
MIN_DOCS = 2  # a term only this bulletin has relates it to nothing
COMMON_FLOOR = 5  # in a small collection, a term in this many bulletins is never too common
TITLE_WEIGHT = 3.0
TEXT_CHARS = 20000
LENGTH_SLACK = 4.0  # bulletins up to this many times longer compete evenly


def distinctive_terms(reader, title: str, body: str, limit: int = TERMS) -> list[tuple[str, float]]:
    """(term, weight) of the bulletin's most distinctive stemmed terms, best first."""
    total = max(1, reader.doc_count())
    counts: dict[str, float] = {}
    analyzer = bulletin_analyzer()
    for text, weight in ((title or "", TITLE_WEIGHT), ((body or "")[:TEXT_CHARS], 1.0)):
        for term, places in analyzer.term_positions(text).items():
            counts[term] = counts.get(term, 0.0) + weight * len(places)
    scored = []
    for term, tf in counts.items():
        if len(term) < 3 or not any(ch.isalpha() for ch in term) or "-" in term or "/" in term:
            continue
        df = reader.doc_frequency("body", term)
        if df < MIN_DOCS or df > max(MAX_SHARE * total, COMMON_FLOOR):
            continue
        scored.append((term, (1 + math.log(tf)) * math.log(total / df)))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]


def related(weights, searcher, docnum: int, title: str, body: str, limit: int = 5,
            live: frozenset | None = None) -> list[int]:
    """Document numbers of up to `limit` bulletins sharing the most distinctive terms with this one."""
    terms = distinctive_terms(searcher.reader(), title, body)
    if not terms:
        return []
    size = weights.size
    score = np.zeros(size, dtype=np.float32)
    shared = np.zeros(size, dtype=np.int16)
    for term, weight in terms:
        ids, w = weights.weights(searcher, "body", term)
        if len(ids):
            score[ids] += weight * w
            shared[ids] += 1
    score[shared < min(MIN_SHARED, len(terms))] = 0
    # a long transcript mentions everything once: a bulletin far longer than this one needs more to count
    lengths = weights._field_lengths(searcher, "body")
    ratio = lengths / max(1.0, float(lengths[docnum]))
    score /= 1.0 + np.log1p(np.maximum(0.0, ratio / LENGTH_SLACK - 1.0))
    score[docnum] = 0
    if live is not None and len(live) < size:
        mask = np.zeros(size, dtype=bool)
        mask[list(live)] = True
        score[~mask] = 0
    best = np.argsort(-score, kind="stable")[:limit]
    return [int(d) for d in best if score[d] > 0]
