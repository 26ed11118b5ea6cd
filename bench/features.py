"""What the results page's timeline and a 10,000-row export cost: prints the numbers, asserts nothing.

    python -m bench.features [--index DIR] [--docs N] [--workdir DIR] [--shared DIR] [--rounds R]

Without `--index`, cuts a scale corpus of N bulletins (default 12,000, see `bench.corpus`) from the
shared folder's Presidencia texts into `--workdir` and builds its index there (reused on the next run
when it is already built). Then measures, over the app through Flask's test client:

- timeline: the engine's share (zero-filling the month counts, per search) and the page's share (the
  results page rendered with and without the chart, result cache warm so only rendering differs);
- export: `/exportar` of the first 10,000 matches as CSV, JSON and NDJSON (whole body read), and the
  same rows through the engine alone (what `boletines search --all` does), cold and warm.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from indexer import store, timeline
from indexer.build import build
from indexer.export import EXPORT_CAP, Export, bulletin_link
from indexer.search import SearchEngine, SearchRequest

from . import corpus as corpora

REPO = Path(__file__).resolve().parents[1]
TIMELINE_QUERIES = ["", "salud", "vacunación", "programa social", "gobierno de méxico", "dengue", "hospital",
                    "\"seguridad social\"", "educación", "agua"]


def _index(args) -> Path:
    if args.index:
        return Path(args.index)
    shared = corpora.find_shared(REPO, args.shared)
    if shared is None:
        print(f"Benchmark skipped: no shared corpus at {args.shared or REPO.parent / 'shared'} "
              "(pass --shared DIR or --index DIR).", file=sys.stderr)
        raise SystemExit(0)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="boletines-features-"))
    index = work / f"index-{args.docs}"
    if store.current_generation(index):
        print(f"[features] reusing {index}", file=sys.stderr)
        return index
    print(f"[features] cutting {args.docs:,} bulletins and building their index in {work} …", file=sys.stderr)
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    corpora.make_scale_corpus(sources, work / f"corpus-{args.docs}", args.docs)
    report = build(work / f"corpus-{args.docs}", index, jobs=args.jobs)
    print(f"[features] built {report.documents:,} bulletins in {report.seconds:.0f} s", file=sys.stderr)
    return index


def _timed(func, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        out.append(time.perf_counter() - started)
    return out


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.2f}"


def bench_timeline(engine: SearchEngine, client, rounds: int) -> None:
    import webapp.tools as tools

    print("\n## Timeline\n")
    print("| query | matches | months | search ms (cold) | zero-fill ms | chart ms | page ms with | page ms without "
          "| added ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    added, fills, partials = [], [], []
    for q in TIMELINE_QUERIES:
        request = SearchRequest(query=q, limit=10)
        engine.generation().cache.clear()
        started = time.perf_counter()
        answer = engine.search(request)
        cold = time.perf_counter() - started
        fill = _timed(lambda: timeline.zero_filled(answer["facets"]["month"]), rounds * 20)
        url = "/?" + urlencode({"q": q} if q else {})
        client.get(url)  # answer cached: what remains is rendering
        original = tools.timeline_chart
        with_chart, without = [], []
        try:
            for _ in range(max(15, rounds * 5)):  # interleaved, so load changes hit both alike
                tools.timeline_chart = original
                with_chart += _timed(lambda: client.get(url).data, 1)
                tools.timeline_chart = lambda response, state: None
                without += _timed(lambda: client.get(url).data, 1)
        finally:
            tools.timeline_chart = original
        partial = _chart_only(client.application, answer, q, max(15, rounds * 5))
        partials.append(statistics.median(partial))
        diff = statistics.median(with_chart) - statistics.median(without)
        added.append(diff)
        fills.append(statistics.median(fill))
        print(f"| {q or '(todos)'} | {answer['total']:,} | {len(answer['timeline'])} | {cold * 1000:8.1f} | "
              f"{statistics.median(fill) * 1000:8.3f} | {_ms(partial)} | {_ms(with_chart)} | {_ms(without)} | {diff * 1000:8.2f} |")
    print(f"\nThe chart (links, geometry and markup of the timeline partial) renders in a median "
          f"{statistics.median(partials) * 1000:.2f} ms (max {max(partials) * 1000:.2f} ms); whole pages with and "
          f"without it differ by a median {statistics.median(added) * 1000:.2f} ms (noisier); the JSON timeline "
          f"costs the engine a median {statistics.median(fills) * 1000:.3f} ms per search.")


def _chart_only(app, answer: dict, q: str, rounds: int) -> list[float]:
    """Rendering `_timeline.html` alone (what the chart adds to a page), in a request for that search."""
    from flask import render_template

    from webapp.params import SearchState

    url = "/?" + urlencode({"q": q} if q else {})
    with app.test_request_context(url):
        from flask import request

        state = SearchState.from_args(request.args)
        render_template("_timeline.html", r=answer, state=state)
        return _timed(lambda: render_template("_timeline.html", r=answer, state=state), rounds)


def bench_export(engine: SearchEngine, client, rounds: int) -> None:
    print(f"\n## Export (up to {EXPORT_CAP:,} rows)\n")
    print("| path | query | rows | MB | seconds (median) | min | rows/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    # every bulletin (newest first, past the cap) and a common word's matches (relevance order)
    for q in ("", "salud"):
        for fmt in ("csv", "json", "ndjson"):
            def web():
                response = client.get("/exportar?" + urlencode({"formato": fmt, **({"q": q} if q else {})}))
                web.size = len(response.data)
                web.rows = int(response.headers["X-Boletines-Exportados"])
            times = _timed(web, rounds)
            print(f"| web /exportar {fmt} | {q or '(todos)'} | {web.rows:,} | {web.size / 1e6:.1f} | "
                  f"{statistics.median(times):.2f} | {min(times):.2f} | {web.rows / statistics.median(times):,.0f} |")

        def engine_only():
            export = Export(engine, SearchRequest(query=q), bulletin_link("http://localhost"))
            engine_only.size = sum(len(chunk) for chunk in export.csv())
            engine_only.rows = export.count

        engine.generation().cache.clear()
        times = _timed(engine_only, rounds)
        print(f"| engine CSV (as `search --all`) | {q or '(todos)'} | {engine_only.rows:,} | "
              f"{engine_only.size / 1e6:.1f} | {statistics.median(times):.2f} | {min(times):.2f} | "
              f"{engine_only.rows / statistics.median(times):,.0f} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index to measure (skips generating a corpus)")
    parser.add_argument("--docs", type=int, default=12_000, help="bulletins in the generated corpus [12000]")
    parser.add_argument("--workdir", type=Path, help="where the generated corpus and index go (kept)")
    parser.add_argument("--shared", type=Path, help="the shared folder [../shared]")
    parser.add_argument("--jobs", type=int, default=None, help="build worker processes [all cores]")
    parser.add_argument("--rounds", type=int, default=3, help="timed repetitions of each measure [3]")
    args = parser.parse_args(argv)

    from webapp import create_app

    index = _index(args)
    engine = SearchEngine(index)
    documents = engine.search(SearchRequest(limit=1))["total"]
    print(f"# Timeline and export cost over {documents:,} bulletins ({index})")
    app = create_app({"INDEX_DIR": str(index), "TESTING": True})
    client = app.test_client()
    from indexer.search import engine_for

    engine = engine_for(index)  # the app's own engine, so its caches are the ones measured
    engine.search(SearchRequest(limit=1))
    # Opening a generation warms the autocomplete and typo vocabularies in a background thread; measuring
    # while it runs would charge its GIL time to the first query.
    engine.generation().warming.join(timeout=120)
    bench_timeline(engine, client, args.rounds)
    bench_export(engine, client, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
