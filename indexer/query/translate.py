"""A parsed query turned into a Whoosh query: each word's ways to match, phrases, prefixes,
"most words" for longer queries, the proximity bonus and exclusions."""
from __future__ import annotations

import math

from whoosh import query as wq
from whoosh.query.compound import DefaultOr

from ..analysis import fold, fold_keep_enye, index_term, split_compound, typed_term
from . import knobs
from .alternatives import Alternative, Expansions
from .dismax import DisMax, UnlessAcronym
from .language import ParsedQuery, Phrase, Word, _is_stopword
from .mostwords import MostWords
from .recency import PreferRecent


def word_query(word: str, alternatives: tuple[Alternative, ...] | list[Alternative] = (),
               exact: str | None = None) -> wq.Query:
    """All the ways one typed word can match: stemmed body/title, acronym form, exact form (`exact`
    when the engine found the word's exact form written otherwise: "ninos" → "niños"), and weaker,
    the `alternatives` (corrections, synonyms) the engine found for it."""
    own = _own_word_query(word, exact)
    if not alternatives:
        return own
    others = [q for q in (_alternative_query(alt) for alt in alternatives) if q is not None]
    return _alternatives([own, *others]) if others else own


def _alternative_query(alt: Alternative) -> wq.Query | None:
    if len(alt.words) == 1:
        q = _own_word_query(alt.words[0])
    else:
        q = phrase_query(list(alt.words))
    return q.with_boost(q.boost * alt.boost) if q is not None else None


def _own_word_query(word: str, exact: str | None = None) -> wq.Query:
    parts = split_compound(word)
    if len(parts) > 1:
        whole = fold(word)
        phrase = [index_term(p) for p in parts]
        return _alternatives([
            wq.Term("body", whole), wq.Term("title", whole, boost=knobs.TITLE_BOOST),
            wq.Phrase("body", phrase), wq.Phrase("title", phrase, boost=knobs.TITLE_BOOST),
            wq.Term("exact", fold_keep_enye(word), boost=knobs.EXACT_BOOST),
        ])
    term = typed_term(word)
    folded = fold(word)
    stemmed = wq.Or([wq.Term("body", term), wq.Term("title", term, boost=knobs.TITLE_BOOST)])
    if folded == term:
        options = [stemmed]
    else:  # acronyms are indexed unstemmed even when typed in lowercase ("censida" is CENSIDA, not censo)
        options = [UnlessAcronym(stemmed, folded, fold_keep_enye(word)),
                   wq.Term("body", folded), wq.Term("title", folded, boost=knobs.TITLE_BOOST)]
    options.append(wq.Term("exact", exact or fold_keep_enye(word), boost=knobs.EXACT_BOOST))
    return _alternatives(options)


def _alternatives(options: list[wq.Query]) -> wq.Query:
    """One word's ways to match, scored so that matching in several ways adds only a little."""
    if knobs.DISMAX_TIEBREAK is None:
        return wq.Or(options)
    return DisMax(options, tiebreak=knobs.DISMAX_TIEBREAK)



def prefix_query(word: str, words=None) -> wq.Query:
    """The words starting with `word`: those of `words` (`indexer.prefixes.PrefixWords`, the commonest
    ones the index has), or, without it, every one (Whoosh expands the prefix itself)."""
    if words is not None:
        terms = [wq.Term("exact", t) for t in words.exact]
        terms += [wq.Term("title", t, boost=knobs.TITLE_BOOST) for t in words.title]
        return wq.Or(terms) if terms else wq.NullQuery
    return wq.Or([wq.Prefix("exact", fold_keep_enye(word)), wq.Prefix("title", fold(word), boost=knobs.TITLE_BOOST),
                  wq.Prefix("body", fold(word))])


def phrase_terms(words: list[str]) -> tuple[list[str], int]:
    """Stemmed terms of a phrase and the slop its dropped stopwords need."""
    terms, gap, slop = [], 0, 1
    for word in words:
        if _is_stopword(word):
            gap += 1
            continue
        for part in split_compound(word):
            terms.append(index_term(part))
        slop = max(slop, gap + 1)
        gap = 0
    return terms, slop


def phrase_query(words: list[str], boost: float = 1.0) -> wq.Query | None:
    terms, slop = phrase_terms(words)
    if not terms:
        return None
    if len(terms) == 1:
        return word_query(words[-1])
    return wq.Or([wq.Phrase("body", terms, slop=slop, boost=boost),
                  wq.Phrase("title", terms, slop=slop, boost=boost * knobs.TITLE_BOOST)])


