"""The agency catalog (indexer/data/agencies.toml) and finding its agencies in text.

The catalog is data people edit, so everything about a particular agency lives there; this
module only knows *how* to match: names accent- and case-insensitively, acronyms
case-sensitively as whole words (so "SE" or "salud" in prose match nothing), logo words only
when they fill a whole line of the header block.
"""
from __future__ import annotations

import functools
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CATALOG = Path(__file__).resolve().parents[1] / "data" / "agencies.toml"
CATALOG_ENV = "BOLETINES_AGENCIES"

# Shorter acronyms are ordinary words in capitalised prose ("SE", "GN"): logo lines only.
MIN_PROSE_ACRONYM = 3

# A separator between the words of a name: spaces, line breaks, hyphens, dashes.
_GAP = r"[\s\-‐‑–—]+"


def fold(text: str) -> str:
    """Lowercase `text` without accents, keeping its length so match offsets stay valid."""
    folded = text.translate(_FOLD_TABLE).lower()
    if len(folded) != len(text):  # a character whose lowercase is longer; fold one by one
        folded = "".join(c.translate(_FOLD_TABLE).lower()[:1] or c for c in text)
    return folded


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    table[0x130] = "I"
    return table


_FOLD_TABLE = _fold_table()


@dataclass(frozen=True)
class Agency:
    """One issuing agency as the catalog describes it."""

    name: str
    acronym: str | None = None
    other_acronyms: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    logos: tuple[str, ...] = ()
    state: str | None = None
    state_aliases: tuple[str, ...] = ()
    kind: str | None = None

    @property
    def display(self) -> str:
        """The facet value: "Canonical Name (ACRONYM)", or the name alone."""
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def acronyms(self) -> tuple[str, ...]:
        return ((self.acronym,) if self.acronym else ()) + self.other_acronyms


@dataclass(frozen=True)
class Mention:
    """An agency named in a text, at [start, end)."""

    agency: Agency
    start: int
    end: int


def _name_pattern(name: str) -> str:
    words = re.split(_GAP, fold(name).strip())
    return _GAP.join(re.escape(word) for word in words if word)


_WORD = re.compile(r"\w+")
# What may separate the words of a name in text: "IMSS-Bienestar", "Dr. Manuel", "VIH/SIDA",
# "Agricultura, Ganadería", a line break in a logo block.
_NAME_GAP = re.compile(r"[\s\-‐‑–—./,]+")


def _key(name: str) -> str:
    """A name as the words it is made of, accent- and case-free: the lookup key."""
    return " ".join(_WORD.findall(fold(name)))


