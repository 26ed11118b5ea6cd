"""Near-duplicate bulletins: the same text saved twice (a .txt and its .docx, a joint bulletin
re-posted by each agency) becomes one search result that lists every file.

A bottom-k sketch of hashed word shingles stands for each text; two texts are the same bulletin when
their estimated resemblance is high and their lengths agree. Sketches are small lists of ints, so
they go into the manifest and an update can compare a new file with the whole index without
re-reading anything.

Near-identical text is not enough, though: daily reports printed from one template differ only in
their date or number, and each is its own bulletin. So a sketch also carries the bulletin's date
and number when known, and two files whose known dates (or numbers) differ are never merged.
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict
from heapq import nsmallest
from itertools import chain

import numpy as np

from .analysis import fold, words as text_words

SHINGLE = 5
SKETCH = 64
MAX_WORDS = 4000
THRESHOLD = 0.8
LENGTH_RATIO = 0.8
BANDS = 8  # smallest sketch values that make two files duplicate candidates


def sketch(text: str, date=None, number: str | None = None) -> dict:
    """{"k": bottom-k shingle hashes, "n": word count} of a text, independent of markup and accents;
    plus "d" (ISO date) and "no" (normalized number) when the bulletin has them."""
    result = _text_sketch(text)
    if date:
        result["d"] = date.isoformat()
    label = re.sub(r"[^a-z0-9]+", "", fold(number or ""))
    if label:
        result["no"] = label
    return result


def labels(s: dict) -> dict:
    return {key: s[key] for key in ("d", "no") if s.get(key)}


def _agree(a: dict, b: dict) -> bool:
    """Dates and numbers, where both sides know them, are the same."""
    return all(a[key] == b[key] for key in a.keys() & b.keys())


def _text_sketch(text: str) -> dict:
    tokens = text_words(text)
    count = len(tokens)
    words = [fold(w) for w in tokens[:MAX_WORDS]]
    if len(words) < SHINGLE:
        shingles = {" ".join(words)} if words else set()
    else:
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    hashes = {zlib.crc32(s.encode("utf-8")) for s in shingles}
    return {"k": sorted(nsmallest(SKETCH, hashes)), "n": count}


def resemblance(a: dict, b: dict) -> float:
    """Estimated Jaccard resemblance of two sketches (bottom-k estimator)."""
    ka, kb = set(a["k"]), set(b["k"])
    if not ka or not kb:
        return 0.0
    union = nsmallest(SKETCH, ka | kb)
    return sum(1 for h in union if h in ka and h in kb) / len(union)


def same_bulletin(a: dict, b: dict) -> bool:
    if not _agree(labels(a), labels(b)):
        return False
    small, large = sorted((a["n"], b["n"]))
    if large == 0 or small / large < LENGTH_RATIO:
        return False
    return resemblance(a, b) >= THRESHOLD


def group(sketches: dict[str, dict]) -> list[list[str]]:
    """Groups of keys (paths) whose sketches are near-identical, each sorted; singletons included.

    Candidates are sketches sharing one of their `BANDS` smallest values (the rule an update uses to
    find a new file's duplicates in the manifest), found by sorting those values in one NumPy array:
    memory stays a few bytes per value where a dict of posting lists took a gigabyte at 100,000 files.
    """
    keys = sorted(sketches)
    parent = list(range(len(keys)))
    known = [labels(sketches[key]) for key in keys]  # per group root: the dates and numbers it holds

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    bands = [sketches[key]["k"][:BANDS] for key in keys]
    values = np.fromiter(chain.from_iterable(bands), dtype=np.uint64)
    owners = np.repeat(np.arange(len(keys), dtype=np.int64), [len(b) for b in bands])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    shared = np.flatnonzero(values[1:] == values[:-1])  # i where values[i] == values[i + 1]
    if len(shared):
        starts = shared[np.r_[True, np.diff(shared) > 1]]  # the first index of each run of equal values
        for start in starts:
            end = start + 1
            while end < len(values) and values[end] == values[start]:
                end += 1
            members = sorted(set(owners[start:end].tolist()))
            for a_pos, a in enumerate(members):
                for b in members[a_pos + 1:]:
                    ra, rb = find(a), find(b)
                    # an undated copy must not chain the 5 June and 10 June reports into one group
                    if ra != rb and _agree(known[ra], known[rb]) and same_bulletin(sketches[keys[a]],
                                                                                  sketches[keys[b]]):
                        low, high = min(ra, rb), max(ra, rb)
                        parent[high] = low
                        known[low] = {**known[high], **known[low]}
    groups: dict[int, list[str]] = defaultdict(list)
    for i, key in enumerate(keys):
        groups[find(i)].append(key)
    return [sorted(members) for members in groups.values()]
