"""The search engine behind both the CLI and the web app.

One `SearchEngine` per index directory keeps a searcher per thread, reopened only when a build
publishes a new generation, plus facet arrays and an LRU cache of recent answers for that
generation. `search()` returns the JSON contract shared by `boletines search --json` and
`/api/search`.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

from whoosh import query as wq

from . import complete, distinguish, exact, expansion, explain, postings, ranking, store, suggest, timeline
from .document import shown_path
from .facets import AgencyFacet, FacetData, MonthFacet, YearFacet, resolve_agency, valid_ymd
from .health import Health
from .highlight import highlight, snippet
from .related import related as related_docs
from .respell import respell
from .generation import Generation
from .query import MostWords, PreferRecent, UnlessAcronym, highlight_terms, parse, split_filters, to_whoosh
# the request model is re-exported: web and CLI import it from here, the single entry point
from .request import (MAX_COMPARE, MAX_LIMIT, MAX_PAGE, MIN_COMPARE, SORTS, SearchError,  # noqa: F401
                      SearchRequest, parse_date_param)

CACHE_SIZE = 256
SCORING_BUDGET = 1.0  # seconds of exact scoring per request (see `ranking.score_exactly`)


def _ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _iso(value) -> str | None:
    value = valid_ymd(value)
    if not value:
        return None
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


def _without_title(body: str, title: str) -> str:
    """The body minus its headline near the top, which the result already shows above the snippet."""
    words = title.split()
    if len(" ".join(words)) < 12:
        return body
    head = body[:len(title) * 3 + 600]
    start = head.find(words[0])
    while start >= 0:
        if start == 0 or head[start - 1].isspace():
            tokens = head[start:].split(maxsplit=len(words))
            if tokens[:len(words)] == words:  # the headline's words in order, any spacing between them
                end = start
                for word in words:
                    end = head.index(word, end) + len(word)
                return body[end:]
        start = head.find(words[0], start + 1)
    return body


def _prefix_notice(parsed, expansions) -> dict | None:
    """{"short": one-letter prefixes left out, "bounded": [{"prefix", "words", "total"}] of prefixes
    searched as their commonest words only (`prefixes`)}, or None when there is nothing to say."""
    bounded = [{"prefix": w.prefix, "words": len(w.exact), "total": w.total}
               for w in expansions.prefixes.values() if w.bounded]
    if not (parsed.short_prefixes or bounded):
        return None
    return {"short": list(parsed.short_prefixes), "bounded": bounded}


def _reads_index(method):
    """Tell a damaged index (IndexDamaged: the page says to rebuild) from a bug when a read fails."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (SearchError, store.NoIndex, store.IndexBusy, store.IndexDamaged):
            raise
        except Exception as exc:
            gen = self._generation
            self.health.diagnose(gen.name if gen is not None else None, exc)
            raise

    return guarded


