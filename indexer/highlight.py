"""Snippets and highlighting in the original, accented text.

Each word of the stored text is normalized exactly as the index normalizes it, so "vacunacion ninos"
marks "vacunación" and "niñas". Output is HTML-escaped text in which only <mark> is markup.
"""
from __future__ import annotations

import functools
import re

from markupsafe import Markup, escape
from unidecode import unidecode

from .analysis import fold, index_term, is_acronym, stem, stopwords
from .query import HighlightTerms

SNIPPET_CHARS = 240
SNIPPET_CHUNK = 4000  # characters read at a time (see `snippet`)
SNIPPET_READ = 32000  # characters read before settling for the best passage found so far
_WORD = re.compile(r"\w+")
_BLANK = re.compile(r"\s")
_BLANKS = re.compile(r"\s+")


def _accent_classes() -> dict[str, str]:
    """For each ASCII letter, a regex class of the letters that fold to it, in both cases
    ("a" → "[AaÀàÁá…]"). Explicit cases instead of re.IGNORECASE, and Latin-1 letters only (every
    letter of Spanish), so each class is a 256-bit map: a query's pattern compiles many times faster."""
    variants: dict[str, set[str]] = {chr(c): {chr(c), chr(c).upper()} for c in range(ord("a"), ord("z") + 1)}
    for code in range(0xC0, 0x100):
        char = chr(code)
        folded = unidecode(char).lower()
        if len(folded) == 1 and folded in variants and char.isalpha():
            variants[folded].update(c for c in (char.lower(), char.upper()) if len(c) == 1 and ord(c) < 0x100)
    return {letter: "[" + "".join(sorted(chars)) + "]" for letter, chars in variants.items()}


_CLASSES = _accent_classes()


def _loose(prefix: str) -> str:
    """A folded prefix as a regex that also matches its accented and capitalized spellings."""
    return "".join(_CLASSES.get(ch, re.escape(ch)) for ch in prefix)


def _candidates(terms: HighlightTerms) -> re.Pattern | None:
    """A regex for words that *may* match: every index stem is a prefix of the folded word it came
    from (a final z also stands for c: luz/luces). It runs in C over the original text, accents and
    capitals allowed, so only the candidates are checked word by word."""
    return _candidate_pattern(tuple(sorted(p for p in (*terms.prefixes, *terms.folded) if p)),
                              tuple(sorted(p for p in terms.stems if p)))


@functools.lru_cache(maxsize=512)
def _candidate_pattern(words: tuple[str, ...], stems: tuple[str, ...]) -> re.Pattern | None:
    """Compiled once per set of query words: a page marks ten titles and ten snippets with it.

    An alternative that starts with another one adds nothing to the pattern ("contagios" after
    "contagi": both end in any letters), so only the shortest are kept: it compiles and scans faster."""
    bases = {stem[:-1] for stem in stems if stem.endswith("z")}  # a final z also stands for c
    every = set(words) | set(stems)
    kept = {w for w in every
            if not any(o != w and w.startswith(o) for o in every)
            and not any(len(w) > len(b) and w.startswith(b) and w[len(b)] in "zc" for b in bases)}
    bases = {b for b in bases if not any(b.startswith(w) for w in kept)}
    prefixes = {_loose(w) for w in kept} | {_loose(b) + "[zcZC]" for b in bases}
    if not prefixes:
        return None
    # A lookahead of every possible first letter lets the regex engine skip most positions at
    # once instead of trying each alternative at each word: half the time over a 50 KB transcript.
    firsts = {_CLASSES.get(w[0], "[" + re.escape(w[0]) + "]")[1:-1] for w in kept}
    firsts |= {_CLASSES.get(b[0], "[" + re.escape(b[0]) + "]")[1:-1] if b else "zcZC" for b in bases}
    return re.compile(r"(?=[" + "".join(sorted(firsts)) + r"])\b(?:" + "|".join(sorted(prefixes, key=len, reverse=True))
                      + r")\w*")


