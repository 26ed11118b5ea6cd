"""Other words a typed word may stand for: a likely intended spelling, a synonym, an agency's name.

The search engine finds them (`indexer.expansion`, which reads the index and the data files); the
translation adds each one as a weaker way for the word to match, so what was typed, exactly or in
another inflection, always ranks above it. Nothing here reads the index.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TYPO, SYNONYM, ACRONYM = "typo", "synonym", "acronym"


@dataclass(frozen=True)
class Alternative:
    """One replacement for a typed word: its words (several make a phrase), how much a match counts
    against the typed word's own (below 1), and why it was chosen."""

    words: tuple[str, ...]
    boost: float
    kind: str = TYPO

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Expansions:
    """Alternatives per typed word (keyed by `key(word)`), and the words corrected outright: typed
    words no bulletin has, replaced by a confident correction (shown as "Mostrando resultados de …")."""

    alternatives: dict[str, list[Alternative]] = field(default_factory=dict)
    corrected: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, Alternative] = field(default_factory=dict)  # a quoted phrase with a word nowhere, corrected
    exact: dict[str, str] = field(default_factory=dict)  # a word typed without ñ → the form the bulletins write
    prefixes: dict = field(default_factory=dict)  # typed prefix → the words it is searched as (`indexer.prefixes`)

    def of(self, word: str) -> list[Alternative]:
        return self.alternatives.get(key(word), [])

    def exact_form(self, word: str) -> str | None:
        return self.exact.get(key(word))

    def of_phrase(self, words) -> Alternative | None:
        return self.phrases.get(key(" ".join(words)))

    def of_prefix(self, word: str):
        return self.prefixes.get(key(word))

    def __bool__(self) -> bool:
        return bool(self.alternatives or self.phrases)


def key(word: str) -> str:
    return word.lower()
