"""Scale benchmark: Boletines beside SQLite FTS5 and default Whoosh on the same files and the same job.

    python -m bench.run [--docs N] [--shared DIR] [--workdir DIR] [--keep] [--reuse-indexes]
                        [--corpora dev,scale] [--systems ours,fts5,whoosh] [--rounds R]
                        [--web-seconds S] ...

For the dev corpus (a private copy of `<shared>/corpus`) and a generated scale corpus of N
bulletin-sized files (see `bench.corpus`), measures: full build time, CPU and peak memory (each
build runs in a child process), index size, the update after one bulletin changes, search
latency of the page's whole job (hits + snippets + agency/year/month facets) with the result
cache cold and warm, and web throughput/latency of `boletines serve` under concurrent clients.
Prints markdown tables with ratios and PASS/MISS per target, and writes them with the raw
numbers (JSON) to `--out`. `<shared>` defaults to the `shared` folder next to the repository;
without it the benchmark says so and exits 0.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from indexer import store
from indexer.build import build, update
from indexer.search import SearchEngine

from . import corpus as corpora
from . import stock_whoosh
from .baselines import Fts5Bench, WhooshBench
from .latency import Latency, percentiles, search_baseline, time_calls
from .queries import QUERIES_FILE, BenchQuery, load_queries
from .web import run_web

REPO = Path(__file__).resolve().parents[1]
SYSTEMS = ("ours", "fts5", "whoosh")
LABELS = {"ours": "Boletines", "fts5": "SQLite FTS5", "whoosh": "Whoosh (default)"}
GB = 1024 ** 3
MB = 1024 ** 2

# The targets; the memory and update ones are set for a 100,000-bulletin corpus.
SEARCH_VS_FTS5 = 2.0  # our p50/p95 at most this many times FTS5's
SEARCH_VS_WHOOSH = 5.0  # default Whoosh's p50/p95 at least this many times ours
BUILD_VS_FTS5 = 10.0
PEAK_RSS = 2 * GB
UPDATE_SECONDS = 2.0
WEB_RPS = 100.0
WEB_P99_MS = 250.0


# --- measuring a child process -----------------------------------------------------------------

@dataclass
class ChildRun:
    """Wall and CPU time of a call made in a fresh process, and its memory high-water marks."""

    value: object = None
    wall: float = 0.0
    cpu: float = 0.0  # user + system of the child and of every process it waited for
    peak_tree: int = 0  # bytes: highest sampled sum of RSS over the child and its descendants (psutil)
    peak_largest: int = 0  # bytes: ru_maxrss of the largest single process


def _child_main(conn, target, args) -> None:
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        value = target(*args)
        wall = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (own.ru_utime - before.ru_utime + own.ru_stime - before.ru_stime
               + kids.ru_utime + kids.ru_stime)
        conn.send({"ok": True, "value": value, "wall": wall, "cpu": cpu,
                   "largest": max(own.ru_maxrss, kids.ru_maxrss) * 1024})
    except BaseException:
        conn.send({"ok": False, "error": traceback.format_exc()})
    finally:
        conn.close()


def _tree_rss(pid: int) -> int:
    try:
        import psutil
    except ImportError:  # optional: without it only the largest process's peak is known
        return 0
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_child(target, *args, sample_every: float = 0.25) -> ChildRun:
    """Call `target(*args)` in a spawned process; its own rusage gives time, CPU and peak memory."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, target, args))
    process.start()
    sender.close()
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(sample_every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        while not receiver.poll(0.5):
            if not process.is_alive():
                raise RuntimeError(f"benchmark child died with status {process.exitcode}")
        message = receiver.recv()
    finally:
        done.set()
        sampler.join()
        process.join()
    if not message["ok"]:
        raise RuntimeError("benchmark child failed:\n" + message["error"])
    # Sampling can miss a short-lived peak that the kernel's high-water mark caught.
    return ChildRun(message["value"], message["wall"], message["cpu"], max(peak, message["largest"]),
                    message["largest"])


# Targets of run_child: module-level so a spawned process can import them.

def build_ours(corpus: Path, index_dir: Path, jobs: int | None) -> dict:
    return build(corpus, index_dir, jobs=jobs).as_json()


def update_ours(corpus: Path, index_dir: Path, jobs: int | None) -> dict:
    return update(corpus, index_dir, jobs=jobs).as_json()


def build_fts5(corpus: Path, path: Path, jobs: int | None) -> dict:
    return Fts5Bench(path).build(corpus, jobs)


def build_whoosh(corpus: Path, path: Path, jobs: int | None) -> dict:
    return WhooshBench(path).build(corpus, jobs)


# --- search latency ----------------------------------------------------------------------------

def search_ours(index_dir: Path, queries: list[BenchQuery], rounds: int) -> dict[str, Latency]:
    """Cold: the LRU result cache cleared before every request. Warm: every answer already cached."""
    engine = SearchEngine(index_dir)
    for q in queries[:3]:  # open the generation (searcher, facet arrays) as a running server has
        engine.search(q.request())
    cache = engine.generation().cache
    cold = time_calls(lambda q: engine.search(q.request()), queries, rounds, before=cache.clear)
    for q in queries:
        engine.search(q.request())
    warm = time_calls(lambda q: engine.search(q.request()), queries, rounds)
    return {"cold": cold, "warm": warm}


# --- one corpus --------------------------------------------------------------------------------

def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _index_size(index_dir: Path) -> int:
    generation = store.current_generation(index_dir)
    return _dir_size(Path(index_dir) / generation) if generation else 0


def _child_summary(run: ChildRun) -> dict:
    return {"wall": run.wall, "cpu": run.cpu, "peak_tree": run.peak_tree, "peak_largest": run.peak_largest}


def bench_corpus(name: str, corpus: Path, work: Path, queries: list[BenchQuery], args) -> dict:
    systems = args.systems
    files, size = corpora.corpus_bytes(corpus)
    result: dict = {"corpus": name, "files": files, "bytes": size, "queries": len(queries),
                    "build": {}, "search": {}, "web": None, "update": None}
    say = lambda text: print(f"[{name}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    index_dir = work / "index"
    if args.reuse_indexes and store.current_generation(index_dir):
        say(f"reusing the index in {index_dir} (build not measured)")
    else:
        shutil.rmtree(index_dir, ignore_errors=True)
        say(f"building Boletines over {files} files …")
        run = run_child(build_ours, corpus, index_dir, args.jobs)
        result["build"]["ours"] = dict(_child_summary(run), size=_index_size(index_dir),
                                       documents=run.value["documents"], skipped=len(run.value["skipped"]))
        say(f"  {run.wall:.1f} s")

    changed = corpora.change_one_bulletin(corpus, args.seed)
    say(f"updating after a change to {changed.relative_to(corpus)} …")
    run = run_child(update_ours, corpus, index_dir, args.jobs)
    report = run.value
    result["update"] = dict(_child_summary(run), inside=report["seconds"], mode=report["mode"],
                            updated=report["updated"], added=report["added"], removed=report["removed"])
    say(f"  {run.wall:.2f} s ({report['mode']}, updated {report['updated']})")

    baselines = {}
    for key, system, builder in (("fts5", Fts5Bench(work / "fts5.sqlite"), build_fts5),
                                 ("whoosh", WhooshBench(work / "whoosh"), build_whoosh)):
        if key not in systems:
            continue
        baselines[key] = system
        if args.reuse_indexes and system.exists():
            say(f"reusing the {LABELS[key]} index (build not measured)")
            continue
        say(f"building {LABELS[key]} …")
        path = system.db_path if key == "fts5" else system.index_dir
        run = run_child(builder, corpus, path, args.jobs)
        result["build"][key] = dict(_child_summary(run), size=system.size(), **run.value)
        say(f"  {run.wall:.1f} s")

    say(f"searching with Boletines ({args.rounds} rounds of {len(queries)} queries, cold and warm) …")
    ours = search_ours(index_dir, queries, args.rounds)
    result["search"]["ours"] = ours["cold"].summary()
    result["search"]["ours_warm"] = ours["warm"].summary()
    for key, system in baselines.items():
        rounds = args.whoosh_rounds if key == "whoosh" else args.rounds
        say(f"searching with {LABELS[key]} ({rounds} rounds) …")
        if key == "whoosh":  # in a fresh interpreter, without the engine's changes to Whoosh
            system.close()
            result["search"][key] = stock_whoosh.measure(system.index_dir, queries, rounds).summary()
        else:
            result["search"][key] = search_baseline(system, queries, rounds).summary()

    if args.web_seconds > 0:
        say(f"web: {args.clients} clients for up to {args.web_seconds:g} s / {args.web_requests} requests …")
        web = run_web(index_dir, corpus, [q.url() for q in queries], args.clients, args.web_seconds,
                      args.web_requests, log=work / "server.log")
        result["web"] = {"clients": web.clients, "requests": web.requests, "errors": web.errors,
                         "seconds": web.seconds, "rps": web.throughput, "server_cpu": web.server_cpu_seconds,
                         "first_error": web.first_error, **percentiles(web.latencies_ms)}
    return result


# --- report ------------------------------------------------------------------------------------

def _ratio(a, b) -> float | None:
    return a / b if a is not None and b else None


def targets(result: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, passed) for each of the issue's targets this run could measure."""
    rows: list[tuple[str, str, bool | None]] = []
    search, build_ = result["search"], result["build"]
    ours = search.get("ours", {})
    if "fts5" in search:
        for p in ("p50", "p95"):
            r = _ratio(ours[p], search["fts5"][p])
            rows.append((f"search {p} ≤ {SEARCH_VS_FTS5:g}× FTS5's", f"{r:.2f}×", r <= SEARCH_VS_FTS5))
    if "whoosh" in search:
        for p in ("p50", "p95"):
            r = _ratio(search["whoosh"][p], ours[p])
            rows.append((f"search {p} ≥ {SEARCH_VS_WHOOSH:g}× faster than default Whoosh", f"{r:.1f}×",
                         r >= SEARCH_VS_WHOOSH))
    if "fts5" in build_ and "ours" in build_:
        r = _ratio(build_["ours"]["wall"], build_["fts5"]["wall"])
        rows.append((f"full build ≤ {BUILD_VS_FTS5:g}× FTS5's", f"{r:.1f}×", r <= BUILD_VS_FTS5))
    at = f" (target for 100,000; here {result['files']:,})" if result["files"] < 100_000 else ""
    if "ours" in build_:
        peak = build_["ours"]["peak_tree"]
        rows.append((f"build peak RSS ≤ 2 GB{at}", _bytes(peak), peak <= PEAK_RSS))
    upd = result["update"]
    rows.append((f"one-bulletin update ≤ {UPDATE_SECONDS:g} s{at}", f"{upd['wall']:.2f} s",
                 upd["wall"] <= UPDATE_SECONDS and upd["updated"] == 1))
    web = result.get("web")
    if web:
        rows.append((f"web ≥ {WEB_RPS:g} req/s at {web['clients']} clients", f"{web['rps']:.0f} req/s",
                     web["rps"] >= WEB_RPS and web["errors"] == 0))
        rows.append((f"web p99 ≤ {WEB_P99_MS:g} ms", f"{web['p99']:.0f} ms", web["p99"] <= WEB_P99_MS))
    return rows


def _bytes(n: int | None) -> str:
    if not n:
        return "—"
    if n >= GB:
        return f"{n / GB:.2f} GB"
    return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB"


def _ms(v) -> str:
    if v is None:
        return "—"
    return f"{v:.2f}" if v < 10 else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def _lat(s: dict | None) -> str:
    if not s:
        return "—"
    return f"{_ms(s['p50'])} / {_ms(s['p95'])} / {_ms(s['p99'])} ms"


def _build_cell(b: dict | None) -> str:
    return f"{b['wall']:.1f} s ({b['cpu']:.0f} s CPU)" if b else "—"


def markdown(result: dict, machine: str) -> str:
    b, s = result["build"], result["search"]
    cols = [k for k in SYSTEMS if k in b or k in s]
    head = "| | " + " | ".join(LABELS[k] for k in cols) + " |"
    lines = [f"### {result['corpus']}: {result['files']:,} files, {_bytes(result['bytes'])} on disk; "
             f"{result['queries']} queries; {machine}", "", head, "|---" * (len(cols) + 1) + "|"]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(k) for k in cols) + " |")

    unbuilt = "not measured"
    row("full build, wall (CPU)", lambda k: _build_cell(b.get(k)) if k in b else unbuilt)
    row("…of which in SQLite / Whoosh calls (files are read by parallel workers)",
        lambda k: f"{b[k]['index_seconds']:.1f} s" if "index_seconds" in b.get(k, {}) else "—")
    row("build peak RSS, all processes (largest one)",
        lambda k: f"{_bytes(b[k]['peak_tree'])} ({_bytes(b[k]['peak_largest'])})" if k in b else unbuilt)
    row("index size on disk", lambda k: _bytes(b[k]["size"]) if k in b else unbuilt)
    row("documents indexed", lambda k: f"{b[k]['documents']:,}" if k in b else unbuilt)
    row("search p50 / p95 / p99, result cache cold", lambda k: _lat(s.get(k)))
    row("mean CPU per search", lambda k: f"{_ms(s[k]['cpu_mean'])} ms" if k in s else "—")
    row("mean matches per query", lambda k: f"{s[k]['mean_total']:.0f}" if k in s else "—")
    u = result["update"]
    lines += ["",
              f"- one-bulletin update: **{u['wall']:.2f} s** wall ({u['cpu']:.2f} s CPU, {u['mode']}, "
              f"{u['updated']} updated)",
              f"- search with the result cache warm: {_lat(s.get('ours_warm'))}"]
    if "fts5" in s:
        builds = (f"; full build {_ratio(b['ours']['wall'], b['fts5']['wall']):.1f}× (CPU "
                  f"{_ratio(b['ours']['cpu'], b['fts5']['cpu']):.1f}×)") if "ours" in b and "fts5" in b else ""
        lines.append(f"- Boletines / FTS5 (cold): p50 {_ratio(s['ours']['p50'], s['fts5']['p50']):.2f}×, "
                     f"p95 {_ratio(s['ours']['p95'], s['fts5']['p95']):.2f}×; mean CPU per search "
                     f"{_ratio(s['ours']['cpu_mean'], s['fts5']['cpu_mean']):.1f}×{builds}")
    if "whoosh" in s:
        lines.append(f"- default Whoosh / Boletines (cold): p50 {_ratio(s['whoosh']['p50'], s['ours']['p50']):.1f}×, "
                     f"p95 {_ratio(s['whoosh']['p95'], s['ours']['p95']):.1f}×; mean CPU per search "
                     f"{_ratio(s['whoosh']['cpu_mean'], s['ours']['cpu_mean']):.1f}×")
    w = result.get("web")
    if w:
        cpu = f", server CPU {w['server_cpu']:.1f} s" if w.get("server_cpu") is not None else ""
        lines.append(f"- web (`boletines serve`, {w['clients']} keep-alive clients, warm): **{w['rps']:.0f} req/s**, "
                     f"latency {_lat(w)} over {w['requests']} requests in {w['seconds']:.1f} s, "
                     f"{w['errors']} errors{cpu}")
    slow = ", ".join(f"{x['query']} {_ms(x['ms'])} ms" for x in s["ours"]["slowest"])
    lines.append(f"- slowest cold searches (Boletines): {slow}")
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {'PASS' if ok else 'MISS'} |" for t, m, ok in targets(result)]
    return "\n".join(lines) + "\n"


