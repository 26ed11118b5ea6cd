"""Other words a query's typed words may stand for, found in the index and the data files.

For each plain word of a query (not prefixes, phrases, quoted words or excluded words): likely
intended spellings when the word is unknown or rare (`typos`), the other forms of its synonym
groups and, for an agency acronym, the agency's name (`synonyms`). Each becomes a weaker way for
the word to match (`query.alternatives`), so bulletins with what was typed rank first.
"""
from __future__ import annotations

from dataclasses import replace

from . import prefixes, suggest, synonyms, typos
from .analysis import enye_spellings, word_spans
from .query import Clause, ParsedQuery, Phrase, Word
from .query.alternatives import ACRONYM, SYNONYM, TYPO, Alternative, Expansions, key

TYPO_BOOST = 0.6  # a correction one edit away counts this much of the typed word; cheaper ones more
RARE_WORD_TYPO_BOOST = 0.3  # … but when some bulletins have the typed word, they must stay first
SYNONYM_BOOST = 0.3  # a synonym or an agency name counts much less than the typed word
MAX_WORDS = 8  # words looked up per query: bounds the time a long pasted text can take
# A word typed without ñ is taken as written when the bulletins use that spelling at least this share as often
# as its ñ spelling (pena 564 / peña 780); else as the ñ spelling (ano 2 / año 2,476, danos 13 / daños 544).
OWN_WORD_SHARE = 0.1


def typed_words(parsed: ParsedQuery) -> list[str]:
    """The plain words of the query that may be widened, in order, without repeats."""
    seen, out = set(), []
    for clause in parsed.positive:
        for option in clause.options:
            if isinstance(option, Word) and not option.prefix and not option.literal and key(option.text) not in seen:
                seen.add(key(option.text))
                out.append(option.text)
    return out


def exact_form(reader, word: str) -> str | None:
    """The spelling the bulletins use for a word typed without ñ ("ninos" → "niños"), or None when the
    typed spelling is itself a word the bulletins use (`OWN_WORD_SHARE`: "pena" stays pena, not peña)."""
    spellings = enye_spellings(word)
    if len(spellings) == 1:
        return None
    counts = [reader.doc_frequency("exact", form) for form in spellings]
    best = max(range(1, len(spellings)), key=counts.__getitem__)
    if counts[best] == 0 or counts[0] >= OWN_WORD_SHARE * counts[best]:
        return None
    return spellings[best]


def expand(searcher, parsed: ParsedQuery, typo_tolerance: bool = True, synonyms_too: bool = True) -> Expansions:
    """The alternatives of each typed word, the spelling meant by words typed without ñ, and the
    unknown words confidently corrected."""
    found = Expansions()
    reader = searcher.reader()
    for clause in parsed.positive:
        for option in clause.options:
            if isinstance(option, Word) and not option.prefix:
                form = exact_form(reader, option.text)
                if form is not None:
                    found.exact[key(option.text)] = form
    for word in typed_words(parsed)[:MAX_WORDS]:
        alternatives: list[Alternative] = []
        if typo_tolerance:
            candidates, confident, known = typos.corrections(searcher, word)
            for c in candidates:
                boost = RARE_WORD_TYPO_BOOST if known else TYPO_BOOST ** max(c.cost, 0.3)
                alternatives.append(Alternative((c.term,), round(boost, 3), TYPO))
            if confident:
                found.corrected[word] = suggest.surface_form(searcher, candidates[0].term)
        if synonyms_too:
            alternatives += _meanings(word, SYNONYM_BOOST)
            if word in found.corrected:  # "influensa" searched as influenza also finds what influenza's synonyms find
                fix = alternatives[0]
                alternatives += [a for a in _meanings(fix.words[0], SYNONYM_BOOST * fix.boost)
                                 if a.words != (word,) and a not in alternatives]
        if alternatives:
            found.alternatives[key(word)] = alternatives
    for clause in parsed.positive:  # a prefix is searched as its commonest words
        for option in clause.options:
            if isinstance(option, Word) and option.prefix:
                found.prefixes[key(option.text)] = prefixes.expand(searcher, option.text)
    if typo_tolerance:
        for words in typed_phrases(parsed):
            _correct_phrase(searcher, words, found)
    return found


def _meanings(word: str, boost: float) -> list[Alternative]:
    """An agency acronym's names and a word's synonyms (`synonyms`), each counting `boost` of the word."""
    return ([Alternative(words, boost, ACRONYM) for words in synonyms.agency_forms(word)]
            + [Alternative(words, boost, SYNONYM) for words in synonyms.synonyms(word)])


def typed_phrases(parsed: ParsedQuery) -> list[list[str]]:
    return [option.words for clause in parsed.positive for option in clause.options if isinstance(option, Phrase)]


def _correct_phrase(searcher, words: list[str], found: Expansions) -> None:
    """A quoted phrase must match as typed; when one of its words is nowhere in the index and has a
    confident correction ("reforma educatia va"), the corrected phrase is searched as well."""
    fixed, changed = [], False
    for word in words:
        candidates, confident, known = typos.corrections(searcher, word)
        if candidates and confident and not known:
            fixed.append(candidates[0].term)
            found.corrected[word] = suggest.surface_form(searcher, candidates[0].term)
            changed = True
        else:
            fixed.append(word)
    if changed:
        found.phrases[key(" ".join(words))] = Alternative(tuple(fixed), TYPO_BOOST, TYPO)


def without_meanings(parsed: ParsedQuery, found: Expansions) -> ParsedQuery:
    """The query minus the words widened by a synonym or an agency name: those are not misspellings."""
    def explained(option) -> bool:
        return isinstance(option, Word) and any(a.kind != TYPO for a in found.of(option.text))

    clauses = [Clause([o for o in c.options if not explained(o)], c.negated) for c in parsed.clauses]
    return replace(parsed, clauses=[c for c in clauses if c.options])


def corrected_queries(original: str, found: Expansions) -> dict | None:
    """{"query": the query as searched, "literal": the query forcing the typed words, "words"} when
    words were corrected outright ("influensa" → "influenza" and "\"influensa\""), else None.
    "literal" is None when a correction sits inside a quoted phrase (a phrase cannot quote a word)."""
    if not found.corrected:
        return None
    searched, literal, last = [], [], 0
    in_phrase = False
    for start, end, word in word_spans(original):
        between = original[last:start]
        searched.append(between)
        literal.append(between)
        better = found.corrected.get(word) or found.corrected.get(word.lower())  # a caps-lock query is read lower-case
        inside = original[:start].count('"') % 2 == 1
        in_phrase = in_phrase or (better is not None and inside)
        searched.append(better or word)
        literal.append(f'"{word}"' if better and not inside else word)
        last = end
    searched.append(original[last:])
    literal.append(original[last:])
    return {"query": "".join(searched).strip(), "literal": None if in_phrase else "".join(literal).strip(),
            "words": dict(found.corrected)}