def _matches(text: str, terms: HighlightTerms, start: int = 0, end: int | None = None,
             pattern: re.Pattern | None = None) -> list[tuple[int, int, object]]:
    """(start, end, key) of every matching word or phrase between `start` and `end`, in order; key is
    the typed clause it stands for (see `HighlightTerms.groups`). `pattern`: `_candidates(terms)`."""
    end = len(text) if end is None else end
    found = _phrase_matches(text, terms, start, end) if terms.phrases else []
    pattern = pattern or _candidates(terms)
    if pattern is not None:
        verdicts: dict[str, object] = {}  # a transcript repeats its words: judge each once
        for match in pattern.finditer(text, start, end):
            word = match.group(0)
            group = verdicts.get(word, verdicts)
            if group is verdicts:
                group = verdicts[word] = terms.group_of(word)
            if group is not None:
                found.append((match.start(), match.end(), group))
    if not terms.phrases:
        return found
    found.sort(key=lambda span: (span[0], -span[1]))  # at one place, the longer mark (a phrase) wins
    kept, last = [], -1
    for span in found:  # a word inside a marked phrase is not marked again
        if span[0] >= last:
            kept.append(span)
            last = span[1]
    return kept


@functools.lru_cache(maxsize=200_000)
def _phrase_terms(word: str) -> tuple[str, ...] | None:
    """The index terms a word of the text stands for in a phrase, None for a stopword (which still
    takes a position)."""
    if fold(word) in stopwords() and not is_acronym(word):
        return None
    term = index_term(word)  # an acronym in the text is unstemmed: COVID also meets a typed "covid" (cov)
    return (term, stem(fold(word))) if is_acronym(word) else (term,)


@functools.lru_cache(maxsize=512)
def _words_starting_like(terms: tuple[str, ...]) -> re.Pattern:
    """Words whose index term may start as one of `terms` does. Stemming only ever changes the end of
    a word, so a word stands for a term only if it starts with the term's first letter (in any case or
    accent); letters outside Latin-1 are kept as candidates too, since their folding is not listed."""
    letters = {_CLASSES.get(term[0], "[" + re.escape(term[0]) + "]")[1:-1] for term in terms}
    return re.compile(r"\b[" + "".join(sorted(letters)) + r"\u0100-\U0010ffff]\w*")


def _phrase_matches(text: str, terms: HighlightTerms, start: int, end: int) -> list[tuple[int, int, object]]:
    """Each place the text holds one of the phrases as the phrase search finds it (its stems in
    order, each within `slop` words of the previous, stopwords counting as words), as one span.

    Long transcripts hold few places where a phrase can start: the distinct words that stand for a
    phrase's first stem are found first, then only their occurrences (a regex scan in C) and the
    few words after each are read.
    """
    phrases = terms.phrases
    firsts = {stems[0] for stems, _ in phrases}
    maybe = _words_starting_like(tuple(sorted(firsts)))
    starters = [w for w in set(maybe.findall(text, start, end)) if not firsts.isdisjoint(_phrase_terms(w) or ())]
    if not starters:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(starters, key=len, reverse=True))) + r")\b")
    found, last = [], -1
    for candidate in pattern.finditer(text, start, end):
        if candidate.start() < last:
            continue  # inside a phrase already found
        first = _phrase_terms(candidate.group(0))
        for stems, slop in phrases:
            if stems[0] not in first:
                continue
            # the words after this one, as many as the phrase can span (stopwords take positions)
            span = (len(stems) - 1) * slop
            after = []
            for match in _WORD.finditer(text, candidate.end()):
                if len(after) >= span:
                    break
                after.append((match.end(), _phrase_terms(match.group(0))))
            cur, last_end = 0, candidate.end()
            for want in stems[1:]:
                cur = next((i for i in range(cur + 1, min(cur + slop, len(after)) + 1)
                            if after[i - 1][1] is not None and want in after[i - 1][1]), None)
                if cur is None:
                    break
                last_end = after[cur - 1][0]
            if cur is not None:
                found.append((candidate.start(), last_end, terms.groups.get(("phrase", "\x1f".join(stems)))))
                last = last_end
                break
    return found


