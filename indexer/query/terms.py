"""What the highlighter marks for a query: the stems, folded forms and prefixes it typed."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import fold, index_term, split_compound, typed_term
from .alternatives import Expansions
from .language import ParsedQuery, Phrase, _is_stopword
from .translate import phrase_terms


def highlight_terms(parsed: ParsedQuery, expansions: Expansions | None = None) -> "HighlightTerms":
    """The words to mark: those typed (not excluded), and the alternatives the engine searched for them.

    A phrase's words are marked only where the phrase is: "salud pública" never marks a lone
    "salud" (nor "saludarlo"), because the search did not match them there.
    """
    terms = HighlightTerms()
    for group, clause in enumerate(parsed.positive):
        for option in clause.options:
            if isinstance(option, Phrase):
                terms.add_phrase(option.words, group)
                fixed = expansions.of_phrase(option.words) if expansions is not None else None
                if fixed is not None:
                    terms.add_phrase(list(fixed.words), group)
                continue
            if option.prefix:
                terms.add_prefix(fold(option.text), group)
                continue
            if _is_stopword(option.text):
                continue
            terms.add(option.text, group)
            if not option.literal and expansions is not None:
                for alt in expansions.of(option.text):
                    if len(alt.words) == 1:
                        terms.add(alt.words[0], group)
                    else:
                        terms.add_phrase(list(alt.words), group)
    return terms


@dataclass
class HighlightTerms:
    """What a word in the text must normalize to for the highlighter to mark it."""

    stems: set = field(default_factory=set)
    folded: set = field(default_factory=set)
    prefixes: list = field(default_factory=list)
    phrases: list = field(default_factory=list)  # (stems, slop): stopwords left out, as the search does
    # Which typed clause each stem, folded form, prefix or phrase (its stems joined by \x1f) stands for:
    # a snippet prefers the passage that shows the most different things the person asked for.
    groups: dict = field(default_factory=dict)

    def add(self, word: str, group: int = 0) -> None:
        parts = split_compound(word)
        if len(parts) > 1:  # "covid-19" is searched as its parts together: COVID-19, never a bare 19
            self.add_phrase(parts, group)
            return
        if not _is_stopword(word):
            self.stems.add(typed_term(word))
            self.folded.add(fold(word))
            self.groups.setdefault(("stem", typed_term(word)), group)
            self.groups.setdefault(("folded", fold(word)), group)

    def add_prefix(self, prefix: str, group: int = 0) -> None:
        self.prefixes.append(prefix)
        self.groups.setdefault(("prefix", prefix), group)

    def add_phrase(self, words: list[str], group: int = 0) -> None:
        stems, slop = phrase_terms(words)
        if len(stems) > 1:
            if (tuple(stems), slop) not in self.phrases:
                self.phrases.append((tuple(stems), slop))
            self.groups.setdefault(("phrase", "\x1f".join(stems)), group)
        elif stems:
            self.stems.add(stems[0])
            self.groups.setdefault(("stem", stems[0]), group)
            for w in words:
                if not _is_stopword(w):
                    self.folded.add(fold(w))
                    self.groups.setdefault(("folded", fold(w)), group)

    @property
    def group_count(self) -> int:
        """How many typed clauses have something to mark."""
        return len(set(self.groups.values()))

    def group_of(self, word: str):
        """The clause a matching word of the text stands for, None when it matches nothing."""
        folded = fold(word)
        group = self.groups.get(("folded", folded))
        if group is None:
            group = self.groups.get(("stem", index_term(word)))
        if group is None:
            group = next((self.groups[("prefix", p)] for p in self.prefixes if folded.startswith(p)), None)
        return group

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes or self.phrases)

    def matches(self, word: str) -> bool:
        return self.group_of(word) is not None