def machine_line() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


# --- command line ------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="bulletins in the scale corpus [100000]")
    parser.add_argument("--shared", default=None, help="the shared folder [../shared beside the repository]")
    parser.add_argument("--workdir", default=None, help="where corpora and indexes go [a temporary folder]")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (and reuse a generated corpus)")
    parser.add_argument("--reuse-indexes", action="store_true",
                        help="search the indexes a --keep run left in --workdir instead of building them "
                             "(re-measures update, search and web after a query-side change)")
    parser.add_argument("--corpora", default="dev,scale", help="which corpora: dev, scale or both [dev,scale]")
    parser.add_argument("--systems", default="ours,fts5,whoosh", help="baselines to include besides ours")
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE, help="query set TSV")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set per system [3]")
    parser.add_argument("--whoosh-rounds", type=int, default=1, help="passes for default Whoosh [1]")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for builds [all cores]")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-seconds", type=float, default=10.0, help="0 skips the web test [10]")
    parser.add_argument("--web-requests", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="where results are written")
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse_indexes  # never delete the indexes being reused
    args.systems = {s.strip() for s in args.systems.split(",") if s.strip()} | {"ours"}
    unknown = args.systems - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown system(s): {', '.join(sorted(unknown))}")
    args.corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    if set(args.corpora) - {"dev", "scale"}:
        parser.error("--corpora takes dev, scale or dev,scale")
    return args


