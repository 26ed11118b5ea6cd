"""The query language people type, parsed forgivingly and turned into Whoosh queries.

    vacunacion niños          words in any inflection, accents optional; all of them are required
                              in queries of up to three words, three in four in longer ones
                              (a bulletin lacking one ranks lower), and when no bulletin has
                              enough of them, those with the most are shown
    "salud pública"           exact phrase
    -dengue                   exclude
    dengue OR zika            either
    vacun*                    prefix
    agencia:IMSS              field filters: agencia:..., fecha:2023, fecha:2023-11,
    fecha:2023-01..2023-06    fecha:2023-11-30, fecha:DESDE..HASTA

Malformed syntax never raises: an unclosed quote, a dangling OR, an unknown field or a lonely
"-" degrade to plain words.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.matching import ListMatcher, Matcher, NullMatcher, ReadTooFar
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query.wrappers import WrappingQuery

from .analysis import (fold, fold_keep_enye, index_term, is_acronym, split_compound, stopwords,
                       word_spans)

# Ranking knobs; the values and the measurements that chose them are in docs/search-quality.md.
TITLE_BOOST = 2.5
EXACT_BOOST = 1.5
PHRASE_BOOST = 2.0
PROXIMITY = "pairs"  # "pairs": consecutive words near each other; "all": the whole query as one sloppy phrase; "none"
PROXIMITY_SLOP = 4
ALL_WORDS_UP_TO = 3  # queries this short need every word
MIN_SHOULD_MATCH = 0.75  # share of the words a bulletin needs in longer queries (rounded up)
MISSING_WORD_FACTOR = 0.5  # score factor per query word a bulletin lacks
MOST_WORDS_FALLBACK = True  # when no bulletin has enough of the words, show those with the most
DISMAX_TIEBREAK = 0.1  # a word scores its best match (stemmed, title, exact form) + 0.1 × the others; None: they add up
RECENCY_HALF_LIFE_DAYS = 0.0  # 0: relevance alone; e.g. 365: a year-old bulletin loses half its recency bonus
RECENCY_WEIGHT = 0.3  # the share of the score that recency can take away from the oldest bulletins
MAX_QUERY_CHARS = 500

_PIECE = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
_FIELD = re.compile(r"^(agencia|agency|fecha|date|año|ano|year):(.*)$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass
class Word:
    text: str
    prefix: bool = False


@dataclass
class Phrase:
    words: list[str]


@dataclass
class Clause:
    """One required (or excluded) unit: alternatives joined by OR."""

    options: list  # of Word | Phrase
    negated: bool = False


@dataclass
class ParsedQuery:
    clauses: list[Clause] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated]

    def is_empty(self) -> bool:
        return not self.clauses


def parse(text: str) -> ParsedQuery:
    """Parse what a person typed; never raises."""
    parsed = ParsedQuery()
    text = unicodedata.normalize("NFC", (text or "")[:MAX_QUERY_CHARS]).replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    pending_or = False
    for match in _PIECE.finditer(text):
        negated, quoted, closed, bare = match.group(1), match.group(2), match.group(3), match.group(4)
        option = None
        is_negated = False
        if quoted is not None:
            words = [w for _, _, w in word_spans(quoted)]
            if closed and len(words) > 1:
                option = Phrase(words)
            elif words:  # unclosed quote or a quoted single word: plain words
                for w in words[:-1]:
                    _add(parsed, Word(w), bool(negated), pending_or)
                    pending_or = False
                option = Word(words[-1])
            is_negated = bool(negated)
        else:
            if bare == "OR" or bare == "|":
                pending_or = bool(parsed.clauses)
                continue
            fielded = _FIELD.match(bare)
            if fielded and fielded.group(2) and _apply_filter(parsed, fielded.group(1).lower(), fielded.group(2)):
                continue
            is_negated = bare.startswith("-") and len(bare) > 1
            body = bare[1:] if is_negated else bare
            prefix = body.endswith("*")
            words = [w for _, _, w in word_spans(body)]
            if not words:
                continue
            for w in words[:-1]:
                _add(parsed, Word(w), is_negated, pending_or)
                pending_or = False
            last = words[-1]
            option = Word(last, prefix=prefix and len(fold(last)) >= 2)
        if option is not None:
            _add(parsed, option, is_negated, pending_or)
            pending_or = False
    return parsed


def _add(parsed: ParsedQuery, option, negated: bool, join_previous: bool) -> None:
    if isinstance(option, Word) and not option.prefix and _is_stopword(option.text):
        return
    if join_previous and parsed.clauses and not negated and not parsed.clauses[-1].negated:
        parsed.clauses[-1].options.append(option)
    else:
        parsed.clauses.append(Clause([option], negated))


def _is_stopword(word: str) -> bool:
    return fold(word) in stopwords() and not is_acronym(word)


def _apply_filter(parsed: ParsedQuery, name: str, value: str) -> bool:
    value = value.strip().strip('"')
    if name in ("agencia", "agency"):
        if value:
            parsed.agencies.append(value)
        return bool(value)
    lo, _, hi = value.partition("..")
    start = parse_day(lo, end=False) if lo else None
    end = parse_day(hi if hi else lo, end=True) if (hi or not _) else None
    if start is None and end is None:
        return False
    parsed.date_from, parsed.date_to = start, end
    return True


def parse_day(text: str, end: bool = False) -> dt.date | None:
    """"2023" / "2023-11" / "2023-11-30" (also dd/mm/yyyy) → the first (or, with end=True, last) day."""
    text = (text or "").strip()
    numeric = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if numeric:
        text = f"{numeric.group(3)}-{numeric.group(2)}-{numeric.group(1)}"
    m = _DAY.match(text)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            return dt.date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- Whoosh queries -------------------------------------------------------------------------

def word_query(word: str) -> wq.Query:
    """All the ways one typed word can match: stemmed body/title, acronym form, exact form."""
    parts = split_compound(word)
    if len(parts) > 1:
        whole = fold(word)
        phrase = [index_term(p) for p in parts]
        return _alternatives([
            wq.Term("body", whole), wq.Term("title", whole, boost=TITLE_BOOST),
            wq.Phrase("body", phrase), wq.Phrase("title", phrase, boost=TITLE_BOOST),
            wq.Term("exact", fold_keep_enye(word), boost=EXACT_BOOST),
        ])
    term = index_term(word)
    folded = fold(word)
    stemmed = wq.Or([wq.Term("body", term), wq.Term("title", term, boost=TITLE_BOOST)])
    if folded == term:
        options = [stemmed]
    else:  # acronyms are indexed unstemmed even when typed in lowercase ("censida" is CENSIDA, not censo)
        options = [UnlessAcronym(stemmed, folded, fold_keep_enye(word)),
                   wq.Term("body", folded), wq.Term("title", folded, boost=TITLE_BOOST)]
    options.append(wq.Term("exact", fold_keep_enye(word), boost=EXACT_BOOST))
    return _alternatives(options)


def _alternatives(options: list[wq.Query]) -> wq.Query:
    """One word's ways to match, scored so that matching in several ways adds only a little."""
    if DISMAX_TIEBREAK is None:
        return wq.Or(options)
    return DisMax(options, tiebreak=DISMAX_TIEBREAK)


