"""Per-generation data computed once when a generation is published, and loaded by every process.

A search process needs, besides the index itself, per-document arrays that Whoosh only gives one
document at a time: dates and agencies (facets), field lengths (the pre-ranking's BM25F), and how
many bulletins share each bulletin's title (`distinguish`). Computing them took a new process (the
CLI, each server worker) a large part of a one-shot search; the builder writes them beside the
generation (``derived.npz``) before publishing it. The file names the index it was computed from
(its segments and document count), so a stale, truncated or garbled file is never used: the
engine then computes the same data from the index, as it did before the file existed.
"""
from __future__ import annotations

import functools
import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

from . import postings
from .analysis import bulletin_analyzer
from .facets import valid_ymd

FILENAME = "derived.npz"
VERSION = 1
LENGTH_FIELDS = ("title", "body", "exact")  # the fields the pre-ranking weighs (see `ranking.TermWeights`)


def index_key(reader) -> str:
    """The segments (and their deletions) a reader sees: derived data is valid for exactly these."""
    return ";".join(f"{name}:{total}:{live}" for name, total, live in _segments(reader))


def _segments(reader) -> list[tuple[str, int, int]]:
    """(segment id, documents, live documents) of each segment, in document-number order."""
    out = []
    for leaf, _ in reader.leaf_readers():
        segment = getattr(leaf, "segment", None)
        seg = segment() if callable(segment) else segment
        out.append((seg.segment_id() if seg is not None else "?", leaf.doc_count_all(), leaf.doc_count()))
    return out


def _layout(key: str) -> dict[str, int]:
    """Segment id → its first document number, from an `index_key`."""
    starts, offset = {}, 0
    for part in key.split(";") if key else []:
        name, total, _ = part.rsplit(":", 2)
        starts[name] = offset
        offset += int(total)
    return starts


# -- how many bulletins share each title --------------------------------------------------------

def title_places(reader, lengths=None, where=None) -> dict[int, dict[int, str]]:
    """Document → place → the shortest title term there, for every live document, read from the
    title postings: the words `distinguish.shared_title_count` looks for. With `where`, also fills
    it: (title length, term) → document → the term's places (every term, not only the shortest)."""
    places: dict[int, dict[int, str]] = {}
    if "title" not in reader.indexed_field_names():
        return places
    for leaf, offset in reader.leaf_readers():
        for term in leaf.field_terms("title"):
            for doc, spots in _term_places(leaf, term, offset):
                if where is not None:
                    where.setdefault((int(lengths[doc]), term), {})[doc] = tuple(spots)  # smaller than a set
                mine = places.setdefault(doc, {})
                for place in spots:
                    held = mine.get(place)
                    if held is None or (len(term), term) < (len(held), held):
                        mine[place] = term
    return places


def _words(mine: dict[int, str]) -> tuple[tuple[str, ...], int]:
    """(title words in order, slop) of a place map, as `distinguish.shared_title_count` builds them."""
    spots = sorted(mine)
    return tuple(mine[p] for p in spots), max([b - a for a, b in zip(spots, spots[1:])], default=1)