def option_query(option, expansions: Expansions | None = None) -> wq.Query | None:
    if isinstance(option, Phrase):
        own = phrase_query(option.words)
        fixed = expansions.of_phrase(option.words) if expansions is not None else None
        if fixed is None or own is None:
            return own
        return wq.Or([own, phrase_query(list(fixed.words), boost=fixed.boost)])
    if option.prefix:
        return prefix_query(option.text, expansions.of_prefix(option.text) if expansions is not None else None)
    if expansions is None:
        return word_query(option.text)
    exact = expansions.exact_form(option.text)
    if option.literal:
        return word_query(option.text, exact=exact)
    return word_query(option.text, expansions.of(option.text), exact)


def to_whoosh(parsed: ParsedQuery, proximity: bool = True, recency: float | None = None,
              expansions: Expansions | None = None) -> wq.Query:
    """The Whoosh query for the text part (filters are applied separately as document sets).

    `expansions`: other words the engine found for typed words (never for excluded ones).
    `recency`: half-life in days of a preference for newer bulletins (0: none; None: the default,
    `knobs.RECENCY_HALF_LIFE_DAYS`).
    """
    clauses, mandatory, excluded = [], [], []
    for clause in parsed.clauses:
        widen = None if clause.negated else expansions
        options = [(o, q) for o, q in ((o, option_query(o, widen)) for o in clause.options) if q is not None]
        if not options:
            continue
        q = options[0][1] if len(options) == 1 else wq.Or([q for _, q in options])
        if clause.negated:
            excluded.append(q)
        else:
            clauses.append(q)
            mandatory.append(all(isinstance(o, Phrase) for o, _ in options))
    minimum = minimum_should_match(len(clauses))
    if not clauses:
        main: wq.Query = wq.Every()
    elif len(clauses) == 1 or (minimum == len(clauses) and not knobs.MOST_WORDS_FALLBACK):
        main = clauses[0] if len(clauses) == 1 else wq.And(clauses)
    else:
        main = MostWords(clauses, mandatory, minimum, knobs.MISSING_WORD_FACTOR)
    if proximity:
        near = proximity_query(parsed, expansions)
        if near is not None:
            main = wq.AndMaybe(main, near)
    if excluded:
        main = wq.AndNot(main, wq.Or(excluded))
    if recency is None:
        recency = knobs.RECENCY_HALF_LIFE_DAYS
    if recency and not parsed.is_empty():
        main = PreferRecent(main, recency, knobs.RECENCY_WEIGHT)
    return main


def minimum_should_match(clauses: int) -> int:
    """How many of the query's words a bulletin needs: all of up to `knobs.ALL_WORDS_UP_TO`, then a share."""
    if clauses <= knobs.ALL_WORDS_UP_TO:
        return clauses
    return max(1, min(clauses, math.ceil(clauses * knobs.MIN_SHOULD_MATCH - 1e-9)))


def proximity_query(parsed: ParsedQuery, expansions: Expansions | None = None) -> wq.Query | None:
    """Optional bonus for query words found close together in the body.

    Each pair of consecutive plain words is a sloppy phrase, so a bulletin where "hospital" and
    "privado" sit together gains even when the other words of the query are far away.
    """
    corrected = expansions.corrected if expansions is not None else {}
    plain = [corrected.get(c.options[0].text, c.options[0].text) for c in parsed.positive
             if len(c.options) == 1 and isinstance(c.options[0], Word) and not c.options[0].prefix]
    terms = [typed_term(p) if p == w else index_term(p) for w in plain for p in split_compound(w)]
    if len(terms) < 2 or knobs.PROXIMITY == "none":
        return None
    if knobs.PROXIMITY == "all":
        return wq.Phrase("body", terms, slop=knobs.PROXIMITY_SLOP, boost=knobs.PHRASE_BOOST)
    pairs = [wq.Phrase("body", terms[i:i + 2], slop=knobs.PROXIMITY_SLOP, boost=knobs.PHRASE_BOOST)
             for i in range(len(terms) - 1) if terms[i] != terms[i + 1]]
    if len(pairs) < 2:
        return pairs[0] if pairs else None
    # A union evaluated lazily: phrases are checked only where the main query matched.
    return DefaultOr(pairs)