class DisMax(wq.DisjunctionMax):
    """DisjunctionMax scored as documented: the best subquery's score plus `tiebreak` × the others'.

    Whoosh's own matcher ignores the tiebreak, and when its sides sit on different documents it can
    return the score of a document other than the current one, so a bulletin's score depended on
    which documents were scored before it.
    """

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.subqueries], boost=self.boost, tiebreak=self.tiebreak)

    def _matcher(self, subs, searcher, context):
        matcher = _DisMaxMatcher([q.matcher(searcher, context) for q in subs], self.tiebreak)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class _DisMaxMatcher(Matcher):
    """The union of several matchers; the score combines those on the current document only."""

    def __init__(self, matchers, tiebreak: float):
        self.matchers = [m for m in matchers if m.is_active()]
        self.tiebreak = tiebreak
        self._settle()

    def _settle(self):
        ids = [m.id() for m in self.matchers if m.is_active()]
        self._id = min(ids) if ids else None

    def _here(self):
        return [m for m in self.matchers if m.is_active() and m.id() == self._id]

    def is_active(self):
        return self._id is not None

    def id(self):
        return self._id

    def reset(self):
        for m in self.matchers:
            m.reset()
        self._settle()

    def copy(self):
        return self.__class__([m.copy() for m in self.matchers], self.tiebreak)

    def children(self):
        return list(self.matchers)

    def supports(self, astype):
        return all(m.supports(astype) for m in self.matchers)

    def value(self):
        return self._here()[0].value()

    def value_as(self, astype):
        return self._here()[0].value_as(astype)

    def next(self):
        if self._id is None:
            raise ReadTooFar
        for m in self._here():
            m.next()
        self._settle()

    def skip_to(self, target):
        if self._id is None:
            raise ReadTooFar
        for m in self.matchers:
            if m.is_active() and m.id() < target:
                m.skip_to(target)
        self._settle()

    def max_quality(self):
        return max((m.max_quality() for m in self.matchers), default=0.0)

    def weight(self):
        return max((m.weight() for m in self._here()), default=0.0)

    def score(self):
        scores = [m.score() for m in self._here()]
        if not scores:
            return 0.0
        best = max(scores)
        return best + self.tiebreak * (sum(scores) - best)