@dataclass
class Catalog:
    """All agencies, indexed by name, acronym and logo word for matching."""

    agencies: list[Agency]
    issuer_cues: tuple[str, ...] = ()
    source: Path | None = None
    _by_display: dict[str, Agency] = field(default_factory=dict, repr=False)
    _by_name: dict[str, Agency] = field(default_factory=dict, repr=False)
    _name_prefixes: set[str] = field(default_factory=set, repr=False)
    _by_acronym: dict[str, Agency] = field(default_factory=dict, repr=False)
    _by_logo: dict[str, Agency] = field(default_factory=dict, repr=False)
    _patterns: list[tuple[re.Pattern, Agency]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        for agency in self.agencies:
            self._by_display.setdefault(agency.display, agency)
            for name in (agency.name, *agency.aliases):
                key = _key(name)
                self._by_name.setdefault(key, agency)
                words = key.split()
                self._name_prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
            for acronym in agency.acronyms:
                if len(acronym) >= MIN_PROSE_ACRONYM:
                    self._by_acronym.setdefault(acronym, agency)
                else:
                    self._by_logo.setdefault(_key(acronym), agency)
            for logo in agency.logos:
                self._by_logo.setdefault(_key(logo), agency)
            for pattern in agency.patterns:
                self._patterns.append((re.compile(pattern), agency))

    # Matchers are compiled on first use: listing the catalog (a search page) needs none.

    @functools.cached_property
    def _acronyms_re(self) -> re.Pattern | None:
        acronyms = sorted(self._by_acronym, key=len, reverse=True)
        return _alternation((re.escape(a) for a in acronyms), before=r"(?<![\w\-])", after=r"(?![\w\-])")

    @functools.cached_property
    def _states(self) -> dict[str, Agency]:
        return {_key(s): a for a in self.agencies if a.state for s in (a.state, *a.state_aliases)}

    @functools.cached_property
    def _states_re(self) -> re.Pattern | None:
        return _alternation(_name_pattern(s) for s in sorted(self._states, key=len, reverse=True))

    @functools.cached_property
    def _cue_re(self) -> re.Pattern | None:
        cues = sorted((_key(c) for c in self.issuer_cues), key=len, reverse=True)
        return _alternation(
            (_name_pattern(c) for c in cues),
            before=r"(?:^|\W)",
            after=r"(?:\s+general)?\s+(?:de|del)\s+(?:(?:la|los|las)\s+)?$",
        )

    def compile(self) -> "Catalog":
        """Build every matcher now rather than on first use (for timing, or a server's start-up)."""
        _ = (self._acronyms_re, self._states_re, self._cue_re)  # cached properties: reading builds them
        return self

    # --- lookups -----------------------------------------------------------------------

    def __iter__(self):
        return iter(self.agencies)

    def __len__(self) -> int:
        return len(self.agencies)

    def display_names(self) -> list[str]:
        """Every facet value the catalog can produce, sorted for a search page."""
        return sorted((a.display for a in self.agencies), key=fold)

    def lookup(self, name: str) -> Agency | None:
        """The agency called `name` (display name, canonical name, alias or acronym)."""
        name = name.strip()
        return (
            self._by_display.get(name)
            or self._by_name.get(_key(name))
            or self._by_acronym.get(name)
            or self._by_logo.get(_key(name))
        )

    # --- matching ----------------------------------------------------------------------

    def find(self, text: str) -> list[Mention]:
        """Agencies named in running text, in reading order, overlaps resolved to the longest."""
        folded = fold(text)
        found = [m for m in self._names_in(folded) if not _name_goes_on(text, m.start, m.end)]
        if self._acronyms_re:
            for match in self._acronyms_re.finditer(text):
                found.append(Mention(self._by_acronym[match.group()], match.start(), match.end()))
        for pattern, agency in self._patterns:
            for match in pattern.finditer(folded):
                found.append(Mention(agency, match.start(), match.end()))
        return _longest_first(found)

    def _names_in(self, folded: str) -> list[Mention]:
        """Catalog names in folded text, the longest at each word: from each word, read on
        while the words so far still begin some name."""
        words = list(_WORD.finditer(folded))
        found = []
        start = 0
        while start < len(words):
            key, longest = "", None
            for end in range(start, len(words)):
                if end > start and not _NAME_GAP.fullmatch(folded, words[end - 1].end(), words[end].start()):
                    break
                key = f"{key} {words[end].group()}" if key else words[end].group()
                if key in self._by_name:
                    longest = (end, self._by_name[key])
                if key not in self._name_prefixes:
                    break
            if longest is None:
                start += 1
                continue
            end, agency = longest
            found.append(Mention(agency, words[start].start(), words[end].end()))
            start = end + 1
        return found

    def find_in_logo(self, lines: list[str]) -> list[Mention]:
        """Agencies in a logo block (lines of one header paragraph), offsets into the lines
        joined with "\\n": names and acronyms as in prose, plus whole-line logo words and
        "GOBIERNO DEL ESTADO" next to a state name."""
        joined = "\n".join(lines)
        found = self.find(joined)
        offset = 0
        for line in lines:
            stripped = line.strip()
            agency = self._by_logo.get(_key(stripped)) if stripped else None
            if agency:
                start = offset + line.index(stripped)
                found.append(Mention(agency, start, start + len(stripped)))
            offset += len(line) + 1
        found.extend(self._state_governments(joined))
        return _longest_first(found)

    def _state_governments(self, joined: str) -> list[Mention]:
        folded = fold(joined)
        government = re.search(r"gobierno" + _GAP + "del" + _GAP + "estado", folded)
        if not government or not self._states_re:
            return []
        state = self._states_re.search(folded)
        if not state:
            return []
        agency = self._states[_key(state.group())]
        return [Mention(agency, state.start(), state.end()), Mention(agency, government.start(), government.end())]

    def is_issuer_cue(self, text_before: str) -> bool:
        """Whether `text_before` ends with a phrase like "el titular de" or "personal de la"."""
        return bool(self._cue_re and self._cue_re.search(fold(text_before[-60:])))


# After a catalog name, these mean the text names a different, narrower body:
# "Secretaría de Salud del Estado", "Secretaría de Seguridad ... Ciudadana Municipal".
_NARROWER = re.compile(r"[ \t]+(?:municipal|estatal|del estado|de la entidad|local)\b", re.IGNORECASE)
_CAPITALISED_WORD = re.compile(r"[ \t]+[A-ZÁÉÍÓÚÜÑ][a-záéíóúüñ]")


def _name_goes_on(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is only the beginning of a longer proper name
    ("Secretaría de Bienestar Social"). Not judged in capitals, where every word is capitalised."""
    after = text[end : end + 40]
    if _NARROWER.match(after):
        return True
    written = text[start:end]
    return not written.isupper() and bool(_CAPITALISED_WORD.match(after))


def _alternation(patterns, before: str = r"(?<!\w)", after: str = r"(?!\w)") -> re.Pattern | None:
    patterns = list(patterns)
    return re.compile(before + "(?:" + "|".join(patterns) + ")" + after) if patterns else None


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """Drop mentions overlapping a longer one; keep reading order."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _as_tuple(value: object, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{where}: '{what}' must be a string or a list of strings")


def _agency(entry: object, where: str) -> Agency:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ValueError(f"{where}: every [[agency]] needs a non-empty 'name'")
    known = {"name", "acronym", "other_acronyms", "aliases", "patterns", "logos", "state",
             "state_aliases", "kind"}
    unknown = set(entry) - known
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)} in agency {entry['name']!r}")
    for pattern in _as_tuple(entry.get("patterns"), "patterns", where):
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{where}: bad pattern {pattern!r} in {entry['name']!r}: {error}") from None
    return Agency(
        name=entry["name"].strip(),
        acronym=(entry.get("acronym") or None),
        other_acronyms=_as_tuple(entry.get("other_acronyms"), "other_acronyms", where),
        aliases=_as_tuple(entry.get("aliases"), "aliases", where),
        patterns=_as_tuple(entry.get("patterns"), "patterns", where),
        logos=_as_tuple(entry.get("logos"), "logos", where),
        state=entry.get("state") or None,
        state_aliases=_as_tuple(entry.get("state_aliases"), "state_aliases", where),
        kind=entry.get("kind"),
    )