def _signature(words: tuple[str, ...], slop: int) -> int:
    """A 63-bit digest of a title's words and slop: tells, in an update, whether the words found
    among a few terms are all of a bulletin's title words."""
    digest = hashlib.blake2b(("\x1f".join(words) + f"\x1e{slop}").encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def _term_places(leaf, term, offset: int, lengths=None, wanted=None):
    """(document number, positions) of a term's live title postings in one segment; with `wanted`,
    only of documents whose title length (`lengths`) is in it."""
    matcher = leaf.postings("title", term)
    blocks = getattr(matcher, "child", matcher)
    deleted = leaf.deleted_docs_set if leaf.has_deletions() else ()
    if isinstance(blocks, postings.W3LeafMatcher):
        ids, values = postings._read_ids_values(blocks)
        pairs = zip((ids + offset).tolist(), values)
        for (doc, value), local in zip(pairs, ids.tolist()):
            if local in deleted or (wanted is not None and int(lengths[doc]) not in wanted):
                continue
            yield doc, postings._positions(value)
        return
    while matcher.is_active():  # another postings format: Whoosh's own (slower) walk
        doc = matcher.id() + offset
        if matcher.id() not in deleted and (wanted is None or int(lengths[doc]) in wanted):
            yield doc, {span.start for span in matcher.spans()}
        matcher.next()


def same_title_counts(reader, lengths: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts, signatures, word counts): for every document, how many live bulletins share its title by
    `distinguish.shared_title_count`'s rule (its title words, the shortest term at each place, in
    order, each within the largest gap between them, in a title just as long), and the digest of
    its words and how many distinct words it has. Read from the title postings in one pass instead of one phrase search per bulletin;
    0 for deleted documents and titles without words."""
    count = reader.doc_count_all()
    if lengths is None:
        lengths = field_lengths(reader, "title")
    counts = np.zeros(count, dtype=np.int32)
    signatures = np.zeros(count, dtype=np.int64)
    words_n = np.zeros(count, dtype=np.int32)
    where: dict[tuple, dict[int, tuple]] = {}  # (title length, term) → document → its places
    places = title_places(reader, lengths, where)
    memo: dict[tuple, int] = {}
    for doc, mine in places.items():
        words, slop = _words(mine)
        key = (words, slop, int(lengths[doc]))
        found = memo.get(key)
        if found is None:
            found = memo[key] = _phrase_count(where, key[2], words, slop)
        counts[doc] = found
        signatures[doc] = _signature(words, slop)
        words_n[doc] = len(set(words))
    return counts, signatures, words_n


def _phrase_count(where: dict, length: int, words: tuple, slop: int) -> int:
    """Documents of this title length holding `words` in order within `slop`."""
    lists = [where.get((length, word)) for word in words]
    if any(found is None for found in lists):
        return 0
    if len(words) == 1:
        return len(lists[0])
    rarest = min(lists, key=len)
    return sum(1 for doc in rarest if all(doc in found for found in lists)
               and postings.in_order([found[doc] for found in lists], slop))


def _update_same_title(reader, old_reader, old: "Derived", lengths: np.ndarray, live: np.ndarray,
                       moved: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same-title counts, signatures and word counts after an update, from the previous generation's:
    only bulletins whose title can match a removed or added bulletin's title are recounted.

    `moved`: (old, new) document numbers of every bulletin live in both generations (its segment was
    kept). Each other bulletin live before is removed, each other live now is added (a merged
    segment's bulletins are both, and cancel out).
    """
    count = reader.doc_count_all()
    counts = np.zeros(count, dtype=np.int32)
    signatures = np.zeros(count, dtype=np.int64)
    words_n = np.zeros(count, dtype=np.int32)
    old_ids, new_ids = moved
    counts[new_ids] = old.same_title[old_ids]
    signatures[new_ids] = old.arrays["title_sig"][old_ids]
    words_n[new_ids] = old.arrays["title_words"][old_ids]
    stays = np.zeros(len(old.live), dtype=bool)
    stays[old_ids] = True
    kept = np.zeros(count, dtype=bool)
    kept[new_ids] = True
    changed = []  # (+1 added or -1 removed, document, title length, words, slop, signature, term → places)
    for sign, source, docs, sizes in ((-1, old_reader, np.flatnonzero(old.live & ~stays), old.lengths("title")),
                                      (1, reader, np.flatnonzero(live & ~kept), lengths)):
        for doc in docs.tolist():
            title = (source.stored_fields(doc) or {}).get("title") or ""
            spots = {term: set(places) for term, places in bulletin_analyzer().term_positions(title).items()}
            mine = _shortest(spots)
            if not mine:
                continue
            words, slop = _words(mine)
            changed.append((sign, doc, int(sizes[doc]), words, slop, _signature(words, slop), spots))
            if sign > 0:
                signatures[doc], words_n[doc] = changed[-1][5], len(set(words))
    if not changed:
        return counts, signatures, words_n
    wanted = np.array(sorted({c[2] for c in changed}))
    terms = set().union(*(c[6] for c in changed))
    ids = {}  # term → live documents now, of a changed title's length, holding it
    for term in terms:
        found = postings.term_postings(reader, "title", term)[0]
        ids[term] = found[np.isin(lengths[found], wanted)]
    empty = np.empty(0, np.int64)
    for sign, doc, length, words, slop, signature, _ in changed:
        if sign < 0:
            continue
        # a new bulletin: counted in full; the bulletins with its very words match without reading places
        holders = functools.reduce(np.intersect1d, [ids.get(w, empty) for w in words])
        holders = holders[lengths[holders] == length]
        others = holders[signatures[holders] != signature]
        places = {w: _places_of(reader, w, others) for w in set(words)} if len(others) else {}
        counts[doc] = len(holders) - len(others) + sum(
            1 for d in others.tolist() if postings.in_order([places[w][d] for w in words], slop))
    for sign, doc, length, words, slop, signature, _ in changed:  # kept bulletins with the very same words
        counts[kept & (signatures == signature) & (lengths == length)] += sign
    # other kept bulletins whose words may all be among the changed titles' terms: read their places
    held = np.bincount(np.concatenate(list(ids.values())), minlength=count) if ids else np.zeros(count, np.int64)
    candidates = np.flatnonzero(kept & (held > 0) & (held >= words_n))
    if len(candidates):
        maps: dict[int, dict[str, set]] = {}
        for term in terms:
            for d, found in _places_of(reader, term, candidates[np.isin(candidates, ids[term])]).items():
                maps.setdefault(d, {})[term] = found
        for d, theirs in maps.items():
            words, slop = _words(_shortest(theirs))
            if _signature(words, slop) != signatures[d]:
                continue  # some title word of its own is in no changed title: no change can match it
            for sign, _, length, _, _, signature, spots in changed:
                if length == lengths[d] and signature != signatures[d] and all(w in spots for w in words) \
                        and postings.in_order([spots[w] for w in words], slop):
                    counts[d] += sign
    return counts, signatures, words_n


