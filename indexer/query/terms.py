"""What the highlighter marks for a query: the stems, folded forms and prefixes it typed."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import fold, index_term, split_compound
from .alternatives import Expansions
from .language import ParsedQuery, Phrase, Word, _is_stopword


def highlight_terms(parsed: ParsedQuery, expansions: Expansions | None = None) -> "HighlightTerms":
    """The words to mark: those typed (not excluded), and the alternatives the engine searched for them."""
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
                terms.add(word)
                if isinstance(option, Word) and not option.literal and expansions is not None:
                    for alt in expansions.of(word):
                        for other in alt.words:
                            terms.add(other)
    return terms


@dataclass
class HighlightTerms:
    """What a word in the text must normalize to for the highlighter to mark it."""

    stems: set = field(default_factory=set)
    folded: set = field(default_factory=set)
    prefixes: list = field(default_factory=list)

    def add(self, word: str) -> None:
        for part in split_compound(word):
            if not _is_stopword(part):
                self.stems.add(index_term(part))
                self.folded.add(fold(part))

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if folded in self.folded or index_term(word) in self.stems:
            return True
        return any(folded.startswith(p) for p in self.prefixes)
