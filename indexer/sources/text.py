"""Readers for `.txt` and `.md`: decode, split front matter, strip markup, tidy.

A `.txt` is often Markdown in disguise (PDF/Word converters write it), so it gets the Markdown
treatment when it shows Markdown syntax, and stays untouched prose otherwise: plain text pays for
one cheap scan, not a parse.
"""
from __future__ import annotations

from ..document import SourceText, Unreadable
from .encoding import decode
from .markdown import looks_like_markdown, markdown_to_plain, split_front_matter, strip_layout_junk
from .tidy import tidy

# Parsing cost grows with size (and worse on pathological markup); bulletins are far smaller.
MAX_MARKDOWN_CHARS = 2_000_000


def read_text(data: bytes, *, markdown: bool = False) -> SourceText:
    """A `.txt` (markdown=False: parse only if it looks like Markdown) or `.md` file's bytes."""
    raw, _encoding = decode(data)
    if not raw.strip():
        raise Unreadable("sin texto (solo espacios en blanco)")
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    front_matter, body, warnings = split_front_matter(raw.lstrip("\ufeff"))
    body = strip_layout_junk(body)
    headings = []
    if markdown or looks_like_markdown(body):
        if len(body) <= MAX_MARKDOWN_CHARS:
            body, headings = markdown_to_plain(body)
        else:
            warnings.append(f"Markdown de más de {MAX_MARKDOWN_CHARS // 10**6} millones de caracteres: leído como texto plano")
    text = tidy(body)
    if not text:
        raise Unreadable("sin texto (solo front matter o marcado)" if front_matter else "sin texto")
    return SourceText(
        text=text,
        format="md" if markdown else "txt",
        headings=headings,
        front_matter=front_matter,
        warnings=warnings,
    )


def read_markdown(data: bytes) -> SourceText:
    """A `.md`/`.markdown` file's bytes: always parsed as Markdown."""
    return read_text(data, markdown=True)
