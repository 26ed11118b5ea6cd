"""How one typed word's several ways to match are scored: once (`DisMax`), and without its stemmed
forms when the index shows the word is an acronym (`UnlessAcronym`)."""
from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import Matcher, NullMatcher, ReadTooFar
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query.wrappers import WrappingQuery

from ..analysis import enye_spellings


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
        """Written in capitals in at least half the bulletins having it. "ninos" counts the bulletins
        writing "niños" too: NIÑOS in a headline is not an acronym of a word typed without ñ."""
        reader = searcher.get_parent().reader()
        in_capitals = reader.doc_frequency("body", self.folded)
        if not in_capitals:
            return False
        return 2 * in_capitals >= sum(reader.doc_frequency("exact", form) for form in enye_spellings(self.exact))

    def matcher(self, searcher, context=None):
        if self.is_acronym_in(searcher):
            return NullMatcher()
        return self.child.matcher(searcher, context)