def _shortest(spots: dict[str, set]) -> dict[int, str]:
    """Place → the shortest term there (a compound and its first part share a place: the part)."""
    mine: dict[int, str] = {}
    for term, places in spots.items():
        for place in places:
            held = mine.get(place)
            if held is None or (len(term), term) < (len(held), held):
                mine[place] = term
    return mine


def _places_of(reader, term: str, docs: np.ndarray) -> dict[int, set]:
    """Document → places of `term` in its title, for the (sorted, live) documents `docs` only."""
    out: dict[int, set] = {}
    for leaf, offset, _, blocks in postings.segment_postings(reader, "title", term):
        local = docs[(docs >= offset) & (docs < offset + leaf.doc_count_all())] - offset
        if not len(local):
            continue
        if blocks is not None:
            ids, values = postings._read_ids_values(blocks, local)
            for doc, at in zip(local.tolist(), np.searchsorted(ids, local).tolist()):
                if at < len(ids) and ids[at] == doc:
                    out[doc + offset] = postings._positions(values[at])
        else:
            wanted = set(local.tolist())
            for doc, places in _term_places(leaf, term, 0):
                if doc in wanted:
                    out[doc + offset] = places
    return out


# -- per-document arrays -------------------------------------------------------------------------

def field_lengths(reader, field: str) -> np.ndarray:
    """Each document's length in `field` as Whoosh stores it (0 for a deleted document's missing value)."""
    count = reader.doc_count_all()
    return np.fromiter((reader.doc_field_length(d, field, 0) for d in range(count)), dtype=np.float32, count=count)


def dates(reader) -> np.ndarray:
    count = reader.doc_count_all()
    if not reader.has_column("date"):
        return np.zeros(count, dtype=np.int32)
    column = reader.column_reader("date")
    return np.fromiter((valid_ymd(column[d]) for d in range(count)), dtype=np.int32, count=count)


def agency_members(reader, old: "Derived | None" = None, moved=None) -> tuple[list[str], list[np.ndarray]]:
    """Indexed agency names and, for each, its live documents. With the previous generation's
    data and `moved` (see `_moved`), only the segments it did not have are read."""
    names, members = [], []
    if "agency" not in reader.indexed_field_names():
        return names, members
    if old is None:
        for name in reader.field_terms("agency"):
            names.append(name)
            members.append(postings.term_postings(reader, "agency", name)[0])
        return names, members
    renumber = np.full(len(old.live), -1, dtype=np.int64)  # old document number → new, -1 when not kept
    renumber[moved[0]] = moved[1]
    before = {}
    offsets, docs = old.arrays["agency_offsets"], old.arrays["agency_docs"]
    for i, name in enumerate(old.arrays["agency_names"].tolist()):
        kept = renumber[docs[offsets[i]:offsets[i + 1]]]
        before[name] = kept[kept >= 0]
    starts = _layout(str(old.arrays["key"][0]))
    fresh = [(leaf, offset) for (leaf, offset), (segment, _, _) in zip(reader.leaf_readers(), _segments(reader))
             if segment not in starts]
    for name in reader.field_terms("agency"):
        parts = [before.get(name, np.empty(0, np.int64))]
        parts += [postings.term_postings(leaf, "agency", name)[0] + offset for leaf, offset in fresh
                  if ("agency", name) in leaf]
        names.append(name)
        members.append(np.sort(np.concatenate(parts)))
    return names, members


def live_docs(reader) -> np.ndarray:
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_deletions():
            live[np.fromiter(leaf.deleted_docs_set, dtype=np.int64) + offset] = False
    return live


def _per_document(reader, old: "Derived | None", name: str, compute_leaf) -> np.ndarray:
    """A per-document array: slices of the previous generation's for the segments it shares (a
    segment never changes but for deletions), `compute_leaf(leaf)` for the others."""
    starts = _layout(str(old.arrays["key"][0])) if old is not None else {}
    parts = []
    for (leaf, _), (segment, total, _) in zip(reader.leaf_readers(), _segments(reader)):
        start = starts.get(segment)
        parts.append(old.arrays[name][start:start + total] if start is not None else compute_leaf(leaf))
    return np.concatenate(parts) if parts else compute_leaf(reader)


