"""Near-duplicate bulletins: the same text saved twice (a .txt and its .docx, a joint bulletin
re-posted by each agency) becomes one search result that lists every file.

A bottom-k sketch of hashed word shingles stands for each text; two texts are the same bulletin when
their estimated resemblance is high and their lengths agree. Sketches are small lists of ints, so
they go into the manifest and an update can compare a new file with the whole index without
re-reading anything.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from heapq import nsmallest

from .analysis import fold, words as text_words

SHINGLE = 5
SKETCH = 64
MAX_WORDS = 4000
THRESHOLD = 0.8
LENGTH_RATIO = 0.8


def sketch(text: str) -> dict:
    """{"k": bottom-k shingle hashes, "n": word count} of a text, independent of markup and accents."""
    words = [fold(w) for w in text_words(text)]
    count = len(words)
    words = words[:MAX_WORDS]
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
    small, large = sorted((a["n"], b["n"]))
    if large == 0 or small / large < LENGTH_RATIO:
        return False
    return resemblance(a, b) >= THRESHOLD


def group(sketches: dict[str, dict]) -> list[list[str]]:
    """Groups of keys (paths) whose sketches are near-identical, each sorted; singletons included.

    Candidates are pairs sharing at least a quarter of their sketch values, so the cost stays near
    linear instead of comparing every pair.
    """
    parent = {key: key for key in sketches}

    def find(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    postings: dict[int, list[str]] = defaultdict(list)
    for key in sorted(sketches):
        for h in sketches[key]["k"]:
            postings[h].append(key)
    for key in sorted(sketches):
        shared: dict[str, int] = defaultdict(int)
        for h in sketches[key]["k"]:
            for other in postings[h]:
                if other > key:
                    shared[other] += 1
        for other, count in shared.items():
            if count >= SKETCH // 4 and same_bulletin(sketches[key], sketches[other]):
                ra, rb = find(key), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(sketches):
        groups[find(key)].append(key)
    return [sorted(members) for members in groups.values()]
