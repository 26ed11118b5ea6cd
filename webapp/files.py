"""Serving a bulletin's source file safely: only from inside the corpus, under any file name."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from indexer.document import shown_path

_NOT_PLAIN_ASCII = re.compile(r'[^\x20-\x7e]|["\\%]')


def inside_corpus(root: Path, relative: str) -> Path | None:
    """The file `relative` names under `root`, or None unless it exists and, with every link
    resolved, still lies inside `root` (an index built before a link was replaced, or a link
    pointing outside, never serves a file from elsewhere)."""
    try:
        root = root.resolve()
        target = (root / relative).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def content_disposition(kind: str, name: str) -> str:
    """An RFC 6266 header for any file name: an ASCII fallback plus the UTF-8 name (RFC 5987).

    The name is the one pages show: control characters (a newline would break the header) as their
    symbols (␊), bytes that are not UTF-8 as U+FFFD.
    """
    shown = shown_path(name) or "archivo"
    fallback = _NOT_PLAIN_ASCII.sub("_", shown)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(shown, safe='')}"