def compute(reader, previous=None) -> dict[str, np.ndarray]:
    """Every derived array of the index `reader` reads. `previous`: (reader, Derived) of the
    generation this one was updated from, whose arrays are reused where its segments are."""
    old_reader, old = previous if previous is not None else (None, None)
    live = live_docs(reader)
    moved = _moved(reader, old, live) if old is not None else None
    names, members = agency_members(reader, old, moved)
    arrays = {
        "version": np.array([VERSION]),
        "key": np.array([index_key(reader)]),
        "dates": _per_document(reader, old, "dates", dates),
        "agency_names": np.array(names, dtype=str),
        "agency_offsets": np.cumsum([0] + [len(m) for m in members], dtype=np.int64),
        "agency_docs": np.concatenate(members).astype(np.int32) if members else np.empty(0, np.int32),
        "live": live,
    }
    fields = set(reader.indexed_field_names())
    for field in LENGTH_FIELDS:
        if field in fields:
            arrays[f"length_{field}"] = _per_document(reader, old, f"length_{field}",
                                                      lambda leaf, f=field: field_lengths(leaf, f))
    lengths = arrays.get("length_title")
    if lengths is None:
        lengths = np.zeros(reader.doc_count_all(), dtype=np.float32)
    if old is not None:
        title = _update_same_title(reader, old_reader, old, lengths, live, moved)
    else:
        title = same_title_counts(reader, lengths)
    arrays["same_title"], arrays["title_sig"], arrays["title_words"] = title
    return arrays


def _moved(reader, old: "Derived", live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(old, new) document numbers of the bulletins live in both generations (in kept segments)."""
    starts = _layout(str(old.arrays["key"][0]))
    olds, news = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    offset = 0
    for segment, total, _ in _segments(reader):
        start = starts.get(segment)
        if start is not None:
            both = np.flatnonzero(old.live[start:start + total] & live[offset:offset + total])
            olds.append(both + start)
            news.append(both + offset)
        offset += total
    return np.concatenate(olds), np.concatenate(news)


def write(gen_dir: Path, previous: Path | None = None) -> None:
    """Compute the derived data of the (unpublished) generation in `gen_dir` and store it there.

    `previous`: the generation it was updated from; its derived data, when readable, is reused.
    """
    from whoosh import index as whoosh_index

    gen_dir = Path(gen_dir)
    ix = whoosh_index.open_dir(str(gen_dir))
    with ix.reader() as reader:
        arrays = None
        if previous is not None:
            try:
                with whoosh_index.open_dir(str(previous)).reader() as old_reader:
                    old = load(previous, old_reader)
                    if old is not None:
                        arrays = compute(reader, (old_reader, old))
            except (OSError, ValueError, EOFError):  # the previous generation is gone or unreadable
                arrays = None
        if arrays is None:
            arrays = compute(reader)
    tmp = gen_dir / (FILENAME + ".tmp")
    with open(tmp, "wb") as out:
        np.savez(out, **arrays)  # uncompressed: loading is a copy, and zip CRCs still catch garbling
    os.replace(tmp, gen_dir / FILENAME)


class Derived:
    """Derived arrays loaded from a generation's file, trusted only for the index they were computed from."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        self.dates: np.ndarray = arrays["dates"]
        self.live: np.ndarray = arrays["live"]
        self.same_title: np.ndarray = arrays["same_title"]

    def agency_docs(self) -> dict[str, frozenset[int]]:
        names, offsets, docs = self.arrays["agency_names"], self.arrays["agency_offsets"], self.arrays["agency_docs"]
        return {str(name): frozenset(docs[offsets[i]:offsets[i + 1]].tolist()) for i, name in enumerate(names)}

    def lengths(self, field: str) -> np.ndarray | None:
        return self.arrays.get(f"length_{field}")


def load(gen_dir: Path, reader) -> Derived | None:
    """The derived data stored with a generation, or None when it is missing, unreadable, or was not
    computed from the index `reader` reads (then the caller computes what it needs from the index)."""
    try:
        with np.load(Path(gen_dir) / FILENAME, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}  # reading checks each part's CRC
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
        return None
    count = reader.doc_count_all()
    try:
        if int(arrays["version"][0]) != VERSION or str(arrays["key"][0]) != index_key(reader):
            return None
        if any(len(arrays[name]) != count for name in ("dates", "live", "same_title", "title_sig", "title_words")) or \
                any(len(v) != count for k, v in arrays.items() if k.startswith("length_")):
            return None
        offsets, docs = arrays["agency_offsets"], arrays["agency_docs"]
        if len(offsets) != len(arrays["agency_names"]) + 1 or int(offsets[-1]) != len(docs) or \
                (len(docs) and not 0 <= int(docs.min()) <= int(docs.max()) < count):
            return None
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return Derived(arrays)