def _scale_corpus(shared: Path, work: Path, args) -> Path:
    root = work / "corpus"
    stamp = work / "corpus.json"
    wanted = {"docs": args.docs, "seed": args.seed}
    if args.keep and root.is_dir() and stamp.exists() and json.loads(stamp.read_text()).get("made") == wanted:
        print(f"[scale] reusing {root}", file=sys.stderr)
        return root
    print(f"[scale] cutting {args.docs:,} bulletins from {shared / 'corpus' / 'presidencia'} …", file=sys.stderr)
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    made = corpora.make_scale_corpus(sources, root, args.docs, args.seed)
    stamp.write_text(json.dumps({"made": wanted, "bytes": made.bytes, "agencies": made.agencies[:20]},
                                ensure_ascii=False))
    return root


def main(argv=None) -> int:
    args = parse_args(argv)
    shared = corpora.find_shared(REPO, args.shared)
    if shared is None:
        where = args.shared or REPO.parent / "shared"
        print(f"Benchmark skipped: no shared corpus at {where} (pass --shared DIR).", file=sys.stderr)
        return 0
    queries = load_queries(args.queries)
    made_temp = args.workdir is None
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="boletines-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for name in args.corpora:
            if name == "dev":
                work = workdir / "dev"
                work.mkdir(exist_ok=True)
                corpus = corpora.copy_corpus(shared / "corpus", work / "corpus")
                label = "dev corpus"
            else:
                work = workdir / f"scale-{args.docs}"
                work.mkdir(exist_ok=True)
                corpus = _scale_corpus(shared, work, args)
                label = f"scale corpus ({args.docs:,} generated bulletins)"
            result = bench_corpus(label, corpus, work, queries, args)
            results.append(result)
            print(markdown(result, machine_line()), flush=True)
    finally:
        if args.keep:
            print(f"Work folder kept: {workdir}", file=sys.stderr)
        elif made_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:  # a folder the caller named: remove only what this run put there
            for name in ("dev", f"scale-{args.docs}"):
                shutil.rmtree(workdir / name, ignore_errors=True)
    if results:
        args.out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (args.out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (args.out / f"bench-{stamp}.md").write_text("\n".join(markdown(r, machine_line()) for r in results))
        print(f"Results written to {args.out / f'bench-{stamp}'}.{{md,json}}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
