"""What a result page should say about how the query matched: whether bulletins lacking some of the
words are shown ("most words"), and which typed words each result lacks ("No contiene: pinotepa")."""
from __future__ import annotations

from whoosh import query as wq

from .query import MostWords, ParsedQuery, Phrase, PreferRecent, option_query


def most_words_of(q: wq.Query) -> MostWords | None:
    """The `MostWords` at the top of a translated query, under its proximity bonus, exclusions or recency."""
    while True:
        if isinstance(q, MostWords):
            return q
        if isinstance(q, (wq.AndMaybe, wq.AndNot)):
            q = q.a
        elif isinstance(q, PreferRecent):
            q = q.child
        else:
            return None


def clause_labels(parsed: ParsedQuery) -> list[str]:
    """How each positive clause reads, in the order `to_whoosh` makes them `MostWords`' subqueries."""
    labels = []
    for clause in parsed.positive:
        options = [o for o in clause.options if option_query(o) is not None]
        if options:
            labels.append(" OR ".join(_label(o) for o in options))
    return labels


def _label(option) -> str:
    if isinstance(option, Phrase):
        return '"' + " ".join(option.words) + '"'
    return option.text + ("*" if option.prefix else "")


def partial_match(parsed: ParsedQuery, most: MostWords, need: int, clause_docs: list, docnums: list[int]):
    """({"needed", "words", "fallback"} or None, the words each of `docnums` lacks).

    None when every result has every word. `fallback`: no bulletin had enough of the words, so the
    bar dropped to the most any bulletin has.
    """
    labels = clause_labels(parsed)
    if need >= len(most.subqueries) or len(labels) != len(clause_docs):
        return None, [[] for _ in docnums]
    summary = {"needed": need, "words": len(labels), "fallback": need < most.minimum}
    return summary, [[label for label, docs in zip(labels, clause_docs) if doc not in docs] for doc in docnums]