def _render(text: str, spans: list[tuple[int, int, str]], start: int, end: int, squeeze: bool = False) -> Markup:
    """text[start:end] escaped, the spans inside it marked; `squeeze`: runs of blanks shown as one space."""
    tidy = (lambda piece: _BLANKS.sub(" ", piece)) if squeeze else (lambda piece: piece)  # noqa: E731
    out, cursor = [], start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(tidy(text[cursor:s])))
        out.append(Markup("<mark>") + escape(tidy(text[s:e])) + Markup("</mark>"))
        cursor = e
    out.append(escape(tidy(text[cursor:end])))
    return Markup("").join(out)


def highlight(text: str, terms: HighlightTerms) -> Markup:
    """The whole text with every matching word marked (for the bulletin page and titles)."""
    if not text:
        return Markup("")
    if not terms:
        return escape(text)
    return _render(text, _matches(text, terms), 0, len(text))


def snippet(text: str, terms: HighlightTerms, size: int = SNIPPET_CHARS) -> Markup:
    """The passage of about `size` characters showing the most of what was asked for (different
    typed words first, then more occurrences), marked.

    The text is read a chunk at a time: reading stops at the first passage that shows every typed
    word, or once `SNIPPET_READ` characters are read and some passage was found, so a 50 KB transcript
    is not read to its end to show two lines of it.
    """
    if not terms:
        return _plain(text, size)
    wanted = terms.group_count
    pattern = _candidates(terms)
    read = 0  # characters of `text` read so far
    spans: list[tuple[int, int, object]] = []
    windows = _Windows(spans, size)
    while read < len(text):
        stop = _chunk_end(text, read + SNIPPET_CHUNK)
        last = spans[-1][1] if spans else 0
        spans += [span for span in _matches(text, terms, read, stop, pattern) if span[0] >= last]
        read = stop
        windows.update()
        if windows.best is not None and (windows.covered >= wanted or read >= SNIPPET_READ):
            break
    if windows.best is None:
        return _plain(text, size)
    start = max(0, spans[windows.best][0] - size // 4)
    start, end, _ = _cut(text, start, size)
    rendered = _render(text, spans, start, end, squeeze=True)
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text.rstrip()) else Markup("")
    return prefix + rendered + suffix


def _plain(text: str, size: int) -> Markup:
    """The opening of a text that shows none of the words: it says what the bulletin is about."""
    opening = " ".join(text[:size * 4].split())
    start, end, cut = _cut(opening, 0, size)
    more = end < len(opening) or len(text) > size * 4
    return escape(cut) + (Markup(" …") if more and cut else Markup(""))


class _Windows:
    """The best window of `size` characters over a growing list of spans: most different typed
    words, then most marks. A window that the next span can no longer reach is final, so each update
    only looks at the windows still open and those the new spans started."""

    def __init__(self, spans: list, size: int):
        self.spans, self.size = spans, size
        self.best: int | None = None
        self.score = (0, 0)
        self.first_open = 0

    @property
    def covered(self) -> int:
        return self.score[0]

    def update(self) -> None:
        spans, size = self.spans, self.size
        right = self.first_open
        self.first_open = len(spans)
        for left in range(right, len(spans)):
            right = max(right, left)
            while right < len(spans) and spans[right][1] - spans[left][0] <= size:
                right += 1
            if right == len(spans) and self.first_open == len(spans):
                self.first_open = left  # a later chunk may still add to this window
            score = (len({k for _, _, k in spans[left:right]}), right - left)
            if score > self.score:
                self.best, self.score = left, score


def _chunk_end(text: str, end: int) -> int:
    """`end` moved to the next blank, so no word is cut in two."""
    if end >= len(text):
        return len(text)
    blank = _BLANK.search(text, end)
    return blank.start() if blank else len(text)


def _cut(text: str, start: int, size: int) -> tuple[int, int, str]:
    """Move the window edges to word boundaries (any blank)."""
    if start > 0:
        blank = _BLANK.search(text, start, start + 30)
        start = blank.end() if blank else start
        while start < len(text) and text[start].isspace():
            start += 1
    end = min(len(text), start + size)
    if end < len(text) and not text[end].isspace():
        last = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
        end = last if last > start else end
    return start, end, text[start:end]
