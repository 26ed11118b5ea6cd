"""Bytes → str for plain-text formats, refusing binary junk.

Valid UTF-8 (the vast majority of files) takes a fast path with no detector. Everything else
goes to charset-normalizer, restricted to the encodings Spanish-language documents are actually
written in (unrestricted, it reads short cp1252 Spanish as Big5 or cp1250: "España" → "Espańa"),
and its candidates are re-ranked by how Spanish the accented letters they produce are.
"""
from __future__ import annotations

import codecs
import re

import charset_normalizer

from ..document import Unreadable

# Legacy encodings seen in Spanish-language office files, most likely first.
LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850", "utf_16", "utf_32"]

_BOMS = [  # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Characters no real text is made of: C0/C1 controls (bar tab, newlines, form feed), the
# replacement character, private-use code points.
_JUNK_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0C, 0x0D)) + b"\x7f"
_MAX_JUNK_SHARE = 0.01
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPANISH_LETTERS = frozenset("áéíóúüñÁÉÍÓÚÜÑ")
_SPANISH_MARKS = frozenset("¿¡«»“”‘’–—…€°ºª·")
_SAMPLE = 1 << 16


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or Unreadable when the bytes are not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding)), encoding
            except UnicodeDecodeError:
                raise Unreadable(f"texto dañado: declara {encoding.upper()} pero no decodifica") from None
    if b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is None:
            raise Unreadable("binario, no es texto (contiene bytes NUL)")
        try:
            return _checked(data.decode(encoding)), encoding
        except UnicodeDecodeError:
            raise Unreadable("binario, no es texto (contiene bytes NUL)") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the common case: count control bytes in C instead of scanning the str
        if len(data) - len(data.translate(None, _CONTROL_BYTES)) > _MAX_JUNK_SHARE * len(text):
            raise Unreadable("binario, no es texto (caracteres de control)")
        return text, "utf-8"
    best = _best_legacy_match(data)
    if best is not None:
        return _checked(str(best)), best.encoding
    try:  # too short for the detector to be sure; cp1252 is the usual legacy encoding
        return _checked(data.decode("cp1252")), "cp1252"
    except UnicodeDecodeError:
        raise Unreadable("binario, no es texto (codificación desconocida)") from None


def _best_legacy_match(data: bytes):
    """charset-normalizer's plausible decodings, re-ranked by how Spanish their non-ASCII letters are.

    With one or two accented letters the detector cannot tell cp1252 from cp850 or Mac Roman
    ('Vacunaci¾n' scores as well as 'Vacunación'); the letters Spanish actually uses can.
    """
    matches = list(charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS))
    if not matches:
        return None
    return max(matches, key=lambda match: (round(_spanish_share(str(match)), 2), -match.chaos))


def _spanish_share(text: str) -> float:
    """Share of the non-ASCII characters that look right in Spanish.

    A Spanish letter must touch a letter ('Vacunación', 'Ángel'); a typographic mark must not sit
    between two letters ('Vacunaci—n' is Mac Roman read as cp1252).
    """
    total = good = 0
    for match in _NON_ASCII.finditer(text):
        ch, at = match.group(), match.start()
        before = text[at - 1] if at else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        total += 1
        if ch in _SPANISH_LETTERS:
            good += before.isalpha() or after.isalpha()
        elif ch in _SPANISH_MARKS:
            good += not (before.isalpha() and after.isalpha())
    return good / total if total else 1.0


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit on every other byte (ASCII-range UTF-16), else None."""
    sample = data[:_SAMPLE]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.6 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.6 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _checked(text: str) -> str:
    """The text itself, unless too much of it is control characters (a binary file that happened to decode)."""
    sample = text if len(text) <= 4 * _SAMPLE else text[:_SAMPLE] + text[len(text) // 2:][:_SAMPLE] + text[-_SAMPLE:]
    if sample:
        junk = len(_JUNK_CHARS.findall(sample))
        if junk and junk / len(sample) > _MAX_JUNK_SHARE:
            raise Unreadable("binario, no es texto (caracteres de control)")
    return text