def catalog_path(path: Path | str | None = None) -> Path:
    """The catalog file to use: `path`, else $BOLETINES_AGENCIES, else the packaged one."""
    if path is not None:
        return Path(path)
    return Path(os.environ[CATALOG_ENV]) if os.environ.get(CATALOG_ENV) else DEFAULT_CATALOG


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Read and check an agency catalog (TOML); raises ValueError naming the file on errors."""
    resolved = _resolved(catalog_path(path))
    try:
        stamp = resolved.stat().st_mtime_ns
    except OSError as error:
        raise ValueError(f"agency catalog {resolved}: {error.strerror}") from None
    return _load(resolved, stamp)


@functools.lru_cache(maxsize=32)
def _resolved(path: Path) -> Path:
    return path.resolve()


@functools.lru_cache(maxsize=8)
def _load(path: Path, _stamp: int) -> Catalog:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"agency catalog {path}: {error}") from None
    entries = data.get("agency", [])
    if not isinstance(entries, list):
        raise ValueError(f"agency catalog {path}: use [[agency]] tables")
    agencies = [_agency(entry, f"{path} agency #{i + 1}") for i, entry in enumerate(entries)]
    cues = _as_tuple(data.get("issuer_cues"), "issuer_cues", str(path))
    return Catalog(agencies, issuer_cues=cues, source=path)
