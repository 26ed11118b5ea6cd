"""The in-process search job over three query sets, Boletines beside the baselines in one run.

* `page` — `bench/queries.tsv`: what the search page is asked (words, phrases, filters), every
  query `--rounds` times; Boletines cold and warm, SQLite FTS5 and default Whoosh.
* `common` — `--common` distinct one-to-three-word queries of common words
  (`bench.queries.common_queries`), `--common-rounds` passes (1 by default: each query once);
  Boletines cold and FTS5.
* `known` — the queries of `<shared>/eval/known-item-dev.tsv` (four to six words naming one
  bulletin), dev corpus only; Boletines cold and FTS5 answering with every word, else any word
  (`Fts5Bench.search(any_word=True)`), so that, like ours, it never shows an empty page.

Cold for Boletines means its answer cache is cleared before every request; the searcher, facet
arrays and term-level caches stay, as in a running server (one engine serves all three sets,
in that order). The baselines have no answer cache.
"""
from __future__ import annotations

from pathlib import Path

from indexer.search import SearchEngine

from . import stock_whoosh
from .latency import Latency, search_baseline, time_calls
from .queries import BenchQuery

SETS = ("page", "common", "known")


def open_engine(index_dir: Path, queries: list[BenchQuery]) -> SearchEngine:
    """An engine with its generation open (searcher, facet arrays), as a running server has it."""
    engine = SearchEngine(index_dir)
    for q in queries[:3]:
        engine.search(q.request())
    return engine


def search_ours(engine: SearchEngine, queries: list[BenchQuery], rounds: int, warm: bool = False) -> dict[str, Latency]:
    """Cold: the answer cache cleared before every request. Warm (if asked): every answer already cached."""
    cache = engine.generation().cache
    timed = {"cold": time_calls(lambda q: engine.search(q.request()), queries, rounds, before=cache.clear)}
    if warm:
        for q in queries:
            engine.search(q.request())
        timed["warm"] = time_calls(lambda q: engine.search(q.request()), queries, rounds)
    return timed


def search_fts5_fallback(system, queries: list[BenchQuery], rounds: int) -> tuple[Latency, int]:
    """FTS5 with the any-word fallback; also how many distinct queries needed it (counted after
    the timing, so that FTS5 gets no untimed pass over the set that ours does not get)."""
    latency = search_baseline(system, queries, rounds, call=lambda q: system.search(q, any_word=True))
    try:
        fell_back = sum(bool(system.search(q, any_word=True).get("any_word")) for q in queries)
    finally:
        system.close()
    return latency, fell_back


def run_sets(index_dir: Path, baselines: dict, sets: dict[str, tuple[list[BenchQuery], int]],
             whoosh_rounds: int = 1, say=print) -> dict:
    """{set: {"queries", "rounds", system: summary, ...}} for every set in `sets` ({name: (queries,
    rounds)}); `baselines` maps "fts5" / "whoosh" to their bench objects."""
    out: dict[str, dict] = {}
    engine = open_engine(index_dir, next(iter(sets.values()))[0])
    for name, (queries, rounds) in sets.items():
        entry: dict = {"queries": len(queries), "rounds": rounds}
        say(f"searching the {name} set with Boletines ({rounds} × {len(queries)} queries) …")
        ours = search_ours(engine, queries, rounds, warm=name == "page")
        entry["ours"] = ours["cold"].summary()
        if "warm" in ours:
            entry["ours_warm"] = ours["warm"].summary()
        for key, system in baselines.items():
            if key == "whoosh" and name != "page":
                continue  # an order of magnitude slower: timed on the page set only
            say(f"  … with {system.name} …")
            if key == "whoosh":  # in a fresh interpreter, without the engine's changes to Whoosh
                system.close()
                entry[key] = dict(stock_whoosh.measure(system.index_dir, queries, whoosh_rounds).summary(),
                                  rounds=whoosh_rounds)
            elif name == "known":
                latency, fell_back = search_fts5_fallback(system, queries, rounds)
                entry[key] = dict(latency.summary(), any_word=fell_back)
            else:
                entry[key] = search_baseline(system, queries, rounds).summary()
        out[name] = entry
    return out
