"""What the highlighter marks for a query: the stems, folded forms and prefixes it typed."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import fold, index_term, split_compound
from .alternatives import Expansions
from .language import ParsedQuery, Phrase, _is_stopword
from .translate import phrase_terms


def highlight_terms(parsed: ParsedQuery, expansions: Expansions | None = None) -> "HighlightTerms":
    """The words to mark: those typed (not excluded), and the alternatives the engine searched for them.

    A phrase's words are marked only where the phrase is: "salud pública" never marks a lone
    "salud" (nor "saludarlo"), because the search did not match them there.
    """
    terms = HighlightTerms()
    for clause in parsed.positive:
        for option in clause.options:
            if isinstance(option, Phrase):
                terms.add_phrase(option.words)
                fixed = expansions.of_phrase(option.words) if expansions is not None else None
                if fixed is not None:
                    terms.add_phrase(list(fixed.words))
                continue
            if option.prefix:
                terms.prefixes.append(fold(option.text))
                continue
            if _is_stopword(option.text):
                continue
            terms.add(option.text)
            if not option.literal and expansions is not None:
                for alt in expansions.of(option.text):
                    if len(alt.words) == 1:
                        terms.add(alt.words[0])
                    else:
                        terms.add_phrase(list(alt.words))
    return terms


@dataclass
class HighlightTerms:
    """What a word in the text must normalize to for the highlighter to mark it."""

    stems: set = field(default_factory=set)
    folded: set = field(default_factory=set)
    prefixes: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # (stems, slop): stopwords left out, as the search does

    def add(self, word: str) -> None:
        parts = split_compound(word)
        if len(parts) > 1:  # "covid-19" is searched as its parts together: COVID-19, never a bare 19
            self.add_phrase(parts)
            return
        if not _is_stopword(word):
            self.stems.add(index_term(word))
            self.folded.add(fold(word))

    def add_phrase(self, words: list[str]) -> None:
        stems, slop = phrase_terms(words)
        if len(stems) > 1:
            if (tuple(stems), slop) not in self.phrases:
                self.phrases.append((tuple(stems), slop))
        elif stems:
            self.stems.add(stems[0])
            self.folded.update(fold(w) for w in words if not _is_stopword(w))

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes or self.phrases)

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.folded or index_term(word) in self.stems:
            return True
        return any(folded.startswith(p) for p in self.prefixes)
