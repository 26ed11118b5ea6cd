"""The records that flow through the pipeline: sources → extract → index.

Kept in one small module so every stage (and the tests) share one vocabulary.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field


class Unreadable(Exception):
    """A file that cannot become a bulletin; the message is the reason shown to the operator."""


@dataclass
class Heading:
    """A heading found in the source (Markdown `#`, HTML `<h1>`, a Word heading style)."""

    level: int
    text: str


@dataclass
class SourceText:
    """What a reader produces from one file: plain text plus whatever structure the format gave us.

    `text` is NFC-normalized plain text with the format's markup removed (no `**`, `#`, links),
    paragraphs separated by blank lines, line breaks kept where the source had them.
    `headings` lets the extractor prefer a real headline over logo blocks.
    `front_matter` holds YAML front matter (Markdown) and `meta` holds metadata the format itself
    carries (HTML `<meta>` title/date, docx core properties); the extractor gives both priority.
    """

    text: str
    format: str
    headings: list[Heading] = field(default_factory=list)
    front_matter: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Metadata:
    """Fields extracted from a bulletin, each with where it came from (`sources[field]`)."""

    title: str | None = None
    date: _dt.date | None = None
    number: str | None = None
    agencies: list[str] = field(default_factory=list)
    place: str | None = None
    url: str | None = None
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_json(self, path: str) -> dict:
        return {
            "path": path,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "number": self.number,
            "agencies": list(self.agencies),
            "place": self.place,
            "sources": dict(self.sources),
            "warnings": list(self.warnings),
        }


def shown_path(path: str) -> str:
    """A file name as a person can read it (and as UTF-8 can carry it).

    Paths are kept as the filesystem gave them (`os.fsdecode`: undecodable bytes become lone
    surrogates, and `os.fsencode` gives the bytes back); shown, those bytes become U+FFFD and a
    newline or other control character in a name becomes its visible symbol (␊).
    """
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else "␡" if c == "\x7f" else c for c in text)


def escape_surrogates(json_text: str) -> str:
    """JSON text made valid UTF-8 when it holds a file name that is not: the undecodable bytes (lone
    surrogates) become \\udcXX escapes, which `json.loads` then `os.fsencode` turn back into the name."""
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", json_text)