class UnlessAcronym(WrappingQuery):
    """The stemmed forms of a word, unless the index shows the word is an acronym.

    A word the bulletins mostly write in capitals ("censida": CENSIDA) is an acronym, indexed
    unstemmed; its stem ("cens") would drag in unrelated words (censo). A word written in capitals
    only now and then ("cabos" in LOS CABOS) keeps its stemmed forms. Decided on the whole index.
    """

    def __init__(self, child, folded: str, exact: str):
        self.child = child
        self.folded = folded
        self.exact = exact

    def _rewrap(self, child):
        return self.__class__(child, self.folded, self.exact)

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.child == other.child
                and self.folded == other.folded and self.exact == other.exact)

    def __hash__(self):
        return hash((self.__class__.__name__, self.child, self.folded))

    def is_acronym_in(self, searcher) -> bool:
        reader = searcher.get_parent().reader()
        in_capitals = reader.doc_frequency("body", self.folded)
        return in_capitals > 0 and 2 * in_capitals >= reader.doc_frequency("exact", self.exact)

    def matcher(self, searcher, context=None):
        if self.is_acronym_in(searcher):
            return NullMatcher()
        return self.child.matcher(searcher, context)


def prefix_query(word: str) -> wq.Query:
    return wq.Or([wq.Prefix("exact", fold_keep_enye(word)), wq.Prefix("title", fold(word), boost=TITLE_BOOST),
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
                  wq.Phrase("title", terms, slop=slop, boost=boost * TITLE_BOOST)])


def option_query(option) -> wq.Query | None:
    if isinstance(option, Phrase):
        return phrase_query(option.words)
    if option.prefix:
        return prefix_query(option.text)
    return word_query(option.text)


def to_whoosh(parsed: ParsedQuery, proximity: bool = True, recency: float | None = None) -> wq.Query:
    """The Whoosh query for the text part (filters are applied separately as document sets).

    `recency`: half-life in days of a preference for newer bulletins (0: none; None: the default,
    `RECENCY_HALF_LIFE_DAYS`).
    """
    clauses, mandatory, excluded = [], [], []
    for clause in parsed.clauses:
        options = [(o, q) for o, q in ((o, option_query(o)) for o in clause.options) if q is not None]
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
    elif len(clauses) == 1 or (minimum == len(clauses) and not MOST_WORDS_FALLBACK):
        main = clauses[0] if len(clauses) == 1 else wq.And(clauses)
    else:
        main = MostWords(clauses, mandatory, minimum, MISSING_WORD_FACTOR)
    if proximity:
        near = proximity_query(parsed)
        if near is not None:
            main = wq.AndMaybe(main, near)
    if excluded:
        main = wq.AndNot(main, wq.Or(excluded))
    if recency is None:
        recency = RECENCY_HALF_LIFE_DAYS
    if recency and not parsed.is_empty():
        main = PreferRecent(main, recency, RECENCY_WEIGHT)
    return main


def minimum_should_match(clauses: int) -> int:
    """How many of the query's words a bulletin needs: all of up to `ALL_WORDS_UP_TO`, then a share."""
    if clauses <= ALL_WORDS_UP_TO:
        return clauses
    return max(1, min(clauses, math.ceil(clauses * MIN_SHOULD_MATCH - 1e-9)))