class SearchEngine:
    facets = (AgencyFacet(), YearFacet(), MonthFacet())

    def __init__(self, index_dir: Path, warm: bool = True):
        self.index_dir = Path(index_dir)
        self.warm = warm  # see `Generation`
        self._generation: Generation | None = None
        self._lock = threading.Lock()
        self.health = Health(self.index_dir)

    # -- index generations -------------------------------------------------------------------
    def generation(self) -> Generation:
        """The live generation, reopened when a build or update has published a new one.

        IndexDamaged when it cannot be opened, a read from it failed decoding its files, a full check
        found it damaged, or its files changed; it stays so until a build publishes a new generation.
        """
        current = store.current_generation(self.index_dir)
        self.health.raise_if_damaged(current)
        gen = self._generation
        if gen is None or gen.name != current:
            with self._lock:
                gen = self._generation
                if gen is None or gen.name != store.current_generation(self.index_dir):
                    try:
                        gen = self._generation = Generation(self.index_dir, self.warm)
                    except (store.NoIndex, store.IndexDamaged):
                        raise
                    except Exception as exc:  # it opened, but its facet columns and postings did not read
                        raise self.health.damage(current, f"{type(exc).__name__}: {exc}") from exc
        self.health.check_files(gen.name, gen.path, gen.sizes)
        return gen

    def typed_filters(self, query: str) -> dict | None:
        """The field filters typed in a query, as a page's own filters: {"query": the rest,
        "agencies": facet values (as typed when none matches), "from", "to"}; None when there are none."""
        rest, filters = split_filters(query)
        if not (filters.agencies or filters.date_from or filters.date_to):
            return None
        known = self.generation().facets.agency_docs
        agencies = []
        for typed in filters.agencies:
            for name in resolve_agency(typed, known) or [typed]:
                if name not in agencies:
                    agencies.append(name)
        return {"query": rest, "agencies": agencies, "from": filters.date_from, "to": filters.date_to}

    @_reads_index
    def agencies(self) -> list[str]:
        return sorted(self.generation().facets.agency_docs)

    # -- search ------------------------------------------------------------------------------
    @_reads_index
    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        request.validate()
        gen = self.generation()
        key = request.key()
        with gen.lock:
            cached = gen.cache.get(key)
            if cached is not None:
                gen.cache.move_to_end(key)
        if cached is None:
            cached = self._search(gen, request)
            with gen.lock:
                gen.cache[key] = cached
                while len(gen.cache) > CACHE_SIZE:
                    gen.cache.popitem(last=False)
        response = dict(cached)
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _search(self, gen: Generation, request: SearchRequest) -> dict:
        searcher = gen.searcher()
        data = gen.facets
        parsed, expansions, q, agencies, date_from, date_to, narrowed = self._matches(gen, searcher, request)
        hits_set = narrowed()
        facets = {facet.name: facet.counts(data, narrowed(facet.ignores)) for facet in self.facets}
        total = len(hits_set)
        offset = (request.page - 1) * request.limit
        period = parsed.period if date_from is None and date_to is None else None
        in_period = self._date_filter(gen, period.start, period.end) if period else None
        page = self._page(gen, searcher, q, parsed, hits_set, request, offset, in_period)
        terms = highlight_terms(parsed, expansions)
        partial, missing = self._partial(gen, searcher, q, parsed, [docnum for docnum, _ in page])
        hits = []
        for (docnum, score), lacks in zip(page, missing):
            stored = gen.stored(searcher, docnum)
            hits.append(self._hit(stored, score, terms))
            hits[-1]["missing"] = lacks
            hits[-1]["distinction"] = self._distinction(gen, searcher, docnum, stored)
        response = {
            "query": request.query,
            "total": total,
            "took_ms": 0.0,
            "page": request.page,
            "pages": max(1, -(-total // request.limit)),
            "limit": request.limit,
            "sort": request.sort,
            "filters": {"agencies": agencies, "from": date_from.isoformat() if date_from else None,
                        "to": date_to.isoformat() if date_to else None},
            "hits": hits,
            "facets": facets,
            "timeline": timeline.zero_filled(facets["month"]),
            "suggestion": None,
            "corrected": expansion.corrected_queries(request.query, expansions),
            "partial": partial,
            "period": None if period is None else {
                "period": period.key, "from": period.start.isoformat(), "to": period.end.isoformat(),
                "count": len(hits_set & in_period), "words": list(period.words)},
            "prefixes": _prefix_notice(parsed, expansions),
        }
        unexplained = expansion.without_meanings(parsed, expansions)  # "ssa" is an acronym, not a typo of "sso"
        if response["corrected"] is None and not unexplained.is_empty() and (
                total < 3 or suggest.has_unknown_words(searcher, unexplained)):
            response["suggestion"] = suggest.did_you_mean(searcher, unexplained, request.query, cache=gen)
        return response

    def _matches(self, gen: Generation, searcher, request: SearchRequest):
        """(parsed query, its expansions, Whoosh query, agencies, from, to, narrowed) of a request, where
        narrowed(f) is the set of matching documents under every filter but `f` (None: under all)."""
        parsed = respell(searcher.reader(), parse(request.query))
        data = gen.facets
        agencies = list(request.agencies) + parsed.agencies
        date_from = request.date_from or parsed.date_from
        date_to = request.date_to or parsed.date_to

        expansions = expansion.expand(searcher, parsed)
        q = to_whoosh(parsed, expansions=expansions)
        if parsed.is_empty():  # a query of one-letter prefixes alone ("p*") matches nothing: see the notice
            matched = frozenset() if parsed.short_prefixes else data.all_docs
        else:
            matched = self._docset(gen, searcher, q) & data.all_docs
        by_agency = self._agency_filter(data, agencies)
        by_date = self._date_filter(gen, date_from, date_to)
        filters = {"agency": by_agency, "date": by_date}

        def narrowed(ignore: str | None = None) -> frozenset[int]:
            docs = matched
            for name, allowed in filters.items():
                if allowed is not None and name != ignore:
                    docs = docs & allowed
            return docs

        return parsed, expansions, q, agencies, date_from, date_to, narrowed

    def _page(self, gen: Generation, searcher, q, parsed, docs: frozenset[int], request: SearchRequest,
              offset: int, first: frozenset[int] | None = None):
        """One page of matches in the request's order; by relevance, those in `first` (a period typed in the
        query) come before the rest."""
        if not docs:
            return []
        dates = gen.facets.dates
        if request.sort == "relevance" and not parsed.is_empty():
            wanted = offset + request.limit
            ranked = []
            for tier in ((docs & first, docs - first) if first is not None else (docs,)):
                if tier and len(ranked) < wanted:
                    ranked += self._ranked(gen, searcher, q, tier, wanted - len(ranked))
            return ranked[offset:offset + request.limit]
        if request.sort == "oldest":
            ordered = sorted(docs, key=lambda d: (dates[d] == 0, dates[d], d))
        else:  # newest first, also the order of an empty query
            ordered = sorted(docs, key=lambda d: (dates[d] == 0, -dates[d], d))
        return [(d, None) for d in ordered[offset:offset + request.limit]]

    def _ranked(self, gen: Generation, searcher, q, docs: frozenset[int], wanted: int) -> list:
        """The best `wanted` of `docs` with their scores: every match pre-ranked cheaply, then the best few
        scored exactly (`exact`; Whoosh for what it cannot)."""
        best = ranking.candidates(gen.weights, searcher, q, docs, ranking.exact_enough(len(docs), wanted))
        docs_of = lambda sub: self._docset(gen, searcher, sub)  # noqa: E731
        most_of = lambda most: self._most_words(gen, searcher, most)[0]  # noqa: E731
        ranked = exact.score_candidates(gen.weights, gen.positions, searcher, q, best, wanted, docs_of, most_of,
                                        gen.facets.dates, lambda phrase: gen.recall(("docs", repr(phrase))))
        if ranked is None:  # a query node only Whoosh knows how to score
            focused = ranking.restrict(q, best, docs_of, most_of)
            ranked = ranking.score_exactly(searcher, focused, best, wanted, SCORING_BUDGET)
        return ranked[:wanted]

    def _partial(self, gen: Generation, searcher, q, parsed, docnums: list[int]):
        """Whether results may lack some typed words, and which ones each result lacks (`explain`)."""
        most = explain.most_words_of(q)
        if most is None:
            return None, [[] for _ in docnums]
        need = self._most_words(gen, searcher, most)[0]
        clause_docs = [self._docset(gen, searcher, sub) for sub in most.subqueries]
        return explain.partial_match(parsed, most, need, clause_docs, docnums)

    @staticmethod
    def _distinction(gen: Generation, searcher, docnum: int, stored: dict) -> str | None:
        """A line telling this bulletin apart from others with the same title (`distinguish`), or None."""
        title = stored.get("title") or ""
        if gen.same_title is not None:  # counted when the generation was published
            shared = int(gen.same_title[docnum])
        else:
            cached = lambda key, make: gen.recall(key) or gen.remember(key, make())  # noqa: E731
            shared = distinguish.shared_title_count(searcher, docnum, title, cached)
        if shared < 2:
            return None
        return distinguish.distinguishing_line(stored.get("body") or "", title)

    def _docset(self, gen: Generation, searcher, q: wq.Query) -> frozenset[int]:
        """Documents matching `q`, by set algebra over cached per-term document sets.

        Faster than walking Whoosh's matcher tree in Python, and a term seen in one request is free
        in the next; only phrases and prefixes go through Whoosh matchers (cached as well).
        """
        if isinstance(q, (wq.Or, wq.DisjunctionMax)):  # a word's forms and fields: back in the next query
            key = ("docs", repr(q))
            docs = gen.recall(key)
            if docs is None:
                docs = gen.remember(key, frozenset().union(*(self._docset(gen, searcher, sub) for sub in q.subqueries)))
            return docs
        if isinstance(q, wq.And):
            sets = sorted((self._docset(gen, searcher, sub) for sub in q.subqueries), key=len)
            return frozenset(sets[0].intersection(*sets[1:])) if sets else frozenset()
        if isinstance(q, wq.AndNot):
            return self._docset(gen, searcher, q.a) - self._docset(gen, searcher, q.b)
        if isinstance(q, wq.AndMaybe):
            return self._docset(gen, searcher, q.a)
        if isinstance(q, wq.Every):
            return gen.facets.all_docs
        if isinstance(q, MostWords):
            return self._most_words(gen, searcher, q)[1]
        if isinstance(q, UnlessAcronym):
            return frozenset() if q.is_acronym_in(searcher) else self._docset(gen, searcher, q.child)
        if isinstance(q, PreferRecent):
            return self._docset(gen, searcher, q.child)
        key = ("docs", repr(q))
        docs = gen.recall(key)
        if docs is not None:
            return docs
        found = None
        if isinstance(q, wq.Term):  # the pre-ranker reads (and caches) the same posting list
            found = gen.weights.weights(searcher, q.fieldname, q.text)[0].tolist()
        elif isinstance(q, wq.Phrase):
            found = postings.phrase_docs(searcher.reader(), q.fieldname, list(q.words), q.slop)
        docs = frozenset(q.matcher(searcher).all_ids() if found is None else found)
        return gen.remember(key, docs)

    def _most_words(self, gen: Generation, searcher, q: MostWords) -> tuple[int, frozenset[int]]:
        """(words a bulletin needs, matching documents) of a MostWords query, cached like term sets."""
        key = ("most", repr(q))
        chosen = gen.recall(key)
        if chosen is None:
            chosen = gen.remember(key, q.choose([self._docset(gen, searcher, sub) for sub in q.subqueries]))
        return chosen

    @staticmethod
    def _agency_filter(data: FacetData, wanted: list[str]) -> frozenset[int] | None:
        if not wanted:
            return None
        docs: set[int] = set()
        for name in wanted:
            for agency in resolve_agency(name, data.agency_docs):
                docs |= data.agency_docs[agency]
        return frozenset(docs)

    @staticmethod
    def _date_filter(gen: Generation, start: dt.date | None, end: dt.date | None) -> frozenset[int] | None:
        if start is None and end is None:
            return None
        lo = _ymd(start) if start else 0
        hi = _ymd(end) if end else 99991231
        key = ("date-range", lo, hi)
        docs = gen.recall(key)
        if docs is None:
            docs = gen.remember(key, gen.facets.date_range(max(lo, 1), hi))
        return docs

    @staticmethod
    def _hit(stored: dict, score, terms, with_snippet: bool = True) -> dict:
        title = stored.get("title") or shown_path(stored["path"])
        hit = {
            "id": stored["id"],
            "path": stored["path"],  # as the file system names it (see `document.shown_path` to show it)
            "paths": stored.get("paths") or [stored["path"]],
            "title": title,
            "title_html": str(highlight(title, terms)),
            "date": _iso(stored.get("date")),
            "agencies": [a for a in (stored.get("agency") or "").split(",") if a],
            "number": stored.get("number") or None,
            "place": stored.get("place"),
            "score": round(score, 4) if score is not None else None,
        }
        if with_snippet:
            body = _without_title(stored.get("body") or "", stored.get("title") or "")
            hit["snippet"] = str(snippet(body, terms))
        return hit

    # -- every match: exports and feeds (see export.py) and comparisons (see timeline.py) --------
    def matches(self, request: SearchRequest, cap: int) -> tuple[int, list[int], object]:
        """(total, the first `cap` matching document numbers in the request's order, searcher).

        Relevance order here is the pre-ranking's (see `ranking.ranked`); dates order as pages do.
        """
        request.validate()
        gen = self.generation()
        searcher = gen.searcher()
        parsed, _, q, *_, narrowed = self._matches(gen, searcher, request)
        docs = narrowed()
        if request.sort == "relevance" and not parsed.is_empty():
            ordered = ranking.ranked(gen.weights, searcher, q, docs)
        else:
            dates = gen.facets.dates
            sign = 1 if request.sort == "oldest" else -1
            ordered = sorted(docs, key=lambda d: (dates[d] == 0, sign * dates[d], d))
        return len(docs), ordered[:cap], searcher

    def hits_of(self, searcher, docnums: list[int], query: str = ""):
        """The result fields (no snippet) of each document, lazily: an export streams them."""
        terms = highlight_terms(parse(query))
        for docnum in docnums:
            yield self._hit(searcher.stored_fields(docnum), None, terms, with_snippet=False)

    def compare(self, queries: list[str], request: SearchRequest) -> dict:
        """Several queries under the same filters on one time axis (see `timeline.compare`)."""
        queries = [q.strip() for q in queries if q and q.strip()]
        if not MIN_COMPARE <= len(queries) <= MAX_COMPARE:
            raise SearchError(f"Para comparar escriba entre {MIN_COMPARE} y {MAX_COMPARE} búsquedas "
                              f"(recibimos {len(queries)}).")
        answers = [self.search(replace(request, query=query, page=1, limit=1, sort="relevance"))
                   for query in queries]
        unit, lines = timeline.compare([answer["facets"]["month"] for answer in answers])
        return {
            "unit": unit,
            "periods": [p.key for p in lines[0]] if lines else [],
            "filters": answers[0]["filters"] if answers else {},
            "queries": [{"query": query, "total": answer["total"],
                         "series": [{"period": p.key, "count": p.count} for p in line]}
                        for query, answer, line in zip(queries, answers, lines)],
        }

    def indexed_at(self) -> dt.datetime:
        """When the live index generation was published (feeds use it for undated bulletins)."""
        gen = self.generation()
        stamp = (self.index_dir / gen.name).stat().st_mtime
        return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).replace(microsecond=0)

    # -- single bulletins --------------------------------------------------------------------
    @_reads_index
    def bulletin(self, bulletin_id: str, query: str = "") -> dict | None:
        """The whole bulletin with the query's words marked, or None for an unknown id."""
        gen = self.generation()
        searcher = gen.searcher()
        docnum = searcher.document_number(id=bulletin_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        parsed = respell(searcher.reader(), parse(query))
        terms = highlight_terms(parsed, expansion.expand(searcher, parsed))
        hit = self._hit(stored, None, terms, with_snippet=False)
        meta = stored.get("meta") or {}
        hit.update({
            "body_html": str(highlight(stored.get("body") or "", terms)),
            "sources": meta.get("sources", {}),
            "warnings": meta.get("warnings", []),
            "url": meta.get("url"),
            "ocr": bool(meta.get("ocr")),
        })
        return hit

    @_reads_index
    def source_file(self, bulletin_id: str, number: int) -> str | None:
        """The corpus-relative path of a bulletin's `number`-th file (without reading the whole bulletin)."""
        searcher = self.generation().searcher()
        docnum = searcher.document_number(id=bulletin_id)
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        paths = stored.get("paths") or [stored["path"]]
        return paths[number] if 0 <= number < len(paths) else None

    @_reads_index
    def related(self, bulletin_id: str, limit: int = 5) -> list[dict]:
        """Up to `limit` bulletins sharing this one's distinctive terms (`related`)."""
        gen = self.generation()
        searcher = gen.searcher()
        docnum = searcher.document_number(id=bulletin_id)
        if docnum is None:
            return []
        stored = searcher.stored_fields(docnum)
        found = related_docs(gen.weights, searcher, docnum, stored.get("title") or "", stored.get("body") or "",
                             limit, gen.facets.live)
        out = []
        for other in found:
            r = searcher.stored_fields(other)
            out.append({"id": r["id"], "title": r.get("title") or shown_path(r["path"]), "date": _iso(r.get("date")),
                        "agencies": [a for a in (r.get("agency") or "").split(",") if a],
                        "distinction": self._distinction(gen, searcher, other, r)})
        return out

    @_reads_index
    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Completions for what is being typed (see `complete.completions`)."""
        return complete.completions(self.generation().searcher(), prefix, limit)


_engines: dict[Path, SearchEngine] = {}
_engines_lock = threading.Lock()


def engine_for(index_dir: Path, warm: bool = True) -> SearchEngine:
    """One shared engine per index directory in this process (`warm`: see `Generation`)."""
    key = Path(index_dir).resolve()
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = SearchEngine(key, warm)
        return engine
