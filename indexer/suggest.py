"""Helping the person searching: did-you-mean corrections and autocomplete from the index vocabulary."""
from __future__ import annotations

from .analysis import fold_keep_enye, word_spans
from .query import Word


def did_you_mean(searcher, parsed, original: str) -> str | None:
    """The query with unknown words replaced by the most frequent close index word, or None."""
    reader = searcher.reader()
    replaced = {}
    for clause in parsed.positive:
        for option in clause.options:
            if not isinstance(option, Word) or option.prefix:
                continue
            term = fold_keep_enye(option.text)
            if reader.doc_frequency("exact", term) > 0:
                continue
            best = None
            for candidate in reader.terms_within("exact", term, 2, prefix=1):
                freq = reader.doc_frequency("exact", candidate)
                if best is None or freq > best[0]:
                    best = (freq, candidate)
            if best:
                replaced[option.text] = surface_form(searcher, best[1])
    if not replaced:
        return None
    return " ".join(replaced.get(word, word) for _, _, word in word_spans(original))


def surface_form(searcher, term: str) -> str:
    """How a folded index term is written in a bulletin ("vacunacion" → "vacunación")."""
    for docnum in searcher.reader().postings("exact", term).all_ids():
        text = searcher.stored_fields(docnum).get("body") or ""
        for _, _, word in word_spans(text):
            if fold_keep_enye(word) == term:
                return word.lower()
        break
    return term


def completions(searcher, prefix: str, limit: int = 8) -> list[str]:
    """The typed text with its last word completed from frequent index words."""
    prefix = (prefix or "")[:100]
    spans = list(word_spans(prefix))
    if not spans or not prefix[-1:].isalnum():
        return []
    start, _, last = spans[-1]
    head = prefix[:start]
    folded = fold_keep_enye(last)
    if len(folded) < 2:
        return []
    reader = searcher.reader()
    terms = (t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix("exact", folded))
    candidates = sorted(((reader.doc_frequency("exact", t), t) for t in terms),
                        key=lambda item: (-item[0], item[1]))
    return [head + surface_form(searcher, term) for _, term in candidates[:limit]]