def proximity_query(parsed: ParsedQuery) -> wq.Query | None:
    """Optional bonus for query words found close together in the body.

    Each pair of consecutive plain words is a sloppy phrase, so a bulletin where "hospital" and
    "privado" sit together gains even when the other words of the query are far away.
    """
    plain = [c.options[0].text for c in parsed.positive
             if len(c.options) == 1 and isinstance(c.options[0], Word) and not c.options[0].prefix]
    terms = [index_term(p) for w in plain for p in split_compound(w)]
    if len(terms) < 2 or PROXIMITY == "none":
        return None
    if PROXIMITY == "all":
        return wq.Phrase("body", terms, slop=PROXIMITY_SLOP, boost=PHRASE_BOOST)
    pairs = [wq.Phrase("body", terms[i:i + 2], slop=PROXIMITY_SLOP, boost=PHRASE_BOOST)
             for i in range(len(terms) - 1) if terms[i] != terms[i + 1]]
    if len(pairs) < 2:
        return pairs[0] if pairs else None
    # A union evaluated lazily: phrases are checked only where the main query matched.
    return DefaultOr(pairs)


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
        counts = self._counts(clause_docs)
        need = self._need(max(counts.values(), default=0))
        return need, frozenset(doc for doc, n in counts.items() if n >= need)

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


class PreferRecent(WrappingQuery):
    """Scores scaled by how recent the bulletin is, relative to the newest one in the index.

    factor = 1 - weight + weight × 2^(-age / half_life): the newest bulletin keeps its score, a very
    old one keeps 1 - weight of it; bulletins without a date get the middle. Matches are unchanged.
    """

    def __init__(self, child, half_life_days: float, weight: float = 0.3):
        self.child = child
        self.half_life_days = half_life_days
        self.weight = weight
        self._newest: dict = {}

    def _rewrap(self, child):
        return self.__class__(child, self.half_life_days, self.weight)

    def __eq__(self, other):
        return (other.__class__ is self.__class__ and self.child == other.child
                and self.half_life_days == other.half_life_days and self.weight == other.weight)

    def __hash__(self):
        return hash((self.__class__.__name__, self.child, self.half_life_days))

    def newest(self, searcher) -> int:
        """The newest bulletin's day (as an ordinal) over the whole index, or 0 when none is dated."""
        top = searcher.get_parent()
        if id(top) not in self._newest:
            newest = 0
            for leaf, _ in top.leaf_searchers():
                reader = leaf.reader()
                if reader.has_column("date"):
                    newest = max([newest, *reader.column_reader("date")])
            self._newest[id(top)] = _ordinal(newest)
        return self._newest[id(top)]

    def matcher(self, searcher, context=None):
        child = self.child.matcher(searcher, context)
        if context is None or context.weighting is None:
            return child
        reader = searcher.reader()
        if not reader.has_column("date"):
            return child
        return _RecencyMatcher(child, reader.column_reader("date"), self.newest(searcher),
                               self.half_life_days, self.weight)


def _ordinal(yyyymmdd: int) -> int:
    try:
        return dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100).toordinal()
    except (ValueError, TypeError):
        return 0


class _RecencyMatcher(WrappingMatcher):
    def __init__(self, child, dates, newest: int, half_life: float, weight: float):
        super().__init__(child)
        self.dates, self.newest, self.half_life, self.weight = dates, newest, half_life, weight

    def _replacement(self, newchild):
        return self.__class__(newchild, self.dates, self.newest, self.half_life, self.weight)

    def copy(self):
        return self._replacement(self.child.copy())

    def supports_block_quality(self):
        return False  # the factor differs per document

    def score(self):
        day = _ordinal(self.dates[self.child.id()])
        decay = 0.5 if not (day and self.newest) else 2 ** (-max(0, self.newest - day) / self.half_life)
        return self.child.score() * (1 - self.weight + self.weight * decay)


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


def highlight_terms(parsed: ParsedQuery) -> "HighlightTerms":
    terms = HighlightTerms()
    for clause in parsed.positive:
        for option in clause.options:
            words = option.words if isinstance(option, Phrase) else [option.text]
            for word in words:
                if isinstance(option, Word) and option.prefix:
                    terms.prefixes.append(fold(word))
                    continue
                if _is_stopword(word) and not isinstance(option, Phrase):
                    continue
                for part in split_compound(word):
                    if not _is_stopword(part):
                        terms.stems.add(index_term(part))
                        terms.folded.add(fold(part))
    return terms


@dataclass
class HighlightTerms:
    """What a word in the text must normalize to for the highlighter to mark it."""

    stems: set = field(default_factory=set)
    folded: set = field(default_factory=set)
    prefixes: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.folded or index_term(word) in self.stems:
            return True
        return any(folded.startswith(p) for p in self.prefixes)
